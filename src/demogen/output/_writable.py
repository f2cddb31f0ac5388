"""Check, before any work, that a file can be created where a command will write.

``os.access`` says yes to root in a read-only or immutable folder; creating and removing
a probe file is the only answer that holds for everyone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from demogen.errors import ConfigError

__all__ = ["check_writable_dir", "check_writable_file", "removed_on_failure"]


def check_writable_dir(folder: Path, *, what: str, how: str) -> None:
    """:class:`ConfigError` unless files can be created in ``folder`` (or, when it does not
    exist yet, in the nearest folder above it that does). ``what`` names the folder for the
    user ("output folder"); ``how`` says what to do instead ("choose another with -o")."""
    existing = folder
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ConfigError(f"cannot write the {what} {folder}: {existing} is a file, not a "
                          f"folder; {how}")
    try:
        handle, probe = tempfile.mkstemp(prefix=".demogen-probe-", dir=existing)
        os.close(handle)
        os.unlink(probe)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(f"cannot write the {what} {folder} ({reason.lower()} in "
                          f"{existing}); {how}") from None


def check_writable_file(path: Path, *, what: str, how: str) -> None:
    """Like :func:`check_writable_dir` for the folder of ``path``; ``path`` itself must not
    be a folder."""
    if path.is_dir():
        raise ConfigError(f"the {what} {path} is a folder; give a file name; {how}")
    check_writable_dir(path.parent if str(path.parent) else Path("."), what=what, how=how)


@contextmanager
def removed_on_failure(path: Path) -> Iterator[None]:
    """Folders the body creates on the way to ``path`` are removed again when the body fails
    or is interrupted (Ctrl-C included), so a failed run leaves nothing behind. Folders that
    existed before are left alone; what the body wrote into them is its own to clean up."""
    first_new = None
    current = path
    while not current.exists() and current != current.parent:
        first_new, current = current, current.parent
    try:
        yield
    except BaseException:
        if first_new is not None and first_new.exists():
            shutil.rmtree(first_new, ignore_errors=True)
        raise

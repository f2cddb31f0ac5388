"""Output to an fsspec URL (``s3://``, ``gs://``, ``az://``, ``memory://``, ``file://``).

Object stores have no atomic rename, so a run is simulated into a local staging folder,
exactly as for a local output, and only finished files are uploaded: the day files first,
``manifest.json`` last, so a reader that waits for the manifest never sees half a run. An
upload that fails removes what it had put.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from demogen.errors import ConfigError
from demogen.output._daily import _own_names
from demogen.output._files import MANIFEST_NAME

#: Which optional extra of demogen brings the filesystem of a protocol.
_EXTRA_OF = {"s3": "s3", "s3a": "s3", "gs": "gcs", "gcs": "gcs",
             "az": "azure", "abfs": "azure", "abfss": "azure", "adl": "azure"}


def is_url(target: str) -> bool:
    """``scheme://…`` is a URL for fsspec; anything else is a local path."""
    scheme, sep, _ = target.partition("://")
    return bool(sep) and scheme.isidentifier()


@dataclass(frozen=True)
class RemoteOutput:
    """An output folder on an fsspec filesystem."""

    url: str
    fs: Any            # fsspec.AbstractFileSystem (fsspec ships no type hints)
    root: str

    @classmethod
    def open(cls, url: str) -> RemoteOutput:
        """Resolve ``url``; a clear error when the protocol is unknown or not installed."""
        import fsspec

        scheme = url.partition("://")[0].lower()
        try:
            fs, root = fsspec.core.url_to_fs(url)
        except ImportError:
            extra = _EXTRA_OF.get(scheme)
            how = (f"pip install 'demogen[{extra}]'" if extra
                   else f"install the fsspec implementation for '{scheme}'")
            raise ConfigError(f"writing to {scheme}:// needs an extra package: {how}") from None
        except ValueError:
            known = ", ".join([*sorted(_EXTRA_OF), "file", "memory"])
            raise ConfigError(
                f"unknown storage protocol '{scheme}' in {url}; use a local folder or a URL "
                f"fsspec knows ({known}, …)"
            ) from None
        return cls(url, fs, root.rstrip("/"))

    def prepare(self, *, overwrite: bool, prefix: str = "logs_") -> None:
        """The same promise as a local folder: never mix two runs, never delete others' files."""
        names = self._names()
        own = _own_names(prefix)
        others = sorted(n for n in names if not own.match(n))
        if others:
            shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more"
                                             if len(others) > 5 else "")
            raise ConfigError(f"{self.url} holds files demogen did not write ({shown}); "
                              "choose an empty or new location")
        if names and not overwrite:
            raise ConfigError(f"{self.url} already holds a demogen output ({len(names)} "
                              "entries); pass --overwrite to replace it, or choose another")
        for name in names:
            self.fs.rm(self._path(name), recursive=True)

    def upload(self, staging: Path, names: list[str]) -> None:
        """Put ``names`` from ``staging``, the manifest last; on failure remove what was put."""
        ordered = sorted(n for n in names if n != MANIFEST_NAME)
        ordered += [n for n in names if n == MANIFEST_NAME]
        put: list[str] = []
        try:
            self.fs.makedirs(self.root, exist_ok=True)
            for name in ordered:
                self.fs.put_file(str(staging / name), self._path(name))
                put.append(name)
        except BaseException as exc:
            for name in put:
                with contextlib.suppress(Exception):
                    self.fs.rm(self._path(name))
            if isinstance(exc, OSError):
                raise ConfigError(f"upload to {self.url} failed ({exc}); nothing was kept "
                                  "there") from None
            raise

    def _names(self) -> list[str]:
        try:
            entries = self.fs.ls(self.root, detail=False)
        except FileNotFoundError:
            return []
        return sorted(str(e).rstrip("/").rsplit("/", 1)[-1] for e in entries)

    def _path(self, name: str) -> str:
        return f"{self.root}/{name}"


@contextmanager
def staged_output(target: str, *, overwrite: bool,
                  on_upload: Callable[[str], None] | None = None) -> Iterator[tuple[Path, bool]]:
    """Yield ``(local folder, overwrite)`` to write a run into; a URL gets a staging folder.

    For a local ``target`` this is just the folder. For a URL the location is checked first
    (before any simulation), the run goes to a temporary folder, and its files are uploaded
    once the body has finished without error; the staging folder is always removed.
    """
    if not is_url(target):
        yield Path(target), overwrite
        return
    remote = RemoteOutput.open(target)
    remote.prepare(overwrite=overwrite)
    with tempfile.TemporaryDirectory(prefix="demogen-staging-") as staging:
        folder = Path(staging) / "out"
        yield folder, False
        if on_upload is not None:
            on_upload(remote.url)
        remote.upload(folder, sorted(p.name for p in folder.iterdir() if p.is_file()))

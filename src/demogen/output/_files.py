"""File mechanics shared by the sinks: names, temp files, deterministic gzip, atomic commit."""

from __future__ import annotations

import contextlib
import gzip as _gzip
import hashlib
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from demogen.errors import ConfigError
from demogen.output._sink import FileStats

#: Sub-folder of the output folder where shards put their part files.
PARTS_DIR = ".parts"
#: Name of the manifest inside the output folder.
MANIFEST_NAME = "manifest.json"
#: Read size for streamed copies (parts → day files, temp → gzip).
COPY_CHUNK = 8 << 20

_PREFIX_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_prefix(prefix: str) -> str:
    if not isinstance(prefix, str) or not _PREFIX_RE.match(prefix):
        raise ConfigError(
            f"file prefix {prefix!r} is not usable: use letters, digits, '_', '-' or '.', "
            "starting with a letter or digit (the default is 'logs_')"
        )
    return prefix


def temp_name(final_name: str) -> str:
    """``.logs_20240101.jsonl.tmp-<pid>``: hidden, and never matched by a ``logs_*`` glob."""
    return f".{final_name}.tmp-{os.getpid()}"


def fsync_dir(directory: Path) -> None:
    """Make renames inside ``directory`` durable (best effort: not every OS allows it)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def remove_quietly(paths: Iterable[Path]) -> None:
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


class _HashingWriter:
    """Write-only wrapper that counts and hashes the bytes that reach the file."""

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.size += len(data)
        return self._raw.write(data)

    def flush(self) -> None:
        self._raw.flush()


class FinalWriter:
    """Writes one output file through a temp file; :meth:`commit` renames it into place.

    With ``gzip=True`` the bytes are compressed deterministically (mtime 0, no file name
    in the header), so equal input gives byte-identical ``.gz`` files for a given zlib.
    ``lines`` counts newlines of the uncompressed content; ``bytes`` and ``sha256`` describe
    the file on disk.
    """

    def __init__(
        self, final: Path, *, gzip: bool = False, gzip_level: int = 6, durable: bool = True
    ) -> None:
        self.final = final
        self.temp = final.with_name(temp_name(final.name))
        self.durable = durable
        self.lines = 0
        self._raw = open(self.temp, "wb")  # noqa: SIM115 - closed by finish() or discard()
        self._hashing = _HashingWriter(self._raw)
        self._gz = (
            _gzip.GzipFile(
                filename="", mode="wb", compresslevel=gzip_level, fileobj=self._hashing, mtime=0
            )
            if gzip
            else None
        )

    def write(self, data: bytes) -> None:
        self.lines += data.count(b"\n")
        if self._gz is not None:
            self._gz.write(data)
        else:
            self._hashing.write(data)

    def copy_from(self, path: Path) -> None:
        with open(path, "rb") as src:
            while chunk := src.read(COPY_CHUNK):
                self.write(chunk)

    def finish(self) -> FileStats:
        """Flush and close the temp file; it is not renamed yet."""
        if self._gz is not None:
            self._gz.close()
        self._raw.flush()
        if self.durable:
            os.fsync(self._raw.fileno())
        self._raw.close()
        return FileStats(
            lines=self.lines, bytes=self._hashing.size, sha256=self._hashing.sha.hexdigest()
        )

    def commit(self) -> None:
        os.replace(self.temp, self.final)

    def discard(self) -> None:
        with contextlib.suppress(Exception):
            if self._gz is not None:
                self._gz.close()
        with contextlib.suppress(Exception):
            self._raw.close()
        remove_quietly([self.temp])

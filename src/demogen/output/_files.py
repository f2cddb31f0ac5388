"""File mechanics shared by the sinks: names, temp files, deterministic gzip, atomic commit."""

from __future__ import annotations

import contextlib
import errno
import gzip as _gzip
import hashlib
import mmap
import os
import re
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from demogen.errors import ConfigError
from demogen.output._sink import FileStats

#: Sub-folder of the output folder where shards put their part files.
PARTS_DIR = ".parts"
#: Name of the manifest inside the output folder.
MANIFEST_NAME = "manifest.json"
#: The rules a run used (the plan's names; ready for ``--rules``) and the plan as it was
#: read: with them the output folder describes itself (``demogen report OUT`` needs no more).
RULES_NAME = "rules.yaml"
PLAN_NAME = "plan.json"
#: ``demogen upload``'s record of what receivers acknowledged; a new run replaces the records,
#: so ``--overwrite`` drops it with them.
UPLOAD_CHECKPOINT_NAME = "upload.checkpoint.json"
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


def replace_file(path: Path, data: bytes, *, mode: int = 0o666) -> None:
    """Write ``data`` to ``path`` atomically: a temp file beside it, fsynced, then
    ``os.replace``; a crash leaves the old file or the new one, never half of one."""
    temp = path.parent / temp_name(path.name)
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(temp, path)
    except BaseException:
        remove_quietly([temp])
        raise
    fsync_dir(path.parent)


#: Errors that mean "not here" (old kernel, other file system): copy in Python instead.
_NO_KERNEL_COPY = {errno.ENOSYS, errno.EXDEV, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP,
                   errno.EBADF}


def _kernel_copy(src: int, dst: int, size: int, at: int) -> bool:
    """Copy ``src``'s ``size`` bytes to ``dst`` at offset ``at``; False if nothing was
    copied because the kernel cannot (a failure part-way raises: the temp file is dropped)."""
    done = 0
    while done < size:
        try:
            n = os.copy_file_range(src, dst, size - done, done, at + done)
        except OSError as error:
            if done == 0 and error.errno in _NO_KERNEL_COPY:
                return False
            raise
        if n == 0:
            raise OSError(errno.EIO, f"copy stopped after {done} of {size} bytes")
        done += n
    return True


class _HashingWriter:
    """Write-only file that counts and hashes the bytes that reach it.

    The file is opened on the first write after :meth:`pause`, so a coordinator can keep
    one writer per day of a long window without one open descriptor per day.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._raw: BinaryIO | None = open(path, "wb")  # noqa: SIM115 - closed by pause/close
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes | memoryview) -> int:
        if self._raw is None:
            self._raw = open(self._path, "ab")  # noqa: SIM115 - closed by pause/close
        self.sha.update(data)
        self.size += len(data)
        return self._raw.write(data)

    def append_file(self, path: Path) -> bool:
        """Append ``path`` without bringing its bytes through Python buffers: copied by the
        kernel (``copy_file_range``), hashed from a read-only map. False, with nothing
        written, where the kernel or file system cannot; the caller copies then."""
        if not hasattr(os, "copy_file_range"):
            return False
        self.pause()        # the copy writes at an offset: no buffered bytes may be pending
        with open(path, "rb", buffering=0) as src:
            size = os.fstat(src.fileno()).st_size
            if size:
                dst = os.open(self._path, os.O_WRONLY)   # not O_APPEND: the kernel refuses it
                try:
                    if not _kernel_copy(src.fileno(), dst, size, self.size):
                        return False
                finally:
                    os.close(dst)
                with mmap.mmap(src.fileno(), 0, access=mmap.ACCESS_READ) as view:
                    self.sha.update(view)
        self.size += size
        return True

    def flush(self) -> None:
        if self._raw is not None:
            self._raw.flush()

    def pause(self) -> None:
        """Close the file until the next write."""
        if self._raw is not None:
            self._raw.close()
            self._raw = None

    def close(self, *, durable: bool) -> None:
        if self._raw is None:
            self._raw = open(self._path, "ab")  # noqa: SIM115 - closed right below
        try:
            self._raw.flush()
            if durable:
                os.fsync(self._raw.fileno())
        finally:
            self.pause()


class FinalWriter:
    """Writes one output file through a temp file; :meth:`commit` renames it into place.

    With ``gzip=True`` the bytes are compressed deterministically (mtime 0, no file name
    in the header), so equal input gives byte-identical ``.gz`` files for a given zlib.
    ``lines`` counts newlines of the uncompressed content; ``bytes`` and ``sha256`` describe
    the file on disk. :meth:`pause` closes the temp file between appends (it reopens on the
    next one), which :class:`~demogen.output._daily.PartJoiner` does after every shard.
    """

    def __init__(
        self, final: Path, *, gzip: bool = False, gzip_level: int = 6, durable: bool = True
    ) -> None:
        self.final = final
        self.temp = final.with_name(temp_name(final.name))
        self.durable = durable
        self.lines = 0
        self._hashing = _HashingWriter(self.temp)
        self._gz = (
            _gzip.GzipFile(
                filename="", mode="wb", compresslevel=gzip_level, fileobj=self._hashing, mtime=0
            )
            if gzip
            else None
        )

    def write(self, data: bytes) -> None:
        self.lines += data.count(b"\n")
        self._write(data)

    def copy_from(self, path: Path, *, lines: int | None = None) -> None:
        """Append the bytes of ``path``; pass ``lines`` when it is known (saves a scan).

        Uncompressed, with ``lines`` known, the kernel copies the bytes (see
        :meth:`_HashingWriter.append_file`): the join of a sharded run is mostly this."""
        if lines is not None and self._gz is None and self._hashing.append_file(path):
            self.lines += lines
            return
        buffer = _copy_buffer()
        view = memoryview(buffer)
        with open(path, "rb", buffering=0) as src:
            while n := src.readinto(buffer):
                if lines is None:
                    self.lines += buffer.count(b"\n", 0, n)
                self._write(view[:n])
        if lines is not None:
            self.lines += lines

    def _write(self, data: bytes | memoryview) -> None:
        if self._gz is not None:
            self._gz.write(data)
        else:
            self._hashing.write(data)

    def pause(self) -> None:
        self._hashing.pause()

    def finish(self) -> FileStats:
        """Flush and close the temp file; it is not renamed yet."""
        if self._gz is not None:
            self._gz.close()
        self._hashing.close(durable=self.durable)
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
            self._hashing.pause()
        remove_quietly([self.temp])


_LOCAL = threading.local()


def _copy_buffer() -> bytearray:
    """One reusable read buffer per thread: streamed copies allocate nothing per chunk."""
    buffer: bytearray | None = getattr(_LOCAL, "buffer", None)
    if buffer is None:
        buffer = _LOCAL.buffer = bytearray(COPY_CHUNK)
    return buffer

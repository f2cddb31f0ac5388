"""Daily JSONL files: ``OUT/logs_YYYYMMDD.jsonl`` (or ``.jsonl.gz``), written atomically.

Layout of an output folder::

    OUT/logs_20240101.jsonl              one file per local day, '\\n' after every line
    OUT/manifest.json                    written last (see _manifest.py)
    OUT/.logs_20240101.jsonl.tmp-<pid>   while writing; renamed on close, removed on abort
    OUT/.parts/logs_20240101.part-00003.jsonl   sharded runs: one part per shard and day,
                                                joined by concat_parts() in shard order
    OUT/logs_20240101.part-00003.jsonl   --layout parts: the parts are the output
                                         (publish_parts()); a day is its parts in order
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any

from demogen.errors import ConfigError
from demogen.output._files import (
    MANIFEST_NAME,
    PARTS_DIR,
    PLAN_NAME,
    RULES_NAME,
    UPLOAD_CHECKPOINT_NAME,
    FinalWriter,
    check_prefix,
    fsync_dir,
    remove_quietly,
    temp_name,
)
from demogen.output._sink import FileStats, OutputSummary, day_file_name

__all__ = ["DailyJsonlSink", "PartJoiner", "concat_parts", "part_file_name",
           "prepare_output_dir", "publish_parts"]

#: Bytes buffered per day before they are appended to the day's temp file.
DEFAULT_DAY_BUFFER = 1 << 20
#: Bytes buffered over all days before every buffer is flushed (bounds memory for long windows).
DEFAULT_TOTAL_BUFFER = 32 << 20


def part_file_name(day: date, part: int, *, prefix: str = "logs_", gzip: bool = False) -> str:
    """``logs_YYYYMMDD.part-00003.jsonl`` (``.jsonl.gz``): one shard's lines of one day."""
    return f"{prefix}{day:%Y%m%d}.part-{part:05d}.jsonl{'.gz' if gzip else ''}"


_SAVED = "|".join(re.escape(name) for name in (RULES_NAME, PLAN_NAME))


def _own_names(prefix: str) -> re.Pattern[str]:
    """Names a previous demogen run may have left in an output folder."""
    p = re.escape(prefix)
    return re.compile(
        rf"^(?:{p}\d{{8}}(?:\.part-\d{{5}})?\.jsonl(?:\.gz)?"
        rf"|\.{p}\d{{8}}(?:\.part-\d{{5}})?\.jsonl(?:\.gz)?\.tmp-\d+"
        rf"|{re.escape(MANIFEST_NAME)}|\.{re.escape(MANIFEST_NAME)}\.tmp-\d+"
        rf"|{re.escape(UPLOAD_CHECKPOINT_NAME)}|\.{re.escape(UPLOAD_CHECKPOINT_NAME)}\.tmp-\d+"
        rf"|{_SAVED}|\.(?:{_SAVED})\.\d+\.tmp"
        rf"|{re.escape(PARTS_DIR)})$"
    )


def prepare_output_dir(out_dir: str | os.PathLike[str], *, overwrite: bool = False,
                       prefix: str = "logs_") -> Path:
    """Make sure ``out_dir`` can take a new output; create it if needed.

    - missing or empty: created, fine;
    - holds anything demogen did not write: :class:`ConfigError`, whatever ``overwrite`` says
      (we never delete files we do not own);
    - holds only a previous demogen output (``logs_*`` day files, ``manifest.json``,
      ``.parts/``, stale temp files): :class:`ConfigError` unless ``overwrite=True``, which
      removes exactly those first. Mixing two runs would leave stale days behind.
    """
    check_prefix(prefix)
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ConfigError(f"output path {out} exists and is not a folder; choose a folder")
    if not out.exists():
        try:
            out.mkdir(parents=True)
        except OSError as exc:
            raise ConfigError(f"cannot create the output folder {out} ({exc.strerror})") from None
        return out
    own = _own_names(prefix)
    ours: list[Path] = []
    others: list[str] = []
    for entry in sorted(out.iterdir()):
        if own.match(entry.name):
            ours.append(entry)
        else:
            others.append(entry.name)
    if others:
        shown = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        raise ConfigError(
            f"the output folder {out} holds files demogen did not write ({shown}); "
            "choose an empty or new folder"
        )
    if ours and not overwrite:
        raise ConfigError(
            f"the output folder {out} already holds a demogen output ({len(ours)} entries); "
            "add --overwrite to replace it, or choose another folder"
        )
    for path in ours:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return out


class _Day:
    __slots__ = ("buffer", "buffered", "bytes", "final", "lines", "sha", "temp")

    def __init__(self, temp: Path, final: Path, checksum: bool) -> None:
        self.temp = temp
        self.final = final
        self.buffer: list[bytes] = []
        self.buffered = 0
        self.lines = 0
        self.bytes = 0
        self.sha = hashlib.sha256() if checksum else None


class DailyJsonlSink:
    """Writes one JSONL file per day, atomically (temp file + ``os.replace`` on close).

    Lines are buffered per day (``day_buffer_bytes``) and in total (``total_buffer_bytes``),
    then appended to a hidden temp file, so memory stays bounded whatever the number of
    events. Nothing named ``logs_*`` exists until :meth:`close` has written every day; a crash
    or :meth:`abort` leaves no file that looks whole.

    ``gzip=True`` writes ``.jsonl.gz`` with deterministic bytes. ``part=3`` makes this the sink
    of shard 3: it writes ``OUT/.parts/logs_YYYYMMDD.part-00003.jsonl`` and does not check or
    clean ``OUT`` — the coordinator calls :func:`prepare_output_dir` once before starting the
    shards. Parts to be joined are plain (the join compresses, so ``.gz`` bytes do not depend
    on the shards); parts kept as the output (:func:`publish_parts`) may be gzipped.
    ``checksums=False`` skips the SHA-256 of each file (``FileStats.sha256`` is then
    empty): for part files, which the coordinator hashes anyway as it joins them.

    Usage::

        with DailyJsonlSink(out_dir, overwrite=True) as sink:   # abort() on an exception
            sink.write(date(2024, 1, 1), b'{"#type":"track",...}')
        sink.summary.files["logs_20240101.jsonl"].lines
    """

    def __init__(
        self,
        out_dir: str | os.PathLike[str],
        *,
        gzip: bool = False,
        prefix: str = "logs_",
        part: int | None = None,
        overwrite: bool = False,
        gzip_level: int = 6,
        day_buffer_bytes: int = DEFAULT_DAY_BUFFER,
        total_buffer_bytes: int = DEFAULT_TOTAL_BUFFER,
        durable: bool = True,
        checksums: bool = True,
    ) -> None:
        check_prefix(prefix)
        if not 0 <= gzip_level <= 9:
            raise ConfigError(f"gzip level {gzip_level} is out of range; use 0 to 9 (default 6)")
        self.out_dir = Path(out_dir)
        self.gzip = gzip
        self.prefix = prefix
        self.part = part
        self.gzip_level = gzip_level
        self.durable = durable
        self.checksums = checksums
        self._day_limit = day_buffer_bytes
        self._total_limit = total_buffer_bytes
        self._total = 0
        self._days: dict[date, _Day] = {}
        self._state = "open"
        self.summary: OutputSummary | None = None
        if part is None:
            self._dir = prepare_output_dir(self.out_dir, overwrite=overwrite, prefix=prefix)
        else:
            if not isinstance(part, int) or not 0 <= part <= 99999:
                raise ConfigError(f"part {part!r} must be an integer from 0 to 99999")
            self._dir = self.out_dir / PARTS_DIR
            try:
                self._dir.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(f"cannot create {self._dir} ({exc.strerror})") from None

    # -- hot path ---------------------------------------------------------------------------
    def write(self, day: date, line: bytes) -> None:
        self.write_block(day, line + b"\n", 1)

    def write_block(self, day: date, data: bytes, lines: int) -> None:
        """``lines`` whole lines of ``day``, each ending in ``\\n`` (the emitter hands over a
        batch at a time: the buffers then hold a few large blocks, not one item per line)."""
        if not data:
            return
        state = self._days.get(day)
        if state is None:
            state = self._new_day(day)
        state.buffer.append(data)
        state.lines += lines
        if state.sha is not None:    # now, while the block is still in the CPU's cache
            state.sha.update(data)
        size = len(data)
        state.buffered += size
        self._total += size
        if state.buffered >= self._day_limit:
            self._flush(state)
        elif self._total >= self._total_limit:
            self._flush_all()

    # -- lifecycle --------------------------------------------------------------------------
    def close(self) -> OutputSummary:
        """Flush, (gzip,) rename every day file into place and say what was written."""
        if self._state != "open":
            raise RuntimeError(f"this sink is already {self._state}")
        writers: list[FinalWriter] = []
        try:
            self._flush_all()
            files: dict[str, FileStats] = {}
            for day in sorted(self._days):
                state = self._days[day]
                if self.gzip:
                    writer = FinalWriter(state.final, gzip=True, gzip_level=self.gzip_level,
                                         durable=self.durable)
                    writers.append(writer)
                    writer.copy_from(state.temp, lines=state.lines)
                    files[state.final.name] = writer.finish()
                    state.temp.unlink()
                else:
                    if self.durable:
                        with open(state.temp, "rb+") as f:
                            os.fsync(f.fileno())
                    sha = "" if state.sha is None else state.sha.hexdigest()
                    files[state.final.name] = FileStats(
                        lines=state.lines, bytes=state.bytes, sha256=sha
                    )
            # Everything is on disk under temp names; the renames are quick and last.
            for day in sorted(self._days):
                state = self._days[day]
                temp = state.final.with_name(temp_name(state.final.name))
                os.replace(temp, state.final)
            if self.durable and self._days:
                fsync_dir(self._dir)
        except BaseException:
            for writer in writers:
                writer.discard()
            self._remove_temps()
            self._state = "aborted"
            raise
        self._state = "closed"
        self._days.clear()
        self.summary = OutputSummary(files=files)
        return self.summary

    def abort(self) -> None:
        """Drop buffers and delete this sink's temp files. A no-op after close()."""
        if self._state == "closed":
            return
        self._state = "aborted"
        self._remove_temps()
        self._days.clear()
        self._total = 0

    def __enter__(self) -> DailyJsonlSink:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()
        elif self._state == "open":
            self.close()

    # -- internals --------------------------------------------------------------------------
    def _new_day(self, day: date) -> _Day:
        if self._state != "open":
            raise RuntimeError(f"this sink is already {self._state}; create a new one")
        if self.part is None:
            final_name = day_file_name(day, prefix=self.prefix, gzip=self.gzip)
        else:
            final_name = part_file_name(day, self.part, prefix=self.prefix, gzip=self.gzip)
        plain_name = final_name.removesuffix(".gz")
        state = _Day(self._dir / temp_name(plain_name), self._dir / final_name,
                     self.checksums and not self.gzip)
        # A stale temp of a crashed run with the same pid must not be appended to.
        remove_quietly([state.temp])
        self._days[day] = state
        return state

    def _flush(self, state: _Day) -> None:
        if not state.buffer:
            return
        # The blocks are written as they are: joining them would copy every byte once more.
        self._append(state, state.buffer)
        state.bytes += state.buffered
        self._total -= state.buffered
        state.buffer = []
        state.buffered = 0

    def _append(self, state: _Day, blocks: list[bytes]) -> None:
        with open(state.temp, "ab") as f:
            f.writelines(blocks)

    def _flush_all(self) -> None:
        for state in self._days.values():
            self._flush(state)

    def _remove_temps(self) -> None:
        for state in self._days.values():
            state.buffer = []
            remove_quietly([state.temp, state.final.with_name(temp_name(state.final.name))])


_PART_RE_CACHE: dict[str, re.Pattern[str]] = {}


def _part_pattern(prefix: str) -> re.Pattern[str]:
    pattern = _PART_RE_CACHE.get(prefix)
    if pattern is None:
        pattern = re.compile(rf"^{re.escape(prefix)}(\d{{8}})\.part-(\d{{5}})\.jsonl$")
        _PART_RE_CACHE[prefix] = pattern
    return pattern


class PartJoiner:
    """Appends shards' part files to the day files, shard after shard, as shards finish.

    The coordinator of a sharded run calls :meth:`append` with each shard's parts in shard
    order (not in the order shards finish), so the joining overlaps the simulation of later
    shards instead of waiting for all of them. Each day file is streamed into a temp file
    (hashed and, with ``gzip=True``, compressed on the way); :meth:`finish` finishes every
    day before renaming any, so a failure leaves no half day file.

    Day files are independent, so one shard's parts are copied by ``threads`` threads side
    by side (reads, SHA-256, zlib and writes release the GIL); :meth:`append` returns when
    all are copied, which keeps each day's parts in shard order.

    Usage::

        joiner = PartJoiner(out)
        try:
            for shard in range(shards):     # in shard order
                joiner.append({"logs_20240101.part-00003.jsonl": 1200, ...}, remove=True)
            summary = joiner.finish()
        except BaseException:
            joiner.discard()
            raise
    """

    def __init__(self, out_dir: str | os.PathLike[str], *, gzip: bool = False,
                 prefix: str = "logs_", gzip_level: int = 6, durable: bool = True,
                 threads: int | None = None) -> None:
        self.out = Path(out_dir)
        self.gzip = gzip
        self.prefix = check_prefix(prefix)
        self.gzip_level = gzip_level
        self.durable = durable
        self._writers: dict[str, FinalWriter] = {}
        self._threads = threads or min(4, os.cpu_count() or 1)
        self._pool: ThreadPoolExecutor | None = None

    def append(self, parts: Mapping[str, int | None], *, remove: bool = False) -> None:
        """Append one shard's parts to their day files.

        ``parts`` maps each part's file name in ``OUT/.parts`` to its number of lines, or to
        ``None`` when unknown (they are counted then). ``remove=True`` deletes each part once
        appended: its bytes are in the day file's temp file now.
        """
        pattern = _part_pattern(self.prefix)
        copies: list[tuple[FinalWriter, Path, int | None]] = []
        for name in sorted(parts):
            match = pattern.match(name)
            if match is None:
                raise ValueError(f"{name} is not the name of a part file")
            copies.append((self._writer(match.group(1)), self.out / PARTS_DIR / name,
                           parts[name]))
        self._each(_append_part, copies)
        if remove:
            remove_quietly([path for _, path, _ in copies])

    def finish(self) -> OutputSummary:
        """Finish every day file, then rename them all into place; drops ``OUT/.parts``."""
        try:
            writers = [self._writers[day] for day in sorted(self._writers)]
            stats = self._each(FinalWriter.finish, writers)
            for writer in writers:
                writer.commit()
        except BaseException:
            self.discard()
            raise
        self._close_pool()
        if self.durable and writers:
            fsync_dir(self.out)
        shutil.rmtree(self.out / PARTS_DIR, ignore_errors=True)
        return OutputSummary(files={w.final.name: s for w, s in zip(writers, stats, strict=True)})

    def discard(self) -> None:
        """Remove the unfinished day files (the parts not yet appended stay)."""
        self._close_pool()
        for writer in self._writers.values():
            writer.discard()
        self._writers.clear()

    def _writer(self, day: str) -> FinalWriter:
        writer = self._writers.get(day)
        if writer is None:
            final = f"{self.prefix}{day}.jsonl{'.gz' if self.gzip else ''}"
            writer = self._writers[day] = FinalWriter(
                self.out / final, gzip=self.gzip, gzip_level=self.gzip_level,
                durable=self.durable)
        return writer

    def _each(self, fn: Callable[[Any], Any], items: Sequence[Any]) -> list[Any]:
        """``[fn(item) for item in items]``, on the joiner's threads when there are several."""
        if self._threads <= 1 or len(items) <= 1:
            return [fn(item) for item in items]
        if self._pool is None:
            self._pool = ThreadPoolExecutor(self._threads, thread_name_prefix="demogen-join")
        return list(self._pool.map(fn, items))

    def _close_pool(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


def _append_part(copy: tuple[FinalWriter, Path, int | None]) -> None:
    writer, path, lines = copy
    writer.copy_from(path, lines=lines)
    writer.pause()


def publish_parts(out_dir: str | os.PathLike[str], parts: Mapping[str, FileStats], *,
                  durable: bool = True) -> OutputSummary:
    """Move finished part files from ``OUT/.parts`` into ``OUT`` as the output itself
    (``--layout parts``): no join, one file per shard and day, in name order = day, then
    shard. Called once every shard is done, so nothing named ``logs_*`` appears before the
    whole run is; the renames are quick. Drops ``OUT/.parts``."""
    out = Path(out_dir)
    names = sorted(parts)
    for name in names:
        os.replace(out / PARTS_DIR / name, out / name)
    if durable and names:
        fsync_dir(out)
    shutil.rmtree(out / PARTS_DIR, ignore_errors=True)
    return OutputSummary(files={name: parts[name] for name in names})


def concat_parts(
    out_dir: str | os.PathLike[str],
    shard_order: Sequence[int],
    *,
    gzip: bool = False,
    prefix: str = "logs_",
    gzip_level: int = 6,
    durable: bool = True,
) -> OutputSummary:
    """Join ``OUT/.parts/*`` into the day files, shards in ``shard_order``, then drop the parts.

    Each day file is streamed into a temp file (8 MiB reads), every day is finished before any
    is renamed, and the parts are removed only after all renames — so a failure leaves the
    parts in place for a retry and no half day file. Gzip is applied here, which keeps the
    ``.gz`` bytes independent of the number of shards. (A coordinator that gets shards one
    by one uses :class:`PartJoiner` directly, so joining overlaps the simulation.)

    Raises :class:`ConfigError` when a part belongs to a shard missing from ``shard_order``,
    when ``shard_order`` repeats a shard, or when a shard left an unfinished temp file.
    """
    check_prefix(prefix)
    out = Path(out_dir)
    parts_dir = out / PARTS_DIR
    order = list(shard_order)
    if len(set(order)) != len(order):
        raise ConfigError(f"shard_order repeats a shard: {order}")
    rank = {shard: i for i, shard in enumerate(order)}
    by_shard: dict[int, dict[str, int | None]] = {}
    pattern = _part_pattern(prefix)
    entries = sorted(parts_dir.iterdir()) if parts_dir.is_dir() else []
    unfinished = [p.name for p in entries if ".tmp-" in p.name]
    if unfinished:
        raise ConfigError(
            f"{parts_dir} holds unfinished shard files ({', '.join(unfinished[:3])}); "
            "a shard did not close its sink — rerun the generation"
        )
    for path in entries:
        match = pattern.match(path.name)
        if not match:
            if path.name.endswith(".jsonl.gz"):     # kept parts (publish_parts), never joined
                raise ConfigError(f"part {path.name} is gzipped: gzip is applied when parts "
                                  "are joined (concat_parts(gzip=True)), not before")
            continue
        shard = int(match.group(2))
        if shard not in rank:
            raise ConfigError(
                f"part {path.name} belongs to shard {shard}, which is not in shard_order {order}"
            )
        by_shard.setdefault(rank[shard], {})[path.name] = None

    joiner = PartJoiner(out, gzip=gzip, prefix=prefix, gzip_level=gzip_level, durable=durable)
    try:
        for position in sorted(by_shard):
            joiner.append(by_shard[position])
    except BaseException:
        joiner.discard()
        raise
    return joiner.finish()

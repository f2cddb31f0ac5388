"""The record pass of ``demogen validate``: every line of every day file, streamed.

Per line: valid JSON (else :class:`~demogen.validate.OutputReadError`, the input is
unreadable), ``\\n`` line ends, no empty lines. Per record: :func:`check_record` (§14), the
time window and ``#time``'s date equal to the file's day. Across records: property types
(the semantics of :class:`TypeTracker`: the first value of a name fixes its type; each change
and each case-only clash is reported once, at its first occurrence in file order).

Files are scanned independently (in worker processes for large outputs) and the results
merged in file order, so the outcome does not depend on the number of workers. Memory is
bounded by the number of property names, never by the number of records.
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any

import orjson

from demogen.validate._check import Issue
from demogen.validate._format import (
    _TIME_VALUE,
    LIMITS,
    TypeTracker,
    check_record,
    property_type,
    time_window_problem,
)
from demogen.validate._progress import STEP_RECORDS, Progress
from demogen.validate._reader import OutputReadError, json_problem
from demogen.vocab import PropertyType

__all__ = ["FileScan", "Finding", "scan_files"]

#: Examples kept per kind of problem.
EXAMPLES = 5
#: Below this many bytes in all, files are scanned in this process (no worker start-up).
_PARALLEL_BYTES = 64 * 1024 * 1024
#: Lines between two progress ticks within a file (a few MB; the test costs ~30 ns a line).
_TICK_LINES = 16_384


@dataclass
class Finding:
    """How often one kind of problem occurred, with the first few examples."""

    count: int = 0
    examples: list[Issue] = field(default_factory=list)

    def add(self, file: str, line: int | None, message: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append(Issue(file, line, message))

    def merge(self, other: Finding) -> None:
        self.count += other.count
        room = EXAMPLES - len(self.examples)
        if room > 0:
            self.examples.extend(other.examples[:room])


class _KindLog(TypeTracker):
    """Where each property name first showed each type and each spelling, in order.

    Reports nothing itself: :func:`_merge_types` replays the logs of all files in file order.
    """

    def __init__(self) -> None:
        super().__init__()
        self.kinds: dict[tuple[str, str], dict[PropertyType, tuple[str, Any]]] = {}
        self.spellings: dict[tuple[str, str], dict[str, str]] = {}

    def _see(self, scope: str, name: str, value: Any, where: str, problems: list[str]) -> None:
        # Hot path (once per property per record): scalar kinds without a function call, the
        # time-layout regex only for strings that start like a date.
        cls = type(value)
        if cls is str:
            kind = (PropertyType.TIME if len(value) >= 19 and value[4:5] == "-"
                    and _TIME_VALUE.fullmatch(value) else PropertyType.STRING)
        else:
            kind = _SCALAR_KINDS.get(cls) or property_type(value)
            if kind is None:
                return
        kinds = self.kinds.get((scope, name))
        if kinds is None:
            self.kinds[(scope, name)] = {kind: (where, value)}
            self.spellings.setdefault((scope, name.lower()), {}).setdefault(name, where)
        elif kind not in kinds:
            kinds[kind] = (where, value)


_SCALAR_KINDS = {bool: PropertyType.BOOLEAN, int: PropertyType.NUMBER,
                 float: PropertyType.NUMBER}


@dataclass
class FileScan:
    """What one file held: counts, findings, and the lines DuckDB will not see as rows."""

    file: str
    lines: int = 0
    records: int = 0
    #: Blank (whitespace-only) line numbers: the JSON reader skips them, so row k of the
    #: file is line k plus the blank lines before it.
    blank_lines: list[int] = field(default_factory=list)
    findings: dict[str, Finding] = field(default_factory=dict)
    kinds: dict[tuple[str, str], dict[PropertyType, tuple[str, Any]]] = field(
        default_factory=dict
    )
    spellings: dict[tuple[str, str], dict[str, str]] = field(default_factory=dict)
    error: tuple[int, str] | None = None

    def finding(self, kind: str) -> Finding:
        found = self.findings.get(kind)
        if found is None:
            found = self.findings[kind] = Finding()
        return found


def scan_file(path: Path, day: str, now_utc: datetime, max_past_days: float,
              on_read: Callable[[int], None] | None = None) -> FileScan:
    """Scan one day file (``day`` is its ``yyyy-mm-dd``). Unreadable input is returned in
    ``error`` as ``(line, reason)`` rather than raised, so it crosses process boundaries.
    ``on_read(bytes)`` is told every :data:`_TICK_LINES` lines how far into the stored file
    (compressed bytes for ``.gz``) the scan is."""
    scan = FileScan(file=path.name)
    log = _KindLog()
    fmt, time_problems = scan.finding("format"), scan.finding("time")
    name = path.name
    number = 0
    try:
        with open(path, "rb") as disk, (
            gzip.GzipFile(fileobj=disk) if name.endswith(".gz") else nullcontext(disk)
        ) as f:
            for number, raw in enumerate(f, start=1):
                if on_read is not None and not number % _TICK_LINES:
                    on_read(disk.tell())
                if not raw.endswith(b"\n"):
                    fmt.add(name, number, "the last line does not end with '\\n' (LogBus2 "
                            "holds back an unterminated line)")
                if b"\r" in raw:
                    fmt.add(name, number, "the line holds a carriage return; use '\\n' line "
                            "ends only")
                if not raw.strip():
                    fmt.add(name, number, "empty line")
                    scan.blank_lines.append(number)
                    continue
                try:
                    record = orjson.loads(raw)
                except orjson.JSONDecodeError as exc:
                    scan.error = (number, json_problem(exc))
                    return scan
                scan.records += 1
                for message in check_record(record):
                    fmt.add(name, number, message)
                if not isinstance(record, dict):
                    continue
                log.observe(record, where=f"{name}:{number}")
                problem = time_window_problem(record, now_utc, max_past_days=max_past_days)
                if problem:
                    time_problems.add(name, number, problem)
                stamp = record.get("#time")
                if isinstance(stamp, str) and len(stamp) >= 10 and stamp[:10] != day:
                    time_problems.add(name, number, f"'#time' {stamp} is not on the file's day "
                                      f"{day} (day files hold local days)")
    except (OSError, EOFError, zlib.error) as exc:
        kind = "broken gzip file" if name.endswith(".gz") else "cannot read the file"
        scan.error = (number + 1, f"{kind} ({exc})")
        return scan
    scan.lines = number
    scan.kinds, scan.spellings = log.kinds, log.spellings
    return scan


def _context():
    """fork where there is one: workers only parse and check lines (no locks, no DuckDB,
    which starts after the scan), and fork, unlike spawn, does not re-run the caller's
    main module (a script without a ``__main__`` guard would run again in each worker)."""
    methods = get_all_start_methods()
    return get_context("fork" if "fork" in methods else "spawn")


def _scan_one(args: tuple[str, str, datetime, float]) -> FileScan:
    path, day, now_utc, max_past_days = args
    return scan_file(Path(path), day, now_utc, max_past_days)


def _scan_here(jobs: list[tuple[str, str, datetime, float]], sizes: list[int],
               progress: Progress | None) -> list[FileScan]:
    """Scan in this process, reporting bytes read within each file."""
    total = sum(sizes)
    base = 0
    scans = []
    for (path, day, now_utc, max_past_days), size in zip(jobs, sizes, strict=True):
        tick = None if progress is None else _ticker(progress, base, total)
        scans.append(scan_file(Path(path), day, now_utc, max_past_days, on_read=tick))
        base += size
        if progress is not None:
            progress(STEP_RECORDS, base, total)
    return scans


def _ticker(progress: Progress, base: int, total: int) -> Callable[[int], None]:
    return lambda position: progress(STEP_RECORDS, base + position, total)


def _scan_in_workers(jobs: list[tuple[str, str, datetime, float]], sizes: list[int],
                     workers: int, progress: Progress | None) -> list[FileScan]:
    """Scan in worker processes, reporting each file as it finishes; results in file order."""
    total = sum(sizes)
    done = 0
    scans: list[FileScan | None] = [None] * len(jobs)
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        futures = {pool.submit(_scan_one, job): i for i, job in enumerate(jobs)}
        for future in as_completed(futures):
            i = futures[future]
            scans[i] = future.result()
            done += sizes[i]
            if progress is not None:
                progress(STEP_RECORDS, done, total)
    return [scan for scan in scans if scan is not None]


def scan_files(
    files: list[Path],
    *,
    prefix: str = "logs_",
    now: datetime | None = None,
    max_past_days: float = LIMITS["past_days"],
    workers: int | None = None,
    progress: Progress | None = None,
) -> tuple[list[FileScan], dict[str, Finding]]:
    """Scan ``files`` (sorted by day) and merge: per-file scans and the merged findings
    (``format``, ``time``, ``types``). Raises :class:`OutputReadError` for the first file, in
    file order, that cannot be read. ``progress`` gets the ``"records"`` step
    (:mod:`demogen.validate._progress`)."""
    now_utc = now or datetime.now(UTC)
    now_utc = now_utc.replace(tzinfo=UTC) if now_utc.tzinfo is None else now_utc.astimezone(UTC)
    jobs = []
    for path in files:
        day = path.name[len(prefix):len(prefix) + 8]
        jobs.append((str(path), f"{day[:4]}-{day[4:6]}-{day[6:]}", now_utc, max_past_days))
    sizes = [path.stat().st_size for path in files]
    if progress is not None:
        progress(STEP_RECORDS, 0, sum(sizes))
    if workers is None:
        workers = min(os.cpu_count() or 1, len(files), 8)
    if workers <= 1 or len(files) <= 1 or sum(sizes) < _PARALLEL_BYTES:
        scans = _scan_here(jobs, sizes, progress)
    else:
        scans = _scan_in_workers(jobs, sizes, workers, progress)
    for scan in scans:
        if scan.error is not None:
            line, reason = scan.error
            raise OutputReadError(scan.file, line, reason)
    merged = {"format": Finding(), "time": Finding(), "types": _merge_types(scans)}
    for scan in scans:
        for kind in ("format", "time"):
            merged[kind].merge(scan.finding(kind))
    return scans, merged


def _merge_types(scans: list[FileScan]) -> Finding:
    """Replay the per-file type logs in file order, as one :class:`TypeTracker` would."""
    found = Finding()
    first: dict[tuple[str, str], tuple[PropertyType, str]] = {}
    reported: set[tuple[str, str, str]] = set()
    spelling: dict[tuple[str, str], str] = {}
    for scan in scans:
        for (scope, low), names in scan.spellings.items():
            for name, where in names.items():
                spelled = spelling.setdefault((scope, low), name)
                if spelled != name and (scope, name, spelled) not in reported:
                    reported.add((scope, name, spelled))
                    file, _, line = where.rpartition(":")
                    found.add(file, int(line), f"{scope} property {name!r} differs from "
                              f"{spelled!r} only in case; TE names are case-insensitive, so "
                              "they are one property")
        for key, kinds in scan.kinds.items():
            scope, name = key
            for kind, (where, value) in kinds.items():
                if key not in first:
                    first[key] = (kind, where)
                    continue
                first_kind, first_where = first[key]
                if kind is first_kind or (scope, name, kind.value) in reported:
                    continue
                reported.add((scope, name, kind.value))
                file, _, line = where.rpartition(":")
                found.add(file, int(line), f"{scope} property {name!r} changes type: first a "
                          f"{first_kind.value} at {first_where}, now a {kind.value} "
                          f"({value!r:.40}); TE keeps the first type and drops the rest")
    return found

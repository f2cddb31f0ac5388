"""Replay a generated run as a live stream: records in time order at wall-clock pace.

A live session (``demogen live``, :mod:`demogen.pipeline._live`) simulates a window in the
past whose weekdays match the coming days, then moves every time in it forward by
``shift_days`` (a multiple of 7), so the run's first day becomes the day the session started.
This module reads that run, merges the users' records by the instant they happened (the
local ``#time`` minus the user's ``#zone_offset``; ``user_*`` records take their user's
zone), and hands them to a sink when a clock that runs ``speed`` times faster than the wall
reaches them. The order and the bytes never depend on the pace: records are numbered in
that order, and a session resumes after the last number it delivered.
"""

from __future__ import annotations

import heapq
import os
import re
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import BinaryIO, Protocol

import orjson

from demogen.upload._receiver import ReceiverClient, ReceiverUnavailable, RetryableError
from demogen.validate._reader import output_files

__all__ = ["FileSink", "LiveRecord", "LiveSink", "ReceiverSink", "StreamSink",
           "live_records", "pace", "shift_times", "utc_now_ms"]

#: A time string in a JSON value: ``"yyyy-MM-dd HH:mm:ss[.SSS]"``.
_TIME_STRING = re.compile(rb'"(\d{4})-(\d{2})-(\d{2})( \d{2}:\d{2}:\d{2}(?:\.\d{3})?)"')
#: The furthest zone ahead of UTC: a file of local day D holds nothing before D 00:00 − 14 h.
_MAX_AHEAD = timedelta(hours=14)
_EPOCH = datetime(1970, 1, 1)


def shift_times(line: bytes, days: int) -> bytes:
    """Every time string of the record ``days`` days later (``#time`` and time-typed
    values alike), so the record reads as if it happened then."""
    if not days:
        return line

    def moved(match: re.Match[bytes]) -> bytes:
        day = date(int(match[1]), int(match[2]), int(match[3])) + timedelta(days=days)
        return b'"' + day.isoformat().encode() + match[4] + b'"'

    return _TIME_STRING.sub(moved, line)


@dataclass(frozen=True, order=True)
class LiveRecord:
    """One record to deliver: its number in the stream, when it happened (UTC ms), its
    local day (which file it belongs to) and its bytes (times already shifted)."""

    number: int
    instant_ms: int
    day: date
    line: bytes


def _instant_ms(local: str, zone_hours: float) -> int:
    moment = datetime.strptime(local[:19], "%Y-%m-%d %H:%M:%S")
    millis = int(local[20:23]) if len(local) >= 23 else 0
    return int(((moment - _EPOCH).total_seconds() - zone_hours * 3600) * 1000) + millis


def _day_records(path: Path, shift_days: int, seq: int) -> list[tuple[int, int, date, bytes]]:
    """``(instant, seq, day, line)`` of one day file, in file order."""
    parsed = []
    zones: dict[str, float] = {}
    for raw in path.read_bytes().splitlines():
        if not raw.strip():
            continue
        line = shift_times(raw.strip(), shift_days)
        record = orjson.loads(line)
        who = str(record.get("#distinct_id") or record.get("#account_id"))
        zone = (record.get("properties") or {}).get("#zone_offset")
        if isinstance(zone, int | float):
            zones.setdefault(who, float(zone))
        parsed.append((who, record["#time"], line))
    out = []
    for who, local, line in parsed:
        out.append((_instant_ms(local, zones.get(who, 0.0)), seq, date.fromisoformat(
            local[:10]), line))
        seq += 1
    return out


def live_records(run_dir: Path, shift_days: int, *, skip: int = 0) -> Iterator[LiveRecord]:
    """The run's records in the order they happened, numbered from 0; the first ``skip``
    are passed over (a resumed session). Two days of records are held at a time."""
    heap: list[tuple[int, int, date, bytes]] = []
    number = 0
    seq = 0
    files = [p for p in output_files(run_dir) if ".part-" not in p.name]

    def release(before_ms: int | None) -> Iterator[LiveRecord]:
        nonlocal number
        while heap and (before_ms is None or heap[0][0] < before_ms):
            instant, _, day, line = heapq.heappop(heap)
            if number >= skip:
                yield LiveRecord(number, instant, day, line)
            number += 1

    for path in files:
        records = _day_records(path, shift_days, seq)
        seq += len(records)
        for item in records:
            heapq.heappush(heap, item)
        local_day = datetime.strptime(path.name[5:13], "%Y%m%d") + timedelta(days=shift_days)
        next_start = local_day + timedelta(days=1) - _MAX_AHEAD
        yield from release(int((next_start - _EPOCH).total_seconds() * 1000))
    yield from release(None)


# -- sinks ------------------------------------------------------------------------------------


class LiveSink(Protocol):
    def write(self, records: list[LiveRecord]) -> None: ...
    def close(self) -> None: ...


class StreamSink:
    """One line per record to a binary stream (stdout), flushed after each write."""

    def __init__(self, stream: BinaryIO | None = None) -> None:
        self.stream = stream or sys.stdout.buffer

    def write(self, records: list[LiveRecord]) -> None:
        self.stream.write(b"".join(r.line + b"\n" for r in records))
        self.stream.flush()

    def close(self) -> None:
        self.stream.flush()


class FileSink:
    """Appends to ``OUT/logs_YYYYMMDD.jsonl`` of each record's local day, the files LogBus2
    tails: a new day's file starts at its midnight. Each record is one ``write`` of a whole
    line to a file opened with O_APPEND, so a stop never leaves half a line."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        self._fds: dict[date, int] = {}

    def _fd(self, day: date) -> int:
        fd = self._fds.get(day)
        if fd is None:
            for old in [d for d in self._fds if d < day - timedelta(days=1)]:
                os.close(self._fds.pop(old))        # a day long over: its file is done
            path = self.out_dir / f"logs_{day:%Y%m%d}.jsonl"
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            self._fds[day] = fd
        return fd

    def write(self, records: list[LiveRecord]) -> None:
        for record in records:
            os.write(self._fd(record.day), record.line + b"\n")

    def close(self) -> None:
        for fd in self._fds.values():
            os.fsync(fd)
            os.close(fd)
        self._fds.clear()


class ReceiverSink:
    """Posts to ``/sync_server``; a batch is written only once it is acknowledged
    (network errors retried with backoff; a rejection raises)."""

    def __init__(self, client: ReceiverClient, *, stop: threading.Event,
                 attempts: int = 8, backoff: float = 0.5) -> None:
        self.client = client
        self.stop = stop
        self.attempts = attempts
        self.backoff = backoff

    def write(self, records: list[LiveRecord]) -> None:
        for start in range(0, len(records), 200):
            chunk = [r.line for r in records[start:start + 200]]
            for attempt in range(self.attempts):
                try:
                    self.client.send(chunk)
                    break
                except RetryableError as exc:
                    if attempt == self.attempts - 1:
                        raise ReceiverUnavailable(
                            f"the receiver {self.client.target.base_url} kept failing "
                            f"({exc}); run the same command to continue") from None
                    # Wait even when stopping: the records are already taken from the stream.
                    time.sleep(min(30.0, self.backoff * 2 ** attempt))

    def close(self) -> None:
        self.client.close()


# -- pacing -----------------------------------------------------------------------------------


def pace(records: Iterator[LiveRecord], sink: LiveSink, *, speed: float, start_ms: int,
         stop: threading.Event, delivered: Callable[[LiveRecord], None],
         flush_every: float = 0.2, clock: Callable[[], float] = time.monotonic) -> None:
    """Deliver ``records`` when the live clock reaches them. The live clock starts at
    ``start_ms`` (UTC ms) and runs ``speed`` times faster than ``clock``; records already
    behind it go at once. Deliveries are grouped up to ``flush_every`` seconds of wall time;
    ``delivered`` hears the last record of each group once the sink has it. Returns when the
    records run out or ``stop`` is set (after delivering what was taken)."""
    began = clock()
    batch: list[LiveRecord] = []
    batch_since = began

    def flush() -> None:
        nonlocal batch, batch_since
        if batch:
            sink.write(batch)
            delivered(batch[-1])
        batch, batch_since = [], clock()

    for record in records:
        while not stop.is_set():
            now_ms = start_ms + (clock() - began) * speed * 1000
            wait = (record.instant_ms - now_ms) / 1000 / speed
            if wait <= 0:
                break
            flush()
            stop.wait(min(wait, flush_every))
        if stop.is_set():
            break
        batch.append(record)
        if clock() - batch_since >= flush_every:
            flush()
    flush()


def utc_now_ms() -> int:
    return int(datetime.now(UTC).timestamp() * 1000)

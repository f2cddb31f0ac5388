"""The output seam: one small protocol, its summary, and an in-memory sink for tests."""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any, Protocol, runtime_checkable

import orjson
from pydantic import BaseModel, ConfigDict

__all__ = ["FileStats", "MemorySink", "OutputSink", "OutputSummary", "day_file_name"]


def day_file_name(day: date, *, prefix: str = "logs_", gzip: bool = False) -> str:
    """``logs_YYYYMMDD.jsonl`` (or ``.jsonl.gz``): the name of one day's file."""
    return f"{prefix}{day:%Y%m%d}.jsonl{'.gz' if gzip else ''}"


class FileStats(BaseModel):
    """What one written file holds: lines, bytes on disk and the SHA-256 of those bytes."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    lines: int
    bytes: int
    sha256: str


class OutputSummary(BaseModel):
    """What a sink wrote: file name (relative to the output folder) → stats, sorted by name."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    files: dict[str, FileStats]

    @property
    def lines(self) -> int:
        return sum(f.lines for f in self.files.values())

    @property
    def bytes(self) -> int:
        return sum(f.bytes for f in self.files.values())


@runtime_checkable
class OutputSink(Protocol):
    """Where serialized records go. The engine owns serialization; a sink only stores bytes.

    ``write`` receives one compact JSON record (orjson output, no trailing newline, no raw
    newline inside) and the *local* day it belongs to; a sink may also offer
    ``write_block(day, data, lines)``: ``lines`` whole lines of one day, each ending in
    ``\\n``, which the emitter then uses to hand over a batch at a time. ``close`` finishes
    the output and says what was written; ``abort`` removes everything partial. After
    either, ``write`` raises.

    Usage::

        sink = DailyJsonlSink(out_dir)
        try:
            for day, line in records:
                sink.write(day, line)
        except BaseException:
            sink.abort()
            raise
        summary = sink.close()
    """

    def write(self, day: date, line: bytes) -> None: ...

    def close(self) -> OutputSummary: ...

    def abort(self) -> None: ...


class MemorySink:
    """Keeps every line in memory, per day. For tests; memory grows with the output."""

    def __init__(self, *, prefix: str = "logs_") -> None:
        self.prefix = prefix
        self.lines: dict[date, list[bytes]] = {}
        self.closed = False
        self.aborted = False

    def write(self, day: date, line: bytes) -> None:
        if self.closed or self.aborted:
            raise RuntimeError("MemorySink is closed; create a new sink")
        lines = self.lines.get(day)
        if lines is None:
            lines = self.lines[day] = []
        lines.append(line)

    def close(self) -> OutputSummary:
        if self.aborted:
            raise RuntimeError("MemorySink was aborted; nothing to close")
        self.closed = True
        files = {}
        for day in sorted(self.lines):
            data = self.day_bytes(day)
            files[day_file_name(day, prefix=self.prefix)] = FileStats(
                lines=len(self.lines[day]), bytes=len(data), sha256=hashlib.sha256(data).hexdigest()
            )
        return OutputSummary(files=files)

    def abort(self) -> None:
        self.aborted = True
        self.lines.clear()

    def day_bytes(self, day: date) -> bytes:
        """The exact bytes ``DailyJsonlSink`` would write for ``day`` (uncompressed)."""
        lines = self.lines.get(day, [])
        return b"".join(line + b"\n" for line in lines)

    def records(self, day: date | None = None) -> list[dict[str, Any]]:
        """Parsed records of one day, or of every day in day order."""
        days = [day] if day is not None else sorted(self.lines)
        return [orjson.loads(line) for d in days for line in self.lines.get(d, [])]

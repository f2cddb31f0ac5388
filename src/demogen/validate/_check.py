"""Check a whole output folder: lines, records, property types, time window, day files."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime

import orjson

from demogen.validate._format import (
    LIMITS,
    TypeTracker,
    check_record,
    time_window_problem,
)
from demogen.validate._reader import iter_lines, json_problem, output_files

__all__ = ["CheckResult", "Issue", "check_output"]


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem: file, line (``None`` for the whole file) and message."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.message}"


@dataclass
class CheckResult:
    """What :func:`check_output` found. ``issues`` holds at most ``max_issues`` entries;
    ``dropped`` counts the rest."""

    files: int = 0
    records: int = 0
    issues: list[Issue] = field(default_factory=list)
    dropped: int = 0

    @property
    def ok(self) -> bool:
        return not self.issues and not self.dropped

    def __str__(self) -> str:
        head = f"{self.files} files, {self.records} records: "
        if self.ok:
            return head + "no problems"
        total = len(self.issues) + self.dropped
        lines = [head + f"{total} problem{'s' if total != 1 else ''}"]
        lines += [f"  {issue}" for issue in self.issues]
        if self.dropped:
            lines.append(f"  … and {self.dropped} more")
        return "\n".join(lines)


def check_output(
    out_dir: str | os.PathLike[str],
    *,
    now: datetime | None = None,
    prefix: str = "logs_",
    max_issues: int = 200,
    max_past_days: float = LIMITS["past_days"],
) -> CheckResult:
    """Run every record check over an output folder, streamed.

    Per line: valid JSON, no ``\\r``, no empty lines, ``\\n`` after the last line. Per record:
    :func:`check_record`, the time window against ``now`` (default: the wall clock), and
    ``#time``'s date equal to the day in the file name. Across records: :class:`TypeTracker`.
    """
    now_utc = (now or datetime.now(UTC))
    now_utc = now_utc.replace(tzinfo=UTC) if now_utc.tzinfo is None else now_utc.astimezone(UTC)
    result = CheckResult(files=len(output_files(out_dir, prefix=prefix)))
    tracker = TypeTracker()

    def report(file: str, line: int | None, message: str) -> None:
        if len(result.issues) < max_issues:
            result.issues.append(Issue(file, line, message))
        else:
            result.dropped += 1

    day_of: dict[str, str] = {}
    for file, number, raw in iter_lines(out_dir, prefix=prefix):
        if file not in day_of:
            day = file[len(prefix):len(prefix) + 8]
            day_of[file] = f"{day[:4]}-{day[4:6]}-{day[6:]}"
        if not raw.endswith(b"\n"):
            report(file, number, "the last line does not end with '\\n' (LogBus2 holds back "
                   "an unterminated line)")
        if raw.endswith(b"\r\n") or b"\r" in raw:
            report(file, number, "the line holds a carriage return; use '\\n' line ends only")
        if not raw.strip():
            report(file, number, "empty line")
            continue
        try:
            record = orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            report(file, number, json_problem(exc))
            continue
        result.records += 1
        for message in check_record(record):
            report(file, number, message)
        if not isinstance(record, dict):
            continue
        for message in tracker.observe(record, where=f"{file}:{number}"):
            report(file, number, message)
        problem = time_window_problem(record, now_utc, max_past_days=max_past_days)
        if problem:
            report(file, number, problem)
        stamp = record.get("#time")
        if isinstance(stamp, str) and stamp[:10] != day_of[file] and len(stamp) >= 10:
            report(file, number, f"'#time' {stamp} is not on the file's day {day_of[file]} "
                   "(day files hold local days)")
    return result

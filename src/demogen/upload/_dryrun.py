"""``upload --dry-run``: what ThinkingEngine would reject, before anything is stored.

A sample of the output (the first record of each ``#type`` and ``#event_name``, in file
order, up to ``sample`` records) goes one record at a time to ``/data_debug`` with
``dryRun=1``: the receiver checks each as in debug mode (strict: one bad property fails the
record) and stores nothing. The answer's ``errorReasons`` and ``errorProperties`` say why.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

import orjson

from demogen.upload._batches import folder, iter_batches, output_fingerprint
from demogen.upload._receiver import (
    DebugAnswer,
    ReceiverClient,
    ReceiverUnavailable,
    RetryableError,
)
from demogen.upload._target import Target

__all__ = ["DryRunReport", "SampleResult", "dry_run"]

DEFAULT_SAMPLE = 50


@dataclass(frozen=True)
class SampleResult:
    file: str
    line: int
    label: str                 # "track login", "user_set"
    answer: DebugAnswer


@dataclass
class DryRunReport:
    receiver: str
    appid: str
    results: list[SampleResult] = field(default_factory=list)

    @property
    def rejected(self) -> list[SampleResult]:
        return [r for r in self.results if not r.answer.ok]

    @property
    def ok(self) -> bool:
        return not self.rejected


def _label(record: bytes) -> str:
    data = orjson.loads(record)
    kind = str(data.get("#type", "?"))
    name = data.get("#event_name")
    return f"{kind} {name}" if name else kind


def _sample(out: Path, size: int) -> list[tuple[str, int, bytes, str]]:
    """``(file, line, record, label)`` of the first record of each kind, in file order."""
    seen: set[str] = set()
    picked: list[tuple[str, int, bytes, str]] = []
    # Batches of one carry each record's own file and line.
    for batch in iter_batches(out, 1):
        label = _label(batch.records[0])
        if label in seen:
            continue
        seen.add(label)
        picked.append((batch.file, batch.line, batch.records[0], label))
        if len(picked) >= size:
            break
    return picked


def dry_run(out_dir: str | Path, target: Target, *, sample: int = DEFAULT_SAMPLE,
            timeout: float = 30.0, attempts: int = 4) -> DryRunReport:
    """Send a sample to ``/data_debug`` (``dryRun=1``) and collect each verdict."""
    out = folder(out_dir)
    output_fingerprint(out)          # says clearly when the folder holds no records
    report = DryRunReport(target.base_url, target.masked)
    client = ReceiverClient(target, timeout=timeout)
    try:
        for file, line, record, label in _sample(out, sample):
            report.results.append(SampleResult(file, line, label,
                                               _ask(client, record, attempts)))
    finally:
        client.close()
    return report


def _ask(client: ReceiverClient, record: bytes, attempts: int) -> DebugAnswer:
    for attempt in range(attempts):
        try:
            return client.debug(record, dry_run=True)
        except RetryableError as exc:
            if attempt == attempts - 1:
                raise ReceiverUnavailable(f"{client.target.base_url}/data_debug kept "
                                          f"failing: {exc}") from None
            time.sleep(0.5 * 2 ** attempt)
    raise AssertionError("unreachable")

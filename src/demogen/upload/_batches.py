"""An output folder as numbered batches of raw record lines.

Batch ``k`` is always records ``k·N … k·N+N-1`` in file order (day files, or with
``--layout parts`` part files, by name), so the same output and batch size give the same
batches on every run: a checkpoint can name them by number. Lines are sent as written, never
re-serialised, so a resend is byte for byte the first copy and carries the same ``#uuid``.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

from demogen.errors import ConfigError
from demogen.validate._reader import OutputReadError, iter_lines, json_problem, output_files

__all__ = ["Batch", "count_records", "iter_batches", "output_fingerprint"]

_UUID_KEY = b'"#uuid"'


@dataclass(frozen=True)
class Batch:
    """Batch ``index``: its records (compact JSON, no newline) and where the first one is."""

    index: int
    records: tuple[bytes, ...]
    file: str
    line: int


def _with_uuid(raw: bytes, file: str, line: int) -> bytes:
    """A record without ``#uuid`` gets one derived from its place in the output (file and
    line), so every run sends it with the same id."""
    try:
        record = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise OutputReadError(file, line, json_problem(exc)) from None
    if not isinstance(record, dict):
        raise OutputReadError(file, line, "not a JSON object")
    digest = hashlib.sha256(f"{file}\n{line}".encode()).digest()[:16]
    record["#uuid"] = str(uuid.UUID(bytes=digest, version=4))
    return orjson.dumps(record)


def iter_batches(out_dir: str | os.PathLike[str], batch_size: int) -> Iterator[Batch]:
    """Every record of the output, ``batch_size`` at a time, numbered from 0."""
    if batch_size < 1:
        raise ConfigError(f"batch size {batch_size} must be at least 1")
    records: list[bytes] = []
    index, first = 0, ("", 0)
    for file, number, raw in iter_lines(out_dir):
        line = raw.strip()
        if not line:
            continue
        if _UUID_KEY not in line:
            line = _with_uuid(line, file, number)
        if not records:
            first = (file, number)
        records.append(line)
        if len(records) == batch_size:
            yield Batch(index, tuple(records), *first)
            records, index = [], index + 1
    if records:
        yield Batch(index, tuple(records), *first)


def count_records(out_dir: str | os.PathLike[str]) -> int:
    """Non-empty lines of the output (for the progress bar's total)."""
    return sum(1 for _, _, raw in iter_lines(out_dir) if raw.strip())


def output_fingerprint(out_dir: str | os.PathLike[str]) -> str:
    """Names and sizes of the record files: an output regenerated since a checkpoint was
    written no longer matches it."""
    files = output_files(out_dir)
    if not files:
        raise ConfigError(f"{out_dir} holds no record files (logs_YYYYMMDD.jsonl[.gz]); "
                          "pass the output folder of 'demogen generate'")
    text = "\n".join(f"{p.name} {p.stat().st_size}" for p in files)
    return hashlib.sha256(text.encode()).hexdigest()


def folder(out_dir: str | os.PathLike[str]) -> Path:
    path = Path(out_dir)
    if not path.is_dir():
        raise ConfigError(f"{out_dir} is not a folder; pass the output folder of "
                          "'demogen generate'")
    return path

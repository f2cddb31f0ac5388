"""Stream the records of an output folder: ``logs_*.jsonl`` and ``logs_*.jsonl.gz``."""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson

from demogen.errors import DemogenError

__all__ = ["OutputReadError", "iter_lines", "iter_records", "output_files"]


class OutputReadError(DemogenError, ValueError):
    """A line of an output file is not valid JSON (message names file and line)."""

    def __init__(self, file: str, line: int, reason: str) -> None:
        self.file = file
        self.line = line
        super().__init__(f"{file}:{line}: {reason}")


def output_files(out_dir: str | os.PathLike[str], *, prefix: str = "logs_") -> list[Path]:
    """Day files of an output folder, sorted by name (hence by day), or with ``--layout
    parts`` its part files (by day, then shard: a day's lines in order)."""
    pattern = re.compile(rf"^{re.escape(prefix)}\d{{8}}(?:\.part-\d{{5}})?\.jsonl(?:\.gz)?$")
    folder = Path(out_dir)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if pattern.match(p.name) and p.is_file())


def _open(path: Path):
    return gzip.open(path, "rb") if path.name.endswith(".gz") else open(path, "rb")


def iter_lines(out_dir: str | os.PathLike[str], *, prefix: str = "logs_"
               ) -> Iterator[tuple[str, int, bytes]]:
    """``(file name, 1-based line number, raw line)`` for every line; the raw line keeps its
    ``\\n`` (a last line without one shows up without it)."""
    for path in output_files(out_dir, prefix=prefix):
        with _open(path) as f:
            for number, raw in enumerate(f, start=1):
                yield path.name, number, raw


def iter_records(out_dir: str | os.PathLike[str], *, prefix: str = "logs_"
                 ) -> Iterator[tuple[str, int, Any]]:
    """``(file name, line number, parsed JSON)`` for every non-empty line, streamed.

    Raises :class:`OutputReadError` at the first line that is not valid JSON.
    """
    for file, number, raw in iter_lines(out_dir, prefix=prefix):
        if not raw.strip():
            continue
        try:
            yield file, number, orjson.loads(raw)
        except orjson.JSONDecodeError as exc:
            raise OutputReadError(file, number, f"not valid JSON ({exc})") from None

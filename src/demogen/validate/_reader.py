"""Stream the records of an output folder: ``logs_*.jsonl`` and ``logs_*.jsonl.gz``.

Line numbers are 1-based lines of the file, as ``sed -n Np`` or an editor shows them, and
blank lines count. DuckDB's ``read_json`` errors say "in line N+1" for line N (seen with DuckDB
2.0), so a DuckDB read error is never shown as is: :func:`unreadable_output` finds the line.
"""

from __future__ import annotations

import gzip
import os
import re
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from demogen.errors import ConfigError, DemogenError

__all__ = [
    "OutputReadError",
    "iter_lines",
    "iter_records",
    "json_problem",
    "output_files",
    "unreadable_output",
]


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


def json_problem(exc: orjson.JSONDecodeError) -> str:
    """Why a line is not JSON, placed by column (orjson's own text says "line 1" of the
    one-line document, which reads as if line 1 of the file were broken)."""
    return f"not valid JSON ({exc.msg} at column {exc.colno})"


def _lines(path: Path) -> Iterator[tuple[int, bytes]]:
    with _open(path) as f:
        yield from enumerate(f, start=1)


def iter_lines(out_dir: str | os.PathLike[str], *, prefix: str = "logs_"
               ) -> Iterator[tuple[str, int, bytes]]:
    """``(file name, 1-based line number, raw line)`` for every line; the raw line keeps its
    ``\\n`` (a last line without one shows up without it)."""
    for path in output_files(out_dir, prefix=prefix):
        for number, raw in _lines(path):
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
            raise OutputReadError(file, number, json_problem(exc)) from None


#: The file a DuckDB JSON read error names (``Malformed JSON in file "…", at byte …``).
_DUCKDB_FILE = re.compile(r'in file "([^"]+)"')


def unreadable_output(files: Iterable[str | os.PathLike[str]], error: Exception,
                      out_dir: str | os.PathLike[str]) -> DemogenError:
    """The error to raise when DuckDB cannot read an output's ``files``.

    When DuckDB names a file, its first line that is not JSON gives an
    :class:`OutputReadError` with the exact line (DuckDB's own count is one too high);
    otherwise a :class:`~demogen.errors.ConfigError` with DuckDB's reason and what to run.
    """
    named = _DUCKDB_FILE.search(str(error))
    for path in map(Path, files):
        if named is None or str(path) != named.group(1):
            continue
        number = 0
        try:
            for number, raw in _lines(path):
                if raw.strip():
                    try:
                        orjson.loads(raw)
                    except orjson.JSONDecodeError as exc:
                        return OutputReadError(path.name, number, json_problem(exc))
        except (OSError, EOFError, zlib.error) as exc:
            return OutputReadError(path.name, number + 1, f"cannot read the file ({exc})")
    reason = str(error).splitlines()[0] if str(error) else type(error).__name__
    return ConfigError(f"cannot read the output in {out_dir} ({reason}); run "
                       f"'demogen validate {out_dir}' to find the line at fault")

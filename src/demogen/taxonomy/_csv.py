"""CSV files in UTF-8 (with or without BOM), UTF-16, or CP949/EUC-KR as Korean Excel saves them."""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import charset_normalizer

from demogen.errors import Location
from demogen.taxonomy._report import Report
from demogen.taxonomy._table import RawTable, cell_text

__all__ = ["decode", "read_csv"]


def decode(data: bytes) -> str | None:
    """The text of ``data``: UTF-8 first (strictly), then CP949, then a detector's guess.

    Strict UTF-8 almost never accepts bytes that are really CP949, so trying it first and
    CP949 second reads Korean Excel exports correctly without guessing.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    for encoding in ("utf-8-sig", "cp949"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    best = charset_normalizer.from_bytes(data).best()
    return str(best) if best is not None else None


def read_csv(path: Path, report: Report) -> RawTable | None:
    """The file's rows as text, numbered by the line each record starts on."""
    where = Location(path.name)
    try:
        text = decode(path.read_bytes())
    except OSError as error:
        report.problem(f"cannot read the file: {error.strerror}", where)
        return None
    if text is None:
        report.problem("cannot decode the text: it is neither UTF-8 nor CP949/EUC-KR", where,
                       hint="save it as 'CSV UTF-8' from Excel")
        return None
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows: list[tuple[int, tuple[str, ...]]] = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, tuple(cell_text(cell) for cell in cells)))
            start = reader.line_num + 1
    except csv.Error as error:
        report.problem(f"not a readable CSV file: {error}", Location(path.name, row=start))
        return None
    return RawTable(path.name, None, tuple(rows))

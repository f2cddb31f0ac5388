"""Tables of text cells, whatever file they came from, and their header row.

CSV files, workbook sheets and JSON/YAML lists all become a :class:`RawTable`; finding the
header row, mapping headers to fields and reporting columns nobody reads happens once here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from openpyxl.utils import get_column_letter

from demogen.errors import Location
from demogen.taxonomy._aliases import accepted_headers, field_of
from demogen.taxonomy._report import Report

__all__ = ["RawTable", "Record", "Table", "TableSpec", "cell_text", "map_table"]

#: How many non-blank rows from the top may hold the header (titles may sit above it).
HEADER_SEARCH_ROWS = 10

#: Columns that start a new item on their row; merged cells never fill them, because in the
#: ThinkingData template a merged event-name cell means "still the same event".
ANCHOR_FIELDS = frozenset({"event_name", "property_name"})


@dataclass(frozen=True)
class TableSpec:
    """Which fields a kind of table must have and which it may have, in lookup order."""

    required: tuple[str, ...]
    optional: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + self.optional


@dataclass(frozen=True)
class RawTable:
    """The cells of one sheet, CSV file or JSON list as stripped text, with row numbers."""

    file: str
    sheet: str | None
    rows: tuple[tuple[int, tuple[str, ...]], ...]
    #: Spreadsheets name columns by letter ("G"), CSV and JSON by header text.
    letters: bool = False
    #: Cells covered by a vertical merge → the merged value (spreadsheets only).
    fills: Mapping[tuple[int, int], str] = field(default_factory=dict)

    def location(self, row: int | None = None, column: str | None = None) -> Location:
        return Location(self.file, self.sheet, row, column)

    @property
    def label(self) -> str:
        """How messages name this table: ``properties.csv`` or ``sheet 'x' of plan.xlsx``."""
        return f"sheet '{self.sheet}' of {self.file}" if self.sheet else self.file


@dataclass(frozen=True)
class Record:
    """One non-blank data row: its number and its cells by field name."""

    table: Table
    row: int
    cells: Mapping[str, str]
    #: Fields whose text came from a merged cell above (not written on this row).
    merged: frozenset[str] = frozenset()

    def get(self, name: str) -> str:
        return self.cells.get(name, "")

    def at(self, name: str | None = None) -> Location:
        """Where this row (or one of its cells) is, for a message."""
        column = self.table.column_label(name) if name else None
        return self.table.raw.location(self.row, column)


@dataclass(frozen=True)
class Table:
    """A raw table whose header row has been found and mapped to fields."""

    raw: RawTable
    header_row: int
    headers: tuple[str, ...]
    columns: Mapping[str, int]

    def column_label(self, name: str) -> str:
        index = self.columns[name]
        header = self.headers[index]
        return f"{get_column_letter(index + 1)} ({header})" if self.raw.letters else header

    def records(self) -> Iterator[Record]:
        for number, cells in self.raw.rows:
            if number <= self.header_row or not any(cells):
                continue
            texts: dict[str, str] = {}
            merged: set[str] = set()
            for name, index in self.columns.items():
                texts[name] = cells[index] if index < len(cells) else ""
                if not texts[name] and name not in ANCHOR_FIELDS:
                    texts[name] = self.raw.fills.get((number, index), "")
                    if texts[name]:
                        merged.add(name)
            yield Record(self, number, texts, frozenset(merged))


def map_table(raw: RawTable, spec: TableSpec, report: Report) -> Table | None:
    """Find the header row, map it to ``spec``'s fields and report what can't be used.

    Returns None (after reporting) when a required column is missing or the table is empty.
    """
    candidates = [(n, cells) for n, cells in raw.rows if any(cells)][:HEADER_SEARCH_ROWS]
    if not candidates:
        report.problem("the table is empty: it has no header row", raw.location(),
                       hint=f"put a header row on top, with at least: {', '.join(spec.required)}")
        return None
    for number, cells in candidates:
        columns = _map_header(cells, spec)
        if all(name in columns for name in spec.required):
            table = Table(raw, number, cells, columns)
            _warn_unread_columns(table, report)
            return table
    number, cells = candidates[0]
    columns = _map_header(cells, spec)
    for name in spec.required:
        if name not in columns:
            report.problem(f"missing required column '{accepted_headers(name)[0]}'",
                           raw.location(number),
                           hint=f"add a column headed one of: {', '.join(accepted_headers(name))}")
    return None


def _map_header(cells: tuple[str, ...], spec: TableSpec) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, text in enumerate(cells):
        name = field_of(text, spec.fields) if text else None
        if name is not None and name not in columns:
            columns[name] = index
    return columns


def _warn_unread_columns(table: Table, report: Report) -> None:
    """Say which columns were not read: unknown headers, and data with no header at all."""
    used = set(table.columns.values())
    raw = table.raw
    width = max((len(cells) for _, cells in raw.rows), default=0)
    for index in range(width):
        if index in used:
            continue
        header = table.headers[index] if index < len(table.headers) else ""
        label = get_column_letter(index + 1) if raw.letters else f"{index + 1}"
        filled = sum(1 for n, cells in raw.rows
                     if n > table.header_row and index < len(cells) and cells[index])
        if header:
            shown = f"{label} ({header})" if raw.letters else header
            report.warn(f"column '{shown}' was not read: its header matches no known column",
                        raw.location())
        elif filled:
            report.warn(f"column {label} holds text in {filled} row{'s' if filled > 1 else ''} "
                        "but has no header; it was not read", raw.location())


def cell_text(value: object) -> str:
    """A cell or JSON value as the text the parsers read.

    Whole floats lose their ``.0`` (Excel stores 10 as 10.0), booleans are ``true``/``false``,
    and non-breaking spaces from pasted web text become plain spaces.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, list | tuple):
        return ",".join(cell_text(item) for item in value)
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return str(value).replace("\xa0", " ").strip()

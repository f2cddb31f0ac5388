"""Reading workbook sheets into :class:`RawTable` quickly and completely.

openpyxl's read-only mode streams rows, which matters for sheets whose "used range" runs far
past the data, but it trusts the ``<dimension>`` a file declares: one of the real plans
declares ``A1:A1`` and would read as a single cell. So dimensions are reset, rows are read
as the file has them, and reading stops after a long run of blank rows. Read-only mode also
drops merged ranges; they are read from the sheet's XML, because a merged description or tag
cell belongs to every row it covers.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils import column_index_from_string
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.workbook.workbook import Workbook
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from demogen.errors import Location
from demogen.taxonomy._report import Report
from demogen.taxonomy._table import RawTable, cell_text

__all__ = ["open_workbook", "read_sheets"]

#: Blank rows in a row after which a sheet is taken to have ended (template files format
#: thousands of empty rows; no real plan leaves a gap this long inside its data).
MAX_BLANK_RUN = 1000

#: Rows one merged range may fill; bounds the work for a merge that spans a whole column.
MAX_MERGE_ROWS = 10_000

_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')


def open_workbook(path: Path, report: Report) -> Workbook | None:
    """The workbook in read-only mode, or None after reporting why it can't be opened."""
    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as error:
        report.problem(f"cannot open as an Excel workbook: {error}", Location(path.name),
                       hint="open it in Excel and save it again as .xlsx")
        return None


def read_sheets(workbook: Workbook, file: str) -> list[RawTable]:
    """Every sheet as text cells, merged cells resolved, trailing blank rows dropped."""
    return [_read_sheet(workbook, sheet, file) for sheet in workbook.worksheets]


def _read_sheet(workbook: Workbook, sheet: ReadOnlyWorksheet, file: str) -> RawTable:
    merges = _vertical_merges(workbook, sheet)
    sheet.reset_dimensions()
    rows: list[tuple[int, tuple[str, ...]]] = []
    fills: dict[tuple[int, int], str] = {}
    blank_run = 0
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = tuple(cell_text(value) for value in values)
        _note_fills(number, cells, merges, fills)
        if any(cells):
            rows.append((number, cells))
            blank_run = 0
        else:
            blank_run += 1
            if blank_run >= MAX_BLANK_RUN:
                break
    return RawTable(file, sheet.title, tuple(rows), letters=True, fills=fills)


def _note_fills(number: int, cells: tuple[str, ...],
                merges: dict[tuple[int, int], int], fills: dict[tuple[int, int], str]) -> None:
    """When a merge's top cell is read, remember its text for the cells it covers."""
    for (top, column), bottom in merges.items():
        if top == number and column < len(cells) and cells[column]:
            for row in range(top + 1, min(bottom, top + MAX_MERGE_ROWS) + 1):
                fills[(row, column)] = cells[column]


def _vertical_merges(workbook: Workbook,
                     sheet: ReadOnlyWorksheet) -> dict[tuple[int, int], int]:
    """(top row, 0-based column) → bottom row of each merge spanning several rows.

    Read-only worksheets do not expose merged ranges; the sheet XML does. Uses openpyxl's
    archive and sheet path; without them (another openpyxl) merges are simply not resolved.
    """
    archive = getattr(workbook, "_archive", None)
    part = getattr(sheet, "_worksheet_path", None)
    if archive is None or part is None:
        return {}
    with archive.open(part) as source:
        data = source.read()
    merges: dict[tuple[int, int], int] = {}
    for first_col, top, _, bottom in _MERGE.findall(data):
        if int(bottom) > int(top):
            column = column_index_from_string(first_col.decode()) - 1
            merges[(int(top), column)] = int(bottom)
    return merges

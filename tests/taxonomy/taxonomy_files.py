"""Small taxonomy files for the reader tests: default CSVs and workbook writers."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl

EVENTS_CSV = """event_name,event_tag,description,properties
login,account,User logs in,"method,level"
level_up,progress,Level up,level
"""

PROPERTIES_CSV = """name,type,description,constraint,scope
method,string,Login method,"google,apple",event
level,number,Level,1-100,event
platform,string,Platform,"ios,android",common
coins,number,Coins,0-1000000,user
"""

TE_HEADER = ("이벤트 이름 (필수)", "이벤트 별칭", "이벤트 설명", "이벤트 태그", "속성 이름 (필수)",
             "속성 별칭", "속성 유형 (필수)", "속성 설명")

Sheets = dict[str, list[tuple]]


def write_xlsx(path: Path, sheets: Sheets, merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook with one sheet per entry (rows as tuples) and optional merged ranges."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(list(row))
        for cells in (merges or {}).get(title, []):
            sheet.merge_cells(cells)
    workbook.save(path)
    return path


def write_files(folder: Path, files: dict[str, str | bytes | Sheets]) -> None:
    """Text (UTF-8), bytes, or a workbook (for names ending in .xlsx) per file name."""
    for name, content in files.items():
        target = folder / name
        if isinstance(content, dict):
            write_xlsx(target, content)
        elif isinstance(content, bytes):
            target.write_bytes(content)
        else:
            target.write_text(content, encoding="utf-8")


def property_row(*cells: str | None) -> tuple:
    """A further property row of the event above it in a ThinkingData-layout event sheet:
    the event's cells (A-D) are blank, as in the workbooks, where they are merged."""
    return (None, None, None, None, *cells)


def event_block_merges(rows: list[tuple]) -> list[str]:
    """Columns A-D merged over each multi-row event block of an event sheet (row 1 is the
    header; an event starts where column A has a name)."""
    merges: list[str] = []
    starts = [n for n, row in enumerate(rows, start=1) if n > 1 and row[0]]
    ends = [*(s - 1 for s in starts[1:]), len(rows)]
    for start, end in zip(starts, ends, strict=True):
        if end > start:
            merges += [f"{column}{start}:{column}{end}" for column in "ABCD"]
    return merges


def spaced_block_merges(rows: list[tuple]) -> list[str]:
    """Columns A-D merged over each event's property rows where blank rows and note rows
    (a name in A, nothing in E) stand between events: they stay out of the merge, as they
    do in the workbooks."""
    merges: list[str] = []
    start = 0
    for n, cells in enumerate([*rows, (None,) * len(rows[0])], start=1):
        if n > 1 and (cells[0] or not any(cells)):
            if start and n - 1 > start:
                merges += [f"{column}{start}:{column}{n - 1}" for column in "ABCD"]
            start = n if cells[0] and cells[4] else 0
    return merges


def write_workbook_plan(folder: Path, sheets: Sheets, product: dict,
                        merges: dict[str, list[str]] | None = None) -> Path:
    """Write ``taxonomy.xlsx`` and ``product.json`` into ``folder`` (made if needed); return
    the folder, which ``demogen`` reads as the plan."""
    folder.mkdir(parents=True, exist_ok=True)
    write_xlsx(folder / "taxonomy.xlsx", sheets, merges=merges)
    (folder / "product.json").write_text(json.dumps(product, ensure_ascii=False, indent=2),
                                         encoding="utf-8")
    return folder

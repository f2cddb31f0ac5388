"""Which files make up a taxonomy, found without reading them.

Kept apart from the readers (and their openpyxl import) so that a cache lookup can
fingerprint a taxonomy's files in milliseconds.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from demogen.errors import Location
from demogen.taxonomy._report import Report

__all__ = ["product_file", "source_fingerprint", "taxonomy_files"]

_FOLDER_FILES = ("taxonomy.xlsx", "taxonomy.json", "taxonomy.yaml", "taxonomy.yml")
_SINGLE_FILES = (".xlsx", ".xlsm", ".json", ".yaml", ".yml", ".csv")
#: The two-file layout's halves: neither holds a whole taxonomy alone.
_SEED_CSV = ("events.csv", "properties.csv")
_PRODUCT_FILE = "product.json"
_SUPPORTED = (".xlsx, .json, .yaml/.yml, a tracking-plan .csv, or a folder holding events.csv "
              "and properties.csv")


def taxonomy_files(path: Path, report: Report) -> list[Path]:
    """The file(s) holding the taxonomy, or [] after reporting why there are none."""
    if not path.exists():
        report.problem("file or folder not found", Location(str(path)), hint="check the path")
        return []
    if path.is_dir():
        return _folder_files(path, report)
    suffix = path.suffix.lower()
    if path.name.lower() in _SEED_CSV:
        report.problem(f"{path.name} is half of the two-file layout", Location(path.name),
                       hint="pass the folder that holds events.csv and properties.csv")
    elif suffix in _SINGLE_FILES:
        return [path]
    elif suffix == ".xls":
        report.problem("old Excel .xls files are not supported", Location(path.name),
                       hint="open it in Excel and save it as .xlsx")
    else:
        report.problem(f"unsupported file type '{suffix or path.name}'", Location(path.name),
                       hint=f"use {_SUPPORTED}")
    return []


def _folder_files(folder: Path, report: Report) -> list[Path]:
    found = [folder / name for name in _FOLDER_FILES if (folder / name).is_file()]
    events, properties = folder / "events.csv", folder / "properties.csv"
    if found:
        for extra in [*found[1:], *(p for p in (events, properties) if p.is_file())]:
            report.warn(f"{extra.name} was not read: {found[0].name} is the taxonomy",
                        Location(str(folder)))
        return found[:1]
    if events.is_file() and properties.is_file():
        return [events, properties]
    if not events.is_file() and not properties.is_file():
        plans = sorted(p for p in folder.iterdir() if p.suffix.lower() == ".csv" and p.is_file())
        if len(plans) == 1:
            return plans
        if plans:
            report.problem(f"{len(plans)} CSV files and no events.csv with properties.csv: "
                           f"which is the tracking plan? ({', '.join(p.name for p in plans)})",
                           Location(str(folder)),
                           hint="pass the tracking-plan CSV file itself, or keep one CSV file "
                                "in the folder")
            return []
    if events.is_file() or properties.is_file():
        have, need = (events, properties) if events.is_file() else (properties, events)
        report.problem(f"found {have.name} but no {need.name}", Location(str(folder)),
                       hint=f"add {need.name} beside {have.name}")
    else:
        report.problem("no taxonomy file in this folder", Location(str(folder)),
                       hint="add taxonomy.xlsx, taxonomy.json, taxonomy.yaml, one tracking-plan "
                            "CSV, or events.csv with properties.csv")
    return []


def product_file(path: Path) -> Path:
    return (path if path.is_dir() else path.parent) / _PRODUCT_FILE


def source_fingerprint(path: str | Path, *extra: str) -> str | None:
    """A hash of the bytes of the taxonomy's files and product.json (plus ``extra``).

    ``None`` when the path does not resolve to a taxonomy: the reader then says why.
    """
    report = Report()
    files = taxonomy_files(Path(path), report)
    if not files:
        return None
    digest = hashlib.sha256()
    for file in (*files, product_file(Path(path))):
        digest.update(file.name.encode() + b"\0")
        if file.is_file():
            digest.update(file.read_bytes())
        digest.update(b"\0")
    for item in extra:
        digest.update(item.encode() + b"\0")
    return digest.hexdigest()

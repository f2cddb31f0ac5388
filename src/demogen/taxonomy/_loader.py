"""``load_taxonomy``: resolve a path, read the taxonomy and product info, report all problems.

A path is a folder (``taxonomy.xlsx`` / ``.json`` / ``.yaml``, or ``events.csv`` with
``properties.csv``; optionally ``product.json``) or a single ``.xlsx``, ``.json``,
``.yaml``/``.yml`` file (a ``product.json`` beside it is read too).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from demogen.errors import Location
from demogen.taxonomy._csv import read_csv
from demogen.taxonomy._models import EventTaxonomy, ProductInfo
from demogen.taxonomy._report import Report
from demogen.taxonomy._seed_layout import SEED_EVENTS, SEED_PROPERTIES, build_seed
from demogen.taxonomy._structured import read_structured
from demogen.taxonomy._table import map_table
from demogen.taxonomy._workbook import read_workbook

__all__ = ["LoadedTaxonomy", "load_taxonomy"]

_FOLDER_FILES = ("taxonomy.xlsx", "taxonomy.json", "taxonomy.yaml", "taxonomy.yml")
_SINGLE_FILES = (".xlsx", ".xlsm", ".json", ".yaml", ".yml")
_PRODUCT_FILE = "product.json"
_PRODUCT_FIELDS = tuple(ProductInfo.model_fields)
_SUPPORTED = ".xlsx, .json, .yaml/.yml, or a folder holding events.csv and properties.csv"


@dataclass(frozen=True)
class LoadedTaxonomy:
    """A taxonomy, what the product is, and the files both were read from."""

    taxonomy: EventTaxonomy
    product: ProductInfo
    files: tuple[Path, ...]


def load_taxonomy(path: str | Path, *, industry: str | None = None,
                  platform: str | None = None, product_name: str | None = None) -> LoadedTaxonomy:
    """Read a tracking plan and its product info; raise one TaxonomyError listing every problem.

    Keyword arguments override ``product.json``. Quirks that real plans have (a property
    typed two ways, ``ta_`` names) don't fail; they are listed in ``taxonomy.warnings``.

    >>> loaded = load_taxonomy("examples/game")          # doctest: +SKIP
    >>> loaded.taxonomy.events[0].name, loaded.product.industry  # doctest: +SKIP
    """
    report = Report()
    files = _taxonomy_files(Path(path), report)
    taxonomy, embedded = _read(files, report) if files else (None, None)
    product_file = _product_file(Path(path))
    overrides = {"industry": industry, "platform": platform, "product_name": product_name}
    product = _product(product_file, embedded, overrides, report)
    report.problems.raise_if_any()
    assert taxonomy is not None and product is not None  # no problems means both were read
    read = (*files, product_file) if product_file.is_file() else tuple(files)
    return LoadedTaxonomy(taxonomy.model_copy(update={"warnings": tuple(report.warnings)}),
                          product, read)


def _taxonomy_files(path: Path, report: Report) -> list[Path]:
    """The file(s) holding the taxonomy, or [] after reporting why there are none."""
    if not path.exists():
        report.problem("file or folder not found", Location(str(path)), hint="check the path")
        return []
    if path.is_dir():
        return _folder_files(path, report)
    suffix = path.suffix.lower()
    if suffix in _SINGLE_FILES:
        return [path]
    if suffix == ".csv":
        report.problem("a single CSV file cannot hold a whole taxonomy", Location(path.name),
                       hint="pass the folder that holds events.csv and properties.csv")
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
    if events.is_file() or properties.is_file():
        have, need = (events, properties) if events.is_file() else (properties, events)
        report.problem(f"found {have.name} but no {need.name}", Location(str(folder)),
                       hint=f"add {need.name} beside {have.name}")
    else:
        report.problem("no taxonomy file in this folder", Location(str(folder)),
                       hint="add taxonomy.xlsx, taxonomy.json, taxonomy.yaml, or events.csv "
                            "with properties.csv")
    return []


def _read(files: list[Path], report: Report) -> tuple[EventTaxonomy | None, dict | None]:
    """The taxonomy in ``files`` and the product block a JSON/YAML file may embed."""
    if len(files) == 2:
        raw = [read_csv(f, report) for f in files]
        if raw[0] is None or raw[1] is None:
            return None, None
        events, props = map_table(raw[0], SEED_EVENTS, report), map_table(raw[1], SEED_PROPERTIES,
                                                                         report)
        if events is None or props is None:
            return None, None
        return build_seed(events, [props], report), None
    if files[0].suffix.lower() in (".xlsx", ".xlsm"):
        return read_workbook(files[0], report), None
    structured = read_structured(files[0], report)
    if structured is None:
        return None, None
    events = map_table(structured.events, SEED_EVENTS, report)
    tables = [map_table(t, SEED_PROPERTIES, report) for t in structured.properties]
    if events is None or any(t is None for t in tables):
        return None, structured.product
    return build_seed(events, [t for t in tables if t is not None], report), structured.product


def _product_file(path: Path) -> Path:
    return (path if path.is_dir() else path.parent) / _PRODUCT_FILE


def _product(file: Path, embedded: dict | None, overrides: dict[str, str | None],
             report: Report) -> ProductInfo | None:
    """Product info: defaults < the taxonomy's own ``product`` < product.json < keywords."""
    data: dict[str, Any] = dict(embedded or {})
    if file.is_file():
        data.update(_read_product_json(file, report))
    data.update({key: value for key, value in overrides.items() if value is not None})
    for key in data.keys() - set(_PRODUCT_FIELDS):
        report.warn(f"product key '{key}' was not read (known: {', '.join(_PRODUCT_FIELDS)})",
                    Location(file.name))
        del data[key]
    try:
        return ProductInfo(**data)
    except ValidationError as error:
        for item in error.errors():
            report.problem(f"product '{item['loc'][0]}': {item['msg']}", Location(file.name),
                           hint="write industry, platform, product_name and description as text")
        return None


def _read_product_json(file: Path, report: Report) -> dict[str, Any]:
    try:
        data = json.loads(file.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        report.problem(f"cannot read product info: {error}", Location(file.name),
                       hint="write it as a JSON object: {\"industry\": ..., \"platform\": ...}")
        return {}
    if not isinstance(data, dict):
        report.problem("product info is not a JSON object", Location(file.name),
                       hint="write it as {\"industry\": ..., \"platform\": ..., ...}")
        return {}
    return data

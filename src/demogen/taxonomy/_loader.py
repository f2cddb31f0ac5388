"""``load_taxonomy``: resolve a path, read the taxonomy and product info, report all problems.

A path is a folder (``taxonomy.xlsx`` / ``.json`` / ``.yaml``, ``events.csv`` with
``properties.csv``, or one tracking-plan CSV; optionally ``product.json``) or a single
``.xlsx``, ``.json``, ``.yaml``/``.yml`` or tracking-plan ``.csv`` file (a ``product.json``
beside it is read too).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from demogen.errors import Location
from demogen.taxonomy._csv import read_csv
from demogen.taxonomy._files import product_file, taxonomy_files
from demogen.taxonomy._industry import GENERIC, check_industry, industry_preset, infer_industry
from demogen.taxonomy._models import EventTaxonomy, ProductInfo
from demogen.taxonomy._report import Report
from demogen.taxonomy._seed_layout import SEED_EVENTS, SEED_PROPERTIES, build_seed
from demogen.taxonomy._structured import read_structured
from demogen.taxonomy._table import map_table
from demogen.taxonomy._tracking_plan import TRACKING_PLAN, build_tracking_plan
from demogen.taxonomy._workbook import read_workbook

__all__ = ["LoadedTaxonomy", "load_taxonomy"]

#: What product.json may say (``industry_inferred`` is demogen's note, not an input).
_PRODUCT_FIELDS = tuple(f for f in ProductInfo.model_fields if f != "industry_inferred")
#: Industries that say nothing: the plan's events decide.
_UNSAID = frozenset({"unknown", "other", "n/a", "none", "-"})


@dataclass(frozen=True)
class LoadedTaxonomy:
    """A taxonomy, what the product is, and the files both were read from."""

    taxonomy: EventTaxonomy
    product: ProductInfo
    files: tuple[Path, ...]


def load_taxonomy(path: str | Path, *, industry: str | None = None,
                  platform: str | None = None, product_name: str | None = None) -> LoadedTaxonomy:
    """Read a tracking plan and its product info; raise one TaxonomyError listing every problem.

    Keyword arguments override ``product.json``; an ``industry`` that names no preset is a
    ConfigError. When neither gives the industry it is inferred from the plan's events
    (``product.industry_inferred`` says how). Quirks that real plans have (a property
    typed two ways, ``ta_`` names) don't fail; they are listed in ``taxonomy.warnings``.

    >>> loaded = load_taxonomy("examples/game")          # doctest: +SKIP
    >>> loaded.taxonomy.events[0].name, loaded.product.industry  # doctest: +SKIP
    """
    if industry is not None:
        check_industry(industry)
    report = Report()
    files = taxonomy_files(Path(path), report)
    taxonomy, embedded = _read(files, report) if files else (None, None)
    product_path = product_file(Path(path))
    overrides = {"industry": industry, "platform": platform, "product_name": product_name}
    product = _product(product_path, embedded, overrides, report)
    report.problems.raise_if_any()
    assert taxonomy is not None and product is not None  # no problems means both were read
    product = _industry(product, taxonomy, product_path, report)
    read = (*files, product_path) if product_path.is_file() else tuple(files)
    return LoadedTaxonomy(taxonomy.model_copy(update={"warnings": tuple(report.warnings)}),
                          product, read)


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
    if files[0].suffix.lower() == ".csv":
        return _tracking_plan(files[0], report), None
    structured = read_structured(files[0], report)
    if structured is None:
        return None, None
    events = map_table(structured.events, SEED_EVENTS, report)
    tables = [map_table(t, SEED_PROPERTIES, report) for t in structured.properties]
    if events is None or any(t is None for t in tables):
        return None, structured.product
    return build_seed(events, [t for t in tables if t is not None], report), structured.product


def _tracking_plan(file: Path, report: Report) -> EventTaxonomy | None:
    """One CSV with a row per event × property (an Amplitude/Avo/Lexicon export)."""
    raw = read_csv(file, report)
    table = map_table(raw, TRACKING_PLAN, report) if raw is not None else None
    return build_tracking_plan(table, report) if table is not None else None


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


def _industry(product: ProductInfo, taxonomy: EventTaxonomy, file: Path,
              report: Report) -> ProductInfo:
    """Infer the industry the product info leaves out; say when a given one names no preset."""
    given = product.industry.strip() if "industry" in product.model_fields_set else ""
    if given and given.casefold() not in _UNSAID:
        if industry_preset(given) is None:
            report.warn(f"industry '{given}' names no behaviour preset; the generic preset "
                        "is used (see 'demogen presets', or pass --preset)", Location(file.name))
        return product
    guess = infer_industry(taxonomy)
    if guess is None:
        return product.model_copy(update={"industry": GENERIC})
    return product.model_copy(update={"industry": guess.industry,
                                      "industry_inferred": guess.describe()})


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

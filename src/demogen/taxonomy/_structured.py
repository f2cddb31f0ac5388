"""JSON and YAML taxonomies: ``{events: [...], properties: [...], product?: {...}}``.

Lists become tables (keys are headers, the same aliases apply), so JSON and YAML input is
checked by exactly the code that checks CSV and Excel input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from demogen.errors import Location
from demogen.taxonomy._csv import decode
from demogen.taxonomy._report import Report
from demogen.taxonomy._table import RawTable, cell_text

__all__ = ["Structured", "read_structured"]

#: Lists of properties with the scope they imply when an item does not say.
PROPERTY_LISTS = {"properties": None, "common_properties": "common", "user_properties": "user"}
_KNOWN_KEYS = {"events", "product", *PROPERTY_LISTS}


@dataclass(frozen=True)
class Structured:
    """The tables of a JSON/YAML taxonomy and the product block it may carry."""

    events: RawTable
    properties: tuple[RawTable, ...]
    product: dict[str, Any] | None


def read_structured(path: Path, report: Report) -> Structured | None:
    document = _load(path, report)
    if document is None:
        return None
    where = Location(path.name)
    if not isinstance(document, dict):
        report.problem(f"the top level is a {_kind(document)}, not a mapping", where,
                       hint="write 'events:' and 'properties:' keys at the top level")
        return None
    for key in document.keys() - _KNOWN_KEYS:
        report.warn(f"key '{key}' was not read (known keys: {', '.join(sorted(_KNOWN_KEYS))})",
                    where)
    events = _table(path, document, "events", None, report)
    properties = [_table(path, document, key, scope, report)
                  for key, scope in PROPERTY_LISTS.items() if key in document]
    if "properties" not in document:
        report.problem("no 'properties' list", where,
                       hint="add 'properties:' with one item per property (name, type, ...)")
    product = document.get("product")
    if product is not None and not isinstance(product, dict):
        report.problem(f"'product' is a {_kind(product)}, not a mapping", where,
                       hint="write product: {industry: ..., platform: ..., product_name: ...}")
        product = None
    if events is None or None in properties or "properties" not in document:
        return None
    return Structured(events, tuple(p for p in properties if p is not None), product)


def _load(path: Path, report: Report) -> Any:
    where = Location(path.name)
    try:
        text = decode(path.read_bytes())
    except OSError as error:
        report.problem(f"cannot read the file: {error.strerror}", where)
        return None
    if text is None:
        report.problem("cannot decode the text", where, hint="save it as UTF-8")
        return None
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            report.problem(f"not valid JSON at column {error.colno}: {error.msg}",
                           Location(path.name, row=error.lineno), hint="fix the syntax there")
            return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        reason = getattr(error, "problem", None) or str(error)
        at = f" at column {mark.column + 1}" if mark else ""
        report.problem(f"not valid YAML{at}: {reason}",
                       Location(path.name, row=mark.line + 1 if mark else None),
                       hint="fix the syntax there")
        return None


def _table(path: Path, document: dict, key: str, scope: str | None,
           report: Report) -> RawTable | None:
    """A list of mappings as a table: the union of keys is the header, item N is row N."""
    items = document.get(key)
    if not isinstance(items, list):
        found = "no" if items is None else f"a {_kind(items)}, not a"
        report.problem(f"'{key}' is {found} list", Location(path.name),
                       hint=f"write '{key}:' as a list with one mapping per item")
        return None
    if not items:
        if key == "events":
            report.problem("no events found", Location(path.name, key),
                           hint="add one item per event to the 'events' list")
            return None
        return RawTable(path.name, key, ((0, ("name", "type")),))
    headers: dict[str, None] = {}
    records: list[tuple[int, dict[str, Any]]] = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            report.problem(f"item is a {_kind(item)}, not a mapping", Location(path.name, key,
                           number), hint="write each item as a mapping of field: value")
            continue
        record = {_key(key, name): value for name, value in item.items()}
        if scope is not None:
            record.setdefault("scope", scope)
        headers.update(dict.fromkeys(record))
        records.append((number, record))
    header = tuple(headers)
    rows = [(0, header)] + [(n, tuple(cell_text(r.get(h)) for h in header)) for n, r in records]
    return RawTable(path.name, key, tuple(rows))


def _key(table: str, name: object) -> str:
    """Event items may say ``name`` for ``event_name`` (there is no other name in them)."""
    text = str(name)
    return "event_name" if table == "events" and text.casefold() == "name" else text


def _kind(value: object) -> str:
    return {list: "list", dict: "mapping", str: "string"}.get(type(value), type(value).__name__)

"""Excel workbooks: find each sheet's role, then read the layout the roles make up.

A sheet's role comes from its name (``events``, ``#이벤트 데이터``, ``属性`` …) or, failing
that, from its headers. A ThinkingData event sheet (event and property columns together)
makes the workbook a ThinkingData plan; otherwise it needs an events and a properties sheet.
"""

from __future__ import annotations

from pathlib import Path

from demogen.errors import Location
from demogen.taxonomy._aliases import field_of, sheet_role
from demogen.taxonomy._models import EventTaxonomy
from demogen.taxonomy._report import Report
from demogen.taxonomy._seed_layout import SEED_EVENTS, SEED_PROPERTIES, build_seed
from demogen.taxonomy._table import HEADER_SEARCH_ROWS, RawTable, TableSpec, map_table
from demogen.taxonomy._te_layout import TE_COMMON, TE_EVENTS, TE_USER, build_thinkingdata
from demogen.taxonomy._xlsx import open_workbook, read_sheets

__all__ = ["read_workbook"]

_IGNORED_ROLES = frozenset({"te_user_id", "te_teaching"})
_SPECS: dict[str, TableSpec] = {"events": SEED_EVENTS, "properties": SEED_PROPERTIES,
                                "te_events": TE_EVENTS, "te_common": TE_COMMON,
                                "te_user": TE_USER}
_ALL_FIELDS = tuple(dict.fromkeys(f for spec in _SPECS.values() for f in spec.fields))


def read_workbook(path: Path, report: Report) -> EventTaxonomy | None:
    workbook = open_workbook(path, report)
    if workbook is None:
        return None
    try:
        sheets = read_sheets(workbook, path.name)
    finally:
        workbook.close()
    roles = _roles(sheets, report)
    if "te_events" in roles:
        return _thinkingdata(roles, report)
    if "events" in roles and "properties" in roles:
        return _seed(roles, report)
    missing = "events" if "events" not in roles else "properties"
    report.problem(f"no {missing} sheet found (sheets: {', '.join(s.sheet or '' for s in sheets)})",
                   Location(path.name),
                   hint="name the sheets 'events' and 'properties', or use ThinkingData's "
                        "template with a '#이벤트 데이터' sheet")
    return None


def _roles(sheets: list[RawTable], report: Report) -> dict[str, RawTable]:
    """Sheets by role; unknown non-empty sheets are reported, two of one role are a problem."""
    roles: dict[str, RawTable] = {}
    for sheet in sheets:
        role = sheet_role(sheet.sheet or "") or _role_by_headers(sheet)
        if role in _IGNORED_ROLES or (role is None and not sheet.rows):
            continue
        if role is None:
            report.warn("sheet was not read: its name and headers match no known sheet",
                        sheet.location())
        elif role in roles:
            report.problem(f"two sheets look like the {role.removeprefix('te_')} sheet: "
                           f"'{roles[role].sheet}' and '{sheet.sheet}'", sheet.location(),
                           hint="rename or remove one of them")
        else:
            roles[role] = sheet
    return roles


def _role_by_headers(sheet: RawTable) -> str | None:
    for _, cells in [(n, c) for n, c in sheet.rows if any(c)][:HEADER_SEARCH_ROWS]:
        found = {field_of(text, _ALL_FIELDS) for text in cells if text}
        if {"event_name", "property_name", "property_type"} <= found:
            return "te_events"
        if "event_name" in found:
            return "events"
        if {"property_name", "property_type"} <= found:
            return "te_user" if "update_method" in found else "properties"
    return None


def _thinkingdata(roles: dict[str, RawTable], report: Report) -> EventTaxonomy | None:
    for role in ("events", "properties"):
        if role in roles:
            report.warn("sheet was not read: a ThinkingData plan keeps properties in "
                        "'#이벤트 데이터', '#공통 이벤트 속성' and '#유저 데이터'",
                        roles[role].location())
    events = map_table(roles["te_events"], TE_EVENTS, report)
    common = map_table(roles["te_common"], TE_COMMON, report) if "te_common" in roles else None
    user = map_table(roles["te_user"], TE_USER, report) if "te_user" in roles else None
    if events is None:
        return None
    return build_thinkingdata(events, common, user, report)


def _seed(roles: dict[str, RawTable], report: Report) -> EventTaxonomy | None:
    for role in ("te_common", "te_user"):
        if role in roles:
            report.warn("sheet was not read: with an 'events' sheet, properties belong in the "
                        "'properties' sheet (with a scope column)", roles[role].location())
    events = map_table(roles["events"], SEED_EVENTS, report)
    properties = map_table(roles["properties"], SEED_PROPERTIES, report)
    if events is None or properties is None:
        return None
    return build_seed(events, [properties], report)

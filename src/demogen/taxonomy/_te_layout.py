"""ThinkingData's tracking-plan workbook (format doc §13).

``#이벤트 데이터`` has one row per event property; the event's name (and its alias,
description and tag) only on its first row, blank below. ``parent.child`` rows are the fields
of the object or object group above them. ``#공통 이벤트 속성`` and ``#유저 데이터`` list
common and user properties. The same event property is defined again on every event that
carries it: the first definition wins, gaps are filled from later ones, and a different type
on a later event is a warning (ThinkingData locks one type per name).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from demogen.errors import Location
from demogen.taxonomy._models import (
    Event,
    EventTaxonomy,
    Property,
    ReadStats,
    SourceRef,
    ValueRange,
)
from demogen.taxonomy._names import NameChecker
from demogen.taxonomy._props import build_property, type_label
from demogen.taxonomy._report import Report
from demogen.taxonomy._table import Record, Table, TableSpec
from demogen.taxonomy._tree import Tree, merge, sample_children
from demogen.taxonomy._validate import check_unique
from demogen.taxonomy._words import load_data
from demogen.vocab import PropertyType, Scope

__all__ = ["TE_COMMON", "TE_EVENTS", "TE_USER", "EventRows", "PropertyRows", "build_from_rows",
           "build_thinkingdata"]

TE_EVENTS = TableSpec(("event_name", "property_name", "property_type"),
                      ("event_display_name", "event_description", "event_tag",
                       "property_display_name", "property_description", "constraint"))
TE_COMMON = TableSpec(("property_name", "property_type"),
                      ("property_display_name", "property_description", "constraint",
                       "property_tag"))
TE_USER = TableSpec(("property_name", "property_type"),
                    ("property_display_name", "update_method", "property_description",
                     "property_tag", "constraint"))

_PROPERTY_CELLS = ("property_display_name", "property_type", "property_description", "constraint")


@dataclass
class _Draft:
    """An event being read: its first row and the tree of its property rows."""

    record: Record
    tree: Tree


@dataclass
class _Reader:
    report: Report
    names: NameChecker
    samples: dict[str, Any]

    def add(self, tree: Tree, record: Record, scope: Scope) -> None:
        built = build_property(record, scope, self.names, self.report)
        if built is not None:
            tree.add(built[0], record)
            if built[1] is not None:
                self.samples.setdefault(built[0].name.casefold(), built[1])


def build_thinkingdata(events: Table, common: Table | None, user: Table | None,
                       report: Report) -> EventTaxonomy | None:
    """The taxonomy the workbook describes, or None when it has problems (all reported)."""
    return build_from_rows(
        EventRows(list(events.records()), events.raw.location()),
        _sheet_rows(common), _sheet_rows(user), report)


@dataclass(frozen=True)
class EventRows:
    """Event-sheet rows (the event's name on its first row only) and where they are."""

    records: list[Record]
    where: Location


@dataclass(frozen=True)
class PropertyRows:
    """Rows of common or user properties, and how messages name where they come from."""

    records: list[Record]
    label: str


def _sheet_rows(table: Table | None) -> PropertyRows | None:
    if table is None:
        return None
    return PropertyRows(list(table.records()), f"in sheet '{table.raw.sheet}'")


def build_from_rows(events: EventRows, common: PropertyRows | None, user: PropertyRows | None,
                    report: Report, *, layout: Literal["thinkingdata", "tracking_plan"]
                    = "thinkingdata") -> EventTaxonomy | None:
    """The taxonomy these rows describe, whichever file laid them out (a workbook's sheets,
    one tracking-plan CSV), or None when they have problems (all reported)."""
    reader = _Reader(report, NameChecker(report, strict_presets=False), {})
    drafts, rows = _read_events(events, reader)
    distinct = _distinct(drafts, report)
    commons = _read_sheet(common, Scope.COMMON, reader)
    users = _read_sheet(user, Scope.USER, reader)
    reader.names.flush()
    if report.failed:
        return None
    _warn_overlap(distinct, commons, report)
    return EventTaxonomy(
        events=tuple(_event(d, distinct) for d in drafts),
        properties=_with_samples(distinct, reader.samples, report),
        common_properties=_with_samples(commons, reader.samples, report),
        user_properties=_with_samples(users, reader.samples, report),
        stats=ReadStats(layout=layout, event_property_rows=rows),
    )


def _read_events(events: EventRows, reader: _Reader) -> tuple[list[_Draft], int]:
    """The events with their property trees, and how many property rows the sheet has."""
    drafts: list[_Draft] = []
    rows = 0
    for record in events.records:
        name = record.get("event_name")
        if name and _is_note(record):
            reader.report.warn(f"'{name}' was read as a note, not an event", record.at())
            continue
        if name:
            reader.names.event(name, record.at("event_name"))
            drafts.append(_Draft(record, Tree(f"in event '{name}'", reader.report)))
        if not record.get("property_name"):
            _warn_stray_cells(record, reader.report)
        elif not drafts:
            reader.report.problem("property row comes before any event name",
                                  record.at("property_name"),
                                  hint="write the event's name in the first row of its block")
        else:
            rows += 1
            reader.add(drafts[-1].tree, record, Scope.EVENT)
    if not drafts:
        reader.report.problem("no events found", events.where,
                              hint="add one block of rows per event below the header")
    check_unique("event", ((d.record.get("event_name"), d.record, "event_name")
                           for d in drafts), reader.report)
    return drafts, rows


@cache
def _note_start() -> re.Pattern[str]:
    marks = load_data("taxonomy_words.yaml")["note_marks"]
    words = "|".join(re.escape(m.casefold()) for m in marks if m.isalnum())
    signs = "".join(re.escape(m) for m in marks if not m.isalnum())
    return re.compile(rf"^(?:(?:{words})\s*:|[{signs}])")


def _is_note(record: Record) -> bool:
    """A sentence in the event-name column alone on its row, starting as notes do
    ("注：…", "Note: …", "※ …"): the author's remark, not an event."""
    if any(text for field, text in record.cells.items() if field != "event_name"):
        return False
    text = unicodedata.normalize("NFKC", record.get("event_name")).casefold().lstrip()
    return bool(_note_start().match(text))


def _warn_stray_cells(record: Record, report: Report) -> None:
    """Property cells filled on a row without a property name are not read: say so."""
    filled = [name for name in _PROPERTY_CELLS
              if record.get(name) and name not in record.merged]
    if filled:
        report.warn(f"text in column '{record.table.column_label(filled[0])}' on a row without "
                    "a property name was not read", record.at())


def _read_sheet(rows: PropertyRows | None, scope: Scope,
                reader: _Reader) -> tuple[Property, ...]:
    if rows is None:
        return ()
    tree = Tree(rows.label, reader.report)
    for record in rows.records:
        reader.add(tree, record, scope)
    return tree.freeze()


def _event(draft: _Draft, distinct: tuple[Property, ...]) -> Event:
    record, raw = draft.record, draft.record.table.raw
    return Event(name=record.get("event_name"),
                 display_name=record.get("event_display_name"),
                 description=record.get("event_description"), tag=record.get("event_tag"),
                 properties=tuple(node.prop.name for node in draft.tree.roots),
                 ranges=_own_ranges(draft, distinct),
                 source=SourceRef(file=raw.file, sheet=raw.sheet, row=record.row))


def _own_ranges(draft: _Draft, distinct: tuple[Property, ...]
                ) -> tuple[tuple[str, ValueRange], ...]:
    """The ranges this event's rows give that differ from the one kept for the name: a
    plan writes one name with one range per event (coins charged 100~10000, coins spent
    1~10), and the first definition alone would make every spend a charge's size."""
    kept = {p.name.casefold(): p.value_range for p in distinct}
    return tuple((node.prop.name, own) for node in draft.tree.roots
                 if (own := node.prop.value_range) is not None
                 and kept.get(node.prop.name.casefold()) not in (None, own))


def _distinct(drafts: list[_Draft], report: Report) -> tuple[Property, ...]:
    """One definition per event-property name across all events (first wins, gaps filled)."""
    distinct: dict[str, tuple[Property, str]] = {}
    for draft in drafts:
        event = draft.record.get("event_name")
        for prop in draft.tree.freeze():
            key = prop.name.casefold()
            if key not in distinct:
                distinct[key] = (prop, event)
                continue
            first, first_event = distinct[key]
            merged, conflicts = merge(first, prop)
            distinct[key] = (merged, first_event)
            for path in conflicts:
                report.warn(_conflict(path, first, prop, (first_event, event)),
                            _where(prop))
    return tuple(prop for prop, _ in distinct.values())


def _conflict(path: str, first: Property, other: Property, events: tuple[str, str]) -> str:
    def kind(prop: Property) -> str:
        for part in path.split(".")[1:]:
            prop = next(c for c in prop.children if c.name.casefold() == part.casefold())
        return type_label(prop.type)

    return (f"property '{path}' is {kind(first)} on event '{events[0]}' but {kind(other)} on "
            f"event '{events[1]}'; ThinkingData keeps one type per name, so the first "
            f"({kind(first)}) is used")


def _where(prop: Property) -> Location | None:
    source = prop.source
    return Location(source.file, source.sheet, source.row) if source else None


def _warn_overlap(events: tuple[Property, ...], commons: tuple[Property, ...],
                  report: Report) -> None:
    """A common property is sent with every event: say where an event types it otherwise."""
    by_name = {p.name.casefold(): p for p in events}
    for common in commons:
        prop = by_name.get(common.name.casefold())
        if prop is not None and prop.type != common.type:
            report.warn(f"'{common.name}' is a common property ({type_label(common.type)}) "
                        f"and also an event property ({type_label(prop.type)}); ThinkingData "
                        "keeps one type per name", _where(common))


def _with_samples(props: tuple[Property, ...], samples: dict[str, Any],
                  report: Report) -> tuple[Property, ...]:
    """Objects without field rows get their fields from the JSON sample in their description."""
    result = []
    for prop in props:
        sample = samples.get(prop.name.casefold())
        nesting = prop.type in (PropertyType.OBJECT, PropertyType.OBJECT_GROUP)
        if nesting and not prop.children and sample is not None:
            children = sample_children(sample, prop.source)
            if children:
                prop = prop.model_copy(update={"children": children})
                report.warn(f"fields of '{prop.name}' ({', '.join(c.name for c in children)}) "
                            "were taken from the JSON sample in its description",
                            _where(prop))
        result.append(prop)
    return tuple(result)

"""One tracking-plan table (a CSV export): one row per event × property.

The shape Amplitude Data, Avo, Mixpanel Lexicon exports and Google-Sheets tracking plans
share: ``Event Name | Event Description | Property Name | Property Type | …``, the event's
name written on every row of its block or only on the first. A row-kind column
(Lexicon's "Entity Type", Amplitude's "Object Type": ``event`` / ``event property`` /
``user profile property`` / ``super property``) or a block named for them ("User
Properties", "Super Properties": ``scope_blocks`` in ``taxonomy_words.yaml``) marks user and
common properties. The rows are regrouped into the ThinkingData event sheet's shape (the
name on an event's first row only) and read by the same builder.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from demogen.taxonomy._models import EventTaxonomy
from demogen.taxonomy._report import Report
from demogen.taxonomy._table import Record, Table, TableSpec
from demogen.taxonomy._te_layout import EventRows, PropertyRows, build_from_rows
from demogen.taxonomy._types import parse_scope, scope_block
from demogen.vocab import Scope

__all__ = ["TRACKING_PLAN", "build_tracking_plan"]

TRACKING_PLAN = TableSpec(("event_name", "property_name", "property_type"),
                          ("row_kind", "event_display_name", "event_description", "event_tag",
                           "property_display_name", "property_description", "constraint",
                           "example", "required", "update_method"))

#: Cells that describe the event, not the property: kept from the event's first row that has them.
_EVENT_CELLS = ("event_display_name", "event_description", "event_tag")


@dataclass
class _Block:
    """One event's rows, in file order."""

    records: list[Record] = field(default_factory=list)


@dataclass
class _Sorted:
    events: dict[str, _Block] = field(default_factory=dict)
    scoped: dict[Scope, list[Record]] = field(default_factory=dict)
    orphans: list[Record] = field(default_factory=list)


def build_tracking_plan(table: Table, report: Report) -> EventTaxonomy | None:
    """The taxonomy the table describes, or None when it has problems (all reported)."""
    rows = _sort(table.records(), report)
    label = f"in {table.raw.label}"
    events = [*rows.orphans, *(r for block in rows.events.values() for r in _regrouped(block))]
    return build_from_rows(
        EventRows(events, table.raw.location()),
        _property_rows(rows.scoped.get(Scope.COMMON), label),
        _property_rows(rows.scoped.get(Scope.USER), label), report, layout="tracking_plan")


def _sort(records: Iterable[Record], report: Report) -> _Sorted:
    """Rows by event (a repeated or blank name continues an event) and by property scope."""
    rows = _Sorted()
    current: _Block | None = None
    for record in records:
        scope = _scope(record, report)
        if scope is None:
            continue
        if scope is not Scope.EVENT:
            rows.scoped.setdefault(scope, []).append(_as_property(record))
            continue
        name = record.get("event_name")
        if name:
            current = rows.events.setdefault(name.casefold(), _Block())
        if current is None:
            rows.orphans.append(record)     # reported by the builder: a property before any event
        else:
            current.records.append(record)
    return rows


def _scope(record: Record, report: Report) -> Scope | None:
    """Whose row this is: the row-kind cell says, else a block named "User Properties"."""
    word = record.get("row_kind")
    if not word:
        return scope_block(record.get("event_name")) or Scope.EVENT
    scope = parse_scope(word)
    if scope is None:
        report.problem(f"unknown row kind '{word}'", record.at("row_kind"),
                       hint="use event, event property, user property or super property")
    return scope


def _as_property(record: Record) -> Record:
    """A user or common property row: its name (and description) is the property cell's, or
    else the entity's (Lexicon names a profile property in "Entity Name"); the block's name is
    not an event."""
    cells = dict(record.cells)
    for own, entity in (("property_name", "event_name"),
                        ("property_description", "event_description"),
                        ("property_display_name", "event_display_name")):
        cells[own] = cells.get(own) or cells.get(entity, "")
    cells["event_name"] = ""
    return Record(record.table, record.row, cells, record.merged)


def _regrouped(block: _Block) -> list[Record]:
    """The block as the event sheet has it: the event's name and cells on its first row only."""
    first, *rest = block.records
    cells = dict(first.cells)
    for name in _EVENT_CELLS:
        cells[name] = next((r.get(name) for r in block.records if r.get(name)), "")
    out = [Record(first.table, first.row, cells, first.merged)]
    for record in rest:
        blanked = dict(record.cells, event_name="", **dict.fromkeys(_EVENT_CELLS, ""))
        out.append(Record(record.table, record.row, blanked, record.merged))
    return out


def _property_rows(records: list[Record] | None, label: str) -> PropertyRows | None:
    return PropertyRows(records, label) if records else None

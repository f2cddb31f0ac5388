"""demogen's own layout: an events table and a properties table (CSV, Excel, JSON, YAML).

Events list their properties by name (``properties`` = ``a,b,c``); each property is defined
once, with a scope: ``event`` (the default), ``common`` (sent with every event) or ``user``.
The seed's own 4-column sheets (``name | type | description | constraint``) have no scope
column: there a description that starts with a user word ("유저 레벨", "User level",
"用户等级"; ``user_descriptions`` in ``taxonomy_words.yaml``) marks a user property.
An event may list a user property: it then carries the user's current value (and the
analysis lets it update the profile), so the property is also defined for events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from demogen.errors import Location
from demogen.taxonomy._models import Event, EventTaxonomy, Property, ReadStats, SourceRef
from demogen.taxonomy._names import NameChecker
from demogen.taxonomy._props import build_property
from demogen.taxonomy._report import Report
from demogen.taxonomy._table import Record, Table, TableSpec
from demogen.taxonomy._tree import Tree
from demogen.taxonomy._types import describes_user, parse_scope
from demogen.taxonomy._validate import check_unique
from demogen.taxonomy._values import split_items
from demogen.vocab import Scope, thinkingdata_name

__all__ = ["SEED_EVENTS", "SEED_PROPERTIES", "build_seed"]

SEED_EVENTS = TableSpec(("event_name",),
                        ("event_display_name", "event_description", "event_tag", "properties"))
SEED_PROPERTIES = TableSpec(("property_name", "property_type"),
                            ("property_display_name", "property_description", "constraint",
                             "scope", "update_method", "property_tag"))


@dataclass(frozen=True)
class _Definitions:
    """What event rows are checked against: defined names, user names, rows with problems."""

    known: dict[str, Property]
    user: dict[str, Property]
    broken: frozenset[str]
    label: str


def build_seed(events: Table, properties: list[Table], report: Report) -> EventTaxonomy | None:
    """The taxonomy these tables describe, or None when they have problems (all reported)."""
    names = NameChecker(report, strict_presets=True)
    shared = Tree("", report, flat_paths=True)     # event and common: one name space
    user = Tree("", report, flat_paths=True)
    broken: set[str] = set()                       # rows already reported: don't cascade
    marked: list[str] = []                         # user properties told by their description
    for record in _by_depth(r for table in properties for r in table.records()):
        scoped = "scope" in record.table.columns
        scope = _scope(record, scoped, report)
        if scope is Scope.USER and not scoped:
            marked.append(record.get("property_name"))
        _add(record, scope, names, report, (user if scope is Scope.USER else shared), broken)
    defined, users = shared.freeze(), user.freeze()
    label = properties[0].raw.label if len(properties) == 1 else properties[0].raw.file
    event_list = _events(events, _Definitions({p.name.casefold(): p for p in defined},
                                              {p.name.casefold(): p for p in users},
                                              frozenset(broken), label), names, report)
    _warn_dotted(shared.dotted + user.dotted, properties[0], report)
    names.flush()
    if report.failed:
        return None
    _warn_unused(defined, event_list, properties[0], report)
    _warn_marked(marked, properties[0], report)
    carried = _carried_user_properties(defined, users, event_list, properties[0], report)
    return EventTaxonomy(
        events=tuple(event_list),
        properties=tuple(p for p in defined if p.scope is Scope.EVENT) + carried,
        common_properties=tuple(p for p in defined if p.scope is Scope.COMMON),
        user_properties=users,
        stats=ReadStats(layout="seed",
                        event_property_rows=sum(len(e.properties) for e in event_list)),
    )


def _by_depth(records: Iterable[Record]) -> list[Record]:
    """Parents before their ``parent.child`` rows, whatever order the file has them in."""
    return sorted(records, key=lambda r: r.get("property_name").count("."))


def _add(record: Record, scope: Scope | None, names: NameChecker, report: Report, tree: Tree,
         broken: set[str]) -> None:
    built = build_property(record, scope, names, report) if scope else None
    if built is None:
        broken.add(record.get("property_name").casefold())
    else:
        tree.add(built[0], record)


def _scope(record: Record, scoped: bool, report: Report) -> Scope | None:
    """The row's scope; without a scope column, the description may say "the user's"."""
    word = record.get("scope")
    if not scoped:
        text = record.get("property_description") or record.get("property_display_name")
        return Scope.USER if describes_user(text) else Scope.EVENT
    scope = parse_scope(word) if word else Scope.EVENT
    if scope is None:
        report.problem(f"unknown scope '{word}' for property '{record.get('property_name')}'",
                       record.at("scope"), hint="use event, common or user (empty means event)")
    return scope


def _events(table: Table, definitions: _Definitions, names: NameChecker,
            report: Report) -> list[Event]:
    """The events, each with the defined names of the properties it lists."""
    records = list(table.records())
    if not records:
        report.problem("no events found", table.raw.location(),
                       hint="add one row per event below the header")
        return []
    check_unique("event", ((r.get("event_name"), r, "event_name") for r in records), report)
    events = []
    for record in records:
        name = record.get("event_name")
        names.event(name, record.at("event_name"))
        events.append(Event(
            name=name, display_name=record.get("event_display_name"),
            description=record.get("event_description"), tag=record.get("event_tag"),
            properties=_listed(record, definitions, report),
            source=SourceRef(file=table.raw.file, sheet=table.raw.sheet, row=record.row)))
    return events


def _listed(record: Record, definitions: _Definitions, report: Report) -> tuple[str, ...]:
    """The event's property names as defined, each checked against the definitions."""
    event, where = record.get("event_name"), record.at("properties")
    found: dict[str, str] = {}
    for name in split_items(record.get("properties").replace("\n", ",")):
        key = name.casefold()
        prop = definitions.known.get(key)
        if key in found:
            report.problem(f"event '{event}' lists property '{name}' twice", where,
                           hint="remove the repeated name")
        elif prop is not None:
            found[key] = prop.name
            if prop.name != name:
                report.warn(f"event '{event}' lists '{name}', defined as '{prop.name}'; "
                            "read as the definition", where)
        elif (user := definitions.user.get(key)) is not None:
            found[key] = user.name      # the event carries the user's value (module docstring)
        elif key not in definitions.broken:
            report.problem(f"event '{event}' lists property '{name}', which "
                           f"{definitions.label} does not define", where,
                           hint=f"add a row for '{name}' there, or remove it from the list")
    return tuple(found.values())


def _carried_user_properties(defined: tuple[Property, ...], users: tuple[Property, ...],
                             events: list[Event], table: Table,
                             report: Report) -> tuple[Property, ...]:
    """Event definitions of the user properties events list (``weight_record`` listing the
    user's ``weight_kg``): same name, type and values, so the event shows the user's value."""
    own = {p.name for p in defined}
    by_name = {p.name: p for p in users}
    listing: dict[str, list[str]] = {}
    for event in events:
        for name in event.properties:
            if name in by_name and name not in own:
                listing.setdefault(name, []).append(event.name)
    if not listing:
        return ()
    said = "; ".join(f"{name} ({', '.join(names)})" for name, names in listing.items())
    report.warn(f"events list user properties: {said}; each such event carries the user's "
                "current value and updates it (see update_patterns in 'demogen analyze -o')",
                Location(table.raw.file, table.raw.sheet))
    return tuple(by_name[name].model_copy(update={"scope": Scope.EVENT, "update_method": None})
                 for name in listing)


def _warn_marked(marked: list[str], table: Table, report: Report) -> None:
    if marked:
        report.warn(f"read as user properties, as their descriptions say: {', '.join(marked)} "
                    "(add a 'scope' column with event, common or user to say otherwise)",
                    Location(table.raw.file, table.raw.sheet))


def _warn_dotted(dotted: list[str], table: Table, report: Report) -> None:
    if dotted:
        report.warn(f"property names with '.' that ThinkingData does not accept: "
                    f"{', '.join(dotted)}; the output writes them with '_' (e.g. "
                    f"'{dotted[0]}' → '{thinkingdata_name(dotted[0])}'); "
                    "rules keep the plan's names",
                    Location(table.raw.file, table.raw.sheet))


def _warn_unused(defined: tuple[Property, ...], events: list[Event], table: Table,
                 report: Report) -> None:
    used = {name for event in events for name in event.properties}
    unused = [p.name for p in defined if p.scope is Scope.EVENT and p.name not in used]
    if unused:
        report.warn(f"event properties that no event lists: {', '.join(unused)}; kept",
                    Location(table.raw.file, table.raw.sheet))

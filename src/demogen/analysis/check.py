"""Rules checked against the plan: every event and property they name must be the plan's.

A rule about a name the plan lacks does nothing (a funnel step ``guild_joined`` in a plan
without it, a whole rules file written for another product), so it is an error, named with
its place in the rules file and the plan's closest name. Rules use the plan's names
("Order Completed"), not the snake_case names written to the files.

``lifecycle_rules`` hold patterns (``session_*``, and general words such as ``login`` that
match whatever the plan has), so they are not checked here.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from demogen.analysis._locate import Path as KeyPath
from demogen.analysis._locate import key_lines, key_path, line_of
from demogen.analysis.rules import Rules, read_rules_text
from demogen.errors import RulesError
from demogen.taxonomy import EventTaxonomy, Property
from demogen.vocab import PRESET_PROPERTIES, PropertyType

__all__ = ["UnknownName", "check_against_plan", "named", "unknown_names"]

Kind = Literal["event", "property"]

#: More than this share of the events named unknown, and at least ``_FOREIGN_MIN`` of them
#: (a two-line edit with one typo is not another plan's): the rules are another plan's.
_FOREIGN_SHARE = 0.5
_FOREIGN_MIN = 5
_CONTAINERS = frozenset({PropertyType.LIST, PropertyType.OBJECT, PropertyType.OBJECT_GROUP})
#: Problems listed one by one before the rest are counted.
_LISTED = 20


@dataclass(frozen=True)
class UnknownName:
    """A name the rules use that the plan does not have."""

    kind: Kind
    name: str
    path: KeyPath
    suggestion: str | None = None

    def describe(self, line: int | None = None) -> str:
        where = key_path(self.path) + (f" (line {line})" if line else "")
        hint = f"; did you mean '{self.suggestion}'?" if self.suggestion else ""
        return f"{where}: the plan has no {self.kind} '{self.name}'{hint}"


def named(rules: Rules) -> Iterator[tuple[Kind, str, KeyPath]]:
    """Every event and property name the rules use, with its key path."""
    ec = rules.event_constraints
    base: KeyPath = ("event_constraints",)
    for i, seq in enumerate(ec.sequences):
        yield from _events(seq, (*base, "sequences", i))
    for i, funnel in enumerate(ec.funnels):
        yield from _events(funnel.steps, (*base, "funnels", i, "steps"))
    for event, before in ec.prerequisites.items():
        yield "event", event, (*base, "prerequisites", event)
        yield from _events(before, (*base, "prerequisites", event))
    for key in ("one_time_events", "session_start_events", "session_end_events",
                "system_events"):
        yield from _events(getattr(ec, key), (*base, key))
    for i, detail in enumerate(ec.sequence_details):
        here = (*base, "sequence_details", i)
        yield from _events(detail.events, (*here, "events"))
        if detail.key is not None:
            yield "property", detail.key, (*here, "key")
    for role, events in rules.event_roles:
        yield from _events(events, ("event_roles", role))
    for prop, constraint in rules.property_constraints.items():
        here = ("property_constraints", prop)
        yield "property", prop, here
        yield from _props(constraint.depends_on, (*here, "depends_on"))
    for prop, rel in rules.property_relationships.items():
        here = ("property_relationships", prop)
        yield "property", prop, here
        yield from _props(rel.depends_on, (*here, "depends_on"))
        yield from _props(rel.affects, (*here, "affects"))
        yield from _events(rel.events, (*here, "events"))
    yield from _ranged(rules.value_ranges, ("value_ranges",))
    for prop, money in rules.monetary_properties.items():
        here = ("monetary_properties", prop)
        yield "property", prop, here
        if money.currency_property:
            yield "property", money.currency_property, (*here, "currency_property")
        yield from _events(money.events, (*here, "events"))
    for segment, profile in rules.segment_analysis.items():
        here = ("segment_analysis", segment.value)
        yield from _ranged(profile.property_ranges, (*here, "property_ranges"))
        yield from _events(profile.event_sequence, (*here, "event_sequence"))
        for event in profile.event_probabilities:
            yield "event", event, (*here, "event_probabilities", event)
    for prop, spec in rules.properties.items():
        here = ("properties", prop)
        yield "property", prop, here
        for event in spec.lifetime_on or {}:
            yield "event", event, (*here, "lifetime_on", event)
        for event in spec.chosen_on or ():
            yield "event", event, (*here, "chosen_on")
        if spec.source is not None and spec.source.type in ("mirror", "before", "after"):
            for target in spec.source.targets:
                yield "property", target, (*here, "source", "of")
    for event, event_spec in rules.events.items():
        yield "event", event, ("events", event)
        if event_spec.follows:
            yield "event", event_spec.follows, ("events", event, "follows")
    for event, milestone in rules.playback.milestones.items():
        here = ("playback", "milestones", event)
        yield "event", event, here
        yield "event", milestone.start, (*here, "start")
        if milestone.complete:
            yield "event", milestone.complete, (*here, "complete")
        if milestone.property:
            yield "property", milestone.property, (*here, "property")
    for role in ("start", "pause", "resume", "seek", "within"):
        for event in getattr(rules.playback, role):
            yield "event", event, ("playback", role)
    for prop in rules.playback.playhead:
        yield "property", prop, ("playback", "playhead")
    for event, updates in rules.update_patterns.items():
        yield "event", event, ("update_patterns", event)
        for prop, update in updates.items():
            yield "property", prop, ("update_patterns", event, prop)
            ref = _reference(update.value)
            if ref is not None:
                yield "property", ref, ("update_patterns", event, prop, "value")


def unknown_names(rules: Rules, taxonomy: EventTaxonomy) -> list[UnknownName]:
    """The names ``rules`` use that ``taxonomy`` lacks, in the order the rules use them."""
    events = [e.name for e in taxonomy.events]
    props = sorted(_property_names(taxonomy))
    containers = {p.name for p in _all_properties(taxonomy) if p.type in _CONTAINERS}
    known = {"event": set(events), "property": set(props) | PRESET_PROPERTIES}
    pool = {"event": events, "property": props}
    out: list[UnknownName] = []
    for kind, name, path in named(rules):
        if name in known[kind] or (kind == "property" and _field_of(name, containers)):
            continue
        close = difflib.get_close_matches(name, pool[kind], n=1, cutoff=0.6)
        out.append(UnknownName(kind, name, path, close[0] if close else None))
    return out


def check_against_plan(rules: Rules, taxonomy: EventTaxonomy, *, source: Path | str,
                       plan: Path | str | None = None) -> None:
    """Raise :class:`RulesError` naming every event and property of ``rules`` (read from the
    file ``source``) that the plan lacks; rules of another plan are said to be so."""
    unknown = unknown_names(rules, taxonomy)
    if not unknown:
        return
    plan_name = f"the plan {plan}" if plan else "the plan"
    events = {name for kind, name, _ in named(rules) if kind == "event"}
    lacking = sorted({u.name for u in unknown if u.kind == "event"})
    if len(lacking) >= _FOREIGN_MIN and len(lacking) > _FOREIGN_SHARE * len(events):
        shown = ", ".join(lacking[:8]) + (", …" if len(lacking) > 8 else "")
        raise RulesError(
            f"{source}: these rules name {len(lacking)} events {plan_name} lacks "
            f"(of {len(events)} they name: {shown}) — they look like the rules of another "
            "plan. Write rules for this plan with 'demogen analyze PLAN -o rules.yaml', or "
            "pass the plan these rules were written for")
    lines = _lines(source)
    located = sorted(((line_of(lines, u.path), i, u) for i, u in enumerate(unknown)),
                     key=lambda t: (t[0] is None, t[0] or 0, t[1]))  # in file order
    listed = [f"  - {u.describe(line)}" for line, _, u in located[:_LISTED]]
    if len(unknown) > _LISTED:
        listed.append(f"  … and {len(unknown) - _LISTED} more")
    raise RulesError(f"{source}: {len(unknown)} name(s) that {plan_name} lacks (rules use "
                     "the plan's event and property names):\n" + "\n".join(listed))


def _events(names: list[str], path: KeyPath) -> Iterator[tuple[Kind, str, KeyPath]]:
    for i, name in enumerate(names):
        yield "event", name, (*path, i)


def _props(names: list[str], path: KeyPath) -> Iterator[tuple[Kind, str, KeyPath]]:
    for i, name in enumerate(names):
        yield "property", name, (*path, i)


def _ranged(ranges: Mapping[str, object], path: KeyPath) -> Iterator[tuple[Kind, str, KeyPath]]:
    """Range keys: ``level``, or ``level@stage_clear`` for the range on one event only."""
    for key in ranges:
        prop, _, event = key.partition("@")
        yield "property", prop, (*path, key)
        if event:
            yield "event", event, (*path, key)


def _reference(value: object) -> str | None:
    """``"{{price}}"`` → ``price``: an update that copies a property's value."""
    if isinstance(value, str) and value.startswith("{{") and value.endswith("}}"):
        return value[2:-2].strip()
    return None


def _all_properties(taxonomy: EventTaxonomy) -> tuple[Property, ...]:
    return (*taxonomy.properties, *taxonomy.common_properties, *taxonomy.user_properties)


def _property_names(taxonomy: EventTaxonomy) -> set[str]:
    """Every property of the plan, object fields as ``parent.field`` too."""
    out: set[str] = set()

    def add(prop: Property, prefix: str) -> None:
        out.update((prop.name, prefix + prop.name))
        for child in prop.children:
            add(child, f"{prefix}{prop.name}.")

    for prop in _all_properties(taxonomy):
        add(prop, "")
    return out


def _field_of(name: str, containers: set[str]) -> bool:
    """``items.price``: a field of a list or object the plan describes only in words."""
    parts = name.split(".")
    return any(".".join(parts[:i]) in containers for i in range(1, len(parts)))


def _lines(source: Path | str) -> dict[tuple[str, ...], int]:
    try:
        return key_lines(read_rules_text(Path(source)))
    except RulesError:
        return {}

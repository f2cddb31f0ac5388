"""Names ThinkingData accepts, for plans written with other conventions.

Segment-style specs name events "Order Completed" and properties "context.page.path";
ThinkingData takes only ``^[A-Za-z][A-Za-z0-9_]{0,49}$`` (format doc §5). The simulation
keeps the plan's names (the rules refer to them); records are written with snake_case
equivalents, decided once per run, unique case-insensitively.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from demogen.analysis.rules import Rules
from demogen.taxonomy import EventTaxonomy
from demogen.vocab import NAME_PATTERN, PRESET_PROPERTIES, thinkingdata_name

__all__ = ["NameMap", "rename_rules", "thinkingdata_name"]

_VALID = re.compile(NAME_PATTERN)


@dataclass(frozen=True)
class NameMap:
    """Renames for the names that need one; every other name is written as it is."""

    events: dict[str, str] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)

    @classmethod
    def build(cls, taxonomy: EventTaxonomy) -> NameMap:
        events = _renames([e.name for e in taxonomy.events])
        props = [p.name for p in (*taxonomy.properties, *taxonomy.common_properties,
                                  *taxonomy.user_properties)]
        return cls(events, _renames([p for p in props if p not in PRESET_PROPERTIES]))

    def event(self, name: str) -> str:
        return self.events.get(name, name)

    def renames_any(self, names: tuple[str, ...] | list[str]) -> bool:
        return any(n in self.properties for n in names)


def _renames(names: list[str]) -> dict[str, str]:
    taken = {n.lower() for n in names if _VALID.match(n)}
    renames: dict[str, str] = {}
    for name in names:
        if _VALID.match(name) or name in renames:
            continue
        base = candidate = thinkingdata_name(name)
        suffix = 2
        while candidate.lower() in taken:
            candidate = f"{base[:46]}_{suffix}"
            suffix += 1
        taken.add(candidate.lower())
        renames[name] = candidate
    return renames


def rename_rules(rules: Rules, names: NameMap) -> Rules:
    """The rules with plan names replaced by the names written to the files.

    For checking written output against rules that speak the plan's language
    (``Order Completed`` → ``order_completed``). Only name positions are renamed; values
    such as enumerations and carrier names are left alone.
    """
    if not names.events and not names.properties:
        return rules
    ev, pr = names.event, lambda n: names.properties.get(n, n)
    data = rules.to_data()
    ec = data.get("event_constraints", {})
    for key in ("one_time_events", "session_start_events", "session_end_events",
                "system_events"):
        ec[key] = [ev(e) for e in ec.get(key, [])]
    ec["sequences"] = [[ev(e) for e in seq] for seq in ec.get("sequences", [])]
    for funnel in ec.get("funnels", []):
        funnel["steps"] = [ev(e) for e in funnel["steps"]]
    for detail in ec.get("sequence_details", []):
        detail["events"] = [ev(e) for e in detail["events"]]
    ec["prerequisites"] = {ev(k): [ev(e) for e in v]
                           for k, v in ec.get("prerequisites", {}).items()}
    data["event_roles"] = {k: [ev(e) for e in v] for k, v in data.get("event_roles", {}).items()}
    data["update_patterns"] = {
        ev(event): {pr(prop): {**rule, "value": _renamed_ref(rule.get("value"), pr)}
                    for prop, rule in props.items()}
        for event, props in data.get("update_patterns", {}).items()
    }
    data["property_constraints"] = {
        pr(p): {**c, "depends_on": [pr(d) for d in c.get("depends_on", [])]}
        for p, c in data.get("property_constraints", {}).items()
    }
    data["property_relationships"] = {
        pr(p): {**r, "depends_on": [pr(d) for d in r.get("depends_on", [])],
                "affects": [pr(d) for d in r.get("affects", [])],
                "events": [ev(e) for e in r.get("events", [])]}
        for p, r in data.get("property_relationships", {}).items()
    }
    data["value_ranges"] = {_ranged(k, pr, ev): r for k, r in data.get("value_ranges", {}).items()}
    data["properties"] = {
        pr(p): {**spec, **({"lifetime_on": {ev(e): life for e, life in
                                            spec["lifetime_on"].items()}}
                           if spec.get("lifetime_on") else {}),
                **({"chosen_on": [ev(e) for e in spec["chosen_on"]]}
                   if spec.get("chosen_on") else {}),
                **({"source": {**spec["source"], "of": pr(spec["source"]["of"])}}
                   if spec.get("source", {}).get("type") in ("mirror", "before") else {})}
        for p, spec in data.get("properties", {}).items()
    }
    data["events"] = {ev(e): {**spec, **({"follows": ev(spec["follows"])}
                                         if spec.get("follows") else {})}
                      for e, spec in data.get("events", {}).items()}
    progression = data.get("progression") or {}
    if progression.get("stage_clear_events"):
        progression["stage_clear_events"] = [ev(e) for e in progression["stage_clear_events"]]
    if progression.get("plan_changes"):
        progression["plan_changes"] = {ev(e): m for e, m in progression["plan_changes"].items()}
    playback = data.get("playback") or {}
    for key in ("start", "pause", "resume", "seek", "within", "complete"):
        playback[key] = [ev(e) for e in playback.get(key, [])]
    playback["playhead"] = [pr(p) for p in playback.get("playhead", [])]
    data["monetary_properties"] = {
        pr(p): {**m, "events": [ev(e) for e in m.get("events", [])],
                "currency_property": m.get("currency_property") and pr(m["currency_property"])}
        for p, m in data.get("monetary_properties", {}).items()
    }
    return Rules.from_data(data)


def _ranged(key: str, prop: Callable[[str], str], event: Callable[[str], str]) -> str:
    """``price@Product Added`` → ``price@product_added``."""
    name, at, on = key.partition("@")
    return prop(name) + (at + event(on) if at else "")


def _renamed_ref(value: Any, rename: Callable[[str], str]) -> Any:
    if isinstance(value, str) and value.startswith("{{") and value.endswith("}}"):
        return "{{" + rename(value[2:-2].strip()) + "}}"
    return value

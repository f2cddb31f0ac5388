"""Names ThinkingData accepts, for plans written with other conventions.

Segment-style specs name events "Order Completed" and properties "context.page.path";
ThinkingData takes only ``^[A-Za-z][A-Za-z0-9_]{0,49}$`` (format doc §5). The simulation
keeps the plan's names (the rules refer to them); records are written with snake_case
equivalents, decided once per run, unique case-insensitively.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from demogen.taxonomy import EventTaxonomy
from demogen.vocab import NAME_PATTERN, PRESET_PROPERTIES

_VALID = re.compile(NAME_PATTERN)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_OTHER = re.compile(r"[^A-Za-z0-9]+")


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


def thinkingdata_name(name: str) -> str:
    """``Order Completed`` → ``order_completed``; ``context.groupId`` → ``context_group_id``."""
    words = _OTHER.sub("_", _CAMEL.sub("_", name)).strip("_").lower()
    if not words or not words[0].isalpha():
        words = f"p_{words}"
    return words[:50]


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

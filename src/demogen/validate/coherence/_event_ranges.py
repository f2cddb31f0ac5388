"""A number's own range on one event (Rules ``value_ranges`` ``property@event``).

A range the rules give a property on one event alone says what that event means: a lesson
failed because the user ran out of hearts shows none left (``hearts_left@lesson_fail``:
0-0), a daily reward pays its own amounts. The plan's range of the property holds on every
event; this check reads the narrower one where the rules give it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where


class EventRangesChecker(Checker):
    name = "event_ranges"
    description = ("a number property lies in its own range on an event "
                   "(value_ranges property@event: hearts_left@lesson_fail 0-0)")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        #: Event → (property, low, high) for each range the rules give on that event.
        self.ranges: dict[str, list[tuple[str, float, float]]] = {}
        for key, span in sorted(given.rules.value_ranges.items()):
            prop, at, event = key.partition("@")
            if at and prop and event:
                self.ranges.setdefault(event, []).append((prop, span.min, span.max))

    @property
    def active(self) -> bool:
        return bool(self.ranges)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        if record.get("#type") != "track":
            return
        event = record.get("#event_name")
        ranges = self.ranges.get(event) if isinstance(event, str) else None
        props = record.get("properties")
        if ranges is None or not isinstance(props, Mapping):
            return
        for prop, low, high in ranges:
            value = props.get(prop)
            if isinstance(value, int | float) and not isinstance(value, bool) \
                    and not low <= value <= high:
                report(where, f"user {record.get('#distinct_id')}: {prop} {value:g} on "
                              f"{event} outside {low:g}-{high:g} "
                              f"(value_ranges {prop}@{event})")

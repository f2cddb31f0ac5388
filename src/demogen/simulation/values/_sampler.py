"""EventSampler: the compiled properties of one event, drawn per event."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from demogen.simulation._context import UserContext
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._pairs import Hook


class EventSampler:
    """Samples the custom properties of one event (its own, then the common ones).

    ``sample(user, time_str)`` returns a new dict in taxonomy order. ``time_str`` is
    the event's ``#time`` (``yyyy-MM-dd HH:mm:ss.SSS``, local). Per event it only calls
    closures compiled beforehand, in dependency order, then the hooks that remember the
    values paired events reuse.
    """

    __slots__ = ("_hooks", "_order", "_reorder", "_steps", "event_name", "properties")

    def __init__(self, event_name: str, steps: Sequence[tuple[str, Sampler]],
                 order: Sequence[str], hooks: Sequence[Hook] = ()):
        self.event_name = event_name
        self._steps = tuple(steps)
        self._order = tuple(order)
        self._hooks = tuple(hooks)
        self.properties: tuple[str, ...] = self._order
        self._reorder = tuple(n for n, _ in self._steps) != self._order

    def sample(self, user: UserContext, time_str: str) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, fn in self._steps:
            values[name] = fn(user, values, time_str)
        for hook in self._hooks:
            hook(user, values)
        if self._reorder:
            return {name: values[name] for name in self._order}
        return values

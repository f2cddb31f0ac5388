"""EventSampler: the compiled properties of one event, drawn per event."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from demogen.simulation.values._codegen import event_function
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._pairs import Hook


class EventSampler:
    """Samples the custom properties of one event (its own, then the common ones).

    ``sample(user, time_str)`` returns a new dict in taxonomy order. ``time_str`` is
    the event's ``#time`` (``yyyy-MM-dd HH:mm:ss.SSS``, local). ``sample`` is one function
    generated from the compiled samplers (``_codegen``): it runs them in dependency order,
    then the hooks that remember the values paired events reuse.

    ``read``: the names some sampler reads from the values drawn before it (None: assume
    any); only those are handed to the samplers that read them. ``wrappers``: what
    :meth:`wrap` put around the generated function, innermost first.
    """

    __slots__ = ("event_name", "hooks", "properties", "sample", "source", "steps", "wrappers")

    def __init__(self, event_name: str, steps: Sequence[tuple[str, Sampler]],
                 order: Sequence[str], hooks: Sequence[Hook] = (),
                 read: frozenset[str] | None = None):
        self.event_name = event_name
        self.steps = tuple(steps)
        self.hooks = tuple(hooks)
        self.properties: tuple[str, ...] = tuple(order)
        #: ``sample(user, time_str) -> dict``, and the source it was generated from.
        self.sample, self.source = event_function(event_name, self.steps, self.properties,
                                                  read, self.hooks)
        self.wrappers: tuple[Wrapper, ...] = ()

    def wrap(self, wrapper: Wrapper) -> None:
        """Put ``wrapper`` around ``sample`` (a follow-up showing the order it follows, an
        account id left out before sign-up): it runs around the drawing of every record."""
        self.sample = wrapper(self.sample)
        self.wrappers += (wrapper,)


Sample = Callable[[Any, str], dict[str, Any]]
#: Takes an event's ``sample`` and gives the one that runs instead.
Wrapper = Callable[[Sample], Sample]

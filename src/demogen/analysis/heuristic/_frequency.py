"""How often each event happens: its frequency class and per-session cap (Rules.events).

From the concepts an event's name and description carry (``heuristic_segments.yaml``,
``frequency`` and ``per_session``): product views and rounds played are ``core``, shares
and reviews ``occasional``, settings and crashes ``rare``; logging in happens once a
session at most. Events the lists don't cover get no entry (``common``, no cap).
"""

from __future__ import annotations

from typing import cast

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._lifecycle import MIN_SCORE
from demogen.analysis.rules import EventSpec, Frequency


def event_specs(ctx: Context, system: set[str]) -> dict[str, EventSpec]:
    """An entry per event whose concepts say how often it happens (system events, which
    are not user actions, get none)."""
    spec = load("segments")
    classes = {concept: cls for cls, concepts in spec["frequency"].items()
               for concept in concepts}
    caps: dict[str, int] = spec["per_session"]
    out: dict[str, EventSpec] = {}
    for name in ctx.names:
        if name in system:
            continue
        strong = sorted(((score, concept) for concept, score
                         in ctx.index.concepts_of(name).items() if score >= MIN_SCORE),
                        reverse=True)
        frequency = next((classes[c] for _, c in strong if c in classes), None)
        cap = next((caps[c] for _, c in strong if c in caps), None)
        if frequency is not None or cap is not None:
            out[name] = EventSpec(frequency=cast(Frequency | None, frequency), per_session=cap,
                                  origin="heuristic")
    return out


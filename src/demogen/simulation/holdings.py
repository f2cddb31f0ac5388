"""Things a user holds one at a time: a toggle pair (``guild_join`` / ``guild_leave``:
heuristic_flows.yaml ``toggle_words``) whose thing is the user's own (``guild_id``, a
``stable`` id: the same guild on every event of the user).

The values pick an add's thing among those the user does not hold (values/_toggles.py), but
the user's own thing is one: a second join before a leave could only name the guild the
player is in (74 such joins at examples/game 300 x 10 seed 3). So the planner gates the
events themselves: the add only while the user holds nothing, the remove only while they
hold it (:class:`~demogen.simulation.story.SessionPlanner`). Pairs of things the user has
many of (favourites, follows of creators) stay free: the values keep them apart.
"""

from __future__ import annotations

from demogen.analysis.heuristic.values.names import id_spec
from demogen.analysis.heuristic.values.steps import step_thing_id
from demogen.analysis.heuristic.values.toggles import is_toggle
from demogen.taxonomy import EventTaxonomy

__all__ = ["held_one_at_a_time"]


def held_one_at_a_time(taxonomy: EventTaxonomy, known: set[str]) -> dict[str, tuple[str, bool]]:
    """Event → (its pair's add event, whether it adds), for the toggle pairs of ``known``
    events whose shared thing id (:func:`step_thing_id`) is the user's own (``stable``)."""
    props = {e.name: e.properties for e in taxonomy.events if e.name in known}
    out: dict[str, tuple[str, bool]] = {}
    for put in sorted(props):
        for take in sorted(props):
            if put == take or not is_toggle(put, take):
                continue
            key = step_thing_id(n for n in props[put] if n in props[take])
            spec = id_spec(key) if key is not None else None
            if spec is not None and spec.mode == "stable":
                out[put] = (put, True)
                out[take] = (put, False)
    return out

"""A plan change's value: the rung it moves the user to (``plan_upgraded.plan``).

An event that sets an enum user property (a plan, a tier) from its own value and names a
move up or down it (Rules' ``progression.plan_changes``, else ``upgrade`` / ``downgrade``
in its name) carries a value past the user's, in the user property's order: an upgrade
from Free goes to Pro or Business, from Pro to Business. The nearer rung is the likelier
(each further one half as likely: most teams take the next plan). The planner keeps such
an event from a user with no rung to go to (simulation/state.py ``plan_changes``).
"""

from __future__ import annotations

from typing import Any

from demogen.analysis.heuristic.values import progression
from demogen.simulation._context import UserContext
from demogen.simulation.values._convert import coerce_enum
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property
from demogen.vocab import UpdateType


def climb_sampler(tables: Tables, prop: Property, target: Property, event: str,
                  fallback: Sampler) -> Sampler | None:
    """The sampler of ``prop`` on ``event`` when the event moves ``target`` to the value
    it carries (see the module docstring); None for any other event."""
    move = progression.plan_move(event, tables.rules.progression.plan_changes)
    rule = tables.rules.update_patterns.get(event, {}).get(target.name)
    order = coerce_enum(target)
    if not move or rule is None or rule.type is not UpdateType.SET or len(order) < 2 or \
            str(rule.value).replace(" ", "") != "{{" + prop.name + "}}":
        return None
    carried = [v for v in coerce_enum(prop) or order if v in order]
    rank = {v: i for i, v in enumerate(order)}
    # Per current rung, the values past it, nearest first (None: the user holds none).
    options: dict[Any, tuple[Any, ...]] = {
        held: tuple(sorted((v for v in carried if (rank[v] - at) * move > 0),
                           key=lambda v: (rank[v] - at) * move))
        for held, at in ((*rank.items(), (None, -1 if move > 0 else len(order))))}

    def climb(u: UserContext, v: dict[str, Any], t: str) -> Any:
        ahead = options.get(u.state.get(target.name), options[None])
        if not ahead:
            return fallback(u, v, t)
        x = u.rnd.random() * (1 - 0.5 ** len(ahead))
        for i, value in enumerate(ahead):     # the i-th rung ahead: 2^-(i+1)
            x -= 0.5 ** (i + 1)
            if x < 0:
                return value
        return ahead[-1]

    return climb

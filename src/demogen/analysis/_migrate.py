"""Older rules documents brought to the current shape before they are validated.

Version 1 stated a step's conversion twice: in ``funnels[].conversion`` and in
``sequence_details[].conversion``, and only the second drove the data. Version 2 keeps one
number per step, in the funnels. A version-1 file still loads: each sequence conversion is
moved into the first funnel that has the same two steps as neighbours (the number that used
to drive the data wins), or, where no funnel has them, into a new funnel of those steps.
Every change is named in a notice, so a person can see where their numbers went.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

__all__ = ["funnel_name", "migrate"]


def migrate(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """``data`` in the current shape (a copy where anything changed) and a notice of what
    was changed, if anything was."""
    ec = data.get("event_constraints")
    details = ec.get("sequence_details") if isinstance(ec, dict) else None
    if not isinstance(details, list) or not any(
            isinstance(d, dict) and "conversion" in d for d in details):
        return data, []
    data = {**data, "event_constraints": {**ec}}
    ec = data["event_constraints"]
    funnels = [dict(f) if isinstance(f, dict) else f for f in ec.get("funnels") or []]
    ec["funnels"] = funnels
    ec["sequence_details"] = [dict(d) if isinstance(d, dict) else d for d in details]
    notices: list[str] = []
    for detail in ec["sequence_details"]:
        if not isinstance(detail, dict) or "conversion" not in detail:
            continue
        conversion, events = detail.pop("conversion"), detail.get("events")
        if not conversion:
            continue
        if not (isinstance(events, list) and isinstance(conversion, list)
                and len(events) == len(conversion)):
            notices.append(f"sequence_details {_chain(events)}: its conversion list does not "
                           "have one number per event, so it was dropped (it never drove the "
                           "data); set conversions in event_constraints.funnels")
            continue
        notices += _move(funnels, [str(e) for e in events], conversion)
    data["schema_version"] = 2
    # One notice: the changes as a list a person can follow in the file.
    return data, ["rules schema version 1 moved to version 2: each step's conversion now lives "
                  "once, in event_constraints.funnels (sequence_details[].conversion is gone)"
                  + "".join(f"; {n}" for n in notices)]


def _move(funnels: list[Any], events: list[str], conversion: list[Any]) -> list[str]:
    notices: list[str] = []
    uncovered: list[list[str]] = []     # runs of steps no funnel has as neighbours
    rates: dict[tuple[str, str], Any] = {}
    for i in range(1, len(events)):
        before, after, p = events[i - 1], events[i], conversion[i]
        found = _find(funnels, before, after)
        if found is None:
            rates[before, after] = p
            if uncovered and uncovered[-1][-1] == before:
                uncovered[-1].append(after)
            else:
                uncovered.append([before, after])
            continue
        funnel, j = found
        if funnel["conversion"][j] != p:
            notices.append(f"funnel {funnel.get('name')}: {before} → {after} conversion "
                           f"{funnel['conversion'][j]} → {p} (the sequence's number, which "
                           "drove the data)")
            funnel["conversion"] = [*funnel["conversion"][:j], p, *funnel["conversion"][j + 1:]]
    taken = {f.get("name") for f in funnels if isinstance(f, dict)}
    for steps in uncovered:
        name = funnel_name(steps, taken)
        taken.add(name)
        funnels.append({"name": name, "steps": steps, "kind": "chain",
                        "conversion": [1.0] + [rates[pair] for pair in pairwise(steps)],
                        "source": "moved from sequence_details (rules schema version 1)"})
        notices.append(f"new funnel {name}: {_chain(steps)} with the sequence's conversions")
    return notices


def _find(funnels: list[Any], before: str, after: str) -> tuple[dict[str, Any], int] | None:
    """The first funnel with conversions where ``after`` directly follows ``before``."""
    for funnel in funnels:
        if not isinstance(funnel, dict):
            continue
        steps, conversion = funnel.get("steps"), funnel.get("conversion")
        if not (isinstance(steps, list) and isinstance(conversion, list)
                and len(conversion) == len(steps)):
            continue
        for j in range(1, len(steps)):
            if steps[j - 1] == before and steps[j] == after:
                return funnel, j
    return None


def funnel_name(steps: list[str], taken: set[Any]) -> str:
    """``gold_earn_gold_spend``: a funnel named by its first and last step, not yet taken."""
    base = "_".join(re.sub(r"[^0-9a-z]+", "_", s.lower()).strip("_") for s in (steps[0], steps[-1]))
    name, n = base, 2
    while name in taken:
        name, n = f"{base}_{n}", n + 1
    return name


def _chain(events: Any) -> str:
    return " → ".join(map(str, events)) if isinstance(events, list) else repr(events)

"""A role's power grows with its level: ``total_power`` from ``lord_level`` (issue 11).

Game plans carry a power number beside the level it grows with; drawn on their own the two
disagree (a level-60 lord with the power of a beginner). This writes a formula per power:

- ``<x>_power`` with ``<x>_level`` on the same record (``tmp_power`` / ``tmp_level``,
  ``hero_power`` / ``hero_level``; ``combat``, ``total`` are qualifiers: ``tmp_combat_power``
  is ``tmp``'s);
- else a player's power (``total_power``, ``player_power_total``, ``main_team_combat_power``)
  with the one player level on the record (``lord_level``, ``player_level``, ``level``).

Another party's power (``defender_power``, ``rival_power``, ``boss_power``) gets none.

The formula spreads the power range over the level range on a cubic curve (power grows
faster than level in these games: 1,000 at level 1, 50 M at 60). A record at level L
draws its power in [curve(L), curve(L + 1)): the noise is one level's width, so the power
of a higher level is never below a lower one's (monotone by construction, whatever the
number of levels), while two records of one level still differ.
"""

from __future__ import annotations

from typing import Any

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.rules import NumberRange, PropertyRelationship

#: The noise's top: below one so that ``L + u`` stays under ``L + 1``.
_U_TOP = 0.999


def _words() -> dict[str, Any]:
    return load("properties")["power_levels"]


def _owner(name: str, tail: list[str]) -> list[str] | None:
    """The words naming whose ``name`` is: ``tmp_combat_power`` -> ``[tmp]``; None when the
    name is no power (no ``tail`` word, or one in its middle: ``power_bank_id``)."""
    parts = name.lower().split("_")
    words = _words()
    if not any(p in tail for p in parts):
        return None
    owner = [p for p in parts if p not in tail and p not in words["qualifiers"]]
    rest = [p for p in parts if p in tail or p in words["qualifiers"]]
    # The power words come together at an end: `player_power_total`, `hero_combat_power`.
    if parts[-len(rest):] != rest and parts[:len(rest)] != rest:
        return None
    return owner


def _level_owner(name: str) -> list[str] | None:
    """``lord_level`` -> ``[lord]``; ``level`` -> ``[]``; None when not ending in a level word."""
    parts = name.lower().split("_")
    return parts[:-1] if parts[-1] in _words()["level"] else None


def _is_main(owner: list[str]) -> bool:
    return all(w in _words()["main"] for w in owner)


def _level_for(power: str, names: list[str]) -> str | None:
    """The level ``power`` grows with among ``names`` (one record's), or None."""
    owner = _owner(power, _words()["power"])
    if owner is None or any(w in _words()["others"] for w in owner):
        return None
    levels = {n: o for n in names if n != power and (o := _level_owner(n)) is not None}
    same = [n for n, o in levels.items() if o == owner]
    if owner and same:
        return same[0]
    if not _is_main(owner):
        return None
    mains = [n for n, o in levels.items() if _is_main(o)]
    return mains[0] if len(mains) == 1 else None   # two player levels: unsure which


def _n(x: float) -> str:
    """A bound as the formula writes it, exactly (``:g`` would round 1234567 to 1.23457e+06)."""
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _formula(power: str, level: str, ranges: dict[str, NumberRange]) -> str | None:
    """``power`` on a cubic of ``level`` over their ranges (module doc), or None when a
    range is missing or empty."""
    p, lv = ranges.get(power), ranges.get(level)
    if p is None or lv is None or p.max <= p.min or lv.max <= lv.min or p.min < 0:
        return None
    low = min(lv.min, 1) if lv.min >= 0 else lv.min   # level 1 is the first, 2~60 or not
    steps = lv.max - low + 1
    span = p.max - p.min
    at = f"clamp({level}, {_n(low)}, {_n(lv.max)}) - {_n(low)} + uniform(0, {_U_TOP})"
    share = f"(({at}) / {_n(steps)}) ** {_words()['curve']}"
    return f"round(clamp({_n(p.min)} + {_n(span)} * {share}, {_n(p.min)}, {_n(p.max)}))"


def power_formulas(ctx: Context, ranges: dict[str, NumberRange]
                   ) -> dict[str, PropertyRelationship]:
    """The power formulas of a game plan (module doc); other genres get none."""
    if not ctx.industry & {"game", "games", "gaming"}:
        return {}
    numeric = {p.name for p in ctx.numeric_props}
    groups = [(info.name, list(ctx.props_of(info.name))) for info in ctx.infos]
    groups.append(("", list(ctx.user_props)))
    out: dict[str, PropertyRelationship] = {}
    for group, names in groups:
        names = [n for n in names if n in numeric]
        for power in names:
            _add(out, power, _level_for(power, names), group, ranges)
    _drop_whole_events(ctx, out)
    return _with_affects(out)


def _add(out: dict[str, PropertyRelationship], power: str, level: str | None, group: str,
         ranges: dict[str, NumberRange]) -> None:
    """Records ``power`` = f(``level``) on ``group`` (an event, "" the user's); a power
    paired with two levels keeps the first (one formula per property)."""
    formula = _formula(power, level, ranges) if level else None
    if formula is None:
        return
    rel = out.setdefault(power, PropertyRelationship(type="number", depends_on=[level],
                                                     formula=formula))
    if rel.formula == formula and group and group not in rel.events:
        rel.events.append(group)


def _drop_whole_events(ctx: Context, out: dict[str, PropertyRelationship]) -> None:
    """A formula true wherever its power travels lists no events."""
    for name, rel in out.items():
        if set(rel.events) >= set(ctx.events_with.get(name, [])):
            rel.events = []


def _with_affects(out: dict[str, PropertyRelationship]) -> dict[str, PropertyRelationship]:
    """Each level names the powers it drives (``affects``), as other formulas' sources do."""
    affects: dict[str, list[str]] = {}
    for power, rel in out.items():
        for level in rel.depends_on:
            affects.setdefault(level, []).append(power)
    for level, powers in affects.items():
        if level not in out:
            out[level] = PropertyRelationship(type="number", affects=powers)
    return out


def with_power_formulas(base: dict[str, PropertyRelationship],
                        powers: dict[str, PropertyRelationship]
                        ) -> dict[str, PropertyRelationship]:
    """``base`` with the power formulas added: a formula ``base`` already has wins (a word
    list's formula says more), and a level both drive names every property it affects."""
    out = dict(base)
    for name, rel in powers.items():
        have = out.get(name)
        if have is None:
            out[name] = rel
            continue
        new = [a for a in rel.affects if a not in have.affects]
        update: dict[str, Any] = {"affects": [*have.affects, *new]}
        if rel.formula and not have.formula:
            update |= {"formula": rel.formula, "depends_on": rel.depends_on,
                       "events": rel.events}
        out[name] = have.model_copy(update=update)
    return out


__all__ = ["power_formulas", "with_power_formulas"]

"""Step pairs: a thing's level before and after one step in one record (``from_level`` /
``to_level``, ``old_star`` / ``new_star``, ``level_before`` / ``level_after``); the word lists
are ``data/steps.yaml``'s. The simulation shows one step from the thing's current level."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from importlib import resources
from typing import Any

import yaml

from demogen.analysis.heuristic._catalogues import ID, catalogue_role
from demogen.analysis.heuristic.values.names import normalize

__all__ = ["first_part_share", "is_position", "start_share", "step_pairs", "step_thing_id",
           "steps_left"]


@functools.cache
def _data() -> dict[str, Any]:
    node = resources.files("demogen").joinpath("data", "steps.yaml")
    data: dict[str, Any] = yaml.safe_load(node.read_text(encoding="utf-8"))
    return data


def _side(name: str) -> tuple[str, str] | None:
    """(``before``/``after``, where the word stands and the rest of the name) when
    ``name`` starts or ends with a before or after word and the rest names a level."""
    data = _data()
    parts = normalize(name).split("_")
    if len(parts) < 2:
        return None
    for side in ("before", "after"):
        marks = set(data[f"{side}_words"])
        for at, rest in (("first", parts[1:] if parts[0] in marks else None),
                         ("last", parts[:-1] if parts[-1] in marks else None)):
            if rest and set(rest) & set(data["level_words"]):
                return side, f"{at}:{'_'.join(rest)}"
    return None


def start_share() -> float:
    """Where a thing's first step in the run starts, as a share of its range."""
    return float(_data()["start_share"])


def step_top(before: tuple[float, float] | None, after: tuple[float, float] | None) -> int:
    """The highest level a pair reaches: the after side's max, at most one above the before
    side's (100 when the plan gives neither)."""
    tops = [int(r[1]) + shift for r, shift in ((before, 1), (after, 0)) if r is not None]
    return max(2, min(tops)) if tops else 100


def steps_left(lo: float, top: int, things: int) -> int:
    """The steps a user surely has left over ``things`` things whose levels start in the
    first :func:`start_share` of ``lo`` … ``top``: a cap on a step event's records."""
    first = int(lo) + int(max(0, top - 1 - int(lo)) * start_share())
    return max(1, things * (top - first))


def step_pairs(names: Iterable[str]) -> list[tuple[str, str]]:
    """(before, after) pairs among one record's ``names``, sorted: the same level rest after
    a before word and an after word (``from_level``, ``to_level``)."""
    by_rest: dict[str, dict[str, str]] = {}
    for name in sorted(names):
        found = _side(name)
        if found is not None:
            by_rest.setdefault(found[1], {}).setdefault(found[0], name)
    return sorted((p["before"], p["after"]) for p in by_rest.values()
                  if "before" in p and "after" in p)


def step_thing_id(names: Iterable[str]) -> str | None:
    """The id a record's step pairs are about (``building_id``): its first catalogue id."""
    return next((n for n in sorted(names) if (r := catalogue_role(n)) is not None
                 and r.field == ID), None)


def is_position(name: str) -> bool:
    """Whether ``name`` numbers a part of a thing (``episode_no``, ``chapter_number``,
    ``lesson_idx``): a position word and a number mark, the way through it one step at a
    time."""
    data, parts = _data(), set(normalize(name).split("_"))
    return bool(parts & set(data["position_words"])) and bool(parts & set(data["position_marks"]))


def first_part_share() -> float:
    """The share of users whose first part of a thing is its first one."""
    return float(_data()["position_first_share"])

"""What makes a name part of a user's progression (``data/progression.yaml``).

Shared by the generator (``simulation/values/_progress.py``) and ``validate``'s
progression check, so both read a stage id, a cleared-stage property, a stage-clearing
event and a ``max_*``/``current_*`` pair the same way.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

import yaml

from demogen.analysis.heuristic.values.names import normalize
from demogen.vocab import UpdateType

if TYPE_CHECKING:
    from demogen.analysis.rules import Rules

_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True)
class ProgressionWords:
    stage: frozenset[str]
    cleared: frozenset[str]
    clear_event: frozenset[str]
    stage_event: frozenset[str]
    max_prefixes: tuple[str, ...]
    current_prefixes: tuple[str, ...]
    chapter: frozenset[str]
    day: frozenset[str]
    day_count: frozenset[str]
    not_day_count: frozenset[str]
    first_pay: frozenset[str]
    streak: frozenset[str]
    streak_step: frozenset[str]
    not_streak: frozenset[str]
    streak_loss: frozenset[str]
    streak_freeze: frozenset[str]
    ladder_up: frozenset[str]
    ladder_down: frozenset[str]
    plan_up: frozenset[str]
    plan_down: frozenset[str]


@functools.cache
def words() -> ProgressionWords:
    node = resources.files("demogen").joinpath("data", "progression.yaml")
    raw = yaml.safe_load(node.read_text(encoding="utf-8"))
    return ProgressionWords(
        stage=frozenset(raw["stage_words"]), cleared=frozenset(raw["cleared_words"]),
        clear_event=frozenset(raw["clear_event_words"]),
        stage_event=frozenset(raw["stage_event_words"]),
        max_prefixes=tuple(raw["max_prefixes"]), current_prefixes=tuple(raw["current_prefixes"]),
        chapter=frozenset(raw["chapter_words"]), day=frozenset(raw["day_words"]),
        day_count=frozenset(raw["day_count_words"]),
        not_day_count=frozenset(raw["not_day_count_words"]),
        first_pay=frozenset(raw["first_pay_words"]), streak=frozenset(raw["streak_words"]),
        streak_step=frozenset(raw["streak_step_words"]),
        not_streak=frozenset(raw["not_streak_words"]),
        streak_loss=frozenset(raw["streak_loss_words"]),
        streak_freeze=frozenset(raw["streak_freeze_words"]),
        ladder_up=frozenset(raw["ladder_up_words"]),
        ladder_down=frozenset(raw["ladder_down_words"]),
        plan_up=frozenset(raw["plan_up_words"]), plan_down=frozenset(raw["plan_down_words"]))


def _words(name: str) -> set[str]:
    return set(normalize(name).split("_"))


def is_first_pay_flag(name: str) -> bool:
    """``is_first_pay``, ``first_recharge``: true on a user's first payment only."""
    found = _words(name)
    return "first" in found and bool(found & words().first_pay)


def is_stage_name(name: str, stem: str | None = None) -> bool:
    """``cur_stage_id``, ``highest_main_stage_cleared``, ``tower_level_id`` (by its id stem)."""
    found = _words(name) | (_words(stem) if stem else set())
    return not found.isdisjoint(words().stage)


def is_chapter_name(name: str) -> bool:
    """``chapter``, ``chapter_id``, ``cur_chapter``: the chapter a stage belongs to (not a
    name that also says stage: ``chapter_stage_id`` is a stage)."""
    found, w = _words(name), words()
    return not found.isdisjoint(w.chapter) and found.isdisjoint(w.stage - w.chapter)


def shows_cleared(name: str) -> bool:
    """``highest_main_stage_cleared``: the last stage cleared, not the one being played."""
    return not _words(name).isdisjoint(words().cleared)


def clears_stage(event: str) -> bool:
    """``stage_clear``, ``te_combat_victory``: the event clears a stage."""
    found, w = _words(event), words()
    return not found.isdisjoint(w.clear_event) and not found.isdisjoint(w.stage_event)


def is_day_counter(name: str) -> bool:
    """``total_login_day``, ``login_days``: a count of the days a user was active."""
    found, w = _words(name), words()
    return bool(found & w.day) and bool(found & w.day_count) and \
        found.isdisjoint(w.not_day_count)


def is_streak_counter(name: str) -> bool:
    """``current_streak``, ``streak_days``: consecutive active days (not ``longest_streak``,
    the best one, nor ``streak_days_lost``)."""
    found, w = _words(name), words()
    norm = normalize(name)
    return not found.isdisjoint(w.streak) and found.isdisjoint(w.not_day_count) and \
        found.isdisjoint(w.not_streak) and \
        not any(norm.startswith(prefix + "_") for prefix in w.max_prefixes)


def steps_streak(event: str) -> bool:
    """``streak_extended``: the event moves a streak one day on."""
    found, w = _words(event), words()
    return not found.isdisjoint(w.streak) and not found.isdisjoint(w.streak_step)


def streak_end(event: str) -> str | None:
    """``"freeze"`` for an event that keeps a streak over a missed day
    (``streak_freeze_used``), ``"loss"`` for one that ends it (``streak_lost``), else None."""
    found, w = _words(event), words()
    if found.isdisjoint(w.streak):
        return None
    return "freeze" if found & w.streak_freeze else "loss" if found & w.streak_loss else None


def shows_lost_streak(name: str) -> bool:
    """``streak_days_lost``, ``lost_streak``: the length of a streak that ended."""
    found, w = _words(name), words()
    return not found.isdisjoint(w.streak) and not found.isdisjoint(w.streak_loss) and \
        found.isdisjoint(w.streak_freeze)


def streak_ends(events: Iterable[str], losses: Iterable[str] | None,
                freezes: Iterable[str] | None) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(losses, freezes) among ``events``: Rules' ``progression.streak_losses`` /
    ``streak_freezes`` when given, else the names that say so (in the plan's order)."""
    names = tuple(events)
    return (tuple(losses) if losses is not None else
            tuple(e for e in names if streak_end(e) == "loss"),
            tuple(freezes) if freezes is not None else
            tuple(e for e in names if streak_end(e) == "freeze"))


def ladder_move(event: str) -> int:
    """+1 for an event that moves a user up a ladder (``league_promoted``), -1 down
    (``league_demoted``), 0 otherwise."""
    found, w = _words(event), words()
    return 1 if found & w.ladder_up else -1 if found & w.ladder_down else 0


def plan_move(event: str, given: Mapping[str, int] | None = None) -> int:
    """+1 for an event that moves a user to a higher plan of any rung (``plan_upgraded``),
    -1 to a lower one (``downgrade``), 0 otherwise: Rules' ``progression.plan_changes`` when
    given, else the name."""
    if given is not None:
        return given.get(event, 0)
    found, w = _words(event), words()
    return 1 if found & w.plan_up else -1 if found & w.plan_down else 0


def streak_counters(names: Iterable[str], given: Iterable[str] | None) -> frozenset[str]:
    """The streak counters among ``names``: Rules' ``progression.streak_counters`` when
    given, else the names that say so."""
    return frozenset(given) if given is not None else \
        frozenset(n for n in names if is_streak_counter(n))


def day_counters(names: Iterable[str], given: Iterable[str] | None,
                 kinds: Mapping[str, str | None]) -> frozenset[str]:
    """The day counters among ``names``: Rules' ``progression.day_counters`` when given,
    else the names that say so, and the properties of kind ``days`` that count (not a
    span: days since, days left)."""
    if given is not None:
        return frozenset(given)
    skip = words().not_day_count
    return frozenset(n for n in names if is_day_counter(n) or (
        kinds.get(n) == "days" and skip.isdisjoint(_words(n))))


def stage_order(value: object) -> tuple[str, tuple[int, ...]] | None:
    """A stage id as (its shape, its numbers): ``world2_stage3`` → (``world#_stage#``,
    (2, 3)). Ids of one shape are ordered by their numbers; None without numbers."""
    if not isinstance(value, str):
        return None
    numbers = tuple(int(d) for d in _DIGITS.findall(value))
    return (_DIGITS.sub("#", value), numbers) if numbers else None


def max_current_pairs(names: Iterable[str]) -> list[tuple[str, str]]:
    """(``max_consecutive_login_days``, ``current_consecutive_login_days``) pairs among
    ``names``: the same rest after a max-like and a current-like first word."""
    w = words()
    by_rest: dict[str, dict[str, str]] = {}
    for name in names:
        norm = normalize(name)
        for side, prefixes in (("max", w.max_prefixes), ("cur", w.current_prefixes)):
            for prefix in prefixes:
                if norm.startswith(prefix + "_") and len(norm) > len(prefix) + 1:
                    by_rest.setdefault(norm[len(prefix) + 1:], {}).setdefault(side, name)
    return sorted((pair["max"], pair["cur"]) for pair in by_rest.values()
                  if "max" in pair and "cur" in pair)


def counted_sums(rules: Rules) -> list[tuple[str, str]]:
    """(sum, count) pairs of running totals (Rules ``start: counter``) one event moves
    together: it adds an amount to the sum and 1 to the count (``total_pay_amount`` +=
    ``{{price_usd}}`` beside ``pay_count`` += 1 on a purchase). A sum above 0 with its
    count at 0 is a payment nobody made. A balance is no running total: a grant may fill it
    without a purchase (coins)."""
    totals = {n for n, spec in rules.properties.items() if spec.start == "counter"}
    pairs: list[tuple[str, str]] = []
    for moves in rules.update_patterns.values():
        sums = [n for n, r in moves.items() if r.type == UpdateType.INCREMENT
                and isinstance(r.value, str) and n in totals]
        counts = [n for n, r in moves.items() if r.type == UpdateType.INCREMENT
                  and r.value == 1 and n in totals]
        pairs.extend((a, b) for a in sums for b in counts if (a, b) not in pairs)
    return pairs

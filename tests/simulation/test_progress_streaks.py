"""A streak counts consecutive active days (issue 11).

In the unseen language-learning plan (Lingobit), ``streak_extended.streak_days`` was drawn
per record: 2,085 steps that were not +1 and a ``current_streak`` user property that never
moved (1,000 users x 30 days, seed 3). A streak is a day counter that resets after a
missed day; its event shows the user property's new value, and the best streak follows.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise

import pytest

from tests.data import DATA
from tests.simulation.generated_outputs import Generated, generate, is_track, number

PLAN = DATA / "unseen" / "language_learning"


@pytest.fixture(scope="module")
def lingobit(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("lingobit") / "out"
    return generate(PLAN, out, users=300, days=10, seed=3)


def _streak_steps(timeline: list[dict]) -> list[str]:
    """Where a user's ``streak_days`` is not yesterday's plus one, 1 after a gap, or
    today's again."""
    wrong: list[str] = []
    last: tuple[str, float] | None = None
    for record in timeline:
        if not is_track(record) or record.get("#event_name") != "streak_extended":
            continue
        day, value = record["#time"][:10], number(record["properties"].get("streak_days"))
        if value is None:
            continue
        if last is not None:
            gap = (_ordinal(day) - _ordinal(last[0]))
            ok = value == last[1] if gap == 0 else value == last[1] + 1 if gap == 1 else \
                value == 1
            if not ok:
                wrong.append(f"{last} -> {day} {value}")
        last = (day, value)
    return wrong


def _ordinal(day: str) -> int:
    from datetime import date
    return date.fromisoformat(day).toordinal()


def test_streak_days_count_consecutive_active_days(lingobit: Generated) -> None:
    wrong = [w for t in lingobit.timelines.values() for w in _streak_steps(t)]
    steps = sum(r.get("#event_name") == "streak_extended" for r in lingobit.records)

    assert steps > 100
    assert not wrong, f"{len(wrong)} of {steps} streak steps: {wrong[:5]}"


def test_the_current_streak_user_property_follows_its_event(lingobit: Generated) -> None:
    """The last ``streak_extended`` of a user shows their ``current_streak``, and the
    ``longest_streak`` is never below it."""
    wrong: list[str] = []
    for user, timeline in lingobit.timelines.items():
        shown, current, longest = None, None, None
        for record in timeline:
            props = record.get("properties", {})
            if record.get("#event_name") == "streak_extended":
                shown = number(props.get("streak_days"))
            if record.get("#type") in ("user_set", "user_add"):
                current = number(props.get("current_streak", current))
                longest = number(props.get("longest_streak", longest))
        if shown is not None and shown != current:
            wrong.append(f"{user}: shown {shown}, current {current}")
        if current is not None and longest is not None and longest < current:
            wrong.append(f"{user}: longest {longest} < current {current}")

    assert not wrong, f"{len(wrong)} users: {wrong[:5]}"


def test_a_league_move_is_one_tier_of_its_order(lingobit: Generated) -> None:
    """``league_promoted`` showed the tier the user already had (5,186 promotions to the
    same tier, 1,000 x 30 seed 3): a promotion moves one tier up the plan's order (Bronze,
    Silver …), a demotion one down, from the first."""
    order = ["Bronze", "Silver", "Gold", "Sapphire", "Ruby", "Emerald", "Amethyst", "Pearl",
             "Obsidian", "Diamond"]
    wrong, moves = [], 0
    for user, timeline in lingobit.timelines.items():
        tier = None
        for record in timeline:
            event = record.get("#event_name")
            if event not in ("league_promoted", "league_demoted"):
                continue
            moves += 1
            shown = order.index(record["properties"]["league_tier"])
            step = 1 if event == "league_promoted" else -1
            expected = min(max((tier or 0) + step, 0), len(order) - 1)
            if shown != expected and tier is not None:
                wrong.append(f"{user}: {event} {order[tier]} -> {order[shown]}")
            tier = shown

    assert moves > 20
    assert not wrong, f"{len(wrong)} of {moves} moves: {wrong[:5]}"


def test_no_promotion_past_the_top_tier(lingobit: Generated) -> None:
    """A user promoted at Diamond showed Diamond again (2,209 promotions at the top, 1,000
    x 30 seed 3): a ladder's promotions are capped at one fewer than its rungs (Rules
    ``events.league_promoted.max_per_user``)."""
    assert lingobit.rules.events["league_promoted"].max_per_user == 9
    at_top, promotions = [], 0
    for user, timeline in lingobit.timelines.items():
        shown = [r["properties"]["league_tier"] for r in timeline
                 if r.get("#event_name") == "league_promoted"]
        promotions += len(shown)
        at_top += [user for a, b in pairwise(shown) if a == b == "Diamond"]
    assert promotions > 20
    assert not at_top, f"{len(at_top)} promotions at the top: {at_top[:5]}"


def test_a_streak_event_comes_once_a_day(lingobit: Generated) -> None:
    """``streak_extended`` came twice in one user's day (49 user-days at 300 x 10, 410 at
    1,000 x 30, seed 3): what happens to the streak happens once a day (Rules
    ``events.<e>.max_per_day``, filled for streak and daily-goal names)."""
    assert lingobit.rules.events["streak_extended"].max_per_day == 1
    per_day = Counter((r["#distinct_id"], r["#time"][:10]) for r in lingobit.records
                      if r.get("#event_name") == "streak_extended")
    twice = [key for key, n in per_day.items() if n > 1]

    assert len(per_day) > 100
    assert not twice, f"{len(twice)} user-days with two: {twice[:5]}"


def test_no_demotion_on_the_first_tier(lingobit: Generated) -> None:
    """A user at Bronze was demoted and showed Bronze again (11 at 300 x 10, 121 at 1,000 x
    30, seed 3): like a promotion at the top, a demotion needs a rung below."""
    at_bottom, demotions = [], 0
    for user, timeline in lingobit.timelines.items():
        tier = None
        for record in timeline:
            props = record.get("properties", {})
            if record.get("#event_name") == "league_demoted":
                demotions += 1
                if tier in (None, "Bronze"):
                    at_bottom.append(f"{user} at {tier}")
            if "league_tier" in props and (record["#type"] != "track"
                                           or record.get("#event_name") == "league_demoted"):
                tier = props["league_tier"]
    assert demotions > 20
    assert not at_bottom, f"{len(at_bottom)} demotions at the bottom: {at_bottom[:5]}"


def test_accuracy_is_the_share_of_answers_right(lingobit: Generated) -> None:
    """``accuracy_pct`` and ``mistakes_count`` were drawn apart (24,362 of 24,992 lessons
    disagreed, 1,000 x 30 seed 3): no mistake is 100 %, each of the 15 a lesson allows
    takes its share (a Rules ``property_relationships`` formula from the words)."""
    wrong, lessons = [], 0
    for record in lingobit.records:
        props = record.get("properties", {})
        if not is_track(record) or "accuracy_pct" not in props or "mistakes_count" not in props:
            continue
        lessons += 1
        expected = (1 - props["mistakes_count"] / 15) * 100     # shown whole: 93.3 → 93
        if abs(props["accuracy_pct"] - expected) > 0.5:
            wrong.append((record["#event_name"], props["mistakes_count"], props["accuracy_pct"]))
    assert lessons > 100
    assert not wrong, f"{len(wrong)} of {lessons}: {wrong[:5]}"


def test_a_fail_out_of_hearts_shows_none_left(lingobit: Generated) -> None:
    """``lesson_fail`` ("the user ran out of hearts") showed hearts left (19 of 52 at 300 x
    10, 151 of 402 at 1,000 x 30, seed 3): Rules ``value_ranges`` ``hearts_left@lesson_fail``
    is 0-0, read from the description."""
    fails = [r["properties"].get("hearts_left") for r in lingobit.records
             if r.get("#event_name") == "lesson_fail"]
    assert len(fails) > 10
    assert set(fails) == {0}, Counter(fails)

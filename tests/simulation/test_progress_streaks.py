"""A streak counts consecutive active days (issue 11).

In the unseen language-learning plan (Lingobit), ``streak_extended.streak_days`` was drawn
per record: 2,085 steps that were not +1 and a ``current_streak`` user property that never
moved (1,000 users x 30 days, seed 3). A streak is a day counter that resets after a
missed day; its event shows the user property's new value, and the best streak follows.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
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
        event = record.get("#event_name")
        if not is_track(record) or event not in ("streak_extended", "streak_freeze_used"):
            continue
        day, value = record["#time"][:10], number(record["properties"].get("streak_days"))
        if value is None:
            continue
        if event == "streak_freeze_used":   # it kept the streak as if stepped the day before
            last = (date.fromordinal(_ordinal(day) - 1).isoformat(), value)
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
            elif record.get("#event_name") == "streak_lost":
                shown = 0
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


def _streak_ends(timeline: list[dict]) -> tuple[int, list[str]]:
    """A user's streak losses, and those that came without a missed day (a streak step or
    a freeze that day or the day before), twice for one gap, or not showing the streak lost
    (the last one shown)."""
    losses, wrong = 0, []
    kept: tuple[int, float] | None = None      # (day kept, streak shown then)
    lost = False
    for record in timeline:
        event = record.get("#event_name")
        if event not in ("streak_extended", "streak_freeze_used", "streak_lost"):
            continue
        day, props = _ordinal(record["#time"][:10]), record["properties"]
        if event == "streak_lost":
            losses += 1
            if kept is not None and day - kept[0] < 2:
                wrong.append(f"lost on {record['#time'][:10]}, kept the day before")
            elif lost:
                wrong.append(f"lost twice on {record['#time'][:10]}")
            elif kept is not None and number(props.get("streak_days_lost")) != kept[1]:
                wrong.append(f"lost {props.get('streak_days_lost')}, had {kept[1]}")
            lost = True
            continue
        if event == "streak_freeze_used" and kept is not None and day - kept[0] != 2:
            wrong.append(f"freeze on {record['#time'][:10]} kept no missed day")
        # A freeze counts as the step of the day it kept.
        kept = (day - (event == "streak_freeze_used"), number(props.get("streak_days")))
        lost = False
    return losses, wrong


def test_a_streak_is_lost_only_after_a_missed_day(lingobit: Generated) -> None:
    """``streak_lost`` came without a missed day (2,291 of 2,428 at 1,000 x 30 seed 3): a
    loss comes once, in the first session after a day without the streak's step, and shows
    the streak lost; a freeze keeps the streak over one missed day (Rules
    ``progression.streak_losses``, ``streak_freezes``)."""
    results = [_streak_ends(t) for t in lingobit.timelines.values()]
    losses = sum(n for n, _ in results)
    wrong = [w for _, ws in results for w in ws]

    assert losses > 10
    assert not wrong, f"{len(wrong)} of {losses} losses: {wrong[:5]}"


def test_a_freeze_keeps_the_streak(lingobit: Generated) -> None:
    """After a freeze the next step goes on from the streak kept (not 1): the freeze
    bridged the missed day."""
    wrong, freezes = [], 0
    for user, timeline in lingobit.timelines.items():
        frozen: float | None = None
        for record in timeline:
            event = record.get("#event_name")
            value = number(record.get("properties", {}).get("streak_days"))
            if event == "streak_freeze_used":
                freezes, frozen = freezes + 1, value
            elif event == "streak_extended" and frozen is not None:
                if value != frozen + 1:
                    wrong.append(f"{user}: kept {frozen}, then {value}")
                frozen = None
            elif event == "streak_lost":
                frozen = None
    assert freezes > 5
    assert not wrong, f"{len(wrong)} of {freezes} freezes: {wrong[:5]}"


def _carried_streak_ends(g: Generated, timeline: list[dict]) -> tuple[bool, str | None]:
    """Whether the user brought a streak into the window (``current_streak`` above 0 on
    their first user record), and what is wrong with its first end or step: a step on a
    later day than the window's first going on from it (a missed day did not break it)."""
    carried: float | None = None
    for record in timeline:
        event, props = record.get("#event_name"), record.get("properties", {})
        if event is None and carried is None and "current_streak" in props:
            carried = number(props["current_streak"])
        if event not in ("streak_extended", "streak_lost", "streak_freeze_used"):
            continue
        if not carried:
            return False, None
        day = _ordinal(record["#time"][:10]) - g.start.toordinal()
        shown = number(props.get("streak_days"))
        if event == "streak_extended" and day > 0 and shown == carried + 1:
            return True, f"day {day}: {carried} carried, then {shown}"
        return True, None
    return bool(carried), None


def test_a_carried_streak_breaks_on_a_missed_day(lingobit: Generated) -> None:
    """An existing user's ``current_streak`` was alive at the window's start: a day of the
    window without its step breaks it. Before, the first step after any gap went on from
    it (53 of 74 carried streaks at 300 x 10 seed 3) and no loss showed it."""
    results = [_carried_streak_ends(lingobit, t) for t in lingobit.timelines.values()]
    carried = sum(c for c, _ in results)
    wrong = [w for _, w in results if w]
    shown_lost = sum(1 for t in lingobit.timelines.values() for r in t
                     if r.get("#event_name") == "streak_lost"
                     and number(r["properties"].get("streak_days_lost", 0)) > 10)

    assert carried > 20
    assert not wrong, f"{len(wrong)} of {carried} carried streaks: {wrong[:5]}"
    assert shown_lost > 0      # a loss shows a carried streak (a run of 10 days holds <= 10)


def _freeze_counts(timeline: list[dict]) -> tuple[int, list[str]]:
    """A user's freezes and where ``freezes_left`` is not the count before, plus the
    freezes bought since (``gems_spent`` of a ``streak_freeze``, at most 2 held), less one."""
    held: float | None = None
    freezes, wrong = 0, []
    for record in timeline:
        event, props = record.get("#event_name"), record.get("properties", {})
        if event == "gems_spent" and props.get("shop_item") == "streak_freeze" \
                and held is not None:
            held = min(2, held + 1)
        elif event == "streak_freeze_used":
            freezes += 1
            left = number(props.get("freezes_left"))
            if left is None or left < 0 or (held is not None and left != held - 1):
                wrong.append(f"{record['#time']}: held {held}, then {left} left")
            held = left
    return freezes, wrong


def test_a_freeze_used_is_one_of_those_held(lingobit: Generated) -> None:
    """``freezes_left`` counts the freezes the user holds: one fewer after each freeze,
    one more for each bought (Rules ``progression.streak_freeze_counts``,
    ``streak_freeze_buys``). Before, it was drawn per record (0-2, whatever the last
    freeze left)."""
    results = [_freeze_counts(t) for t in lingobit.timelines.values()]
    freezes = sum(n for n, _ in results)
    wrong = [w for _, ws in results for w in ws]

    assert freezes > 5
    assert not wrong, f"{len(wrong)} of {freezes} freezes: {wrong[:5]}"

"""A start's alternative ends as the analyzer writes them: one end per start, their declared
conversions adding up to at most 1, a coarser success (a stage clear) after the finer one
(the fight won) instead of beside it.

The idle workbooks had ``te_combat_start`` end in ``te_stage_clear`` 0.9,
``te_combat_victory`` 0.9 and ``te_combat_failure`` 0.1 (1.9 together: the 0.9 win rate was
played as 0.47), and a quest complete 0.9 beside a quest fail 0.3 (the template's completion
and the quest's own completion rate).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from demogen.analysis.rules import Rules
from demogen.pipeline import prepare
from tests.analysis.test_heuristic import GAME, analyze, ev, taxonomy
from tests.corpus import corpus, corpus_params, kr_workbooks, taxonomy_folders
from tests.data import ORDER_QUEST_PLAN

REPO = Path(__file__).resolve().parents[2]


def _plan(*names: str) -> Rules:
    basics = ("app_install", "session_start", "session_end")
    return analyze(taxonomy([ev(n) for n in (*basics, *names)]), GAME)


def _ends(rules: Rules) -> dict[str, dict[str, float | None]]:
    """Start → {end: declared conversion} for every start leading several session
    sequences (the ends the generator draws one of per start)."""
    ec = rules.event_constraints
    out: dict[str, dict[str, float | None]] = {}
    for detail in ec.sequence_details:
        if detail.scope == "session" and len(detail.events) >= 2:
            start, end = detail.events[:2]
            out.setdefault(start, {})[end] = ec.step_conversion(start, end)
    return {start: ends for start, ends in out.items() if len(ends) > 1}


def _assert_fit(rules: Rules) -> None:
    for start, ends in _ends(rules).items():
        if set(ends) & set(rules.event_roles.revenue):
            continue  # a purchase attempt: its chances are the purchase story's
        declared = [p for p in ends.values() if p is not None]
        assert sum(declared) <= 1, (start, ends)


# A coarser clear listed before the fight makes it the first-day template's core end (the
# idle workbook lists te_stage_clear before te_combat_start).
@pytest.mark.parametrize(("clear", "start", "win", "lose"), [
    ("dungeon_cleared", "fight_start", "fight_won", "fight_lost"),
    ("level_complete", "battle_begin", "battle_victory", "battle_defeat"),
])
def test_a_coarser_clear_follows_the_win_instead_of_ending_the_start(
        clear: str, start: str, win: str, lose: str) -> None:
    rules = _plan(clear, start, win, lose)
    ec = rules.event_constraints

    assert [start, win, clear] in ec.sequences
    assert [start, lose] in ec.sequences
    ends = _ends(rules)[start]
    assert set(ends) == {win, lose}
    won, lost = ends[win], ends[lose]
    assert won is not None and lost is not None
    assert 0.8 <= won <= 0.95 and won + lost == pytest.approx(1.0)
    # The clear needs the win (in its session), not the start alone; its rate is declared.
    assert ec.prerequisites[clear] == [win]
    follow = ec.step_conversion(win, clear)
    assert follow is not None and 0 < follow < 1
    # The first-day funnel walks the win before the clear.
    funnel = next(f for f in ec.funnels if clear in f.steps)
    assert funnel.steps[funnel.steps.index(clear) - 1] == win


def test_ends_of_one_size_stay_ends() -> None:
    """A stage cleared after its own start is that start's end, not nested anywhere."""
    rules = _plan("stage_start", "stage_clear", "stage_fail")

    assert set(_ends(rules)["stage_start"]) == {"stage_clear", "stage_fail"}
    _assert_fit(rules)


@pytest.mark.parametrize(("start", "done", "failed"), [
    ("mission_start", "mission_complete", "mission_failed"),   # template 0.9, mission 0.8
    ("duel_begin", "duel_victory", "duel_defeat"),             # no completion rate listed
])
def test_a_failure_end_gets_what_the_success_leaves(start: str, done: str, failed: str) -> None:
    """The template says 0.9 of missions complete, the mission's own rate 0.8 (so a fail of
    0.2): the fail is what the declared completion leaves."""
    rules = _plan(start, done, failed)

    ends = _ends(rules)[start]
    success, failure = ends[done], ends[failed]
    assert success is not None and failure is not None
    assert failure == pytest.approx(1 - success) and 0 < failure < 0.5


@pytest.mark.parametrize(("start", "done", "failed", "quit_"), [
    ("lesson_start", "lesson_complete", "lesson_fail", "lesson_quit"),
    ("stage_start", "stage_clear", "stage_fail", "stage_exit"),
])
def test_a_quit_before_the_end_is_another_end_of_its_start(start: str, done: str, failed: str,
                                                           quit_: str) -> None:
    """The unseen language-learning plan's ``lesson_quit`` was drawn on its own: 686 quits
    of no lesson started (300 users x 10 days). A quit is an end beside the fail and shares
    with it what the success leaves."""
    rules = _plan(start, done, failed, quit_)

    ends = _ends(rules)[start]
    assert set(ends) == {done, failed, quit_}
    assert quit_ in rules.event_constraints.prerequisites
    assert (ends[done] or 0) >= 0.5
    _assert_fit(rules)


def test_order_quest_ends_fit() -> None:
    """tests/data/order_quest: quest complete 0.9 beside fail 0.3 (1.2) before."""
    rules = prepare(ORDER_QUEST_PLAN).rules

    ends = _ends(rules)
    assert ends["quest_start"]["quest_fail"] == pytest.approx(0.1)
    _assert_fit(rules)


PLANS = [*(REPO / "examples" / n for n in ("game", "ecommerce", "saas")),
         *(REPO / "tests" / "data" / "unseen" / n for n in ("fintech_subscription",
                                                           "food_delivery"))]


@pytest.mark.parametrize("plan", [
    *(pytest.param(p, id=p.name) for p in PLANS),
    *corpus_params([*kr_workbooks(), *taxonomy_folders()], ids=lambda p: p.stem),
])
def test_every_plans_ends_add_up_to_at_most_one(plan: Path) -> None:
    _assert_fit(prepare(plan).rules)


@corpus
@pytest.mark.parametrize("stem", ["te_data_generator__idle-game-example",
                                  "demo_data_generator__idle-game-example"])
def test_idle_combat_ends_in_a_win_or_a_fail_and_a_clear_follows_the_win(stem: str) -> None:
    plan = next(p for p in kr_workbooks() if p.stem == stem)
    rules = prepare(plan).rules

    ends = _ends(rules)["te_combat_start"]
    assert ends == {"te_combat_victory": 0.9, "te_combat_failure": pytest.approx(0.1)}
    assert ["te_combat_start", "te_combat_victory", "te_stage_clear"] in \
        rules.event_constraints.sequences


def test_a_request_starts_then_ends_or_is_cancelled_instead() -> None:
    """The ride-hailing plan (tests/data/unseen/ride_hailing) ordered ``Ride Started → Ride
    Completed → Ride Cancelled`` (a cancel after the drop-off, 5 % of completions) and drew
    ``Ride Requested`` freely. A thing requested starts, then ends, or is cancelled instead
    of starting: the cancel is an alternative end of the request."""
    rules = analyze(taxonomy([ev(n) for n in (
        "app_open", "ride_requested", "ride_started", "ride_completed", "ride_cancelled")]))
    ec = rules.event_constraints

    assert ["ride_requested", "ride_started", "ride_completed"] in ec.sequences
    assert _ends(rules) == {"ride_requested": {"ride_started": 0.8, "ride_cancelled": 0.05}}
    assert ec.prerequisites["ride_cancelled"] == ["ride_requested"]
    assert not any("ride_completed" in s and "ride_cancelled" in s for s in ec.sequences)


def test_a_request_nothing_starts_ends_and_an_order_without_one_is_cancelled_after() -> None:
    """Without a start, the request leads to its end (a refund requested, then completed);
    without a request, a cancel still follows the end (Segment's Order Completed → Order
    Cancelled)."""
    rules = analyze(taxonomy([ev(n) for n in (
        "app_open", "refund_requested", "refund_completed", "order_completed",
        "order_cancelled")]))
    prerequisites = rules.event_constraints.prerequisites

    assert prerequisites["refund_completed"] == ["refund_requested"]
    assert prerequisites["order_cancelled"] == ["order_completed"]


def test_a_driver_assigned_comes_between_the_request_and_the_ride() -> None:
    """``Driver Assigned`` (a driver taken on for the ride; not the ride's own object) was
    drawn freely: 4,211 assignments of rides never requested at 300 users x 10 days."""
    rules = analyze(taxonomy([ev(n) for n in (
        "app_open", "ride_requested", "driver_assigned", "ride_started", "ride_completed",
        "ride_cancelled")]))
    ec = rules.event_constraints

    assert ["ride_requested", "driver_assigned", "ride_started", "ride_completed"] \
        in ec.sequences
    assert ec.prerequisites["ride_started"] == ["driver_assigned"]
    # somebody is found for most requests, the rest cancelled (follow_rates.served), and
    # the ride then runs to its end: at 0.8 a step 239 of 542 requested rides were neither
    # completed nor cancelled
    assert _ends(rules) == {"ride_requested": {"driver_assigned": 0.88,
                                               "ride_cancelled": 0.12}}
    funnel = next(f for f in ec.funnels if f.steps[:2] == ["ride_requested", "driver_assigned"])
    assert funnel.conversion == [1.0, 0.88, 0.98, 0.98]


def test_somebody_elses_thing_viewed_is_no_step_before_finishing_ones_own() -> None:
    """The dating plan ordered ``profile_viewed`` ("User looks at another user's profile
    card") before ``profile_completed`` (the user's own profile, once per user): a
    description naming another user's thing keeps it out of the verb pairs of the user's
    own thing; two events about the user's own thing still pair."""
    rules = analyze(taxonomy([
        ev("app_open"),
        ev("profile_viewed", desc="User looks at another user's profile card."),
        ev("profile_completed", desc="User finished their profile; once per user."),
        ev("lesson_viewed", desc="User opens a lesson."),
        ev("lesson_completed", desc="User finishes a lesson.")]))
    prerequisites = rules.event_constraints.prerequisites

    assert "profile_completed" not in prerequisites
    assert prerequisites["lesson_completed"] == ["lesson_viewed"]

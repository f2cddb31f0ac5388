"""How often events happen, as the analyzer writes it into Rules ``events`` (issue 11).

The unseen language-learning plan's streak events came many times a day: ``streak_lost`` up
to 14 times in one user's day, ``streak_extended`` 13 (300 users x 10 days, seed 3).
"""

from __future__ import annotations

from pathlib import Path

from tests.analysis.test_heuristic import analyze, ev, taxonomy
from tests.data.unseen.build_zh_slg import write_zh_slg
from tests.simulation.generated_outputs import analysed


def test_what_happens_to_the_users_day_comes_once_a_session() -> None:
    names = ("streak_extended", "streak_lost", "daily_goal_reached", "daily_reward_claim")
    rules = analyze(taxonomy([ev("app_install"), ev("app_open"), ev("lesson_complete"),
                              *(ev(n) for n in names)]))

    assert {n: rules.events[n].per_session for n in names} == dict.fromkeys(names, 1)
    assert "lesson_complete" not in rules.events or \
        rules.events["lesson_complete"].per_session is None


def test_a_league_demotion_is_rare() -> None:
    """``league_demoted`` (moved down at the end of the week) came 1,062 times for 251 users
    in 10 days, nine times in one user's day."""
    names = ("league_demoted", "division_relegated", "weekly_chest_open")
    rules = analyze(taxonomy([ev("app_install"), ev("app_open"), *(ev(n) for n in names)]))

    assert {n: rules.events[n].frequency for n in names} == dict.fromkeys(names, "rare")


def test_a_step_event_is_capped_at_the_steps_its_things_have_left(tmp_path: Path) -> None:
    """``building_upgrade_start`` (``building_id`` of 7 codes, ``from_level`` 1~30,
    ``to_level`` 2~30): each building starts at most at level 6 (the first fifth of its
    range), so a user has 7 x 24 upgrades before a building must pass 30 (before: heavy users
    ran out at 1,000 x 14 and upgraded a building at 30 again, 259 times)."""
    _taxonomy, _product, rules = analysed(write_zh_slg(tmp_path / "plan"))

    assert rules.events["building_upgrade_start"].max_per_user == 7 * 24


def test_a_placement_test_is_taken_once_per_user() -> None:
    """``placement_test_complete`` (Lingobit: the test placing a new learner in a unit) came
    936 times for 160 users, 37 for one (300 users x 10 days, seed 3): a placement,
    entrance or onboarding test is once per account (``per_user_words``), a practice test
    or an ad placement is not."""
    once = ("placement_test_complete", "entrance_exam_finish", "onboarding_quiz_done",
            "tutorial_test_complete")
    free = ("practice_test_complete", "ad_placement_click", "unit_test_complete",
            "placement_test_fail")
    rules = analyze(taxonomy([ev("app_install"), ev("app_open"),
                              *(ev(n) for n in once + free)]))

    most = {n: getattr(rules.events.get(n), "max_per_user", None) for n in once + free}
    assert most == {**dict.fromkeys(once, 1), **dict.fromkeys(free)}


def test_a_daily_event_comes_once_a_day() -> None:
    """A name saying daily (``daily_`` prefix, 每日, 일일) is a thing of the day, not of
    every session: ``daily_quest_complete`` and ``daily_chest_open`` came in each session
    of a day (no ``per_day_words`` named them). A day's quests, missions or tasks are a
    few; anything else daily is once. ``lesson_complete`` is not capped, nor an English
    name whose display name says daily (the card game's ``get_email_reward``, shown as
    매일 보상 for 메일 보상: mail)."""
    rules = analyze(taxonomy([
        ev("app_install"), ev("app_open"), ev("lesson_complete"),
        ev("daily_quest_complete"), ev("daily_chest_open"), ev("daily_mission_claim"),
        ev("每日宝箱"), ev("일일_룰렛", display="일일 룰렛"),
        ev("get_email_reward", display="매일 보상 수령")]))

    daily = {n: getattr(rules.events.get(n), "max_per_day", None)
             for n in ("daily_quest_complete", "daily_chest_open", "daily_mission_claim",
                       "每日宝箱", "일일_룰렛", "lesson_complete", "get_email_reward")}
    assert daily == {"daily_quest_complete": 3, "daily_chest_open": 1,
                     "daily_mission_claim": 3, "每日宝箱": 1, "일일_룰렛": 1,
                     "lesson_complete": None, "get_email_reward": None}


def test_a_challenge_follows_its_join_and_a_goal_needs_one_set() -> None:
    """A challenge is finished once per join (Rules ``events.<e>.follows``); a goal is
    reached, often many times, only once a goal was set (``prerequisites``). Stridely had
    8,860 of 9,045 ``challenge_complete`` without a join, Lingobit 377 of 1,353
    ``daily_goal_reached`` before any ``set_daily_goal`` (1,000 x 14)."""
    rules = analyze(taxonomy([ev("app_install"), ev("app_open"), ev("challenge_join"),
                              ev("challenge_complete"), ev("set_daily_goal"),
                              ev("daily_goal_reached"), ev("lesson_complete")]))

    assert rules.events["challenge_complete"].follows == "challenge_join"
    assert rules.event_constraints.prerequisites["daily_goal_reached"] == ["set_daily_goal"]
    assert rules.events.get("daily_goal_reached") is None or \
        rules.events["daily_goal_reached"].follows is None
    assert "lesson_complete" not in rules.events or \
        rules.events["lesson_complete"].follows is None


def test_a_currency_store_is_occasional_and_a_shop_is_core() -> None:
    """A coin or gem store is opened to top up, now and then (툰나무's ``coin_shop_view``
    came as often as its home tab); a shop's own store is browsed."""
    rules = analyze(taxonomy([ev("app_install"), ev("app_open"), ev("coin_shop_view"),
                              ev("gem_store_open"), ev("shop_view")]))

    assert rules.events["coin_shop_view"].frequency == "occasional"
    assert rules.events["gem_store_open"].frequency == "occasional"
    assert rules.events["shop_view"].frequency == "core"


def test_support_is_rare_and_a_saved_place_occasional() -> None:
    """The ride-hailing plan drew ``Support Ticket Opened`` (3,382) and ``Saved Place
    Added`` (3,376) as often as rides requested (3,452) at 300 users x 10 days, seed 3."""
    rules = analyze(taxonomy([ev(n) for n in (
        "app_open", "ride_requested", "support_ticket_opened", "contact_support",
        "saved_place_added", "address_saved", "ticket_use")]))

    frequency = {n: rules.events[n].frequency if n in rules.events else None
                 for n in ("support_ticket_opened", "contact_support", "saved_place_added",
                           "address_saved", "ticket_use", "ride_requested")}
    assert frequency == {"support_ticket_opened": "rare", "contact_support": "rare",
                         "saved_place_added": "occasional", "address_saved": "occasional",
                         "ticket_use": None, "ride_requested": None}

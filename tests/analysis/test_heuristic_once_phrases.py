"""Which events happen once per user, read from their descriptions (issue 11).

The unseen language-learning plan's ``streak_extended`` ("The first lesson of the day
extended the streak.") was one-time: its opaque name is read from the description, which
opens with "first", as a ``first_purchase`` would. Its ``choose_language`` ("... during
onboarding.") was drawn in every session: 687 for 251 users at 300 users x 10 days.
"""

from __future__ import annotations

from tests.analysis.test_heuristic import analyze, ev, taxonomy


def _one_time(*events) -> list[str]:
    return analyze(taxonomy([ev("app_install"), ev("app_open"), *events])) \
        .event_constraints.one_time_events


def test_a_first_thing_of_the_day_repeats() -> None:
    once = _one_time(ev("streak_extended", desc="The first lesson of the day extended the "
                                                "streak."),
                     ev("bonus_claimed", desc="The first login each day claims a bonus."))

    assert "streak_extended" not in once and "bonus_claimed" not in once


def test_an_onboarding_step_is_done_once() -> None:
    once = _one_time(ev("choose_language", desc="The user picked the course to learn during "
                                                "onboarding."),
                     ev("pick_topics", desc="Topics the user follows, chosen in the onboarding."),
                     ev("choose_avatar", desc="The user picked an avatar."))

    assert {"choose_language", "pick_topics"} <= set(once)
    assert "choose_avatar" not in once

"""Lifecycle stages only move forward; the wildcard filter allows what the seed's rules do."""

from __future__ import annotations

from demogen.simulation.lifecycle import advance, allowed_events
from demogen.vocab import LifecycleStage as Stage

EVENTS = ["app_start", "signup", "tutorial_step1", "tutorial_complete", "stage_start",
          "stage_end", "basic_shop", "pvp_match", "raid_start"]


def test_stages_never_go_back() -> None:
    assert advance(Stage.ACTIVE, Stage.REGISTERED) is Stage.ACTIVE
    assert advance(Stage.INSTALLED, Stage.ONBOARDING_STARTED) is Stage.ONBOARDING_STARTED


def test_seed_patterns() -> None:
    rules = {
        Stage.INSTALLED: ["app_install", "app_start", "signup"],
        Stage.FIRST_SESSION: ["app_start", "signup", "tutorial_*", "onboarding_*"],
        Stage.ONBOARDING_COMPLETED: ["app_start", "*_start", "*_end", "basic_*"],
        Stage.ACTIVE: ["*"],
    }
    allowed = allowed_events(EVENTS, rules)
    assert allowed[Stage.INSTALLED] == {"app_start", "signup"}
    assert "tutorial_step1" in allowed[Stage.FIRST_SESSION]
    assert "pvp_match" not in allowed[Stage.FIRST_SESSION]
    assert allowed[Stage.ONBOARDING_COMPLETED] == {
        "app_start", "stage_start", "stage_end", "basic_shop", "raid_start"}
    assert allowed[Stage.ADVANCED] == set(EVENTS)     # no rule: everything


def test_a_stage_whose_patterns_match_nothing_falls_back_to_the_next() -> None:
    allowed = allowed_events(EVENTS, {Stage.REGISTERED: ["nothing_*"], Stage.ACTIVE: ["*"]})
    assert allowed[Stage.REGISTERED] == allowed[Stage.ONBOARDING_STARTED]

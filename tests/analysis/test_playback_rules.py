"""Rules ``playback.milestones`` (issue 13): what the analyzer writes for a milestone
progress event, and the names the section uses checked against the plan."""

from __future__ import annotations

from demogen.analysis import analyze
from demogen.analysis.check import unknown_names
from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.rules import Rules
from demogen.taxonomy import load_taxonomy
from tests.data import MEDIA_PLAN, MILESTONE_PLAN


def test_a_percent_enum_makes_a_milestone_and_the_analysis_names_only_the_plans() -> None:
    loaded = load_taxonomy(MILESTONE_PLAN)
    rules = analyze(loaded.taxonomy, loaded.product, HeuristicAnalyzer()).rules
    milestone = rules.playback.milestones["video_progress"]
    assert (milestone.start, milestone.complete, milestone.property) == \
        ("video_start", "video_complete", "video_percent")
    assert "video_progress" not in rules.event_roles.progress
    assert unknown_names(rules, loaded.taxonomy) == []


def test_a_heartbeat_without_a_percent_enum_stays_a_heartbeat() -> None:
    loaded = load_taxonomy(MEDIA_PLAN)
    rules = analyze(loaded.taxonomy, loaded.product, HeuristicAnalyzer()).rules
    assert rules.playback.milestones == {}
    assert rules.event_roles.progress == ["Video Content Playing"]


def test_unknown_playback_names_are_found_with_their_path() -> None:
    taxonomy = load_taxonomy(MILESTONE_PLAN).taxonomy
    rules = Rules.from_data({"playback": {"milestones": {"video_progress": {
        "start": "video_strat", "complete": "video_complete", "property": "video_pct"}}}})
    found = [(u.kind, u.name, u.path, u.suggestion) for u in unknown_names(rules, taxonomy)]
    assert found == [
        ("event", "video_strat", ("playback", "milestones", "video_progress", "start"),
         "video_start"),
        ("property", "video_pct", ("playback", "milestones", "video_progress", "property"),
         "video_percent"),
    ]

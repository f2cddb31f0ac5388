"""Playback (issue 13): the analyzer names a player's progress ticks (Rules
``event_roles.progress``, which the session loops at the player's cadence) from names,
display names in Korean, Japanese and Chinese, and descriptions; playback errors and
buffering are ``rare``, and a playback ends in its error only now and then."""

from __future__ import annotations

import pytest

from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.rules import Rules
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, load_taxonomy
from tests.data import MEDIA_PLAN

MEDIA = ProductInfo(industry="media", platform="mobile_app", product_name="Test player")


def _rules(event: Event) -> Rules:
    events = (Event(name="app_open"), Event(name="video_start"), event,
              Event(name="video_complete"))
    return HeuristicAnalyzer().analyze(EventTaxonomy(events=events), MEDIA)


@pytest.fixture(scope="module")
def media_rules() -> Rules:
    loaded = load_taxonomy(MEDIA_PLAN)
    return HeuristicAnalyzer().analyze(loaded.taxonomy, loaded.product)


@pytest.mark.parametrize(("name", "display", "desc"), [
    ("video_progress", "", ""), ("content_progress", "", ""), ("playback_heartbeat", "", ""),
    ("media_progress", "", ""), ("audio_progress", "", ""), ("episode_progress", "", ""),
    ("video_playing", "", ""), ("Video Content Playing", "", ""), ("VideoHeartbeat", "", ""),
    ("재생 진행", "", ""), ("vp", "재생 중", ""), ("vp", "再生進捗", ""), ("vp", "動画再生中", ""),
    ("播放进度", "", ""),
    # an opaque name told by its description, and a name only its description explains
    ("ev_k", "", "Playback heartbeat sent every 10 seconds."),
    ("watch_beacon", "", "Sent every 10 seconds while the video plays."),
])
def test_progress_ticks_are_named(name: str, display: str, desc: str) -> None:
    rules = _rules(Event(name=name, display_name=display, description=desc))
    assert rules.event_roles.progress == [name]
    assert rules.events[name].frequency == "core"


@pytest.mark.parametrize(("name", "display", "desc"), [
    ("video_play", "", ""), ("Video Playback Paused", "", ""), ("level_progress", "", ""),
    ("quest_progress", "", ""), ("tutorial_progress", "", ""), ("Video Ad Playing", "", ""),
    ("download_progress", "", ""), ("vs", "재생 시작", ""), ("vs", "再生開始", ""),
    ("Video Playback Started", "", "Playback began; heartbeats follow every 10 seconds."),
])
def test_other_moments_are_no_progress(name: str, display: str, desc: str) -> None:
    rules = _rules(Event(name=name, display_name=display, description=desc))
    assert rules.event_roles.progress == []


def test_the_media_plan_loops_its_heartbeat(media_rules: Rules) -> None:
    assert media_rules.event_roles.progress == ["Video Content Playing"]


def test_playback_errors_and_buffering_are_rare(media_rules: Rules) -> None:
    rare = {name for name, spec in media_rules.events.items() if spec.frequency == "rare"}
    assert {"Video Playback Error", "Video Playback Buffer Started",
            "Video Playback Buffer Completed"} <= rare
    assert "Video Playback Started" not in rare and "Video Content Playing" not in rare


def test_a_playback_ends_in_its_error_now_and_then(media_rules: Rules) -> None:
    """A playback not watched to the end is left, not failed: its error funnel converts at
    the flows' ``activity_failure`` (~1 %), not at the rest of the completion (0.55)."""
    funnels = media_rules.event_constraints.funnels
    error = [f for f in funnels if f.steps == ["Video Playback Started", "Video Playback Error"]]
    done = [f for f in funnels
            if f.steps == ["Video Playback Started", "Video Playback Completed"]]
    assert error and done, [f.steps for f in funnels]
    assert error[0].conversion[1] <= 0.02 < done[0].conversion[1]

"""Rules ``playback.start/pause/resume/seek/playhead`` (issue 13): the analyzer reads the
player's controls from names (English, Korean display names) in a plan that plays something,
and writes none where nothing plays (a job board's ``resume_uploaded`` is no resume)."""

from __future__ import annotations

from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.rules import Rules
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property
from demogen.vocab import PropertyType

MEDIA = ProductInfo(industry="media", platform="mobile_app", product_name="Test player")
PLAYER_PROPS = ("video_id", "position_seconds", "video_length")


def _rules(*events: Event) -> Rules:
    props = (Property(name="video_id", type=PropertyType.STRING),
             Property(name="position_seconds", type=PropertyType.NUMBER),
             Property(name="video_length", type=PropertyType.NUMBER))
    taxonomy = EventTaxonomy(events=(Event(name="app_open"), *events), properties=props)
    return HeuristicAnalyzer().analyze(taxonomy, MEDIA)


def _player(name: str, display: str = "", desc: str = "") -> Event:
    return Event(name=name, display_name=display, description=desc, properties=PLAYER_PROPS)


def test_english_controls_around_a_heartbeat() -> None:
    rules = _rules(_player("video_start"), _player("video_heartbeat",
                                                   desc="Sent every 10 seconds while it plays"),
                   _player("video_pause"), _player("video_resume"),
                   _player("video_seek_start"), _player("video_seek_end"),
                   _player("video_ad_start"))
    playback = rules.playback
    assert (playback.pause, playback.resume) == (["video_pause"], ["video_resume"])
    assert "video_seek_end" in playback.seek and "video_pause" not in playback.seek
    assert playback.start == ["video_start"]      # an ad's start is no playback start
    assert playback.playhead == ["position_seconds"]   # the length is no playhead


def test_korean_display_names() -> None:
    rules = _rules(_player("play_start", "재생 시작"),
                   _player("play_tick", "재생 중", "재생 중 10초마다 전송"),
                   _player("play_hold", "일시정지"), _player("play_again", "재생 재개"))
    assert rules.playback.pause == ["play_hold"]
    assert rules.playback.resume == ["play_again"]


def test_nothing_plays_nothing_is_a_control() -> None:
    rules = _rules(Event(name="resume_uploaded"), Event(name="job_search"),
                   Event(name="application_paused"))
    playback = rules.playback
    assert (playback.start, playback.pause, playback.resume, playback.seek,
            playback.playhead) == ([], [], [], [], [])


def test_an_activity_paused_and_completed_has_controls_without_ticks() -> None:
    """A workout started, paused and completed plays like a playback (docs/coherence.md,
    "Workouts as things"); a subscription paused is no activity: nothing completes it."""
    wid = ("workout_id",)
    taxonomy = EventTaxonomy(
        events=(Event(name="app_open"), Event(name="workout_start", properties=wid),
                Event(name="workout_pause", properties=wid),
                Event(name="workout_complete", properties=wid),
                Event(name="subscription_start"), Event(name="subscription_pause")),
        properties=(Property(name="workout_id", type=PropertyType.STRING),))
    playback = HeuristicAnalyzer().analyze(taxonomy, MEDIA).playback
    assert (playback.start, playback.pause, playback.resume, playback.complete) == \
        (["workout_start"], ["workout_pause"], [], ["workout_complete"])
    assert (playback.within, playback.playhead) == ([], [])

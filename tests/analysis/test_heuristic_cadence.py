"""Rules ``playback.heartbeat_seconds`` (issue 13): the analyzer reads the player's cadence
from the heartbeat's description ("sent every 10 seconds"), else keeps 10."""

from __future__ import annotations

import pytest

from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.rules import Rules
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo

MEDIA = ProductInfo(industry="media", platform="mobile_app", product_name="Test player")


def _rules(event: Event) -> Rules:
    events = (Event(name="app_open"), Event(name="video_start"), event)
    return HeuristicAnalyzer().analyze(EventTaxonomy(events=events), MEDIA)


@pytest.mark.parametrize(("name", "display", "desc", "seconds"), [
    ("video_heartbeat", "", "Heartbeat sent every 5 seconds while a title plays.", 5.0),
    ("video_heartbeat", "", "Sent every 30s while the video plays.", 30.0),
    ("video_heartbeat", "", "Sent each minute while the video plays; 1 min apart.", 60.0),
    ("video_heartbeat", "", "Fires every 2.5 sec during playback.", 2.5),
    ("vp", "재생 중", "재생 중 15초마다 전송", 15.0),
    ("vp", "再生中", "再生中 20秒ごとに送信", 20.0),
    # no cadence said: the default; a number that is no period is no cadence
    ("video_heartbeat", "", "", 10.0),
    ("video_heartbeat", "", "Sent while the video plays (v2 player, 4k streams).", 10.0),
])
def test_the_cadence_comes_from_the_heartbeat_s_description(
        name: str, display: str, desc: str, seconds: float) -> None:
    rules = _rules(Event(name=name, display_name=display, description=desc))
    assert rules.event_roles.progress == [name]
    assert rules.playback.heartbeat_seconds == seconds


def test_a_cadence_is_positive() -> None:
    with pytest.raises(ValueError, match="heartbeat_seconds"):
        Rules.from_data({"playback": {"heartbeat_seconds": 0}})

"""validate's playback check: a resume only after a pause, the playhead going back only at a
start or a seek and never past the title's length, nothing of a playback after its
completion (Rules ``playback``), on the media plan's output and hand-broken copies."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from demogen.validate.coherence._playback import PlaybackChecker
from tests.data import MEDIA_PLAN
from tests.simulation.generated_outputs import Generated, generate
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output, event, shifted

RESUME, TICK = "video_playback_resumed", "video_content_playing"
PLAYHEAD, LENGTH = "position_seconds", "total_length_seconds"
DONE = "video_playback_completed"


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(MEDIA_PLAN, tmp_path_factory.mktemp("playback") / "out",
                    users=200, days=5, seed=3)


def test_the_media_output_passes(media: Generated) -> None:
    assert media.rules.playback.resume == ["Video Playback Resumed"]
    assert media.rules.playback.playhead == [PLAYHEAD]
    assert findings(media.out, PlaybackChecker, media.out) == []


def test_a_resume_without_a_pause_is_reported(media: Generated, tmp_path: Path) -> None:
    output = Output(media.out).copy()
    name, index, record = output.find(event(TICK))
    resume = copy.deepcopy(record)
    resume["#event_name"] = RESUME
    resume["#time"] = shifted(record["#time"], 1)
    resume["#uuid"] = "00000000-0000-4000-8000-000000000011"
    output.files[name].insert(index + 1, resume)
    found = findings(output.write(tmp_path / "broken"), PlaybackChecker, media.out)
    assert len(found) == 1 and RESUME in found[0] and record["#distinct_id"] in found[0]


def test_a_playhead_going_back_is_reported(media: Generated, tmp_path: Path) -> None:
    output = Output(media.out).copy()
    # A tick that follows a tick of the same user further on: set it back before it.
    name, index, record = next(
        (n, i, r) for n, i, r in output.records() if event(TICK)(r)
        and r["properties"][PLAYHEAD] >= 30 and i > 0
        and event(TICK)(output.files[n][i - 1])
        and output.files[n][i - 1]["#distinct_id"] == r["#distinct_id"])
    record["properties"][PLAYHEAD] = output.files[name][index - 1]["properties"][PLAYHEAD] - 20
    found = findings(output.write(tmp_path / "back"), PlaybackChecker, media.out)
    # The lowered tick goes back; the one after it moves on from there (no second finding).
    assert len(found) == 1 and PLAYHEAD in found[0] and record["#distinct_id"] in found[0]


def test_a_tick_after_the_completion_is_reported(media: Generated, tmp_path: Path) -> None:
    assert media.rules.playback.complete == ["Video Playback Completed",
                                             "Video Content Completed"]
    output = Output(media.out).copy()
    name, index, record = output.find(event(DONE))
    tick = copy.deepcopy(record)
    tick["#event_name"] = TICK
    tick["#time"] = shifted(record["#time"], 1)
    tick["#uuid"] = "00000000-0000-4000-8000-000000000012"
    output.files[name].insert(index + 1, tick)
    found = findings(output.write(tmp_path / "after"), PlaybackChecker, media.out)
    assert len(found) == 1 and TICK in found[0] and "completion" in found[0]


def test_a_playhead_past_the_length_is_reported(media: Generated, tmp_path: Path) -> None:
    output = Output(media.out).copy()
    _, _, record = output.find(lambda r: event(TICK)(r)
                                      and r["properties"][PLAYHEAD] >= 30)
    record["properties"][LENGTH] = record["properties"][PLAYHEAD] - 10
    found = findings(output.write(tmp_path / "past"), PlaybackChecker, media.out)
    assert len(found) == 1 and "past the title's length" in found[0] \
        and record["#distinct_id"] in found[0]

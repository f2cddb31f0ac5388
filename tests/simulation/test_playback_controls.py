"""Pauses, resumes, seeks and the playhead tied to the playback (issue 13, Rules
``playback.start/pause/resume/seek/playhead``).

Before, the player's controls were drawn independently of the playback
(tests/data/media_player, 1,000 users × 14 days, seed 3: 4,457 of 5,908 resumes (75 %) had
no pause since their playback started, and 49 % of consecutive playhead values went down
without a seek; 28 % of seeks and buffering had no playback start before them in their
session). Now a pause, a seek or a buffering comes only once something plays, a resume right
after its pause; the playhead moves on with the time played and goes back only at a start
or a seek.
"""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from demogen.validate._reader import iter_records
from tests.data import MEDIA_PLAN
from tests.simulation.generated_outputs import (
    Generated,
    analysed_rules,
    generate,
    generate_with_rules,
    plan_names,
    tracks_by_user,
)

OPEN, START, CONTENT = "Application Opened", "Video Playback Started", "Video Content Started"
PAUSE, RESUME = "Video Playback Paused", "Video Playback Resumed"
SEEK, TICK = "Video Playback Seek Completed", "Video Content Playing"
PLAYHEAD = "position_seconds"
LENGTH, TITLE = "total_length_seconds", "content_id"


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(MEDIA_PLAN, tmp_path_factory.mktemp("controls") / "out",
                    users=300, days=7, seed=3)


def test_the_analyzer_names_the_controls(media: Generated) -> None:
    playback = media.rules.playback
    assert playback.start == [START, CONTENT]
    assert (playback.pause, playback.resume, playback.seek) == ([PAUSE], [RESUME], [SEEK])
    assert playback.playhead == [PLAYHEAD]
    assert playback.within == ["Video Playback Seek Started", SEEK,
                               "Video Playback Buffer Started", "Video Playback Buffer Completed",
                               # the other events showing the playhead
                               "Video Playback Interrupted", "Video Playback Error",
                               "Video Playback Completed", "Video Content Completed",
                               "Video Quality Updated"]


def test_a_resume_follows_its_pause_and_seeks_come_inside_a_playback(media: Generated) -> None:
    pauses = resumes = within = 0
    inside = frozenset(media.rules.playback.within)
    for line in tracks_by_user(media.records).values():
        started = False
        for before, record in pairwise([{"#event_name": ""}, *line]):
            name = record["#event_name"]
            started = (started and name != OPEN) or name in (START, CONTENT)
            if name == PAUSE or name in inside:
                pauses += name == PAUSE
                within += name in inside
                assert started, f"{name} before anything plays in its session"
            if name == RESUME:
                resumes += 1
                assert before["#event_name"] == PAUSE
    # Some playbacks end paused (Rules playback.left_paused: test_playback_completion.py).
    assert pauses > 100 and 0.6 * pauses < resumes <= pauses and within > 100


def test_the_playhead_moves_on_with_the_time_played(media: Generated) -> None:
    back_at_seek = ticks = 0
    for line in tracks_by_user(media.records).values():
        shown = [r for r in line if PLAYHEAD in r["properties"]]
        for a, b in pairwise(shown):
            was, now = a["properties"][PLAYHEAD], b["properties"][PLAYHEAD]
            name = b["#event_name"]
            if name in (START, CONTENT):
                assert now == 0
            elif name == SEEK:
                back_at_seek += now < was
            else:
                assert now >= was, (a, b)
        for a, b in pairwise(line):     # tick after tick: played on as long as the time
            if a["#event_name"] == b["#event_name"] == TICK:
                ticks += 1
                played = b["properties"][PLAYHEAD] - a["properties"][PLAYHEAD]
                if b["properties"][PLAYHEAD] < b["properties"][LENGTH]:
                    assert abs(played - (_seconds(b) - _seconds(a))) <= 1, (a, b)
                else:   # played out: the playhead stands at the title's end
                    assert b["properties"][PLAYHEAD] == b["properties"][LENGTH], (a, b)
    assert ticks > 1000 and back_at_seek > 10


def test_one_title_per_playback(media: Generated) -> None:
    """From a start to the next, the playback's records show one title and one length, and
    the playhead never passes that length."""
    playbacks = 0
    for line in tracks_by_user(media.records).values():
        shown: set[tuple[Any, Any]] = set()
        for r in line:
            props = r["properties"]
            if PLAYHEAD not in props:
                continue
            assert props[PLAYHEAD] <= props[LENGTH], r
            if r["#event_name"] in (START, CONTENT):
                playbacks += 1
                shown = set()
            shown.add((props[TITLE], props[LENGTH]))
            assert len(shown) == 1, (r, shown)
    assert playbacks > 100


def _seconds(record: dict[str, Any]) -> float:
    return datetime.strptime(record["#time"], "%Y-%m-%d %H:%M:%S.%f").timestamp()


def test_controls_emptied_in_rules_are_drawn_freely_again(media: Generated,
                                                          tmp_path: Path) -> None:
    rules = analysed_rules(tmp_path, MEDIA_PLAN)
    rules["playback"].update(pause=[], resume=[], playhead=[])
    out = generate_with_rules(tmp_path, MEDIA_PLAN, "free", rules, users=300, days=7, seed=3)
    lines = tracks_by_user(plan_names(media.taxonomy, [r for _, _, r in iter_records(out)]))
    alone = sum(1 for line in lines.values() for before, record in pairwise(line)
                if record["#event_name"] == RESUME and before["#event_name"] != PAUSE)
    down = sum(1 for line in lines.values() for a, b in pairwise(line)
               if a["#event_name"] == b["#event_name"] == TICK
               and b["properties"][PLAYHEAD] < a["properties"][PLAYHEAD])
    assert alone > 100 and down > 1000

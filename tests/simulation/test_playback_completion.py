"""A completion ends its playback, and a playback may end paused (issue 13, Rules
``playback.complete`` and ``playback.left_paused``).

Before (tests/data/media_player, 1,000 users × 14 days, seed 3): 145,368 of 323,020 ticks
came after their title's completion with no start since, 96,122 ticks stood at their
title's end (played out), and every one of 5,393 pauses was resumed. Now nothing of a
playback comes after its completion (the next start plays anew), a tick reaching the
title's end gives way to the completion, the completion shows the title's length as its
playhead, and about a fifth of the pauses are the playback's last control (the viewer
leaves).
"""

from __future__ import annotations

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

START, CONTENT = "Video Playback Started", "Video Content Started"
DONE, CONTENT_DONE = "Video Playback Completed", "Video Content Completed"
PAUSE, RESUME, TICK = "Video Playback Paused", "Video Playback Resumed", "Video Content Playing"
PLAYHEAD, LENGTH = "position_seconds", "total_length_seconds"


@pytest.fixture(scope="module")
def media(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(MEDIA_PLAN, tmp_path_factory.mktemp("completion") / "out",
                    users=300, days=7, seed=3)


def _after_completion(records: list[dict[str, Any]], playing: frozenset[str]) -> int:
    """Ticks and controls after a completion with no start since (per user, in order)."""
    found = 0
    for line in tracks_by_user(records).values():
        ended = False
        for r in line:
            name = r["#event_name"]
            if name in (START, CONTENT):
                ended = False
            elif name in playing:
                found += ended
                ended = ended or name in (DONE, CONTENT_DONE)
    return found


def _playing(generated: Generated) -> frozenset[str]:
    playback = generated.rules.playback
    return frozenset({TICK, *playback.pause, *playback.resume, *playback.seek,
                      *playback.within, DONE, CONTENT_DONE})


def test_the_analyzer_names_the_completions(media: Generated) -> None:
    assert media.rules.playback.complete == [DONE, CONTENT_DONE]


def test_nothing_of_a_playback_comes_after_its_completion(media: Generated) -> None:
    completions = sum(1 for r in media.records if r.get("#event_name") in (DONE, CONTENT_DONE))
    ticks = sum(1 for r in media.records if r.get("#event_name") == TICK)
    assert completions > 100 and ticks > 1000
    assert _after_completion(media.records, _playing(media)) == 0


def test_a_completion_shows_the_title_s_length(media: Generated) -> None:
    shown = [r["properties"] for r in media.records if r.get("#event_name") in (DONE, CONTENT_DONE)]
    assert shown and all(p[PLAYHEAD] == p[LENGTH] for p in shown)


def test_a_played_out_title_stops(media: Generated) -> None:
    ticks = [r["properties"] for r in media.records if r.get("#event_name") == TICK]
    assert len(ticks) > 1000
    assert sum(1 for p in ticks if p[PLAYHEAD] >= p[LENGTH]) == 0


def test_some_playbacks_end_paused(media: Generated) -> None:
    pauses = resumes = 0
    for line in tracks_by_user(media.records).values():
        for before, record in pairwise(line):
            pauses += before["#event_name"] == PAUSE
            resumes += record["#event_name"] == RESUME
    assert pauses > 100 and resumes <= pauses
    assert 0.1 <= 1 - resumes / pauses <= 0.3


def test_the_rules_decide(media: Generated, tmp_path: Path) -> None:
    """``complete: []`` lets ticks go on after a completion again; ``left_paused: 0``
    resumes every pause."""
    rules = analysed_rules(tmp_path, MEDIA_PLAN)
    rules["playback"].update(complete=[], left_paused=0.0)
    out = generate_with_rules(tmp_path, MEDIA_PLAN, "edited", rules, users=300, days=7, seed=3)
    records = plan_names(media.taxonomy, [r for _, _, r in iter_records(out)])
    names = [r.get("#event_name") for r in records]
    assert names.count(RESUME) == names.count(PAUSE) > 100
    assert _after_completion(records, _playing(media)) > 100

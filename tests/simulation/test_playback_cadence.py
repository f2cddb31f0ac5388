"""The player's cadence (issue 13, Rules ``playback.heartbeat_seconds``): a heartbeat tick
(``event_roles.progress``) follows the tick before it in its run exactly the cadence later,
a session holds no more ticks than its time does at that cadence, and a session's long
pause never falls inside a run. Before: the gaps between ticks were the session's length
spread at random (tests/data/media_player, 1,000 users × 14 days, seed 3: median 15.1 s,
p10 2.1 s, p90 54.7 s, 5.6 % within 9–11 s); after: every gap 10 s.
"""

from __future__ import annotations

import random
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from demogen.simulation.engine import _event_clocks
from demogen.simulation.sessions import Session
from demogen.validate._reader import iter_records
from tests.data import MEDIA_PLAN
from tests.simulation.generated_outputs import (
    Generated,
    analysed_rules,
    generate,
    generate_with_rules,
    plan_names,
)

TICK = "Video Content Playing"


class _User:
    def __init__(self, seed: int) -> None:
        self.rnd = random.Random(seed)


def _clocks(names: list[str], session: Session, cadence: float) -> list[float]:
    return _event_clocks(_User(1), 1000.0, session, names, (TICK,), cadence)  # type: ignore[arg-type]


def test_ticks_of_a_run_are_the_cadence_apart_and_the_session_keeps_its_length() -> None:
    names = ["open", "start", *[TICK] * 12, "pause", "resume", *[TICK] * 5, "close"]
    clocks = _clocks(names, Session(start=0, duration=600, events=len(names)), 10.0)
    gaps = [b - a for a, b, name, before in zip(clocks, clocks[1:], names[1:], names,
                                                 strict=False) if name == before == TICK]
    assert gaps == pytest.approx([10.0] * 15)
    assert clocks == sorted(clocks)
    assert clocks[-1] == pytest.approx(1600.0)


def test_a_long_pause_falls_between_runs() -> None:
    names = ["open", *[TICK] * 30, "close"]
    session = Session(start=0, duration=1300, events=len(names), pause=900, pause_at=0.5)
    clocks = _clocks(names, session, 10.0)
    gaps = [b - a for a, b in pairwise(clocks[1:-1])]
    assert gaps == pytest.approx([10.0] * 29)
    assert clocks[-1] - clocks[-2] >= 900


def _times(g: Generated | Path, taxonomy: Any) -> dict[Any, list[tuple[float, str]]]:
    out: dict[Any, list[tuple[float, str]]] = {}
    records = g.records if isinstance(g, Generated) else \
        plan_names(taxonomy, [r for _, _, r in iter_records(g)])
    for r in records:
        if r.get("#type") == "track":
            when = datetime.strptime(r["#time"], "%Y-%m-%d %H:%M:%S.%f").timestamp()
            out.setdefault(r["#distinct_id"], []).append((when, r["#event_name"]))
    return out


def _tick_gaps(timelines: dict[Any, list[tuple[float, str]]]) -> list[float]:
    return [b[0] - a[0] for line in timelines.values() for a, b in pairwise(line)
            if a[1] == b[1] == TICK]


def _session_overflow(timelines: dict[Any, list[tuple[float, str]]], opened: str,
                      cadence: float) -> int:
    """Sessions whose timed ticks take longer than the session lasts."""
    bad = 0
    for line in timelines.values():
        sessions: list[list[tuple[float, str]]] = []
        for record in line:
            if record[1] == opened or not sessions:
                sessions.append([])
            sessions[-1].append(record)
        for s in sessions:
            timed = sum(1 for a, b in pairwise(s) if a[1] == b[1] == TICK)
            bad += timed * cadence > s[-1][0] - s[0][0] + 0.01
    return bad


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(MEDIA_PLAN, tmp_path_factory.mktemp("cadence") / "out",
                    users=300, days=7, seed=3)


def test_the_media_plan_ticks_every_ten_seconds(week: Generated) -> None:
    assert week.rules.playback.heartbeat_seconds == 10.0     # "sent every 10 seconds"
    timelines = _times(week, week.taxonomy)
    gaps = _tick_gaps(timelines)
    assert len(gaps) > 1000
    assert all(abs(g - 10.0) <= 0.002 for g in gaps), sorted(gaps)[:: len(gaps) // 10]
    assert _session_overflow(timelines, "Application Opened", 10.0) == 0


def test_a_cadence_from_rules_sets_the_gaps_and_fewer_ticks_fit(
        tmp_path: Path, week: Generated) -> None:
    rules = analysed_rules(tmp_path, MEDIA_PLAN)
    rules.setdefault("playback", {})["heartbeat_seconds"] = 30
    out = generate_with_rules(tmp_path, MEDIA_PLAN, "slow", rules, users=300, days=7, seed=3)
    timelines = _times(out, week.taxonomy)
    gaps = _tick_gaps(timelines)
    assert gaps and all(abs(g - 30.0) <= 0.002 for g in gaps)
    assert _session_overflow(timelines, "Application Opened", 30.0) == 0
    # A playback lasts about as long at any cadence: a run holds a third of the ticks at 30 s
    # (the preset's chance of another tick is per 10 s of playback).
    ratio = _mean_run(timelines) / _mean_run(_times(week, week.taxonomy))
    assert 0.25 < ratio < 0.5, ratio


def _mean_run(timelines: dict[Any, list[tuple[float, str]]]) -> float:
    runs: list[int] = []
    for line in timelines.values():
        for before, (_, name) in zip([("", ""), *line], line, strict=False):
            if name == TICK:
                if before[1] == TICK:
                    runs[-1] += 1
                else:
                    runs.append(1)
    return sum(runs) / len(runs)

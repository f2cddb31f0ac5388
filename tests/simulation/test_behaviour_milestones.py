"""Milestone progress events (issue 13, docs/behaviour.md "Playback"): a GA4-style
``video_progress`` with ``video_percent`` 10/25/50/75 is sent once per threshold per video as
the playback passes it, in increasing order, only up to how far the viewer watched, and
``video_complete`` only after the whole title (before: runs of ~20 ticks with any percent,
58.6 per playback, 151,468 out of order and 166,691 without a start on 1,000 users × 14
days).

Measured on tests/data/video_milestones (Clipwise), 400 users × 7 days, seed 3.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from demogen.analysis.heuristic.values.milestones import percent_steps
from demogen.taxonomy import Property
from demogen.vocab import PropertyType
from tests.data import MILESTONE_PLAN
from tests.simulation.generated_outputs import Generated, generate, generate_with_rules

START, MILESTONE, COMPLETE, PERCENT = "video_start", "video_progress", "video_complete", \
    "video_percent"
THRESHOLDS = (10, 25, 50, 75)


@dataclass
class Playbacks:
    """Each playback (a start and what follows it up to the next start or session start)
    as the thresholds it sent and whether it completed; what broke the rules, counted."""

    runs: list[list[float]] = field(default_factory=list)
    completed: list[bool] = field(default_factory=list)
    orphans: int = 0                 # milestones or completions without a start before
    early_completions: int = 0       # completions before the last threshold
    other_video: int = 0             # milestones or completions showing another title
    #: Per playback the playhead of each milestone and the title's length.
    positions: list[list[float]] = field(default_factory=list)
    lengths: list[float] = field(default_factory=list)


def playbacks(timelines: dict[Any, list[dict[str, Any]]], session_start: str) -> Playbacks:
    out = Playbacks()
    for records in timelines.values():
        current: dict[str, Any] | None = None
        for record in records:
            name, props = record.get("#event_name"), record.get("properties", {})
            if name == START:
                current = props
                out.runs.append([])
                out.completed.append(False)
                out.positions.append([])
                out.lengths.append(props["video_duration"])
            elif name == session_start:
                current = None
            elif name in (MILESTONE, COMPLETE):
                if current is None:
                    out.orphans += 1
                    continue
                out.other_video += any(props.get(p) != current.get(p)
                                       for p in ("video_title", "video_duration"))
                if name == MILESTONE:
                    out.runs[-1].append(float(props[PERCENT]))
                    out.positions[-1].append(props["video_current_time"])
                else:
                    out.early_completions += len(out.runs[-1]) < len(THRESHOLDS)
                    out.completed[-1] = True
    return out


@pytest.fixture(scope="module")
def week(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    folder = tmp_path_factory.mktemp("milestones")
    return generate(MILESTONE_PLAN, folder / "out", users=400, days=7, seed=3)


@pytest.fixture(scope="module")
def plays(week: Generated) -> Playbacks:
    return playbacks(week.timelines, "session_start")


def test_the_analyzer_reads_a_milestone_not_a_heartbeat(week: Generated) -> None:
    milestone = week.rules.playback.milestones[MILESTONE]
    assert (milestone.start, milestone.complete, milestone.property) == (START, COMPLETE, PERCENT)
    assert MILESTONE not in week.rules.event_roles.progress


def test_each_threshold_once_in_increasing_order(plays: Playbacks) -> None:
    assert len(plays.runs) > 1_000
    assert plays.orphans == 0
    for run in plays.runs:
        assert run == [float(t) for t in THRESHOLDS[:len(run)]]


def test_complete_only_after_the_whole_title(week: Generated, plays: Playbacks) -> None:
    assert plays.early_completions == 0
    declared = week.rules.event_constraints.step_conversion(START, COMPLETE)
    assert declared is not None
    share = sum(plays.completed) / len(plays.completed)
    assert share == pytest.approx(declared, abs=0.04)
    # Viewers who stop stop anywhere: every count of thresholds shows up.
    counts = Counter(len(run) for run in plays.runs)
    assert all(counts[n] > 0.02 * len(plays.runs) for n in range(len(THRESHOLDS) + 1))


def test_milestones_show_the_title_their_start_plays(plays: Playbacks) -> None:
    assert plays.other_video == 0


def test_the_playhead_moves_on_with_the_milestones(week: Generated, plays: Playbacks) -> None:
    """``video_current_time`` on a milestone is the threshold's share of ``video_duration``
    (the analyzer's formula), so it grows along the playback."""
    relationship = week.rules.property_relationships["video_current_time"]
    assert relationship.events == [MILESTONE]
    for run, positions, length in zip(plays.runs, plays.positions, plays.lengths, strict=True):
        assert positions == sorted(positions)
        for percent, position in zip(run, positions, strict=True):
            assert position == pytest.approx(length * percent / 100, abs=1)


def test_rules_edits_move_thresholds_and_completion(week: Generated, tmp_path: Path) -> None:
    rules = week.rules.model_dump(mode="json", exclude_defaults=True)
    rules["playback"]["milestones"][MILESTONE]["thresholds"] = [25, 50]
    for funnel in rules["event_constraints"]["funnels"]:
        if funnel["steps"] == [START, COMPLETE]:
            funnel["conversion"] = [1.0, 0.9]
    out = generate_with_rules(tmp_path, MILESTONE_PLAN, "edited", rules,
                              users=200, days=7, seed=3)
    edited = playbacks(Generated(MILESTONE_PLAN, out, week.taxonomy, week.product, week.rules,
                                 week.start, 7, 200, 3).timelines, "session_start")
    assert {p for run in edited.runs for p in run} == {25.0, 50.0}
    assert sum(edited.completed) / len(edited.completed) == pytest.approx(0.9, abs=0.04)


@pytest.mark.parametrize(("enum", "steps"), [
    ((10, 25, 50, 75), (10.0, 25.0, 50.0, 75.0)),
    (("25", "50", "75", "100"), (25.0, 50.0, 75.0, 100.0)),
    ((0, 50), ()),              # 0 % is no threshold passed
    ((50,), ()),                # one value is no series of thresholds
    (("start", "middle"), ()),
])
def test_percent_steps(enum: tuple[Any, ...], steps: tuple[float, ...]) -> None:
    prop = Property(name="video_percent", type=PropertyType.NUMBER, enum=enum)
    assert percent_steps(prop) == steps

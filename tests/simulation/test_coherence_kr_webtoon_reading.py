"""The Korean webtoon workbook 툰나무 (tests/data/unseen/build_kr_webtoon.py), read as a
prospect would (issue 11): how a reader goes through a series. Each check holds for any
plan; this workbook is the one that showed it missing.

Measured before (1,000 users x 14 days, seed 3): ``episode_no`` drawn per event, so a
reader's episodes of one series went back 36,055 times and forward 36,183 (over every event
naming a series and an episode); a ``favorite_add`` of a series already a favourite 144
times; ``read_progress`` 0 after a minute or more of reading on 5,131 of 13,932 reads.
"""

from __future__ import annotations

import copy
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from demogen.taxonomy import load_taxonomy
from demogen.validate import validate_output
from demogen.validate.coherence._positions import PositionsChecker
from demogen.validate.coherence._toggles import TogglesChecker
from tests.data.unseen.build_kr_webtoon import write_kr_webtoon
from tests.simulation.generated_outputs import Generated, generate, tracks
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_kr_webtoon(tmp_path_factory.mktemp("kr_webtoon_reading") / "plan")


@pytest.fixture(scope="module")
def webtoon(plan: Path, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("kr_webtoon_reading_out")
    return generate(plan, out / "out", users=120, days=5, seed=3)


def _parts(webtoon: Generated) -> dict[tuple[str, str], list[tuple[str, int]]]:
    """Per user and series, the (event, episode_no) of each record naming both, in order."""
    out: dict[tuple[str, str], list[tuple[str, int]]] = {}
    for r in tracks(webtoon.records):
        p = r["properties"]
        if "series_id" in p and "episode_no" in p:
            out.setdefault((r["#distinct_id"], str(p["series_id"])), []).append(
                (r["#event_name"], p["episode_no"]))
    return out


def test_a_reader_moves_forward_through_a_series(webtoon: Generated) -> None:
    """``episode_no`` beside ``series_id`` is where the reader is in that series: never an
    earlier episode than one shown before, and each new read the next one."""
    parts = _parts(webtoon)
    back = [(k, seen) for k, seen in parts.items()
            if any(b[1] < a[1] for a, b in pairwise(seen))]
    assert back == []
    reads = [[n for e, n in seen if e == "episode_read"] for seen in parts.values()]
    steps = [b - a for seen in reads for a, b in pairwise(seen)]
    assert len(steps) >= 20
    assert min(steps) >= 0 and steps.count(1) > len(steps) / 2   # a view may skip one


def test_a_reading_shows_one_episode(webtoon: Generated) -> None:
    """The view, read and completion of one reading show the same episode."""
    latest: dict[str, tuple[str, Any]] = {}
    missed = []
    for r in tracks(webtoon.records):
        p, uid = r["properties"], r["#distinct_id"]
        if r["#event_name"] in ("episode_view", "episode_read"):
            latest[uid] = (str(p["series_id"]), p["episode_no"])
        elif r["#event_name"] == "episode_complete" and \
                latest.get(uid) != (str(p["series_id"]), p["episode_no"]):
            missed.append(r)
    assert missed == []


def test_a_favourite_is_added_once_until_removed(webtoon: Generated) -> None:
    """``favorite_add`` names a series the user does not hold, ``favorite_remove`` one they
    hold, across sessions (heuristic_flows.yaml ``toggle_words``)."""
    held: dict[str, set[str]] = {}
    twice, adds = [], 0
    for r in tracks(webtoon.records):
        event, p = r["#event_name"], r["properties"]
        mine = held.setdefault(r["#distinct_id"], set())
        if event == "favorite_add":
            adds += 1
            if str(p["series_id"]) in mine:
                twice.append(r)
            mine.add(str(p["series_id"]))
        elif event == "favorite_remove":
            mine.discard(str(p["series_id"]))
    assert adds >= 20 and twice == []


def test_read_progress_agrees_with_the_time_read(webtoon: Generated) -> None:
    """``read_progress`` (0~1) beside ``read_seconds`` (5~1800) grows with the time read
    (heuristic_properties.yaml ``formulas``): a minute's read is never 0 and a long one
    reaches the end."""
    formula = webtoon.rules.property_relationships["read_progress"]
    assert formula.depends_on == ["read_seconds"]
    reads = [(p["read_seconds"], p["read_progress"]) for r in tracks(webtoon.records)
             if r["#event_name"] == "episode_read" and "read_progress" in (p := r["properties"])]
    assert len(reads) >= 20
    assert [x for x in reads if x[0] >= 60 and x[1] == 0] == []
    assert [x for x in reads if x[0] >= 540 and x[1] < 1] == []
    assert all(0 <= x[1] <= 1 for x in reads)


def test_validate_reports_an_episode_read_before_the_last(webtoon: Generated,
                                                          tmp_path: Path) -> None:
    assert findings(webtoon.out, PositionsChecker, webtoon.out) == []
    output = Output(webtoon.out).copy()
    record = _read_seen_again(output)
    uid = record["#distinct_id"]
    record["properties"]["episode_no"] += 50    # a read far ahead: the next record goes back
    found = findings(output.write(tmp_path / "broken"), PositionsChecker, webtoon.out)
    assert len(found) >= 1 and uid in found[0], found


def _read_seen_again(output: Output) -> dict[str, Any]:
    """An ``episode_read`` whose series the same user shows again, with an episode, later."""
    after: dict[tuple[str, str], dict[str, Any]] = {}
    for _, _, r in reversed(list(output.records())):
        p = r.get("properties", {})
        if r.get("#type") != "track" or "episode_no" not in p or "series_id" not in p:
            continue
        key = (r["#distinct_id"], str(p["series_id"]))
        if r["#event_name"] == "episode_read" and key in after:
            return r
        after.setdefault(key, r)
    raise LookupError("no series read and shown again")


def test_validate_reports_a_favourite_added_twice(webtoon: Generated, tmp_path: Path) -> None:
    assert findings(webtoon.out, TogglesChecker, webtoon.out) == []
    output = Output(webtoon.out).copy()
    name, index, record = output.find(lambda r: r.get("#event_name") == "favorite_add")
    output.files[name].insert(index + 1, copy.deepcopy(record))    # the same add again
    found = findings(output.write(tmp_path / "broken"), TogglesChecker, webtoon.out)
    assert len(found) == 1 and f"{name}:{index + 2}" in found[0], found


def test_validate_reports_no_progress_after_minutes_of_reading(webtoon: Generated,
                                                               tmp_path: Path) -> None:
    """validate's ``formula`` check reads the relationship: a read of ten minutes at 0."""
    taxonomy = load_taxonomy(webtoon.source).taxonomy
    clean = validate_output(webtoon.out, rules=webtoon.rules, plan=taxonomy, workers=1)
    assert clean.count("formula") == 0
    output = Output(webtoon.out).copy()
    name, index, record = output.find(
        lambda r: r.get("#event_name") == "episode_read" and "read_progress" in r["properties"])
    record["properties"].update(read_seconds=600, read_progress=0)
    report = validate_output(output.write(tmp_path / "broken"), rules=webtoon.rules,
                             plan=taxonomy, workers=1)
    [issue] = report.examples("formula")
    assert str(issue).startswith(f"{name}:{index + 1}: ") and "read_progress" in str(issue)

"""``Rules.events``: a frequency class scales how often an event is drawn, a per-session cap
bounds it in every session; the analysis gives views ``core`` and logins a cap of one."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from tests.simulation.generated_outputs import EXAMPLES, analysed_rules, generate_with_rules

USERS, DAYS = 600, 7
PLAN = EXAMPLES / "ecommerce"
CAPPED = ("search", 1)
RARE = "view_category"

Sessions = list[list[str]]


def _generate(tmp: Path, name: str, rules: dict[str, Any]) -> Sessions:
    out = generate_with_rules(tmp, PLAN, name, rules, users=USERS, days=DAYS, seed=4)
    timelines: dict[str, list[str]] = {}
    for file in sorted(out.glob("*.jsonl")):
        for line in file.read_bytes().splitlines():
            record = orjson.loads(line)
            if record["#type"] == "track":
                timelines.setdefault(record["#distinct_id"], []).append(record["#event_name"])
    sessions: Sessions = []
    for names in timelines.values():      # a session runs from its start to the next start
        for name in names:
            if name == "session_start" or not sessions:
                sessions.append([])
            sessions[-1].append(name)
    return sessions


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Sessions]:
    tmp = tmp_path_factory.mktemp("event_specs")
    before = analysed_rules(tmp, PLAN)
    edited = yaml.safe_load(yaml.safe_dump(before))
    edited["events"][CAPPED[0]] = {"per_session": CAPPED[1]}
    edited["events"][RARE] = {"frequency": "rare"}
    return {"analysis": before, "before": _generate(tmp, "before", before),
            "edited": _generate(tmp, "edited", edited)}


def test_the_analysis_makes_views_core_and_caps_logins(runs: dict[str, Any]) -> None:
    events = runs["analysis"]["events"]
    assert events["view_product"]["frequency"] == "core"
    assert events["login"]["per_session"] == 1
    assert events["share"]["frequency"] == "occasional"
    most = max(Counter(s)["login"] for s in runs["before"])
    assert most == 1


def test_a_per_session_cap_edit_bounds_the_event_in_every_session(
        runs: dict[str, Any]) -> None:
    event, cap = CAPPED
    before = [Counter(s)[event] for s in runs["before"]]
    after = [Counter(s)[event] for s in runs["edited"]]
    assert sum(n > cap for n in before) > 50             # the edit has work to do
    assert max(after) == cap and sum(after) > 200


def test_a_frequency_edit_makes_the_event_rarer(runs: dict[str, Any]) -> None:
    before = sum(Counter(s)[RARE] for s in runs["before"])
    after = sum(Counter(s)[RARE] for s in runs["edited"])
    assert before > 1000
    # core (×3) → rare (×0.08) among free draws, and a rare event's chance as a segment's
    # step (segment_analysis.event_sequence) ×0.08 too; only the declared chain into it
    # (search → view_category) keeps its conversion.
    assert 0 < after < before / 8, (before, after)

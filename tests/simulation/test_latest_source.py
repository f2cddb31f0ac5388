"""A ``latest`` source: ``cur_stage_id`` shows the last ``stage_id`` the user sent; with the
source edited away it is an ordinary per-user value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from tests.simulation.generated_outputs import EXAMPLES, analysed_rules, generate_with_rules

PLAN, USERS, DAYS = EXAMPLES / "game", 200, 2


def _generate(tmp: Path, name: str, rules: dict[str, Any]) -> dict[str, list[dict]]:
    out = generate_with_rules(tmp, PLAN, name, rules, users=USERS, days=DAYS, seed=1)
    users: dict[str, list[dict]] = {}
    for file in sorted(out.glob("*.jsonl")):
        for line in file.read_bytes().splitlines():
            record = orjson.loads(line)
            if record["#type"] == "track":
                users.setdefault(record["#distinct_id"], []).append(record["properties"])
    return users


def _agreement(users: dict[str, list[dict]]) -> tuple[int, int]:
    """Records after a stage_id whose cur_stage_id is that last stage_id, of all such."""
    agree = total = 0
    for records in users.values():
        last = None
        for props in records:
            if last is not None and "cur_stage_id" in props:
                total += 1
                agree += props["cur_stage_id"] == last
            last = props.get("stage_id", last)
    return agree, total


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("latest")
    before = analysed_rules(tmp, PLAN)
    edited = yaml.safe_load(yaml.safe_dump(before))
    edited["properties"]["cur_stage_id"]["source"] = None    # an explicit null wins the merge
    return {"analysis": before, "before": _generate(tmp, "before", before),
            "edited": _generate(tmp, "edited", edited)}


def test_the_analysis_tracks_the_last_stage(runs: dict[str, Any]) -> None:
    assert runs["analysis"]["properties"]["cur_stage_id"]["source"] == {
        "type": "latest", "of": "stage_id"}


def test_latest_shows_the_last_value_and_the_edit_removes_it(runs: dict[str, Any]) -> None:
    agree, total = _agreement(runs["before"])
    assert total > 500 and agree > 0.9 * total
    agree, total = _agreement(runs["edited"])
    assert total > 500 and agree < 0.5 * total

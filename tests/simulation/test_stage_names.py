"""A stage's name without its id (issue 11): ``stage_name`` on a record that names no stage
id is the name of the user's current stage (their progress position), the same name the
stage shows beside its id, never a name drawn from the list.

Measured before (this plan, 200 users x 5 days, seed 3): ``stage_enter`` drew its
``stage_name`` from the stage catalogue's names, unrelated to the user's stage.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pytest

from tests.simulation.generated_outputs import generate_with_rules
from tests.validate.generated import Output

_EVENTS = [
    ("stage_start", "The player started a stage.", "stage_id,stage_name"),
    ("stage_clear", "The player cleared the stage.", "stage_id,stage_name,score"),
    ("stage_enter", "The player opened the stage screen of their current stage.",
     "stage_name"),
]
_PROPERTIES = [
    ("stage_id", "string", "Id of the stage, e.g. stage_001.", ""),
    ("stage_name", "string", "Name of the stage.", ""),
    ("score", "number", "Score of the clear.", "0-10000"),
]


def _write_plan(folder: Path) -> Path:
    folder.mkdir(parents=True)
    with (folder / "events.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, quoting=csv.QUOTE_ALL)
        out.writerow(["event_name", "event_tag", "description", "properties"])
        out.writerows((name, "Progress", text, props) for name, text, props in _EVENTS)
    with (folder / "properties.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, quoting=csv.QUOTE_ALL)
        out.writerow(["name", "type", "description", "constraint", "scope", "update_method"])
        out.writerows((*row, "event", "") for row in _PROPERTIES)
    (folder / "product.json").write_text(json.dumps({
        "industry": "game", "platform": "mobile_app", "product_name": "Stage Quest",
        "description": "A puzzle game: players clear stages one after another."}))
    return folder


@pytest.fixture(scope="module")
def records(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    tmp = tmp_path_factory.mktemp("stage_names")
    out = generate_with_rules(tmp, _write_plan(tmp / "plan"), "out", {}, users=200, days=5,
                              seed=3)
    return [r for records in Output(out).files.values() for r in records
            if "#event_name" in r]


def test_a_stage_name_without_an_id_is_the_users_current_stage(records) -> None:
    named = {r["properties"]["stage_name"]: r["properties"]["stage_id"] for r in records
             if "stage_id" in r.get("properties", {})}
    # The stage being played: the latest start's, or the one after the latest clear.
    current: dict[str, tuple[str, str]] = {}
    judged = wrong = 0
    order = sorted(set(named.values()))
    for r in sorted(records, key=lambda r: (r["#distinct_id"], r["#time"])):
        props, user = r["properties"], r["#distinct_id"]
        if "stage_id" in props:
            current[user] = (r["#event_name"], props["stage_id"])
        elif "stage_name" in props and user in current:
            event, ident = current[user]
            if event == "stage_clear":
                ident = order[min(order.index(ident) + 1, len(order) - 1)]
            judged += 1
            wrong += named.get(props["stage_name"]) != ident
    assert judged >= 100
    assert wrong == 0

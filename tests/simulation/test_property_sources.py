"""``Rules.properties`` ``id`` and ``device`` edits change the data: an id made the user's
own stays one value per user, a property made a device field reports the device."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from tests.simulation.generated_outputs import EXAMPLES, analysed_rules, generate_with_rules

#: Sized so that over 100 users reach a membership_tier user_set (one-visit users never
#: do: 400 users gave 92-107 over seeds 2-4, 700 give 155-170).
USERS, DAYS = 700, 5
PLAN = EXAMPLES / "ecommerce"

Records = list[dict[str, Any]]
#: A status that starts at its list's first value (basic) and the edit makes start drawn.
STARTED = "membership_tier"


def _generate(tmp: Path, name: str, rules: dict[str, Any]) -> Records:
    out = generate_with_rules(tmp, PLAN, name, rules, users=USERS, days=DAYS, seed=2)
    return [r for file in sorted(out.glob("*.jsonl")) for line in file.read_bytes().splitlines()
            if (r := orjson.loads(line))["#type"] in ("track", "user_set")]


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("property_sources")
    before = analysed_rules(tmp, PLAN)
    edited = yaml.safe_load(yaml.safe_dump(before))
    edited["properties"]["order_id"]["id"] = {"stem": "order", "mode": "stable"}
    edited["properties"]["search_term"]["device"] = "os"
    edited["properties"][STARTED]["start"] = "drawn"
    return {"analysis": before, "before": _generate(tmp, "before", before),
            "edited": _generate(tmp, "edited", edited)}


def _per_user(records: Records, prop: str) -> dict[str, set[Any]]:
    seen: dict[str, set[Any]] = defaultdict(set)
    for r in records:
        if prop in r["properties"]:
            seen[r["#distinct_id"]].add(r["properties"][prop])
    return seen


def test_the_analysis_reads_ids_and_device_fields(runs: dict[str, Any]) -> None:
    props = runs["analysis"]["properties"]
    assert props["order_id"]["id"] == {"stem": "order", "mode": "unique"}
    assert props["product_id"]["id"]["mode"] == "catalogue"
    assert props["platform"]["device"] == "os" and props["country"]["device"] == "country"


def test_an_id_made_the_users_own_is_one_value_per_user(runs: dict[str, Any]) -> None:
    before, after = _per_user(runs["before"], "order_id"), _per_user(runs["edited"], "order_id")
    assert sum(len(ids) > 1 for ids in before.values()) > 10     # a new id per order before
    assert len(after) > 20 and all(len(ids) == 1 for ids in after.values())
    assert len({next(iter(ids)) for ids in after.values()}) == len(after)   # each user's own


def test_a_property_made_a_device_field_reports_the_device(runs: dict[str, Any]) -> None:
    carried = [r for r in runs["edited"] if "search_term" in r["properties"]]
    assert len(carried) > 20
    assert all(r["properties"]["search_term"] == r["properties"]["#os"] for r in carried)
    before = {r["properties"]["search_term"] for r in runs["before"]
              if "search_term" in r["properties"]}
    assert not before & {"iOS", "Android"}


def _first_values(records: Records, prop: str) -> list[Any]:
    """Each user's first user_set value of ``prop`` (where they start)."""
    first: dict[str, Any] = {}
    for r in records:
        if r["#type"] == "user_set" and prop in r["properties"]:
            first.setdefault(r["#distinct_id"], r["properties"][prop])
    return list(first.values())


def test_a_start_edit_changes_where_users_start(runs: dict[str, Any]) -> None:
    assert runs["analysis"]["properties"][STARTED]["start"] == "first"
    before, after = _first_values(runs["before"], STARTED), _first_values(runs["edited"], STARTED)
    assert len(before) > 100 and set(before) == {"basic"}
    assert len(after) > 100 and sum(v != "basic" for v in after) > len(after) / 3

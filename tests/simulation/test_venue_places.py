"""A venue's city is the venue's (issue 11): ``hotel_city`` beside ``hotel_id`` is a thing
attribute, one gazetteer place of the run's market per hotel id, the same for every user;
its province holds it; a Rules catalogue entry's ``city`` is the one shown.

Measured before (this plan, 300 users x 7 days, seed 3): the user's own city drawn per
user, so one hotel id showed several cities.
"""

from __future__ import annotations

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from demogen import gazetteer
from tests.simulation.generated_outputs import generate_with_rules
from tests.validate.generated import Output

_EVENTS = [
    ("hotel_view", "A hotel's page was opened.", "hotel_id,hotel_name,hotel_city,hotel_star"),
    ("hotel_book", "A room of the hotel was booked.",
     "hotel_id,hotel_city,hotel_province,nights"),
]
_PROPERTIES = [
    ("hotel_id", "string", "Id of the hotel.", ""),
    ("hotel_name", "string", "Name of the hotel.", ""),
    ("hotel_city", "string", "City the hotel is in.", ""),
    ("hotel_province", "string", "Province the hotel is in.", ""),
    ("hotel_star", "number", "Star rating of the hotel.", "1-5"),
    ("nights", "number", "Nights booked.", "1-7"),
]


def _write_plan(folder: Path) -> Path:
    folder.mkdir(parents=True)
    with (folder / "events.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, quoting=csv.QUOTE_ALL)
        out.writerow(["event_name", "event_tag", "description", "properties"])
        out.writerows((name, "Travel", text, props) for name, text, props in _EVENTS)
    with (folder / "properties.csv").open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f, quoting=csv.QUOTE_ALL)
        out.writerow(["name", "type", "description", "constraint", "scope", "update_method"])
        out.writerows((*row, "event", "") for row in _PROPERTIES)
    (folder / "product.json").write_text(json.dumps({
        "industry": "travel", "platform": "mobile_app", "product_name": "Staywise",
        "description": "Hotel booking app: search hotels, view them, book rooms."}))
    return folder


def _cities(out: Path) -> dict[str, list[dict[str, Any]]]:
    seen: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for records in Output(out).files.values():
        for r in records:
            props = r.get("properties", {})
            if "hotel_id" in props and "hotel_city" in props:
                seen[props["hotel_id"]].append(props)
    return seen


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_plan(tmp_path_factory.mktemp("venues") / "plan")


def test_a_hotel_keeps_one_city_of_the_market(plan: Path, tmp_path: Path) -> None:
    out = generate_with_rules(tmp_path, plan, "out", {"market": "JP"}, users=300, days=7,
                              seed=3)
    seen = _cities(out)
    shown = sum(len(rows) for rows in seen.values() if len(rows) > 1)
    assert len(seen) >= 10 and shown >= 50   # hotels shown more than once
    many = {h: {r["hotel_city"] for r in rows} for h, rows in seen.items()}
    assert {h: c for h, c in many.items() if len(c) > 1} == {}
    cities = {next(iter(c)) for c in many.values()}
    assert len(cities) >= 3     # a city per hotel, not one for all
    assert all(any(p.country == "JP" for p in gazetteer.find(gazetteer.CITY, c))
               for c in cities)
    booked = [r for rows in seen.values() for r in rows if "hotel_province" in r]
    assert booked and all(gazetteer.contains(r["hotel_province"], r["hotel_city"])
                          for r in booked)


def test_a_rules_city_is_the_one_shown(plan: Path, tmp_path: Path) -> None:
    rules = {"catalogues": {"hotel": {"entries": [
        {"id": "H1", "attributes": {"city": "Osaka"}},
        {"id": "H2", "attributes": {"city": "Sapporo"}}]}}}
    out = generate_with_rules(tmp_path, plan, "out", rules, users=100, days=3, seed=3)
    seen = _cities(out)
    assert set(seen) == {"H1", "H2"}
    assert {h: {r["hotel_city"] for r in rows} for h, rows in seen.items()} == \
        {"H1": {"Osaka"}, "H2": {"Sapporo"}}

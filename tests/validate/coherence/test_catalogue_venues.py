"""validate's catalogue check follows a venue's city (issue 11): ``hotel_city`` beside
``hotel_id`` is the hotel's, one city per id. The generated output passes; a copy where a
later record shows a hotel in another city is reported, there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from demogen.validate.coherence._catalogue import CatalogueChecker
from tests.simulation.generated_outputs import generate_with_rules
from tests.simulation.test_venue_places import _write_plan
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output


def _shows_a_city(r: dict[str, Any]) -> bool:
    return r.get("#type") == "track" and {"hotel_id", "hotel_city"} <= set(r["properties"])


def test_a_hotel_shown_in_two_cities_is_reported(tmp_path: Path) -> None:
    plan = _write_plan(tmp_path / "plan")
    out = generate_with_rules(tmp_path, plan, "out", {"market": "JP"}, users=150, days=5,
                              seed=3)
    assert findings(out, CatalogueChecker, out) == []
    output = Output(out).copy()
    _, _, first = output.find(_shows_a_city)
    ident, city = first["properties"]["hotel_id"], first["properties"]["hotel_city"]
    _, _, later = output.find(lambda r: _shows_a_city(r) and
                              r["properties"]["hotel_id"] == ident, skip=1)
    other = "Sapporo" if city != "Sapporo" else "Osaka"
    later["properties"]["hotel_city"] = other
    found = findings(output.write(tmp_path / "broken"), CatalogueChecker, out)
    assert len(found) == 1, found
    assert f"'{ident}'" in found[0] and "hotel_city" in found[0] and repr(other) in found[0]

"""validate's catalogue check on thing attributes (issue 11): a hero shown with a rarity
another record gave it is reported, once, there; the default output passes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from demogen.validate.coherence._catalogue import CatalogueChecker
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output


def _names_a_hero(r: dict[str, Any]) -> bool:
    return r.get("#type") == "track" and {"hero_id", "hero_rarity"} <= set(r["properties"])


def test_a_hero_with_another_rarity_is_reported(coherence_output, tmp_path: Path) -> None:
    out = coherence_output("game").out
    assert findings(out, CatalogueChecker, out) == []
    output = Output(out).copy()
    _, _, first = output.find(_names_a_hero)
    hero = first["properties"]["hero_id"]
    _, _, later = output.find(lambda r: _names_a_hero(r) and r["properties"]["hero_id"] == hero,
                              skip=1)
    rarity = later["properties"]["hero_rarity"]
    later["properties"]["hero_rarity"] = "SSR" if rarity != "SSR" else "R"
    found = findings(output.write(tmp_path / "broken"), CatalogueChecker, out)
    assert len(found) == 1
    assert f"'{hero}'" in found[0] and "hero_rarity" in found[0]

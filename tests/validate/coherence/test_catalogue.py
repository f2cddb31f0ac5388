"""validate's catalogue check: the default output passes; a copy where one record gives an
id another name or type (in an event property, an object row) is reported, once, there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from demogen.validate.coherence import CHECKERS
from demogen.validate.coherence._catalogue import CatalogueChecker
from tests.corpus import corpus
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output


def _rows_with(field: str, key: str):  # type: ignore[no-untyped-def]
    return lambda r: r.get("#type") == "track" and any(
        key in row for row in r["properties"].get(field) or ())


def test_registered() -> None:
    assert CatalogueChecker in CHECKERS


def test_clean_game_passes(coherence_output) -> None:
    out = coherence_output("game").out
    assert findings(out, CatalogueChecker, out) == []


def test_a_row_giving_an_item_another_type(coherence_output, tmp_path: Path) -> None:
    out = coherence_output("game").out
    output = Output(out).copy()
    # A later row of an item seen before: its type must be the one seen first.
    _, _, record = output.find(_rows_with("reward_items", "item_id"), skip=5)
    row = record["properties"]["reward_items"][0]
    other = "material" if row["item_type"] != "material" else "ticket"
    row["item_type"] = other
    found = findings(output.write(tmp_path / "broken"), CatalogueChecker, out)
    assert len(found) >= 1
    assert all(f"'{row['item_id']}'" in f and repr(other) in f for f in found)


def test_an_event_naming_a_product_another_type(coherence_output, tmp_path: Path) -> None:
    out = coherence_output("game").out
    output = Output(out).copy()
    def test(r: dict[str, Any]) -> bool:
        return r.get("#type") == "track" and {"product_id", "product_type"} <= \
            set(r["properties"])

    _, _, first = output.find(test)
    ident = first["properties"]["product_id"]
    _, _, later = output.find(lambda r: test(r) and r["properties"]["product_id"] == ident,
                              skip=1)
    later["properties"]["product_type"] = "not_" + later["properties"]["product_type"]
    found = findings(output.write(tmp_path / "broken"), CatalogueChecker, out)
    assert len(found) == 1 and f"'{ident}'" in found[0] and "product_type" in found[0]


@corpus
def test_a_currency_row_with_another_name(coherence_output, tmp_path: Path) -> None:
    g = coherence_output("te_data_generator__idle-game-example")
    assert findings(g.out, CatalogueChecker, g.out) == []
    output = Output(g.out).copy()
    _, _, record = output.find(_rows_with("currencies_spent_info", "currency_name"), skip=3)
    row = record["properties"]["currencies_spent_info"][0]
    row["currency_name"] = "Twilight Dagger"
    found = findings(output.write(tmp_path / "broken"), CatalogueChecker, g.out)
    assert len(found) == 1 and "Twilight Dagger" in found[0] and row["currency_id"] in found[0]


# -- names a plan lists: Rules' named entries (session 9) ---------------------------------

_NAMED_PLAN = {
    "product": {"industry": "game", "platform": "mobile_app", "product_name": "Blade Saga",
                "description": "A mobile RPG: players loot items and open chests."},
    "events": [
        {"name": "item_get", "description": "The player received an item.",
         "properties": "item_id,item_name"},
        {"name": "chest_open", "description": "The player opened a chest.",
         "properties": "items"}],
    "properties": [
        {"name": "item_id", "type": "string", "description": "Identifier of the item."},
        {"name": "item_name", "type": "string", "description": "Name of the item.",
         "constraint": "Iron Sword,Oak Shield,Health Potion"},
        {"name": "items", "type": "object group", "description": "Items, one per object."},
        {"name": "items.id", "type": "string", "description": "Identifier of the item."},
        {"name": "items.name", "type": "string", "description": "Name of the item."}]}


def test_a_row_renaming_an_item_the_plan_names(tmp_path: Path) -> None:
    """Items the plan names (``item_name``: Iron Sword …) keep those names in every row
    (clean before the break: rows used to draw names of their own); a row showing another
    name for a named item is reported once, against the name Rules give it."""
    import json

    from tests.simulation.generated_outputs import generate

    (tmp_path / "plan").mkdir()
    (tmp_path / "plan" / "taxonomy.json").write_text(json.dumps(_NAMED_PLAN))
    out = generate(tmp_path / "plan", tmp_path / "out", users=60, days=3, seed=3).out
    assert findings(out, CatalogueChecker, out) == []
    output = Output(out).copy()
    _, _, record = output.find(_rows_with("items", "name"))
    row = record["properties"]["items"][0]
    assert row["name"] in {"Iron Sword", "Oak Shield", "Health Potion"}
    row["name"] = "Mystic Orb"
    found = findings(output.write(tmp_path / "broken"), CatalogueChecker, out)
    assert len(found) == 1 and "Mystic Orb" in found[0] and "Rules name it" in found[0]


# -- flat product fields: Segment's Product Viewed (session 11) ---------------------------


def _flat(field: str):  # type: ignore[no-untyped-def]
    return lambda r: r.get("#type") == "track" and {"product_id", field} <= \
        set(r["properties"])


@pytest.mark.parametrize(("source", "field"), [
    ("segment_shop", "brand"),
    pytest.param("segment_ecommerce_v2", "name", marks=corpus),
])
def test_a_flat_field_giving_a_product_another_value(coherence_output, tmp_path: Path,
                                                     source: str, field: str) -> None:
    """A bare top-level ``brand``/``name`` beside ``product_id`` is the product's: the
    clean output passes; one later record showing another value is reported, there."""
    g = coherence_output(source)
    assert findings(g.out, CatalogueChecker, g.out) == []
    output = Output(g.out).copy()
    _, _, first = output.find(_flat(field))
    ident = first["properties"]["product_id"]
    _, _, later = output.find(lambda r: _flat(field)(r)
                              and r["properties"]["product_id"] == ident, skip=1)
    later["properties"][field] = "Not " + str(later["properties"][field])
    found = findings(output.write(tmp_path / "broken"), CatalogueChecker, g.out)
    assert len(found) == 1 and f"'{ident}'" in found[0] and f"{field} 'Not " in found[0]


def test_a_sku_disagreeing_with_its_product_id(tmp_path: Path) -> None:
    """A sku beside ``product_id`` (``sku``, ``item_sku``, a ``products`` row's ``sku``) is
    the product's one code: the clean output passes; a later record showing another sku
    for the same id is reported, there."""
    from tests.data import SKU_PLAN
    from tests.simulation.generated_outputs import generate

    out = generate(SKU_PLAN, tmp_path / "out", users=60, days=4, seed=3).out
    assert findings(out, CatalogueChecker, out) == []
    output = Output(out).copy()
    _, _, first = output.find(_flat("item_sku"))
    ident = first["properties"]["product_id"]
    passed = []     # a record after the first: the first one seen keeps the sku

    def later_sku(r: dict[str, Any]) -> bool:
        passed.append(r is first)
        return any(passed[:-1]) and _flat("sku")(r) and r["properties"]["product_id"] == ident

    _, _, later = output.find(later_sku)
    later["properties"]["sku"] = "SKU-000001"
    found = findings(output.write(tmp_path / "broken"), CatalogueChecker, out)
    assert len(found) == 1 and f"'{ident}'" in found[0] and "SKU-000001" in found[0]

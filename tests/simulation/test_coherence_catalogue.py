"""Catalogues (issue 11): the properties of one thing (``product_id`` + ``product_name``, the
fields of a row of ``items_received_info``) show one entry, one id has one name and type in
the whole output, and a Rules ``catalogues`` edit changes what is shown.

Measured before: ``"product_id":"remove_ads_永久","product_name":"Energy Refill"``;
``reward_items`` rows ``{"item_id":"gold","item_type":"exp"}``; ``currencies_spent_info``
``{"currency_id":"gold","currency_name":"Twilight Dagger"}``; ``commodity_list`` rows of a
knife set of type Bedding in size XS; idle ``items_received_info`` rows whose ``id`` and
``item_id`` differ.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import orjson
import pytest

from demogen.analysis.heuristic._catalogues import catalogue_data
from demogen.currencies import load_currencies
from tests.corpus import corpus
from tests.simulation.generated_outputs import (
    EXAMPLES,
    Generated,
    analysed_rules,
    generate_with_rules,
    tracks,
)

IDLE = "te_data_generator__idle-game-example"
SHOP = "te_data_generator__ecommerce-tracking-plan"


def _rows(g: Generated, event: str | None, field: str) -> Iterator[Mapping[str, Any]]:
    """The rows of object group ``field`` (of ``event``, or any event)."""
    for record in tracks(g.records):
        if event is None or record["#event_name"] == event:
            yield from record["properties"].get(field) or ()


def _one_to_one(pairs: Iterator[tuple[Any, Any]]) -> dict[Any, set[Any]]:
    """id → the values seen with it, for the ids seen with more than one."""
    seen: dict[Any, set[Any]] = defaultdict(set)
    for ident, value in pairs:
        seen[ident].add(value)
    return {k: v for k, v in seen.items() if len(v) > 1}


def test_game_reward_rows_keep_one_type_per_item(coherence_output) -> None:
    g = coherence_output("game")
    rows = list(_rows(g, None, "reward_items"))
    assert rows
    assert _one_to_one((r["item_id"], r["item_type"]) for r in rows) == {}
    # Game currencies and the plan's own type words: gold is gold, a shard a hero_shard.
    types = {r["item_id"]: r["item_type"] for r in rows}
    assert types.get("gold") == "gold"
    shards = [i for i in types if i.startswith("hero_shard")]
    assert shards and all(types[i] == "hero_shard" for i in shards)


def test_game_product_type_fits_the_id(coherence_output) -> None:
    g = coherence_output("game")
    seen = {(p["product_id"], p["product_type"]) for r in tracks(g.records)
            if "product_id" in (p := r["properties"]) and "product_type" in p}
    assert seen
    assert _one_to_one(iter(seen)) == {}
    assert all(t == "gem_pack" for i, t in seen if i.startswith("gem_pack"))


@corpus
def test_idle_item_rows_name_one_item(buyers_output) -> None:
    # purchases' rows: the spenders' run (a 300-user run may hold none)
    g = buyers_output(IDLE)
    rows = [r for e in ("te_iap_transaction", "te_iap_purchase_succeeded")
            for r in _rows(g, e, "items_received_info")]
    assert rows
    assert all(r["id"] == r["item_id"] for r in rows)     # a bare id is the item's id
    assert _one_to_one((r["item_id"], r["item_name"]) for r in rows if "item_name" in r) == {}
    assert _one_to_one((r["item_id"], r["item_type"]) for r in rows) == {}


@corpus
def test_idle_currencies_are_named_by_their_id(coherence_output) -> None:
    g = coherence_output(IDLE)
    rows = list(_rows(g, None, "currencies_spent_info"))
    assert rows
    names = {r["currency_id"]: r["currency_name"] for r in rows}
    assert names.get("gold") == "Gold"
    assert all(name.lower() == ident.replace("_", " ") for ident, name in names.items())


@corpus
def test_idle_products_and_shop_items_keep_their_names(buyers_output) -> None:
    g = buyers_output(IDLE)
    pairs = {(p["product_id"], p["product_name"]) for r in tracks(g.records)
             if "product_name" in (p := r["properties"]) and "product_id" in p}
    items = {(p["item_id"], p["item_name"], p.get("item_type")) for r in tracks(g.records)
             if "item_name" in (p := r["properties"]) and "item_id" in p}
    assert pairs and items
    assert _one_to_one(iter(pairs)) == {}
    assert _one_to_one((i, (n, t)) for i, n, t in items) == {}
    # remove_ads_永久 is not an "Energy Refill": a readable id names itself.
    assert all(name.split()[0].lower() in ident.lower() for ident, name in pairs)


@corpus
def test_shop_rows_show_the_plans_products_with_fitting_attributes(coherence_output) -> None:
    g = coherence_output(SHOP)
    listed = {str(v) for p in g.taxonomy.properties if p.name == "commodity_id"
              for v in p.enum}
    rows = list(_rows(g, None, "commodity_list"))
    assert rows and listed
    assert {r["commodity_id"] for r in rows} <= listed     # one catalogue for the whole plan
    assert _one_to_one((r["commodity_id"], (r["commodity_name"], r["commodity_type"]))
                       for r in rows) == {}
    categories = catalogue_data()["categories"]
    for r in rows:
        spec = categories[r["commodity_type"]]
        assert any(noun in r["commodity_name"] for noun in spec["nouns"]), r
        sized = "sizes" in spec
        assert (r["size"] in spec["sizes"]) if sized else r["size"] == catalogue_data()[
            "no_size"], r
    tops = {(p["commodity_id"], p["commodity_name"]) for r in tracks(g.records)
            if "commodity_name" in (p := r["properties"]) and "commodity_id" in p}
    row_names = {(r["commodity_id"], r["commodity_name"]) for r in rows}
    assert _one_to_one(iter(tops | row_names)) == {}      # events and rows agree


def test_a_rules_catalogue_edit_changes_the_output(tmp_path: Path) -> None:
    plan = EXAMPLES / "ecommerce"
    rules = analysed_rules(tmp_path, plan)
    entries = {"p_1001": "Linen Shirt", "p_1002": "Desk Lamp"}
    rules["catalogues"] = {"product": {"entries": [
        {"id": i, "name": n, "type": "Fashion"} for i, n in entries.items()]}}
    out = generate_with_rules(tmp_path, plan, "edited", rules, users=60, days=3, seed=3)
    records = [orjson.loads(line) for f in sorted(out.glob("logs_*.jsonl"))
               for line in f.read_bytes().splitlines() if line.strip()]
    shown = [p for r in tracks(records) if "product_id" in (p := r["properties"])]
    assert shown
    assert {p["product_id"] for p in shown} <= set(entries)
    named = {(p["product_id"], p["product_name"]) for p in shown if "product_name" in p}
    assert named and named <= set(entries.items())


@pytest.mark.parametrize("bad", [{"entries": [{"name": "no id"}]},
                                 {"entries": [{"id": "x", "colour": "red"}]}])
def test_catalogue_entries_are_strict(bad: dict[str, Any]) -> None:
    from demogen.analysis.rules import Rules
    from demogen.errors import RulesError

    with pytest.raises(RulesError):
        Rules.from_data({"catalogues": {"item": bad}})


def test_a_rules_price_edit_changes_the_records(tmp_path: Path) -> None:
    """A catalogue entry's ``price_usd`` is the price of every record naming it: the game's
    analyzed store lists gem_pack_60; editing its price moves its views, attempts and
    purchases to the new tier (in USD and in the local currency's matching tier)."""
    plan = EXAMPLES / "game"
    rules = analysed_rules(tmp_path, plan)
    entries = rules["catalogues"]["product"]["entries"]
    assert "gem_pack_60" in {e["id"] for e in entries}
    for entry in entries:
        entry["price_usd"] = 19.99 if entry["id"] == "gem_pack_60" else 0.99
    out = generate_with_rules(tmp_path, plan, "priced", rules, users=400, days=7, seed=3)
    records = [orjson.loads(line) for f in sorted(out.glob("logs_*.jsonl"))
               for line in f.read_bytes().splitlines() if line.strip()]
    priced = [p for r in tracks(records) if "price" in (p := r["properties"])
              and "product_id" in p and "currency" in p]
    assert {p["product_id"] for p in priced} >= {"gem_pack_60", "starter_pack"}
    usd = load_currencies().currencies["USD"].points
    for p in priced:
        want = 19.99 if p["product_id"] == "gem_pack_60" else 0.99
        assert p.get("price_usd", want) == want, p
        local = load_currencies().currencies[p["currency"]].points
        assert p["price"] == local[usd.index(want)], p

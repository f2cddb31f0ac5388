"""The Chinese SLG workbook 铁血王座 (tests/data/unseen/build_zh_slg.py), read as a prospect
would (issue 11): what its recharges, upgrades and names show. Each check holds for any
plan; this workbook is the one that showed it missing.

Measured before (300 users x 10 days, seed 3): ``recharge_click.pay_amount`` beside
``gem_6`` showed 7 … 549 (no currency on the click, so it was not read as money); with it
read as money, a Taiwanese user's click showed TWD (150 for gem_30) beside a CNY payment.
"""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from demogen.validate.coherence._market import MarketChecker
from demogen.validate.coherence._money import MoneyChecker
from tests.data.unseen.build_zh_slg import write_zh_slg
from tests.simulation.generated_outputs import (
    Generated,
    analysed,
    generate,
    generate_with_rules,
    tracks,
)
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output


@pytest.fixture(scope="module")
def slg(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    scratch = tmp_path_factory.mktemp("zh_slg")
    return generate(write_zh_slg(scratch / "plan"), scratch / "out", users=120, days=5, seed=3)


def _amounts(slg: Generated, event: str) -> dict[Any, set[Any]]:
    """product_id → the pay_amounts ``event`` shows."""
    seen: dict[Any, set[Any]] = defaultdict(set)
    for record in tracks(slg.records):
        props = record["properties"]
        if record["#event_name"] == event and "product_id" in props:
            seen[props["product_id"]].add(props.get("pay_amount"))
    return seen


def test_a_click_on_a_pack_shows_its_price(slg: Generated) -> None:
    """A pre-payment event naming one priced product (``recharge_click``: ``product_id`` and
    ``pay_amount``, no currency) shows that product's price, in the currency the payment
    lists alone (``currency``: 枚举 CNY): one amount per pack, ``gem_30`` at 30."""
    clicks = _amounts(slg, "recharge_click")
    assert len(clicks) >= 5
    assert {k: v for k, v in clicks.items() if len(v) > 1} == {}
    assert clicks.get("gem_30") == {30}, clicks


def test_validate_reports_a_click_at_another_price(slg: Generated, tmp_path: Path) -> None:
    """validate's money check reads the click's amount as the pack's price too (before:
    a click without a currency was no money to it, so any number passed)."""
    assert findings(slg.out, MoneyChecker, slg.out) == []
    output = Output(slg.out).copy()
    name, index, record = output.find(
        lambda r: r.get("#event_name") == "recharge_click"
        and r["properties"].get("product_id") == "gem_30")
    record["properties"]["pay_amount"] = 33
    found = findings(output.write(tmp_path / "broken"), MoneyChecker, slg.out)
    assert len(found) == 1 and f"{name}:{index + 1}" in found[0], found


def test_an_upgrade_is_one_step_of_its_things_chain(slg: Generated) -> None:
    """``building_upgrade`` shows ``building_id``, ``from_level`` and ``to_level``: a step
    (to = from + 1) from the building's current level, so per user and building the levels
    only rise, each upgrade starting where the last one ended (before: 28 → 7)."""
    steps = bad = chained = 0
    last: dict[tuple[Any, Any], Any] = {}
    for record in sorted(tracks(slg.records), key=lambda r: r["#time"]):
        props = record["properties"]
        if "from_level" not in props or "to_level" not in props:
            continue
        steps += 1
        bad += props["to_level"] != props["from_level"] + 1
        key = (record["#distinct_id"], props.get("building_id"))
        chained += key in last and last[key] != props["from_level"]
        last[key] = props["to_level"]
    assert steps >= 20
    assert (bad, chained) == (0, 0)


def test_a_chinese_players_name_is_chinese(slg: Generated) -> None:
    """A role name (``role_name``, a nickname) follows the player's language: a Chinese
    device's is written in Chinese (before: ``RogueAria49`` for everyone)."""
    names = {(r["properties"].get("#system_language"), r["properties"]["role_name"])
             for r in tracks(slg.records) if isinstance(r["properties"].get("role_name"), str)}
    chinese = [n for lang, n in names if lang == "zh"]
    assert len(chinese) >= 5
    assert [n for n in chinese if not any("\u4e00" <= c <= "\u9fff" for c in n)] == []


def test_a_resource_gain_leaves_the_gem_balance(tmp_path: Path) -> None:
    """``resource_gain`` (wood, food … by ``resource_type``; no currency in its name) does
    not move ``gem_balance`` when the plan's own ``gem_gain`` / ``gem_cost`` name the gems
    (before: every wood gain added to the gem balance)."""
    _taxonomy, _product, rules = analysed(write_zh_slg(tmp_path / "plan"))
    moved = {e for e, props in rules.update_patterns.items() if "gem_balance" in props}
    assert "resource_gain" not in moved and "resource_cost" not in moved, moved
    assert {"gem_gain", "gem_cost"} <= moved, moved


def test_a_chain_stops_at_its_top(tmp_path: Path) -> None:
    """A thing at the top of its level range upgrades no more: the record names another
    building (before: a building at ``from_level``'s max, 30, upgraded to 31: 110 of 5,376
    upgrades at 300 x 10). The plan's range is narrowed here (Rules ``value_ranges``,
    from 1~5, to 2~5, as the plan's own 1~30 and 2~30) so that many buildings reach it in a
    short run."""
    plan = write_zh_slg(tmp_path / "plan")
    out = generate_with_rules(tmp_path, plan, "capped", {"value_ranges": {
        "from_level": {"min": 1, "max": 5}, "to_level": {"min": 2, "max": 5}}},
        users=120, days=5, seed=3)
    records = [json.loads(line) for f in sorted(out.glob("logs_*.jsonl"))
               for line in f.read_text(encoding="utf-8").splitlines()]
    steps = [r["properties"] for r in sorted(tracks(records), key=lambda r: r["#time"])
             if r["#event_name"] == "building_upgrade_start"]
    assert len(steps) >= 200
    assert sum(p["to_level"] == 5 for p in steps) >= 20    # many reach the top …
    assert [p for p in steps if p["to_level"] > 5] == []    # … none passes it


def test_an_attack_targets_another_role(slg: Generated) -> None:
    """An id naming another person (``attack_city.target_role_id``: a target, opponent,
    enemy, friend …) is never the user's own account (before: the analyzer read it as the
    account id, and every attack, 2,656 of 2,656 at 300 x 10, targeted the attacker)."""
    attacks = [r for r in tracks(slg.records) if r["#event_name"] == "attack_city"]
    assert len(attacks) >= 20
    assert [r for r in attacks if r["properties"]["target_role_id"] == r.get("#account_id")] == []
    assert len({r["properties"]["target_role_id"] for r in attacks}) >= 10


def test_validate_reports_an_attack_on_the_users_own_role(slg: Generated,
                                                          tmp_path: Path) -> None:
    """validate's market check reports another person's id equal to ``#account_id``."""
    assert findings(slg.out, MarketChecker, slg.out) == []
    output = Output(slg.out).copy()
    name, index, record = output.find(lambda r: r.get("#event_name") == "attack_city"
                                        and "#account_id" in r)
    record["properties"]["target_role_id"] = record["#account_id"]
    found = findings(output.write(tmp_path / "broken"), MarketChecker, slg.out)
    assert len(found) == 1 and f"{name}:{index + 1}" in found[0], found
    assert "is the user's own #account_id" in found[0], found

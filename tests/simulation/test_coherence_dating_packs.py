"""Sparkd (tests/data/unseen/dating), read as a prospect would: boosts and Super Likes are
spent from a balance that packs bought fill.

Measured before (300 users × 10 days, seed 3): 3,022 ``boost_activated`` and 2,996
``super_like_used`` against 6 ``purchase_completed`` in all; 2,267 boosts and 2,400 Super
Likes used with no balance held; ``boosts_left`` / ``super_likes_left`` the balance after
the use on 237 of 3,022 and 47 of 2,996 uses; a pack's ``quantity`` its id's number on 1 of
6 purchases. With every user a spender, 10 of 75 packs bought gave fewer than their
``quantity`` (the balance held at its range's top). Every user here is a spender (a custom
segment) so that packs are bought.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from demogen.validate.coherence._balances import BalancesChecker
from tests.simulation.generated_outputs import Generated, generate, spender_config
from tests.validate.coherence.checking import findings

DATING = Path(__file__).parents[1] / "data" / "unseen" / "dating"
#: Use event → (its "left" property, the user balance, the packs' id prefix).
USES = {"boost_activated": ("boosts_left", "boosts_balance", "boost_"),
        "super_like_used": ("super_likes_left", "super_likes_balance", "super_like_")}


@pytest.fixture(scope="module")
def sparkd(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    root = tmp_path_factory.mktemp("dating_packs")
    return generate(DATING, root / "out", users=200, days=7, seed=3,
                    extra=["--config", spender_config(root)])


def _replay(g: Generated) -> dict[str, Any]:
    """Per user in file order: the balances their user_set records hold, each use judged
    against the balance before it, each pack bought counted."""
    uses: Counter[str] = Counter()
    uncovered: Counter[str] = Counter()
    left_off: Counter[str] = Counter()
    bought: Counter[str] = Counter()
    start: Counter[str] = Counter()
    quantity_off = fill_off = 0
    for records in g.timelines.values():
        held: dict[str, float] = {}
        for i, r in enumerate(records):
            props = r.get("properties", {})
            if r.get("#type") == "user_set":
                for balance in ("boosts_balance", "super_likes_balance"):
                    if balance in props:
                        if balance not in held:
                            start[balance] += props[balance]
                        held[balance] = props[balance]
            if r.get("#type") != "track":
                continue
            event = r.get("#event_name")
            if event == "purchase_completed":
                product = props["product_id"]
                quantity_off += props.get("quantity") != int(product.rsplit("_", 1)[1])
                balance = next(b for _, b, prefix in USES.values()
                               if product.startswith(prefix))
                bought[balance] += props["quantity"]
                after = next((n["properties"][balance] for n in records[i + 1:i + 2]
                              if n.get("#type") == "user_set" and balance in n["properties"]),
                             None)
                fill_off += after != held.get(balance, 0) + props["quantity"]
            elif event in USES:
                left, balance, _ = USES[event]
                uses[balance] += 1
                before = held.get(balance, 0)
                uncovered[balance] += before < 1
                left_off[balance] += props.get(left) != before - 1
    return {"uses": uses, "uncovered": uncovered, "left_off": left_off, "bought": bought,
            "start": start, "quantity_off": quantity_off, "fill_off": fill_off}


def test_uses_are_what_was_bought_or_held(sparkd: Generated) -> None:
    seen = _replay(sparkd)
    assert sum(seen["bought"].values()) > 0 and sum(seen["uses"].values()) > 0, seen
    assert seen["quantity_off"] == 0
    assert sum(seen["uncovered"].values()) == 0, seen
    for balance in ("boosts_balance", "super_likes_balance"):
        assert seen["uses"][balance] <= seen["start"][balance] + seen["bought"][balance], seen


def test_a_pack_adds_all_it_holds(sparkd: Generated) -> None:
    """A pack the balance has no room for (its top: the plan's range, boosts 0-10) is not
    bought; before, 10 of 75 packs were held at the top (300 × 10 seed 3, spenders)."""
    assert _replay(sparkd)["fill_off"] == 0


def test_left_is_the_balance_after_the_use(sparkd: Generated) -> None:
    seen = _replay(sparkd)
    assert sum(seen["left_off"].values()) == 0, seen
    assert findings(sparkd.out, BalancesChecker, sparkd.out) == []


def test_packs_cost_less_each_when_bigger(sparkd: Generated) -> None:
    paid: dict[str, set[float]] = {}
    for r in sparkd.records:
        props = r.get("properties", {})
        if r.get("#event_name") == "purchase_completed" and props.get("currency") == "USD":
            paid.setdefault(props["product_id"], set()).add(props["price"])
    assert paid and all(len(prices) == 1 for prices in paid.values()), paid
    for prefix in ("boost_", "super_like_"):
        packs = sorted(((int(p.rsplit("_", 1)[1]), next(iter(v))) for p, v in paid.items()
                        if p.startswith(prefix)))
        assert [t for _, t in packs] == sorted(t for _, t in packs), packs
        each = [t / n for n, t in packs]
        assert each == sorted(each, reverse=True), packs

"""validate's basket check: the default outputs pass; a copy where one order line holds
fewer of a product than its buyer carted is reported there."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from demogen.validate.coherence import CHECKERS
from demogen.validate.coherence._basket import BasketChecker
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output

SHOP = "te_data_generator__ecommerce-tracking-plan"


def test_registered() -> None:
    assert BasketChecker in CHECKERS


def test_clean_ecommerce_passes(coherence_output) -> None:
    """examples/ecommerce orders list product ids (no quantity per line): nothing to
    report."""
    out = coherence_output("ecommerce").out
    assert findings(out, BasketChecker, out) == []


def _recarted_line(output: Output) -> tuple[str, int, dict[str, Any], int]:
    """A paid order (``pay_order``, no cart add since its checkout) and the index of its
    line whose product its buyer carted since their last order, more than once."""
    adds: dict[str, dict[str, int]] = {}
    since: dict[str, bool] = {}     # a cart add since the user's last checkout
    for name, index, record in output.records():
        if record.get("#type") != "track":
            continue
        event, props, uid = record["#event_name"], record["properties"], record["#distinct_id"]
        cart = adds.setdefault(uid, {})
        if event == "add_cart":
            cart[props["commodity_id"]] = cart.get(props["commodity_id"], 0) + 1
            since[uid] = True
        elif event == "submit_order":
            since[uid] = False
        elif event == "pay_order":
            for i, row in enumerate(props["commodity_list"]):
                if cart.get(row["commodity_id"], 0) > 1 and row["commodity_amount"] > 1 \
                        and not since.get(uid, True):
                    return name, index, record, i
                cart.pop(row["commodity_id"], None)
    raise AssertionError("no order line of a product carted twice")


@pytest.mark.corpus
def test_a_line_holding_fewer_than_carted(buyers_output, tmp_path: Path) -> None:
    """Read in the spenders' run: the shop's few payers leave a 300-user run with no paid
    line of a product carted twice, depending on the seed's draws."""
    out = buyers_output(SHOP).out
    assert findings(out, BasketChecker, out) == []
    output = Output(out).copy()
    name, index, record, line = _recarted_line(output)
    record["properties"]["commodity_list"][line]["commodity_amount"] = 1
    found = findings(output.write(tmp_path / "broken"), BasketChecker, out)
    assert len(found) == 1, found
    assert f"{name}:{index + 1}" in found[0] and "holds 1, fewer than" in found[0], found


def _checkout_and_payment(output: Output) -> tuple[str, int, int]:
    """A checkout (``submit_order``) of a few lines and the payment of its rows
    (``pay_order``) in one day file: the file and their indexes."""
    open_at: dict[tuple[str, str], int] = {}
    for name, index, record in output.records():
        if record.get("#type") != "track":
            continue
        event, uid = record["#event_name"], record["#distinct_id"]
        if event == "submit_order":
            open_at[(name, uid)] = index
        elif event == "pay_order" and (name, uid) in open_at:
            checkout = output.files[name][open_at[(name, uid)]]
            rows = checkout["properties"]["commodity_list"]
            if rows == record["properties"]["commodity_list"] and len(rows) <= 3:
                return name, open_at[(name, uid)], index
        elif event == "add_cart":
            open_at.pop((name, uid), None)
    raise AssertionError("no checkout paid in its day")


@pytest.mark.corpus
def test_an_order_buying_what_an_order_paid_since_its_checkout_bought(
        buyers_output, tmp_path: Path) -> None:
    """A second checkout listing the products of an order not paid yet, paid first: the
    first order, paid after it, buys again what the second bought (the KR shop's held
    order's products were listed at the next checkout; 300 x 30 seed 3)."""
    output = Output(buyers_output(SHOP).out).copy()
    name, checkout, payment = _checkout_and_payment(output)
    records = output.files[name]
    again = [copy.deepcopy(records[checkout]), copy.deepcopy(records[payment])]
    records[checkout + 1:checkout + 1] = again
    lines = records[checkout]["properties"]["commodity_list"]
    found = findings(output.write(tmp_path / "broken"), BasketChecker, buyers_output(SHOP).out)
    twice = [f for f in found if "bought by an order paid after" in f]
    assert len(twice) == len(lines), found
    assert all(f"{name}:{payment + 3}:" in f for f in twice), found

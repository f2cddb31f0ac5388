"""validate's money check: the default outputs pass; a copy where one record's USD twin, its
currency's decimals, its order sum or its discount flag is broken is reported there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from demogen.validate.coherence import CHECKERS
from demogen.validate.coherence._money import MoneyChecker
from tests.corpus import corpus
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output

SHOP = "te_data_generator__ecommerce-tracking-plan"


def _with(event: str, *names: str):  # type: ignore[no-untyped-def]
    return lambda r: r.get("#type") == "track" and r.get("#event_name") == event and \
        set(names) <= set(r["properties"])


def _broken(output_of: Any, source: str, tmp_path: Path, test: Any,
            change: Any) -> tuple[list[str], dict[str, Any]]:
    out = output_of(source).out
    output = Output(out).copy()
    name, index, record = output.find(test)
    change(record["properties"])
    found = findings(output.write(tmp_path / "broken"), MoneyChecker, out)
    return found, {"file": name, "line": index + 1}


def test_registered() -> None:
    assert MoneyChecker in CHECKERS


def test_clean_game_passes(coherence_output) -> None:
    out = coherence_output("game").out
    assert findings(out, MoneyChecker, out) == []


def test_a_price_usd_that_is_not_the_price(buyers_output, tmp_path: Path) -> None:
    def change(p: dict[str, Any]) -> None:
        p["price_usd"] = round(p["price_usd"] * 3 + 1, 2)

    found, at = _broken(buyers_output, "game", tmp_path,
                        _with("purchase", "price", "price_usd", "currency"), change)
    assert len(found) == 1
    assert f"{at['file']}:{at['line']}" in found[0] and "price_usd" in found[0]


def test_cents_in_a_currency_without_them(coherence_output, tmp_path: Path) -> None:
    test = lambda r: _with("product_view", "price", "currency")(r) and \
        r["properties"]["currency"] in ("KRW", "JPY")  # noqa: E731

    def change(p: dict[str, Any]) -> None:
        p["price"] = p["price"] + 0.5

    found, at = _broken(coherence_output, "game", tmp_path, test, change)
    # (a listed product is also off its catalogue price by the half won)
    assert found and all(f"{at['file']}:{at['line']}" in f for f in found)
    assert any("no minor unit" in f for f in found)


@corpus
def test_clean_kr_shop_passes(coherence_output) -> None:
    out = coherence_output(SHOP).out
    assert findings(out, MoneyChecker, out) == []


@corpus
def test_paid_above_the_order(coherence_output, tmp_path: Path) -> None:
    def change(p: dict[str, Any]) -> None:
        p["order_actual_amount"] = p["order_amount"] + 5000

    found, at = _broken(coherence_output, SHOP, tmp_path,
                        _with("submit_order", "order_amount", "order_actual_amount"), change)
    assert found and all(f"{at['file']}:{at['line']}" in f for f in found)
    assert any("paid more" in f for f in found)


@corpus
def test_a_discount_flag_that_disagrees(coherence_output, tmp_path: Path) -> None:
    def change(p: dict[str, Any]) -> None:
        p["is_use_discount"] = not p["is_use_discount"]

    found, at = _broken(coherence_output, SHOP, tmp_path,
                        _with("submit_order", "is_use_discount", "order_amount"), change)
    assert len(found) == 1
    assert f"{at['file']}:{at['line']}" in found[0] and "is_use_discount" in found[0]


@corpus
@pytest.mark.parametrize("part", ["shipping", "tax"])
def test_an_order_that_does_not_add_up(coherence_output, tmp_path: Path, part: str) -> None:
    """Checkout Started's value is "revenue + shipping + tax" (its description): a changed
    part no longer adds up."""
    def change(p: dict[str, Any]) -> None:
        p[part] = p[part] + 100

    found, at = _broken(coherence_output, "segment_ecommerce_v2", tmp_path,
                        _with("checkout_started", "value", part, "revenue"), change)
    assert len(found) == 1
    assert f"{at['file']}:{at['line']}" in found[0] and "gross" in found[0]


# -- catalogue prices and coupon rates ------------------------------------------------------


def test_a_product_at_another_tier_than_its_entry(coherence_output, tmp_path: Path) -> None:
    """A product view at another store tier of its currency: a valid price, but not the
    product's catalogue entry's."""
    def change(p: dict[str, Any]) -> None:
        from demogen.currencies import load_currencies

        points = load_currencies().currencies[p["currency"]].points
        p["price"] = points[(points.index(p["price"]) + 1) % len(points)]

    g = coherence_output("game")
    listed = {e.id for e in g.rules.catalogues["product"].entries}
    found, at = _broken(coherence_output, "game", tmp_path,
                        lambda r: _with("product_view", "price", "currency")(r)
                        and r["properties"].get("product_id") in listed, change)
    assert len(found) == 1
    assert f"{at['file']}:{at['line']}" in found[0] and "catalogue entry" in found[0]


@corpus
def test_a_row_priced_apart_from_its_entry(coherence_output, tmp_path: Path) -> None:
    def change(p: dict[str, Any]) -> None:
        p["commodity_list"][0]["original_price"] += 1000

    found, at = _broken(coherence_output, SHOP, tmp_path,
                        _with("submit_order", "commodity_list", "order_amount"), change)
    assert found and all(f"{at['file']}:{at['line']}" in f for f in found)
    assert any("catalogue entry" in f for f in found)
    assert any("rows' prices" in f for f in found)      # the order's lines no longer add up


@corpus
def test_a_product_view_at_another_price(coherence_output, tmp_path: Path) -> None:
    def change(p: dict[str, Any]) -> None:
        p["original_price"] += 1000
        p["present_price"] += 1000

    found, at = _broken(coherence_output, SHOP, tmp_path,
                        _with("commodity_detail", "commodity_id", "original_price"), change)
    assert len(found) == 1
    assert f"{at['file']}:{at['line']}" in found[0] and "catalogue entry" in found[0]


@corpus
def test_a_coupon_rate_that_is_not_the_discount(coherence_output, tmp_path: Path) -> None:
    """Measured: a 66 % coupon on ``"order_amount":82,"order_actual_amount":303``."""
    def change(p: dict[str, Any]) -> None:
        p["coupon"]["coupon_discount"] = "66%"

    found, at = _broken(coherence_output, SHOP, tmp_path,
                        lambda r: _with("submit_order", "coupon", "order_amount")(r)
                        and r["properties"]["coupon"]["coupon_discount"] != "66%", change)
    assert len(found) == 1
    assert f"{at['file']}:{at['line']}" in found[0] and "coupon.coupon_discount" in found[0]


@corpus
def test_a_row_price_in_a_unit_apart_from_its_price(coherence_output, tmp_path: Path) -> None:
    """``commodity_yuan`` / ``commodity_jiao`` (a row's price in yuan and in jiao, 10 to the
    yuan) were drawn apart from ``original_price`` (7 jiao, 31 yuan beside 18,800 KRW)."""
    def change(p: dict[str, Any]) -> None:
        p["commodity_list"][0]["commodity_jiao"] += 50

    found, at = _broken(coherence_output, SHOP, tmp_path,
                        _with("submit_order", "commodity_list", "order_amount"), change)
    assert len(found) == 1, found
    assert f"{at['file']}:{at['line']}" in found[0] and "commodity_jiao" in found[0]

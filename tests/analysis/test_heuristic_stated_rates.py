"""A rate the plan states between its in-app currency and money (analysis/heuristic/
_stated_rates.py): the 툰나무 plan's "100코인 = 1,000원" priced its packs by rank at store
tiers before (coin_100 KRW 1,200, coin_10000 KRW 119,000)."""

from __future__ import annotations

import pytest

from demogen.analysis.heuristic._stated_rates import StatedRate, stated_rate


@pytest.mark.parametrize(("text", "rate"), [
    ("100코인 = 1,000원", StatedRate("KRW", 10.0)),
    ("코인 충전(100코인 1,000원 ~ 10,000코인 100,000원)", StatedRate("KRW", 10.0)),
    ("1 coin = 10원", StatedRate("KRW", 10.0)),
    ("60ジェム 120円", StatedRate("JPY", 2.0)),
    ("100 gems for 0.99 USD", StatedRate("USD", 0.0099)),
    ("10 钻石 = 1 元", StatedRate("CNY", 0.1)),
    ("reward 10 coins per day", None),              # no money
    ("1,000원 이상 결제 시 100코인", None),           # money before the coins: a bonus
    ("100코인 1,000원, 1,000코인 9,000원", None),      # rates that disagree
])
def test_a_stated_rate(text: str, rate: StatedRate | None) -> None:
    found = stated_rate([text])
    if rate is None:
        assert found is None
    else:
        assert found is not None and found.currency == rate.currency
        assert found.per_unit == pytest.approx(rate.per_unit)

"""Orders paid in a later session (issue 11; Rules ``events.<revenue>.later_share``).

A share of the orders a payer submits is paid in one of their next sessions (a bank transfer,
pay later, a second visit), the same order: its id and amounts, once, never one the user
never placed. tests/data/order_quest (create_order → payment_success, order_id) is run with
an edited share (the analyzer writes none for a game's shop); the KR shop workbook with the
analyzer's own (0.12).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from demogen.validate import iter_records
from tests.corpus import SHARED, corpus
from tests.data import ORDER_QUEST_PLAN
from tests.simulation.generated_outputs import analysed_rules, generate, generate_with_rules

ATTEMPT, PAID, KEY = "create_order", "payment_success", "order_id"
SHARE = 0.4


@dataclass
class Orders:
    """Each payment judged against the orders its user submitted before it."""

    same: int = 0           # paid in the session it was submitted in
    later: int = 0          # paid in a later session
    unknown: list[str] = field(default_factory=list)    # naming no earlier order
    twice: list[str] = field(default_factory=list)      # an order paid again
    unlike: list[str] = field(default_factory=list)     # amounts other than the order's

    @property
    def later_share(self) -> float:
        return self.later / max(1, self.same + self.later)


def orders(records: Iterable[Mapping[str, Any]], start: str, attempt: str, paid: str,
           key: str, same: tuple[str, ...]) -> Orders:
    """Payments (``paid``) against submitted orders (``attempt``, by ``key``), sessions by
    their ``start`` event, in file order; ``same``: properties both show for one order."""
    out, sessions = Orders(), Counter[str]()
    submitted: dict[tuple[str, Any], tuple[int, tuple[Any, ...]]] = {}
    paid_ids: set[tuple[str, Any]] = set()
    for r in records:
        if r.get("#type") != "track":
            continue
        uid, event, props = r["#distinct_id"], r["#event_name"], r["properties"]
        if event == start:
            sessions[uid] += 1
        elif event == attempt:
            submitted[uid, props.get(key)] = (sessions[uid], tuple(props.get(p) for p in same))
        elif event == paid:
            order = (uid, props.get(key))
            if order not in submitted:
                out.unknown.append(f"{order}")
                continue
            if order in paid_ids:
                out.twice.append(f"{order}")
            paid_ids.add(order)
            session, values = submitted[order]
            if values != tuple(props.get(p) for p in same):
                out.unlike.append(f"{order}: {values} then {props}")
            if session == sessions[uid]:
                out.same += 1
            else:
                out.later += 1
    return out


def _quest(tmp: Path, share: float | None) -> Orders:
    rules = analysed_rules(tmp, ORDER_QUEST_PLAN)
    assert "later_share" not in rules["events"].get(PAID, {})   # a game's shop: paid at once
    if share is not None:
        rules["events"].setdefault(PAID, {})["later_share"] = share
    out = generate_with_rules(tmp, ORDER_QUEST_PLAN, f"quest_{share}", rules,
                              users=2000, days=21, seed=3)
    return orders((r for _, _, r in iter_records(out)), "session_start", ATTEMPT, PAID, KEY,
                  ("pack_id", "order_price", "currency"))


def test_an_order_held_over_is_paid_later_once_with_its_amounts(tmp_path: Path) -> None:
    held = _quest(tmp_path, SHARE)
    assert not held.unknown and not held.twice and not held.unlike, \
        (held.unknown[:3], held.twice[:3], held.unlike[:3])
    # Some users never come back within the days an order waits: fewer than declared.
    assert SHARE / 2 <= held.later_share <= SHARE + 0.1, held
    assert held.same + held.later >= 40, held


def test_without_the_share_every_order_is_paid_in_its_session(tmp_path: Path) -> None:
    at_once = _quest(tmp_path, None)
    assert at_once.later == 0 and at_once.same >= 40, at_once
    assert not at_once.unknown and not at_once.twice and not at_once.unlike


@corpus
def test_the_kr_shop_pays_some_orders_later(tmp_path: Path) -> None:
    """Its submit_order → pay_order: the analyzer's share; 1,000 users x 30 days seed 3
    measured 92 paid at once, 11 later (0.107)."""
    plan = SHARED / "kr-xlsx" / "te_data_generator__ecommerce-tracking-plan.xlsx"
    g = generate(plan, tmp_path / "out", users=1000, days=30, seed=3)
    assert g.rules.events["pay_order"].later_share == pytest.approx(0.12)
    found = orders(g.records, "ta_app_start", "submit_order", "pay_order", "order_id",
                   ("order_amount", "order_actual_amount", "transportation_costs"))
    assert not found.unknown and not found.twice and not found.unlike, found
    assert 0.05 <= found.later_share <= 0.2 and found.same + found.later >= 50, found

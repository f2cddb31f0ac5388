"""A plan's payment comes with the plan bought: Trellio's invoice_paid right after each
plan_upgraded, then a billing period apart (issue 11: 107 upgrades for 1 invoice at
300 users x 10 days, seed 3, from 2026-11-23)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest

from demogen.validate.coherence._money import MoneyChecker
from tests.data import DATA
from tests.simulation.generated_outputs import Generated, generate
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output

TRELLIO = DATA / "unseen" / "saas_workspace" / "tracking_plan.csv"


@pytest.fixture(scope="module")
def trellio(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(TRELLIO, tmp_path_factory.mktemp("trellio") / "out", users=300, days=10,
                    seed=3, start=date(2026, 11, 23))


def test_the_invoice_is_the_upgrades_payment(trellio: Generated) -> None:
    """Rules: invoice_paid follows plan_upgraded, paid at once, renewed a month later; a
    checkout no longer leads to it, nor is the checkout its prerequisite."""
    spec = trellio.rules.events["invoice_paid"]
    assert (spec.follows, spec.paid_at_once, spec.after_days) == ("plan_upgraded", True, 30)
    assert trellio.rules.event_constraints.prerequisites["invoice_paid"] == ["plan_upgraded"]
    cancel = trellio.rules.events["subscription_cancelled"]
    assert (cancel.follows, cancel.stops) == ("plan_upgraded", ["invoice_paid"])


def test_each_upgrade_is_paid_right_after_it(trellio: Generated) -> None:
    """Every upgrade's next record of the user is an invoice of the plan it bought."""
    by_user: dict[str, list[dict]] = {}
    for _, _, record in Output(trellio.out).records():
        if record.get("#type") == "track":
            by_user.setdefault(record["#distinct_id"], []).append(record)
    upgrades = unpaid = 0
    for records in by_user.values():
        records.sort(key=lambda r: r["#time"])
        for record, after in zip(records, [*records[1:], None], strict=True):
            if record["#event_name"] != "plan_upgraded":
                continue
            upgrades += 1
            unpaid += after is None or after["#event_name"] != "invoice_paid" \
                or after["properties"]["plan"] != record["properties"]["plan"]
    assert upgrades > 30 and unpaid == 0, (upgrades, unpaid)


def _paid_upgrades(trellio: Generated) -> list[tuple[dict, dict]]:
    """(upgrade, invoice) for each upgrade whose user's next record is an invoice."""
    by_user: dict[str, list[dict]] = {}
    for _, _, record in Output(trellio.out).records():
        if record.get("#type") == "track":
            by_user.setdefault(record["#distinct_id"], []).append(record)
    pairs = []
    for records in by_user.values():
        records.sort(key=lambda r: r["#time"])
        pairs += [(a["properties"], b["properties"]) for a, b in pairwise(records)
                  if a["#event_name"] == "plan_upgraded" and b["#event_name"] == "invoice_paid"]
    return pairs


def test_the_invoice_shows_what_the_upgrade_bought(trellio: Generated) -> None:
    """The invoice paying an upgrade bills its plan, seats and billing period (41 of 81
    invoices showed another period than their upgrade's)."""
    pairs = _paid_upgrades(trellio)
    differ = [(up, paid) for up, paid in pairs
              if any(up[k] != paid[k] for k in ("plan", "seats", "billing_period"))]
    assert len(pairs) > 30 and not differ, (len(pairs), differ[:3])


@pytest.fixture(scope="module")
def trellio_months(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(TRELLIO, tmp_path_factory.mktemp("trellio_months") / "out", users=150,
                    days=45, seed=3, start=date(2026, 10, 1))


def test_an_annual_plan_renews_a_year_later(trellio_months: Generated) -> None:
    """The upgrade's billing_period is its renewals' period (Rules period_by): an annual
    plan's invoice comes once in 45 days, a monthly one's again a month later (annual
    plans renewed after 30 days before)."""
    spec = trellio_months.rules.events["invoice_paid"]
    assert spec.period_by == {"billing_period": {"monthly": 30, "annual": 365}}
    invoices: dict[tuple[str, str], list[datetime]] = {}
    for _, _, record in Output(trellio_months.out).records():
        if record.get("#event_name") == "invoice_paid":
            key = (record["#distinct_id"], record["properties"]["billing_period"])
            invoices.setdefault(key, []).append(datetime.fromisoformat(record["#time"]))
    soon = {period: sum(b - a < timedelta(days=300)
                        for times in (sorted(t) for (_, p), t in invoices.items() if p == period)
                        for a, b in pairwise(times))
            for period in ("monthly", "annual")}
    assert soon["monthly"] > 5 and soon["annual"] == 0, soon


#: The analyzer's seat prices (USD a seat a month: 12 and 24 cut to keep 50 Business seats'
#: MRR in its declared 10-1,000) and the months a period charges.
_SEAT_PRICE = {"Pro": 10, "Business": 20}
_MONTHS = {"monthly": 1, "annual": 10}


def _payments(g: Generated, event: str) -> list[dict]:
    return [r["properties"] for _, _, r in Output(g.out).records()
            if r.get("#type") == "track" and r.get("#event_name") == event]


def test_an_invoice_is_seats_times_the_seat_price_times_months(trellio: Generated) -> None:
    """An invoice bills the plan's seat price × its seats × its period's months (a year ten:
    two months free), the same for the same plan, period and seats (114 of 115 invoices off
    at 400 x 10 seed 3 every user a spender: drawn in the amount's 10-12,000)."""
    invoices = _payments(trellio, "invoice_paid")
    off = [p for p in invoices if abs(p["amount"] - _SEAT_PRICE[p["plan"]] * p["seats"]
                                      * _MONTHS[p["billing_period"]]) > 0.011]
    costs: dict[tuple, set[float]] = {}
    for p in invoices:
        costs.setdefault((p["plan"], p["billing_period"], p["seats"]), set()).add(p["amount"])
    assert len(invoices) > 30 and not off, (len(invoices), off[:3])
    assert all(len(amounts) == 1 for amounts in costs.values())


def test_an_upgrades_mrr_is_a_months_worth(trellio: Generated) -> None:
    """An upgrade's MRR is seats × the seat price a month (an annual plan's: ten twelfths)."""
    upgrades = _payments(trellio, "plan_upgraded")
    off = [p for p in upgrades if abs(p["mrr"] - _SEAT_PRICE[p["plan"]] * p["seats"]
                                      * _MONTHS[p["billing_period"]] / (
                                          12 if p["billing_period"] == "annual" else 1)) > 0.011]
    assert len(upgrades) > 30 and not off, (len(upgrades), off[:3])


def test_validate_reports_an_invoice_off_its_seat_price(trellio: Generated,
                                                        tmp_path: Path) -> None:
    """validate's money check: an invoice billing one seat more than its amount pays for is
    reported, that record only; the generated output is clean."""
    assert findings(trellio.out, MoneyChecker, trellio.out) == []
    output = Output(trellio.out)
    name, index, _ = output.find(lambda r: r.get("#event_name") == "invoice_paid")
    broken = output.copy()
    broken.files[name][index]["properties"]["seats"] += 1

    problems = findings(broken.write(tmp_path / "out"), MoneyChecker, trellio.out)

    assert any(f"{name}:{index + 1}:" in p and "price_usd_by" in p for p in problems), problems
    assert all(f"{name}:{index + 1}:" in p for p in problems), problems

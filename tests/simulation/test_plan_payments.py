"""A plan's payment comes with the plan bought: Trellio's invoice_paid right after each
plan_upgraded, then a billing period apart (issue 11: 107 upgrades for 1 invoice at
300 users x 10 days, seed 3, from 2026-11-23)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from itertools import pairwise

import pytest

from tests.data import DATA
from tests.simulation.generated_outputs import Generated, generate
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

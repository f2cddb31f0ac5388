"""validate's renewals check: a renewal sooner than its plan's billing period is a finding."""

from __future__ import annotations

from pathlib import Path

import pytest

from demogen.validate.coherence._renewals import RenewalsChecker
from tests.data import DATA
from tests.simulation.generated_outputs import Generated, generate
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output

FINTECH = DATA / "unseen" / "fintech_subscription"


@pytest.fixture(scope="module")
def renewing(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(FINTECH, tmp_path_factory.mktemp("renewals") / "out", users=600, days=70,
                    seed=3)


def test_the_generated_renewals_pass(renewing: Generated) -> None:
    assert findings(renewing.out, RenewalsChecker, renewing.out) == []


def test_a_monthly_renewal_shown_as_yearly_is_reported(renewing: Generated,
                                                       tmp_path: Path) -> None:
    """A yearly plan renewed about 30 days after its charge: one finding, that record."""
    output = Output(renewing.out)
    name, index, _ = output.find(
        lambda r: r.get("#event_name") == "plan_renewed"
        and r["properties"]["plan_code"] == "plus_monthly")
    broken = output.copy()
    broken.files[name][index]["properties"]["plan_code"] = "plus_yearly"

    problems = findings(broken.write(tmp_path / "out"), RenewalsChecker, renewing.out)

    assert len(problems) == 1 and f"{name}:{index + 1}:" in problems[0], problems
    assert "plus_yearly" in problems[0] and "365-day" in problems[0], problems


def test_a_renewal_after_the_cancel_of_its_subscription_is_reported(
        renewing: Generated, tmp_path: Path) -> None:
    """The user's record just before a renewal turned into a cancel of that plan (Rules
    events.plan_cancel.stops: [plan_renewed]): the renewal is reported, only it."""
    assert renewing.rules.events["plan_cancel"].stops == ["plan_renewed"]
    output = Output(renewing.out)
    name, index, renewal = output.find(lambda r: r.get("#event_name") == "plan_renewed")
    user = renewal["#distinct_id"]
    before = next(i for i in range(index - 1, -1, -1)
                  if output.files[name][i].get("#distinct_id") == user
                  and output.files[name][i].get("#type") == "track")
    broken = output.copy()
    record = broken.files[name][before]
    record["#event_name"] = "plan_cancel"
    record["properties"] = {"plan_code": renewal["properties"]["plan_code"],
                            "cancel_reason": "too_expensive"}

    problems = findings(broken.write(tmp_path / "out"), RenewalsChecker, renewing.out)

    assert len(problems) == 1 and f"{name}:{index + 1}:" in problems[0], problems
    assert "after the cancel of its subscription" in problems[0], problems


def test_a_renewal_after_a_switch_to_another_plan_is_reported(
        renewing: Generated, tmp_path: Path) -> None:
    """The user's record just before a renewal turned into a charge of the other plan (a
    switch, Rules events.plan_renewed.switch_share): the old plan's renewal is reported."""
    output = Output(renewing.out)
    name, index, renewal = output.find(lambda r: r.get("#event_name") == "plan_renewed")
    user, plan = renewal["#distinct_id"], renewal["properties"]["plan_code"]
    other = "plus_yearly" if plan == "plus_monthly" else "plus_monthly"
    before = next(i for i in range(index - 1, -1, -1)
                  if output.files[name][i].get("#distinct_id") == user
                  and output.files[name][i].get("#type") == "track")
    broken = output.copy()
    record = broken.files[name][before]
    record["#event_name"] = "plan_charge_ok"
    record["properties"] = {"plan_code": other}

    problems = findings(broken.write(tmp_path / "out"), RenewalsChecker, renewing.out)

    assert len(problems) == 1 and f"{name}:{index + 1}:" in problems[0], problems
    assert f"after the switch to {other}" in problems[0], problems


TRELLIO = DATA / "unseen" / "saas_workspace" / "tracking_plan.csv"


def test_an_upgrade_left_unpaid_is_reported(tmp_path: Path) -> None:
    """Trellio's invoice_paid is the upgrade's own payment (Rules events.invoice_paid
    .paid_at_once): an invoice removed after its upgrade leaves that upgrade reported."""
    run = generate(TRELLIO, tmp_path / "out", users=300, days=10, seed=3)
    assert findings(run.out, RenewalsChecker, run.out) == []
    output = Output(run.out)
    name, index, _ = output.find(lambda r: r.get("#event_name") == "invoice_paid")
    broken = output.copy()
    del broken.files[name][index]

    problems = findings(broken.write(tmp_path / "broken"), RenewalsChecker, run.out)

    assert len(problems) == 1 and "plan_upgraded is not paid" in problems[0], problems

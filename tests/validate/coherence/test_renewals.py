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

"""A subscription start nothing renews is held: started once, by a payer, its cancel after
it, and the user's tier follows what it bought (Sparkd, tests/data/unseen/dating).

Before (300 x 10 seed 3): ``subscription_started`` was drawn freely like a common event
(485 times, 42 by one user), ``subscription_cancelled`` followed ``purchase_completed`` (the
consumables) at 0.9, and ``subscription_tier`` stayed ``free`` after every start. Plans whose
subscription a renewal or a plan payment renews keep their rules (Trellio, examples/saas,
Lingobit): their chain holds the subscription.
"""

from __future__ import annotations

from pathlib import Path

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._plan_payments import held_subscriptions
from demogen.taxonomy import load_taxonomy
from tests.simulation.generated_outputs import analysed

DATA = Path(__file__).parents[1] / "data"
DATING = DATA / "unseen" / "dating"


def _held(source: Path) -> list[str]:
    loaded = load_taxonomy(source)
    return held_subscriptions(Context(taxonomy=loaded.taxonomy, product=loaded.product))


def test_a_subscription_nothing_renews_is_started_once_by_payers_and_its_cancel_follows_it(
) -> None:
    _, _, rules = analysed(DATING)
    start, cancel = rules.events["subscription_started"], rules.events["subscription_cancelled"]
    assert start.max_per_user == 1 and start.payers_only is True
    assert cancel.follows == "subscription_started"     # not purchase_completed (consumables)
    assert cancel.rate is not None and cancel.rate <= 0.2
    # The tier bought: set from the start's own tier (free at sign-up, kept on a cancel).
    tier = rules.update_patterns["subscription_started"]["subscription_tier"]
    assert (tier.type.value, tier.value) == ("set", "{{tier}}")
    assert rules.update_patterns["sign_up"]["subscription_tier"].value == "free"
    assert "subscription_cancelled" not in rules.update_patterns


def test_a_subscription_a_payment_or_renewal_renews_is_not_held() -> None:
    """Trellio's invoice_paid bills plan_upgraded's plan, examples/saas' invoice_paid its
    subscription_id, Lingobit has subscription_renew: none is held, nothing changes."""
    assert _held(DATING) == ["subscription_started"]
    for source in (DATA / "unseen" / "saas_workspace" / "tracking_plan.csv",
                   Path(__file__).parents[2] / "examples" / "saas",
                   DATA / "unseen" / "language_learning"):
        assert _held(source) == [], source
        _, _, rules = analysed(source)
        assert not any(spec.payers_only for spec in rules.events.values()), source

"""Sparkd's subscriptions (tests/data/unseen/dating, a swipe dating app), read as a
prospect would: a user subscribes once while subscribed, a payer, the cancel (auto-renew
off) follows that subscription and shows it, and the user's ``subscription_tier`` is the
tier bought. Each check holds for any plan whose subscription nothing renews.

Measured before (300 x 10 seed 3): 485 ``subscription_started`` by 101 users (42 by one),
cancels following the consumable ``purchase_completed``, ``subscription_tier`` free for
all 101 subscribers.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from demogen.api import validate
from tests.simulation.generated_outputs import Generated, generate
from tests.validate.generated import Output

PLAN = Path(__file__).parents[1] / "data" / "unseen" / "dating"


@pytest.fixture(scope="module")
def sparkd(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("dating_out")
    return generate(PLAN, out / "out", users=1000, days=10, seed=3)


def _tracks(timeline: list[dict[str, Any]], event: str) -> list[dict[str, Any]]:
    return [r for r in timeline if r.get("#event_name") == event]


def _tier(timeline: list[dict[str, Any]]) -> Any:
    """The user's subscription_tier as their user_set / user_setOnce records leave it."""
    tier = None
    for r in timeline:
        value = (r.get("properties") or {}).get("subscription_tier")
        if value is None:
            continue
        if r.get("#type") == "user_set" or (r.get("#type") == "user_setOnce" and tier is None):
            tier = value
    return tier


def test_a_subscription_is_started_once_by_a_few_users(sparkd: Generated) -> None:
    starts = Counter({u: len(_tracks(t, "subscription_started"))
                      for u, t in sparkd.timelines.items()})
    active = sum(1 for t in sparkd.timelines.values() if any(r.get("#type") == "track"
                                                             for r in t))
    subscribers = sum(1 for n in starts.values() if n)
    assert max(starts.values()) == 1
    # The payers only: a few % of the active users (generic payer_rate 0.03, assumption).
    assert 3 <= subscribers <= 0.06 * active, (subscribers, active)


def test_a_cancel_follows_its_subscription_and_shows_it(sparkd: Generated) -> None:
    cancels = 0
    for timeline in sparkd.timelines.values():
        started: dict[str, Any] | None = None
        for r in timeline:
            if r.get("#event_name") == "subscription_started":
                started = r["properties"]
            elif r.get("#event_name") == "subscription_cancelled":
                cancels += 1
                assert started is not None, r
                shown = {k: r["properties"].get(k) for k in ("tier", "plan_period")}
                assert shown == {k: started.get(k) for k in ("tier", "plan_period")}
                started = None      # at most one cancel per subscription
    assert cancels >= 1


def test_the_tier_is_the_one_bought_and_stays_on_a_cancel(sparkd: Generated) -> None:
    wrong = []
    for user, timeline in sparkd.timelines.items():
        bought = [r["properties"]["tier"] for r in _tracks(timeline, "subscription_started")]
        tier = _tier(timeline)
        if tier is not None and tier != (bought[-1] if bought else "free"):
            wrong.append((user, bought, tier))
    assert not wrong, wrong[:5]


def test_validate_reports_a_second_subscription_and_a_tier_left_free(
        sparkd: Generated, tmp_path: Path) -> None:
    clean = validate(sparkd.out, taxonomy=PLAN, cache_dir=tmp_path / "c0")
    assert clean.violations.get("flows", 0) == 0 and clean.violations.get("state", 0) == 0
    output = Output(sparkd.out).copy()
    name, index, start = output.find(lambda r: r.get("#event_name") == "subscription_started")
    again = dict(start, **{"#uuid": start["#uuid"][:-4] + "beef"})
    output.files[name].insert(index + 1, again)     # the same user subscribes again
    _, _, tier = output.find(lambda r: r.get("#type") == "user_set"
                             and r["properties"].get("subscription_tier") not in (None, "free"))
    tier["properties"]["subscription_tier"] = "free"    # the tier not following the start
    broken = output.write(tmp_path / "broken")
    for extra in ("rules.yaml", "plan.json", "manifest.json"):
        if (sparkd.out / extra).exists():
            (broken / extra).write_bytes((sparkd.out / extra).read_bytes())
    found = validate(broken, taxonomy=PLAN, cache_dir=tmp_path / "c1")
    assert found.violations.get("flows", 0) >= 1, found.examples
    assert found.violations.get("state", 0) >= 1, found.examples

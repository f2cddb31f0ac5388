"""A payer's purchase chance follows their segment while they drift away or come back
(issue 13): a payer who turns CHURNING buys less, by the ratio of the segments' pay weights
(Rules ``segment_analysis`` › ``event_probabilities`` of the revenue events)."""

from __future__ import annotations

import random

import pytest

from demogen.simulation.population import (
    DRIFT_SEGMENTS,
    SimUser,
    pay_weights,
)
from demogen.vocab import Segment

PROBABILITIES = {Segment.NEW_USER: 0.02, Segment.ACTIVE_USER: 0.06, Segment.POWER_USER: 0.2,
                 Segment.CHURNING_USER: 0.004, Segment.RETURNING_USER: 0.04}


def _payer(start: Segment, rate: float = 0.05) -> SimUser:
    weights = pay_weights(PROBABILITIES, {Segment.ACTIVE_USER: 0.7, Segment.POWER_USER: 0.3},
                          0.5)
    user = SimUser(index=0, rnd=random.Random(0), device=None,  # type: ignore[arg-type]
                   segment=start)
    user.purchase_rate, user.pay_weights = rate, weights
    user.start_pay_weight = weights[start]
    return user


@pytest.mark.parametrize("start", [Segment.NEW_USER, Segment.ACTIVE_USER, Segment.POWER_USER])
def test_a_payer_who_turns_churning_buys_less(start: Segment) -> None:
    user = _payer(start)
    user.segment = Segment.CHURNING_USER
    churning = user.session_purchase_rate()
    assert churning == pytest.approx(0.05 * PROBABILITIES[Segment.CHURNING_USER]
                                     / PROBABILITIES[start])
    assert churning < 0.05


def test_coming_back_scales_by_the_returning_weight() -> None:
    user = _payer(Segment.POWER_USER)
    user.segment = Segment.RETURNING_USER
    assert user.session_purchase_rate() == pytest.approx(0.05 * 0.04 / 0.2)


@pytest.mark.parametrize("now", [Segment.NEW_USER, Segment.ACTIVE_USER, Segment.POWER_USER])
def test_age_and_engagement_segments_keep_the_starting_rate(now: Segment) -> None:
    """NEW → ACTIVE → POWER follow age and engagement, which already chose the payer."""
    assert now not in DRIFT_SEGMENTS
    user = _payer(Segment.NEW_USER)
    user.segment = now
    assert user.session_purchase_rate() == 0.05


def test_a_user_drawn_where_nobody_pays_stays_a_non_buyer() -> None:
    user = _payer(Segment.ACTIVE_USER, rate=0.0)
    user.start_pay_weight = 0.0
    user.segment = Segment.CHURNING_USER
    assert user.session_purchase_rate() == 0.0

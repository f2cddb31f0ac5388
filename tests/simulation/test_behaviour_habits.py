"""A rare event stays rare in a plan of few habits (simulation.behaviour MIN_HABIT_WEIGHT).

Frequency classes weigh an event against the others drawn freely in a session. Hoppa
(tests/data/unseen/ride_hailing) has one common event besides its rides (fare quotes), so
its rare support tickets came 0.67 per ride and its occasional promo codes 0.8 a session
(300 users x 10 days, seed 3).
"""

from __future__ import annotations

import pytest

from demogen.analysis.rules import Rules
from demogen.simulation.behaviour import (
    DEFAULT_FILL_WEIGHT,
    FREQUENCY_WEIGHT,
    MIN_HABIT_WEIGHT,
    compile_behaviour,
)
from demogen.taxonomy import EventTaxonomy
from demogen.vocab import LifecycleStage, Segment
from tests.analysis.test_heuristic import analyze, ev, taxonomy
from tests.simulation.generated_outputs import EXAMPLES, analysed


def _weights(tax: EventTaxonomy, rules: Rules) -> dict[str, float]:
    """An active user's free-draw weights, per event."""
    table = compile_behaviour(tax, rules).segments[Segment.ACTIVE_USER].fill[
        LifecycleStage.ACTIVE]
    weights = [c - p for c, p in zip(table.cum_weights, (0.0, *table.cum_weights),
                                     strict=False)]
    return dict(zip(table.names, weights, strict=True))


def test_a_rare_event_beside_one_habit_is_drawn_rarely() -> None:
    tax = taxonomy([ev(n) for n in ("app_open", "fare_quote_viewed", "settings_changed")])
    rules = analyze(tax)
    assert rules.events["settings_changed"].frequency == "rare"

    weights = _weights(tax, rules)
    shares = {n: w / sum(weights.values()) for n, w in weights.items()}

    # before: 0.08 against the one quote's weight, about one draw in seven
    assert shares["settings_changed"] < 0.08 / MIN_HABIT_WEIGHT * 1.01
    assert shares["fare_quote_viewed"] > 0.95


def test_a_plan_of_many_habits_keeps_its_weights() -> None:
    """The bundled shop's habits hold more than the floor: each event keeps its segment
    chance times its class's weight, unscaled."""
    tax, _, rules = analysed(EXAMPLES / "ecommerce")
    weights = _weights(tax, rules)
    chances = rules.segment_analysis[Segment.ACTIVE_USER].event_probabilities
    habits = sum(w for n, w in weights.items() if n not in rules.events
                 or rules.events[n].frequency in (None, "common", "core"))
    unscaled = {n: max(chances.get(n, DEFAULT_FILL_WEIGHT), 0.01) * FREQUENCY_WEIGHT[
        (rules.events[n].frequency if n in rules.events else None) or "common"]
        for n in weights}

    assert habits >= MIN_HABIT_WEIGHT
    assert weights == pytest.approx(unscaled)

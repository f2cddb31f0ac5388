"""The streak freezes a user holds (Rules ``progression.streak_freeze_counts``,
``streak_freeze_buys``): read from the names, or as the rules say."""

from __future__ import annotations

from demogen.analysis.heuristic.values.held_freezes import (
    freeze_buys,
    freeze_counts,
    held_counts,
)
from demogen.analysis.rules import Progression
from demogen.taxonomy import load_taxonomy
from tests.data import DATA

PLAN = DATA / "unseen" / "language_learning"
ENDS = ["streak_lost", "streak_freeze_used"]


def test_names_say_what_counts_and_buys_freezes() -> None:
    """``freezes_left`` on the freeze counts them (not ``streak_days``, the streak kept);
    a ``gems_spent`` of a ``streak_freeze`` buys one (not ``gem_source: streak_reward``)."""
    taxonomy = load_taxonomy(PLAN).taxonomy

    assert freeze_counts(taxonomy, ["streak_freeze_used"], None) == ("freezes_left",)
    assert freeze_buys(taxonomy, ENDS, None) == {"gems_spent": {"shop_item": ["streak_freeze"]}}
    assert held_counts(taxonomy, Progression()) == {"streak_freeze_used": ("freezes_left",)}


def test_the_rules_turn_them_off() -> None:
    taxonomy = load_taxonomy(PLAN).taxonomy
    off = Progression(streak_freeze_counts=[], streak_freeze_buys={})

    assert held_counts(taxonomy, off) == {}
    assert freeze_buys(taxonomy, ENDS, off.streak_freeze_buys) == {}

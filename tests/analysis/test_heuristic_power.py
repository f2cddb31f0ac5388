"""A role's power grows with its level (issue 11): which power the analyzer pairs with
which level, and that the formula it writes never lets a power fall when the level rises."""

from __future__ import annotations

import numpy as np
import pytest

from demogen.analysis.formula import Formula, FormulaEvaluator
from demogen.analysis.rules import Rules
from demogen.taxonomy import ProductInfo
from tests.analysis.test_heuristic import APP, GAME, analyze, ev, num, taxonomy


def _battle(*powers: str, level: str = "lord_level", product: ProductInfo = GAME) -> Rules:
    """A game plan whose ``battle`` carries ``powers`` beside ``level`` (1~60)."""
    props = [num(level, 1, 60), *(num(p, 1000, 50_000_000) for p in powers)]
    plan = taxonomy([ev("battle", *(p.name for p in props)), ev("login")], props)
    return analyze(plan, product)


def test_a_players_power_grows_with_the_players_level() -> None:
    rel = _battle("total_power").property_relationships["total_power"]
    assert rel.depends_on == ["lord_level"] and rel.formula
    assert "1000" in rel.formula and "50000000" in rel.formula   # the power's own range


@pytest.mark.parametrize("other", ["defender_power", "rival_power", "opponent_power",
                                   "enemy_power", "boss_power", "attacker_power"])
def test_another_partys_power_gets_no_formula(other: str) -> None:
    """A defender's power is the defender's, whatever level the attacker is."""
    rules = _battle("total_power", other)
    assert other not in rules.property_relationships
    assert rules.property_relationships["lord_level"].affects == ["total_power"]


def test_a_power_pairs_with_the_level_of_its_own_name() -> None:
    """``hero_power`` is the hero's: it grows with ``hero_level``, not the lord's."""
    rules = _battle("hero_power", level="hero_level")
    assert rules.property_relationships["hero_power"].depends_on == ["hero_level"]


def test_two_player_levels_leave_a_plain_power_alone() -> None:
    props = [num("player_level", 1, 60), num("role_level", 1, 60),
             num("total_power", 1000, 50_000_000)]
    rules = analyze(taxonomy([ev("battle", *(p.name for p in props))], props), GAME)
    assert "total_power" not in rules.property_relationships


def test_no_power_formula_outside_games() -> None:
    assert "total_power" not in _battle("total_power", product=APP).property_relationships


def test_the_power_never_falls_when_the_level_rises() -> None:
    """Within a level the power draws one level's width of the curve: the lowest power of
    a level is above the highest of the level before, from 1 to 60."""
    formula = Formula.compile(_battle("total_power").property_relationships["total_power"]
                              .formula or "")
    evaluator = FormulaEvaluator(np.random.default_rng(3))
    drawn = {lv: [evaluator.evaluate(formula, {"lord_level": lv}) for _ in range(200)]
             for lv in range(1, 61)}
    assert all(max(drawn[lv]) <= min(drawn[lv + 1]) for lv in range(1, 60))
    assert min(drawn[1]) >= 1000 and max(drawn[60]) <= 50_000_000
    assert len(set(drawn[30])) > 1     # two records of one level still differ

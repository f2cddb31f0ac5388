"""A role's power grows with its level (issue 11, docs/coherence.md "Servers").

Measured before (300 users x 10 days, seed 3): 铁血王座's ``total_power`` was kept over all
4,951 ``lord_level`` rises (per-user Spearman 0.00); the card workbook's ``tmp_power`` over
all 4,572 ``tmp_level`` rises, and its ``hero_power`` fell at 2,456 of 4,929
``hero_level`` rises.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from itertools import pairwise
from typing import Any

import pytest

from tests.data.unseen.build_zh_slg import write_zh_slg
from tests.simulation.generated_outputs import SOURCES, Generated, generate, tracks_by_user

CARD = "te_data_generator__card-game-tracking-plan"


@pytest.fixture(scope="module")
def slg(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    scratch = tmp_path_factory.mktemp("power_slg")
    return generate(write_zh_slg(scratch / "plan"), scratch / "out", users=120, days=5, seed=3)


@pytest.fixture(scope="module")
def card(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    if CARD not in SOURCES:
        pytest.skip("the shared corpus's card-game workbook is not here")
    scratch = tmp_path_factory.mktemp("power_card")
    return generate(SOURCES[CARD], scratch / "out", users=120, days=5, seed=3)


def _rises(records: Iterable[Mapping[str, Any]], power: str, level: str
           ) -> tuple[int, int, int]:
    """(level rises, rises where the power fell, rises where it stayed) over each user's
    records carrying both, in time order."""
    rises = fell = kept = 0
    for rows in tracks_by_user(records).values():
        seen = [(r["properties"][level], r["properties"][power])
                for r in sorted(rows, key=lambda r: r["#time"])
                if level in r["properties"] and power in r["properties"]]
        for (lv_a, p_a), (lv_b, p_b) in pairwise(seen):
            if lv_b > lv_a:
                rises, fell, kept = rises + 1, fell + (p_b < p_a), kept + (p_b == p_a)
    return rises, fell, kept


def _assert_grows(g: Generated, power: str, level: str) -> None:
    rises, fell, kept = _rises(g.records, power, level)
    assert rises >= 100, (power, level, rises)
    assert fell == 0, f"{power} fell at {fell} of {rises} {level} rises"
    assert kept <= rises // 20, f"{power} kept at {kept} of {rises} {level} rises"


def test_a_lords_power_grows_with_the_lords_level(slg: Generated) -> None:
    """``total_power`` (a common and a user property) rises at each ``lord_level`` rise."""
    _assert_grows(slg, "total_power", "lord_level")


def test_a_siege_leaves_the_defenders_power_alone(slg: Generated) -> None:
    """``defender_power`` is the other side's: it has no formula on the lord's level."""
    assert "defender_power" not in slg.rules.property_relationships


@pytest.mark.parametrize(("power", "level"), [
    ("tmp_power", "tmp_level"), ("hero_power", "hero_level"), ("total_power", "tmp_level")])
def test_a_card_games_power_grows_with_its_level(card: Generated, power: str,
                                                  level: str) -> None:
    _assert_grows(card, power, level)

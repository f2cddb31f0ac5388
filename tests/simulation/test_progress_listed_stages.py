"""Stages a plan lists (issue 11): a user's stage ids walk the plan's stages in its order
and ``stage_name`` is that stage's name. Before: ids came from the position (``stage_006``)
and each one's name was picked by its words, so several stage ids shared one name."""

from __future__ import annotations

from typing import Any

from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property
from demogen.vocab import PropertyType

STAGES = ["Forest Gate", "Dark Cave", "Sky Tower", "Dragon Lair", "Frozen Peak"]
GAME = ProductInfo(industry="game")


def _plan(stage_ids: list[str] | None) -> EventTaxonomy:
    props = [Property(name="stage_id", type=PropertyType.STRING, enum=stage_ids),
             Property(name="stage_name", type=PropertyType.STRING,
                      enum=None if stage_ids else STAGES)]
    shown = ["stage_id", "stage_name"]
    return EventTaxonomy(events=[Event(name="stage_start", properties=shown),
                                 Event(name="stage_clear", properties=shown)],
                         properties=props)


def _walk(taxonomy: EventTaxonomy, users: int = 12, clears: int = 8
          ) -> list[list[dict[str, Any]]]:
    """Per user: the stage_clear records of ``clears`` clears a minute apart."""
    from demogen.simulation.values import ValueFactory
    from tests.simulation.test_values import make_user

    rules = HeuristicAnalyzer().analyze(taxonomy, GAME)
    factory = ValueFactory(taxonomy, rules, GAME, seed=4)
    clear = factory.event_sampler("stage_clear")
    out = []
    for i in range(users):
        user = make_user(i)
        out.append([clear.sample(user, f"2024-05-03 12:{k:02d}:00.000") for k in range(clears)])
    return out


def _in_order(walks: list[list[dict[str, Any]]], order: list[str]) -> None:
    for records in walks:
        ranks = [order.index(r["stage_id"]) for r in records]
        assert ranks == sorted(ranks), ranks     # never back
        assert len(set(ranks)) > 1               # clears move on


def test_named_stages_are_walked_in_the_plans_order() -> None:
    walks = _walk(_plan(None))
    rules = HeuristicAnalyzer().analyze(_plan(None), GAME)
    entries = {e.id: e.name for e in rules.catalogues["stage"].entries}
    assert list(entries.values()) == STAGES
    _in_order(walks, list(entries))
    shown = {(r["stage_id"], r["stage_name"]) for w in walks for r in w}
    assert shown <= set(entries.items())
    names = [n for _, n in shown]
    assert len(names) == len(set(names))         # no two stage ids share a name


def test_a_stage_id_enum_is_walked_in_its_order() -> None:
    ids = ["s_10", "s_02", "s_07", "s_01"]        # the plan's order, not the ids' sort
    walks = _walk(_plan(ids))
    _in_order(walks, ids)
    assert {r["stage_id"] for w in walks for r in w} <= set(ids)


def test_stages_listed_in_string_order_are_walked_by_their_numbers() -> None:
    """A sorted export lists ``stage_1_10`` before ``stage_1_2`` and ``stage_10_1`` right
    after ``stage_1_x``: walked as listed, a first stage looked like a late one."""
    ids = sorted(f"stage_{c}_{s}" for c in (1, 2, 10) for s in (1, 2, 10))
    natural = [f"stage_{c}_{s}" for c in (1, 2, 10) for s in (1, 2, 10)]
    walks = _walk(_plan(ids))
    _in_order(walks, natural)
    assert {w[0]["stage_id"] for w in walks} <= {"stage_1_1", "stage_1_2"}

"""Score the heuristic analyzer against the ground truth in shared/taxonomies/*/expected.json.

How predictions are compared (precision = right predictions / predictions, recall = expected
items found / expected items; counts are pooled over the taxonomies):

- sequences and funnels: each list becomes its ordered pairs of consecutive events. A
  predicted pair (a, b) is right when some expected list has a before b (not necessarily
  next to each other); an expected pair is found when some predicted list has a before b.
  This forgives a legitimately finer or coarser split (an optional step in between) but not
  a wrong order or an event in the wrong flow.
- one_time_events, session_start_events, session_end_events: sets of event names
  ("session events" pools start and end).
- monetary_properties: the property names (expected.json lists property, events, currency).
- prerequisites: pairs (event, required event). A predicted pair is right when the required
  event is reachable from the event in the expected prerequisite graph (a prerequisite of a
  prerequisite is still required); recall is measured the same way the other round.

Run ``pytest tests/analysis/test_heuristic_scoring.py -s`` (or ``make test``) to see the table.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.rules import Rules
from demogen.taxonomy import load_taxonomy

#: Aims on the pooled numbers (the brief): recall >= 0.9 and precision >= 0.8.
ASSERTED = ("sequences", "funnels", "one_time_events", "session_events", "monetary_properties")
MIN_RECALL = 0.9
MIN_PRECISION = 0.8
KEYS = ("sequences", "funnels", "one_time_events", "session_start_events", "session_end_events",
        "session_events", "monetary_properties", "prerequisites")


@dataclass
class Score:
    right: int = 0  # predictions that are right
    predicted: int = 0
    found: int = 0  # expected items that were found
    expected: int = 0

    def add(self, other: Score) -> None:
        self.right += other.right
        self.predicted += other.predicted
        self.found += other.found
        self.expected += other.expected

    @property
    def precision(self) -> float:
        return self.right / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


def _pairs(lists: Iterable[list[str]]) -> set[tuple[str, str]]:
    return {(a, b) for steps in lists for a, b in pairwise(steps)}


def _ordered(lists: list[list[str]], a: str, b: str) -> bool:
    return any(a in s and b in s and s.index(a) < s.index(b) for s in lists)


def score_ordered(predicted: list[list[str]], expected: list[list[str]]) -> Score:
    pred, exp = _pairs(predicted), _pairs(expected)
    return Score(
        right=sum(_ordered(expected, a, b) for a, b in pred),
        predicted=len(pred),
        found=sum(_ordered(predicted, a, b) for a, b in exp),
        expected=len(exp),
    )


def score_sets(predicted: Iterable[str], expected: Iterable[str]) -> Score:
    pred, exp = set(predicted), set(expected)
    return Score(right=len(pred & exp), predicted=len(pred), found=len(pred & exp),
                 expected=len(exp))


def _reachable(graph: dict[str, list[str]], start: str, goal: str) -> bool:
    stack, seen = list(graph.get(start, [])), set()
    while stack:
        node = stack.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            stack.extend(graph.get(node, []))
    return False


def score_prerequisites(predicted: dict[str, list[str]], expected: dict[str, list[str]]) -> Score:
    pred = {(e, p) for e, ps in predicted.items() for p in ps}
    exp = {(e, p) for e, ps in expected.items() for p in ps}
    return Score(
        right=sum(_reachable(expected, e, p) for e, p in pred),
        predicted=len(pred),
        found=sum(_reachable(predicted, e, p) for e, p in exp),
        expected=len(exp),
    )


def score(rules: Rules, expected: dict) -> dict[str, Score]:
    ec = rules.event_constraints
    out = {
        "sequences": score_ordered(ec.sequences, expected["sequences"]),
        "funnels": score_ordered(
            [f.steps for f in ec.charted_funnels()],
            [[s["event"] for s in f["steps"]] for f in expected["funnels"]],
        ),
        "one_time_events": score_sets(ec.one_time_events, expected["one_time_events"]),
        "session_start_events": score_sets(ec.session_start_events,
                                           expected["session_start_events"]),
        "session_end_events": score_sets(ec.session_end_events, expected["session_end_events"]),
        "monetary_properties": score_sets(
            rules.monetary_properties, {m["property"] for m in expected["monetary_properties"]}
        ),
        "prerequisites": score_prerequisites(ec.prerequisites, expected["prerequisites"]),
    }
    session = Score()
    session.add(out["session_start_events"])
    session.add(out["session_end_events"])
    out["session_events"] = session
    return out


def _folders(shared: Path) -> list[Path]:
    return sorted(p for p in (shared / "taxonomies").iterdir() if (p / "expected.json").is_file())


def _table(results: dict[str, dict[str, Score]], pooled: dict[str, Score]) -> str:
    names = [*results, "POOLED"]
    lines = ["", "heuristic analyzer vs expected.json (precision / recall, right/predicted, "
             "found/expected)"]
    head = f"{'key':22}" + "".join(f"{n[:22]:>24}" for n in names)
    lines += [head, "-" * len(head)]
    for key in KEYS:
        cells = []
        for n in names:
            s = pooled[key] if n == "POOLED" else results[n][key]
            cells.append(f"{s.precision:4.2f}/{s.recall:4.2f} {s.right:>2}/{s.predicted:<2} "
                         f"{s.found:>2}/{s.expected:<2}".rjust(24))
        mark = " *" if key in ASSERTED else ""
        lines.append(f"{key + mark:22}" + "".join(cells))
    lines.append(f"* asserted: pooled recall >= {MIN_RECALL}, precision >= {MIN_PRECISION}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def scored(shared_dir: Path) -> tuple[dict[str, dict[str, Score]], dict[str, Score]]:
    results: dict[str, dict[str, Score]] = {}
    for folder in _folders(shared_dir):
        loaded = load_taxonomy(folder)
        rules = HeuristicAnalyzer().analyze(loaded.taxonomy, loaded.product)
        expected = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
        results[folder.name] = score(rules, expected)
    pooled = {key: Score() for key in KEYS}
    for per_key in results.values():
        for key, s in per_key.items():
            pooled[key].add(s)
    return results, pooled


def test_three_taxonomies_are_scored(scored, shared_dir: Path) -> None:
    results, _ = scored
    assert len(results) == len(_folders(shared_dir)) >= 3


def test_print_scores(scored, capsys: pytest.CaptureFixture[str]) -> None:
    results, pooled = scored
    with capsys.disabled():
        print(_table(results, pooled))


@pytest.mark.parametrize("key", ASSERTED)
def test_pooled_aims(scored, key: str) -> None:
    _, pooled = scored
    s = pooled[key]
    assert s.recall >= MIN_RECALL, f"{key}: recall {s.recall:.2f} ({s.found}/{s.expected})"
    assert s.precision >= MIN_PRECISION, (
        f"{key}: precision {s.precision:.2f} ({s.right}/{s.predicted})"
    )


# -- the scoring rules themselves -------------------------------------------------------------

def test_ordered_pairs_forgive_an_optional_step_but_not_a_wrong_order() -> None:
    expected = [["a", "b", "c"]]
    assert score_ordered([["a", "c"]], expected).precision == 1.0
    s = score_ordered([["b", "a"]], expected)
    assert (s.right, s.found) == (0, 0)


def test_prerequisites_count_a_prerequisite_of_a_prerequisite() -> None:
    expected = {"c": ["b"], "b": ["a"]}
    s = score_prerequisites({"c": ["a"]}, expected)
    assert (s.right, s.predicted) == (1, 1)
    assert s.found == 0  # neither expected pair is reachable in the prediction

"""validate search: a result view right after a search shows what the search's term names.

The e-commerce example (``search.search_term`` → ``view_product`` with its
``category_name``) generated as a prospect would: its result views show the searched
category; one result view changed to another category and product is reported.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from demogen.analysis.heuristic._search_terms import term_fits
from demogen.validate.coherence._search import SearchChecker
from tests.simulation.generated_outputs import EXAMPLES, generate
from tests.validate.coherence.checking import findings, saved_input
from tests.validate.generated import Output


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("search") / "out"
    generate(EXAMPLES / "ecommerce", out, users=300, days=7, seed=3)
    return out


def _results(output: Output) -> list[tuple[str, dict]]:
    """(the search's term, the view) for each view right after a search."""
    out, term = [], {}
    for _, _, r in output.records():
        if r.get("#type") != "track":
            continue
        uid, event = r["#distinct_id"], r["#event_name"]
        if event == "search":
            term[uid] = r["properties"].get("search_term")
        elif event == "view_product" and term.get(uid):
            out.append((term[uid], r))
        else:
            term.pop(uid, None)
    return out


def test_results_right_after_a_search_show_the_searched_category(shop: Path) -> None:
    """Before: 6,305 of the example's views right after a search (1,000 users x 14 days,
    seed 3) showed another category than the term named ('clock' -> a Cat Toy of bags)."""
    given = saved_input(shop)
    assert SearchChecker(given).active
    results = _results(Output(shop))
    assert len(results) > 200, len(results)
    assert findings(shop, SearchChecker, given) == []
    categories = {r["properties"]["category_name"] for _, r in results}
    assert len(categories) >= 5, categories     # searches look for many categories


def test_a_result_of_another_category_is_reported(shop: Path, tmp_path: Path) -> None:
    output = Output(shop)
    term, view = _results(output)[0]
    broken = output.copy()
    _, _, record = broken.find(lambda r: r.get("#event_name") == "view_product"
                               and r.get("#time") == view["#time"]
                               and r.get("#distinct_id") == view["#distinct_id"])
    other = "bags" if not term_fits(term, "bags", None) else "tops"
    record["properties"].update(category_name=other, product_name="Minimal Knife Set")
    problems = findings(broken.write(tmp_path / "broken"), SearchChecker, saved_input(shop))
    assert len(problems) == 1, problems
    assert f"view_product right after a search for {term!r} shows 'Minimal Knife Set' of " \
           f"{other!r}" in problems[0], problems


@pytest.mark.parametrize(("term", "category", "name", "fits"), [
    ("kitchen", "Kitchen", "Classic Towel Set", True),       # the category itself
    ("blender", "Kitchen", None, True),                      # one of the category's goods
    ("knife set", None, "Minimal Knife Set", True),          # a word of the product
    ("sofa", "Kitchen", "Minimal Knife Set", False),
    ("rug", "bags", "Vintage Towel Set", False),
    ("tops", "tops", "Premium Candle", True),                # the plan's own category
])
def test_a_term_fits_a_result_of_what_it_names(term: str, category: str | None,
                                              name: str | None, fits: bool) -> None:
    assert term_fits(term, category, name) is fits

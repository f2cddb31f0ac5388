"""Sessions loop over their content (issue 13): item views in runs, carts per view, the
product's own events leading the mix.

Measured on a month of 1,000 users (``month_output``; purchases come from a few percent of
payers, too few in the 300-user × 10-day runs) with the statistics of
``tests.simulation.behaviour_stats`` (``funnel_stats``), against the real shop figures the
issue lists: 3 product events per session (p99 18–49), views 90–92 % of view + cart +
purchase events, 0.062–0.087 carts per view, 0.30–0.37 purchases per cart (those logs write
one purchase event per product bought, so purchases count order lines here).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest

from demogen.analysis.rules import Rules
from demogen.simulation import preset_for_industry
from demogen.vocab import thinkingdata_name
from tests.corpus import corpus_params, taxonomy_folders
from tests.simulation.behaviour_stats import funnel_stats, order_sizes
from tests.simulation.generated_outputs import EXAMPLE_IDS, Generated, output_factory, tracks

#: Plans the issue names: the bundled examples and the public taxonomies.
PLANS = [*(pytest.param(e, id=e) for e in EXAMPLE_IDS),
         *corpus_params([p.name for p in taxonomy_folders()], ids=str)]
#: Events that open, close or sign into a session, whatever the plan calls them.
ACCOUNT_WORDS = ("session_start", "session_end", "login", "app_open")
#: (check, plan) → why it fails today.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def _ecommerce(g: Generated) -> None:
    if preset_for_industry(g.product.industry) != "ecommerce":
        pytest.skip(f"{g.source.name} is not an e-commerce plan")
    if not g.rules.event_roles.view:
        pytest.fail(f"{g.source.name}: the analysis names no product view (event_roles.view)")


@pytest.fixture(scope="module")
def month_output(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Generated]:
    """``month_output(source_id)``: 2,000 users × 30 days, seed 3 (the issue's measure). At
    1,000 users a shop holds about 40 buyers, and purchases per cart moves by ±0.05 from
    one seed or one changed random draw to the next (examples/ecommerce: 0.289 → 0.218
    when the basket's redraws shifted the users' draws; 2,000 users: 0.293 → 0.288)."""
    return output_factory(tmp_path_factory, "month", users=2_000, days=30, seed=3)


def _stats(g: Generated) -> Any:
    starts = g.rules.event_constraints.session_start_events
    return funnel_stats(g.out, starts[0] if starts else "session_start")


def _xfail(check: str, source: str) -> None:
    reason = KNOWN_BUGS.get((check, source)) or KNOWN_BUGS.get((check, "*"))
    if reason:
        pytest.xfail(reason)


@pytest.mark.parametrize("source", PLANS)
def test_shoppers_view_several_products_per_session(coherence_output, month_output,
                                                    source: str) -> None:
    g = coherence_output(source)
    _ecommerce(g)
    depth = _stats(month_output(source)).product_events_per_session
    assert depth["p50"] >= 3 and depth["p99"] >= 15, depth


@pytest.mark.parametrize("source", PLANS)
def test_views_lead_the_funnel_and_carts_follow_a_few_views(coherence_output, month_output,
                                                              source: str) -> None:
    g = coherence_output(source)
    _ecommerce(g)
    stats = _stats(month_output(source))
    assert stats.view_share >= 0.85, stats
    assert 0.05 <= stats.carts_per_view <= 0.10, stats


@pytest.mark.parametrize("source", PLANS)
def test_about_a_third_of_carts_end_in_a_purchase(coherence_output, month_output,
                                                  source: str) -> None:
    g = coherence_output(source)
    _ecommerce(g)
    _xfail("purchases_per_cart", source)
    stats = _stats(month_output(source))
    assert 0.25 <= stats.purchases_per_cart <= 0.40, stats


@pytest.mark.parametrize("source", PLANS)
def test_orders_buy_a_few_lines_of_the_cart(coherence_output, month_output,
                                            source: str) -> None:
    """An order buys a few of the latest carted lines, not the whole cart: realism-bands
    §3 gives 2.87 units per order (band 1-5). Buying the whole basket made orders of the
    plan's longest list (segment_ecommerce_v2: 5.3 lines on average, 20 at most; its
    purchases per cart 0.450, over the band)."""
    g = coherence_output(source)
    _ecommerce(g)
    sizes = order_sizes(month_output(source).out, _revenue(g))
    n = sum(sizes.values())
    assert n >= 100, sizes
    mean = sum(k * v for k, v in sizes.items()) / n
    assert 1.5 <= mean <= 4.5, sizes
    assert sizes[1] >= 0.25 * n, sizes          # many orders hold one product
    # A tail of large baskets bought nearly whole (segment_ecommerce_v2 2,000 x 30 seed 3:
    # 21 of 417 orders over 10 lines, 2 at its longest list, 20; before, 7 of 121 at 20).
    assert sum(v for k, v in sizes.items() if k > 10) <= 0.08 * n, sizes
    assert sum(v for k, v in sizes.items() if k >= 20) <= 0.01 * n, sizes


def _revenue(g: Generated) -> set[str]:
    return {n for name in g.rules.event_roles.revenue for n in (name, thinkingdata_name(name))}


def _account_events(rules: Rules) -> set[str]:
    roles, ec = rules.event_roles, rules.event_constraints
    return {*roles.login, *roles.install, *roles.signup, *ec.session_start_events,
            *ec.session_end_events}


@pytest.mark.parametrize("source", PLANS)
def test_the_top_event_is_content_not_an_account_event(coherence_output, source: str) -> None:
    g = coherence_output(source)
    counts = Counter(r["#event_name"] for r in tracks(g.records))
    top, n = counts.most_common(1)[0]
    account = _account_events(g.rules)
    assert top not in account and not any(w in top.lower() for w in ACCOUNT_WORDS), (
        f"{source}: the most frequent event is {top} ({n} of {sum(counts.values())})")


def test_a_view_loop_follows_the_rules_roles(coherence_output) -> None:
    """The loop comes from Rules: the e-commerce example's product view is its view role,
    its add to cart the cart role, and views outnumber every other event."""
    g = coherence_output("ecommerce")
    roles = g.rules.event_roles
    counts = Counter(r["#event_name"] for r in tracks(g.records))
    assert roles.view and roles.cart, roles
    assert counts.most_common(1)[0][0] in roles.view, counts.most_common(3)


@pytest.mark.parametrize("source", PLANS)
def test_a_search_is_followed_by_its_results(coherence_output, source: str) -> None:
    """A search opens a loop of result views (Rules ``event_roles.search``): most searches
    are followed right away by a product view (before the loop: 0.25 on both shops, where
    views were a quarter of what came next by chance); the rest found nothing."""
    g = coherence_output(source)
    _ecommerce(g)
    searches, views = set(g.roles("search")), set(g.roles("view"))
    if not searches:
        pytest.skip(f"{source}: the analysis names no search (event_roles.search)")
    following = []
    for timeline in g.timelines.values():
        names = [r["#event_name"] for r in tracks(timeline)]
        following += [b for a, b in pairwise(names) if a in searches]
    shown = sum(name in views for name in following) / len(following)
    assert shown >= 0.7, (source, shown, Counter(following).most_common(5))

"""A session as a story of intents (issue 13): a search opens a loop of its results, and
what a session sets out to do (search, buy, browse) follows the user's state.

Planned with the e-commerce example's own rules (as ``demogen generate`` analyses them) and
the planner the engine uses, many sessions of many users: the shares are counted, not
assumed.
"""

from __future__ import annotations

import random
from pathlib import Path

from demogen.simulation._context import DeviceProfile
from demogen.simulation.behaviour import BehaviourPlan, compile_behaviour
from demogen.simulation.population import SimUser
from demogen.simulation.presets import ContentLoop, Intents, IntentShares, load_preset
from demogen.simulation.story import SessionPlanner
from demogen.vocab import LifecycleStage, Segment
from tests.simulation.generated_outputs import analysed

EXAMPLE = Path(__file__).parents[2] / "examples" / "ecommerce"
SESSIONS = 8


def _plan() -> BehaviourPlan:
    taxonomy, _, rules = analysed(EXAMPLE)
    roles = rules.event_roles.model_copy(update={"cart_view": ["view_cart"]})
    return compile_behaviour(taxonomy, rules.model_copy(update={"event_roles": roles}))


def _user(index: int, segment: Segment) -> SimUser:
    device = DeviceProfile(distinct_id=f"d{index}", country="US", zone_offset=-5,
                           ip="1.2.3.4", locale="en_US", language="en", currency="USD")
    stage = LifecycleStage.INSTALLED if segment is Segment.NEW_USER else LifecycleStage.ACTIVE
    return SimUser(index=index, rnd=random.Random(index), device=device, segment=segment,
                   stage=stage, potential_payer=index % 3 == 0, purchase_rate=0.2)


def _sessions(plan: BehaviourPlan, loop: ContentLoop, segment: Segment,
              users: int = 300) -> list[list[str]]:
    planner = SessionPlanner(plan, loop)
    out = []
    for index in range(users):
        user = _user(index, segment)
        out += [planner.plan_session(user, 7, day) for day in range(SESSIONS)]
    return out


def test_a_search_is_followed_by_the_views_of_what_it_found() -> None:
    plan = _plan()
    (search,), view = plan.searches, plan.views[0]
    found = _sessions(plan, ContentLoop(view_continue=0.65, search_found=1.0,
                                        search_refine=0.0), Segment.ACTIVE_USER)
    after = [s[i + 1] for s in found for i, e in enumerate(s[:-1]) if e == search]
    assert after and all(e == view for e in after), after[:20]
    none = _sessions(plan, ContentLoop(view_continue=0.65, search_found=0.0),
                     Segment.ACTIVE_USER)
    after = [s[i + 1] for s in none for i, e in enumerate(s[:-1]) if e == search]
    assert sum(e == view for e in after) < 0.5 * len(after), "nothing found shows no results"


def test_a_refined_search_follows_its_results_in_a_share_of_searches() -> None:
    plan = _plan()
    (search,) = plan.searches
    sessions = _sessions(plan, ContentLoop(view_continue=0.5, search_found=1.0,
                                           search_refine=0.6), Segment.ACTIVE_USER)
    runs = [sum(1 for e in s if e == search) for s in sessions if search in s]
    assert max(runs) >= 5 and sum(runs) / len(runs) >= 2.0, (max(runs), len(runs))


def _holding(sessions: list[list[str]], event: str) -> float:
    """The share of sessions that hold ``event``."""
    return sum(event in s for s in sessions) / len(sessions)


def test_the_intent_follows_the_users_state() -> None:
    plan = _plan()
    (search,) = plan.searches
    intents = Intents(new=IntentShares(search=1.0), carted=IntentShares(buy=1.0))
    loop = ContentLoop(view_continue=0.5, search_found=0.0, intents=intents)
    plain = ContentLoop(view_continue=0.5, search_found=0.0)
    # A new user sets out to search in every session; without intents far fewer search.
    assert _holding(_sessions(plan, loop, Segment.NEW_USER), search) > 0.95 > \
        _holding(_sessions(plan, plain, Segment.NEW_USER), search)
    # An engaged user with something carted and not bought goes back to the cart.
    carted = _after_a_cart(_sessions(plan, loop, Segment.ACTIVE_USER), plan)
    assert carted and _holding(carted, "view_cart") > 0.95
    carted = _after_a_cart(_sessions(plan, plain, Segment.ACTIVE_USER), plan)
    assert _holding(carted, "view_cart") < 0.9
    # An engaged user with nothing carted (``engaged``: no intent here) does neither.
    engaged = _sessions(plan, loop, Segment.ACTIVE_USER)
    assert _holding(engaged, search) < 0.9


def _after_a_cart(sessions: list[list[str]], plan: BehaviourPlan) -> list[list[str]]:
    """Sessions that start with something carted and not bought in the user's earlier ones
    (each user's SESSIONS sessions in a row)."""
    out, carted = [], False
    for n, session in enumerate(sessions):
        if n % SESSIONS == 0:
            carted = False
        if carted:
            out.append(session)
        for event in session:
            if event in plan.carts:
                carted = True
            elif event in plan.revenue:
                carted = False
    return out


def _results_after_each_search(sessions: list[list[str]], search: str,
                               view: str) -> list[int]:
    """How many result views follow each search right after it (before any other event)."""
    runs = []
    for session in sessions:
        for i, event in enumerate(session):
            if event == search:
                after = session[i + 1:]
                runs.append(next((n for n, e in enumerate(after) if e != view), len(after)))
    return sorted(runs)


def test_a_searchs_results_run_is_heavy_tailed() -> None:
    """With the e-commerce preset's loop, most searches show a couple of results and a few
    show many: the p99 of views per search far above its p50 (a geometric run of the
    same mean: p50 2, p99 about 10), its mean about a browse run's."""
    plan = _plan()
    (search,), view = plan.searches, plan.views[0]
    loop = load_preset("ecommerce").content_loop.model_copy(
        update={"search_found": 1.0, "search_refine": 0.0})
    runs = _results_after_each_search(_sessions(plan, loop, Segment.ACTIVE_USER, 600),
                                      search, view)
    p50, p99 = runs[len(runs) // 2], runs[int(0.99 * len(runs))]
    assert p50 >= 1 and p99 >= 6 * p50 and p99 >= 13, (p50, p99)
    assert 2.0 <= sum(runs) / len(runs) <= 3.5, sum(runs) / len(runs)


def test_a_session_with_no_intent_to_draw_draws_nothing_for_one() -> None:
    """Where every share of the user's state is 0 (most verticals), deciding what the
    session sets out to do takes no draw from the user's stream: the rest of the session
    is drawn as it would be without intents."""
    plan = _plan()
    planner = SessionPlanner(plan, ContentLoop())
    user = _user(1, Segment.ACTIVE_USER)
    before = user.rnd.getstate()
    planner._intend(user, [])
    assert user.rnd.getstate() == before
    searching = SessionPlanner(plan, ContentLoop(intents=Intents(
        engaged=IntentShares(search=0.5))))
    searching._intend(user, [])
    assert user.rnd.getstate() != before, "a share to draw takes a draw"


GAME = Path(__file__).parents[2] / "examples" / "game"


def test_settings_are_changed_several_at_a_time_in_the_first_days() -> None:
    """The game's ``settings_change`` (Rules ``event_roles.configure``, from the analyzer)
    comes in sessions set out to configure: several in a row, mostly while the user is new,
    not one now and then across the user's life as free draws would sprinkle it."""
    taxonomy, _, rules = analysed(GAME)
    assert rules.event_roles.configure == ["settings_change"]
    plan = compile_behaviour(taxonomy, rules)
    planner = SessionPlanner(plan, load_preset("game").content_loop)
    per_session: list[tuple[bool, int]] = []     # (the user is new, settings changed)
    for index in range(400):
        user = _user(index, Segment.NEW_USER)
        user.progress_limits = [len(flow.steps) for flow in plan.progressions]
        for day in range(20):
            if day == 4:
                user.segment = Segment.ACTIVE_USER
            changed = planner.plan_session(user, 12, day).count("settings_change")
            per_session.append((day < 4, changed))
    holding = [n for _, n in per_session if n]
    early = sum(n for new, n in per_session if new) / sum(holding)
    assert len(holding) >= 50 and sum(holding) / len(holding) >= 2.5, \
        (len(holding), sum(holding) / len(holding))
    assert early >= 0.6, early

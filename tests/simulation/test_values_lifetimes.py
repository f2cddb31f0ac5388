"""How long values live: per user, per session, across paired events, as state mirrors."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

import pytest

from demogen.analysis.rules import Rules
from demogen.simulation._context import UserContext
from demogen.simulation.values import ValueFactory
from demogen.simulation.values._plans import EVENT, SESSION, STATE, USER, lifetime
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property, ValueRange
from demogen.vocab import PropertyType as T
from demogen.vocab import Scope

from .test_values import make_user

PRODUCT = ProductInfo(industry="gaming", platform="mobile_app", product_name="Dungeon Tiles")
START = datetime(2026, 11, 1, 9, 0, 0)


def P(name: str, type_: T = T.STRING, **kw: Any) -> Property:
    return Property(name=name, type=type_, **kw)


def C(name: str, type_: T = T.STRING, **kw: Any) -> Property:
    return Property(name=name, type=type_, scope=Scope.COMMON, **kw)


def R(min_: float, max_: float) -> ValueRange:
    return ValueRange(min=min_, max=max_, integer=True)


TAXONOMY = EventTaxonomy(
    events=(
        Event(name="session_start", properties=("session_id", "is_first_session")),
        Event(name="login", properties=("method", "login_method")),
        Event(name="share", properties=("method", "item_id")),
        Event(name="ad_impression", properties=("ad_platform",)),
        Event(name="gold_earn", properties=("gold_amount", "earn_reason", "character")),
        Event(name="stage_start", properties=("stage_id", "chapter", "difficulty")),
        Event(name="stage_clear", properties=("stage_id", "chapter", "difficulty", "clear_time",
                                              "fail_reason")),
        Event(name="stage_fail", properties=("stage_id", "chapter", "difficulty",
                                             "fail_reason")),
        Event(name="level_start", properties=("level_name",)),
        Event(name="level_end", properties=("level_name", "success")),
        Event(name="purchase", properties=("transaction_id", "value", "currency", "items")),
        Event(name="refund", properties=("transaction_id", "value", "currency", "items")),
        Event(name="init_order", properties=("order_id", "pay_amount", "payment_name")),
        Event(name="payment", properties=("order_id", "pay_amount", "payment_name")),
        Event(name="payment_fail", properties=("order_id", "pay_amount", "fail_reason")),
        Event(name="level_up", properties=("level", "previous_level")),
        Event(name="iap_attempt", properties=("product_id", "price_usd")),
        Event(name="iap_transaction", properties=("product_id", "price_usd")),
        Event(name="iap_succeeded", properties=("product_id", "price_usd")),
    ),
    properties=(
        P("session_id"), P("is_first_session", T.BOOLEAN),
        P("method", enum=("Google", "Apple", "Guest", "Email")),
        P("login_method", enum=("guest", "google", "apple")),
        P("ad_platform", enum=("AdMob", "AppLovin", "ironSource")),
        P("item_id"), P("gold_amount", T.NUMBER, value_range=R(10, 50_000)),
        P("earn_reason", enum=("quest", "stage", "mail", "ad")),
        P("character", enum=("Knight", "Mage", "Archer", "Rogue")),
        P("stage_id"), P("chapter", T.NUMBER, value_range=R(1, 20)),
        P("difficulty", enum=("normal", "hard", "hell")),
        P("clear_time", T.NUMBER, value_range=R(20, 600)),
        P("fail_reason", enum=("quit", "time_over")),
        P("level_name"), P("success", T.BOOLEAN),
        P("transaction_id"), P("value", T.NUMBER), P("currency", enum=("USD", "KRW")),
        P("items", T.LIST),
        P("order_id"), P("pay_amount", T.NUMBER, value_range=R(1, 500)), P("payment_name"),
        P("level", T.NUMBER, value_range=R(1, 150)),
        P("previous_level", T.NUMBER, value_range=R(1, 149)),
        P("product_id"), P("price_usd", T.NUMBER),
    ),
    common_properties=(
        C("server_id", enum=("kr_01", "kr_02", "jp_01", "global_01")),
        C("channel", enum=("google_play", "app_store", "onestore")),
        C("user_type", enum=("free", "paid", "whale")),
        C("ga_session_id", T.NUMBER), C("ga_session_number", T.NUMBER,
                                        value_range=R(1, 2000)),
        C("session_count", T.NUMBER),
        C("cur_level", T.NUMBER, value_range=R(1, 150)),
        C("cur_stage_id"),
        C("event_score", T.NUMBER, value_range=R(0, 1000)),
    ),
    user_properties=(
        P("level", T.NUMBER, scope=Scope.USER, value_range=R(1, 500)),
    ),
)
RULES = Rules.from_data({
    "update_patterns": {"level_up": {"level": {"type": "set", "value": "{{level}}"}}},
    "monetary_properties": {"value": {"currency_property": "currency"}},
    "event_constraints": {"sequence_details": [
        {"events": ["level_start", "level_end"], "scope": "session", "key": "level_name"},
        {"events": ["purchase", "refund"], "scope": "user", "key": "transaction_id"},
        {"events": ["init_order", "payment"], "scope": "session"},
        {"events": ["iap_attempt", "iap_transaction"], "scope": "session"},
        {"events": ["iap_attempt", "iap_succeeded"], "scope": "session"},
    ]},
})


@pytest.fixture(scope="module")
def factory() -> ValueFactory:
    return ValueFactory(TAXONOMY, RULES, PRODUCT, seed=11, pool_size=60)


class Clock:
    """Drives a user through sessions the way the engine does."""

    def __init__(self, user: UserContext):
        self.user = user

    def session(self, number: int, start: float) -> None:
        self.user.session_number, self.user.session_start = number, start
        self.user.clock = start

    def at(self, seconds_into_session: float) -> str:
        self.user.clock = self.user.session_start + seconds_into_session
        moment = START + timedelta(seconds=self.user.clock)
        return f"{moment:%Y-%m-%d %H:%M:%S}.000"


def run(factory: ValueFactory, user: UserContext, event: str, t: str) -> dict[str, Any]:
    return factory.event_sampler(event).sample(user, t)


# -- 1. per user ----------------------------------------------------------------------------


def test_lifetimes_are_decided_at_compile_time(factory: ValueFactory) -> None:
    tables = factory._tables
    prop = tables.props.get
    assert lifetime(tables, prop("server_id"), "gold_earn") == USER
    assert lifetime(tables, prop("channel"), "gold_earn") == USER
    assert lifetime(tables, prop("character"), "gold_earn") == USER
    assert lifetime(tables, prop("method"), "login") == USER      # the user's way in
    assert lifetime(tables, prop("method"), "share") == EVENT     # how this was shared
    assert lifetime(tables, prop("ga_session_id"), "login") == SESSION
    assert lifetime(tables, prop("cur_level"), "login") == STATE
    assert lifetime(tables, prop("ad_platform"), "ad_impression") == EVENT   # not the device's
    for name in ("gold_amount", "earn_reason", "item_id", "event_score", "stage_id"):
        assert lifetime(tables, prop(name), "gold_earn") == EVENT, name


def test_user_values_stay_for_the_user_event_values_vary(factory: ValueFactory) -> None:
    user = make_user(3)
    clock = Clock(user)
    seen: dict[str, set[Any]] = {}
    for session in range(1, 6):
        clock.session(session, session * 40_000.0)
        for i, event in enumerate(("login", "gold_earn", "share", "gold_earn", "login")):
            for name, value in run(factory, user, event, clock.at(i * 30)).items():
                seen.setdefault(name, set()).add(str(value))
    for name in ("server_id", "channel", "user_type", "character", "login_method"):
        assert len(seen[name]) == 1, name
    assert len(seen["method"]) > 1     # share's method varies, login's is fixed per user
    for name in ("gold_amount", "item_id", "event_score"):
        assert len(seen[name]) > 3, name


def test_user_values_differ_between_users(factory: ValueFactory) -> None:
    servers = {run(factory, make_user(i), "gold_earn", "2026-11-01 09:00:00.000")["server_id"]
               for i in range(60)}
    assert servers == {"kr_01", "kr_02", "jp_01", "global_01"}


def test_current_thing_follows_the_latest_event_value(factory: ValueFactory) -> None:
    user = make_user(4)
    before = run(factory, user, "gold_earn", "2026-11-01 09:00:00.000")["cur_stage_id"]
    assert run(factory, user, "gold_earn", "2026-11-01 09:00:01.000")["cur_stage_id"] == before
    started = run(factory, user, "stage_start", "2026-11-01 09:00:02.000")
    assert started["cur_stage_id"] == started["stage_id"]
    assert run(factory, user, "gold_earn", "2026-11-01 09:00:03.000")["cur_stage_id"] == \
        started["stage_id"]


# -- 2. per session -------------------------------------------------------------------------


def test_session_values_hold_for_the_session(factory: ValueFactory) -> None:
    user = make_user(5)
    clock = Clock(user)
    ids: dict[int, set[Any]] = {}
    for session, start in ((1, 3600.0), (2, 90_000.0), (3, 95_000.0)):
        clock.session(session, start)
        for i in range(4):
            t = clock.at(i * 45.0)
            out = run(factory, user, "session_start", t)
            assert out["ga_session_number"] == session == out["session_count"]
            assert out["is_first_session"] is (session == 1)
            ids.setdefault(session, set()).add((out["session_id"], out["ga_session_id"]))
            start_epoch = (START + timedelta(seconds=start)
                           - timedelta(hours=user.device.zone_offset)).timestamp()
            assert out["ga_session_id"] == int(start_epoch)     # GA4: the session start
    assert all(len(pair) == 1 for pair in ids.values())
    distinct = {pair for pairs in ids.values() for pair in pairs}
    assert len({sid for sid, _ in distinct}) == 3 and len({g for _, g in distinct}) == 3


def test_session_number_stays_in_its_range(factory: ValueFactory) -> None:
    user = make_user(6)
    user.session_number = 5000
    assert run(factory, user, "login", "2026-11-01 09:00:00.000")["ga_session_number"] == 2000


# -- 3. paired events -----------------------------------------------------------------------


def test_a_rule_key_pairs_events(factory: ValueFactory) -> None:
    user = make_user(7)
    user.session_number = 1
    for _ in range(20):
        started = run(factory, user, "level_start", "2026-11-01 09:00:00.000")
        ended = run(factory, user, "level_end", "2026-11-01 09:00:30.000")
        assert ended["level_name"] == started["level_name"]
    names = {run(factory, user, "level_start", "2026-11-01 09:01:00.000")["level_name"]
             for _ in range(20)}
    assert len(names) > 3                        # leaders still draw


def test_a_follower_without_a_leader_draws_and_a_new_session_forgets(
        factory: ValueFactory) -> None:
    user = make_user(8)
    user.session_number = 1
    lone = {run(factory, make_user(i), "level_end", "2026-11-01 09:00:00.000")["level_name"]
            for i in range(20)}
    assert len(lone) > 3
    started = run(factory, user, "level_start", "2026-11-01 09:00:00.000")
    user.session_number = 2                      # a session-scoped pair ends with its session
    ends = {run(factory, user, "level_end", "2026-11-01 10:00:00.000")["level_name"]
            for _ in range(10)}
    assert ends != {started["level_name"]}


def test_refund_shows_the_purchase_it_reverses(factory: ValueFactory) -> None:
    user = make_user(9, country="US")
    user.session_number = 1
    bought = run(factory, user, "purchase", "2026-11-01 09:00:00.000")
    user.session_number = 7                      # user-scoped: later sessions still know it
    refunded = run(factory, user, "refund", "2026-11-03 09:00:00.000")
    assert all(refunded[k] == bought[k] for k in ("transaction_id", "value", "currency", "items"))
    again = run(factory, user, "refund", "2026-11-03 09:05:00.000")   # refunded: forgotten
    assert again["transaction_id"] != bought["transaction_id"]


def test_start_and_its_endings_pair_by_name(factory: ValueFactory) -> None:
    user = make_user(10)
    user.session_number = 1
    for ending in ("stage_clear", "stage_fail") * 10:
        started = run(factory, user, "stage_start", "2026-11-01 09:00:00.000")
        ended = run(factory, user, ending, "2026-11-01 09:01:00.000")
        assert {k: ended[k] for k in ("stage_id", "chapter", "difficulty")} == \
            {k: started[k] for k in ("stage_id", "chapter", "difficulty")}
    reasons = set()
    for _ in range(30):
        run(factory, user, "stage_start", "2026-11-01 09:00:00.000")
        reasons.add(run(factory, user, "stage_fail", "2026-11-01 09:00:09.000")["fail_reason"])
    assert len(reasons) == 2                     # what happened is not copied


def test_a_shared_id_is_found_without_a_rule_key(factory: ValueFactory) -> None:
    user = make_user(11)
    user.session_number = 1
    order = run(factory, user, "init_order", "2026-11-01 09:00:00.000")
    paid = run(factory, user, "payment", "2026-11-01 09:00:10.000")
    own = ("order_id", "pay_amount", "payment_name")
    assert {k: paid[k] for k in own} == {k: order[k] for k in own}
    order = run(factory, user, "init_order", "2026-11-01 09:01:00.000")
    failed = run(factory, user, "payment_fail", "2026-11-01 09:01:10.000")   # a failure variant
    assert failed["order_id"] == order["order_id"] and failed["pay_amount"] == order["pay_amount"]


def test_each_ending_uses_the_thing_once(factory: ValueFactory) -> None:
    user = make_user(15)
    user.session_number = 1
    for _ in range(5):
        attempt = run(factory, user, "iap_attempt", "2026-11-01 09:00:00.000")
        transaction = run(factory, user, "iap_transaction", "2026-11-01 09:00:05.000")
        succeeded = run(factory, user, "iap_succeeded", "2026-11-01 09:00:06.000")
        assert attempt["product_id"] == transaction["product_id"] == succeeded["product_id"]
        assert attempt["price_usd"] == transaction["price_usd"] == succeeded["price_usd"]
    again = [run(factory, user, "iap_succeeded", "2026-11-01 09:01:00.000")["price_usd"]
             for _ in range(5)]                   # no new attempt: not the same purchase
    assert again[0] != attempt["price_usd"] and len(set(again)) > 1


def test_an_unusable_rule_key_is_reported() -> None:
    rules = Rules.from_data({"event_constraints": {"sequence_details": [
        {"events": ["level_start", "level_end"], "key": "nope"}]}})
    factory = ValueFactory(TAXONOMY, rules, PRODUCT, seed=1)
    assert any("key 'nope'" in w for w in factory.warnings)


# -- 4. state mirrors -------------------------------------------------------------------------


def test_mirrors_show_the_state_clipped_to_the_range(factory: ValueFactory) -> None:
    user = make_user(12, state={"level": 42})
    assert run(factory, user, "level_up", "2026-11-01 09:00:00.000")["level"] == 42
    assert run(factory, user, "gold_earn", "2026-11-01 09:00:00.000")["cur_level"] == 42
    user.state["level"] = 158                    # the state ran past the event's range
    assert run(factory, user, "level_up", "2026-11-01 09:00:00.000")["level"] == 150
    assert run(factory, user, "gold_earn", "2026-11-01 09:00:00.000")["cur_level"] == 150
    user.state["level"] = 0                      # below the range: still what the user has
    assert run(factory, user, "gold_earn", "2026-11-01 09:00:00.000")["cur_level"] == 0


def test_a_before_value_is_the_state_less_the_event_own_step(factory: ValueFactory) -> None:
    user = make_user(14, state={"level": 43})    # level_up already added its +1
    out = run(factory, user, "level_up", "2026-11-01 09:00:00.000")
    assert (out["level"], out["previous_level"]) == (43, 42)
    assert factory.mirrors()["level"] == "level" and "previous_level" not in factory.mirrors()


def test_a_mirror_without_state_draws_once_per_user(factory: ValueFactory) -> None:
    user = make_user(13)
    levels = {run(factory, user, "gold_earn", "2026-11-01 09:00:00.000")["cur_level"]
              for _ in range(10)}
    assert len(levels) == 1 and 1 <= levels.pop() <= 150


# -- determinism --------------------------------------------------------------------------


def test_same_seed_same_sessions() -> None:
    def play(seed: int) -> list[dict[str, Any]]:
        factory = ValueFactory(TAXONOMY, RULES, PRODUCT, seed=seed, pool_size=60)
        user = UserContext(index=3, rnd=random.Random(99), device=make_user(3).device)
        clock, out = Clock(user), []
        for session in (1, 2):
            clock.session(session, session * 50_000.0)
            for i, event in enumerate(e.name for e in TAXONOMY.events):
                out.append(run(factory, user, event, clock.at(i * 20.0)))
        return out

    assert play(5) == play(5)

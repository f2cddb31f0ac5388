"""Property values: type-correct, inside enums and ranges, consistent with rules and state."""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Mapping
from datetime import datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from demogen.analysis.rules import Rules
from demogen.simulation._context import DeviceProfile, UserContext
from demogen.simulation.devices import DeviceFactory
from demogen.simulation.ids import RunIds
from demogen.simulation.values import ValueFactory
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property, ValueRange
from demogen.vocab import PropertyType as T
from demogen.vocab import Scope, Segment, UpdateMethod

NOW = "2024-05-03 12:30:45.123"
USD_POINTS = {0.99, 1.99, 4.99, 9.99, 19.99, 49.99, 99.99}
KRW_POINTS = {1200, 2500, 5900, 12000, 25000, 59000, 119000}


def P(name: str, type_: T = T.STRING, **kw: Any) -> Property:
    return Property(name=name, type=type_, **kw)


TAXONOMY = EventTaxonomy(
    events=(
        Event(name="purchase", properties=("#device_id", "currency", "value", "transaction_id",
                                           "items", "is_first_purchase", "coupon")),
        Event(name="level_up", properties=("level", "xp", "character", "duration_seconds")),
        Event(name="reward", properties=("rewards_info", "rewards_info.reward_type",
                                         "rewards_info.quantity", "bonus")),
        Event(name="carrier_report", properties=("country", "carrier")),
        Event(name="earn", properties=("value", "virtual_currency_name")),
        Event(name="signup", properties=("email", "invitee_email", "first_name", "signup_time",
                                         "register_time", "trial_end_date", "birthday")),
        Event(name="empty"),
    ),
    properties=(
        P("currency", enum=("USD", "KRW", "JPY")),
        P("value", T.NUMBER, value_range=ValueRange(min=0, max=1_000_000)),
        P("transaction_id"),
        P("items", T.LIST, list_length=ValueRange(min=1, max=3, integer=True)),
        P("is_first_purchase", T.BOOLEAN),
        P("coupon"),
        P("level", T.NUMBER, value_range=ValueRange(min=1, max=150, integer=True)),
        P("xp", T.NUMBER),
        P("character", enum=("Knight", "Mage", "Archer", "Rogue")),
        P("duration_seconds", T.NUMBER),
        P("rewards_info", T.OBJECT_GROUP, list_length=ValueRange(min=2, max=4, integer=True),
          children=(P("rewards_info.index", T.NUMBER),
                    P("rewards_info.reward_type", enum=("item", "currency")),
                    P("rewards_info.quantity", T.NUMBER,
                      value_range=ValueRange(min=1, max=9, integer=True)),
                    P("rewards_info.id"))),
        P("bonus", T.OBJECT, children=(P("multiplier", T.NUMBER), P("source"))),
        P("country", enum=("KR", "JP", "US")),
        P("carrier"),
        P("virtual_currency_name", enum=("Coins", "Gems")),
        P("email"), P("invitee_email"), P("first_name"),
        P("signup_time", T.TIME), P("register_time", T.TIME), P("trial_end_date", T.TIME),
        P("birthday", T.TIME),
        P("#device_id"),
    ),
    common_properties=(
        P("platform", scope=Scope.COMMON, enum=("ANDROID", "IOS")),
        P("tmp_gold", T.NUMBER, scope=Scope.COMMON),
        P("#os", scope=Scope.COMMON),
    ),
    user_properties=(
        P("player_level", T.NUMBER, scope=Scope.USER,
          value_range=ValueRange(min=1, max=150, integer=True)),
        P("current_gold_balance", T.NUMBER, scope=Scope.USER),
        P("total_spent", T.NUMBER, scope=Scope.USER, update_method=UpdateMethod.USER_ADD),
        P("is_payer", T.BOOLEAN, scope=Scope.USER),
        P("plan", scope=Scope.USER, enum=("free", "pro", "team")),
        P("country", scope=Scope.USER),
        P("nick_name", scope=Scope.USER),
        P("install_time", T.TIME, scope=Scope.USER),
        P("last_login_time", T.TIME, scope=Scope.USER),
        P("owned_heroes", T.LIST, scope=Scope.USER),
    ),
)

RULES = Rules.from_data({
    "property_constraints": {"carrier": {"depends_on": ["country"], "mapping": {
        "KR": ["SKT", "KT", "LG U+"], "JP": ["NTT DOCOMO", "au", "SoftBank"],
        "US": ["Verizon", "AT&T", "T-Mobile"]}}},
    "property_relationships": {"xp": {"depends_on": ["level"],
                                      "formula": "level * 100 + randint(0, 50)"}},
    "monetary_properties": {"value": {"currency_property": "currency"}},
    "value_ranges": {"duration_seconds": {"min": 10, "max": 300, "mean": 60}},
    "segment_analysis": {
        "NEW_USER": {"property_ranges": {"player_level": {"min": 1, "max": 5, "mean": 2}}},
        "POWER_USER": {"property_ranges": {"player_level": {"min": 60, "max": 150}}},
    },
})
PRODUCT = ProductInfo(industry="gaming", platform="mobile_app", product_name="Dungeon Tiles")


@pytest.fixture(scope="module")
def factory() -> ValueFactory:
    return ValueFactory(TAXONOMY, RULES, PRODUCT, seed=7, pool_size=100)


def make_user(index: int, *, seed: int = 7, country: str | None = None,
              segment: Segment = Segment.ACTIVE_USER, platform: str = "mobile_app",
              state: dict[str, Any] | None = None) -> UserContext:
    rnd = random.Random(seed * 1_000_003 + index)
    devices = DeviceFactory(platform, {country: 1.0} if country else None)
    device = devices.new_device(rnd, index, RunIds(seed=seed))
    return UserContext(index=index, rnd=rnd, device=device, segment=segment,
                       state=dict(state or {}))


def check_type(prop: Property, value: Any, where: str,
               money: frozenset[str] = frozenset(),
               plan_units: Mapping[str, float] | None = None) -> None:
    """Type, enum and range of one value. ``money``: properties whose amounts keep their
    currency's decimals even when the plan's range has whole-number bounds. A plan's range
    for an amount is in the plan's currency: ``plan_units[name]`` is what one unit of the
    amount's own currency is worth in it (1 when left out)."""
    t = prop.type
    if t == T.NUMBER:
        assert isinstance(value, int | float) and not isinstance(value, bool), where
        assert math.isfinite(value) and abs(value) < 1e13, where
    elif t == T.BOOLEAN:
        assert isinstance(value, bool), where
    elif t == T.STRING:
        assert isinstance(value, str) and len(value.encode()) <= 2048, where
        assert "\n" not in value, where
    elif t == T.TIME:
        datetime.strptime(value, "%Y-%m-%d %H:%M:%S.%f")
        assert len(value) == 23, where
    elif t == T.LIST:
        assert isinstance(value, list) and len(value) <= 500, where
        assert all(isinstance(e, str) for e in value), where
    elif t == T.OBJECT:
        assert isinstance(value, dict) and len(value) <= 100, where
    else:
        assert isinstance(value, list) and len(value) <= 500, where
        assert all(isinstance(row, dict) and len(row) <= 100 for row in value), where
    if prop.enum and t == T.STRING:
        assert value in {str(e) for e in prop.enum}, (where, value)
    if prop.value_range and t == T.NUMBER:
        r = prop.value_range
        units = (plan_units or {}).get(prop.name, 1.0)
        if units != 1.0:
            # A local price at its price points lands near, not on, the converted bound.
            worth = value * units
            assert r.min * 0.8 <= worth <= r.max * 1.25, (where, value, worth)
        else:
            assert r.min <= value <= r.max, (where, value)
        if r.integer and prop.name not in money:
            assert float(value).is_integer(), (where, value)
    if t in (T.OBJECT, T.OBJECT_GROUP):
        rows = value if t == T.OBJECT_GROUP else [value]
        for row in rows:
            for child in prop.children:
                key = child.name.rsplit(".", 1)[-1]
                assert key in row, (where, key)
                check_type(child, row[key], f"{where}.{key}", money, plan_units)


def check_event(taxonomy: EventTaxonomy, event: str, values: dict[str, Any],
                money: frozenset[str] = frozenset(),
                plan_units: Mapping[str, float] | None = None) -> None:
    for name, value in values.items():
        assert not name.startswith("#"), name
        prop = taxonomy.property(name)
        assert prop is not None, name
        check_type(prop, value, f"{event}.{name}", money, plan_units)


# -- shape of the output -------------------------------------------------------------------


def test_event_gives_its_properties_then_the_common_ones_without_presets(
        factory: ValueFactory) -> None:
    out = factory.event_sampler("purchase").sample(make_user(1), NOW)
    assert list(out) == ["currency", "value", "transaction_id", "items", "is_first_purchase",
                         "coupon", "platform", "tmp_gold"]
    assert list(factory.event_sampler("empty").sample(make_user(1), NOW)) == ["platform",
                                                                              "tmp_gold"]
    reward = factory.event_sampler("reward").sample(make_user(1), NOW)
    assert list(reward) == ["rewards_info", "bonus", "platform", "tmp_gold"]
    with pytest.raises(KeyError, match="nope"):
        factory.event_sampler("nope")


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31), index=st.integers(0, 10**6),
       segment=st.sampled_from(list(Segment)),
       platform=st.sampled_from(["mobile_app", "web", "pc"]))
def test_every_value_has_its_type(seed: int, index: int, segment: Segment,
                                  platform: str) -> None:
    factory = _FACTORY
    user = make_user(index, seed=seed, segment=segment, platform=platform)
    user.state = factory.initial_user_state(user, NOW)
    for prop in TAXONOMY.user_properties:
        if prop.name in user.state:
            check_type(prop, user.state[prop.name], f"state.{prop.name}")
    for event in TAXONOMY.events:
        check_event(TAXONOMY, event.name, factory.event_sampler(event.name).sample(user, NOW))


_FACTORY = ValueFactory(TAXONOMY, RULES, PRODUCT, seed=7, pool_size=100)


# -- enums and ranges --------------------------------------------------------------------------


def test_enum_values_all_appear_and_the_first_are_commoner(factory: ValueFactory) -> None:
    sampler = factory.event_sampler("level_up")
    counts = Counter(sampler.sample(make_user(i), NOW)["character"] for i in range(3000))
    assert set(counts) == {"Knight", "Mage", "Archer", "Rogue"}
    assert counts["Knight"] > counts["Rogue"] * 1.3


def test_ranges_honoured_and_skewed_to_the_mean(factory: ValueFactory) -> None:
    sampler = factory.event_sampler("level_up")
    durations = [sampler.sample(make_user(i), NOW)["duration_seconds"] for i in range(2000)]
    assert all(10 <= d <= 300 and isinstance(d, int) for d in durations)
    assert 45 < statistics_mean(durations) < 80


def statistics_mean(xs: list[float]) -> float:
    return sum(xs) / len(xs)


def test_segment_ranges_set_the_start_state(factory: ValueFactory) -> None:
    new = [factory.initial_user_state(make_user(i, segment=Segment.NEW_USER))["player_level"]
           for i in range(300)]
    power = [factory.initial_user_state(make_user(i, segment=Segment.POWER_USER))["player_level"]
             for i in range(300)]
    assert all(1 <= x <= 5 for x in new) and all(60 <= x <= 150 for x in power)
    assert all(isinstance(x, int) for x in new + power)


def test_initial_state_defaults(factory: ValueFactory) -> None:
    user = make_user(3, country="JP", segment=Segment.ACTIVE_USER)
    state = factory.initial_user_state(user, "2024-05-01 08:00:00.000")
    assert state["total_spent"] == 0 and state["is_payer"] is False
    assert state["plan"] == "free"               # status-like enum: its first value
    assert state["country"] == "JP"               # from the device
    assert state["install_time"] == "2024-05-01 08:00:00.000"
    assert "last_login_time" not in state         # set later by update patterns
    assert state["owned_heroes"] == []
    assert isinstance(state["nick_name"], str) and state["nick_name"]
    assert list(state) == [p.name for p in TAXONOMY.user_properties if p.name in state]
    again = factory.initial_user_state(make_user(3, country="JP"), "2024-05-01 08:00:00.000")
    assert again == state


# -- rules ----------------------------------------------------------------------------------


def test_constraint_carrier_follows_country(factory: ValueFactory) -> None:
    mapping = RULES.property_constraints["carrier"].mapping
    sampler = factory.event_sampler("carrier_report")
    for i in range(300):
        user = make_user(i, country=("KR", "JP", "US", "TH")[i % 4])
        out = sampler.sample(user, NOW)
        assert out["carrier"] in mapping[out["country"]]
        if user.device.country != "TH":
            assert out["country"] == user.device.country
            own = user.device.presets.get("#carrier")
            if own in mapping[out["country"]]:      # the device's own carrier when allowed
                assert out["carrier"] == own


def test_constraint_parent_from_state_or_device() -> None:
    taxonomy = EventTaxonomy(events=(Event(name="e", properties=("carrier",)),),
                             properties=(P("carrier"),))
    rules = Rules.from_data({"property_constraints": {"carrier": {
        "depends_on": ["country"], "mapping": {"KR": ["A", "B"], "JP": ["C"]}}}})
    sampler = ValueFactory(taxonomy, rules, PRODUCT, seed=1).event_sampler("e")
    assert sampler.sample(make_user(1, country="KR", state={"country": "JP"}), NOW) == {
        "carrier": "C"}
    assert {sampler.sample(make_user(i, country="KR"), NOW)["carrier"] for i in range(50)} <= {
        "A", "B"}


def test_formula_is_evaluated_from_the_event_values(factory: ValueFactory) -> None:
    sampler = factory.event_sampler("level_up")
    for i in range(200):
        out = sampler.sample(make_user(i), NOW)
        assert out["level"] * 100 <= out["xp"] <= out["level"] * 100 + 50
        assert isinstance(out["xp"], int)
    assert list(out) == ["level", "xp", "character", "duration_seconds", "platform", "tmp_gold"]


def test_formula_reading_unknown_names_falls_back_with_a_warning() -> None:
    rules = Rules.from_data({"property_relationships": {"xp": {"formula": "power * 2"}}})
    factory = ValueFactory(TAXONOMY, rules, PRODUCT, seed=1)
    assert any("power" in w for w in factory.warnings)
    out = factory.event_sampler("level_up").sample(make_user(1), NOW)
    assert isinstance(out["xp"], int | float)


def test_money_agrees_with_its_currency(factory: ValueFactory) -> None:
    sampler = factory.event_sampler("purchase")
    seen = Counter()
    for i in range(400):
        user = make_user(i, country=("KR", "US", "DE")[i % 3])
        out = sampler.sample(user, NOW)
        if user.device.currency in ("USD", "KRW"):   # the device currency where allowed
            assert out["currency"] == user.device.currency
        else:                                        # EUR is not in the enum: its first value
            assert out["currency"] == "USD"
        points = USD_POINTS if out["currency"] == "USD" else KRW_POINTS
        assert out["value"] in points
        seen[out["value"]] += 1
    assert seen[0.99] > seen[99.99]


def test_a_money_name_without_its_currency_is_not_money(factory: ValueFactory) -> None:
    sampler = factory.event_sampler("earn")   # virtual currency: no currency property here
    values = [sampler.sample(make_user(i, country="KR"), NOW)["value"] for i in range(300)]
    assert all(0 <= v <= 1_000_000 and isinstance(v, int) for v in values)
    assert not set(values) <= KRW_POINTS


def test_aov_baskets_for_shops() -> None:
    taxonomy = EventTaxonomy(
        events=(Event(name="order", properties=("currency", "revenue", "shipping")),),
        properties=(P("currency"), P("revenue", T.NUMBER), P("shipping", T.NUMBER)))
    rules = Rules.from_data({"monetary_properties": {
        "revenue": {"currency_property": "currency"},
        "shipping": {"currency_property": "currency"}}})
    factory = ValueFactory(taxonomy, rules, ProductInfo(industry="ecommerce"), seed=1)
    sampler = factory.event_sampler("order")
    us = [sampler.sample(make_user(i, country="US"), NOW) for i in range(1000)]
    kr = [sampler.sample(make_user(i, country="KR"), NOW) for i in range(1000)]
    assert {o["currency"] for o in us} == {"USD"} and {o["currency"] for o in kr} == {"KRW"}
    assert 60 < statistics_mean([o["revenue"] for o in us]) < 160
    assert 60_000 < statistics_mean([o["revenue"] for o in kr]) < 180_000
    assert all(isinstance(o["revenue"], int) for o in kr)
    assert all(o["revenue"] % 100 == 0 for o in kr if o["revenue"] >= 10_000)  # KRW 38,700
    assert statistics_mean([o["shipping"] for o in us]) < 20


# -- objects, lists, strings, times ----------------------------------------------------------


def test_object_group_rows_and_object_children(factory: ValueFactory) -> None:
    out = factory.event_sampler("reward").sample(make_user(5), NOW)
    rows = out["rewards_info"]
    assert 2 <= len(rows) <= 4
    assert [r["index"] for r in rows] == list(range(1, len(rows) + 1))
    for row in rows:
        assert set(row) == {"index", "reward_type", "quantity", "id"}
        assert row["reward_type"] in ("item", "currency") and 1 <= row["quantity"] <= 9
        assert row["id"].startswith("reward_")
    assert set(out["bonus"]) == {"multiplier", "source"}
    assert 1 <= out["bonus"]["multiplier"] <= 3


def test_object_from_a_json_example_in_the_description() -> None:
    taxonomy = EventTaxonomy(
        events=(Event(name="order", properties=("coupon", "items_info")),),
        properties=(
            P("coupon", T.OBJECT, description='예: {"coupon_id": "c1", "discount": 10}'),
            P("items_info", T.OBJECT_GROUP,
              examples=('[{"item_id": "gold", "qty": 5, "rare": true}]',)),
        ))
    out = ValueFactory(taxonomy, None, PRODUCT, seed=1).event_sampler("order").sample(
        make_user(1), NOW)
    assert set(out["coupon"]) == {"coupon_id", "discount"}
    assert isinstance(out["coupon"]["discount"], int | float)
    assert all(set(r) == {"item_id", "qty", "rare"} and isinstance(r["rare"], bool)
               for r in out["items_info"])


def test_lists_hold_distinct_strings(factory: ValueFactory) -> None:
    for i in range(100):
        items = factory.event_sampler("purchase").sample(make_user(i), NOW)["items"]
        assert 1 <= len(items) <= 3 and len(set(items)) == len(items)


def test_personal_values_stay_with_the_user(factory: ValueFactory) -> None:
    sampler = factory.event_sampler("signup")
    user = make_user(9, country="KR")
    first = sampler.sample(user, NOW)
    second = sampler.sample(user, NOW)
    assert first["email"] == second["email"] and first["first_name"] == second["first_name"]
    invitees = {sampler.sample(user, NOW)["invitee_email"] for _ in range(20)}
    assert len(invitees) > 5
    assert "@" in first["email"]


def test_times(factory: ValueFactory) -> None:
    out = factory.event_sampler("signup").sample(make_user(2), NOW)
    assert out["signup_time"] == NOW
    assert out["register_time"] < NOW < out["trial_end_date"]
    assert out["birthday"].endswith("00:00:00.000") and out["birthday"][:4] < "2007"


def test_ids(factory: ValueFactory) -> None:
    ids = {factory.event_sampler("purchase").sample(make_user(i), NOW)["transaction_id"]
           for i in range(100)}
    assert len(ids) == 100 and all(len(x) <= 64 for x in ids)


# -- state mirrors and the device -------------------------------------------------------------


def test_event_properties_mirror_the_user_state(factory: ValueFactory) -> None:
    # tmp_gold shows a balance too, but a balance moves by what events add or take, never
    # one step at a time: it is not among the mirrors the state applier steps up.
    assert factory.mirrors() == {"level": "player_level", "country": "country"}
    user = make_user(1, state={"player_level": 42, "current_gold_balance": 1234})
    out = factory.event_sampler("level_up").sample(user, NOW)
    assert out["level"] == 42 and out["tmp_gold"] == 1234 and out["xp"] // 100 == 42
    user.state["player_level"] = 43
    assert factory.event_sampler("level_up").sample(user, NOW)["level"] == 43
    fresh = make_user(2)        # no state yet: drawn like any other value
    assert 1 <= factory.event_sampler("level_up").sample(fresh, NOW)["level"] <= 150


def test_device_properties_agree_with_the_device(factory: ValueFactory) -> None:
    for i in range(100):
        user = make_user(i)
        out = factory.event_sampler("empty").sample(user, NOW)
        assert out["platform"] == user.device.presets["#os"].upper()


def test_country_outside_the_enum_is_stable_per_user() -> None:
    taxonomy = EventTaxonomy(events=(Event(name="e", properties=("country",)),),
                             properties=(P("country", enum=("US", "KR", "JP")),))
    sampler = ValueFactory(taxonomy, None, PRODUCT, seed=1).event_sampler("e")
    user = make_user(4, country="TH")
    assert len({sampler.sample(user, NOW)["country"] for _ in range(30)}) == 1


def test_country_weights_from_the_plan() -> None:
    taxonomy = EventTaxonomy(
        events=(Event(name="e", properties=("country", "context.locale")),),
        properties=(P("country", enum=("US", "KR", "XX")),
                    P("context.locale", enum=("ko-KR", "ja-JP", "en-GB"))))
    weights = ValueFactory(taxonomy, None, PRODUCT, seed=1).country_weights()
    assert weights is not None and set(weights) == {"US", "KR", "JP", "GB"}
    assert weights["KR"] > weights["GB"]
    assert _FACTORY.country_weights() == {"KR": weights["KR"], "JP": weights["JP"],
                                          "US": weights["US"]}
    bare = EventTaxonomy(events=(Event(name="e"),))
    assert ValueFactory(bare, None, PRODUCT, seed=1).country_weights() is None


# -- determinism ----------------------------------------------------------------------------


def test_same_user_stream_same_values_and_users_differ() -> None:
    a = ValueFactory(TAXONOMY, RULES, PRODUCT, seed=7, pool_size=100)
    b = ValueFactory(TAXONOMY, RULES, PRODUCT, seed=7, pool_size=100)
    b.event_sampler("signup").sample(make_user(99, country="JP"), NOW)  # fill pools in
    for i in range(20):                                                # another order
        ua, ub = make_user(i, country="KR"), make_user(i, country="KR")
        for event in TAXONOMY.events:
            assert a.event_sampler(event.name).sample(ua, NOW) == \
                b.event_sampler(event.name).sample(ub, NOW)
    outs = [str(a.event_sampler("signup").sample(make_user(i), NOW)) for i in range(20)]
    assert len(set(outs)) == 20


def test_no_global_random(monkeypatch: pytest.MonkeyPatch) -> None:
    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("module-level random used")

    factory = ValueFactory(TAXONOMY, RULES, PRODUCT, seed=3, pool_size=50)
    user = make_user(1)
    for name in ("random", "randint", "choice", "choices", "uniform", "shuffle", "sample",
                 "randrange", "getrandbits", "betavariate", "lognormvariate", "gauss"):
        monkeypatch.setattr(random, name, forbidden)
    import numpy as np

    monkeypatch.setattr(np.random, "random", forbidden)
    monkeypatch.setattr(np.random, "randint", forbidden)
    user.state = factory.initial_user_state(user, NOW)
    for event in TAXONOMY.events:
        factory.event_sampler(event.name).sample(user, NOW)


def test_device_profile_without_presets_still_works(factory: ValueFactory) -> None:
    device = DeviceProfile(distinct_id="d", country="ZZ", zone_offset=0.0, ip="1.1.1.1",
                           locale="xx_XX", language="xx", currency="XXX")
    user = UserContext(index=1, rnd=random.Random(1), device=device)
    for event in TAXONOMY.events:
        check_event(TAXONOMY, event.name, factory.event_sampler(event.name).sample(user, NOW))


def test_user_value_gives_a_fresh_value(factory: ValueFactory) -> None:
    user = make_user(1)
    assert factory.user_value("plan", user, NOW) in ("free", "pro", "team")
    assert isinstance(factory.user_value("nick_name", user, NOW), str)
    with pytest.raises(KeyError):
        factory.user_value("nope", user, NOW)


_HASH_SCRIPT = """
import hashlib, json, random
from tests.simulation.test_values import PRODUCT, RULES, TAXONOMY, make_user, NOW
from demogen.simulation.values import ValueFactory
factory = ValueFactory(TAXONOMY, RULES, PRODUCT, seed=1, pool_size=50)
h = hashlib.sha256()
for i in range(30):
    user = make_user(i)
    user.state = factory.initial_user_state(user, NOW)
    h.update(json.dumps(user.state, sort_keys=True).encode())
    for event in TAXONOMY.events:
        h.update(json.dumps(factory.event_sampler(event.name).sample(user, NOW)).encode())
print(h.hexdigest())
"""


def test_values_do_not_depend_on_the_hash_seed() -> None:
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    digests = set()
    for hash_seed in ("1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        out = subprocess.run([sys.executable, "-c", _HASH_SCRIPT], cwd=root, env=env,
                             capture_output=True, text=True, check=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_money_only_on_the_events_the_rules_name() -> None:
    taxonomy = EventTaxonomy(
        events=(Event(name="purchase", properties=("currency", "value")),
                Event(name="ad_shown", properties=("currency", "value"))),
        properties=(P("currency"), P("value", T.NUMBER,
                                     value_range=ValueRange(min=0, max=100_000))))
    rules = Rules.from_data({"monetary_properties": {
        "value": {"currency_property": "currency", "events": ["purchase"]}}})
    factory = ValueFactory(taxonomy, rules, PRODUCT, seed=1)
    users = [make_user(i, country="US") for i in range(200)]
    bought = {factory.event_sampler("purchase").sample(u, NOW)["value"] for u in users}
    shown = {factory.event_sampler("ad_shown").sample(u, NOW)["value"] for u in users}
    assert bought <= USD_POINTS and not shown <= USD_POINTS

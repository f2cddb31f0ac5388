"""The heuristic analyzer's inference rules, on small hand-built taxonomies and real plans.

Each rule is checked on a few events built here (English, Korean, Chinese); the invariants
(every name real, probabilities in range, funnels and segment sequences agreeing, YAML round
trip) run over every real taxonomy: shared/taxonomies, examples/ and the Korean workbooks.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from fnmatch import fnmatchcase
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml

from demogen.analysis.base import Analyzer
from demogen.analysis.formula import Formula
from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.heuristic._text import read, split_words
from demogen.analysis.heuristic._updates import DURATION
from demogen.analysis.rules import Rules, UpdateRule
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property, ValueRange, load_taxonomy
from demogen.vocab import LifecycleStage, PropertyType, Scope, Segment, UpdateMethod, UpdateType
from tests.corpus import SHARED, corpus, corpus_params, kr_workbooks, taxonomy_folders
from tests.simulation.generated_outputs import source_path

REPO = Path(__file__).resolve().parents[2]
GAME = ProductInfo(industry="gaming", product_name="Test game")
APP = ProductInfo(industry="generic", product_name="Test app")


# -- helpers ---------------------------------------------------------------------------------

def ev(name: str, *props: str, display: str = "", desc: str = "") -> Event:
    return Event(name=name, properties=props, display_name=display, description=desc)


def num(name: str, lo: float | None = None, hi: float | None = None, *, display: str = "",
        desc: str = "", scope: Scope = Scope.EVENT, method: UpdateMethod | None = None) -> Property:
    rng = ValueRange(min=lo, max=hi) if lo is not None and hi is not None else None
    return Property(name=name, type=PropertyType.NUMBER, scope=scope, value_range=rng,
                    display_name=display, description=desc, update_method=method)


def text(name: str, *values: str, scope: Scope = Scope.EVENT, display: str = "",
         desc: str = "", method: UpdateMethod | None = None) -> Property:
    return Property(name=name, type=PropertyType.STRING, scope=scope, enum=values or None,
                    display_name=display, description=desc, update_method=method)


def flag(name: str, *, desc: str = "", method: UpdateMethod | None = None) -> Property:
    return Property(name=name, type=PropertyType.BOOLEAN, scope=Scope.USER, description=desc,
                    update_method=method)


def when(name: str, *, desc: str = "", method: UpdateMethod | None = None) -> Property:
    return Property(name=name, type=PropertyType.TIME, scope=Scope.USER, description=desc,
                    update_method=method)


def taxonomy(events: list[Event], props: list[Property] = (), user: list[Property] = (),
             common: list[Property] = ()) -> EventTaxonomy:
    return EventTaxonomy(events=tuple(events), properties=tuple(props),
                         user_properties=tuple(user), common_properties=tuple(common))


def analyze(tax: EventTaxonomy, product: ProductInfo = APP) -> Rules:
    return HeuristicAnalyzer().analyze(tax, product)


def pairs(lists: list[list[str]]) -> set[tuple[str, str]]:
    return {(a, b) for steps in lists for a, b in pairwise(steps)}


def funnel_of(rules: Rules, *steps: str):
    for funnel in rules.event_constraints.funnels:
        if all(s in funnel.steps for s in steps):
            return funnel
    raise AssertionError(f"no funnel walks {steps}: {rules.event_constraints.funnels}")


def ordered(steps: list[str], first: str, second: str) -> bool:
    return steps.index(first) < steps.index(second)


# -- reading names ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("tutorial_step1", ("tutorial", "step")),
        ("Order Completed", ("order", "complete")),
        ("levelUp", ("levelup",)),
        ("Signed Up", ("signup",)),
        ("Signed In", ("login",)),
        ("Products Searched", ("product", "search")),
        ("Product Added to Wishlist", ("product", "add", "wishlist")),
        ("Coupon Denied", ("coupon", "deny")),
        ("IAPPurchaseSucceeded", ("iap", "purchase", "succeed")),
    ],
)
def test_names_read_into_lemmas(name: str, words: tuple[str, ...]) -> None:
    assert read(name).words == words


def test_sdk_prefix_and_numbers() -> None:
    reading = read("ta_app_start", strip_prefix=True)
    assert reading.words == ("app", "start")
    assert "@begin" in reading.keys
    assert read("onboarding_step12").numbers == (12,)
    assert split_words("levelUp2") == ["level", "up", "2"]


# -- the analyzer seam ----------------------------------------------------------------------

def test_is_an_analyzer() -> None:
    analyzer = HeuristicAnalyzer()
    assert isinstance(analyzer, Analyzer)
    assert analyzer.name == "heuristic"
    assert analyzer.model.startswith("rev-")   # its revision keys the cache


def test_a_single_event_without_properties_gives_valid_rules() -> None:
    rules = analyze(taxonomy([ev("ping")]))
    assert set(rules.segment_analysis) == set(Segment)
    assert rules.segment_analysis[Segment.ACTIVE_USER].event_probabilities["ping"] > 0


# -- sequences and funnels -------------------------------------------------------------------

def test_numbered_steps_are_ordered_by_number_not_by_listing() -> None:
    tax = taxonomy([
        ev("app_install"), ev("tutorial_step3"), ev("tutorial_step1"), ev("tutorial_step2"),
        ev("tutorial_complete"), ev("pvp_match"),
    ])
    rules = analyze(tax, GAME)
    ec = rules.event_constraints
    chain = ["app_install", "tutorial_step1", "tutorial_step2", "tutorial_step3",
             "tutorial_complete"]
    assert chain in ec.sequences
    funnel = funnel_of(rules, *chain)
    assert funnel.steps == chain and funnel.conversion[0] == 1.0
    assert all(0 < c < 1 for c in funnel.conversion[1:])
    assert ec.prerequisites["tutorial_step2"] == ["tutorial_step1"]
    assert ec.prerequisites["pvp_match"] == ["tutorial_complete"]  # tutorial before pvp
    assert {"tutorial_step1", "tutorial_complete", "app_install"} <= set(ec.one_time_events)


def test_generic_numbered_steps_make_a_sequence_and_funnel() -> None:
    rules = analyze(taxonomy([ev("Step 2"), ev("Step 1"), ev("Step 3")]))
    assert ["Step 1", "Step 2", "Step 3"] in rules.event_constraints.sequences
    assert funnel_of(rules, "Step 1", "Step 3").steps == ["Step 1", "Step 2", "Step 3"]


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("level_start", "level_end"),
        ("tutorial_begin", "tutorial_complete"),
        ("Workout Started", "Workout Completed"),
        ("video_open", "video_close"),
        ("Coupon Entered", "Coupon Applied"),
        ("Promotion Viewed", "Promotion Clicked"),
        ("guild_join", "guild_leave"),
        ("invite_sent", "invite_accepted"),
    ],
)
def test_verb_pairs_order_events_about_one_object(first: str, second: str) -> None:
    rules = analyze(taxonomy([ev(second), ev(first)]))
    assert (first, second) in pairs(rules.event_constraints.sequences)
    assert first in rules.event_constraints.prerequisites[second]


def test_activity_start_end_is_a_funnel_with_a_realistic_completion() -> None:
    rules = analyze(taxonomy([ev("workout_start"), ev("workout_end")]))
    funnel = funnel_of(rules, "workout_start", "workout_end")
    assert funnel.conversion == [1.0, 0.8]  # realism-bands.md §5: 60-95%, default 80%


def test_ecommerce_flow_is_view_cart_checkout_purchase() -> None:
    tax = taxonomy(
        [ev("session_start"), ev("purchase", "price", "currency"), ev("add_to_cart", "price"),
         ev("view_item", "price"), ev("begin_checkout"), ev("refund", "price", "currency"),
         ev("session_end")],
        props=[num("price", 1, 500), text("currency", "USD", "KRW")],
    )
    rules = analyze(tax, ProductInfo(industry="ecommerce"))
    funnel = funnel_of(rules, "view_item", "purchase")
    assert funnel.steps == ["session_start", "view_item", "add_to_cart", "begin_checkout",
                            "purchase"]
    assert funnel.conversion[0] == 1.0 and max(funnel.conversion[1:]) < 1.0
    assert funnel.conversion[2] == 0.15  # view -> cart, realism-bands.md §3
    ec = rules.event_constraints
    assert ec.prerequisites["purchase"] == ["begin_checkout"]
    assert ec.prerequisites["refund"] == ["purchase"]
    assert ("purchase", "refund") in pairs(ec.sequences)
    assert "purchase" not in ec.one_time_events
    assert rules.event_roles.revenue == ["purchase"]


def test_a_food_order_carts_dishes_from_a_restaurants_page() -> None:
    """The unseen food delivery plan (Hungrr) drew ``Dish Added`` as a free event tied to
    no order: 3,476 dishes for 35 orders at 300 users x 10 days, seed 3 (about 100 a
    order). A dish or a meal added is a product carted, a restaurant's page its shop."""
    tax = taxonomy([ev(n) for n in ("App Opened", "Restaurant Viewed", "Dish Added",
                                    "Basket Checkout", "Order Placed")])
    rules = analyze(tax, ProductInfo(industry="ecommerce"))

    assert rules.event_roles.cart == ["Dish Added"]
    assert rules.events["Restaurant Viewed"].frequency == "core"
    assert rules.event_constraints.prerequisites["Basket Checkout"] == ["Dish Added"]


def test_saas_signup_activation_trial_subscription() -> None:
    tax = taxonomy([
        ev("signup"), ev("login"), ev("project_created", desc="The activation milestone."),
        ev("trial_started"), ev("subscription_started"), ev("logout"),
    ])
    rules = analyze(tax, ProductInfo(industry="saas", platform="web"))
    funnel = funnel_of(rules, "signup", "subscription_started")
    assert funnel.steps == ["signup", "project_created", "trial_started", "subscription_started"]
    ec = rules.event_constraints
    # A web product without app events: sessions are bounded by login/logout, and the
    # account-bound events need the signup.
    assert ec.session_start_events == ["login"] and ec.session_end_events == ["logout"]
    assert ec.prerequisites["login"] == ["signup"]
    assert ec.prerequisites["project_created"] == ["signup"]
    assert {"signup", "trial_started"} <= set(ec.one_time_events)


def test_earn_before_spend_and_core_loop() -> None:
    tax = taxonomy([ev("app_open"), ev("coins_spend"), ev("coins_earn"), ev("stage_clear"),
                    ev("stage_start"), ev("level_up")])
    rules = analyze(tax, GAME)
    ec = rules.event_constraints
    assert ec.prerequisites["coins_spend"] == ["coins_earn"]
    assert ec.prerequisites["stage_clear"] == ["stage_start"]
    assert ec.session_start_events == ["app_open"]


# -- one-time events, sessions, Korean and Chinese -----------------------------------------------

def test_one_time_events_are_not_logins_or_purchases() -> None:
    tax = taxonomy([
        ev("first_open"), ev("register"), ev("login"), ev("purchase"), ev("first_purchase"),
        ev("account_created"), ev("onboarding_complete"), ev("app_update"),
        ev("daily_bonus", desc="Once a day, the first time the user opens the app that day."),
    ])
    one_time = set(analyze(tax).event_constraints.one_time_events)
    assert one_time == {"first_open", "register", "first_purchase", "account_created",
                        "onboarding_complete"}


def test_korean_display_names_and_descriptions() -> None:
    tax = taxonomy(
        [
            ev("e01", display="앱 설치", desc="설치 후 최초 실행 시 1회만 기록"),
            ev("e02", display="APP 실행"),
            ev("e03", display="회원가입"),
            ev("e04", display="튜토리얼 시작"),
            ev("e05", display="튜토리얼 완료"),
            ev("e06", "pay_amount", "currency_type", display="결제 완료"),
            ev("e07", display="APP 종료"),
            ev("e08", display="로그인"),
        ],
        props=[num("pay_amount", 1000, 100000, display="결제 금액"),
               text("currency_type", "KRW", "USD")],
        user=[num("total_pay_amount", 0, 1e7, display="누적 결제 금액", scope=Scope.USER,
                  desc="결제 시마다 증가", method=UpdateMethod.USER_ADD)],
    )
    rules = analyze(tax)
    ec = rules.event_constraints
    assert ec.session_start_events == ["e02"] and ec.session_end_events == ["e07"]
    assert {"e01", "e03", "e04", "e05"} <= set(ec.one_time_events)
    assert "e08" not in ec.one_time_events and "e06" not in ec.one_time_events
    assert ("e04", "e05") in pairs(ec.sequences)
    assert ec.prerequisites["e08"] == ["e03"]  # signup before login
    assert rules.monetary_properties["pay_amount"].currency_property == "currency_type"
    assert rules.event_roles.revenue == ["e06"]
    assert rules.update_patterns["e06"]["total_pay_amount"] == UpdateRule(
        type=UpdateType.INCREMENT, value="{{pay_amount}}"
    )


def test_korean_event_names_themselves() -> None:
    tax = taxonomy([ev("튜토리얼 시작"), ev("튜토리얼 완료"), ev("앱 실행"), ev("앱 종료")])
    ec = analyze(tax).event_constraints
    assert ("튜토리얼 시작", "튜토리얼 완료") in pairs(ec.sequences)
    assert ec.session_start_events == ["앱 실행"] and ec.session_end_events == ["앱 종료"]


def test_chinese_display_names() -> None:
    tax = taxonomy(
        [ev("c1", display="注册"), ev("c2", display="启动应用"),
         ev("c3", "amount", display="支付成功"), ev("c4", display="登录")],
        props=[num("amount", 1, 648, display="金额")],
    )
    rules = analyze(tax)
    assert rules.event_roles.signup == ["c1"]
    assert rules.event_constraints.session_start_events == ["c2"]
    assert rules.event_roles.revenue == ["c3"]
    assert "amount" in rules.monetary_properties


def test_a_level_up_sets_its_own_level_not_a_common_one_listed_first() -> None:
    """lord_level_up sets lord_level from lord_level, though the common vip_level comes
    first among its properties; castle_level is moved by no level-up (铁血王座 set
    lord_level from vip_level and castle_level from vip_level_up's vip_level)."""
    U = Scope.USER
    tax = taxonomy(
        [ev("vip_level_up", "vip_level"), ev("lord_level_up", "lord_level"),
         ev("login")],
        props=[num("vip_level", 0, 15), num("lord_level", 1, 60)],
        common=[num("vip_level", 0, 15, scope=Scope.COMMON),
                num("castle_level", 1, 30, scope=Scope.COMMON),
                num("lord_level", 1, 60, scope=Scope.COMMON)],
        user=[num(n, 0, 60, scope=U, method=UpdateMethod.USER_SET)
              for n in ("lord_level", "castle_level", "vip_level")],
    )
    patterns = analyze(tax, GAME).update_patterns
    assert patterns["lord_level_up"]["lord_level"].value == "{{lord_level}}"
    assert "castle_level" not in patterns.get("vip_level_up", {})


def test_a_characters_level_up_moves_the_players_level() -> None:
    """The idle workbook's te_character_levelup (current_character_level) is the only
    level-up: it sets current_player_level (the character is the player's own), so the
    player's xp formula of that level moves; a vip level-up still moves no castle."""
    U = Scope.USER
    tax = taxonomy(
        [ev("te_character_levelup", "current_character_level"), ev("vip_level_up", "vip_level"),
         ev("login")],
        props=[num("current_character_level", 1, 100), num("vip_level", 0, 15)],
        user=[num(n, 0, 100, scope=U, method=UpdateMethod.USER_SET)
              for n in ("current_player_level", "castle_level")],
    )
    patterns = analyze(tax, GAME).update_patterns
    assert patterns["te_character_levelup"]["current_player_level"].value == \
        "{{current_character_level}}"
    assert "castle_level" not in patterns.get("vip_level_up", {})


# -- money ---------------------------------------------------------------------------------

def test_virtual_currency_amounts_are_not_money() -> None:
    tax = taxonomy(
        [ev("purchase", "value", "currency"), ev("earn_virtual_currency", "value"),
         ev("spend_virtual_currency", "value", "item_price"), ev("post_score", "score")],
        props=[num("value", 0, 1e6, desc="money on purchase; an amount of virtual currency on "
                                        "earn/spend (not money)"),
               text("currency", "USD"), num("score", 0, 1e6),
               num("item_price", 1, 1000, desc="price in gems")],
    )
    money = analyze(tax, GAME).monetary_properties
    assert set(money) == {"value"}
    assert money["value"].currency_property == "currency"
    assert money["value"].events == ["purchase"]


def test_resource_costs_channels_and_power_are_not_money() -> None:
    """An SLG's cost_wood / cost_food are resources, pay_channel a code, total_power a
    strength: only the recharge's pay_amount is money (铁血王座 drew them at CNY price
    points, and priced the packs from pay_channel's 1~3)."""
    tax = taxonomy(
        [ev("recharge", "pay_amount", "pay_channel", "currency", "total_power"),
         ev("building_upgrade", "cost_gold", "cost_wood", "total_power"),
         ev("train_troops", "cost_food")],
        props=[num("pay_amount", 6, 648), num("pay_channel", 1, 3), text("currency", "CNY"),
               num("total_power", 1000, 5e7), num("cost_gold", 100, 5e5),
               num("cost_wood", 100, 5e5), num("cost_food", 100, 3e5)],
    )
    assert set(analyze(tax, GAME).monetary_properties) == {"pay_amount"}


def test_price_fields_inside_a_list_are_money() -> None:
    tax = taxonomy(
        [ev("Order Completed", "revenue", "currency", "products")],
        props=[num("revenue", 0, 5000), text("currency", "USD"),
               Property(name="products", type=PropertyType.LIST,
                        description="Product objects: product_id, name, price (per seat), "
                                    "quantity. Constraint = number of lines.")],
    )
    assert set(analyze(tax).monetary_properties) == {"revenue", "products.price"}


# -- update patterns -------------------------------------------------------------------------

def test_game_update_patterns() -> None:
    tax = taxonomy(
        [ev("level_up", "level"), ev("purchase", "price", "currency"),
         ev("gold_earn", "gold_amount"), ev("gold_spend", "gold_amount"),
         ev("gem_earn", "gem_amount"), ev("tutorial_complete"), ev("stage_clear")],
        props=[num("level", 1, 100), num("price", 0.99, 99.99), text("currency", "USD"),
               num("gold_amount", 1, 1000), num("gem_amount", 1, 100)],
        user=[num("player_level", 1, 100, scope=Scope.USER),
              num("total_spent", 0, 1e5, scope=Scope.USER),
              num("purchase_count", 0, 500, scope=Scope.USER),
              flag("is_payer"), flag("tutorial_completed"),
              when("first_pay_time"),
              num("gold", 0, 1e6, scope=Scope.USER)],
    )
    up = analyze(tax, GAME).update_patterns
    assert up["level_up"]["player_level"] == UpdateRule(type=UpdateType.SET, value="{{level}}")
    assert up["purchase"] == {
        "total_spent": UpdateRule(type=UpdateType.INCREMENT, value="{{price}}"),
        "purchase_count": UpdateRule(type=UpdateType.INCREMENT, value=1),
        "is_payer": UpdateRule(type=UpdateType.SET, value=True),
        "first_pay_time": UpdateRule(type=UpdateType.SET_ONCE, value="{{#time}}"),
    }
    assert up["gold_earn"]["gold"] == UpdateRule(type=UpdateType.INCREMENT,
                                                 value="{{gold_amount}}")
    assert up["gold_spend"]["gold"] == UpdateRule(type=UpdateType.DECREMENT,
                                                  value="{{gold_amount}}")
    assert "gem_earn" not in up  # gems are not gold
    assert up["tutorial_complete"]["tutorial_completed"].value is True


def test_level_up_without_a_level_property_adds_one() -> None:
    tax = taxonomy([ev("levelUp")], user=[num("level", 1, 60, scope=Scope.USER)])
    assert analyze(tax, GAME).update_patterns["levelUp"]["level"] == UpdateRule(
        type=UpdateType.INCREMENT, value=1
    )


def test_workbook_update_methods_and_value_language() -> None:
    tax = taxonomy(
        [ev("login"), ev("payment", "pay_amount"), ev("ad_show"),
         ev("gacha_summon", "summon_count")],
        props=[num("pay_amount", 1, 1e5), num("summon_count", 1, 10)],
        user=[
            num("total_pay_times", scope=Scope.USER, method=UpdateMethod.USER_ADD,
                desc="payment|#time|cnt"),
            when("last_login_time", method=UpdateMethod.USER_SET, desc="login|#time|last"),
            num("total_gacha", scope=Scope.USER, method=UpdateMethod.USER_ADD,
                desc="gacha_summon마다 summon_count만큼 증가"),
            Property(name="recent_login_timestamps", type=PropertyType.LIST, scope=Scope.USER,
                     update_method=UpdateMethod.USER_APPEND, description="최근 로그인 시각 목록"),
            when("first_seen", method=UpdateMethod.USER_SET_ONCE),
        ],
    )
    up = analyze(tax, GAME).update_patterns
    assert up["payment"]["total_pay_times"] == UpdateRule(type=UpdateType.INCREMENT, value=1)
    assert up["login"]["last_login_time"] == UpdateRule(type=UpdateType.SET, value="{{#time}}")
    assert up["gacha_summon"]["total_gacha"] == UpdateRule(type=UpdateType.INCREMENT,
                                                           value="{{summon_count}}")
    assert up["login"]["recent_login_timestamps"].type == UpdateType.APPEND


def test_enumerated_plan_states() -> None:
    tax = taxonomy([ev("signup"), ev("trial_started")],
                   user=[text("plan", "free", "trial", "pro", scope=Scope.USER)])
    up = analyze(tax).update_patterns
    assert up["signup"]["plan"] == UpdateRule(type=UpdateType.SET_ONCE, value="free")
    assert up["trial_started"]["plan"] == UpdateRule(type=UpdateType.SET, value="trial")


# -- properties ------------------------------------------------------------------------------

def test_country_dependent_values_follow_the_country_enum() -> None:
    tax = taxonomy(
        [ev("purchase", "currency")],
        props=[text("currency", "KRW", "JPY", "USD")],
        common=[text("country", "KR", "JP"), text("carrier"), text("#carrier"), text("city")],
    )
    constraints = analyze(tax).property_constraints
    assert constraints["currency"].depends_on == ["country"]
    assert constraints["currency"].mapping == {"KR": ["KRW"], "JP": ["JPY"]}
    assert constraints["carrier"].mapping["KR"] == ["SKT", "KT", "LG U+"]
    # places come from the gazetteer by the user's country (province and city together)
    assert "city" not in constraints
    assert "#carrier" not in constraints     # a preset: the device chain keeps it consistent


def test_locale_region_drives_currency_without_a_country() -> None:
    tax = taxonomy([ev("Order Completed", "currency")],
                   props=[text("currency", "USD", "GBP", "EUR")],
                   common=[text("context.locale", "en-US", "en-GB", "de-DE")])
    constraint = analyze(tax).property_constraints["currency"]
    assert constraint.depends_on == ["context.locale"]
    assert constraint.mapping == {"en-US": ["USD"], "en-GB": ["GBP"], "de-DE": ["EUR"]}


def test_a_trips_distance_follows_its_fare_and_its_minutes_the_distance() -> None:
    """On a ride (event_words), the distance follows the fare less the surge from the
    plan's ranges, the minutes the distance; a run's minutes and kilometres are a workout's,
    not a taxi's."""
    tax = taxonomy(
        [ev("ride_completed", "distance_km", "duration_min", "fare_amount", "surge_multiplier"),
         ev("run_completed", "distance_km", "duration_min")],
        props=[num("distance_km", 0.5, 80), num("duration_min", 2, 120),
               num("fare_amount", 3, 250), num("surge_multiplier", 1, 3)])
    rels = analyze(tax).property_relationships

    assert rels["distance_km"].formula == (
        "round(clamp(((fare_amount / surge_multiplier) - 3) * 1.5 * 80 / (250 - 3) * "
        "uniform(0.87, 1.15), 0.5, 80), 2)")
    assert rels["distance_km"].events == ["ride_completed"]
    assert rels["duration_min"].events == ["ride_completed"]
    assert rels["duration_min"].depends_on == ["distance_km"]


def test_formulas_only_where_inputs_travel_with_the_target() -> None:
    tax = taxonomy(
        [ev("level_up", "level", "xp"),
         ev("Order Completed", "subtotal", "shipping", "tax", "total"),
         ev("Order Refunded", "total")],
        props=[num("level", 1, 100), num("xp", 0, 1e5), num("subtotal", 0, 1000),
               num("shipping", 0, 50), num("tax", 0, 100), num("total", 0, 1200)],
    )
    rels = analyze(tax).property_relationships
    assert rels["xp"].formula == "level * 100 + randint(0, 50)"
    assert rels["level"].affects == ["xp"]
    assert rels["total"].formula == "subtotal + shipping + tax"
    assert rels["total"].events == ["Order Completed"]
    for rel in rels.values():
        if rel.formula:
            Formula.compile(rel.formula)  # the sandbox accepts it


def test_value_ranges_from_constraints_and_name_priors() -> None:
    tax = taxonomy([ev("e", "level", "price", "duration", "quantity")],
                   props=[num("level"), num("price", 0.5, 2000), num("duration"),
                          num("quantity", 1, 20)])
    ranges = analyze(tax).value_ranges
    assert (ranges["level"].min, ranges["level"].max) == (1, 100)
    assert ranges["price"].min == 0.5 and ranges["price"].mean < 100  # skewed, not mid-range
    assert ranges["duration"].max == 3600
    assert ranges["quantity"].mean == 2


# -- segments and lifecycle ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def game_rules() -> Rules:
    tax = taxonomy(
        [ev("app_install"), ev("session_start"), ev("signup"), ev("tutorial_begin"),
         ev("tutorial_complete"), ev("stage_start"), ev("stage_clear", "gold_amount"),
         ev("level_up", "level"), ev("pvp_match"), ev("raid_start"),
         ev("daily_reward_claim"), ev("comeback_reward_claim"), ev("shop_open"),
         ev("purchase", "price", "currency"), ev("session_end")],
        props=[num("gold_amount", 1, 1000), num("level", 1, 150), num("price", 0.99, 99.99),
               text("currency", "USD")],
        user=[num("level", 1, 150, scope=Scope.USER), num("gold", 0, 1e6, scope=Scope.USER),
              text("nickname", scope=Scope.USER)],
    )
    return analyze(tax, GAME)


def test_segments_are_differentiated(game_rules: Rules) -> None:
    seg = game_rules.segment_analysis
    assert set(seg) == set(Segment)
    new, power = seg[Segment.NEW_USER], seg[Segment.POWER_USER]
    churning = seg[Segment.CHURNING_USER]
    assert {"tutorial_begin", "tutorial_complete"} <= set(new.event_sequence)
    assert "tutorial_begin" not in power.event_sequence
    assert new.event_probabilities["purchase"] < power.event_probabilities["purchase"]
    assert new.property_ranges["level"].max < power.property_ranges["level"].min
    assert len(churning.event_sequence) < len(seg[Segment.ACTIVE_USER].event_sequence)
    assert "pvp_match" in power.event_sequence
    assert "comeback_reward_claim" in seg[Segment.RETURNING_USER].event_sequence
    assert set(new.property_ranges) <= {"level", "gold"}  # real numeric properties only


def test_lifecycle_rules_put_onboarding_early_and_advanced_content_late(game_rules: Rules) -> None:
    life = game_rules.lifecycle_rules
    assert set(life) == set(LifecycleStage)

    def allowed(stage: LifecycleStage, event: str) -> bool:
        return any(fnmatchcase(event.lower(), p.lower()) for p in life[stage])

    assert allowed(LifecycleStage.FIRST_SESSION, "tutorial_begin")
    assert not allowed(LifecycleStage.INSTALLED, "pvp_match")
    assert not allowed(LifecycleStage.ONBOARDING_COMPLETED, "raid_start")
    assert allowed(LifecycleStage.ADVANCED, "raid_start")
    assert game_rules.event_constraints.prerequisites["raid_start"] == ["tutorial_complete"]


# -- determinism and YAML ----------------------------------------------------------------------

def _real_plans() -> list[Any]:
    """Paths of the corpus' plans and the examples; source ids of the tests' own plans."""
    examples = [p for p in sorted((REPO / "examples").iterdir()) if p.is_dir()]
    return [*corpus_params([*taxonomy_folders(), *kr_workbooks()], ids=lambda p: p.name),
            *(pytest.param(p, id=p.name) for p in examples),
            *(pytest.param(name, id=name) for name in ("seed_plan", "segment_shop", "te_workbook"))]


@pytest.fixture(scope="module", params=_real_plans())
def real(request: pytest.FixtureRequest,
         tmp_path_factory: pytest.TempPathFactory) -> tuple[EventTaxonomy, Rules, ProductInfo]:
    plan = request.param
    if isinstance(plan, str):        # one of the tests' own plans (tests/data); one is written
        plan = source_path(plan, tmp_path_factory.mktemp("plan"))
    loaded = load_taxonomy(plan)
    rules = HeuristicAnalyzer().analyze(loaded.taxonomy, loaded.product)
    return loaded.taxonomy, rules, loaded.product


def test_same_input_same_rules(real) -> None:
    tax, rules, product = real
    again = HeuristicAnalyzer().analyze(tax.model_copy(deep=True), product.model_copy())
    assert again.to_json() == rules.to_json()


@corpus
def test_same_rules_whatever_the_hash_seed() -> None:
    """No set order leaks into the output: two interpreters with different hash seeds agree."""
    code = (
        "import sys; from demogen.taxonomy import load_taxonomy;"
        "from demogen.analysis.heuristic import HeuristicAnalyzer;"
        "t = load_taxonomy(sys.argv[1]);"
        "print(HeuristicAnalyzer().analyze(t.taxonomy, t.product).to_json())"
    )
    plan = str(SHARED / "taxonomies" / "segment_ecommerce_v2")
    outputs = {
        subprocess.run([sys.executable, "-c", code, plan], check=True, capture_output=True,
                       text=True, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }
    assert len(outputs) == 1


def test_yaml_round_trip(real) -> None:
    _, rules, _ = real
    back = Rules.from_data(yaml.safe_load(rules.to_yaml()))
    assert back.to_data() == rules.to_data()


def test_every_name_is_real_and_every_number_in_range(real) -> None:
    tax, rules, _ = real
    events = {e.name for e in tax.events}
    ec = rules.event_constraints
    named = (
        [s for seq in ec.sequences for s in seq]
        + [s for f in ec.funnels for s in f.steps]
        + list(ec.prerequisites) + [p for ps in ec.prerequisites.values() for p in ps]
        + ec.one_time_events + ec.session_start_events + ec.session_end_events
        + list(rules.update_patterns)
        + [e for role in rules.event_roles.model_dump().values() for e in role]
    )
    assert set(named) <= events
    for funnel in ec.funnels:
        assert funnel.conversion[0] == 1.0 and all(0 < c < 1 for c in funnel.conversion[1:])
    for profile in rules.segment_analysis.values():
        assert set(profile.event_probabilities) == events
        assert all(0 <= p <= 1 for p in profile.event_probabilities.values())
        assert set(profile.event_sequence) <= events
    assert set(rules.segment_analysis) == set(Segment)
    assert not set(ec.one_time_events) & set(rules.event_roles.login + rules.event_roles.revenue)


def test_segment_sequences_follow_funnel_order(real) -> None:
    _, rules, _ = real
    for profile in rules.segment_analysis.values():
        seq = profile.event_sequence
        for funnel in rules.event_constraints.funnels:
            inside = [s for s in funnel.steps if s in seq]
            assert inside == sorted(inside, key=seq.index), (funnel.name, seq)
        for before, after in pairs(rules.event_constraints.sequences):
            if before in seq and after in seq:
                assert ordered(seq, before, after)
        # The backbone can be walked: a step's prerequisites the segment still does come first.
        for step in seq:
            for before in rules.event_constraints.prerequisites.get(step, []):
                if profile.event_probabilities[before] > 0 and before not in (
                    rules.event_constraints.session_start_events
                ):
                    assert before in seq and ordered(seq, before, step), (step, before, seq)


def test_prerequisites_have_no_cycle(real) -> None:
    _, rules, _ = real
    needs = rules.event_constraints.prerequisites

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in needs.get(start, []):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    assert not [e for e in needs if reaches(e, e, set())]


def test_properties_named_in_rules_exist(real) -> None:
    tax, rules, _ = real
    user = {p.name for p in tax.user_properties}
    numeric = {p.name for p in (*tax.properties, *tax.common_properties, *tax.user_properties)
               if p.type == PropertyType.NUMBER}
    event_props = {p.name for p in (*tax.properties, *tax.common_properties)}
    for event, updates in rules.update_patterns.items():
        assert set(updates) <= user
        carried = set(tax.event(event).properties) | {p.name for p in tax.common_properties}
        for rule in updates.values():
            for ref in re.findall(r"\{\{([^}]+)\}\}", str(rule.value)):
                # a session end's updates may read the session's length (play time)
                ends = f"{{{{{ref}}}}}" == DURATION and event in \
                    rules.event_constraints.session_end_events
                assert ref == "#time" or ends or ref in carried, (event, ref)
    for profile in rules.segment_analysis.values():
        assert set(profile.property_ranges) <= numeric
    for name in rules.monetary_properties:
        assert name in event_props or name.split(".")[0] in event_props
    for stage, patterns in rules.lifecycle_rules.items():
        for pattern in patterns:
            assert any(fnmatchcase(e.name.lower(), pattern.lower()) for e in tax.events), stage
    assert rules.lifecycle_rules[LifecycleStage.ADVANCED] == ["*"]


def test_no_special_case_for_the_scored_taxonomies() -> None:
    """The rules are general: no product or folder name of the test taxonomies in the code."""
    sources = [*(REPO / "src/demogen/analysis/heuristic").glob("*.py"),
               *(REPO / "src/demogen/data").glob("heuristic_*.yaml")]
    text_ = "\n".join(p.read_text(encoding="utf-8") for p in sources).lower()
    for word in ("dungeon tiles", "marketa", "planboard", "ga4_games", "segment_b2b",
                 "segment_ecommerce"):
        assert word not in text_

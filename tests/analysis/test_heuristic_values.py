"""The heuristic's value word lists (data/heuristic_values*.yaml) and the readings they drive."""

from __future__ import annotations

import re
from typing import Any

import pytest

from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._properties import value_range
from demogen.analysis.heuristic.values import kinds, lifetimes, names, priors
from demogen.analysis.heuristic.values.vocabulary import KINDS
from demogen.taxonomy import Property
from demogen.vocab import PropertyType, Scope


def _patterns(node: Any, path: str = "") -> list[tuple[str, str]]:
    """Every regex in a table: ``[pattern, answer]`` rows and the single-pattern keys."""
    single = {"birthday", "future", "long_past", "past", "session", "event_words", "auth_events",
              "not_the_thing", "suffix", "money_words", "counter", "progress", "status"}
    out: list[tuple[str, str]] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in single:
                out.append((f"{path}.{key}", value))
            else:
                out += _patterns(value, f"{path}.{key}")
    elif isinstance(node, list) and path.endswith(("names", "description_hints", "booleans")):
        out += [(f"{path}[{i}]", row[0]) for i, row in enumerate(node)]
    return out


@pytest.mark.parametrize("name", ["values", "values_numbers"])
def test_tables_load_and_every_pattern_compiles(name: str) -> None:
    data = load(name)
    found = _patterns(data)
    assert len(found) > 20
    for where, pattern in found:
        assert isinstance(pattern, str), where
        re.compile(pattern)   # raises on a broken pattern, naming it in the traceback


@pytest.mark.parametrize("name", ["values", "values_numbers"])
def test_word_lists_hold_only_words(name: str) -> None:
    """YAML reads bare ``no``/``on``/``yes`` as booleans; every listed word must stay a word."""
    def walk(node: Any, path: str) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                assert isinstance(key, str), f"{path}: key {key!r}"
                walk(value, f"{path}.{key}")
        elif isinstance(node, list):
            for item in node:
                walk(item, path)
        else:
            assert isinstance(node, str | int | float) and not isinstance(node, bool), \
                f"{path}: {node!r}"
    walk(load(name), name)


def test_number_table_is_complete() -> None:
    table = load("values_numbers")
    for kind, row in table["kinds"].items():
        assert {"min", "max", "shape", "numbers"} <= row.keys(), kind
        assert row["numbers"] in ("whole", "fractional", "either", "measured", "written"), kind
        assert row["min"] <= row["max"], kind
    assert {kind for _, kind in table["names"]} <= table["kinds"].keys()
    assert table["default"] in table["kinds"]


@pytest.mark.parametrize(("name", "kind"), [
    ("receiver_phone", "phone"),
    ("email", "email"),
    ("nickName", "nickname"),
    ("shipping_city", "city"),
    ("utm_campaign", "campaign"),
    ("os_version", "os_version"),
    ("app_version", "version"),
    ("coupon_code", "coupon"),
    ("item_category", "category"),
    ("guild_name", "guild_name"),
    ("payment_type", "category_code"),
    ("whatever", "generic"),
])
def test_string_kinds(name: str, kind: str) -> None:
    assert kinds.string_kind(name) == kind


def test_description_decides_an_ambiguous_name() -> None:
    assert kinds.string_kind("name", "Product name shown in the cart") == "product_name"
    assert kinds.string_kind("name", "캐릭터 이름") == "nickname"
    assert kinds.string_kind("name") == "full_name"


@pytest.mark.parametrize(("name", "p"), [
    ("is_first_clear", 0.15),
    ("is_success", 0.75),
    ("push_enabled", 0.65),
    ("is_bot", 0.08),
    ("has_pet", 0.6),
    ("flag", 0.5),
])
def test_boolean_chances(name: str, p: float) -> None:
    assert kinds.boolean_probability(name) == p


@pytest.mark.parametrize(("name", "kind"), [
    ("birthday", "birthday"),
    ("expire_time", "future"),
    ("register_time", "long_past"),
    ("last_login_time", "past"),
    ("event_time", "now"),
])
def test_time_kinds(name: str, kind: str) -> None:
    assert kinds.time_kind(name) == kind


@pytest.mark.parametrize(("name", "kind"), [
    ("hero_level", "level"),
    ("age", "age"),
    ("load_time_ms", "duration_ms"),
    ("play_time", "duration"),
    ("success_rate", "ratio"),
    ("order_amount", "money"),
    ("item_count", "count"),
    ("item_quantity", "quantity"),
    ("gold_balance", "balance"),
    ("vip_level", "vip"),
    ("timestamp", "epoch"),
    ("mystery", "small"),
])
def test_number_kinds(name: str, kind: str) -> None:
    assert priors.number_prior(name).kind == kind


def test_number_kind_sets_follow_the_table() -> None:
    assert {"money", "percent", "lat"} <= priors.FLOAT_KINDS
    assert {"level", "age", "count"} <= priors.INTEGER_KINDS
    assert not {"total", "value", "small"} & (priors.FLOAT_KINDS | priors.INTEGER_KINDS)
    assert priors.prior_of_kind("nonsense") is priors.DEFAULT_NUMBER
    assert priors.prior_of_kind("percent").decimals == 1
    assert priors.COUNTER.search("purchase_count") and priors.PROGRESS.search("rate") is None
    assert priors.PROGRESS.search("player_level") and priors.STATUS.search("membership")
    assert priors.MONEY_WORDS.search("total_revenue")
    assert {"level", "email", "long_past", "flag"} <= KINDS


@pytest.mark.parametrize(("name", "key"), [
    ("current_player_level", "level"),
    ("tmp_lv", "level"),
    ("current_gold_balance", "gold"),
    ("level_before", "level_before"),
    ("nickName", "nick_name"),
])
def test_mirror_keys(name: str, key: str) -> None:
    assert names.mirror_key(name) == key


@pytest.mark.parametrize(("name", "attr"), [
    ("context.os.name", "os"),
    ("platform", "os"),
    ("ad_platform", None),
    ("device_model", "device_model"),
    ("previous_country", None),
    ("virtual_currency", None),
    ("currency", "currency"),
    ("app_version", "app_version"),
])
def test_device_attributes(name: str, attr: str | None) -> None:
    assert names.device_attribute(name) == attr


@pytest.mark.parametrize(("name", "industry", "shape"), [
    ("transaction_id", "", ("transaction", "unique")),
    ("guild_id", "gaming", ("guild", "stable")),
    ("cart_id", "ecommerce", ("cart", "scoped")),
    ("item_id", "gaming", ("item", "catalogue")),
    ("task_id", "saas", ("task", "unique")),
    ("task_id", "gaming", ("task", "catalogue")),
    ("sku", "", ("sku", "catalogue")),
    ("idfa", "", ("idfa", "stable")),
    ("tmp_stage_id", "gaming", ("stage", "catalogue")),
    ("title", "", None),
])
def test_id_shapes(name: str, industry: str, shape: tuple[str, str] | None) -> None:
    spec = names.id_spec(name, industry=industry)
    assert (None if spec is None else (spec.stem, spec.mode)) == shape


def _prop(name: str, ptype: PropertyType = PropertyType.STRING,
          scope: Scope = Scope.EVENT) -> Property:
    return Property(name=name, type=ptype, scope=scope)


def test_lifetimes() -> None:
    assert lifetimes.session_role("ga_session_id") == "id"
    assert lifetimes.session_role("session_number") == "number"
    assert lifetimes.session_role("is_first_session") == "first"
    assert lifetimes.session_role("session_length") is None
    assert lifetimes.per_user(_prop("server_name"), None, common=False)
    assert lifetimes.per_user(_prop("cur_guild_name"), None, common=False)
    assert lifetimes.per_user(_prop("method"), "login", common=False)
    assert not lifetimes.per_user(_prop("method"), "share", common=False)
    assert not lifetimes.per_user(_prop("page_title"), None, common=True)
    assert lifetimes.describes_the_thing(_prop("chapter", PropertyType.NUMBER))
    assert not lifetimes.describes_the_thing(_prop("play_time", PropertyType.NUMBER))
    assert not lifetimes.describes_the_thing(_prop("fail_reason"))
    assert not lifetimes.describes_the_thing(_prop("level_before", PropertyType.NUMBER))


# -- one table of number kinds ----------------------------------------------------------------

def test_range_words_name_kinds_and_state_no_numbers() -> None:
    """heuristic_properties.yaml's range words only name a kind; the numbers are in the kinds
    table, each mean inside its range."""
    table = load("values_numbers")["kinds"]
    for entry in load("properties")["range_priors"]:
        assert set(entry) == {"words", "kind"}, entry
        row = table[entry["kind"]]
        assert row["min"] <= row["mean"] <= row["max"], entry["kind"]
        assert 0 <= row["skew"] <= 1, entry["kind"]
    default = table[load("values_numbers")["default"]]
    assert default["min"] <= default["mean"] <= default["max"]


@pytest.mark.parametrize(("name", "kind"), [
    ("age", "age"),
    ("hero_level", "level"),
    ("vip_level", "vip"),
    ("load_ms", "duration_ms"),
    ("play_duration", "duration"),
    ("stage_score", "score"),
    ("stamina", "stamina"),
    ("guide_step", "step"),
    ("login_days", "days"),
    ("item_quantity", "quantity"),
    ("mystery", "small"),
])
def test_analyzer_range_is_the_prior_range(name: str, kind: str) -> None:
    """The analyzer's value range of a number and the simulation's default for it come from
    the same row: age is 13–70 with mean 32 for both, level 1–100 with mean 15."""
    rng = value_range(Property(name=name, type=PropertyType.NUMBER))
    prior = priors.number_prior(name)
    assert prior.kind == kind
    assert (rng.min, rng.max, rng.mean) == (prior.lo, prior.hi, prior.mean)


def test_age_and_level_ranges() -> None:
    age, level = priors.prior_of_kind("age"), priors.prior_of_kind("level")
    assert (age.lo, age.hi, age.mean, age.center) == (13, 70, 32, 27)
    assert (level.lo, level.hi, level.mean, level.shape) == (1, 100, 15, "low")
    korean = value_range(Property(name="ulv", display_name="유저 레벨",
                                  type=PropertyType.NUMBER))
    assert (korean.min, korean.max, korean.mean) == (1, 100, 15)


@pytest.mark.parametrize(("plural", "one"), [("series", "series"), ("status", "status"),
                                             ("bonus", "bonus"), ("rewards", "reward"),
                                             ("categories", "category"), ("boxes", "box")])
def test_a_singular_keeps_words_that_are_their_own(plural: str, one: str) -> None:
    """Was: ``series`` → ``sery`` (a webtoon plan's series were "Sery 80069")."""
    assert names.singular(plural) == one

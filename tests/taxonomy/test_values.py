"""Constraint cells (strict) and description hints (lenient)."""

from __future__ import annotations

import pytest

from demogen.taxonomy._constraints import ConstraintError, parse_constraint
from demogen.taxonomy._hints import parse_hints
from demogen.vocab import PropertyType as T


@pytest.mark.parametrize(("text", "low", "high", "integer"), [
    ("1-150", 1, 150, True), ("[60,7200]", 60, 7200, False), ("{1,10}", 1, 10, True),
    ("(0~100)", 0, 100, True), ("-10-10", -10, 10, True), ("-5.5-3.2", -5.5, 3.2, False),
    ("0.01-999.99", 0.01, 999.99, False), ("-10--5", -10, -5, True), ("{1，4}", 1, 4, True),
])
def test_number_ranges(text: str, low: float, high: float, integer: bool) -> None:
    found = parse_constraint(text, T.NUMBER).value_range
    assert (found.min, found.max, found.integer) == (low, high, integer)


@pytest.mark.parametrize(("text", "kind", "enum"), [
    ("KR,JP,US", T.STRING, ("KR", "JP", "US")),
    ("KR，JP、US|CN", T.STRING, ("KR", "JP", "US", "CN")),
    ("0,1", T.NUMBER, (0, 1)), ("1.5, 2.5", T.NUMBER, (1.5, 2.5)),
    ("true,false", T.BOOLEAN, (True, False)), ("a,a,b", T.STRING, ("a", "b")),
])
def test_enumerations(text: str, kind: T, enum: tuple) -> None:
    assert parse_constraint(text, kind).enum == enum


@pytest.mark.parametrize(("text", "kind", "examples"), [
    ("e.g. cr_000123", T.STRING, ("cr_000123",)),
    ("E.g.: v_8f3a21, v_1b2c3d", T.STRING, ("v_8f3a21", "v_1b2c3d")),
    ("ex: BK001", T.STRING, ("BK001",)), ("예: 서울", T.STRING, ("서울",)),
    ("例：htl_100231", T.STRING, ("htl_100231",)), ("e.g. 42", T.NUMBER, (42,)),
])
def test_example_markers_give_examples_not_an_enumeration(text: str, kind: T,
                                                          examples: tuple) -> None:
    # A CSV cell "e.g. cr_000123" read as a one-value enum put that literal in every record.
    found = parse_constraint(text, kind)
    assert (found.enum, tuple(found.examples)) == (None, tuple(str(e) for e in examples))


def test_a_value_that_starts_like_a_marker_stays_an_enumeration() -> None:
    assert parse_constraint("example_pack,ex_pack", T.STRING).enum == ("example_pack", "ex_pack")


def test_number_enumeration_is_numbers() -> None:
    assert all(type(v) is int for v in parse_constraint("0,1", T.NUMBER).enum)


@pytest.mark.parametrize(("text", "low", "high"), [("1-5", 1, 5), ("3", 3, 3), ("0-2", 0, 2)])
def test_list_length(text: str, low: int, high: int) -> None:
    found = parse_constraint(text, T.LIST).list_length
    assert (found.min, found.max, found.integer) == (low, high, True)


@pytest.mark.parametrize(("text", "kind", "reason"), [
    ("5-1", T.NUMBER, "the minimum 5 is greater than the maximum 1"),
    ("abc-", T.NUMBER, "'abc-' is neither a range (min-max, [min,max] or {min,max}) nor a list of "
                       "numbers"),
    ("1-", T.NUMBER, "'1-' is neither a range (min-max, [min,max] or {min,max}) nor a list of "
                     "numbers"),
    ("-1", T.LIST, "'-1' is not a number of elements (a whole number like 3, or a range like 1-5)"),
    ("yes,maybe", T.BOOLEAN, "a boolean takes only true and false"),
    ("x", T.OBJECT, "object properties take no constraint; describe their fields as "
                    "'parent.child' rows"),
])
def test_bad_constraints(text: str, kind: T, reason: str) -> None:
    with pytest.raises(ConstraintError) as raised:
        parse_constraint(text, kind)
    assert str(raised.value) == reason


def test_empty_constraint_means_nothing() -> None:
    assert parse_constraint("  ", T.NUMBER) == parse_constraint("", T.STRING)


@pytest.mark.parametrize(("text", "kind", "field", "expected"), [
    ("재화 변경 유형입니다. (Enum: gain, spend)", T.STRING, "enum", ("gain", "spend")),
    ("(Enum: N, R, SR, SSR, UR 등 게임별 등급 체계 사용)", T.STRING, "enum",
     ("N", "R", "SR", "SSR", "UR")),
    ("일상, 주간, 메인, 서브", T.STRING, "enum", ("일상", "주간", "메인", "서브")),
    ("m、l、xl", T.STRING, "enum", ("m", "l", "xl")),
    ("카카오페이/네이버페이", T.STRING, "enum", ("카카오페이", "네이버페이")),
    ("6,15,38", T.NUMBER, "enum", (6, 15, 38)),
    ("단일 뽑기=1, 열 번 연속 뽑기=10", T.NUMBER, "enum", (1, 10)),
    # Chinese plans write codes with their labels: the codes are the values.
    ("1:普通,2:稀有,3:史诗,4:传说", T.NUMBER, "enum", (1, 2, 3, 4)),
    ("枚举: CNY", T.STRING, "enum", ("CNY",)),
    ("(Enum: KRW)", T.STRING, "enum", ("KRW",)),
    ("1：胜利，2：失败", T.NUMBER, "enum", (1, 2)),
    ("枚举: 1:采集,2:攻打野怪,3:攻城", T.NUMBER, "enum", (1, 2, 3)),
    ("0=否 1=是", T.NUMBER, "enum", (0, 1)),
    ("1-主线 2-支线 3-日常", T.NUMBER, "enum", (1, 2, 3)),
    ("네이버페이, 카카오페이, 신용카드 등", T.STRING, "examples",
     ("네이버페이", "카카오페이", "신용카드")),
    ("(예: KRW, JPY, USD)", T.STRING, "examples", ("KRW", "JPY", "USD")),
    ('(예: 레벨업의 경우 "Lv.10", 스킬업의 경우 "SkillLv.3")', T.STRING, "examples",
     ("Lv.10", "SkillLv.3")),
    ('예: ["mob_goblin", "boss_orc"] 또는 PVP 상대', T.LIST, "examples",
     ("mob_goblin", "boss_orc")),
    ("US", T.STRING, "examples", ("US",)),
    # "e.g." needs no colon in a description either (Stridely: every badge_earned drew the
    # literal "e.g. first_5k" as one of its badge ids).
    ("e.g. first_5k, streak_7", T.STRING, "examples", ("first_5k", "streak_7")),
    ("For example wk_8f3a21", T.STRING, "examples", ("wk_8f3a21",)),
    # A short lead and a colon, then the values (the ride-hailing plan's source drew install
    # channels for "How the app was opened: icon, push, deeplink").
    ("How the app was opened: icon, push, deeplink", T.STRING, "enum",
     ("icon", "push", "deeplink")),
    ("City of service: San Francisco, London, Berlin, Paris", T.STRING, "enum",
     ("San Francisco", "London", "Berlin", "Paris")),
    ("Pack size: 1, 5, 10.", T.NUMBER, "enum", (1, 5, 10)),
    ("Reason: spam, abuse etc.", T.STRING, "examples", ("spam", "abuse")),
])
def test_description_lists(text: str, kind: T, field: str, expected: tuple) -> None:
    assert getattr(parse_hints(text, kind), field) == expected


@pytest.mark.parametrize(("text", "low", "high", "integer"), [
    ("잔여 체력 비율입니다. (0~100)", 0, 100, True), ("[0.01,0.37]", 0.01, 0.37, False),
    ("{150,350}=value", 150, 350, True), ("0|+1|10", 0, 10, True), ("1-100", 1, 100, True),
])
def test_description_ranges(text: str, low: float, high: float, integer: bool) -> None:
    found = parse_hints(text, T.NUMBER).value_range
    assert (found.min, found.max, found.integer) == (low, high, integer)


@pytest.mark.parametrize("text", [
    "(예: 0.0 ~ 1.0 또는 0 ~ 100%)",        # two ranges: ambiguous
    "1|+1", " =account_id my", "payment|pay_amount|sum", "++1", "+0",
    "배송비 포함 주문 총액", "(카카오톡,네이버,구글 등) 간편 로그인",
    "강화 전 유닛의 레벨, 스킬 레벨, 등급 등을 기록합니다.", "[1,", "{", "",
    "Note: see the docs", "Fare: the estimate shown before the request, in local currency",
    # phrases after a colon are no values (Segment's and GA4's descriptions)
    "Order Completed: coupon code used, if any.", "Order Completed: invoice/order id.",
    "Segment context: device locale; its region drives currency.",
    "GA4 automatically collected user property: time of the first first_open, rounded to "
    "the hour.",
])
def test_unreadable_hints_are_ignored(text: str) -> None:
    found = parse_hints(text, T.NUMBER)
    assert (found.value_range, found.enum, found.examples) == (None, None, ())


def test_structure_hints() -> None:
    assert parse_hints("3", T.OBJECT_GROUP).list_length.max == 3
    sample = parse_hints('예시: [{"id": "gold", "quantity": 10}]. 각 보상', T.OBJECT_GROUP)
    assert sample.sample == [{"id": "gold", "quantity": 10}]
    assert sample.examples == ('[{"id":"gold","quantity":10}]',)
    assert parse_hints('[{"index":"1",hero_id":"1"}]', T.OBJECT_GROUP).sample is None
    assert parse_hints("Y/N", T.BOOLEAN).enum is None

"""Checks of the bundled examples in ``examples/``: CSV seed layout and the game workbook."""

from __future__ import annotations

import csv
import importlib.util
import itertools
import json
import re
import sys
from pathlib import Path

import openpyxl
import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NAME = re.compile(r"^[a-z][a-z0-9_]{0,49}$")
INDUSTRIES = {"game", "ecommerce", "saas", "fitness", "media", "education", "mobility",
              "generic"}
PLATFORMS = {"mobile_app", "web", "pc"}
CSV_TYPES = {"string", "number", "boolean", "datetime", "list"}
XLSX_TYPES = {"string", "number", "boolean", "time", "list", "object", "object group"}
UPDATE_METHODS = {"user_set", "user_setOnce", "user_add", "user_append", "user_uniq_append"}

EVENT_HEADERS = [
    "이벤트 이름 (필수)",
    "이벤트 별칭",
    "이벤트 설명",
    "이벤트 태그",
    "속성 이름 (필수)",
    "속성 별칭",
    "속성 유형 (필수)",
    "속성 설명",
]
COMMON_HEADERS = ["속성 이름 (필수)", "속성 별칭", "속성 유형 (필수)", "속성 설명"]
USER_HEADERS = [
    "속성 이름 (필수)",
    "속성 별칭",
    "속성 유형 (필수)",
    "업데이트 방식",
    "속성 설명",
    "속성 태그",
]
ID_HEADERS = ["게임 유형", "속성 이름", "속성 별칭", "속성 설명", "값 설명"]


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


def check_product(folder: str, industry: str, platform: str) -> None:
    product = json.loads((EXAMPLES / folder / "product.json").read_text(encoding="utf-8"))
    assert set(product) == {"industry", "platform", "product_name", "description"}
    assert product["industry"] == industry and industry in INDUSTRIES
    assert product["platform"] == platform and platform in PLATFORMS
    assert product["product_name"].strip() and len(product["description"]) > 80


def assert_unique(names: list[str], what: str) -> None:
    lowered = [n.lower() for n in names]
    dupes = sorted({n for n in lowered if lowered.count(n) > 1})
    assert not dupes, f"duplicate {what}: {dupes}"


# --- CSV examples -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "platform", "min_events", "min_props"),
    [("ecommerce", "mobile_app", 28, 45), ("saas", "web", 25, 40)],
)
def test_csv_example(folder: str, platform: str, min_events: int, min_props: int) -> None:
    ev_header, events = read_csv(EXAMPLES / folder / "events.csv")
    pr_header, props = read_csv(EXAMPLES / folder / "properties.csv")
    assert ev_header == ["event_name", "event_tag", "description", "properties"]
    assert pr_header == ["name", "type", "description", "constraint", "scope"]
    assert len(events) >= min_events and len(props) >= min_props

    assert_unique([e["event_name"] for e in events], "events")
    assert_unique([p["name"] for p in props], "properties")
    by_name = {p["name"]: p for p in props}
    for p in props:
        assert NAME.match(p["name"]), p["name"]
        assert p["type"] in CSV_TYPES, p
        assert p["scope"] in {"event", "common", "user"}, p
        assert len(p["description"]) >= 15, p["name"]
        check_constraint(p)

    used: set[str] = set()
    for e in events:
        assert NAME.match(e["event_name"]), e["event_name"]
        assert e["event_tag"].strip() and len(e["description"]) >= 20, e["event_name"]
        listed = e["properties"].split(",") if e["properties"] else []
        assert " " not in e["properties"]
        assert len(listed) == len(set(listed)), e["event_name"]
        for name in listed:
            assert name in by_name, f"{e['event_name']} lists undefined property {name}"
            scope = by_name[name]["scope"]
            assert scope == "event", f"{name} on {e['event_name']} has scope {scope}"
        used.update(listed)
    unused = sorted(n for n, p in by_name.items() if p["scope"] == "event" and n not in used)
    assert not unused, f"event properties no event carries: {unused}"
    assert any(p["scope"] == "common" for p in props) and any(p["scope"] == "user" for p in props)
    check_product(folder, folder, platform)


def check_constraint(prop: dict[str, str]) -> None:
    constraint = prop["constraint"]
    if not constraint:
        return
    if prop["type"] in {"number", "list"} and "-" in constraint and "," not in constraint:
        low, high = (float(x) for x in constraint.split("-"))
        assert low <= high, prop["name"]
    elif prop["type"] == "number":
        [float(x) for x in constraint.split(",")]
    elif prop["type"] == "list":
        pytest.fail(f"{prop['name']}: a list constraint is an element count 'min-max'")
    elif prop["type"] == "boolean":
        assert set(constraint.split(",")) <= {"true", "false"}, prop["name"]
    else:
        values = constraint.split(",")
        assert all(v and v == v.strip() for v in values), prop["name"]
        assert len(values) == len(set(values)), prop["name"]


# --- game workbook ----------------------------------------------------------------------------

WORKBOOK = EXAMPLES / "game" / "taxonomy.xlsx"


def header(ws) -> list[str]:
    values = [c.value for c in ws[1]]
    while values and values[-1] is None:
        values.pop()
    return values


def read_events(ws) -> dict[str, list[tuple]]:
    """Event name -> its property rows (E..H), checking the merge layout on the way."""
    merged = {str(r) for r in ws.merged_cells.ranges}
    events: dict[str, list[tuple]] = {}
    starts: list[int] = []
    current = None
    for row in ws.iter_rows(min_row=2):
        a = row[0].value
        if a is not None:
            current = a
            assert a not in events, f"event {a} appears twice"
            events[a] = []
            starts.append(row[0].row)
        assert current is not None
        props = tuple(c.value for c in row[4:8])
        if any(v is not None for v in props):
            events[current].append(props)
    starts.append(ws.max_row + 1)
    for first, nxt in itertools.pairwise(starts):
        if nxt - first > 1:
            for col in "ABCD":
                assert f"{col}{first}:{col}{nxt - 1}" in merged, f"{col}{first} not merged"
    return events


def test_game_workbook_layout() -> None:
    wb = openpyxl.load_workbook(WORKBOOK)
    assert wb.sheetnames == ["#유저 ID 체계", "#이벤트 데이터", "#공통 이벤트 속성", "#유저 데이터"]
    assert header(wb["#유저 ID 체계"]) == ID_HEADERS
    assert header(wb["#이벤트 데이터"]) == EVENT_HEADERS
    assert header(wb["#공통 이벤트 속성"]) == COMMON_HEADERS
    assert header(wb["#유저 데이터"]) == USER_HEADERS
    ids = [r[1] for r in wb["#유저 ID 체계"].iter_rows(min_row=2, values_only=True)]
    assert set(ids) == {"#account_id", "#distinct_id"}


def test_game_workbook_content() -> None:
    wb = openpyxl.load_workbook(WORKBOOK)
    events = read_events(wb["#이벤트 데이터"])
    assert len(events) >= 30
    assert_unique(list(events), "events")

    types: dict[str, str] = {}

    def define(name: str, type_: str, where: str) -> None:
        assert type_ in XLSX_TYPES, (where, name, type_)
        assert types.setdefault(name, type_) == type_, f"{name} has two types ({where})"

    for event, rows in events.items():
        assert NAME.match(event), event
        parents: dict[str, str] = {}
        for name, alias, type_, desc in rows:
            assert alias and desc, (event, name)
            if "." in name:
                parent, child = name.split(".", 1)
                assert parents.get(parent) in {"object", "object group"}, (event, name)
                assert NAME.match(child), name
            else:
                assert NAME.match(name), name
            parents[name] = type_
            define(name, type_, event)

    common = list(wb["#공통 이벤트 속성"].iter_rows(min_row=2, values_only=True))
    user = list(wb["#유저 데이터"].iter_rows(min_row=2, values_only=True))
    for name, _alias, type_, desc in common:
        assert NAME.match(name) and desc, name
        define(name, type_, "common")
    assert_unique([r[0] for r in user], "user properties")
    user_types = {}
    for name, _alias, type_, method, desc, _tag in user:
        assert NAME.match(name) and desc, name
        assert type_ in XLSX_TYPES and method in UPDATE_METHODS, name
        user_types[name] = (type_, method)
        if name in types:  # the same name in the event and user tables keeps one type
            assert types[name] == type_, name

    top_level = {n for n in types if "." not in n} | set(user_types)
    assert len(top_level) >= 50
    assert set(types.values()) | {t for t, _ in user_types.values()} >= XLSX_TYPES

    def has(event: str, *props: str) -> None:
        names = {r[0] for r in events[event]}
        assert set(props) <= names, (event, set(props) - names)

    assert "app_install" in events or "first_open" in events
    has("session_start")
    has("session_end", "duration")
    for e in (
        "signup",
        "login",
        "tutorial_complete",
        "gold_earn",
        "gold_spend",
        "gem_earn",
        "gem_spend",
        "shop_view",
        "product_view",
        "purchase_start",
        "gacha_summon",
        "arena_enter",
        "guild_join",
        "daily_reward_claim",
        "quest_complete",
        "ad_watch",
        "mail_open",
        "settings_change",
    ):
        assert e in events, e
    for n in range(1, 6):
        assert f"tutorial_step{n}" in events
    for e in ("stage_start", "stage_clear", "stage_fail"):
        has(e, "stage_id")
    has("level_up", "level")
    has("purchase", "price", "currency", "product_id")
    assert "reward_items.item_id" in types and "reward_items.count" in types

    expected_user = {
        "level": "user_set",
        "gold": "user_set",
        "gem": "user_set",
        "total_pay_amount": "user_add",
        "pay_count": "user_add",
        "first_pay_time": "user_setOnce",
        "register_time": "user_setOnce",
        "vip_level": "user_set",
        "guild_id": "user_set",
        "last_login_time": "user_set",
        "tutorial_completed": "user_set",
    }
    for name, method in expected_user.items():
        assert user_types[name][1] == method, name
    check_product("game", "game", "mobile_app")


def test_game_workbook_is_what_the_script_builds() -> None:
    script = EXAMPLES / "game" / "build_taxonomy.py"
    spec = importlib.util.spec_from_file_location("_rune_knights_build_taxonomy", script)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    try:
        spec.loader.exec_module(module)
        built = module.build()
    finally:
        del sys.modules[spec.name]
    saved = openpyxl.load_workbook(WORKBOOK)
    assert built.sheetnames == saved.sheetnames
    for name in saved.sheetnames:
        a = list(built[name].iter_rows(values_only=True))
        b = list(saved[name].iter_rows(values_only=True))
        assert a == b, f"{name}: run examples/game/build_taxonomy.py to refresh taxonomy.xlsx"
        assert {str(r) for r in built[name].merged_cells.ranges} == {
            str(r) for r in saved[name].merged_cells.ranges
        }

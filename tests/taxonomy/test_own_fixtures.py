"""The tests' own plans (tests/data) load completely, with the exact counts and quirks.

They stand in for the shared corpus in a clone without it: the seed CSV layout, a
Segment-style JSON plan with spaces in event names, and a ThinkingData workbook written
with openpyxl (merged cells, ``user_setOnce``, Korean descriptions).
"""

from __future__ import annotations

from pathlib import Path

import openpyxl

from demogen.taxonomy import load_taxonomy
from demogen.vocab import PropertyType, Scope, UpdateMethod
from tests.data import SEED_PLAN, SEGMENT_PLAN


def _counts(path: Path) -> tuple[int, int, int, int, int]:
    """events / event-property rows / distinct event properties / common / user properties."""
    taxonomy = load_taxonomy(path).taxonomy
    return (len(taxonomy.events), taxonomy.stats.event_property_rows, len(taxonomy.properties),
            len(taxonomy.common_properties), len(taxonomy.user_properties))


def test_seed_plan_counts_and_product() -> None:
    loaded = load_taxonomy(SEED_PLAN)
    taxonomy = loaded.taxonomy
    assert _counts(SEED_PLAN) == (12, 23, 19, 2, 4)
    assert taxonomy.stats.layout == "seed" and taxonomy.warnings == ()
    assert loaded.files == (SEED_PLAN / "events.csv", SEED_PLAN / "properties.csv",
                            SEED_PLAN / "product.json")
    assert (loaded.product.industry, loaded.product.product_name) == ("fitness", "Stridewell")
    assert [e.name for e in taxonomy.events][:4] == ["app_install", "session_start",
                                                     "session_end", "signup"]
    assert {n for e in taxonomy.events for n in e.properties} == {
        p.name for p in taxonomy.properties}                 # every event property is used


def test_seed_plan_values_scopes_and_update_methods() -> None:
    taxonomy = load_taxonomy(SEED_PLAN).taxonomy
    duration = taxonomy.property("session_duration")
    assert duration.value_range is not None
    assert (duration.value_range.min, duration.value_range.max) == (5, 7200)
    assert duration.value_range.integer
    price = taxonomy.property("price")
    assert price.value_range is not None and not price.value_range.integer
    assert taxonomy.property("workout_type").enum == ("run", "walk", "cycle", "strength", "yoga")
    assert {p.name: p.scope for p in taxonomy.common_properties} == {
        "app_version": Scope.COMMON, "network_type": Scope.COMMON}
    assert {p.name: p.update_method for p in taxonomy.user_properties} == {
        "first_workout_time": UpdateMethod.USER_SET_ONCE, "total_workouts": UpdateMethod.USER_ADD,
        "is_premium": UpdateMethod.USER_SET, "preferred_workout": UpdateMethod.USER_SET}
    assert taxonomy.user_property("first_workout_time").type is PropertyType.TIME


def test_segment_plan_keeps_spaced_names_and_its_revenue() -> None:
    loaded = load_taxonomy(SEGMENT_PLAN)
    taxonomy = loaded.taxonomy
    assert _counts(SEGMENT_PLAN) == (12, 37, 23, 1, 3)
    assert loaded.files == (SEGMENT_PLAN / "taxonomy.json",)     # product block embedded
    assert (loaded.product.industry, loaded.product.product_name) == ("ecommerce", "Pinecrate")
    names = [e.name for e in taxonomy.events]
    assert sum(" " in n for n in names) == 12
    assert {"Order Completed", "Product Viewed", "Order Refunded"} <= set(names)
    order = taxonomy.event("Order Completed")
    assert order is not None and "revenue" in order.properties
    revenue = taxonomy.property("revenue")
    assert revenue.type is PropertyType.NUMBER and revenue.value_range is not None
    products = taxonomy.property("products")
    assert products.type is PropertyType.OBJECT_GROUP
    assert [c.name for c in products.children] == ["product_id", "price", "quantity"]
    assert len(taxonomy.warnings) == 1
    assert "12 event names contain spaces" in taxonomy.warnings[0]


def test_te_plan_counts_sheets_and_warnings(te_plan: Path) -> None:
    loaded = load_taxonomy(te_plan)
    taxonomy = loaded.taxonomy
    assert _counts(te_plan) == (10, 20, 17, 4, 7)
    assert taxonomy.stats.layout == "thinkingdata"
    assert (loaded.product.industry, loaded.product.product_name) == ("game", "Jelly Harbor")
    # The ignored sheets (#유저 ID 체계, 테이블 이해하기) raise nothing; the SDK quirks do.
    assert [w.split(": ", 1)[1][:40] for w in taxonomy.warnings] == [
        "event names with the prefix 'ta_' that T",
        "ThinkingData preset properties listed as"]


def test_te_plan_merged_cells_belong_to_every_row_they_cover(te_plan: Path) -> None:
    taxonomy = load_taxonomy(te_plan).taxonomy
    sdk = [taxonomy.event(n) for n in ("ta_app_install", "ta_app_start", "ta_app_end")]
    assert {(e.description, e.tag) for e in sdk if e is not None} == {
        ("클라이언트 SDK 활성화 시 자동 수집", "시스템")}
    stage_end = taxonomy.event("stage_end")          # one event over seven merged rows
    assert stage_end is not None
    assert stage_end.properties == ("stage_id", "result", "score", "moves_left", "rewards")
    assert stage_end.display_name == "스테이지 종료"


def test_te_plan_types_hints_and_update_methods(te_plan: Path) -> None:
    taxonomy = load_taxonomy(te_plan).taxonomy
    step = taxonomy.property("step_id")
    assert step.value_range is not None
    assert (step.value_range.min, step.value_range.max) == (1, 5)
    # Defined on stage_start and again, undescribed, on stage_end: the first wins.
    assert taxonomy.property("stage_id").description == "스테이지 번호 (1~300)"
    assert taxonomy.property("result").enum == ("clear", "fail", "quit")
    assert taxonomy.property("boosters").type is PropertyType.LIST
    rewards = taxonomy.property("rewards")
    assert rewards.type is PropertyType.OBJECT_GROUP
    assert [c.name for c in rewards.children] == ["item_id", "count"]
    assert taxonomy.user_property("first_channel").update_method is UpdateMethod.USER_SET_ONCE
    assert taxonomy.user_property("total_pay_amount").update_method is UpdateMethod.USER_ADD
    assert taxonomy.user_property("register_time").type is PropertyType.TIME


def test_te_workbook_is_laid_out_like_the_real_ones(te_plan: Path) -> None:
    workbook = openpyxl.load_workbook(te_plan / "taxonomy.xlsx")
    assert workbook.sheetnames == ["테이블 이해하기", "#유저 ID 체계", "#이벤트 데이터",
                                   "#공통 이벤트 속성", "#유저 데이터"]
    events = workbook["#이벤트 데이터"]
    assert [c.value for c in events[1]][:3] == ["이벤트 이름 (필수)", "이벤트 별칭", "이벤트 설명"]
    merged = {str(r) for r in events.merged_cells.ranges}
    assert {"C2:C4", "D2:D4", "A7:A8", "A9:A11", "A12:A18", "D12:D18", "A19:A22"} <= merged
    assert workbook["#유저 데이터"]["D2"].value == "user_setOnce"


def test_te_plan_note_row_and_coded_enumerations(tmp_path: Path) -> None:
    """铁血王座's workbook: a note row under the events ("注：…") is a note with a warning, not
    an event; blank rows between blocks end them; ``1:普通,2:稀有`` enumerates the codes."""
    from tests.data.unseen.build_zh_slg import write_zh_slg

    taxonomy = load_taxonomy(write_zh_slg(tmp_path / "zh_slg")).taxonomy
    assert len(taxonomy.events) == 35
    assert all(e.name.isascii() for e in taxonomy.events)
    assert any("was read as a note" in w for w in taxonomy.warnings)
    heroes = taxonomy.property("heroes")
    assert heroes is not None
    assert {c.name: c.enum for c in heroes.children}["rarity"] == (1, 2, 3, 4)
    result = taxonomy.property("result")
    assert result is not None and result.enum == (1, 2)

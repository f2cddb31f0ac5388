"""The real tracking plans in shared/: every one loads completely, with the exact counts."""

from __future__ import annotations

import csv
import json
from collections import Counter
from pathlib import Path

import pytest

from demogen.taxonomy import load_taxonomy
from demogen.vocab import PropertyType, Scope, UpdateMethod

# file: events / event-sheet property rows / distinct top-level event properties /
#       common-property rows / user-property rows (children included)
KR_COUNTS = {
    "demo_data_generator__idle-game-example.xlsx": (26, 141, 71, 25, 29),
    "te_data_generator__idle-game-example.xlsx": (26, 141, 71, 25, 29),
    "te_data_generator__ecommerce-tracking-plan.xlsx": (36, 202, 62, 12, 21),
    "te_data_generator__card-game-tracking-plan.xlsx": (53, 245, 94, 11, 23),
    "te_data_generator__casual-game-tracking-plan.xlsx": (36, 115, 68, 4, 17),
}
SEED_EVENTS = {"ga4_games": 24, "segment_ecommerce_v2": 33, "segment_b2b_saas": 15}


@pytest.mark.parametrize("name", sorted(KR_COUNTS))
def test_kr_workbook_counts(kr_xlsx: Path, name: str) -> None:
    taxonomy = load_taxonomy(kr_xlsx / name).taxonomy
    counts = (len(taxonomy.events), taxonomy.stats.event_property_rows, len(taxonomy.properties),
              sum(p.row_count() for p in taxonomy.common_properties),
              sum(p.row_count() for p in taxonomy.user_properties))
    assert counts == KR_COUNTS[name]
    assert taxonomy.stats.layout == "thinkingdata"
    assert all("." not in p.name for p in taxonomy.properties)


@pytest.mark.parametrize("name", sorted(KR_COUNTS))
def test_kr_workbook_events_name_only_defined_properties(kr_xlsx: Path, name: str) -> None:
    taxonomy = load_taxonomy(kr_xlsx / name).taxonomy
    defined = {p.name for p in taxonomy.properties}
    assert {n for e in taxonomy.events for n in e.properties} == defined
    assert not any("테이블 이해하기" in w or "유저 ID" in w for w in taxonomy.warnings)


def test_card_game_children_and_type_conflict(kr_xlsx: Path) -> None:
    taxonomy = load_taxonomy(kr_xlsx / "te_data_generator__card-game-tracking-plan.xlsx").taxonomy
    hero = taxonomy.user_property("hero_info")
    assert hero.type is PropertyType.OBJECT_GROUP and hero.update_method is UpdateMethod.USER_SET
    assert [c.name for c in hero.children] == ["hero_id", "hero_level", "hero_star", "hero_power",
                                               "hero_equipment_list"]
    assert hero.children[-1].type is PropertyType.LIST            # "List"
    rank_info = taxonomy.property("rank_info")                    # "array(object)"
    assert rank_info.type is PropertyType.OBJECT_GROUP and rank_info.row_count() == 4
    assert taxonomy.property("server_id").type is PropertyType.NUMBER   # first definition wins
    assert ("te_data_generator__card-game-tracking-plan.xlsx, sheet '#이벤트 데이터', row 19: "
            "property 'server_id' is number on event 'current_online' but string on event 'rank'; "
            "ThinkingData keeps one type per name, so the first (number) is used"
            ) in taxonomy.warnings
    assert any("ta_app_install" in w and "'ta_'" in w for w in taxonomy.warnings)


def test_idle_game_merged_cells_and_hints(kr_xlsx: Path) -> None:
    taxonomy = load_taxonomy(kr_xlsx / "demo_data_generator__idle-game-example.xlsx").taxonomy
    start = taxonomy.event("te_app_start")                # C2:C5 and D2:D5 are merged
    assert start.tag == "시스템" and start.description.startswith("클라이언트 SDK 자동 수집")
    assert taxonomy.user_property("first_seen_time").update_method is UpdateMethod.USER_SET_ONCE
    unlocked = taxonomy.property("unlocked_features_or_content_info")
    content_type = unlocked.children[0]
    assert content_type.name == "content_type"
    assert content_type.enum == ("dungeon", "feature_system", "skill_slot", "map_area")
    health = taxonomy.property("player_health_remaining_percentage").value_range
    assert (health.min, health.max) == (0, 100)
    assert taxonomy.property("opponent_id_list").examples == ("mob_goblin_warrior",
                                                              "boss_orc_chieftain")


def test_casual_game_value_language(kr_xlsx: Path) -> None:
    taxonomy = load_taxonomy(kr_xlsx / "te_data_generator__casual-game-tracking-plan.xlsx").taxonomy
    duration = taxonomy.property("#duration").value_range
    assert (duration.min, duration.max, duration.integer) == (60, 7200, False)   # [60,7200]
    assert taxonomy.property("pay_amount").enum == (6, 15, 38, 78, 158, 318, 648)
    questions = taxonomy.property("questionnaire_detail")
    assert (questions.list_length.min, questions.list_length.max) == (10, 10)
    choice = questions.children[1].value_range                                  # {1,4}
    assert (choice.min, choice.max, choice.integer) == (1, 4, True)
    assert taxonomy.property("cost_action_point").value_range.max == 4          # {1，4}
    assert taxonomy.property("amount_spent_usd").value_range.max == 43          # [29,43]=value
    total = taxonomy.user_property("total_pay_amount")
    assert total.description == "payment|pay_amount|sum" and total.enum is None
    assert total.update_method is UpdateMethod.USER_ADD
    assert any("#appsflyer_media_source" in w for w in taxonomy.warnings)


def test_ecommerce_unheaded_column_json_samples_and_separators(kr_xlsx: Path) -> None:
    name = "te_data_generator__ecommerce-tracking-plan.xlsx"
    taxonomy = load_taxonomy(kr_xlsx / name).taxonomy
    assert (f"{name}, sheet '#이벤트 데이터': column I holds text in 4 rows but has no header; "
            "it was not read") in taxonomy.warnings
    assert taxonomy.property("size").enum == ("m", "l", "xl")                    # m、l、xl
    coupon = taxonomy.property("coupon")
    assert coupon.type is PropertyType.OBJECT and coupon.children[0].name == "coupon_id"
    assert [p.tag for p in taxonomy.user_properties][:2] == ["기본 속성", "기본 속성"]  # merged F
    assert taxonomy.common_properties[1].name == "#os"
    assert taxonomy.common_properties[1].enum == ("iOS", "Android")


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


@pytest.mark.parametrize("folder", sorted(SEED_EVENTS))
def test_seed_taxonomy_counts(shared_dir: Path, folder: str) -> None:
    path = shared_dir / "taxonomies" / folder
    loaded = load_taxonomy(path)
    taxonomy = loaded.taxonomy
    scopes = Counter(row["scope"] for row in _csv_rows(path / "properties.csv"))
    assert len(taxonomy.events) == SEED_EVENTS[folder]
    assert len(taxonomy.properties) == scopes["event"]
    assert len(taxonomy.common_properties) == scopes["common"]
    assert len(taxonomy.user_properties) == scopes["user"]
    assert taxonomy.stats.layout == "seed"
    assert all(p.scope is Scope.COMMON for p in taxonomy.common_properties)
    listed = sum(len([n for n in row["properties"].split(",") if n])
                 for row in _csv_rows(path / "events.csv"))
    assert taxonomy.stats.event_property_rows == listed
    product = json.loads((path / "product.json").read_text(encoding="utf-8"))
    assert loaded.product.model_dump(exclude={"industry_inferred"}, exclude_none=True) == product
    assert loaded.files == (path / "events.csv", path / "properties.csv", path / "product.json")


def test_seed_constraints_and_spec_style_names(shared_dir: Path) -> None:
    taxonomy = load_taxonomy(shared_dir / "taxonomies" / "segment_ecommerce_v2").taxonomy
    assert taxonomy.property("price").value_range.min == 0.5
    assert taxonomy.property("products").list_length is not None
    assert taxonomy.property("rating").enum == ("1", "2", "3", "4", "5")       # string property
    assert taxonomy.event("Order Completed") is not None
    assert any("33 event names contain spaces" in w for w in taxonomy.warnings)
    assert any("context.app.version" in w for w in taxonomy.warnings)
    ga4 = load_taxonomy(shared_dir / "taxonomies" / "ga4_games").taxonomy
    assert ga4.property("system_app").enum == (0, 1)
    assert ga4.property("success").enum == (True, False)
    assert ga4.warnings == ()


def test_keyword_overrides_beat_product_json(shared_dir: Path) -> None:
    loaded = load_taxonomy(shared_dir / "taxonomies" / "ga4_games", industry="media",
                           product_name="Other")
    assert (loaded.product.industry, loaded.product.product_name) == ("media", "Other")
    assert loaded.product.platform == "mobile_app"                    # from product.json

"""File formats and layouts: encodings, aliases, JSON/YAML, ThinkingData workbook quirks."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

import demogen.taxonomy
from demogen.taxonomy import load_taxonomy
from demogen.vocab import PropertyType, Scope, UpdateMethod
from tests.taxonomy.taxonomy_files import EVENTS_CSV, PROPERTIES_CSV, TE_HEADER, write_xlsx

KOREAN_EVENTS = "event_name,description,properties\nlogin,로그인 시 기록,method\n"
KOREAN_PROPS = "name,type,description,constraint\nmethod,string,로그인 방식,\"카카오,네이버\"\n"


def test_public_api() -> None:
    assert demogen.taxonomy.__all__ == sorted(demogen.taxonomy.__all__)
    assert {"load_taxonomy", "LoadedTaxonomy"} <= set(demogen.taxonomy.__all__)
    assert demogen.taxonomy.load_taxonomy is demogen.taxonomy._loader.load_taxonomy


@pytest.mark.parametrize("encoding", ["cp949", "euc-kr", "utf-8-sig", "utf-8", "utf-16"])
def test_csv_encodings(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "events.csv").write_bytes(KOREAN_EVENTS.encode(encoding))
    (tmp_path / "properties.csv").write_bytes(KOREAN_PROPS.encode(encoding))
    taxonomy = load_taxonomy(tmp_path).taxonomy
    assert taxonomy.events[0].name == "login"            # no BOM glued to the first header
    assert taxonomy.events[0].description == "로그인 시 기록"
    assert taxonomy.property("method").enum == ("카카오", "네이버")


def test_folder_csv_counts_and_scopes(make_files) -> None:
    loaded = load_taxonomy(make_files({"events.csv": EVENTS_CSV, "properties.csv": PROPERTIES_CSV}))
    taxonomy = loaded.taxonomy
    assert [e.properties for e in taxonomy.events] == [("method", "level"), ("level",)]
    assert [p.scope for p in taxonomy.common_properties] == [Scope.COMMON]
    assert taxonomy.user_property("coins").value_range.max == 1_000_000
    assert loaded.product.industry == "generic" and taxonomy.warnings == ()


@pytest.mark.parametrize(("events_sheet", "props_sheet", "headers"), [
    ("events", "properties", ("event_name", "properties", "name", "type", "constraint")),
    ("이벤트", "속성", ("이벤트명", "속성 목록", "속성 이름", "속성 유형", "값 범위")),
    ("事件", "属性", ("事件名(必填)", "属性列表", "属性名", "属性类型", "取值范围")),
    ("Sheet1", "Sheet2", ("Event Name", "PROPERTIES", "Property Name", "Data Type", "Range")),
])
def test_seed_workbook_aliases(tmp_path: Path, events_sheet: str, props_sheet: str,
                               headers: tuple[str, ...]) -> None:
    path = write_xlsx(tmp_path / "plan.xlsx", {
        events_sheet: [headers[:2], ("login", "level"), ("logout", "")],
        props_sheet: [headers[2:], ("level", "Number", "1-99")],
    })
    taxonomy = load_taxonomy(path).taxonomy
    assert [e.name for e in taxonomy.events] == ["login", "logout"]
    assert taxonomy.property("level").value_range.max == 99
    assert taxonomy.stats.layout == "seed"


def test_json_taxonomy_with_product_block(tmp_path: Path) -> None:
    document = {
        "events": [{"name": "login", "tag": "account", "properties": ["method"]},
                   {"event_name": "buy", "properties": "price,method"}],
        "properties": [{"name": "method", "type": "str"},
                       {"name": "price", "type": "double", "constraint": "0.99-99.99"}],
        "user_properties": [{"name": "first_buy", "type": "timestamp",
                             "update_method": "user_set_once"}],
        "product": {"industry": "ecommerce", "product_name": "Shop"},
    }
    path = tmp_path / "plan.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    (tmp_path / "product.json").write_text('{"product_name": "Beside"}', encoding="utf-8")
    loaded = load_taxonomy(path, platform="web")
    taxonomy = loaded.taxonomy
    assert taxonomy.event("login").tag == "account"
    assert taxonomy.event("buy").properties == ("price", "method")
    assert taxonomy.property("price").type is PropertyType.NUMBER
    first_buy = taxonomy.user_property("first_buy")
    assert (first_buy.type, first_buy.update_method) == (PropertyType.TIME,
                                                         UpdateMethod.USER_SET_ONCE)
    product = loaded.product
    assert (product.industry, product.product_name, product.platform) == ("ecommerce", "Beside",
                                                                          "web")
    assert loaded.files == (path, tmp_path / "product.json")


def test_yaml_taxonomy(tmp_path: Path) -> None:
    path = tmp_path / "plan.yml"
    path.write_text("events:\n  - {name: level_up, properties: 'level'}\n"
                    "properties:\n  - {name: level, type: integer, constraint: '{1,60}'}\n"
                    "  - {name: country, type: string, scope: common, constraint: 'KR,JP'}\n",
                    encoding="utf-8")
    taxonomy = load_taxonomy(path).taxonomy
    assert taxonomy.property("level").value_range.integer
    assert taxonomy.common_properties[0].enum == ("KR", "JP")


def _te_workbook(path: Path, *, pad_rows: int = 0) -> Path:
    rows = [
        TE_HEADER,
        ("ta_app_start", "실행", "자동 수집", "시스템", "", "", "", ""),
        ("ta_app_end", "종료", None, None, "#duration", "시간", "Number", "[60,7200]"),
        ("stage_clear", "클리어", "스테이지 클리어", "콘텐츠", "stage", "", "number", "{1,30}"),
        (None, None, None, None, "rewards", "", "Object Group", "예시: [{\"id\": \"gold\"}]"),
        (None, None, None, None, "rewards.id", "", "String", "(Enum: gold, gem)"),
        (None, None, None, None, "rewards.quantity", "", "Number", "", "stray note"),
    ]
    user = [("속성 이름", "속성 별칭", "속성 유형 (필수)", "업데이트 방식", "속성 설명",
             "속성 태그"),
            ("total_pay", "누적", "number", "user_add", "", "결제"),
            ("first_pay", "최초", "time", "user_set_once", "", None)]
    path = write_xlsx(path, {"테이블 이해하기": [("how to read",)], "#이벤트 데이터": rows,
                             "#유저 데이터": user, "메모": [("notes",)]},
                      merges={"#이벤트 데이터": ["C2:C3", "D2:D3", "A4:A7"],
                              "#유저 데이터": ["F2:F3"]})
    if pad_rows:   # formatted but empty rows far below the data, and a lying dimension
        workbook = openpyxl.load_workbook(path)
        sheet = workbook["#이벤트 데이터"]
        for row in range(20, 20 + pad_rows):
            sheet.cell(row=row, column=1).number_format = "@"
        sheet.cell(row=20 + pad_rows + 5, column=5, value="lost_after_gap")
        workbook.save(path)
    return path


def test_thinkingdata_workbook_quirks(tmp_path: Path) -> None:
    taxonomy = load_taxonomy(_te_workbook(tmp_path / "plan.xlsx")).taxonomy
    assert [e.name for e in taxonomy.events] == ["ta_app_start", "ta_app_end", "stage_clear"]
    end = taxonomy.event("ta_app_end")
    assert (end.description, end.tag) == ("자동 수집", "시스템")       # merged C2:C3, D2:D3
    assert end.properties == ("#duration",)
    rewards = taxonomy.property("rewards")
    assert [c.name for c in rewards.children] == ["id", "quantity"]    # rows beat the sample
    assert rewards.children[0].enum == ("gold", "gem")
    assert taxonomy.stats.event_property_rows == 5
    assert taxonomy.user_property("first_pay").update_method is UpdateMethod.USER_SET_ONCE
    assert [p.tag for p in taxonomy.user_properties] == ["결제", "결제"]   # merged F2:F3
    warnings = "\n".join(taxonomy.warnings)
    assert "plan.xlsx, sheet '메모': sheet was not read" in warnings
    assert "테이블 이해하기" not in warnings
    assert "plan.xlsx, sheet '#이벤트 데이터': column I holds text in 1 row but has no header" in (
        warnings)
    assert "'ta_'" in warnings and "#duration" in warnings


def test_long_formatted_range_stops_reading(tmp_path: Path) -> None:
    """A used range far past the data is read quickly; a gap over 1000 rows ends the sheet."""
    path = _te_workbook(tmp_path / "plan.xlsx", pad_rows=3000)
    taxonomy = load_taxonomy(path).taxonomy
    assert taxonomy.stats.event_property_rows == 5
    assert taxonomy.property("lost_after_gap") is None

"""One tracking-plan CSV (a row per event × property), as tracking tools export it."""

from __future__ import annotations

from pathlib import Path

from demogen.taxonomy import load_taxonomy
from demogen.vocab import PropertyType

#: A Google-Sheets / Avo-style plan: the event's name repeated or left blank below, its
#: description on one row only, a "User Properties" block, Required and Example columns.
SHEET_PLAN = """\
Event Name,Event Description,Event Category,Property Name,Property Type,Property Description,\
Required,Allowed Values / Enum,Example
sign_up,Account created,Onboarding,method,string,How,Yes,"email,google",google
sign_up,,,referrer,string,From where,No,,organic
task_created,,Tasks,task_id,string,Task id,Yes,,tsk_1
,A task is added,,priority,string,Priority,No,"low,high",low
sign_up,,,plan,string,Plan at sign-up,No,"Free,Pro",Free
User Properties,,,plan,string,Current plan,,"Free,Pro,Business",Free
User Properties,,,seats,number,Paid seats,,0-50,5
"""

#: Mixpanel Lexicon's shape: an entity-type column says whose row it is.
LEXICON_PLAN = """\
Entity Type,Entity Name,Entity Description,Property Name,Property Type,Property Description
event,Song Played,A song starts,,,
event property,Song Played,,genre,string,Genre
event property,Song Played,,duration_s,number,Length in seconds
user profile property,country_code,,,string,The user's country
super property,,,app_version,string,App version
"""


def test_sheet_plan_groups_rows_by_event(tmp_path: Path) -> None:
    (tmp_path / "plan.csv").write_text(SHEET_PLAN, encoding="utf-8")

    taxonomy = load_taxonomy(tmp_path / "plan.csv").taxonomy

    events = {e.name: e for e in taxonomy.events}
    assert list(events) == ["sign_up", "task_created"]
    assert events["sign_up"].properties == ("method", "referrer", "plan")
    assert events["task_created"].properties == ("task_id", "priority")
    assert events["task_created"].description == "A task is added"   # from its second row
    assert events["task_created"].tag == "Tasks"
    method = next(p for p in taxonomy.properties if p.name == "method")
    assert method.enum == ("email", "google")
    referrer = next(p for p in taxonomy.properties if p.name == "referrer")
    assert referrer.examples == ("organic",)
    assert [(p.name, p.type) for p in taxonomy.user_properties] == [
        ("plan", PropertyType.STRING), ("seats", PropertyType.NUMBER)]
    assert taxonomy.stats.layout == "tracking_plan"
    assert taxonomy.stats.event_property_rows == 5
    assert not taxonomy.warnings


def test_lexicon_entity_types(tmp_path: Path) -> None:
    (tmp_path / "lexicon.csv").write_text(LEXICON_PLAN, encoding="utf-8")

    taxonomy = load_taxonomy(tmp_path / "lexicon.csv").taxonomy

    assert [(e.name, e.description, e.properties) for e in taxonomy.events] == [
        ("Song Played", "A song starts", ("genre", "duration_s"))]
    assert [p.name for p in taxonomy.user_properties] == ["country_code"]
    assert [p.name for p in taxonomy.common_properties] == ["app_version"]


def test_folder_with_one_plan_csv_and_product(tmp_path: Path) -> None:
    (tmp_path / "tracking_plan.csv").write_text(SHEET_PLAN, encoding="utf-8")
    (tmp_path / "product.json").write_text('{"industry": "saas"}', encoding="utf-8")

    loaded = load_taxonomy(tmp_path)

    assert [f.name for f in loaded.files] == ["tracking_plan.csv", "product.json"]
    assert loaded.product.industry == "saas"
    assert len(loaded.taxonomy.events) == 2


def test_plan_csv_in_utf16_with_tabs(tmp_path: Path) -> None:
    """Excel's "Unicode text" save: UTF-16 with tabs."""
    (tmp_path / "plan.csv").write_bytes(SHEET_PLAN.replace(",", "\t").encode("utf-16"))

    taxonomy = load_taxonomy(tmp_path / "plan.csv").taxonomy

    assert [e.name for e in taxonomy.events] == ["sign_up", "task_created"]

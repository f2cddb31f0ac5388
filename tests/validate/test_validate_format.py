"""check_record (one bad record per §14 rule), TypeTracker, check_time_window, check_output."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone

import orjson
import pytest

import demogen.validate as validate
from demogen.validate import (
    OutputReadError,
    TypeTracker,
    check_output,
    check_record,
    check_time_window,
    iter_records,
    parse_time,
    property_type,
)
from demogen.vocab import PropertyType
from tests.validate.sample_records import UUID, valid_records


def _track(**props) -> dict:
    return {"#type": "track", "#time": "2024-05-01 10:00:00.000", "#distinct_id": "d1",
            "#event_name": "tap", "properties": props}


def _user(rtype: str, **props) -> dict:
    return {"#type": rtype, "#time": "2024-05-01 10:00:00.000", "#account_id": "a1",
            "properties": props}


def _without(record: dict, *keys: str) -> dict:
    return {k: v for k, v in record.items() if k not in keys}


def test_exports_are_sorted_and_complete():
    assert validate.__all__ == sorted(validate.__all__, key=lambda n: (not n.isupper(), n))
    for name in validate.__all__:
        assert getattr(validate, name) is not None


@pytest.mark.parametrize("record", valid_records(), ids=lambda r: r["#type"])
def test_valid_records_pass(record):
    assert check_record(record) == []


BAD = {
    # 1. only header keys at the top level
    "preset at top level": ({**_track(), "#os": "iOS"}, "'#os' is not a header key; move it"),
    "unknown top-level key": ({**_track(), "event": "x"}, "'event' is not a header key"),
    "system key at top level": ({**_track(), "#user_id": 1}, "'#user_id' is not a header key"),
    # 2. #type
    "type missing": (_without(_track(), "#type"), "'#type' is missing"),
    "type set_once": (_user("user_set_once", a=1), "the wire value is 'user_setOnce'"),
    "type wrong case": (_user("User_Set", a=1), "'User_Set' is not one of"),
    "type not a string": ({**_track(), "#type": 1}, "'#type' 1 is not one of"),
    # 3. #time
    "time missing": (_without(_track(), "#time"), "'#time' is missing"),
    "time with T": ({**_track(), "#time": "2024-05-01T10:00:00.000"}, "not in the layout"),
    "time without ms": ({**_track(), "#time": "2024-05-01 10:00:00"}, "not in the layout"),
    "time with zone": ({**_track(), "#time": "2024-05-01 10:00:00.000Z"}, "not in the layout"),
    "time 2 ms digits": ({**_track(), "#time": "2024-05-01 10:00:00.00"}, "not in the layout"),
    "time not a date": ({**_track(), "#time": "2023-02-29 10:00:00.000"}, "not a real date"),
    "time hour 24": ({**_track(), "#time": "2024-05-01 24:00:00.000"}, "not a real date"),
    "time a number": ({**_track(), "#time": 1714557600000}, "'#time' is a JSON number"),
    # 4. ids
    "no id": (_without(_track(), "#distinct_id"), "neither '#distinct_id' nor '#account_id'"),
    "id a number": ({**_track(), "#distinct_id": 42}, "ids must be strings"),
    "id empty": ({**_track(), "#distinct_id": ""}, "empty string"),
    "id too long": ({**_track(), "#account_id": "x" * 65}, "65 characters"),
    # 5. #event_name
    "event name missing": (_without(_track(), "#event_name"), "'#event_name' is missing"),
    "event name on user record": ({**_user("user_set", a=1), "#event_name": "x"},
                                  "only track* records carry it"),
    "event name with space": ({**_track(), "#event_name": "buy now"}, "does not match"),
    "event name digit first": ({**_track(), "#event_name": "1st_open"}, "does not match"),
    "event name too long": ({**_track(), "#event_name": "e" * 51}, "does not match"),
    "event name hangul": ({**_track(), "#event_name": "구매"}, "does not match"),
    # 6. #event_id / #first_check_id
    "update without event id": ({**_track(), "#type": "track_update"},
                                "'#event_id' is missing"),
    "event id on track": ({**_track(), "#event_id": "o1"}, "create updatable events as"),
    "event id a number": ({**_track(), "#type": "track_overwrite", "#event_id": 5},
                          "'#event_id' must be a non-empty string"),
    "first check id on user": ({**_user("user_set", a=1), "#first_check_id": "x"},
                               "only track records use it"),
    # 7. #uuid, #ip, #app_id
    "uuid v1": ({**_track(), "#uuid": "6fa459ea-ee8a-11ca-9d6b-00aa00c0ffee"}, "UUID v4"),
    "uuid upper case": ({**_track(), "#uuid": UUID.upper()}, "UUID v4"),
    "uuid no dashes": ({**_track(), "#uuid": UUID.replace("-", "")}, "UUID v4"),
    "ip garbage": ({**_track(), "#ip": "300.1.1.1"}, "not an IP address"),
    "app id empty": ({**_track(), "#app_id": ""}, "'#app_id' must be a non-empty string"),
    # 8. properties
    "properties missing": (_without(_track(), "properties"), "'properties' is missing"),
    "properties a list": ({**_track(), "properties": []}, "'properties' is a JSON array"),
    # 9. property names
    "name with dash": (_track(**{"my-prop": 1}), "the name does not match"),
    "name underscore first": (_track(_x=1), "the name does not match"),
    "name too long": (_track(**{"p" * 51: 1}), "the name does not match"),
    "unknown preset": (_track(**{"#bogus": 1}), "not a known preset"),
    "system field as property": (_track(**{"#user_id": "u"}), "not a known preset"),
    "header key in properties": (_track(**{"#time": "2024-05-01 10:00:00.000"}),
                                 "header key inside 'properties'"),
    "case-only duplicate": (_track(Level=1, level=2), "differs from 'Level' only in case"),
    # 10. #zone_offset
    "zone offset a string": (_track(**{"#zone_offset": "8"}), "preset '#zone_offset' is a number"),
    "zone offset on user": (_user("user_set", **{"#zone_offset": 8}), "track* records only"),
    "zone offset out of range": (_track(**{"#zone_offset": 20}), "not a time-zone offset"),
    # 11. value types and limits
    "null value": (_track(a=None), "null is not a TE value"),
    "string over 2 KB": (_track(a="é" * 1025), "2050 bytes; the limit is 2048"),
    "list over 500": (_track(a=["x"] * 501), "501 elements"),
    "list of numbers": (_track(a=["x", 2]), "list element is a JSON number"),
    "list in a list": (_track(a=[["x"]]), "list element is a JSON array"),
    "list of bools": (_track(a=[True]), "list element is a JSON boolean"),
    "object over 100 keys": (_track(a={f"k{i}": i for i in range(101)}), "101 sub-properties"),
    "object in object": (_track(a={"b": {"c": 1}}), "an object inside an object"),
    "group in object": (_track(a={"b": [{"c": 1}]}), "an object group inside an object"),
    "object sub-name": (_track(a={"bad name": 1}), "sub-property name does not match"),
    "object group over 500": (_track(a=[{"k": 1}] * 501), "501 objects"),
    "object mixed with scalars": (_track(a=[{"k": 1}, "x"]), "an object inside a list"),
    "number over 1e13": (_track(a=10_000_000_000_001), "outside ±1e13"),
    "number under -1e13": (_track(a=-2e13), "outside ±1e13"),
    "nan": (_track(a=float("nan")), "not a finite number"),
    "infinity": (_track(a=float("inf")), "not a finite number"),
    "time-looking string not a time": (_track(a="2024-13-01 00:00:00"), "not a real date"),
    "preset type": (_track(**{"#screen_width": "1080"}), "preset '#screen_width' is a number"),
    "preset boolean": (_track(**{"#simulator": 0}), "preset '#simulator' is a boolean"),
    "preset time": (_track(**{"#install_time": "yesterday"}), "preset '#install_time' is a time"),
    # 12. per-type value rules
    "user_add string": (_user("user_add", coins="5"), "user_add values must be numbers"),
    "user_add boolean": (_user("user_add", coins=True), "user_add values must be numbers"),
    "user_append scalar": (_user("user_append", badges="x"), "values must be arrays"),
    "user_uniq_append object": (_user("user_uniq_append", badges={"a": "b"}),
                                "values must be arrays"),
    "user_unset value": (_user("user_unset", nickname="x"), "user_unset sends 0"),
    "user_del with properties": (_user("user_del", a=1), "user_del record must be empty"),
    # 13. not an object at all
    "array record": ([1, 2], "the record is a JSON array, not an object"),
}


@pytest.mark.parametrize("case", list(BAD), ids=list(BAD))
def test_each_rule_is_caught(case):
    record, expected = BAD[case]
    problems = check_record(record)
    assert any(expected in p for p in problems), problems


def test_all_problems_of_a_record_are_reported_at_once():
    record = {"#type": "track", "#time": "now", "#event_name": "9", "properties": {"a": None}}
    problems = check_record(record)
    assert len(problems) == 4, problems


def test_parse_time_and_property_type():
    assert parse_time("2024-05-01 10:00:00.123") == datetime(2024, 5, 1, 10, 0, 0, 123000)
    assert parse_time("2024-05-01 10:00:00") is None
    assert parse_time("2024-05-01 10:00:00", millis_optional=True) == datetime(2024, 5, 1, 10)
    assert parse_time("2024-05-01 10:00:00.123\n") is None
    assert property_type(True) is PropertyType.BOOLEAN
    assert property_type(1) is property_type(1.5) is PropertyType.NUMBER
    assert property_type("x") is PropertyType.STRING
    assert property_type("2024-05-01 10:00:00") is PropertyType.TIME
    assert property_type(["a"]) is PropertyType.LIST
    assert property_type([{"a": 1}]) is PropertyType.OBJECT_GROUP
    assert property_type({"a": 1}) is PropertyType.OBJECT
    assert property_type([]) is None and property_type(None) is None


# --- TypeTracker ---------------------------------------------------------------------------


def test_type_tracker_reports_changes_once_with_first_location():
    tracker = TypeTracker()
    assert tracker.observe(_track(level=1, when="2024-05-01 10:00:00.000"), "f:1") == []
    # Event properties share one namespace across events.
    other = {**_track(level="high"), "#event_name": "other"}
    problems = tracker.observe(other, "f:2")
    assert problems == [
        "event property 'level' changes type: first a number at f:1, now a string ('high'); "
        "TE keeps the first type and drops the rest"
    ]
    assert tracker.observe(other, "f:3") == []  # reported once
    assert tracker.observe(_track(when="soon"), "f:4")[0].startswith(
        "event property 'when' changes type: first a time at f:1, now a string"
    )


def test_type_tracker_keeps_user_properties_apart():
    tracker = TypeTracker()
    tracker.observe(_track(level=1))
    assert tracker.observe(_user("user_set", level="gold")) == []
    assert tracker.observe(_user("user_add", level=1))[0].startswith(
        "user property 'level' changes type: first a string"
    )
    assert tracker.observe(_user("user_unset", level=0)) == []  # dummies are skipped
    assert tracker.types("event") == {"level": PropertyType.NUMBER}
    assert tracker.types("user") == {"level": PropertyType.STRING}


def test_type_tracker_follows_objects_lists_and_case():
    tracker = TypeTracker()
    tracker.observe(_track(obj={"k": 1}, rows=[{"sku": "a"}], tags=["x"], empty=[]))
    problems = tracker.observe(_track(obj={"k": "1"}, rows=[{"sku": 2}], tags={"x": "y"},
                                      empty=[{"a": "b"}], Tags=["y"]))
    text = "\n".join(problems)
    assert "'obj.k' changes type: first a number" in text
    assert "'rows.sku' changes type: first a string" in text
    assert "'tags' changes type: first a list" in text
    assert "'Tags' differs from 'tags' only in case" in text
    assert "'empty'" not in text  # an empty list fixes no type
    assert len(problems) == 4


# --- time window ---------------------------------------------------------------------------

NOW = datetime(2024, 6, 1, 12, 0, tzinfo=UTC)


def _at(stamp: str, zone=None) -> dict:
    props = {} if zone is None else {"#zone_offset": zone}
    return {**_track(**props), "#time": stamp}


def test_time_window_future_with_zone_offsets():
    records = [
        _at("2024-06-01 20:59:59.999", 9),  # 11:59:59 UTC: past
        _at("2024-06-01 21:00:00.001", 9),  # 12:00:00.001 UTC: future
        _at("2024-06-01 07:30:00.000", -5),  # 12:30 UTC: future
    ]
    problems = check_time_window(records, NOW)
    assert len(problems) == 2
    assert problems[0].startswith("record 2: '#time' 2024-06-01 21:00:00.001 (UTC+9) is 0.0 h")
    assert problems[1].startswith("record 3: '#time' 2024-06-01 07:30:00.000 (UTC-5) is 0.5 h")


def test_time_window_without_zone_is_lenient_unless_told():
    record = _at("2024-06-02 01:00:00.000")  # future in UTC, not in UTC+14
    assert check_time_window([record], NOW) == []
    assert len(check_time_window([record], NOW, default_zone_offset=0)) == 1
    assert len(check_time_window([_at("2024-06-03 03:00:00.000")], NOW)) == 1


def test_time_window_past_limit_and_locations():
    old = _at("2021-06-01 12:00:00.000", 0)  # 1096 days before NOW
    ok = _at("2021-06-03 12:00:00.000", 0)
    problems = check_time_window([("logs_a.jsonl", 7, old), ("logs_a.jsonl", 8, ok)], NOW)
    assert problems == [
        "logs_a.jsonl:7: '#time' 2021-06-01 12:00:00.000 (UTC+0) is 1096 days in the past; "
        "keep data within 1095 days (~3 years)"
    ]


def test_time_window_accepts_naive_and_other_zones():
    record = _at("2024-06-01 13:00:00.000", 0)
    assert len(check_time_window([record], datetime(2024, 6, 1, 12))) == 1
    tokyo = timezone(timedelta(hours=9))
    assert check_time_window([record], datetime(2024, 6, 1, 22, tzinfo=tokyo)) == []


# --- reader and whole-folder checks --------------------------------------------------------


def _write(path, records, *, raw: bytes = b"", gz: bool = False) -> None:
    data = b"".join(orjson.dumps(r) + b"\n" for r in records) + raw
    path.write_bytes(gzip.compress(data, mtime=0) if gz else data)


def test_reader_streams_plain_and_gzip_files_in_day_order(tmp_path):
    _write(tmp_path / "logs_20240502.jsonl.gz", [_track(n=3)], gz=True)
    _write(tmp_path / "logs_20240501.jsonl", [_track(n=1), _track(n=2)])
    (tmp_path / "other.jsonl").write_text("ignored")
    got = [(f, n, r["properties"]["n"]) for f, n, r in iter_records(tmp_path)]
    assert got == [("logs_20240501.jsonl", 1, 1), ("logs_20240501.jsonl", 2, 2),
                   ("logs_20240502.jsonl.gz", 1, 3)]


def test_reader_names_the_bad_line(tmp_path):
    _write(tmp_path / "logs_20240501.jsonl", [_track()], raw=b"{oops\n")
    with pytest.raises(OutputReadError, match=r"logs_20240501\.jsonl:2: not valid JSON"):
        list(iter_records(tmp_path))


def test_check_output_reports_file_and_line(tmp_path):
    good = valid_records()
    for record in good:
        record["#time"] = "2024-05-01" + record["#time"][10:]
    _write(tmp_path / "logs_20240501.jsonl", good)
    _write(
        tmp_path / "logs_20240502.jsonl",
        [
            {**_track(level=1), "#time": "2024-05-02 09:00:00.000"},
            {**_track(level="x"), "#time": "2024-05-02 09:00:01.000"},
            {**_track(), "#time": "2024-05-03 00:00:00.000"},
        ],
        raw=b'\n{"#type":"track"}',
    )
    result = check_output(tmp_path, now=NOW)
    text = [str(i) for i in result.issues]
    assert result.files == 2 and result.records == len(good) + 4
    assert "logs_20240502.jsonl:2: event property 'level' changes type: first a number at " \
           "logs_20240502.jsonl:1, now a string ('x'); TE keeps the first type and drops the " \
           "rest" in text
    assert any(t.startswith("logs_20240502.jsonl:3: '#time' 2024-05-03 00:00:00.000 is not "
                            "on the file's day 2024-05-02") for t in text)
    assert "logs_20240502.jsonl:4: empty line" in text
    assert "logs_20240502.jsonl:5: the last line does not end with '\\n' (LogBus2 holds back " \
           "an unterminated line)" in text
    assert any(t.startswith("logs_20240502.jsonl:5: '#time' is missing") for t in text)
    assert not any(t.startswith("logs_20240501") for t in text), text
    assert not result.ok
    assert str(result).splitlines()[0].endswith("problems")


def test_check_output_caps_issues(tmp_path):
    _write(tmp_path / "logs_20240501.jsonl", [{"bad": i} for i in range(10)])
    result = check_output(tmp_path, now=NOW, max_issues=3)
    assert len(result.issues) == 3 and result.dropped > 0
    assert "more" in str(result)


def test_check_output_of_valid_records_is_clean(tmp_path):
    records = valid_records()
    for record in records:
        record["#time"] = "2024-05-01" + record["#time"][10:]
    _write(tmp_path / "logs_20240501.jsonl", records)
    result = check_output(tmp_path, now=NOW)
    assert result.ok, str(result)
    assert str(result) == f"1 files, {len(records)} records: no problems"

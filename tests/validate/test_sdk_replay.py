"""Records replayed through the official Python SDK come back unchanged."""

from __future__ import annotations

import pytest

from demogen.validate import check_record
from tests.validate.sample_records import valid_records
from tests.validate.sdk_replay import SdkRejected, replay_through_sdk


def _strip_time(record: dict) -> dict:
    return {k: v for k, v in record.items() if k != "#time"}


def test_valid_records_come_back_equal(tmp_path):
    records = valid_records()
    replayed = replay_through_sdk(records, tmp_path)
    assert len(replayed) == len(records)
    for original, back in zip(records, replayed, strict=True):
        if original["#type"] == "user_del":
            # The SDK's user_del takes no properties, so it stamps its own #time.
            assert _strip_time(back) == _strip_time(original)
        else:
            assert back == original
        # What the SDK writes also passes our own checks.
        assert check_record(back) == []


def test_sdk_keeps_zone_offset_and_our_lib_and_adds_its_own_otherwise(tmp_path):
    ours = {"#type": "track", "#time": "2024-05-01 10:00:00.000", "#distinct_id": "d",
            "#event_name": "tap",
            "properties": {"#lib": "Android", "#lib_version": "3.1.0", "#zone_offset": 9}}
    plain = {**ours, "properties": {"#zone_offset": -3.5}}
    back = replay_through_sdk([ours, plain], tmp_path)
    assert back == [ours, plain]


def test_rejections_are_collected_and_reported(tmp_path):
    good, *_ = valid_records()
    bad_add = {"#type": "user_add", "#time": "2024-05-01 10:00:00.000", "#account_id": "a",
               "properties": {"coins": "5"}}
    bad_key = {**good, "properties": {"my-prop": 1}}
    no_id = {k: v for k, v in good.items() if k not in ("#distinct_id", "#account_id")}
    with pytest.raises(SdkRejected) as info:
        replay_through_sdk([good, bad_add, bad_key, no_id], tmp_path)
    assert [i for i, _, _ in info.value.rejected] == [1, 2, 3]
    text = str(info.value)
    assert "user_add properties must be number type" in text
    assert "property key must be a valid variable name" in text
    assert "Distinct_id and account_id must be set at least one" in text


def test_the_sdk_lets_through_what_check_record_catches(tmp_path):
    """Strict mode is narrow: these reach the log file, and only check_record objects."""
    base = {"#type": "track", "#time": "2024-05-01 10:00:00.000", "#distinct_id": "d",
            "#event_name": "tap"}
    lenient = [
        {**base, "properties": {"#bogus": 1}},  # any '#name' passes the SDK's key regex
        {**base, "#uuid": "not-a-uuid", "properties": {}},
        {**base, "properties": {"ids": [1, 2]}},  # number lists
        {**base, "properties": {"n": 1e14}},  # beyond ±1e13
        {**base, "properties": {"s": "x" * 3000}},  # beyond 2 KB
        {**base, "#event_name": "buy now", "properties": {}},  # event names are not checked
        {**base, "properties": {"Level": 1, "level": 2}},  # case-insensitive clash
        {"#type": "user_add", "#time": "2024-05-01 10:00:00.000", "#account_id": "a",
         "properties": {"coins": True}},  # bool is an int to the SDK
    ]
    back = replay_through_sdk(lenient, tmp_path)
    assert back == lenient
    assert all(check_record(record) for record in lenient)

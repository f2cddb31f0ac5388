"""Hand-made valid records, one or more per ``#type``, shared by the validate tests."""

from __future__ import annotations

import copy
from typing import Any

UUID = "8ad4ae92-a165-4092-b6e7-7c7b7da5b504"

_VALID: list[dict[str, Any]] = [
    {
        "#type": "track", "#time": "2024-05-01 12:30:45.123", "#distinct_id": "dev-1",
        "#account_id": "acc-1", "#event_name": "purchase", "#uuid": UUID, "#ip": "203.0.113.9",
        "properties": {
            "#zone_offset": 8, "#os": "Android", "#screen_width": 1080, "#simulator": False,
            "#install_time": "2024-04-30 08:00:00.000", "channel": "organic", "amount": 9.99,
            "items": ["a", "b"], "vip": True, "name": "Zoë 한국", "first_at": "2024-05-01 00:00:00",
            "obj": {"k": 1, "when": "2024-05-01 00:00:00.000", "tags": ["x"]},
            "objs": [{"sku": "x", "qty": 2}, {"sku": "y", "qty": 1}],
            "big": 9_999_999_999_999, "neg": -0.5, "empty_text": "", "no_items": [],
        },
    },
    {
        "#type": "track", "#time": "2024-05-01 00:00:00.000", "#distinct_id": "dev-1",
        "#first_check_id": "dev-1", "#event_name": "first_open",
        "properties": {"#zone_offset": 5.5},
    },
    {
        "#type": "track_update", "#time": "2024-05-01 12:31:00.000", "#account_id": "acc-1",
        "#event_name": "order", "#event_id": "o-1", "properties": {"status": "paid"},
    },
    {
        "#type": "track_overwrite", "#time": "2024-05-01 12:32:00.000", "#account_id": "acc-1",
        "#event_name": "order", "#event_id": "o-1", "#app_id": "app-1",
        "properties": {"status": "refunded", "#zone_offset": -3},
    },
    {
        "#type": "user_set", "#time": "2024-05-01 12:30:45.123", "#distinct_id": "dev-1",
        "#account_id": "acc-1", "properties": {"level": 3, "nickname": "zoe"},
    },
    {
        "#type": "user_setOnce", "#time": "2024-05-01 12:30:45.123", "#account_id": "acc-1",
        "properties": {"first_login": "2024-05-01 12:30:45.123"},
    },
    {
        "#type": "user_add", "#time": "2024-05-01 12:30:46.000", "#account_id": "acc-1",
        "properties": {"coins": 5, "total_spent": 9.99, "lives": -1},
    },
    {
        "#type": "user_append", "#time": "2024-05-01 12:30:46.000", "#account_id": "acc-1",
        "properties": {"badges": ["starter"]},
    },
    {
        "#type": "user_uniq_append", "#time": "2024-05-01 12:30:46.000", "#account_id": "acc-1",
        "properties": {"badges": ["starter", "buyer"]},
    },
    {
        "#type": "user_unset", "#time": "2024-05-01 12:30:47.000", "#account_id": "acc-1",
        "properties": {"nickname": 0},
    },
    {
        "#type": "user_del", "#time": "2024-05-01 12:30:48.000", "#distinct_id": "dev-9",
        "properties": {},
    },
]


def valid_records() -> list[dict[str, Any]]:
    """Fresh deep copies, so a test may change them."""
    return copy.deepcopy(_VALID)

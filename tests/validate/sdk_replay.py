"""Replay records through the official Python SDK (``thinkingdatasdk`` 3.0.0, ``tgasdk``).

``replay_through_sdk(records, tmp_dir)`` calls the SDK verb that matches each record's
``#type`` on a strict ``TDAnalytics`` with a ``TDLogConsumer`` writing into ``tmp_dir``, then
reads the SDK's log back. What comes back is what the SDK would have sent for the same call,
so a test can assert ``replayed == records``. The SDK adds ``#lib``/``#lib_version`` to
``track*`` records; they are stripped unless the input record had them. ``#zone_offset``
stays in ``properties`` as given (the Python SDK neither adds nor removes it).

Strict mode raises on: no id, empty event name, missing event_id/first_check_id, a
property name not matching ``^[#a-zA-Z][a-zA-Z0-9_]{0,49}$``, a non-numeric ``user_add``
value. Every rejected record is collected and reported in one :class:`SdkRejected`.

Import it from other test folders with ``from tests.validate.sdk_replay import
replay_through_sdk`` (works under ``python -m pytest`` from the repository root).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from tgasdk.sdk import TDAnalytics, TDException, TDLogConsumer

__all__ = ["SdkRejected", "replay_through_sdk"]

#: Header keys the SDK moves from ``properties`` to the top level (format doc §1).
_MOVED_BY_SDK = ("#ip", "#app_id", "#uuid")
_SDK_ADDED = ("#lib", "#lib_version")
_TRACK_TYPES = {"track", "track_update", "track_overwrite"}


class SdkRejected(AssertionError):
    """The SDK refused some records; ``rejected`` holds (index, record, error) triples."""

    def __init__(self, rejected: list[tuple[int, Mapping[str, Any], BaseException]]) -> None:
        self.rejected = rejected
        lines = [f"the SDK rejected {len(rejected)} record(s):"]
        lines += [
            f"  #{i}: {type(err).__name__}: {err} -- {json.dumps(rec, ensure_ascii=False)[:300]}"
            for i, rec, err in rejected
        ]
        super().__init__("\n".join(lines))


def _sdk_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%d %H:%M:%S.%f")


def _call(sdk: TDAnalytics, record: Mapping[str, Any]) -> None:
    rtype = record["#type"]
    distinct_id = record.get("#distinct_id")
    account_id = record.get("#account_id")
    props: dict[str, Any] = dict(record.get("properties") or {})
    # The SDK takes #time from properties (a datetime) and moves #ip/#app_id/#uuid up.
    props["#time"] = _sdk_time(record["#time"])
    for key in _MOVED_BY_SDK:
        if key in record:
            props[key] = record[key]
    ids = {"distinct_id": distinct_id, "account_id": account_id}
    if rtype == "track":
        if "#first_check_id" in record:
            sdk.track_first(**ids, event_name=record.get("#event_name"),
                            first_check_id=record["#first_check_id"], properties=props)
        else:
            sdk.track(**ids, event_name=record.get("#event_name"), properties=props)
    elif rtype in ("track_update", "track_overwrite"):
        getattr(sdk, rtype)(**ids, event_name=record.get("#event_name"),
                            event_id=record.get("#event_id"), properties=props)
    elif rtype in ("user_set", "user_setOnce", "user_add", "user_append", "user_uniq_append"):
        getattr(sdk, rtype)(**ids, properties=props)
    elif rtype == "user_unset":
        # The documented call passes a list of names (sent as {name: 0}); a list cannot carry
        # #time, so pass the dict form, which the SDK forwards unchanged.
        sdk.user_unset(**ids, properties=props)
    elif rtype == "user_del":
        # user_del takes no properties, so #time cannot be passed: the SDK stamps "now".
        sdk.user_del(**ids)
    else:
        raise TDException(f"no SDK verb for #type {rtype!r}")


def replay_through_sdk(
    records: Iterable[Mapping[str, Any]], tmp_dir: str | os.PathLike[str]
) -> list[dict[str, Any]]:
    """Records → strict SDK calls → the SDK's log file → parsed records.

    Raises :class:`SdkRejected` listing every record the SDK refused (the others are still
    written, so nothing is silently lost). ``user_del`` records come back with the SDK's
    own ``#time`` (the SDK offers no way to pass one); compare them without ``#time``.
    """
    log_dir = Path(tmp_dir) / "sdk-log"
    log_dir.mkdir(parents=True, exist_ok=True)
    consumer = TDLogConsumer(str(log_dir), buffer_size=1000, file_prefix="replay")
    sdk = TDAnalytics(consumer, enable_uuid=False, strict=True)
    originals: list[Mapping[str, Any]] = []
    rejected: list[tuple[int, Mapping[str, Any], BaseException]] = []
    try:
        for index, record in enumerate(records):
            try:
                _call(sdk, record)
            except (TDException, KeyError, ValueError, TypeError) as exc:
                rejected.append((index, record, exc))
            else:
                originals.append(record)
    finally:
        sdk.close()
    written: list[dict[str, Any]] = []
    # The SDK names its file after the wall clock (replay.log.YYYY-MM-DD); a replay that
    # crosses midnight writes two files, read in name order.
    for path in sorted(log_dir.glob("replay.log.*")):
        with open(path, encoding="utf-8") as f:
            written += [json.loads(line) for line in f if line.strip()]
    if rejected:
        raise SdkRejected(rejected)
    if len(written) != len(originals):
        raise AssertionError(f"the SDK wrote {len(written)} records for {len(originals)} calls")
    for original, out in zip(originals, written, strict=True):
        if out.get("#type") in _TRACK_TYPES:
            given = original.get("properties") or {}
            for key in _SDK_ADDED:
                if key not in given:
                    out["properties"].pop(key, None)
    return written

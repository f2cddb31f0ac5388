"""Record stamping: ThinkingData's time layout, canonical v4 UUIDs, day routing."""

from __future__ import annotations

import random
import uuid
from datetime import date

import orjson

from demogen.simulation._context import DeviceProfile, UserContext
from demogen.simulation.emitter import Emitter, new_uuid4
from demogen.vocab import RecordType


class ListSink:
    def __init__(self) -> None:
        self.lines: list[tuple[date, bytes]] = []

    def write(self, day: date, line: bytes) -> None:
        self.lines.append((day, line))


def _user(account: str | None = None) -> UserContext:
    device = DeviceProfile(distinct_id="d1", country="KR", zone_offset=9, ip="1.2.3.4",
                           locale="ko_KR", language="ko", currency="KRW")
    return UserContext(index=0, rnd=random.Random(1), device=device, account_id=account)


def test_uuid4_is_canonical() -> None:
    rnd = random.Random(3)
    for _ in range(200):
        text = new_uuid4(rnd.getrandbits(128))
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and str(parsed) == text
        assert parsed.variant == uuid.RFC_4122


def test_time_text_and_day_files() -> None:
    sink = ListSink()
    emitter = Emitter(sink, date(2026, 10, 1), days=3)
    assert emitter.time_text(0) == "2026-10-01 00:00:00.000"
    assert emitter.time_text(86_400 + 3661.5) == "2026-10-02 01:01:01.500"
    user = _user()
    clock = 2 * 86_400 + 59.999
    emitter.track(user, "login", clock, emitter.time_text(clock), {"#os": "iOS"}, {"a": 1})
    day, line = sink.lines[0]
    record = orjson.loads(line)
    assert day == date(2026, 10, 3)
    assert record["#time"] == "2026-10-03 00:00:59.999"
    assert list(record) == ["#type", "#time", "#distinct_id", "#event_name", "#uuid", "#ip",
                            "properties"]
    assert record["properties"] == {"#os": "iOS", "a": 1}


def test_user_records_carry_both_ids_once_logged_in() -> None:
    sink = ListSink()
    emitter = Emitter(sink, date(2026, 10, 1), days=1)
    emitter.user_update(_user("acc-1"), RecordType.USER_SET_ONCE, 10, "t", {"x": 1})
    record = orjson.loads(sink.lines[0][1])
    assert record["#type"] == "user_setOnce"
    assert record["#account_id"] == "acc-1" and record["#distinct_id"] == "d1"
    assert "#event_name" not in record and "#ip" not in record
    assert emitter.counts == {"user_setOnce": 1}

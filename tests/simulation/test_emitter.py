"""Record stamping: ThinkingData's time layout, canonical v4 UUIDs, day routing."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta

import orjson

from demogen.simulation._context import DeviceProfile, UserContext
from demogen.simulation.emitter import Emitter, new_uuid4
from demogen.simulation.naming import NameMap
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


# -- the spliced bytes are orjson.dumps of the record dict ------------------------------------


def _reference_line(kind: str, user: UserContext, time_text: str, app_id: str | None,
                    event: str | None = None, uuid_text: str = "", presets=None,
                    properties=None) -> bytes:
    """The record as a dict, serialised whole: what the emitter's bytes must equal."""
    record = {"#type": kind, "#time": time_text, "#distinct_id": user.device.distinct_id}
    if user.account_id is not None:
        record["#account_id"] = user.account_id
    if app_id is not None:
        record["#app_id"] = app_id
    if event is not None:
        record["#event_name"] = event
    record["#uuid"] = uuid_text
    if event is not None:
        record["#ip"] = user.device.ip
        record["properties"] = {**presets, **properties}
    else:
        record["properties"] = properties
    return orjson.dumps(record)


def _next_uuid(user: UserContext, seed: int) -> str:
    """Reseed the user's stream and return the ``#uuid`` the next record will carry."""
    user.rnd = random.Random(seed)
    return new_uuid4(random.Random(seed).getrandbits(128))


def test_records_are_byte_identical_to_dumping_the_record_dict() -> None:
    """Every branch of the splicing: ids with and without account and app id, renames,
    empty presets or properties, a property that overrides a preset, presets changed in
    place, a new user, a user who logs in, text that needs escaping."""
    names = NameMap(events={"Order Done": "order_done"}, properties={"Cart Size": "cart_size"})
    session = {"#os": "iOS", "#zone_offset": 9, "#app_version": "1.2.0"}
    cases = [
        ("login", session, {"a": 1, "b": "x"}),
        ("Order Done", session, {"Cart Size": 3, "note": 'say "hi"\n\u00e9'}),
        ("login", session, {}),
        ("login", {}, {"a": 1.5}),
        ("login", {}, {}),
        ("login", session, {"#zone_offset": 5.5, "z": None}),    # overrides a preset
        ("login", session, {"nested": {"k": [1, 2]}, "flag": True}),
    ]
    for app_id in (None, 'app"1'):
        sink = ListSink()
        emitter = Emitter(sink, date(2026, 10, 1), days=2, app_id=app_id, names=names)
        users = [_user(), _user("acc-7"), _user('quote"d')]
        users[2].device.distinct_id = "d\u00fc"
        expected = []
        for user in users:
            for seed, (event, presets, props) in enumerate(cases):
                presets = dict(presets)          # a new dict per "session"
                renamed = {names.properties.get(k, k): v for k, v in props.items()}
                text = emitter.time_text(3600.25)
                written = names.events.get(event, event)
                uuid_text = _next_uuid(user, seed)
                emitter.track(user, event, 3600.25, text, presets, props)
                expected.append(_reference_line("track", user, text, app_id, written,
                                                uuid_text, presets, renamed))
                presets["#network_type"] = "WIFI"       # changed in place: same dict
                uuid_text = _next_uuid(user, seed)
                emitter.track(user, event, 3600.25, text, presets, props)
                expected.append(_reference_line("track", user, text, app_id, written,
                                                uuid_text, presets, renamed))
                uuid_text = _next_uuid(user, seed)
                emitter.user_update(user, RecordType.USER_ADD, 3600.25, text, props)
                expected.append(_reference_line("user_add", user, text, app_id,
                                                uuid_text=uuid_text, properties=renamed))
            user.account_id = "later"                   # logs in: the ids change
            uuid_text = _next_uuid(user, 99)
            emitter.track(user, "login", 10.0, "t", session, {"a": 1})
            expected.append(_reference_line("track", user, "t", app_id, "login", uuid_text,
                                            session, {"a": 1}))
        assert [line for _, line in sink.lines] == expected
        assert emitter.counts == {"track": 45, "user_add": 21}


def test_time_text_matches_the_calendar() -> None:
    emitter = Emitter(ListSink(), date(2024, 2, 27), days=5)
    rnd = random.Random(9)
    clocks = [0.0, 0.0009, 59.9995, 3599.999, 3600.0, 86_399.999, 86_400.0, 2 * 86_400 + 0.5,
              *(rnd.random() * 5 * 86_400 for _ in range(2000))]
    for clock in clocks:
        millis = int(clock * 1000)
        when = datetime(2024, 2, 27) + timedelta(milliseconds=millis)
        assert emitter.time_text(clock) == when.strftime("%Y-%m-%d %H:%M:%S.") + \
            f"{millis % 1000:03d}"

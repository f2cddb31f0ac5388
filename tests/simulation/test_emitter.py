"""Record stamping: ThinkingData's time layout, canonical v4 UUIDs, day routing."""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, timedelta

import orjson

from demogen.analysis.naming import NameMap
from demogen.output import MemorySink
from demogen.simulation import emitter as emitter_module
from demogen.simulation._context import DeviceProfile, UserContext
from demogen.simulation.emitter import Emitter, uuid_texts
from demogen.vocab import RecordType


class ListSink:
    """A sink with ``write`` only: the emitter hands it one line at a time."""

    def __init__(self) -> None:
        self.lines: list[tuple[date, bytes]] = []

    def write(self, day: date, line: bytes) -> None:
        self.lines.append((day, line))


def _user(account: str | None = None, index: int = 0) -> UserContext:
    device = DeviceProfile(distinct_id="d1", country="KR", zone_offset=9, ip="1.2.3.4",
                           locale="ko_KR", language="ko", currency="KRW")
    return UserContext(index=index, rnd=random.Random(1), device=device, account_id=account)


class BlockSink(ListSink):
    """A sink that also takes a day's lines as one block."""

    def write_block(self, day: date, data: bytes, lines: int) -> None:
        block = data.split(b"\n")
        assert block[-1] == b"" and len(block) == lines + 1
        self.lines += [(day, line) for line in block[:-1]]


def test_uuids_are_canonical_version_4_and_keep_every_random_bit() -> None:
    rnd = random.Random(3)
    bits = [rnd.getrandbits(128) for _ in range(2000)] + [0, 2**128 - 1]
    texts = [t.decode() for t in uuid_texts(bits)]
    for text, number in zip(texts, bits, strict=True):
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and str(parsed) == text
        assert parsed.variant == uuid.RFC_4122
        # uuid.UUID(int=…, version=4) sets the same version and variant bits.
        assert parsed == uuid.UUID(int=number, version=4)
    assert uuid_texts(bits[:7]) + uuid_texts(bits[7:]) == uuid_texts(bits)     # any batches


def test_time_text_and_day_files() -> None:
    sink = ListSink()
    emitter = Emitter(sink, date(2026, 10, 1), days=3)
    assert emitter.time_text(0) == "2026-10-01 00:00:00.000"
    assert emitter.time_text(86_400 + 3661.5) == "2026-10-02 01:01:01.500"
    user = _user()
    clock = 2 * 86_400 + 59.999
    emitter.session(user, {"#os": "iOS"})
    emitter.track(user, "login", clock, emitter.time_text(clock), {"a": 1})
    assert sink.lines == []             # handed over in batches
    emitter.flush()
    day, line = sink.lines[0]
    record = orjson.loads(line)
    assert day == date(2026, 10, 3)
    assert record["#time"] == "2026-10-03 00:00:59.999"
    assert list(record) == ["#type", "#time", "#distinct_id", "#event_name", "#uuid", "#ip",
                            "properties"]
    assert record["properties"] == {"#os": "iOS", "a": 1}


def _emit_days(sink: object, clocks: list[float], sessions: int = 1) -> None:
    emitter = Emitter(sink, date(2026, 10, 1), days=3)   # type: ignore[arg-type]
    user = _user()
    n = 0
    for _ in range(sessions):
        emitter.session(user, {})
        for clock in clocks:
            emitter.track(user, "e", clock, emitter.time_text(clock), {"n": n})
            n += 1
    emitter.flush()
    emitter.flush()                 # nothing left: writes nothing


def _by_day(lines: list[tuple[date, bytes]]) -> dict[date, list[bytes]]:
    found: dict[date, list[bytes]] = {}
    for day, line in lines:
        found.setdefault(day, []).append(line)
    return found


def test_lines_reach_their_day_in_order_in_blocks_or_one_by_one() -> None:
    clocks = [10.0, 20.0, 86_400 + 5, 86_400 + 6, 30.0, 2 * 86_400, 86_400 + 7]
    blocks, single, memory = BlockSink(), ListSink(), MemorySink()
    for sink in (blocks, single, memory):
        _emit_days(sink, clocks)
    assert blocks.lines == single.lines
    by_day = _by_day(single.lines)
    assert memory.lines == by_day
    records = {day: [orjson.loads(line) for line in lines] for day, lines in by_day.items()}
    assert {day: [r["properties"]["n"] for r in day_records]
            for day, day_records in records.items()} == {
        date(2026, 10, 1): [0, 1, 4], date(2026, 10, 2): [2, 3, 6], date(2026, 10, 3): [5]}
    # Each record's UUID comes from the user's stream as the record is made.
    rnd = random.Random(1)
    uuids = {n: str(uuid.UUID(int=rnd.getrandbits(128), version=4)) for n in range(len(clocks))}
    assert all(r["#uuid"] == uuids[r["properties"]["n"]] for rs in records.values() for r in rs)


def test_batches_do_not_change_the_lines(monkeypatch) -> None:
    clocks = [10.0 * i for i in range(50)] + [86_400 + i for i in range(50)]
    whole, small = BlockSink(), BlockSink()
    _emit_days(whole, clocks, sessions=10)
    monkeypatch.setattr(emitter_module, "BATCH_RECORDS", 64)    # flushed every session
    _emit_days(small, clocks, sessions=10)
    assert _by_day(small.lines) == _by_day(whole.lines)
    assert len(small.lines) == 1000


def test_user_records_carry_both_ids_once_logged_in() -> None:
    sink = ListSink()
    emitter = Emitter(sink, date(2026, 10, 1), days=1)
    emitter.user_update(_user("acc-1"), RecordType.USER_SET_ONCE, 10, "t", {"x": 1})
    emitter.flush()
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


def _next_uuid(user: UserContext) -> str:
    """The ``#uuid`` the user's next record gets: 128 bits from the user's stream (peeked:
    the stream is left where it was)."""
    state = user.rnd.getstate()
    text = str(uuid.UUID(int=user.rnd.getrandbits(128), version=4))
    user.rnd.setstate(state)
    return text


def test_records_are_byte_identical_to_dumping_the_record_dict() -> None:
    """Every branch of the splicing: ids with and without account and app id, renames,
    empty presets or properties, a property that overrides a preset, presets changed
    after the session started, a new user, a user who logs in, text that needs escaping."""
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
        ("login", session, {"color": "#fff", "#zone": 1}),     # '"#' but no clash
        ("login", {"plain": 1, "#os": "iOS"}, {"plain": 2}),   # a preset without '#'
    ]
    for app_id in (None, 'app"1'):
        sink = MemorySink()
        emitter = Emitter(sink, date(2026, 10, 1), days=2, app_id=app_id, names=names)
        users = [_user(index=0), _user("acc-7", index=1), _user('quote"d', index=2)]
        users[2].device.distinct_id = "d\u00fc"
        expected = []
        for user in users:
            for event, presets, props in cases:
                presets = dict(presets)          # a new dict per session
                renamed = {names.properties.get(k, k): v for k, v in props.items()}
                text = emitter.time_text(3600.25)
                written = names.events.get(event, event)
                emitter.session(user, presets)
                expected.append(_reference_line("track", user, text, app_id, written,
                                                _next_uuid(user), presets, renamed))
                emitter.track(user, event, 3600.25, text, props)
                started = dict(presets)
                presets["#network_type"] = "WIFI"       # changed after: not this session's
                expected.append(_reference_line("track", user, text, app_id, written,
                                                _next_uuid(user), started, renamed))
                emitter.track(user, event, 3600.25, text, props)
                expected.append(_reference_line("user_add", user, text, app_id,
                                                uuid_text=_next_uuid(user),
                                                properties=renamed))
                emitter.user_update(user, RecordType.USER_ADD, 3600.25, text, props)
            user.account_id = "later"                   # logs in: the ids change
            emitter.session(user, session)
            expected.append(_reference_line("track", user, "t", app_id, "login",
                                            _next_uuid(user), session, {"a": 1}))
            emitter.track(user, "login", 10.0, "t", {"a": 1})
        emitter.flush()
        assert sink.lines[date(2026, 10, 1)] == expected
        assert emitter.counts == {"track": 57, "user_add": 27}


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

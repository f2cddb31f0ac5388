"""The SDK-shaped emitter: behaviour code calls ``track`` / ``user_update``; this builds
ThinkingData records (format doc §1, §14), serialises them and hands them to the output
sink for the record's local day.

This is the innermost loop of the generator (one call per record), so a record is not
built as a dict and serialised whole: the parts that do not change between records are
serialised once and kept as bytes — the ``#type``/``#time`` opening per record type, the
ids of the current user with ``#event_name`` per event, the ``#ip`` and preset block of
the current session (:meth:`Emitter.session`). A record is those bytes around the parts
that do change: the ``#time`` text, ``orjson.dumps`` of the custom properties and the
``#uuid``. The bytes are exactly what ``orjson.dumps`` of the record dict gives (same
keys, same order, same values); ``tests/simulation/test_emitter.py`` compares the two.

Records are not joined one by one: each day's parts wait in a batch of a few thousand
records. A record draws its ``#uuid`` 's 128 random bits from the user's stream when it
is made, as it always did, and keeps them in the ``#uuid`` 's place; a flush formats the
whole batch's UUIDs at once (:func:`uuid_texts`: formatting one UUID in Python costs
more than the rest of the record), joins the batch once and hands it to the sink, one
block per day. The measured gains are in docs/performance.md.
"""

from __future__ import annotations

from binascii import hexlify
from collections import Counter
from collections.abc import Iterable
from datetime import date, timedelta
from itertools import repeat
from typing import Any, Protocol

import numpy as np
import orjson

from demogen.analysis.naming import NameMap
from demogen.simulation._context import DeviceProfile, UserContext
from demogen.vocab import RecordType


class LineSink(Protocol):
    """Where records go: ``write`` takes one line (no newline). A sink may also offer
    ``write_block(day, data, lines)``: ``lines`` whole lines of one day, each ending in
    ``\\n``; the emitter then hands over a batch at a time."""

    def write(self, day: date, line: bytes) -> None: ...


#: ``MM:SS`` for every second of an hour and ``.mmm`` for every millisecond: ``#time`` is
#: then three lookups and two concatenations (see :meth:`Emitter.time_text`).
_MINUTE_SECOND = tuple(f"{s // 60:02d}:{s % 60:02d}" for s in range(3600))
_MILLIS = tuple(f".{ms:03d}" for ms in range(1000))
#: Records a batch holds before it is flushed (checked at each session start): about
#: 1 MiB, so its parts are still in the cache when the flush joins them (measured: 4,096
#: joined ~40 % slower per record; 256 spends more on the per-batch numpy calls).
BATCH_RECORDS = 1024
#: Every record is this many parts in its batch, its ``#uuid`` at this index (the random
#: bits until the flush, then the text).
_PARTS = 7
_UUID_AT = 3

_TRACK_OPEN = b'{"#type":"track","#time":"'
_dumps = orjson.dumps

#: One record for :meth:`Emitter.emit`: (event name or user record type, ``#time`` text,
#: properties, 128 random bits for its ``#uuid``).
Record = tuple[str, str, dict[str, Any], int]
_HASH = ord("#")    # an int: `in` on bytes is then one memchr


# -- #uuid ------------------------------------------------------------------------------------

#: Hex digit → the variant digit (``8``, ``9``, ``a`` or ``b``) it becomes, its top bits 10.
_VARIANT_DIGIT = np.zeros(256, np.uint8)
for _digit in b"0123456789abcdef":
    _VARIANT_DIGIT[_digit] = b"89ab"[int(chr(_digit), 16) & 3]
_VARIANT_DIGIT.flags.writeable = False


def uuid_texts(bits: list[int]) -> list[bytes]:
    """Canonical version-4 UUIDs (as ASCII bytes), one from each 128 random bits: the
    big-endian bits in hex, the version digit set to 4 and the variant's top bits to 10,
    dashes 8-4-4-4-12."""
    n = len(bits)
    raw = b"".join(map(int.to_bytes, bits, repeat(16), repeat("big")))
    digits = np.frombuffer(hexlify(raw), np.uint8).reshape(n, 32)
    text = np.empty((n, 36), np.uint8)
    text[:, (8, 13, 18, 23)] = ord("-")
    text[:, 0:8] = digits[:, 0:8]
    text[:, 9:13] = digits[:, 8:12]
    text[:, 14] = ord("4")                          # version 4
    text[:, 15:18] = digits[:, 13:16]
    text[:, 19] = _VARIANT_DIGIT[digits[:, 16]]     # RFC 4122 variant
    text[:, 20:23] = digits[:, 17:20]
    text[:, 24:36] = digits[:, 20:32]
    return text.view("S36").ravel().tolist()


class Emitter:
    """Stamps time, ids and presets on records and writes them to the day's file.

    Call :meth:`session` with the preset properties of a session before its ``track``
    records (the block is serialised there, once), :meth:`emit` with its records, and
    :meth:`flush` at the end: records reach the sink a batch at a time. ``#time`` texts
    are texts that :meth:`time_text` made.
    """

    def __init__(self, sink: LineSink, start: date, days: int, app_id: str | None = None,
                 names: NameMap | None = None):
        self._sink = sink
        self._write_block = getattr(sink, "write_block", None)
        self._dates = [start + timedelta(days=d) for d in range(days + 1)]
        #: ``yyyy-MM-dd HH:`` of every hour of the window (and of the day after it).
        self._hours = [f"{d.isoformat()} {h:02d}:" for d in self._dates for h in range(24)]
        self._app = b"" if app_id is None else b',"#app_id":' + _dumps(app_id)
        self._events = names.events if names else {}
        self._props = names.properties if names else {}
        self._records = 0                             # records made (tracks and user records)
        self._flushed = 0                             # of which handed to the sink
        self._updates: Counter[RecordType] = Counter()
        # The batch: per window day, the parts of its records (_PARTS each).
        self._batches: dict[int, list[bytes | int]] = {}
        self._day = -1                                # the day of _parts
        self._parts: list[bytes | int] = []
        # Serialised once, then reused (see the module docstring).
        self._event_parts: dict[str, bytes] = {}      # event → ',"#event_name":…,"#uuid":"'
        self._update_opens: dict[str, bytes] = {}     # kind → '{"#type":"user_set","#time":"'
        self._device: DeviceProfile | None = None     # the user whose ids are below
        self._account: str | None = None
        self._ids = b""                               # '","#distinct_id":…[,"#account_id":…]'
        self._update_head = b""                       # the same + ',"#uuid":"'
        self._heads: dict[str, bytes] = {}            # event → _ids + its event part
        self._presets: dict[str, Any] = {}            # the session's presets (a copy)
        self._ip: str | None = None                   # and the device's #ip
        self._preset_names: tuple[str, ...] = ()
        self._all_marked = True                       # every one of them starts with '#'
        self._ip_part = b""                           # '","#ip":…,"properties":'
        self._tail = b""                              # the same + '{<presets>,'
        self._tail_alone = b""                        # the same + '{<presets>}'

    @property
    def counts(self) -> Counter[str]:
        """Records written per ``#type``."""
        counts: Counter[str] = Counter()
        tracks = self._records - sum(self._updates.values())
        if tracks:
            counts[RecordType.TRACK.value] = tracks
        for kind, n in self._updates.items():
            counts[RecordType(kind).value] += n
        return counts

    def time_text(self, clock: float) -> str:
        """``yyyy-MM-dd HH:mm:ss.SSS`` for seconds since the window's first local midnight."""
        return self.time_texts((clock,))[0]

    def time_texts(self, clocks: Iterable[float]) -> list[str]:
        """:meth:`time_text` of each clock: one call per session rather than per event."""
        hours, minutes_seconds, millis = self._hours, _MINUTE_SECOND, _MILLIS
        texts = []
        for clock in clocks:
            ms = int(clock * 1000)
            texts.append(hours[ms // 3_600_000] + minutes_seconds[ms // 1000 % 3600]
                         + millis[ms % 1000])
        return texts

    def session(self, user: UserContext, presets: dict[str, Any]) -> None:
        """The preset properties of the ``track`` records that follow (the session's),
        serialised now with the device's ``#ip``: changing the dict later changes nothing."""
        if self._records - self._flushed >= BATCH_RECORDS:
            self.flush()
        if presets == self._presets and user.device.ip == self._ip:
            return      # the last session's block, bytes and all (same user, same network)
        self._presets, self._ip = dict(presets), user.device.ip
        names = tuple(presets)
        if names != self._preset_names:      # mostly the same names, session after session
            self._preset_names = names
            self._all_marked = all(name.startswith("#") for name in names)
        self._ip_part = head = b'","#ip":' + _dumps(user.device.ip) + b',"properties":'
        block = _dumps(presets)
        self._tail_alone = head + block
        self._tail = head + (block[:-1] + b"," if presets else b"{")

    def emit(self, user: UserContext, day: int, records: list[Record]) -> None:
        """Records of one user on one window day (a session's), in order: per ``track``
        record (event name, ``#time`` text, properties, 128 random bits for its
        ``#uuid``), per user record the same with its :class:`RecordType` for the name."""
        if user.device is not self._device or user.account_id is not self._account:
            self._identify(user)
        if day != self._day:
            self._to_day(day)
        if self._props:
            records = [(name, text, self._renamed(properties), bits)
                       for name, text, properties, bits in records]
        # One pass over a session's records: what it reads is bound once, here.
        parts, heads, presets = self._parts, self._heads, self._presets
        tail, tail_alone, marked = self._tail, self._tail_alone, self._all_marked
        dumps, track_open, hash_mark = _dumps, _TRACK_OPEN, _HASH
        for name, text, properties, bits in records:
            if type(name) is str:           # a track record (a RecordType is a str subclass)
                head = heads.get(name) or self._head(name)
                if not properties:
                    parts += (track_open, text.encode(), head, bits, tail_alone, b"", b"}\n")
                    continue
                body = dumps(properties)
                # A custom property named like a preset overrides it in place, as
                # {**presets, **props} does. Preset names start with '#', so without a '#'
                # in the text no name can clash: the (slower) exact test is mostly skipped.
                if (hash_mark in body or not marked) and not presets.keys().isdisjoint(properties):
                    parts += (track_open, text.encode(), head, bits, self._ip_part,
                              dumps({**presets, **properties}), b"}\n")
                else:   # the body's '{' is in the tail
                    parts += (track_open, text.encode(), head, bits, tail, body[1:], b"}\n")
            else:
                opening = self._update_opens.get(name) or self._update_open(name)
                parts += (opening, text.encode(), self._update_head, bits,
                          b'","properties":', dumps(properties), b"}\n")
                self._updates[name] += 1
        self._records += len(records)

    def track(self, user: UserContext, event: str, clock: float, time_text: str,
              properties: dict[str, Any]) -> None:
        """One ``track`` record (:meth:`emit` takes a session's at once)."""
        self.emit(user, int(clock // 86_400),
                  [(event, time_text, properties, user.rnd.getrandbits(128))])

    def user_update(self, user: UserContext, kind: RecordType, clock: float, time_text: str,
                    properties: dict[str, Any]) -> None:
        """One user record (``user_set`` …) of ``kind``."""
        self.emit(user, int(clock // 86_400),
                  [(kind, time_text, properties, user.rnd.getrandbits(128))])

    def flush(self) -> None:
        """Hand every record not yet written to the sink, one block per day."""
        batches = sorted(self._batches.items())
        self._batches.clear()
        self._day = -1
        self._flushed = self._records
        if not batches:
            return
        # One call for the whole batch: numpy's cost per call is that of ~300 UUIDs.
        uuids = uuid_texts([b for _, parts in batches for b in parts[_UUID_AT::_PARTS]])
        done = 0
        for day, parts in batches:
            lines = len(parts) // _PARTS
            parts[_UUID_AT::_PARTS] = uuids[done:done + lines]
            done += lines
            self._write(self._dates[day], b"".join(parts), lines)    # type: ignore[arg-type]

    # -- internals ----------------------------------------------------------------------------

    def _to_day(self, day: int) -> None:
        """Records of another window day follow: switch to that day's batch."""
        parts = self._batches.get(day)
        if parts is None:
            parts = self._batches[day] = []
        self._parts = parts
        self._day = day

    def _write(self, day: date, data: bytes, lines: int) -> None:
        if self._write_block is not None:
            self._write_block(day, data, lines)
            return
        write = self._sink.write
        for line in data[:-1].split(b"\n"):     # JSON text holds no raw newline
            write(day, line)

    def _identify(self, user: UserContext) -> None:
        """The ids of a new user, or of a user who just got an account id."""
        self._device, self._account = user.device, user.account_id
        # Starts with the quote that closes the #time text before it.
        ids = b'","#distinct_id":' + _dumps(user.device.distinct_id)
        if user.account_id is not None:
            ids += b',"#account_id":' + _dumps(user.account_id)
        self._ids = ids + self._app
        self._update_head = self._ids + b',"#uuid":"'
        self._heads = {}

    def _update_open(self, kind: RecordType) -> bytes:
        opening = self._update_opens[kind] = (
            b'{"#type":' + _dumps(RecordType(kind).value) + b',"#time":"')
        return opening

    def _head(self, event: str) -> bytes:
        """``_ids`` and ``,"#event_name":…,"#uuid":"`` of ``event`` (the latter kept per run)."""
        part = self._event_parts.get(event)
        if part is None:
            part = self._event_parts[event] = (
                b',"#event_name":' + _dumps(self._events.get(event, event)) + b',"#uuid":"')
        head = self._heads[event] = self._ids + part
        return head

    def _renamed(self, properties: dict[str, Any]) -> dict[str, Any]:
        """Plan names ThinkingData would reject, written as their snake_case renames."""
        renames = self._props
        if renames.keys().isdisjoint(properties):
            return properties
        return {renames.get(k, k): v for k, v in properties.items()}

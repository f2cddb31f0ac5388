"""The emitter alone: µs per record, spliced bytes vs one dict serialised whole.

    python benchmarks/emitter.py [--users 300] [--days 30] [--repeat 5]

Records the emitter calls of a small game run (same users, presets, properties and
``#uuid`` bits as the real thing), then replays them, with a sink that drops the lines,
through:

- ``DictEmitter``: the emitter as it was at commit f351080 (called the way the engine
  calls emitters now: a session's presets, then its records): each record built as a
  dict and serialised whole with ``orjson.dumps``, its ``#uuid`` formatted on its own,
  ``#time`` formatted with divmod and an f-string, one sink call per line;
- ``Emitter``: the current one (pre-serialised parts spliced around the properties,
  a session's records in one call, batches joined once with their ``#uuid`` s formatted
  together, one block per day and batch to the sink; ``#time`` a session at a time).

Both produce the same bytes (checked here, and in tests/simulation/test_emitter.py).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from binascii import hexlify
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import _spec

from demogen.simulation import emitter as emitter_module
from demogen.simulation import engine
from demogen.simulation.emitter import Emitter
from demogen.simulation.run import generate
from demogen.vocab import RecordType


def new_uuid4(bits: int) -> str:
    """A canonical version-4 UUID from 128 random bits (the emitter's way at f351080)."""
    bits = bits & ~((0xF000 << 64) | (0xC000 << 48)) | (0x4000 << 64) | (0x8000 << 48)
    h = hexlify(bits.to_bytes(16, "big"))
    return b"-".join((h[:8], h[8:12], h[12:16], h[16:20], h[20:])).decode()


class DictEmitter:
    """The emitter before the splicing, verbatim: the record as a dict, dumped whole."""

    def __init__(self, sink: Any, start: date, days: int, app_id: str | None = None,
                 names: Any = None) -> None:
        self._sink = sink
        self._presets: dict[str, Any] = {}
        self._dates = [start + timedelta(days=d) for d in range(days + 1)]
        self._date_text = [d.isoformat() for d in self._dates]
        self._app_id = app_id
        self._events = names.events if names else {}
        self._props = names.properties if names else {}
        self.counts: Counter[str] = Counter()

    def time_text(self, clock: float) -> str:
        millis = int(clock * 1000)
        day, ms = divmod(millis, 86_400_000)
        sec, ms = divmod(ms, 1000)
        minutes, sec = divmod(sec, 60)
        hours, minutes = divmod(minutes, 60)
        return f"{self._date_text[day]} {hours:02d}:{minutes:02d}:{sec:02d}.{ms:03d}"

    def _header(self, user: Any, kind: str, time_text: str) -> dict[str, Any]:
        record: dict[str, Any] = {"#type": kind, "#time": time_text,
                                  "#distinct_id": user.device.distinct_id}
        if user.account_id is not None:
            record["#account_id"] = user.account_id
        if self._app_id is not None:
            record["#app_id"] = self._app_id
        return record

    def session(self, user: Any, presets: dict[str, Any]) -> None:
        self._presets = presets

    def flush(self) -> None:
        pass

    def emit(self, user: Any, day: int, records: list[Any]) -> None:
        for name, text, properties, bits in records:
            if isinstance(name, RecordType):
                self.user_update(user, name, day * 86_400, text, properties, bits)
            else:
                self.track(user, name, day * 86_400, text, properties, bits)

    def track(self, user: Any, event: str, clock: float, time_text: str,
              properties: dict[str, Any], bits: int) -> None:
        record = self._header(user, RecordType.TRACK.value, time_text)
        record["#event_name"] = self._events.get(event, event)
        record["#uuid"] = new_uuid4(bits)
        record["#ip"] = user.device.ip
        record["properties"] = {**self._presets, **self._renamed(properties)}
        self._write(clock, record)

    def user_update(self, user: Any, kind: RecordType, clock: float, time_text: str,
                    properties: dict[str, Any], bits: int) -> None:
        record = self._header(user, kind.value, time_text)
        record["#uuid"] = new_uuid4(bits)
        record["properties"] = self._renamed(properties)
        self._write(clock, record)

    def _renamed(self, properties: dict[str, Any]) -> dict[str, Any]:
        renames = self._props
        if not renames or not any(k in renames for k in properties):
            return properties
        return {renames.get(k, k): v for k, v in properties.items()}

    def _write(self, clock: float, record: dict[str, Any]) -> None:
        self.counts[record["#type"]] += 1
        self._sink.write(self._dates[int(clock // 86_400)], orjson.dumps(record))


class ListSink:
    """Every line, per day (the emitters hand days over in different orders)."""

    def __init__(self) -> None:
        self.lines: dict[date, list[bytes]] = {}

    def write(self, day: date, line: bytes) -> None:
        self.lines.setdefault(day, []).append(line)


class NullSink:
    def write(self, day: date, line: bytes) -> None:
        pass

    def write_block(self, day: date, data: bytes, lines: int) -> None:
        pass




def record_calls(users: int, days: int) -> tuple[list[tuple[Any, ...]], list[list[float]], Any]:
    """The emitter calls of a real run (sessions' presets, records), and each session's
    clocks."""
    calls: list[tuple[Any, ...]] = []
    clocks: list[list[float]] = []

    class Recording(Emitter):
        def session(self, user, presets):  # type: ignore[no-untyped-def]
            calls.append(("session", user, user.account_id, dict(presets)))
            super().session(user, presets)

        def emit(self, user, day, records):  # type: ignore[no-untyped-def]
            calls.append(("emit", user, user.account_id, day,
                          [(name, text, dict(props), bits)
                           for name, text, props, bits in records]))
            super().emit(user, day, records)

        def time_texts(self, session_clocks):  # type: ignore[no-untyped-def]
            clocks.append(list(session_clocks))
            return super().time_texts(session_clocks)

    spec = _spec("examples/game", users, days)
    engine.Emitter = Recording  # type: ignore[misc]
    try:
        generate(spec.taxonomy, spec.rules, spec.product, spec.config, NullSink())
    finally:
        engine.Emitter = emitter_module.Emitter  # type: ignore[misc]
    return calls, clocks, spec.config


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=300)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    calls, clocks, config = record_calls(args.users, args.days)
    # The recorded calls are ~10⁶ objects the real run does not have: keep the garbage
    # collector from scanning them again and again while the emitters run.
    gc.freeze()
    users = {id(call[1]) for call in calls}
    records = sum(len(call[4]) for call in calls if call[0] == "emit")
    texts = sum(len(session_clocks) for session_clocks in clocks)

    def fresh(kind: type, sink: Any) -> Any:
        return kind(sink, config.start, config.days)

    def run(kind: type, sink: Any) -> float:
        """CPU seconds per record to emit every call."""
        emitter = fresh(kind, sink)
        session, emit = emitter.session, emitter.emit
        began = time.process_time()
        for call in calls:
            user = call[1]
            user.account_id = call[2]
            if call[0] == "emit":
                emit(user, call[3], call[4])
            else:
                session(user, call[3])
        emitter.flush()
        return (time.process_time() - began) / records

    same = ListSink(), ListSink()
    run(DictEmitter, same[0])
    run(Emitter, same[1])
    assert same[0].lines == same[1].lines, "the two emitters wrote different bytes"
    results: dict[str, list[float]] = {"dict": [], "spliced": [], "time_dict": [],
                                       "time_spliced": []}
    for _ in range(args.repeat):
        results["dict"].append(run(DictEmitter, NullSink()))
        results["spliced"].append(run(Emitter, NullSink()))
        time_text = fresh(DictEmitter, NullSink()).time_text
        began = time.process_time()
        for session_clocks in clocks:
            for clock in session_clocks:
                time_text(clock)
        results["time_dict"].append((time.process_time() - began) / texts)
        time_texts = fresh(Emitter, NullSink()).time_texts
        began = time.process_time()
        for session_clocks in clocks:
            time_texts(session_clocks)
        results["time_spliced"].append((time.process_time() - began) / texts)
    med = {k: statistics.median(v) * 1e6 for k, v in results.items()}
    print(f"{records:,} records ({len(users):,} users), medians of {args.repeat}, "
          "same bytes: yes")
    print("| | dict + orjson.dumps | spliced bytes | ratio |")
    print("| --- | --- | --- | --- |")
    print(f"| record (µs) | {med['dict']:.2f} | {med['spliced']:.2f} | "
          f"{med['dict'] / med['spliced']:.2f}× |")
    print(f"| #time (µs) | {med['time_dict']:.2f} | {med['time_spliced']:.2f} | "
          f"{med['time_dict'] / med['time_spliced']:.2f}× |")


if __name__ == "__main__":
    main()

"""A number's own range on one event (Rules value_ranges ``property@event``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from demogen.analysis.rules import NumberRange, Rules
from demogen.validate.coherence import CoherenceInput
from demogen.validate.coherence._event_ranges import EventRangesChecker
from tests.validate.coherence.checking import findings


def _write(folder: Path, records: list[dict[str, Any]]) -> Path:
    folder.mkdir()
    (folder / "logs_20240501.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n"
                                                          for r in records))
    return folder


def _event(event: str, **props: Any) -> dict[str, Any]:
    return {"#type": "track", "#time": "2024-05-01 10:00:00.000", "#distinct_id": "u1",
            "#event_name": event, "properties": props}


def test_hearts_left_on_a_fail_out_of_hearts_is_reported(tmp_path: Path) -> None:
    """Lingobit's lesson_fail ("the user ran out of hearts") showed hearts left (151 of 402
    fails, 1,000 x 30 seed 3): the fail's own range (0-0) holds there, not elsewhere."""
    rules = Rules(value_ranges={"hearts_left@lesson_fail": NumberRange(min=0, max=0)})
    records = [_event("lesson_start", hearts_left=3), _event("lesson_fail", hearts_left=0),
               _event("lesson_fail", hearts_left=2)]

    problems = findings(_write(tmp_path / "o", records), EventRangesChecker,
                        CoherenceInput(rules))

    assert len(problems) == 1, problems
    assert "hearts_left 2 on lesson_fail outside 0-0" in problems[0]

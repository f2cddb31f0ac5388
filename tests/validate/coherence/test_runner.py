"""The coherence runner: every record once, in file order, to every active checker."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import orjson

from demogen.analysis.rules import Rules
from demogen.validate.coherence import Checker, CoherenceInput, Where, check_coherence
from demogen.validate.coherence._base import Report


class _NegativeLevels(Checker):
    name = "test_levels"
    description = "levels are not negative"

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        self.seen: list[tuple[str, int]] = []

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        self.seen.append((where.file, where.line))
        if record.get("properties", {}).get("level", 0) < 0:
            report(where, "level below 0")

    def finish(self, report: Report) -> None:
        report(None, f"{len(self.seen)} records")


class _Idle(Checker):
    name = "test_idle"
    description = "never active"

    @property
    def active(self) -> bool:
        return False

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        raise AssertionError("an inactive checker reads no record")

    def notes(self) -> list[str]:
        return ["nothing to check"]


def _day(folder: Path, name: str, levels: list[int]) -> Path:
    path = folder / name
    lines = [orjson.dumps({"#type": "track", "properties": {"level": n}}) for n in levels]
    path.write_bytes(b"\n".join(lines[:1]) + b"\n\n" + b"\n".join(lines[1:]) + b"\n")
    return path


def test_records_reach_checkers_in_file_order_with_their_lines(tmp_path: Path) -> None:
    files = [_day(tmp_path, "logs_20240501.jsonl", [1, -2]),
             _day(tmp_path, "logs_20240502.jsonl", [3, -4, 5])]

    result = check_coherence(files, CoherenceInput(Rules()), [_NegativeLevels, _Idle])

    found = result.findings["test_levels"]
    assert found.count == 3
    assert [(i.file, i.line, i.message) for i in found.examples] == [
        ("logs_20240501.jsonl", 3, "level below 0"),
        ("logs_20240502.jsonl", 3, "level below 0"),
        ("", None, "5 records"),
    ]
    assert "test_idle" not in result.findings
    assert result.notes == ["test_idle: nothing to check"]

"""Clean generator output for the validate, report and CLI tests, made once per session.

``saas_run``: ``examples/saas`` (60 users, 5 days from 2026-11-01, seed 3) with a small rules
overlay, so the output holds a property constraint (``plan_tier`` by ``user_role``) and
counters (``tasks_completed``/``projects_created`` incremented by their events) to break.
``game_run``: ``examples/game``, which has an install event (``app_install``).

Import the fixtures into a test module to use them (``from tests.validate.generated import
saas_run``). :class:`Output` loads a folder's records so a test can break one thing and write
a copy.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner

from demogen.analysis.rules import Rules
from demogen.cli._app import app

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

OVERLAY = """\
property_constraints:
  plan_tier:
    depends_on: [user_role]
    mapping:
      guest: [free]
      member: [free, trial]
update_patterns:
  task_completed:
    tasks_completed: {type: increment, value: 1}
  project_created:
    projects_created: {type: increment, value: 1}
"""


@dataclass(frozen=True)
class Run:
    """A generated output: its folder, the taxonomy, the rules file and the rules."""

    out: Path
    taxonomy: Path
    rules_path: Path
    overlay: Path | None
    cache: Path
    rules: Rules


def _generate(base: Path, example: str, users: int, days: int, overlay: str | None) -> Run:
    runner = CliRunner()
    cache = base / "cache"
    taxonomy = EXAMPLES / example
    extra: list[str] = []
    overlay_path = None
    if overlay is not None:
        overlay_path = base / "overlay.yaml"
        overlay_path.write_text(overlay, encoding="utf-8")
        extra = ["--rules", str(overlay_path)]
    common = ["--cache-dir", str(cache), "-q", *extra]
    out = base / "out"
    result = runner.invoke(app, ["generate", str(taxonomy), "-o", str(out), "--users",
                                 str(users), "--days", str(days), "--start", "2026-11-01",
                                 "--seed", "3", *common])
    assert result.exit_code == 0, result.output
    rules_path = base / "rules.yaml"
    result = runner.invoke(app, ["analyze", str(taxonomy), "-o", str(rules_path), *common])
    assert result.exit_code == 0, result.output
    return Run(out, taxonomy, rules_path, overlay_path, cache, Rules.load(rules_path))


@pytest.fixture(scope="session")
def saas_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _generate(tmp_path_factory.mktemp("saas"), "saas", 60, 5, OVERLAY)


@pytest.fixture(scope="session")
def game_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _generate(tmp_path_factory.mktemp("game"), "game", 40, 3, None)


class Output:
    """The records of an output folder, by file, to change and write back as a copy."""

    def __init__(self, folder: Path):
        self.files: dict[str, list[dict[str, Any]]] = {}
        for path in sorted(folder.glob("logs_*.jsonl")):
            self.files[path.name] = [
                orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()
            ]

    def copy(self) -> Output:
        return copy.deepcopy(self)

    def records(self):
        for name, records in self.files.items():
            for index, record in enumerate(records):
                yield name, index, record

    def find(self, test: Callable[[dict[str, Any]], bool], *, skip: int = 0
             ) -> tuple[str, int, dict[str, Any]]:
        for name, index, record in self.records():
            if test(record):
                if skip == 0:
                    return name, index, record
                skip -= 1
        raise LookupError("no record matches")

    def user_records(self, uid: str) -> list[tuple[str, int, dict[str, Any]]]:
        return [(n, i, r) for n, i, r in self.records() if r.get("#distinct_id") == uid]

    def write(self, folder: Path, *, blank_before: tuple[str, int] | None = None) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name, records in self.files.items():
            lines = [orjson.dumps(r) + b"\n" for r in records]
            if blank_before and blank_before[0] == name:
                lines.insert(blank_before[1], b"\n")
            (folder / name).write_bytes(b"".join(lines))
        return folder


def event(name: str) -> Callable[[dict[str, Any]], bool]:
    return lambda r: r.get("#type") == "track" and r.get("#event_name") == name


def shifted(stamp: str, millis: int) -> str:
    """``#time`` plus ``millis`` milliseconds (same layout)."""
    from datetime import datetime, timedelta

    moment = datetime.strptime(stamp, "%Y-%m-%d %H:%M:%S.%f") + timedelta(milliseconds=millis)
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f")[:-3]

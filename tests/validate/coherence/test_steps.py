"""validate steps: a level before/after pair that is not one step from where the thing's
last step ended is a finding.

The Chinese SLG workbook (tests/data/unseen/build_zh_slg.py): ``building_upgrade_start``
shows ``building_id``, ``from_level`` and ``to_level``; ``building_upgrade_finish`` shows
``building_id`` and ``to_level`` alone. Each test breaks one record of a clean output.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from demogen.validate.coherence._steps import StepsChecker
from tests.data.unseen.build_zh_slg import write_zh_slg
from tests.simulation.generated_outputs import generate
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output

START, FINISH = "building_upgrade_start", "building_upgrade_finish"


@pytest.fixture(scope="module")
def slg(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scratch = tmp_path_factory.mktemp("steps")
    return generate(write_zh_slg(scratch / "plan"), scratch / "out", users=120, days=5,
                    seed=3).out


def _second_step() -> Callable[[dict[str, Any]], bool]:
    """A test for the first start of a building the user started before."""
    seen: set[tuple[Any, Any]] = set()

    def test(record: dict[str, Any]) -> bool:
        if record.get("#event_name") != START:
            return False
        key = (record["#distinct_id"], record["properties"]["building_id"])
        again = key in seen
        seen.add(key)
        return again

    return test


def _broken(slg: Path, tmp_path: Path, test: Callable[[dict[str, Any]], bool],
            change: Callable[[dict[str, Any]], None]) -> tuple[str, list[str]]:
    output = Output(slg).copy()
    name, index, record = output.find(test)
    change(record["properties"])
    return f"{name}:{index + 1}:", findings(output.write(tmp_path / "broken"), StepsChecker, slg)


def test_a_clean_output_passes(slg: Path) -> None:
    starts = sum(r.get("#event_name") == START for _, _, r in Output(slg).records())
    assert starts >= 20
    assert findings(slg, StepsChecker, slg) == []


def test_a_step_of_two_levels_is_reported(slg: Path, tmp_path: Path) -> None:
    def two(props: dict[str, Any]) -> None:
        props["to_level"] = props["from_level"] + 2

    at, found = _broken(slg, tmp_path, lambda r: r.get("#event_name") == START, two)
    assert [f for f in found if f.startswith(at)] != [], found
    assert "is not one step" in next(f for f in found if f.startswith(at))


def test_a_step_not_from_the_last_level_is_reported(slg: Path, tmp_path: Path) -> None:
    """One step (to = from + 1), but from a level the building had not reached."""
    def skip(props: dict[str, Any]) -> None:
        props["from_level"] += 3
        props["to_level"] += 3

    at, found = _broken(slg, tmp_path, _second_step(), skip)
    mine = [f for f in found if f.startswith(at)]
    assert len(mine) == 1 and "whose last step reached" in mine[0], found


def test_a_finish_at_another_level_is_reported(slg: Path, tmp_path: Path) -> None:
    def other(props: dict[str, Any]) -> None:
        props["to_level"] += 5

    at, found = _broken(slg, tmp_path, lambda r: r.get("#event_name") == FINISH, other)
    mine = [f for f in found if f.startswith(at)]
    assert len(mine) == 1 and "whose last step reached" in mine[0], found

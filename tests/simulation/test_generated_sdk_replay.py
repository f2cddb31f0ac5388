"""Generated records go through the official ThinkingData SDK (strict mode) unchanged.

A sample of a few hundred records of each shared run, holding every ``#type`` the run
wrote, is replayed with ``replay_through_sdk``: the SDK must reject nothing and write back
exactly the records it was given.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from demogen.validate import iter_records
from tests.simulation.generated_outputs import Generated, source_params
from tests.validate.sdk_replay import replay_through_sdk

SAMPLE = 300
PER_TYPE = 40

#: (check, source id) → the generator bug that makes the SDK refuse the sample.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def sample_records(records: list[dict[str, Any]], seed: int = 0) -> list[dict[str, Any]]:
    """Up to ``PER_TYPE`` records of every ``#type``, then random others up to ``SAMPLE``,
    in file order."""
    rnd = random.Random(seed)
    by_type: dict[str, list[int]] = defaultdict(list)
    for i, record in enumerate(records):
        by_type[record["#type"]].append(i)
    chosen = {i for indices in by_type.values()
              for i in rnd.sample(indices, min(PER_TYPE, len(indices)))}
    rest = [i for i in range(len(records)) if i not in chosen]
    chosen |= set(rnd.sample(rest, max(0, min(SAMPLE - len(chosen), len(rest)))))
    return [records[i] for i in sorted(chosen)]


@pytest.mark.parametrize("source", source_params("sdk", KNOWN_BUGS))
def test_sdk_replays_a_sample_unchanged(small_output: Callable[[str], Generated], source: str,
                                       tmp_path: Path) -> None:
    records = [record for _, _, record in iter_records(small_output(source).out)]
    sample = sample_records(records)
    types = {r["#type"] for r in records}
    assert {r["#type"] for r in sample} == types
    assert len(sample) >= min(SAMPLE, len(records))
    replayed = replay_through_sdk(sample, tmp_path)
    mismatched = [(i, a, b) for i, (a, b) in enumerate(zip(sample, replayed, strict=True))
                  if a != b]
    assert not mismatched, (f"{len(mismatched)} record(s) changed by the SDK, first: "
                            f"{mismatched[0][1]} → {mismatched[0][2]}")

"""Fixtures of the upload tests: a fake receiver, a small generated output, and the check
every fault test ends with (nothing lost, duplicates only as copies of the same ``#uuid``)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from demogen.validate import iter_records
from tests.simulation.generated_outputs import EXAMPLES, generate
from tests.upload.fake_receiver import FakeReceiver

APPID = "test-appid-0001"


@pytest.fixture
def receiver() -> Iterator[FakeReceiver]:
    fake = FakeReceiver([APPID]).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def generated_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 users × 2 days of the game example (a few thousand records), made once."""
    out = tmp_path_factory.mktemp("upload") / "out"
    generate(EXAMPLES / "game", out, users=60, days=2, seed=3)
    return out


@pytest.fixture
def output(generated_output: Path, tmp_path: Path) -> Path:
    """A private copy: uploads write their checkpoint and manifest entry into it."""
    copy = tmp_path / "out"
    shutil.copytree(generated_output, copy)
    return copy


def output_records(out: Path) -> dict[str, Any]:
    return {r["#uuid"]: r for _, _, r in iter_records(out)}


def assert_complete(receiver: FakeReceiver, out: Path) -> None:
    """Every record of ``out`` stored at least once; everything stored is a copy of one."""
    expected = output_records(out)
    first: dict[str, bytes] = {}
    for record in receiver.stored:
        uid = record.get("#uuid")
        assert uid in expected, f"stored a record the output does not hold: {record}"
        assert record == expected[uid]
        copy = orjson.dumps(record)
        assert first.setdefault(uid, copy) == copy, "a duplicate differs from its first copy"
    missing = set(expected) - set(first)
    assert not missing, f"{len(missing)} of {len(expected)} records never stored"

"""Fixtures for the AI analyzer's tests: the plan, and fake providers the real SDKs call."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from demogen.taxonomy import LoadedTaxonomy, load_taxonomy
from tests.analysis.ai.fakes import FakeProvider, Kind, Step
from tests.data import SEED_PLAN

#: The test key: never a real one; the tests grep for it.
KEY = "test-key-4f1c9e0b7d2a"


@pytest.fixture(scope="module")
def plan() -> LoadedTaxonomy:
    """Stridewell (tests/data/seed_plan), a fitness app with 12 events."""
    return load_taxonomy(SEED_PLAN)


@pytest.fixture
def fake() -> Iterator[Callable[[Kind, list[Step]], FakeProvider]]:
    """``fake("openai", [Step(...), …])``: a started fake server, stopped after the test."""
    started: list[FakeProvider] = []

    def start(kind: Kind, script: list[Step]) -> FakeProvider:
        server = FakeProvider(kind, script).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)

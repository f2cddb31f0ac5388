"""Shared fixtures and hooks: the shared corpus (tests/corpus.py), a private analysis cache
per test, hypothesis' CI profile."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

from tests.corpus import (
    MARKER,
    REQUIRE_VARIABLE,
    SHARED,
    SKIP_REASON,
    corpus_present,
    corpus_required,
    missing_parts,
)
from tests.data.build_te_workbook import write_te_plan

# CI must give the same verdict on every run of a commit: there hypothesis draws the same
# examples each time (a failure found locally is replayed from its printed blob instead).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("DEMOGEN_CI"):
    settings.load_profile("ci")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", f"{MARKER}: reads the shared test corpus (../shared); "
                                       "skipped when it is absent")
    if corpus_required() and not corpus_present():
        missing = ", ".join(str(p) for p in missing_parts())
        raise pytest.UsageError(f"{REQUIRE_VARIABLE}=1 but the shared test corpus is missing "
                                f"({missing}): lay shared/ beside the clone")


def pytest_report_header(config: pytest.Config) -> str:
    state = "present" if corpus_present() else "absent, its tests are skipped"
    return f"shared test corpus: {SHARED} ({state})"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    skip = None if corpus_present() else pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if "shared_dir" in getattr(item, "fixturenames", ()):
            item.add_marker(MARKER)
        if skip is not None and item.get_closest_marker(MARKER) is not None:
            item.add_marker(skip)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int,
                            config: pytest.Config) -> None:
    """Say once, whatever the -r option, that corpus tests did not run and why."""
    skipped = [r for r in terminalreporter.stats.get("skipped", [])
               if SKIP_REASON in str(getattr(r, "longrepr", ""))]
    if skipped:
        terminalreporter.write_line(f"{len(skipped)} tests skipped: {SKIP_REASON}",
                                    yellow=True)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The corpus folder; tests asking for it are marked ``corpus`` (skipped without it)."""
    return SHARED


@pytest.fixture
def te_plan(tmp_path: Path) -> Path:
    """Jelly Harbor, the tests' ThinkingData-layout plan (tests/data), written for this test."""
    return write_te_plan(tmp_path / "te_plan")


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test reads or writes the user's real analysis cache."""
    monkeypatch.setenv("DEMOGEN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))
    # No test calls a real AI provider: keys and endpoints from the developer's environment
    # or a .env file are masked (set empty, so .env does not fill them either).
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY",
                 "ANTHROPIC_BASE_URL"):
        monkeypatch.setenv(name, "")


#: Size of the runs the coherence tests read: enough users for the rarer events (purchases,
#: VIP, returns) to occur a few dozen times on every plan.
COHERENCE_USERS = 300
COHERENCE_DAYS = 10


@pytest.fixture(scope="session")
def buyers_output(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """``buyers_output(source_id)``: 400 users × 3 days, seed 3, every user a spender (a
    custom segment): purchases, attempts and VIP steps in a short run, where a plan's few
    percent of payers leave a 300-user run with none or a couple."""
    from tests.simulation.generated_outputs import SPENDERS, output_factory

    return output_factory(tmp_path_factory, "buyers", users=400, days=3, seed=3,
                          config=SPENDERS)


@pytest.fixture(scope="session")
def coherence_output(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """``coherence_output(source_id)``: 300 users × 10 days, seed 3, generated on first use
    (source ids as in ``tests.simulation.generated_outputs.SOURCES``: ``game``,
    ``te_data_generator__idle-game-example`` …)."""
    from tests.simulation.generated_outputs import output_factory

    return output_factory(tmp_path_factory, "coherence", users=COHERENCE_USERS,
                          days=COHERENCE_DAYS, seed=3)

"""Shared fixtures: where ../shared lives, a private analysis cache per test."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import settings

# CI must give the same verdict on every run of a commit: there hypothesis draws the same
# examples each time (a failure found locally is replayed from its printed blob instead).
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("DEMOGEN_CI"):
    settings.load_profile("ci")

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
EXAMPLES = REPO / "examples"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"{SHARED} is missing: CI lays shared/ beside the clone")
    return SHARED


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test reads or writes the user's real analysis cache."""
    monkeypatch.setenv("DEMOGEN_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))

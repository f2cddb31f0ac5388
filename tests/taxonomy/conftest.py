"""Fixtures for the taxonomy reader tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.taxonomy.taxonomy_files import Sheets, write_files


@pytest.fixture
def make_files(tmp_path: Path) -> Callable[[dict], Path]:
    def make(files: dict[str, str | bytes | Sheets]) -> Path:
        write_files(tmp_path, files)
        return tmp_path
    return make


@pytest.fixture
def kr_xlsx(shared_dir: Path) -> Path:
    return shared_dir / "kr-xlsx"

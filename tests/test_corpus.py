"""The suite without the shared corpus: its tests are skipped with one reason, unless CI
requires the corpus (``DEMOGEN_REQUIRE_CORPUS=1``), which then stops the run.

Each case runs pytest in a copy of the suite's hooks (tests/conftest.py, tests/corpus.py,
tests/data) beside which there is no ``shared/``, on a small test module using each way a
test reads the corpus.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.corpus import PLACEHOLDER_ID, REQUIRE_VARIABLE, SKIP_REASON

TESTS = Path(__file__).resolve().parent

_MODULE = '''
import pytest
from tests.corpus import corpus, corpus_params, taxonomy_folders


def test_fixture(shared_dir):
    assert (shared_dir / "seed").is_dir()


@corpus
def test_marked():
    raise AssertionError("runs only with the corpus")


@pytest.mark.parametrize("plan", corpus_params(taxonomy_folders(), ids=lambda p: p.name))
def test_listed(plan):
    assert plan.is_dir()


def test_own():
    pass
'''


def _run(root: Path, *args: str, require: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != REQUIRE_VARIABLE}
    if require:
        env[REQUIRE_VARIABLE] = "1"
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          cwd=root / "clone", env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.fixture
def bare_clone(tmp_path: Path) -> Path:
    """``tmp_path/clone/tests`` with the suite's hooks and one corpus-reading module; no
    ``tmp_path/shared``."""
    tests = tmp_path / "clone" / "tests"
    tests.mkdir(parents=True)
    for name in ("__init__.py", "conftest.py", "corpus.py"):
        shutil.copy(TESTS / name, tests / name)
    shutil.copytree(TESTS / "data", tests / "data")
    shutil.copytree(TESTS / "taxonomy", tests / "taxonomy",        # the te_plan fixture's helper
                    ignore=shutil.ignore_patterns("test_*", "__pycache__"))
    (tests / "test_reads_corpus.py").write_text(_MODULE, encoding="utf-8")
    return tmp_path


def test_without_the_corpus_its_tests_are_skipped_with_one_reason(bare_clone: Path) -> None:
    run = _run(bare_clone, "-v")
    assert run.returncode == 0, run.stdout + run.stderr
    assert f"shared test corpus: {bare_clone / 'shared'} (absent" in run.stdout
    for test in ("test_fixture", "test_marked", f"test_listed[{PLACEHOLDER_ID}]"):
        assert f"test_reads_corpus.py::{test} SKIPPED" in run.stdout
    assert "test_reads_corpus.py::test_own PASSED" in run.stdout
    assert f"3 tests skipped: {SKIP_REASON}" in run.stdout
    assert "1 passed, 3 skipped" in run.stdout


def test_required_corpus_that_is_missing_stops_the_run(bare_clone: Path) -> None:
    run = _run(bare_clone, require=True)
    assert run.returncode == pytest.ExitCode.USAGE_ERROR
    assert (f"{REQUIRE_VARIABLE}=1 but the shared test corpus is missing "
            f"({bare_clone / 'shared' / 'taxonomies'}, ") in run.stderr
    assert "passed" not in run.stdout


def test_with_the_corpus_nothing_is_skipped_for_it(bare_clone: Path) -> None:
    shared = bare_clone / "shared"
    for part in ("seed", "kr-xlsx", "taxonomies/one_plan"):
        (shared / part).mkdir(parents=True)
    run = _run(bare_clone, "-v", "-k", "not marked", require=True)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "test_listed[one_plan] PASSED" in run.stdout
    assert "3 passed, 1 deselected" in run.stdout
    assert SKIP_REASON not in run.stdout

"""Session fixtures: generated outputs, made once and read by many tests.

The large KPI runs (2,000 users × 30 and 45 days per bundled example) are generated and
measured by a background process, one after another, as soon as collection shows that a
KPI test will run: they use the second core while the other tests run on the first.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.simulation.generated_outputs import (
    REPO,
    Generated,
    KpiRun,
    kpi_run_main,
    output_factory,
)

#: Size of the per-taxonomy runs the invariant tests read (small, so the suite stays fast).
SMALL_USERS = 150
SMALL_DAYS = 10
#: Marker of the KPI tests: ``@pytest.mark.kpi_window(days)``; the test's ``example``
#: parameter names the bundled example.
KPI_MARKER = "kpi_window"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{KPI_MARKER}(days): reads the 2,000-user run of its example over DAYS days")


@pytest.fixture(scope="session")
def small_output(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Generated]:
    """``small_output(source_id)``: 150 users × 10 days, seed 0, generated on first use."""
    return output_factory(tmp_path_factory, "small", users=SMALL_USERS, days=SMALL_DAYS, seed=0)


# -- the large KPI runs, in a background process ------------------------------------------------


def _scratch_root() -> Path:
    """RAM-backed scratch space when there is room (the game's 45-day run is ~2 GB)."""
    shm = Path("/dev/shm")
    if shm.is_dir() and os.access(shm, os.W_OK):
        stat = os.statvfs(shm)
        if stat.f_bavail * stat.f_frsize > 8 << 30:
            return Path(tempfile.mkdtemp(prefix="demogen-kpi-", dir=shm))
    return Path(tempfile.mkdtemp(prefix="demogen-kpi-"))


class KpiRuns:
    """Runs ``kpi_run_main`` for each (example, days) in a subprocess, in order."""

    def __init__(self, specs: list[tuple[str, int]]) -> None:
        self.root = _scratch_root()
        self.specs = specs
        self.done = {spec: threading.Event() for spec in specs}
        self.errors: dict[tuple[str, int], str] = {}
        self.results: dict[tuple[str, int], KpiRun] = {}
        self._process: subprocess.Popen[bytes] | None = None
        self._stopped = False
        self._thread = threading.Thread(target=self._work, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _work(self) -> None:
        env = {**os.environ, "DEMOGEN_CACHE_DIR": str(self.root / "cache")}
        for spec in self.specs:
            if self._stopped:
                break
            example, days = spec
            out = self.root / f"{example}-{days}d"
            command = [sys.executable, "-c", "import sys; from tests.simulation.generated_outputs"
                       " import kpi_run_main; kpi_run_main(*sys.argv[1:])",
                       example, str(days), str(out), str(out) + ".json"]
            self._process = subprocess.Popen(command, cwd=REPO, env=env,
                                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            output, _ = self._process.communicate()
            if self._process.returncode != 0:
                self.errors[spec] = output.decode(errors="replace")[-4000:]
            self.done[spec].set()
        for event in self.done.values():
            event.set()

    def get(self, example: str, days: int) -> KpiRun:
        spec = (example, days)
        if spec not in self.results:
            if spec not in self.done:      # not planned at collection: run it here
                out = self.root / f"{example}-{days}d"
                kpi_run_main(example, str(days), str(out), str(out) + ".json")
            else:
                self.done[spec].wait()
                if spec in self.errors:
                    pytest.fail(f"the {days}-day {example} run failed:\n{self.errors[spec]}")
            path = self.root / f"{example}-{days}d.json"
            self.results[spec] = KpiRun.from_json(path.read_bytes())
        return self.results[spec]

    def stop(self) -> None:
        self._stopped = True
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
        self._thread.join(timeout=30)
        shutil.rmtree(self.root, ignore_errors=True)


_RUNS = pytest.StashKey[KpiRuns]()


def pytest_collection_finish(session: pytest.Session) -> None:
    specs: list[tuple[str, int]] = []
    for item in session.items:
        marker = item.get_closest_marker(KPI_MARKER)
        params = getattr(getattr(item, "callspec", None), "params", {})
        if marker is not None and "example" in params:
            spec = (params["example"], int(marker.args[0]))
            if spec not in specs:
                specs.append(spec)
    if specs:
        runs = KpiRuns(specs)
        session.config.stash[_RUNS] = runs
        runs.start()


def pytest_sessionfinish(session: pytest.Session) -> None:
    runs = session.config.stash.get(_RUNS, None)
    if runs is not None:
        runs.stop()


@pytest.fixture
def kpi(request: pytest.FixtureRequest) -> KpiRun:
    """The measured large run of this test's ``example`` over its ``kpi_window`` days."""
    marker = request.node.get_closest_marker(KPI_MARKER)
    assert marker is not None, f"mark the test with @pytest.mark.{KPI_MARKER}(days)"
    runs = request.config.stash.get(_RUNS, None)
    if runs is None:
        runs = request.config.stash[_RUNS] = KpiRuns([])
    return runs.get(request.node.callspec.params["example"], int(marker.args[0]))

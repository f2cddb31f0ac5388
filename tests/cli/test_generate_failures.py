"""Outputs that can't be written, runs that fail or are interrupted, dates as typed:
one line, exit 2 before any work, and nothing left behind."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.simulation.generated_outputs import EXAMPLES, run_cli, window_start

START = window_start(2).isoformat()
SMALL = ["--users", "20", "--days", "2", "--start", START]


@pytest.fixture
def read_only_dir(tmp_path: Path) -> Iterator[Path]:
    """A folder no one may write into, root included: immutable where the file system
    allows it (chattr +i), else read-only for a user who isn't root."""
    folder = tmp_path / "locked"
    folder.mkdir()
    chattr = shutil.which("chattr")
    if chattr and subprocess.run([chattr, "+i", str(folder)], capture_output=True).returncode == 0:
        yield folder
        subprocess.run([chattr, "-i", str(folder)], check=True)
        return
    if os.geteuid() == 0:
        pytest.skip("root ignores permissions and chattr +i is not supported here")
    folder.chmod(0o555)
    yield folder
    folder.chmod(0o755)


def _one_line_error(result) -> str:  # type: ignore[no-untyped-def]
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, result.stderr
    return errors[0]


def test_generate_into_a_read_only_folder_exits_2_before_any_work(read_only_dir: Path) -> None:
    for target in (read_only_dir, read_only_dir / "new" / "out"):
        result = run_cli(["generate", EXAMPLES / "game", "-o", target, *SMALL])
        line = _one_line_error(result)
        assert "cannot write the output folder" in line and "-o" in line
        assert "simulating" not in result.stderr
    assert list(read_only_dir.iterdir()) == []


def test_report_to_a_read_only_folder_exits_2_before_computing(read_only_dir: Path,
                                                               tmp_path: Path) -> None:
    out = tmp_path / "out"
    assert run_cli(["generate", EXAMPLES / "game", "-o", out, *SMALL]).exit_code == 0
    result = run_cli(["report", out, "-o", read_only_dir / "r.html"])
    assert "cannot write the report file" in _one_line_error(result)
    result = run_cli(["report", out, "-o", tmp_path / "r.html", "--json", read_only_dir / "k"])
    assert "--json" in _one_line_error(result)
    assert not (tmp_path / "r.html").exists()


def test_an_unwritable_cache_exits_2_before_reading_the_plan(read_only_dir: Path,
                                                             tmp_path: Path) -> None:
    result = run_cli(["generate", EXAMPLES / "game", "-o", tmp_path / "out", *SMALL,
                      "--cache-dir", read_only_dir / "cache"])
    assert "cannot write the analysis cache" in _one_line_error(result)
    assert not (tmp_path / "out").exists()


def test_a_failed_run_leaves_no_output_folder(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "out"
    result = run_cli(["generate", EXAMPLES / "game", "-o", out, *SMALL, "--preset", "gaming"])
    line = _one_line_error(result)
    assert "unknown preset 'gaming' (--preset)" in line and "game" in line
    assert not (tmp_path / "a").exists()


def test_a_run_failing_midway_removes_the_folders_it_made(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch
                                                          ) -> None:
    """The folder exists and holds day files when the failure strikes (a full disk, say)."""
    from demogen.pipeline import _generate

    def fail_after_writing(*args, **kwargs):  # type: ignore[no-untyped-def]
        real(*args, **kwargs)
        assert list((tmp_path / "new" / "out").glob("logs_*.jsonl"))
        raise OSError(28, "No space left on device")

    real = _generate.run_parallel
    monkeypatch.setattr(_generate, "run_parallel", fail_after_writing)
    result = run_cli(["generate", EXAMPLES / "game", "-o", tmp_path / "new" / "out", *SMALL])
    assert result.exit_code != 0
    assert not (tmp_path / "new").exists()


def test_ctrl_c_leaves_nothing_behind(tmp_path: Path) -> None:
    out = tmp_path / "run" / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "demogen", "generate", str(EXAMPLES / "game"), "-o", str(out),
         "--users", "50000", "--days", "30", "--start", window_start(30).isoformat()],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "120"},
        start_new_session=True)
    deadline = time.monotonic() + 300     # a guard, not a timing test: a busy machine is slow
    try:
        while not list(out.glob(".logs_*")) and not list(out.glob("logs_*")):
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, "the run never started writing"
            time.sleep(0.1)
        # Ctrl-C in a terminal interrupts the whole foreground group, the shard workers
        # too (signalled alone, the main process waited for its workers' shards: over
        # 180 s of a 50,000-user run on a loaded machine).
        os.killpg(process.pid, signal.SIGINT)
        _, stderr = process.communicate(timeout=180)
    finally:
        if process.poll() is None:  # a failed guard must not leave the run going
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode != 0
    assert b"Traceback" not in stderr
    assert not (tmp_path / "run").exists()


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (its pool workers), read from /proc."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:         # ended while we looked
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="reads the pool's workers from /proc")
def test_sigint_to_the_main_process_alone_stops_its_workers(tmp_path: Path) -> None:
    """``kill -INT`` reaches the main process only: it terminates its workers' running
    shards instead of waiting for them (a 180-day shard of 500 users runs for minutes)."""
    out = tmp_path / "run" / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "demogen", "generate", str(EXAMPLES / "game"), "-o", str(out),
         "--users", "2000", "--days", "180", "--start", window_start(180).isoformat(),
         "--workers", "2"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "COLUMNS": "120"},
        start_new_session=True)     # its own group: killed whole below if the test fails
    try:
        deadline = time.monotonic() + 300     # a guard: a busy machine is slow to start
        while not list(out.glob(".parts/*")):     # the workers are writing their shards
            assert process.poll() is None, process.stderr.read()
            assert time.monotonic() < deadline, "the run never started writing"
            time.sleep(0.1)
        workers = _children(process.pid)
        assert workers
        os.kill(process.pid, signal.SIGINT)
        signalled = time.monotonic()
        _, stderr = process.communicate(timeout=120)
        # Generous for a loaded machine; waiting for the shards took minutes.
        assert time.monotonic() - signalled < 60
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130, stderr
    assert b"Traceback" not in stderr
    assert not [pid for pid in workers if Path(f"/proc/{pid}").exists()]
    assert not list(tmp_path.rglob("logs_*")) and not (tmp_path / "run").exists()


@pytest.mark.parametrize("text", ["2025-13-01", "01/06/2025", "yesterday"])
def test_a_start_that_is_not_a_date_says_how_to_write_it(tmp_path: Path, text: str) -> None:
    result = run_cli(["generate", EXAMPLES / "game", "-o", tmp_path / "out", "--start", text])
    line = _one_line_error(result)
    assert f"--start '{text}' is not a date; write it as YYYY-MM-DD" in line
    assert "%Y" not in result.output
    assert not (tmp_path / "out").exists()

"""``demogen live``: a few seconds at a high --speed into a file (as a subprocess stopped with
SIGTERM, then continued) and into the fake receiver; records valid, in time order, the same
whatever the pace."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import orjson
from typer.testing import CliRunner

from demogen.cli._app import app
from demogen.upload._live import live_records, shift_times
from demogen.validate._format import check_record
from tests.simulation.generated_outputs import EXAMPLES
from tests.upload.conftest import APPID
from tests.upload.fake_receiver import FakeReceiver

REPO = Path(__file__).resolve().parents[2]
SESSION = ["--users", "30", "--days", "2", "--seed", "5"]


def test_shift_times_moves_every_time_value() -> None:
    line = (b'{"#time":"2025-01-06 23:59:59.123","properties":{"first_login":'
            b'"2024-12-31 10:00:00","note":"2025-01-06","n":1}}')
    moved = orjson.loads(shift_times(line, 7))
    assert moved["#time"] == "2025-01-13 23:59:59.123"
    assert moved["properties"] == {"first_login": "2025-01-07 10:00:00",
                                   "note": "2025-01-06", "n": 1}


def _expected(state: Path) -> list[bytes]:
    saved = orjson.loads((state / "live.json").read_bytes())
    return [r.line for r in live_records(state / "run", saved["shift_days"])]


def _check_stream(lines: list[bytes], state: Path) -> None:
    saved = orjson.loads((state / "live.json").read_bytes())
    assert date.fromisoformat(saved["first_day"]) == date.today()
    records = list(live_records(state / "run", saved["shift_days"]))
    assert lines == [r.line for r in records][:len(lines)]
    instants = [r.instant_ms for r in records[:len(lines)]]
    assert instants == sorted(instants)                      # merged in time order
    for line in lines:
        record = orjson.loads(line)
        assert check_record(record) == [], record
        assert record["#time"][:10] >= saved["first_day"]    # stamped from today on


def test_file_sigterm_then_continue(tmp_path: Path) -> None:
    state, out = tmp_path / "state", tmp_path / "out"
    command = [sys.executable, "-m", "demogen", "live", str(EXAMPLES / "game"), *SESSION,
               "--state", str(state), "--to", "file", "-o", str(out), "--speed", "20000",
               "--cache-dir", str(tmp_path / "cache")]
    first = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while first.poll() is None and sum(p.stat().st_size for p in out.glob("*.jsonl")) < 200_000:
        assert time.monotonic() < deadline, "live wrote nothing"
        time.sleep(0.05)
    first.send_signal(signal.SIGTERM)
    _, stderr = first.communicate(timeout=60)
    assert first.returncode == 0, stderr
    assert "stopped" in stderr and "Traceback" not in stderr
    files = sorted(out.glob("logs_*.jsonl"))
    data = b"".join(p.read_bytes() for p in files)
    assert data.endswith(b"\n")                              # no partial line
    stopped_at = data.count(b"\n")
    assert orjson.loads((state / "live.json").read_bytes())["delivered"] == stopped_at
    total = len(_expected(state))
    assert 0 < stopped_at < total
    again = subprocess.run([*command[:-4], "--speed", "1000000", *command[-2:]], cwd=REPO,
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert "every day of the session delivered" in again.stderr
    lines = [line for p in sorted(out.glob("logs_*.jsonl"))
             for line in p.read_bytes().splitlines()]
    # The same users carried on: the two sessions together are the one stream, whole.
    assert sorted(lines) == sorted(_expected(state))
    for p in sorted(out.glob("logs_*.jsonl")):
        day = p.name[5:9] + "-" + p.name[9:11] + "-" + p.name[11:13]
        assert all(orjson.loads(x)["#time"].startswith(day) for x in p.read_bytes().split(
            b"\n") if x)
    _check_stream(_expected(state), state)


def test_receiver_gets_the_same_records_at_another_pace(tmp_path: Path) -> None:
    receiver = FakeReceiver([APPID]).start()
    try:
        fast = CliRunner().invoke(app, [
            "live", str(EXAMPLES / "game"), *SESSION, "--state", str(tmp_path / "a"),
            "--to", "receiver", "--url", receiver.url, "--appid", APPID,
            "--speed", "1000000", "--cache-dir", str(tmp_path / "cache")])
        assert fast.exit_code == 0, fast.output
        stored = [orjson.dumps(r) for r in receiver.stored]
    finally:
        receiver.stop()
    _check_stream(stored, tmp_path / "a")
    assert len(stored) == len(_expected(tmp_path / "a"))
    slower = CliRunner().invoke(app, [
        "live", str(EXAMPLES / "game"), *SESSION, "--state", str(tmp_path / "b"),
        "--speed", "200000", "--quiet", "--cache-dir", str(tmp_path / "cache")])
    assert slower.exit_code == 0, slower.output
    assert slower.stdout_bytes.splitlines() == stored        # same records, same order


def test_a_session_refuses_other_options(tmp_path: Path) -> None:
    state = tmp_path / "state"
    args = ["live", str(EXAMPLES / "game"), "--users", "10", "--days", "1", "--state",
            str(state), "--speed", "1000000", "--quiet", "--cache-dir", str(tmp_path / "c")]
    assert CliRunner().invoke(app, args).exit_code == 0
    other = CliRunner().invoke(app, [*args, "--seed", "9"])
    assert other.exit_code == 2 and "another --state folder" in other.stderr
    assert os.path.exists(state / "live.json")

"""``demogen upload`` through the real command line: in-process (CliRunner) and as a
subprocess killed with SIGKILL halfway and run again."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import orjson
from typer.testing import CliRunner

from demogen.cli._app import app
from demogen.upload import CHECKPOINT_NAME
from tests.upload.conftest import APPID, assert_complete, output_records
from tests.upload.fake_receiver import FakeReceiver

REPO = Path(__file__).resolve().parents[2]


def _cli(*args: object, env: dict[str, str] | None = None):
    return CliRunner().invoke(app, ["upload", *map(str, args)], env=env)


def test_upload_prints_a_summary_with_the_appid_masked(output: Path,
                                                        receiver: FakeReceiver) -> None:
    result = _cli(output, "--url", receiver.url, "--batch-size", 100,
                  env={"DEMOGEN_TE_APPID": APPID})
    assert result.exit_code == 0, result.output
    total = len(output_records(output))
    assert f"{total:,} of {total:,} records acknowledged" in result.stdout
    assert "test…0001" in result.stdout and APPID not in result.output
    assert_complete(receiver, output)


def test_unknown_appid_exits_2_with_one_line(output: Path, receiver: FakeReceiver) -> None:
    result = _cli(output, "--url", receiver.url, "--appid", "nobody-knows-this")
    assert result.exit_code == 2
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "code -2" in errors[0] and "nobody-knows-this" not in errors[0]
    assert "Traceback" not in result.output and not receiver.stored


def test_rejected_data_exits_1_with_the_reason(output: Path, receiver: FakeReceiver) -> None:
    receiver.script(["reject"])
    result = _cli(output, "--url", receiver.url, "--appid", APPID, "--in-flight", 1)
    assert result.exit_code == 1
    assert "rejected: batch 0 (logs_" in result.stdout
    assert "code -1 (invalid data format)" in result.stderr
    again = _cli(output, "--url", receiver.url, "--appid", APPID)
    assert again.exit_code == 0, again.output
    assert_complete(receiver, output)


def test_a_server_that_is_no_receiver_exits_2(output: Path, receiver: FakeReceiver) -> None:
    receiver.script(["404"])
    result = _cli(output, "--url", receiver.url, "--appid", APPID, "--in-flight", 1)
    assert result.exit_code == 2
    assert "answered HTTP 404" in result.stderr and "ThinkingEngine receiver" in result.stderr


def test_bad_input_exits_2(tmp_path: Path, receiver: FakeReceiver) -> None:
    missing = _cli(tmp_path / "nothing", "--url", receiver.url, "--appid", APPID)
    assert missing.exit_code == 2 and "is not a folder" in missing.stderr
    empty = _cli(tmp_path, "--url", receiver.url, "--appid", APPID)
    assert empty.exit_code == 2 and "holds no record files" in empty.stderr
    bad_url = _cli(tmp_path, "--url", "receiver.example", "--appid", APPID)
    assert bad_url.exit_code == 2 and "https://receiver.example" in bad_url.stderr
    too_big = _cli(tmp_path, "--url", receiver.url, "--appid", APPID, "--batch-size", 5000)
    assert too_big.exit_code == 2


def test_dry_run_reports_each_rejected_property_and_stores_nothing(
        output: Path, receiver: FakeReceiver) -> None:
    day = sorted(output.glob("logs_*.jsonl"))[0]
    lines = day.read_bytes().splitlines(keepends=True)
    record = orjson.loads(lines[1])
    record["#event_name"] = "odd_event"
    record["properties"]["Bad-Name"] = 1
    lines.insert(2, orjson.dumps(record) + b"\n")
    day.write_bytes(b"".join(lines))
    result = _cli(output, "--url", receiver.url, "--appid", APPID, "--dry-run")
    assert result.exit_code == 1, result.output
    assert f"✗ {day.name}:3 track odd_event (errorLevel 1)" in result.stdout
    assert "property Bad-Name=1: illegal property name" in result.stdout
    assert "1 would be rejected" in result.stdout
    assert not receiver.stored and not (output / CHECKPOINT_NAME).exists()
    forms = receiver.debug_requests
    assert forms and all(f["dryRun"] == "1" and f["source"] == "server" for f in forms)
    kinds = [(r["#type"], r.get("#event_name")) for r in map(orjson.loads,
                                                              (f["data"] for f in forms))]
    assert len(set(kinds)) == len(kinds)      # the first record of each kind


def test_sigkill_halfway_then_rerun_completes(output: Path, receiver: FakeReceiver) -> None:
    receiver.delay = 0.02
    total = len(output_records(output))
    command = [sys.executable, "-m", "demogen", "upload", str(output), "--url", receiver.url,
               "--batch-size", "20", "--in-flight", "2", "--quiet"]
    env = {**os.environ, "DEMOGEN_TE_APPID": APPID}
    first = subprocess.Popen(command, env=env, cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while len(receiver.stored) < total // 2 and first.poll() is None:
        assert time.monotonic() < deadline, "the upload did not get halfway"
        time.sleep(0.02)
    first.send_signal(signal.SIGKILL)
    first.wait()
    assert first.returncode == -signal.SIGKILL
    halfway = len(receiver.stored)
    assert halfway < total
    assert (output / CHECKPOINT_NAME).exists()
    receiver.delay = 0
    second = subprocess.run(command, env=env, cwd=REPO, capture_output=True, text=True,
                            timeout=120)
    assert second.returncode == 0, second.stderr
    before = int(re.search(r"\(([\d,]+) before\)", second.stdout)[1].replace(",", ""))
    assert 0 < before <= halfway      # resumed from the checkpoint, not from the start
    assert_complete(receiver, output)
    assert len(receiver.stored) - total < halfway - before + 2 * 20 * 2


def test_ctrl_c_saves_the_checkpoint_and_exits_130(output: Path,
                                                   receiver: FakeReceiver) -> None:
    receiver.delay = 0.02
    total = len(output_records(output))
    # The receiver holds every request once a fifth is stored, so the upload is still
    # going when the interrupt lands, however loaded the machine (a slower receiver alone
    # still lost that race under three parallel test sets).
    receiver.hold_after = total // 5
    command = [sys.executable, "-m", "demogen", "upload", str(output), "--url", receiver.url,
               "--appid", APPID, "--batch-size", "20", "--in-flight", "2"]
    first = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(receiver.stored) < receiver.hold_after and first.poll() is None:
        assert time.monotonic() < deadline, "the upload did not get going"
        time.sleep(0.02)
    first.send_signal(signal.SIGINT)
    _, stderr = first.communicate(timeout=60)
    receiver.hold_after = None
    receiver.released.set()
    assert first.returncode == 130, stderr
    assert "interrupted" in stderr and "Traceback" not in stderr
    saved = orjson.loads((output / CHECKPOINT_NAME).read_bytes())
    (progress,) = saved["targets"].values()
    assert progress["records_acked"] > 0
    receiver.delay = 0
    second = subprocess.run(command, cwd=REPO, capture_output=True, text=True, timeout=120)
    assert second.returncode == 0, second.stderr
    assert f"({progress['records_acked']:,} before)" in second.stdout
    assert_complete(receiver, output)


def test_generate_overwrite_replaces_an_uploaded_output(output: Path,
                                                        receiver: FakeReceiver) -> None:
    """The checkpoint belongs to the records: a new run over them drops it."""
    from tests.simulation.generated_outputs import EXAMPLES, run_cli

    assert _cli(output, "--url", receiver.url, "--appid", APPID).exit_code == 0
    assert (output / CHECKPOINT_NAME).exists()
    result = run_cli(["generate", EXAMPLES / "game", "-o", output, "--users", 20, "--days", 1,
                      "--overwrite", "--quiet"])
    assert result.exit_code == 0, result.output
    assert not (output / CHECKPOINT_NAME).exists()
    assert "uploads" not in (output / "manifest.json").read_text()

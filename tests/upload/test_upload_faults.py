"""``upload_output`` against the fake receiver with faults: nothing lost, duplicates only as
identical copies (same ``#uuid``), a clear stop on an unknown APPID and on rejected data."""

from __future__ import annotations

import gzip
import shutil
from dataclasses import replace
from pathlib import Path

import orjson
import pytest

from demogen.errors import ConfigError
from demogen.output import read_manifest
from demogen.upload import (
    CHECKPOINT_NAME,
    RejectedData,
    Target,
    UnknownAppId,
    UploadOptions,
    upload_output,
)
from tests.upload.conftest import APPID, assert_complete, output_records
from tests.upload.fake_receiver import FakeReceiver

FAST = UploadOptions(batch_size=50, in_flight=3, timeout=0.5, backoff=0.01, backoff_cap=0.05)


def _upload(out: Path, receiver: FakeReceiver, appid: str = APPID,
            options: UploadOptions = FAST):
    return upload_output(out, Target.parse(receiver.url, appid), options)


def test_clean_upload_sends_every_record_once(output: Path, receiver: FakeReceiver) -> None:
    # A timeout no busy test machine reaches: "once" must not depend on the machine's load.
    summary = _upload(output, receiver, options=replace(FAST, timeout=10.0))
    assert summary.complete and summary.error is None
    records = len(output_records(output))
    assert summary.records == summary.read == summary.acknowledged == summary.sent == records
    assert summary.resent == 0
    assert len(receiver.stored) == records
    assert_complete(receiver, output)
    entry = next(iter(read_manifest(output).uploads.values()))
    assert entry.complete and entry.acknowledged == records
    assert entry.appid != APPID and APPID not in (output / "manifest.json").read_text()
    assert APPID not in (output / CHECKPOINT_NAME).read_text()


def test_rerun_after_completion_sends_nothing(output: Path, receiver: FakeReceiver) -> None:
    _upload(output, receiver)
    stored = len(receiver.stored)
    again = _upload(output, receiver)
    assert again.complete and again.sent == 0 and len(receiver.stored) == stored


@pytest.mark.parametrize("faults", [
    ["5xx"] * 6,                                   # a burst of 5xx
    ["slow", "ok", "slow"],                        # answers slower than the timeout
    ["drop", "ok", "drop", "drop"],                # connections dropped
    ["lost_ack", "ok", "lost_ack"],                # stored, acknowledgement lost
    ["5xx", "drop", "lost_ack", "slow", "5xx"],    # all of them
], ids=["5xx-burst", "slow", "dropped", "lost-ack", "mixed"])
def test_faults_lose_nothing(output: Path, receiver: FakeReceiver,
                             faults: list[str]) -> None:
    receiver.slow_seconds = 1.0
    receiver.script(faults)
    summary = _upload(output, receiver)
    assert summary.complete, summary.error
    assert summary.resent > 0
    assert_complete(receiver, output)
    duplicates = len(receiver.stored) - len(output_records(output))
    if any(f in ("slow", "lost_ack") for f in faults):
        assert duplicates > 0       # the batch arrived, its answer did not: sent again
    assert duplicates <= summary.resent


def test_unknown_appid_stops_with_config_error(output: Path, receiver: FakeReceiver) -> None:
    summary = _upload(output, receiver, appid="not-a-project-appid")
    assert isinstance(summary.error, UnknownAppId)
    assert isinstance(summary.error, ConfigError)
    assert "code -2" in str(summary.error) and "not-…ppid" in str(summary.error)
    assert not receiver.stored and not summary.complete
    # With the right APPID the same output goes up whole.
    assert _upload(output, receiver).complete
    assert_complete(receiver, output)


def test_rejection_stops_with_reason_then_resumes(output: Path,
                                                  receiver: FakeReceiver) -> None:
    receiver.script(["ok", "ok", "reject"])
    stopped = _upload(output, receiver)
    assert isinstance(stopped.error, RejectedData)
    assert stopped.error.code == -1 and "invalid data format" in str(stopped.error)
    assert len(stopped.rejected) == 1 and "line" in stopped.rejected[0]
    assert not stopped.complete
    assert stopped.acknowledged < len(output_records(output))
    resumed = _upload(output, receiver)
    assert resumed.complete and resumed.already == stopped.acknowledged
    assert_complete(receiver, output)


def test_batch_size_must_match_a_partial_checkpoint(output: Path,
                                                    receiver: FakeReceiver) -> None:
    receiver.script(["ok", "reject"])
    _upload(output, receiver, options=UploadOptions(batch_size=50, in_flight=1))
    with pytest.raises(ConfigError, match="--batch-size 50"):
        _upload(output, receiver, options=UploadOptions(batch_size=100))
    finished = _upload(output, receiver, options=UploadOptions(in_flight=2))
    assert finished.complete and finished.batch_size == 50
    assert_complete(receiver, output)


def test_gzip_and_parts_outputs(tmp_path: Path, generated_output: Path,
                                receiver: FakeReceiver) -> None:
    """Day files gzipped, or split into parts; records without #uuid get a stable one."""
    out = tmp_path / "mixed"
    out.mkdir()
    files = sorted(generated_output.glob("logs_*.jsonl"))
    day1 = files[0].read_bytes()
    (out / files[0].name.replace(".jsonl", ".jsonl.gz")).write_bytes(gzip.compress(day1))
    lines = files[1].read_bytes().splitlines(keepends=True)
    stem = files[1].name.removesuffix(".jsonl")
    (out / f"{stem}.part-00000.jsonl").write_bytes(b"".join(lines[:100]))
    bare = [orjson.loads(line) for line in lines[100:103]]
    for record in bare:
        del record["#uuid"]
    rest = b"\n".join(orjson.dumps(r) for r in bare) + b"\n\n" + b"".join(lines[103:])
    (out / f"{stem}.part-00001.jsonl").write_bytes(rest)
    summary = _upload(out, receiver)
    assert summary.complete and summary.acknowledged == len(day1.splitlines()) + len(lines)
    assert len({r["#uuid"] for r in receiver.stored}) == summary.acknowledged
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    (copy / CHECKPOINT_NAME).unlink()
    second = FakeReceiver([APPID]).start()
    try:
        _upload(copy, second)
        assert [r["#uuid"] for r in second.stored if "#uuid" not in r] == []
        # The same ids from a fresh start; a batch resent after a slow answer on a busy
        # machine may be stored twice, as the same records (assert_complete's rule).
        assert {r["#uuid"] for r in second.stored} == {r["#uuid"] for r in receiver.stored}
        copies: dict[str, bytes] = {}
        for record in second.stored:
            blob = orjson.dumps(record)
            assert copies.setdefault(record["#uuid"], blob) == blob
    finally:
        second.stop()

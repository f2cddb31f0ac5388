"""manifest.json: content, determinism, atomic write."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from demogen import __version__
from demogen.errors import ConfigError
from demogen.output import (
    MANIFEST_VERSION,
    DailyJsonlSink,
    FileStats,
    Manifest,
    read_manifest,
    write_manifest,
)


def _manifest(tmp_path: Path, **extra) -> Manifest:
    with DailyJsonlSink(tmp_path) as sink:
        sink.write(date(2024, 1, 2), b'{"#type":"track"}')
        sink.write(date(2024, 1, 1), b'{"#type":"user_set"}')
    assert sink.summary is not None
    return Manifest(
        seed=42,
        options={"users": 100, "gzip": False, "out": tmp_path / "x", "window": ["a", "b"]},
        taxonomy_hash="t" * 64,
        rules_hash="r" * 64,
        files=sink.summary.files,
        records_by_type={"user_set": 1, "track": 1},
        users=1,
        **extra,
    )


def test_manifest_file_content(tmp_path):
    manifest = _manifest(tmp_path)
    path = write_manifest(tmp_path, manifest)
    text = path.read_text()
    data = json.loads(text)
    assert text == json.dumps(data, indent=2, sort_keys=True) + "\n"
    assert data["manifest_version"] == MANIFEST_VERSION
    assert data["demogen_version"] == __version__
    assert data["seed"] == 42
    assert data["options"]["out"] == str(tmp_path / "x")
    assert data["files"]["logs_20240101.jsonl"] == {
        "lines": 1,
        "bytes": len(b'{"#type":"user_set"}\n'),
        "sha256": hashlib.sha256(b'{"#type":"user_set"}\n').hexdigest(),
    }
    assert list(data["files"]) == ["logs_20240101.jsonl", "logs_20240102.jsonl"]
    assert "started_at" not in data and "finished_at" not in data
    assert manifest.records == 2
    assert read_manifest(tmp_path) == manifest
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "logs_20240101.jsonl", "logs_20240102.jsonl", "manifest.json",
    ]


def test_timings_are_optional_and_can_be_compared_away(tmp_path):
    a = _manifest(tmp_path / "a")
    b = _manifest(tmp_path / "b").model_copy(
        update={
            "options": a.options,
            "started_at": datetime(2024, 1, 1, 10, tzinfo=UTC),
            "finished_at": datetime(2024, 1, 1, 11, tzinfo=UTC),
        }
    )
    assert a != b
    assert a.without_timings() == b.without_timings()
    assert a.to_json() == b.without_timings().to_json()
    write_manifest(tmp_path / "b", b)
    data = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert data["started_at"] == "2024-01-01T10:00:00Z"
    assert read_manifest(tmp_path / "b") == b


def test_same_inputs_give_identical_manifest_bytes(tmp_path):
    first = _manifest(tmp_path / "a")
    second = _manifest(tmp_path / "b").model_copy(update={"options": first.options})
    write_manifest(tmp_path / "a", first)
    write_manifest(tmp_path / "b", second)
    assert (tmp_path / "a" / "manifest.json").read_bytes() == (
        tmp_path / "b" / "manifest.json"
    ).read_bytes()


def test_write_is_atomic(tmp_path, monkeypatch):
    manifest = _manifest(tmp_path)
    write_manifest(tmp_path, manifest)
    before = (tmp_path / "manifest.json").read_bytes()

    def broken(self):
        raise RuntimeError("serializer died")

    monkeypatch.setattr(Manifest, "to_json", broken)
    with pytest.raises(RuntimeError):
        write_manifest(tmp_path, manifest.model_copy(update={"seed": 1}))
    assert (tmp_path / "manifest.json").read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]


def test_read_manifest_errors(tmp_path):
    with pytest.raises(ConfigError, match="no finished demogen output"):
        read_manifest(tmp_path)
    (tmp_path / "manifest.json").write_text('{"seed": "x"}')
    with pytest.raises(ConfigError, match="not a valid demogen manifest"):
        read_manifest(tmp_path)


def test_file_stats_are_frozen():
    stats = FileStats(lines=1, bytes=2, sha256="x")
    with pytest.raises(Exception):  # noqa: B017 - pydantic raises ValidationError
        stats.lines = 3  # type: ignore[misc]

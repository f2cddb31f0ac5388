"""Output to fsspec URLs: staged locally, uploaded when finished, manifest last, nothing
left behind on failure. ``memory://`` and ``file://`` are real fsspec filesystems."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import fsspec
import pytest
from fsspec.implementations.memory import MemoryFileSystem

from demogen.errors import ConfigError
from demogen.output import RemoteOutput, is_url, staged_output


@pytest.fixture
def memory() -> MemoryFileSystem:
    fs = fsspec.filesystem("memory")
    fs.store.clear()
    fs.pseudo_dirs.clear()
    fs.pseudo_dirs.append("")
    return fs


@pytest.mark.parametrize(("target", "url"), [
    ("s3://bucket/run", True), ("memory://x", True), ("file:///tmp/x", True),
    ("out", False), ("/tmp/out", False), ("C:\\data\\out", False), ("odd://name", True),
    ("runs/a://b", False),
])
def test_urls_are_told_from_paths(target: str, url: bool) -> None:
    assert is_url(target) is url


def _write_run(folder: Path) -> None:
    folder.mkdir(parents=True)
    (folder / "logs_20260101.jsonl").write_bytes(b'{"a":1}\n')
    (folder / "logs_20260102.jsonl").write_bytes(b'{"a":2}\n')
    (folder / "manifest.json").write_bytes(b"{}\n")


def test_a_url_run_is_staged_then_uploaded_manifest_last(memory: MemoryFileSystem) -> None:
    order: list[str] = []
    original = memory.put_file

    def recording_put(lpath: str, rpath: str, **kwargs: object) -> None:
        order.append(rpath.rsplit("/", 1)[-1])
        original(lpath, rpath, **kwargs)

    memory.put_file = recording_put  # type: ignore[method-assign]
    try:
        with staged_output("memory://runs/a", overwrite=False) as (folder, replace):
            assert replace is False and not folder.exists()
            _write_run(folder)
    finally:
        del memory.put_file
    assert not folder.parent.exists()          # the staging folder is gone
    assert order == ["logs_20260101.jsonl", "logs_20260102.jsonl", "manifest.json"]
    assert memory.cat_file("/runs/a/logs_20260102.jsonl") == b'{"a":2}\n'


def test_a_local_target_is_the_folder_itself(tmp_path: Path) -> None:
    with staged_output(str(tmp_path / "out"), overwrite=True) as (folder, replace):
        assert folder == tmp_path / "out" and replace is True


def test_a_failed_body_uploads_nothing(memory: MemoryFileSystem) -> None:
    with pytest.raises(RuntimeError), staged_output("memory://runs/b", overwrite=False) as (
            folder, _):
        _write_run(folder)
        raise RuntimeError("simulation failed")
    assert not memory.exists("/runs/b/manifest.json")
    assert not memory.exists("/runs/b/logs_20260101.jsonl")


def test_a_failed_upload_removes_what_it_had_put(memory: MemoryFileSystem,
                                                  tmp_path: Path) -> None:
    _write_run(tmp_path / "run")
    remote = RemoteOutput.open("memory://runs/c")
    calls = 0
    original = memory.put_file

    def failing_put(lpath: str, rpath: str, **kwargs: object) -> None:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise OSError("connection reset")
        original(lpath, rpath, **kwargs)

    memory.put_file = failing_put  # type: ignore[method-assign]
    try:
        with pytest.raises(ConfigError, match="upload to memory://runs/c failed"):
            remote.upload(tmp_path / "run", ["logs_20260101.jsonl", "logs_20260102.jsonl",
                                             "manifest.json"])
    finally:
        del memory.put_file
    assert memory.find("/runs/c") == []


def test_a_previous_output_needs_overwrite_and_foreign_files_are_never_touched(
        memory: MemoryFileSystem) -> None:
    memory.pipe("/runs/d/logs_20260101.jsonl", b"old\n")
    memory.pipe("/runs/d/manifest.json", b"{}\n")
    remote = RemoteOutput.open("memory://runs/d")
    with pytest.raises(ConfigError, match=r"already holds a demogen output \(2 entries"):
        remote.prepare(overwrite=False)
    remote.prepare(overwrite=True)
    assert memory.find("/runs/d") == []
    memory.pipe("/runs/e/notes.txt", b"mine\n")
    with pytest.raises(ConfigError, match=r"holds files demogen did not write \(notes.txt\)"):
        RemoteOutput.open("memory://runs/e").prepare(overwrite=True)
    assert memory.cat_file("/runs/e/notes.txt") == b"mine\n"


def test_an_unknown_protocol_is_a_clear_error() -> None:
    with pytest.raises(ConfigError, match="unknown storage protocol 'nosuch'"):
        RemoteOutput.open("nosuch://bucket/run")


@pytest.mark.skipif(importlib.util.find_spec("s3fs") is not None, reason="s3fs is installed")
def test_a_missing_implementation_names_the_extra_to_install() -> None:
    with pytest.raises(ConfigError, match=r"pip install 'demogen\[s3\]'"):
        RemoteOutput.open("s3://bucket/run")

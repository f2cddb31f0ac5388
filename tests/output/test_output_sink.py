"""DailyJsonlSink, MemorySink, concat_parts, prepare_output_dir."""

from __future__ import annotations

import gzip
import hashlib
import os
from datetime import date
from pathlib import Path

import orjson
import pytest

import demogen.output as output
from demogen.errors import ConfigError
from demogen.output import (
    DailyJsonlSink,
    MemorySink,
    OutputSink,
    concat_parts,
    prepare_output_dir,
)

D1, D2, D3 = date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 3)


def _lines(n: int, day: date, tag: str = "") -> list[bytes]:
    return [
        orjson.dumps({"#type": "track", "#time": f"{day} 10:00:00.000", "#distinct_id": f"u{i}",
                      "#event_name": "tick", "properties": {"i": i, "tag": tag, "s": "Zoë"}})
        for i in range(n)
    ]


def _feed(sink, plan: list[tuple[date, bytes]]) -> None:
    for day, line in plan:
        sink.write(day, line)


def _plan() -> list[tuple[date, bytes]]:
    # Days interleaved, as an engine writes them (users in order, each over several days).
    plan = []
    for a, b, c in zip(_lines(50, D1), _lines(50, D2), _lines(20, D3), strict=False):
        plan += [(D1, a), (D2, b), (D3, c)]
    plan += [(D1, x) for x in _lines(50, D1)[20:]] + [(D2, x) for x in _lines(50, D2)[20:]]
    return plan


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_exports_are_sorted_and_complete():
    assert output.__all__ == sorted(output.__all__, key=lambda n: (not n.isupper(), n))
    for name in output.__all__:
        assert getattr(output, name) is not None


def test_sinks_follow_the_protocol(tmp_path):
    assert isinstance(MemorySink(), OutputSink)
    assert isinstance(DailyJsonlSink(tmp_path / "out"), OutputSink)


def test_daily_files_hold_every_line_with_a_final_newline(tmp_path):
    out = tmp_path / "out"
    sink, memory = DailyJsonlSink(out), MemorySink()
    plan = _plan()
    _feed(sink, plan)
    _feed(memory, plan)
    summary = sink.close()
    assert _files(out) == ["logs_20240101.jsonl", "logs_20240102.jsonl", "logs_20240103.jsonl"]
    for day in (D1, D2, D3):
        name = f"logs_{day:%Y%m%d}.jsonl"
        data = (out / name).read_bytes()
        assert data == memory.day_bytes(day)
        assert data.endswith(b"\n") and b"\n\n" not in data
        stats = summary.files[name]
        assert stats.lines == data.count(b"\n") == len(memory.lines[day])
        assert stats.bytes == len(data)
        assert stats.sha256 == hashlib.sha256(data).hexdigest()
    assert summary.lines == len(plan)
    assert summary == memory.close()


def test_small_buffers_spill_to_a_hidden_temp_file_and_give_the_same_bytes(tmp_path):
    big = DailyJsonlSink(tmp_path / "big")
    small = DailyJsonlSink(tmp_path / "small", day_buffer_bytes=300, total_buffer_bytes=700)
    plan = _plan()
    _feed(big, plan[:40])
    _feed(small, plan[:40])
    # Mid-run: the small sink has spilled to temp files; nothing looks like a day file yet.
    names = _files(tmp_path / "small")
    assert names and all(n.startswith(".logs_") and ".tmp-" in n for n in names)
    assert small._total <= 700  # the bound holds over all days
    _feed(big, plan[40:])
    _feed(small, plan[40:])
    assert big.close() == small.close()
    for name in _files(tmp_path / "big"):
        assert (tmp_path / "big" / name).read_bytes() == (tmp_path / "small" / name).read_bytes()


def test_gzip_output_is_deterministic(tmp_path):
    plan = _plan()
    runs = []
    for i, buffer in enumerate((1 << 20, 256)):
        sink = DailyJsonlSink(tmp_path / f"gz{i}", gzip=True, day_buffer_bytes=buffer)
        _feed(sink, plan)
        runs.append(sink.close())
    assert runs[0] == runs[1]
    assert list(runs[0].files) == [f"logs_2024010{d}.jsonl.gz" for d in (1, 2, 3)]
    plain = MemorySink()
    _feed(plain, plan)
    for name, stats in runs[0].files.items():
        a = (tmp_path / "gz0" / name).read_bytes()
        assert a == (tmp_path / "gz1" / name).read_bytes()
        assert a[:4] == b"\x1f\x8b\x08\x00"  # gzip, deflate, no FNAME flag
        assert a[4:8] == b"\x00\x00\x00\x00"  # mtime 0
        assert stats.sha256 == hashlib.sha256(a).hexdigest() and stats.bytes == len(a)
        day = date(2024, 1, int(name[11:13]))
        assert gzip.decompress(a) == plain.day_bytes(day)
        assert stats.lines == len(plain.lines[day])


def test_abort_midway_leaves_nothing(tmp_path):
    out = tmp_path / "out"
    sink = DailyJsonlSink(out, day_buffer_bytes=100)
    _feed(sink, _plan()[:30])
    assert _files(out)  # temp files exist
    sink.abort()
    assert _files(out) == []
    with pytest.raises(RuntimeError):
        sink.write(D1, b"{}")
    sink.abort()  # idempotent


def test_exception_inside_with_block_aborts(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(KeyError), DailyJsonlSink(out, day_buffer_bytes=10) as sink:
        _feed(sink, _plan()[:10])
        raise KeyError("boom")
    assert _files(out) == []


def test_with_block_closes_and_leaves_no_temp_files(tmp_path):
    out = tmp_path / "out"
    with DailyJsonlSink(out, gzip=True, day_buffer_bytes=10) as sink:
        _feed(sink, _plan())
    assert sink.summary is not None and sink.summary.lines == len(_plan())
    assert not [n for n in _files(out) if ".tmp-" in n]
    with pytest.raises(RuntimeError):
        sink.close()
    sink.abort()  # no-op after close: the finished files stay
    assert len(_files(out)) == 3


def test_a_failed_close_removes_temp_files(tmp_path, monkeypatch):
    out = tmp_path / "out"
    sink = DailyJsonlSink(out, day_buffer_bytes=10)
    _feed(sink, _plan())
    calls = []
    real_replace = os.replace

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", failing_replace)
    with pytest.raises(OSError):
        sink.close()
    names = _files(out)
    assert not [n for n in names if ".tmp-" in n]
    # The one day renamed before the failure is complete, never a half file.
    assert names == ["logs_20240101.jsonl"]
    assert (out / names[0]).read_bytes().count(b"\n") == 50


def test_memory_sink_keeps_lines_and_records():
    sink = MemorySink()
    sink.write(D2, b'{"a":2}')
    sink.write(D1, b'{"a":1}')
    assert sink.records() == [{"a": 1}, {"a": 2}]
    assert sink.records(D2) == [{"a": 2}]
    assert list(sink.close().files) == ["logs_20240101.jsonl", "logs_20240102.jsonl"]
    with pytest.raises(RuntimeError):
        sink.write(D1, b"{}")


# --- output folder rules -------------------------------------------------------------------


def test_a_folder_with_foreign_files_is_refused_even_with_overwrite(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    for overwrite in (False, True):
        with pytest.raises(ConfigError, match=r"did not write \(notes\.txt\)"):
            DailyJsonlSink(tmp_path, overwrite=overwrite)
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_previous_output_needs_overwrite_and_only_it_is_removed(tmp_path):
    out = tmp_path / "out"
    with DailyJsonlSink(out) as sink:
        _feed(sink, _plan())
    (out / "manifest.json").write_text("{}")
    (out / ".logs_20231231.jsonl.tmp-999").write_text("stale")
    (out / ".parts").mkdir()
    (out / ".parts" / "logs_20240101.part-00000.jsonl").write_text("x\n")
    with pytest.raises(ConfigError, match="overwrite"):
        DailyJsonlSink(out)
    with DailyJsonlSink(out, overwrite=True) as sink:
        sink.write(D3, b"{}")
    assert _files(out) == ["logs_20240103.jsonl"]


def test_output_path_that_is_a_file_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(ConfigError, match="not a folder"):
        prepare_output_dir(target)


def test_missing_folder_is_created(tmp_path):
    assert prepare_output_dir(tmp_path / "a" / "b").is_dir()


@pytest.mark.parametrize("prefix", ["", "../x", "a/b", " logs"])
def test_bad_prefixes_are_refused(tmp_path, prefix):
    with pytest.raises(ConfigError, match="prefix"):
        DailyJsonlSink(tmp_path / "out", prefix=prefix)


def test_custom_prefix(tmp_path):
    with DailyJsonlSink(tmp_path, prefix="game-") as sink:
        sink.write(D1, b"{}")
    assert _files(tmp_path) == ["game-20240101.jsonl"]


# --- sharded runs --------------------------------------------------------------------------


def _sharded(out: Path, shards: dict[int, list[tuple[date, bytes]]], order, *, gzip=False):
    prepare_output_dir(out)
    for shard, plan in shards.items():
        sink = DailyJsonlSink(out, part=shard, day_buffer_bytes=64)
        _feed(sink, plan)
        sink.close()
    return concat_parts(out, order, gzip=gzip)


def test_parts_are_joined_in_shard_order_and_removed(tmp_path):
    out = tmp_path / "out"
    shards = {
        7: [(D1, b'{"s":7,"n":1}'), (D2, b'{"s":7,"n":2}')],
        0: [(D1, b'{"s":0,"n":1}'), (D1, b'{"s":0,"n":2}')],
        3: [(D2, b'{"s":3,"n":1}'), (D1, b'{"s":3,"n":2}')],
    }
    prepare_output_dir(out)
    for shard, plan in shards.items():
        sink = DailyJsonlSink(out, part=shard)
        _feed(sink, plan)
        sink.close()
    assert _files(out / ".parts") == [
        "logs_20240101.part-00000.jsonl", "logs_20240101.part-00003.jsonl",
        "logs_20240101.part-00007.jsonl", "logs_20240102.part-00003.jsonl",
        "logs_20240102.part-00007.jsonl",
    ]
    summary = concat_parts(out, [7, 0, 3])
    assert _files(out) == ["logs_20240101.jsonl", "logs_20240102.jsonl"]
    assert (out / "logs_20240101.jsonl").read_bytes() == (
        b'{"s":7,"n":1}\n{"s":0,"n":1}\n{"s":0,"n":2}\n{"s":3,"n":2}\n'
    )
    assert (out / "logs_20240102.jsonl").read_bytes() == b'{"s":7,"n":2}\n{"s":3,"n":1}\n'
    assert summary.files["logs_20240101.jsonl"].lines == 4


def test_sharded_gzip_output_equals_a_single_sink(tmp_path):
    plan = _plan()
    single = DailyJsonlSink(tmp_path / "one", gzip=True)
    _feed(single, plan)
    one = single.close()
    # Split the same plan into 3 contiguous shards (as users split across workers).
    shards = {i: plan[i * 60:(i + 1) * 60] for i in range(3)}
    many = _sharded(tmp_path / "many", shards, [0, 1, 2], gzip=True)
    assert one == many
    for name in one.files:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "many" / name).read_bytes()


def test_concat_refuses_unknown_shards_and_unfinished_parts(tmp_path):
    out = tmp_path / "out"
    prepare_output_dir(out)
    sink = DailyJsonlSink(out, part=1)
    sink.write(D1, b"{}")
    sink.close()
    with pytest.raises(ConfigError, match="shard 1"):
        concat_parts(out, [0])
    with pytest.raises(ConfigError, match="repeats"):
        concat_parts(out, [1, 1])
    running = DailyJsonlSink(out, part=2, day_buffer_bytes=1)
    running.write(D1, b"{}")  # spilled to a temp file, never closed
    with pytest.raises(ConfigError, match="unfinished"):
        concat_parts(out, [1, 2])
    running.abort()
    concat_parts(out, [1, 2])
    assert _files(out) == ["logs_20240101.jsonl"]


def test_kept_parts_may_be_gzipped_and_count_as_a_previous_output(tmp_path):
    """``--layout parts``: gzip part sinks, published into OUT; a later run may replace them
    (with --overwrite) as it replaces day files."""
    from demogen.output import publish_parts

    out = tmp_path / "out"
    prepare_output_dir(out)
    sink = DailyJsonlSink(out, part=0, gzip=True)
    _feed(sink, _plan())
    summary = publish_parts(out, sink.close().files)
    assert _files(out) == sorted(summary.files) == [
        "logs_20240101.part-00000.jsonl.gz", "logs_20240102.part-00000.jsonl.gz",
        "logs_20240103.part-00000.jsonl.gz"]
    first = gzip.decompress((out / "logs_20240101.part-00000.jsonl.gz").read_bytes())
    assert first.count(b"\n") == summary.files["logs_20240101.part-00000.jsonl.gz"].lines
    with pytest.raises(ConfigError, match="already holds a demogen output"):
        prepare_output_dir(out)
    packed = DailyJsonlSink(out, part=1, gzip=True)      # gzipped parts are never joined
    _feed(packed, _plan())
    packed.close()
    with pytest.raises(ConfigError, match="is gzipped"):
        concat_parts(out, [1])
    prepare_output_dir(out, overwrite=True)
    assert _files(out) == []


def _joined(out: Path, plan: list[tuple[date, bytes]]):
    """The plan split into 3 shards' parts, joined by PartJoiner with known line counts."""
    from demogen.output._daily import PartJoiner

    prepare_output_dir(out)
    parts = []
    for shard in range(3):
        sink = DailyJsonlSink(out, part=shard, day_buffer_bytes=64)
        _feed(sink, plan[shard * 60:(shard + 1) * 60])
        parts.append({name: stats.lines for name, stats in sink.close().files.items()})
    joiner = PartJoiner(out)
    for shard_parts in parts:
        joiner.append(shard_parts, remove=True)
    return joiner.finish()


@pytest.mark.skipif(not hasattr(os, "copy_file_range"), reason="no copy_file_range here")
def test_parts_are_joined_by_the_kernel_into_the_same_bytes(tmp_path, monkeypatch):
    plan = _plan()
    single = DailyJsonlSink(tmp_path / "one")
    _feed(single, plan)
    one = single.close()
    calls = []
    real_copy = os.copy_file_range

    def counting_copy(*args):
        calls.append(args)
        return real_copy(*args)

    monkeypatch.setattr(os, "copy_file_range", counting_copy)
    assert _joined(tmp_path / "kernel", plan) == one
    assert calls, "the join never asked the kernel to copy"

    def refusing_copy(*args):      # a file system without it: the Python copy takes over
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "copy_file_range", refusing_copy)
    assert _joined(tmp_path / "python", plan) == one
    for name in one.files:
        expected = (tmp_path / "one" / name).read_bytes()
        assert (tmp_path / "kernel" / name).read_bytes() == expected
        assert (tmp_path / "python" / name).read_bytes() == expected

"""Engines: the process pool, Dask and the in-process run write the same bytes (DESIGN.md,
scale), whatever the number of workers, the shard size or gzip; a failed shard leaves
nothing behind."""

from __future__ import annotations

import gzip
import hashlib
from datetime import date
from pathlib import Path

import pytest

from demogen.errors import ConfigError
from demogen.output import DailyJsonlSink, OutputSummary
from demogen.simulation import SimulationConfig, generate
from demogen.simulation import parallel as parallel_module
from demogen.simulation.parallel import SimulationSpec, run_parallel
from tests.simulation.generated_outputs import SOURCES, analysed

USERS, DAYS, SHARD = 90, 3, 20     # 5 shards, the last one short
START = date(2025, 3, 3)


@pytest.fixture(scope="module")
def spec() -> SimulationSpec:
    taxonomy, product, rules = analysed(SOURCES["game"])
    config = SimulationConfig(users=USERS, start=START, days=DAYS, seed=11, preset="game",
                              shard_size=SHARD)
    return SimulationSpec(taxonomy, rules, product, config)


def _in_process(spec: SimulationSpec, out: Path, *, gzip: bool = False
                ) -> tuple[dict[str, int], OutputSummary]:
    """The reference: every shard in this process, into one DailyJsonlSink."""
    with DailyJsonlSink(out, gzip=gzip) as sink:
        counts = generate(spec.taxonomy, spec.rules, spec.product, spec.config, sink)
        return counts, sink.close()


def _files(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.fixture(scope="module")
def reference(spec: SimulationSpec, tmp_path_factory: pytest.TempPathFactory
              ) -> tuple[dict[str, int], OutputSummary, dict[str, bytes]]:
    out = tmp_path_factory.mktemp("reference") / "out"
    counts, summary = _in_process(spec, out)
    return counts, summary, _files(out)


@pytest.mark.parametrize("workers", [1, 2])
def test_process_pool_writes_the_bytes_of_the_in_process_run(
        spec, reference, tmp_path: Path, workers: int) -> None:
    counts, summary, files = reference
    done: list[int] = []
    got_counts, got_summary = run_parallel(spec, tmp_path / "out", workers=workers,
                                           progress=done.append)
    assert _files(tmp_path / "out") == files
    assert got_summary == summary          # lines, bytes and SHA-256 of every day file
    assert got_counts == counts
    assert sum(done) == spec.config.users and len(done) == (spec.config.users if workers == 1
                                                            else 5)
    assert len(files) == DAYS and counts["track"] > 1000


def test_shard_size_does_not_change_a_byte(spec, reference, tmp_path: Path) -> None:
    small = SimulationSpec(spec.taxonomy, spec.rules, spec.product,
                           spec.config.model_copy(update={"shard_size": 7}))
    run_parallel(small, tmp_path / "out", workers=2)
    assert _files(tmp_path / "out") == reference[2]


def test_gzip_is_the_same_bytes_with_any_number_of_workers(spec, reference,
                                                           tmp_path: Path) -> None:
    _, one = _in_process(spec, tmp_path / "one", gzip=True)
    _, two = run_parallel(spec, tmp_path / "two", workers=2, gzip=True)
    packed = _files(tmp_path / "one")
    assert _files(tmp_path / "two") == packed
    assert one == two
    plain = reference[2]
    assert sorted(packed) == sorted(f"{name}.gz" for name in plain)
    assert all(gzip.decompress(packed[f"{n}.gz"]) == data for n, data in plain.items())


def test_dask_local_cluster_writes_the_same_bytes(spec, reference, tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    counts, summary = run_parallel(spec, tmp_path / "out", workers=2, engine="dask")
    assert _files(tmp_path / "out") == reference[2]
    assert (counts, summary) == reference[:2]


def test_dask_scheduler_address(spec, reference, tmp_path: Path) -> None:
    """``--scheduler tcp://…``: an existing cluster (here a local one on 127.0.0.1)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        run_parallel(spec, tmp_path / "out", workers=2, engine="dask",
                     scheduler=cluster.scheduler_address)
    assert _files(tmp_path / "out") == reference[2]


@pytest.mark.parametrize("layout", ["days", "parts"])
def test_a_failed_shard_leaves_no_day_file_and_no_part(spec, tmp_path: Path, layout: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    real = parallel_module.simulate_shard

    def failing(simulation, shard, sink, progress=None):  # type: ignore[no-untyped-def]
        if shard == 3:
            raise RuntimeError("shard 3 failed")
        return real(simulation, shard, sink, progress)

    # The pool forks from this process, so its workers see the patched function too.
    monkeypatch.setattr(parallel_module, "simulate_shard", failing)
    out = tmp_path / "out"
    with pytest.raises(RuntimeError, match="shard 3 failed"):
        run_parallel(spec, out, workers=2, layout=layout)
    assert list(out.iterdir()) == []


# -- --layout parts: the shards' parts are the output ---------------------------------------


def _days_from_parts(out: Path, *, packed: bool = False) -> dict[str, bytes]:
    """Each day's parts joined in name (= shard) order, as the day file they stand for."""
    days: dict[str, bytes] = {}
    for path in sorted(out.glob("logs_*.part-*")):
        data = gzip.decompress(path.read_bytes()) if packed else path.read_bytes()
        day = path.name.split(".part-")[0] + ".jsonl"
        days[day] = days.get(day, b"") + data
    return days


@pytest.mark.parametrize(("workers", "engine"), [(1, "local"), (2, "local"), (2, "dask")])
def test_kept_parts_are_the_same_whatever_runs_them_and_join_into_the_day_files(
        spec, reference, tmp_path: Path, workers: int, engine: str) -> None:
    if engine == "dask":
        pytest.importorskip("distributed")
    counts, _, day_files = reference
    done: list[int] = []
    got_counts, summary = run_parallel(spec, tmp_path / "out", workers=workers, engine=engine,
                                       layout="parts", progress=done.append)
    files = _files(tmp_path / "out")
    assert sorted(files) == sorted(summary.files)
    assert len(files) == DAYS * 5 and not (tmp_path / "out" / ".parts").exists()
    assert _days_from_parts(tmp_path / "out") == day_files
    assert got_counts == counts and sum(done) == spec.config.users
    for name, stats in summary.files.items():       # hashed and counted in the worker
        assert stats.sha256 == hashlib.sha256(files[name]).hexdigest()
        assert stats.lines == files[name].count(b"\n") and stats.bytes == len(files[name])
    run_parallel(spec, tmp_path / "in_process", workers=1, layout="parts")
    assert _files(tmp_path / "in_process") == files     # the parts themselves, byte for byte


def test_kept_parts_may_be_gzipped(spec, reference, tmp_path: Path) -> None:
    _, summary = run_parallel(spec, tmp_path / "one", workers=1, layout="parts", gzip=True)
    run_parallel(spec, tmp_path / "two", workers=2, layout="parts", gzip=True)
    assert _files(tmp_path / "one") == _files(tmp_path / "two")
    assert all(name.endswith(".jsonl.gz") for name in summary.files)
    assert _days_from_parts(tmp_path / "one", packed=True) == reference[2]


def test_an_unknown_layout_is_refused_before_anything_is_written(spec, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"unknown layout 'rows'.*days, parts"):
        run_parallel(spec, tmp_path / "out", workers=1, layout="rows")
    assert not (tmp_path / "out").exists()

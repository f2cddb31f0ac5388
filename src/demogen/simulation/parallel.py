"""Engines that run shards: in-process, a local process pool, or a Dask cluster.

Every engine runs the same function, :func:`run_shard_part`: build (or reuse) the
compiled simulation, simulate one fixed block of users into its own part files, return
the record counts. The coordinator then concatenates the parts in shard order, so the
bytes are the same whatever the engine or the number of workers.
"""

from __future__ import annotations

import pickle
import shutil
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from demogen.analysis.rules import Rules
from demogen.errors import ConfigError
from demogen.output import DailyJsonlSink, OutputSummary, concat_parts, prepare_output_dir
from demogen.output._files import PARTS_DIR
from demogen.simulation.config import SimulationConfig
from demogen.simulation.engine import Simulation, simulate_shard
from demogen.taxonomy import EventTaxonomy, ProductInfo

ENGINES = ("local", "dask")


@dataclass(frozen=True)
class SimulationSpec:
    """What a worker needs to build the simulation: plain, picklable inputs."""

    taxonomy: EventTaxonomy
    rules: Rules
    product: ProductInfo
    config: SimulationConfig

    def to_bytes(self) -> bytes:
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)


@lru_cache(maxsize=2)
def _simulation(spec_bytes: bytes) -> Simulation:
    """Compile once per worker process and reuse it for every shard it runs."""
    spec: SimulationSpec = pickle.loads(spec_bytes)
    return Simulation.build(spec.taxonomy, spec.rules, spec.product, spec.config)


def run_shard_part(spec_bytes: bytes, shard: int, out_dir: str) -> tuple[int, dict[str, int]]:
    """Simulate one shard into ``OUT/.parts``; the unit of work of every engine."""
    simulation = _simulation(spec_bytes)
    sink = DailyJsonlSink(out_dir, part=shard)
    try:
        counts = simulate_shard(simulation, shard, sink)
        sink.close()
    except BaseException:
        sink.abort()
        raise
    return shard, counts


def run_parallel(spec: SimulationSpec, out_dir: Path, *, workers: int, engine: str = "local",
                 scheduler: str | None = None, gzip: bool = False, overwrite: bool = False,
                 on_shard: Callable[[int], None] | None = None) -> tuple[dict[str, int],
                                                                        OutputSummary]:
    """Run every shard on ``workers`` processes (or a Dask cluster), then join the parts."""
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine '{engine}'; choose one of: {', '.join(ENGINES)}")
    prepare_output_dir(out_dir, overwrite=overwrite)
    shards = -(-spec.config.users // spec.config.shard_size)
    payload = spec.to_bytes()
    runner = _dask_results if engine == "dask" else _pool_results
    totals: Counter[str] = Counter()
    try:
        for shard, counts in runner(payload, shards, str(out_dir), workers, scheduler):
            totals.update(counts)
            if on_shard is not None:
                on_shard(shard)
        summary = concat_parts(out_dir, range(shards), gzip=gzip)
    except BaseException:
        _remove_parts(out_dir)
        raise
    return dict(sorted(totals.items())), summary


def _pool_results(payload: bytes, shards: int, out_dir: str, workers: int,
                  scheduler: str | None) -> Iterable[tuple[int, dict[str, int]]]:
    if workers <= 1:
        for shard in range(shards):
            yield run_shard_part(payload, shard, out_dir)
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_shard_part, payload, shard, out_dir) for shard in range(shards)]
        for future in as_completed(futures):
            yield future.result()


def _dask_results(payload: bytes, shards: int, out_dir: str, workers: int,
                  scheduler: str | None) -> Iterable[tuple[int, dict[str, int]]]:
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError:
        raise ConfigError(
            "the dask engine needs the 'distributed' package: pip install 'demogen[dask]'"
        ) from None
    cluster = None if scheduler else LocalCluster(n_workers=max(workers, 1),
                                                  threads_per_worker=1, processes=True)
    client = Client(scheduler or cluster)
    try:
        data = client.scatter(payload, broadcast=True)
        futures = [client.submit(run_shard_part, data, shard, out_dir, pure=False)
                   for shard in range(shards)]
        for future in dask_completed(futures):
            yield future.result()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _remove_parts(out_dir: Path) -> None:
    shutil.rmtree(out_dir / PARTS_DIR, ignore_errors=True)

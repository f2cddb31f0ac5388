"""Engines that run shards: in-process, a local process pool, or a Dask cluster.

Every engine runs the same function, :func:`run_shard_part`: take the compiled
simulation, simulate one fixed block of users into its own part files, return the record
counts and the parts. The coordinator appends each shard's parts to the day files in shard
order as soon as the shards before it are done (:class:`~demogen.output._daily.PartJoiner`),
so the joining overlaps the simulation, and the bytes are the same whatever the engine or
the number of workers: a day file is every user's lines of that day, users in order. With
``layout="parts"`` nothing is joined: the parts (hashed and fsynced by their worker) are
moved into OUT as the output once every shard is done.

Where the work goes (measured in docs/performance.md):

- one worker: no parts at all, one :class:`DailyJsonlSink` written directly;
- a local pool: the simulation is compiled once, in this process, and the workers are
  forked from it (no pickling, no rebuild per worker); on platforms without ``fork`` each
  worker compiles it once from the pickled :class:`SimulationSpec`;
- Dask: each worker process compiles it once from the scattered spec.
"""

from __future__ import annotations

import multiprocessing
import pickle
import shutil
import sys
from collections import Counter
from collections.abc import Generator, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

from demogen.analysis.rules import Rules
from demogen.errors import ConfigError
from demogen.output import (
    DailyJsonlSink,
    FileStats,
    OutputSummary,
    prepare_output_dir,
    publish_parts,
)
from demogen.output._daily import PartJoiner
from demogen.output._files import PARTS_DIR
from demogen.simulation.config import SimulationConfig
from demogen.simulation.engine import Progress, Simulation, simulate_shard
from demogen.simulation.run import generate
from demogen.taxonomy import EventTaxonomy, ProductInfo

ENGINES = ("local", "dask")
#: ``days``: one file per day (parts joined); ``parts``: the shards' parts are the output.
LAYOUTS = ("days", "parts")

#: What a shard sends back: its index, records per type, and what each part file holds.
ShardResult = tuple[int, dict[str, int], dict[str, FileStats]]


@dataclass(frozen=True)
class SimulationSpec:
    """What a worker needs to build the simulation: plain, picklable inputs."""

    taxonomy: EventTaxonomy
    rules: Rules
    product: ProductInfo
    config: SimulationConfig

    def to_bytes(self) -> bytes:
        return pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL)

    def build(self) -> Simulation:
        return Simulation.build(self.taxonomy, self.rules, self.product, self.config)


@lru_cache(maxsize=2)
def _simulation(spec_bytes: bytes) -> Simulation:
    """Compile once per worker process and reuse it for every shard it runs."""
    spec: SimulationSpec = pickle.loads(spec_bytes)
    return spec.build()


def run_shard_part(spec_bytes: bytes, shard: int, out_dir: str, keep: bool = False,
                   gzip: bool = False) -> ShardResult:
    """Simulate one shard into ``OUT/.parts``; the unit of work of every engine."""
    return _simulate_part(_simulation(spec_bytes), shard, out_dir, keep=keep, gzip=gzip)


def _simulate_part(simulation: Simulation, shard: int, out_dir: str, *, keep: bool = False,
                   gzip: bool = False) -> ShardResult:
    # Parts to be joined are hashed by the coordinator as it joins them and made durable
    # as day files: no checksum, no fsync here. Kept parts (``keep``) are the output: hashed
    # here, fsynced, gzipped if asked.
    sink = DailyJsonlSink(out_dir, part=shard, durable=keep, checksums=keep, gzip=gzip and keep)
    try:
        counts = simulate_shard(simulation, shard, sink)
        summary = sink.close()
    except BaseException:
        sink.abort()
        raise
    return shard, counts, dict(summary.files)


#: The simulation of this pool worker process, set once when the worker starts
#: (:func:`_adopt`); the coordinator never sets it.
_WORKER_SIMULATION: Simulation | None = None


def _adopt(simulation: Simulation) -> None:
    global _WORKER_SIMULATION
    _WORKER_SIMULATION = simulation


def _run_forked_part(shard: int, out_dir: str, keep: bool, gzip: bool) -> ShardResult:
    assert _WORKER_SIMULATION is not None, "pool worker started without its simulation"
    return _simulate_part(_WORKER_SIMULATION, shard, out_dir, keep=keep, gzip=gzip)


def run_parallel(spec: SimulationSpec, out_dir: Path, *, workers: int, engine: str = "local",
                 scheduler: str | None = None, gzip: bool = False, overwrite: bool = False,
                 layout: str = "days", progress: Progress | None = None,
                 ) -> tuple[dict[str, int], OutputSummary]:
    """Run every shard on ``workers`` processes (or a Dask cluster), joining parts as they come.

    ``workers=1`` with the local engine simulates in this process straight into the day
    files. ``layout="parts"`` keeps each shard's part of each day as the output instead of
    joining them (the same parts whatever the engine or the number of workers).
    ``progress(n)`` is told of every ``n`` users done (one by one in process, a shard at a
    time otherwise). Returns the records per ``#type`` and what was written.
    """
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine '{engine}'; choose one of: {', '.join(ENGINES)}")
    if layout not in LAYOUTS:
        raise ConfigError(f"unknown layout '{layout}'; choose one of: {', '.join(LAYOUTS)}")
    keep = layout == "parts"
    if engine == "local" and workers <= 1 and not keep:
        return _run_in_process(spec, out_dir, gzip=gzip, overwrite=overwrite, progress=progress)
    prepare_output_dir(out_dir, overwrite=overwrite)
    shards = -(-spec.config.users // spec.config.shard_size)
    if engine == "dask":
        results = _dask_results(spec.to_bytes(), shards, str(out_dir), workers, scheduler,
                                keep=keep, gzip=gzip)
    elif workers <= 1:
        results = _shards_in_process(spec, shards, str(out_dir), gzip=gzip)
    else:
        results = _pool_results(spec, shards, str(out_dir), workers, keep=keep, gzip=gzip)
    try:
        if keep:
            totals, summary = _keep_parts(results, spec.config, out_dir, progress)
        else:
            totals, summary = _join_parts(results, spec.config, out_dir, gzip, progress)
    except BaseException:
        results.close()     # stop the engine first: no shard may still be writing parts
        _remove_parts(out_dir)
        raise
    return dict(sorted(totals.items())), summary


def _join_parts(results: Iterable[ShardResult], config: SimulationConfig, out_dir: Path,
                gzip: bool, progress: Progress | None) -> tuple[Counter[str], OutputSummary]:
    totals: Counter[str] = Counter()
    joiner = PartJoiner(out_dir, gzip=gzip)
    try:
        for shard, counts in _join_in_order(results, joiner):
            totals.update(counts)
            if progress is not None:
                progress(_shard_users(config, shard))
        return totals, joiner.finish()
    except BaseException:
        joiner.discard()
        raise


def _keep_parts(results: Iterable[ShardResult], config: SimulationConfig, out_dir: Path,
                progress: Progress | None) -> tuple[Counter[str], OutputSummary]:
    totals: Counter[str] = Counter()
    parts: dict[str, FileStats] = {}
    for shard, counts, files in results:
        totals.update(counts)
        parts.update(files)
        if progress is not None:
            progress(_shard_users(config, shard))
    return totals, publish_parts(out_dir, parts)


def _run_in_process(spec: SimulationSpec, out_dir: Path, *, gzip: bool, overwrite: bool,
                    progress: Progress | None) -> tuple[dict[str, int], OutputSummary]:
    with DailyJsonlSink(out_dir, gzip=gzip, overwrite=overwrite) as sink:
        counts = generate(spec.taxonomy, spec.rules, spec.product, spec.config, sink, progress)
        summary = sink.close()
    return counts, summary


def _shard_users(config: SimulationConfig, shard: int) -> int:
    first = shard * config.shard_size
    return min(config.shard_size, config.users - first)


def _join_in_order(results: Iterable[ShardResult],
                   joiner: PartJoiner) -> Iterator[tuple[int, dict[str, int]]]:
    """Hand each shard's parts to ``joiner`` once every shard before it has been joined."""
    waiting: dict[int, dict[str, int]] = {}
    next_shard = 0
    for shard, counts, parts in results:
        waiting[shard] = {name: stats.lines for name, stats in parts.items()}
        while next_shard in waiting:
            joiner.append(waiting.pop(next_shard), remove=True)
            next_shard += 1
        yield shard, counts


def _shards_in_process(spec: SimulationSpec, shards: int, out_dir: str, *,
                       gzip: bool) -> Generator[ShardResult, None, None]:
    """Every shard in this process, in order, each into its own kept parts."""
    simulation = spec.build()
    for shard in range(shards):
        yield _simulate_part(simulation, shard, out_dir, keep=True, gzip=gzip)


def _pool_results(spec: SimulationSpec, shards: int, out_dir: str, workers: int, *,
                  keep: bool, gzip: bool) -> Generator[ShardResult, None, None]:
    if sys.platform == "linux":
        # fork: each worker inherits the simulation compiled here through its initializer's
        # arguments (copied by the fork, never pickled) instead of rebuilding it.
        pool = ProcessPoolExecutor(max_workers=workers,
                                   mp_context=multiprocessing.get_context("fork"),
                                   initializer=_adopt, initargs=(spec.build(),))
        task = partial(_run_forked_part, out_dir=out_dir, keep=keep, gzip=gzip)
    else:                           # spawn: each worker compiles it once from the spec
        pool = ProcessPoolExecutor(max_workers=workers)
        task = partial(run_shard_part, spec.to_bytes(), out_dir=out_dir, keep=keep, gzip=gzip)
    with pool:
        futures = [pool.submit(task, shard) for shard in range(shards)]
        try:
            for future in as_completed(futures):
                yield future.result()
        except BaseException:
            _stop_workers(pool)
            raise


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel the pending shards and terminate the running ones, then reap the workers.

    ``shutdown(cancel_futures=True)`` alone waits for the running shards: a SIGINT sent to
    this process only (``kill -INT``, not a terminal's Ctrl-C, which reaches the workers
    too) would wait minutes for them. Their half-written parts are removed by the caller.
    """
    # shutdown() forgets the processes: take them first. Python 3.14 has
    # pool.terminate_workers(); before it, _processes is the only handle on them.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        try:
            process.terminate()     # a worker already gone is skipped (os.kill is guarded)
        except ValueError:          # closed by the pool already: nothing left to stop
            continue
    # The pool's manager thread sees the workers die, fails what was left and joins them
    # (no zombie): this returns as soon as they are gone.
    pool.shutdown(wait=True)


def _dask_results(payload: bytes, shards: int, out_dir: str, workers: int,
                  scheduler: str | None, *, keep: bool, gzip: bool
                  ) -> Generator[ShardResult, None, None]:
    try:
        from distributed import Client, LocalCluster
        from distributed import as_completed as dask_completed
    except ImportError:
        raise ConfigError(
            "the dask engine needs the 'distributed' package: pip install 'demogen[dask]'"
        ) from None
    # Without --scheduler: a cluster of local processes, listening on 127.0.0.1 only.
    cluster = None if scheduler else LocalCluster(n_workers=max(workers, 1),
                                                  threads_per_worker=1, processes=True,
                                                  host="127.0.0.1", dashboard_address=None)
    client = Client(scheduler or cluster)
    try:
        data = client.scatter(payload, broadcast=True)
        futures = [client.submit(run_shard_part, data, shard, out_dir, keep, gzip, pure=False)
                   for shard in range(shards)]
        try:
            for future in dask_completed(futures):
                yield future.result()
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _remove_parts(out_dir: Path) -> None:
    shutil.rmtree(out_dir / PARTS_DIR, ignore_errors=True)

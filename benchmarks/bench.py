"""`make bench`: throughput, distance to the serialization floor, memory, worker scaling.

    python benchmarks/bench.py              # the issue's sizes: long (about an hour on 2 cores)
    python benchmarks/bench.py --quick      # small sizes: a few minutes
    make bench BENCH_ARGS="--quick"         # the same through make
    python benchmarks/bench.py --only throughput,floor --users 5000

What each section measures (every run in its own subprocess, so no run warms another):

- throughput: one worker (``simulation.generate`` into one ``DailyJsonlSink``: what
  ``demogen generate`` does, and ``run_parallel(workers=1)``) and ``run_parallel(workers=N)``,
  alternated, ``--repeat`` times each, on the same inputs; timed
  from the start of the simulation (compiling the simulation included) to the last day file
  renamed into place, fsync included. Events are ``track`` records; every run's files are
  checked byte-identical (SHA-256 of each day file). ``--baseline OLD/src`` also times
  another checkout (e.g. ``git worktree add /tmp/old HEAD~3``), alternated with the others.
- floor: the records of one of those outputs, parsed back into Python dicts beforehand
  (not timed), then ``orjson.dumps`` + written to the same day files with the same
  durability (one fsync per file) — the least any generator of these bytes must spend.
- memory: peak RSS (``os.wait4`` of the child: its ``ru_maxrss``) of in-process runs at
  ``--mem-users`` × ``--mem-days`` and at ``--growth-users`` × each of ``--growth-days``.
  The day files go through the real :class:`DailyJsonlSink` (its buffers, its hashing),
  but only each flush's last chunk is kept on disk (``--mem-files`` keeps everything):
  100,000 users × 30 days is ~60 GB of JSONL, page cache not RSS.
- upload: ``demogen upload``'s library call (``upload_output``) sending one output
  (``--upload-users`` × ``--upload-days``) to a minimal receiver on 127.0.0.1 in its own
  process (``benchmarks/receiver.py``: gunzips and parses every batch), in batches of 200 (the
  default) and 1000, 4 requests in flight; records acknowledged per second (and per CPU
  second of the uploading process, steadier on a shared machine), median of ``--repeat``.
- profile: a sampling profile (``SIGPROF`` every ms of CPU) of an in-process run; each
  sample goes to the innermost demogen module on the stack (values, planning, state,
  emitter, writing, …); shares are turned into µs per event with the measured throughput.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import orjson

REPO = Path(__file__).resolve().parents[1]
START = date(2025, 1, 6)           # a Monday; output depends on the start's weekday only
SEED = 0
FLOOR_CHUNK = 20_000                # records parsed per batch before the timed dumps + write


# -- runs in a subprocess -------------------------------------------------------------------


def _spec(taxonomy: str, users: int, days: int) -> Any:
    from demogen.analysis import analyze
    from demogen.analysis.heuristic import HeuristicAnalyzer
    from demogen.simulation import SimulationConfig, preset_for_industry
    from demogen.simulation.parallel import SimulationSpec
    from demogen.taxonomy import load_taxonomy

    loaded = load_taxonomy(Path(taxonomy))
    rules = analyze(loaded.taxonomy, loaded.product, HeuristicAnalyzer()).rules
    config = SimulationConfig(users=users, start=START, days=days, seed=SEED,
                              preset=preset_for_industry(loaded.product.industry))
    return SimulationSpec(loaded.taxonomy, rules, loaded.product, config)


def _discarding_sink(out: Path) -> Any:
    from demogen.output import DailyJsonlSink

    class LastChunkSink(DailyJsonlSink):
        """DailyJsonlSink (same buffers, same hashing) that keeps only the last flush."""

        def _append(self, state: Any, blocks: list[bytes]) -> None:
            with open(state.temp, "wb") as f:
                f.writelines(blocks)

    return LastChunkSink(out)


def child_run(job: dict[str, Any]) -> dict[str, Any]:
    """One generation; prints seconds, record counts and the day files' stats."""
    from demogen.output import DailyJsonlSink
    from demogen.simulation import generate
    from demogen.simulation.parallel import run_parallel

    spec = _spec(job["taxonomy"], job["users"], job["days"])
    out = Path(job["out"])
    loaded_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    began = time.perf_counter()
    if job.get("discard"):
        sink = _discarding_sink(out)
        counts = generate(spec.taxonomy, spec.rules, spec.product, spec.config, sink)
        summary = sink.close()
    elif job["workers"] == 1 and job.get("engine", "local") == "local":
        # What `demogen generate` does (and run_parallel(workers=1) now): one process, one
        # sink. Written out so that a --baseline checkout is timed on the same path.
        with DailyJsonlSink(out) as sink:
            counts = generate(spec.taxonomy, spec.rules, spec.product, spec.config, sink)
            summary = sink.close()
    else:
        counts, summary = run_parallel(spec, out, workers=job["workers"],
                                       engine=job.get("engine", "local"))
    seconds = time.perf_counter() - began
    files = {name: [s.lines, s.bytes, s.sha256] for name, s in summary.files.items()}
    own = resource.getrusage(resource.RUSAGE_SELF)      # the coordinator, without its workers
    return {"seconds": seconds, "counts": counts, "files": files,
            "own_cpu_seconds": own.ru_utime + own.ru_stime,
            "loaded_peak_mib": loaded_peak, "end_rss_mib": _current_rss_mib()}


def _current_rss_mib() -> float:
    """Resident memory now (Linux ``/proc``; 0 elsewhere)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def child_floor(job: dict[str, Any]) -> dict[str, Any]:
    """orjson.dumps + write of the records of ``job['source']`` (already dicts), timed."""
    source, out = Path(job["source"]), Path(job["out"])
    out.mkdir(parents=True, exist_ok=True)
    dumps, loads = orjson.dumps, orjson.loads
    timed = 0.0
    records = 0
    for path in sorted(source.glob("logs_*.jsonl")):
        with open(path, "rb") as src, open(out / path.name, "wb") as dst:
            while True:
                batch = [loads(line) for line, _ in zip(src, range(FLOOR_CHUNK), strict=False)]
                if not batch:
                    break
                records += len(batch)
                began = time.perf_counter()
                lines = [dumps(record) for record in batch]
                lines.append(b"")
                dst.write(b"\n".join(lines))
                timed += time.perf_counter() - began
            began = time.perf_counter()
            dst.flush()
            os.fsync(dst.fileno())
            timed += time.perf_counter() - began
        if not job.get("keep"):
            (out / path.name).unlink()
    return {"seconds": timed, "records": records}


_CATEGORIES = (          # innermost demogen module on the stack → what the time is spent on
    ("/simulation/values/", "values: property sampling"),
    ("/simulation/story.py", "planning: session story"),
    ("/simulation/behaviour.py", "planning: session story"),
    ("/simulation/lifecycle.py", "planning: session story"),
    ("/simulation/state.py", "state: update patterns"),
    ("/simulation/emitter.py", "emitter: record bytes, orjson, #uuid, #time"),
    ("/output/", "writing: sink buffers, files, SHA-256"),
    ("/simulation/engine.py", "engine loop (engine.py)"),
    ("/simulation/", "users and sessions (population, sessions, devices)"),
    ("/analysis/", "values: property sampling"),      # formulas evaluated per event
)


def child_profile(job: dict[str, Any]) -> dict[str, Any]:
    """Sample where the CPU goes during the simulation (not while compiling it)."""
    from demogen.output import DailyJsonlSink
    from demogen.simulation.engine import simulate_shard

    spec = _spec(job["taxonomy"], job["users"], job["days"])
    simulation = spec.build()
    samples: Counter[str] = Counter()

    def sample(signum: int, frame: Any) -> None:
        while frame is not None:
            name = frame.f_code.co_filename.replace(os.sep, "/")
            if "/demogen/" in name:
                samples[next((c for key, c in _CATEGORIES if key in name), "other demogen")] += 1
                return
            frame = frame.f_back
        samples["outside demogen"] += 1

    counts: Counter[str] = Counter()
    signal.signal(signal.SIGPROF, sample)
    signal.setitimer(signal.ITIMER_PROF, 0.001, 0.001)
    began = time.perf_counter()
    with DailyJsonlSink(job["out"]) as sink:
        for shard in range(simulation.shard_count):
            counts.update(simulate_shard(simulation, shard, sink))
        sink.close()
    seconds = time.perf_counter() - began
    signal.setitimer(signal.ITIMER_PROF, 0, 0)
    return {"seconds": seconds, "counts": dict(counts), "samples": dict(samples)}


# -- the coordinator --------------------------------------------------------------------------


def spawn(kind: str, job: dict[str, Any], source: Path | None = None) -> subprocess.Popen[bytes]:
    """A child running ``kind``; ``source``: import demogen from that ``src`` folder instead."""
    env = None if source is None else {**os.environ, "PYTHONPATH": str(source)}
    return subprocess.Popen([sys.executable, __file__, f"_{kind}", json.dumps(job)],
                            stdout=subprocess.PIPE, cwd=REPO, env=env)


def collect(process: subprocess.Popen[bytes],
            waited: tuple[int, int, Any] | None = None) -> dict[str, Any]:
    """Wait for one child (unless ``waited`` holds its ``os.wait4`` answer already); its JSON
    answer plus its peak RSS in MiB (Linux: ``ru_maxrss`` is in KiB) and its CPU seconds."""
    assert process.stdout is not None
    output = process.stdout.read()       # one JSON line, printed when the child is done
    _, status, usage = waited or os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"benchmark child failed ({process.returncode}): {process.args}")
    result = json.loads(output.decode().strip().splitlines()[-1])
    result["peak_rss_mib"] = usage.ru_maxrss / 1024
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime      # the child and its workers
    return result


def run(kind: str, job: dict[str, Any], source: Path | None = None) -> dict[str, Any]:
    return collect(spawn(kind, job, source))


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench_throughput(args: argparse.Namespace, scratch: Path, results: dict[str, Any]) -> None:
    """workers=1 and workers=N (and the baseline, if any) alternated; the last workers=1
    output stays for the floor."""
    job = {"taxonomy": args.taxonomy, "users": args.users, "days": args.days}
    kinds: list[Any] = [1, args.workers] + (["baseline"] if args.baseline else [])
    times: dict[Any, list[float]] = {kind: [] for kind in kinds}
    cpu: dict[Any, list[float]] = {kind: [] for kind in kinds}
    digest: dict[str, Any] | None = None
    counts: dict[str, int] = {}
    size = 0
    baseline_identical = True
    for r in range(args.repeat):
        order = kinds[r % len(kinds):] + kinds[:r % len(kinds)]
        if r == args.repeat - 1:               # end on workers=1: its output feeds the floor
            order = [k for k in order if k != 1] + [1]
        for kind in order:
            out = scratch / f"run-w{kind}"
            shutil.rmtree(out, ignore_errors=True)
            workers = 1 if kind == "baseline" else kind
            source = args.baseline if kind == "baseline" else None
            result = run("run", {**job, "workers": workers, "out": str(out)}, source)
            shutil.rmtree(out / ".parts", ignore_errors=True)
            if kind == "baseline":
                baseline_identical = baseline_identical and result["files"] == digest
            elif digest is None:
                digest, counts = result["files"], result["counts"]
                size = sum(f[1] for f in digest.values())
            elif result["files"] != digest:
                differ = sorted(n for n in digest if digest[n] != result["files"].get(n))
                raise SystemExit(f"workers={workers} wrote other bytes than the first run "
                                 f"({', '.join(differ[:3])}): did the code change meanwhile?")
            times[kind].append(result["seconds"])
            cpu[kind].append(result["cpu_seconds"])
            say(f"  run {r + 1}/{args.repeat} {kind if kind == 'baseline' else f'workers={kind}'}"
                f": {result['seconds']:.1f} s, "
                f"{result['counts']['track'] / result['seconds']:,.0f} events/s, "
                f"CPU {result['cpu_seconds']:.1f} s (coordinator "
                f"{result['own_cpu_seconds']:.1f} s), load {os.getloadavg()[0]:.1f}")
            if not (kind == 1 and r == args.repeat - 1):
                shutil.rmtree(out, ignore_errors=True)
    one, many = median(times[1]), median(times[args.workers])
    results["throughput"] = {
        "users": args.users, "days": args.days, "events": counts["track"],
        "records": sum(counts.values()), "bytes": size, "seconds_1": times[1],
        f"seconds_{args.workers}": times[args.workers], "median_1": one,
        f"median_{args.workers}": many, "events_per_s": counts["track"] / one,
        "records_per_s": sum(counts.values()) / one, "speedup": one / many,
        "workers": args.workers, "identical": True, "cpu_1": cpu[1],
        f"cpu_{args.workers}": cpu[args.workers],
        "events_per_cpu_s": counts["track"] / median(cpu[1]),
        "cpu_speedup_bound": args.workers * median(cpu[1]) / median(cpu[args.workers]),
    }
    if args.baseline:
        results["baseline"] = {"source": str(args.baseline), "seconds": times["baseline"],
                               "cpu": cpu["baseline"], "median": median(times["baseline"]),
                               "speedup": median(times["baseline"]) / one,
                               "cpu_speedup": median(cpu["baseline"]) / median(cpu[1]),
                               "identical": baseline_identical}


def child_upload(job: dict[str, Any]) -> dict[str, Any]:
    """One upload of ``job["out"]`` from scratch (the checkpoint removed first)."""
    from demogen.upload import CHECKPOINT_NAME, Target, UploadOptions, upload_output

    out = Path(job["out"])
    (out / CHECKPOINT_NAME).unlink(missing_ok=True)
    options = UploadOptions(batch_size=job["batch_size"], in_flight=job["in_flight"])
    summary = upload_output(out, Target.parse(job["url"], "bench-appid"), options)
    if not summary.complete:
        raise SystemExit(f"upload incomplete: {summary.error}")
    return {"seconds": summary.seconds, "records": summary.acknowledged,
            "bytes": sum(p.stat().st_size for p in out.glob("logs_*.jsonl"))}


def bench_upload(args: argparse.Namespace, scratch: Path, results: dict[str, Any]) -> None:
    out = scratch / "upload-source"
    run("run", {"taxonomy": args.taxonomy, "users": args.upload_users,
                "days": args.upload_days, "workers": 1, "out": str(out)})
    receiver = subprocess.Popen([sys.executable, str(REPO / "benchmarks" / "receiver.py")],
                                stdout=subprocess.PIPE, cwd=REPO)
    try:
        assert receiver.stdout is not None
        url = f"http://127.0.0.1:{int(receiver.stdout.readline())}"
        section: dict[str, Any] = {"users": args.upload_users, "days": args.upload_days}
        for batch in (200, 1000):
            rates, per_cpu = [], []
            for r in range(args.repeat):
                result = run("upload", {"out": str(out), "url": url, "batch_size": batch,
                                        "in_flight": 4})
                rates.append(result["records"] / result["seconds"])
                per_cpu.append(result["records"] / result["cpu_seconds"])
                say(f"  upload batch {batch} {r + 1}/{args.repeat}: "
                    f"{result['records']:,} records in {result['seconds']:.1f} s")
            section.update(records=result["records"], bytes=result["bytes"])
            section[f"rates_{batch}"] = rates
            section[f"median_{batch}"] = median(rates)
            section[f"per_cpu_{batch}"] = median(per_cpu)
        results["upload"] = section
    finally:
        receiver.kill()
        receiver.wait()
        shutil.rmtree(out, ignore_errors=True)


def bench_floor(args: argparse.Namespace, scratch: Path, results: dict[str, Any]) -> None:
    source = scratch / "run-w1"
    if not source.is_dir():
        raise SystemExit("the floor needs the throughput section's output (--only ...,floor)")
    times = []
    for r in range(args.repeat):
        result = run("floor", {"source": str(source), "out": str(scratch / "floor")})
        times.append(result["seconds"])
        say(f"  floor {r + 1}/{args.repeat}: {result['seconds']:.1f} s")
    shutil.rmtree(scratch / "floor", ignore_errors=True)
    shutil.rmtree(source, ignore_errors=True)
    floor = median(times)
    results["floor"] = {"seconds": times, "median": floor,
                        "ratio": results["throughput"]["median_1"] / floor}


def bench_memory(args: argparse.Namespace, scratch: Path, results: dict[str, Any]) -> None:
    """Untimed, so two children run side by side."""
    sizes = [(args.mem_users, args.mem_days)] + [(args.growth_users, d) for d in args.growth_days]
    pending = list(dict.fromkeys(sizes))
    running: list[tuple[tuple[int, int], subprocess.Popen[bytes]]] = []
    measured: dict[str, Any] = {}
    while pending or running:
        while pending and len(running) < args.mem_jobs:
            users, days = pending.pop(0)
            out = scratch / f"mem-{users}-{days}"
            job = {"taxonomy": args.taxonomy, "users": users, "days": days, "workers": 1,
                   "out": str(out), "discard": not args.mem_files}
            running.append(((users, days), spawn("run", job)))
        waited = os.wait4(-1, 0)        # whichever finishes first
        index = next(i for i, (_, p) in enumerate(running) if p.pid == waited[0])
        (users, days), process = running.pop(index)
        result = collect(process, waited)
        shutil.rmtree(scratch / f"mem-{users}-{days}", ignore_errors=True)
        measured[f"{users}x{days}"] = {"users": users, "days": days,
                                       "events": result["counts"].get("track", 0),
                                       "peak_rss_mib": result["peak_rss_mib"],
                                       "loaded_peak_mib": result["loaded_peak_mib"],
                                       "end_rss_mib": result["end_rss_mib"]}
        say(f"  memory {users:,} users × {days} days: peak RSS {result['peak_rss_mib']:.0f} MiB "
            f"(before simulating {result['loaded_peak_mib']:.0f} MiB, at the end "
            f"{result['end_rss_mib']:.0f} MiB)")
    results["memory"] = measured


def bench_profile(args: argparse.Namespace, scratch: Path, results: dict[str, Any]) -> None:
    job = {"taxonomy": args.taxonomy, "users": args.profile_users, "days": args.days,
           "out": str(scratch / "profile")}
    result = run("profile", job)
    shutil.rmtree(scratch / "profile", ignore_errors=True)
    total = sum(result["samples"].values())
    events = result["counts"]["track"]
    per_event = (results["throughput"]["median_1"] / results["throughput"]["events"]
                 if "throughput" in results else result["seconds"] / events)
    results["profile"] = {
        "users": args.profile_users, "samples": total,
        "shares": {k: n / total for k, n in result["samples"].items()},
        "us_per_event": per_event * 1e6,
    }


def report(results: dict[str, Any], args: argparse.Namespace) -> str:
    lines = [f"demogen bench — {args.taxonomy}, seed {SEED}, start {START}, "
             f"{os.cpu_count()} CPUs, Python {sys.version.split()[0]}, load average at the "
             f"end {os.getloadavg()[0]:.1f} (other processes share these CPUs)", ""]
    lines += ["| measure | value |", "| --- | --- |"]
    t = results.get("throughput")
    if t:
        w = t["workers"]
        lines += [
            f"| run | {t['users']:,} users × {t['days']} days: {t['events']:,} events, "
            f"{t['records']:,} records, {t['bytes'] / 2**30:.2f} GiB |",
            f"| 1 worker, median of {len(t['seconds_1'])} | {t['median_1']:.1f} s "
            f"({', '.join(f'{s:.1f}' for s in t['seconds_1'])}) |",
            f"| **events/s, one core** | **{t['events_per_s']:,.0f}** "
            f"({t['records_per_s']:,.0f} records/s) |",
            f"| events per CPU second, 1 worker | {t['events_per_cpu_s']:,.0f} "
            f"(CPU {', '.join(f'{s:.1f}' for s in t['cpu_1'])} s) |",
            f"| {w} workers, median | {t[f'median_{w}']:.1f} s "
            f"({', '.join(f'{s:.1f}' for s in t[f'seconds_{w}'])}) |",
            f"| **speed-up {w} vs 1 worker** | **{t['speedup']:.2f}×** (byte-identical) |",
            f"| CPU-time bound of that speed-up ({w} × CPU of 1 worker ÷ CPU of {w}) | "
            f"{t['cpu_speedup_bound']:.2f}× (CPU {', '.join(f'{s:.1f}' for s in t[f'cpu_{w}'])}"
            " s) |",
        ]
    b = results.get("baseline")
    if b:
        lines += [f"| baseline ({b['source']}), median | {b['median']:.1f} s "
                  f"({', '.join(f'{s:.1f}' for s in b['seconds'])}); CPU "
                  f"{', '.join(f'{s:.1f}' for s in b['cpu'])} s |",
                  f"| **speed-up vs the baseline, 1 worker** | **{b['speedup']:.2f}×** wall, "
                  f"{b['cpu_speedup']:.2f}× CPU; same bytes: "
                  f"{'yes' if b['identical'] else 'no'} |"]
    f = results.get("floor")
    if f:
        lines += [f"| floor: orjson.dumps + write, median | {f['median']:.1f} s "
                  f"({', '.join(f'{s:.1f}' for s in f['seconds'])}) |",
                  f"| **ratio to the floor** | **{f['ratio']:.2f}×** |"]
    for m in (results.get("memory") or {}).values():
        lines.append(f"| peak RSS {m['users']:,} users × {m['days']} days "
                     f"({m['events']:,} events) | **{m['peak_rss_mib']:.0f} MiB** (peak before "
                     f"simulating {m['loaded_peak_mib']:.0f} MiB; RSS at the end "
                     f"{m['end_rss_mib']:.0f} MiB) |")
    u = results.get("upload")
    if u:
        lines.append(f"| upload ({u['users']:,} users × {u['days']} days: {u['records']:,} "
                     f"records, {u['bytes'] / 2**20:.0f} MiB) to a local receiver |  |")
        for batch in (200, 1000):
            lines.append(f"| **records/s, batches of {batch}**, 4 in flight, median | "
                         f"**{u[f'median_{batch}']:,.0f}** "
                         f"({', '.join(f'{x:,.0f}' for x in u[f'rates_{batch}'])}); "
                         f"{u[f'per_cpu_{batch}']:,.0f} per CPU-second of the uploader |")
    p = results.get("profile")
    if p:
        lines += ["", f"Where one event's {p['us_per_event']:.1f} µs go (sampling profile, "
                  f"{p['users']:,} users, {p['samples']:,} samples):", "",
                  "| part | share | µs/event |", "| --- | --- | --- |"]
        for name, share in sorted(p["shares"].items(), key=lambda kv: -kv[1]):
            lines.append(f"| {name} | {share:.1%} | {share * p['us_per_event']:.2f} |")
    return "\n".join(lines)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="small sizes (a few minutes)")
    parser.add_argument("--taxonomy", default="examples/game")
    parser.add_argument("--users", type=int, default=20_000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--mem-users", type=int, default=100_000)
    parser.add_argument("--mem-days", type=int, default=30)
    parser.add_argument("--growth-users", type=int, default=20_000)
    parser.add_argument("--growth-days", type=int, nargs="+", default=[10, 60])
    parser.add_argument("--mem-jobs", type=int, default=2, help="memory runs side by side")
    parser.add_argument("--mem-files", action="store_true",
                        help="memory runs keep their whole output on disk")
    parser.add_argument("--profile-users", type=int, default=2_000)
    parser.add_argument("--baseline", type=Path, default=None,
                        help="another demogen src folder: also time it, alternated (1 worker)")
    parser.add_argument("--upload-users", type=int, default=1_000)
    parser.add_argument("--upload-days", type=int, default=7)
    parser.add_argument("--only", default="throughput,floor,memory,profile,upload")
    parser.add_argument("--scratch", type=Path, default=None, help="where outputs go (tmp)")
    parser.add_argument("--json", type=Path, default=None, help="also save the numbers here")
    if "--quick" in argv:     # smaller defaults; sizes given explicitly still win
        parser.set_defaults(users=2_000, mem_users=4_000, growth_users=1_000, profile_users=500,
                            upload_users=300, upload_days=3)
    args = parser.parse_args(argv)
    if args.baseline is not None:
        args.baseline = args.baseline.resolve()
    sections = args.only.split(",")
    scratch = Path(tempfile.mkdtemp(prefix="demogen-bench-", dir=args.scratch))
    results: dict[str, Any] = {}
    try:
        for name, fn in (("throughput", bench_throughput), ("floor", bench_floor),
                         ("profile", bench_profile), ("memory", bench_memory),
                         ("upload", bench_upload)):
            if name in sections:
                say(f"{name} …")
                fn(args, scratch, results)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    text = report(results, args)
    print(text)
    if args.json:
        settings = {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
        args.json.write_text(json.dumps({"args": settings, "results": results}, indent=2))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1].startswith("_"):
        child = {"_run": child_run, "_floor": child_floor, "_profile": child_profile,
                 "_upload": child_upload}
        print(json.dumps(child[sys.argv[1]](json.loads(sys.argv[2]))))
    else:
        main(sys.argv[1:])

"""Property sampling (``simulation/values/``) alone and end to end, in CPU time.

    python benchmarks/values.py                       # examples/game, 1,500 users × 30 days
    python benchmarks/values.py --users 2000 --repeat 5
    python benchmarks/values.py --baseline /tmp/old/src   # alternated with another checkout

Every run is a fresh subprocess simulating into a sink that drops the lines (no disk, no
hashing), so what is left is the simulation's own CPU. Two kinds of run, alternated:

- ``total``: ``process_time`` of the whole simulation (compiling it included): events per
  CPU-second and µs per event;
- ``values``: the same run under a sampling profile (``SIGPROF`` every ms of CPU, as in
  ``bench.py --only profile``): the share of the simulation's CPU (compiling excluded)
  spent in ``simulation/values/`` and ``analysis/`` (formulas), in µs per event. The
  profile's signals cost a little, so that run's total is not reported.

Medians over ``--repeat`` runs of each kind. No timing is asserted anywhere.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
START = date(2025, 1, 6)
SEED = 0


class _DropSink:
    """Counts lines and drops them."""

    def __init__(self) -> None:
        self.lines = 0

    def write(self, day: date, line: bytes) -> None:
        self.lines += 1


def _simulation(taxonomy: str, users: int, days: int) -> Any:
    from demogen.analysis import analyze
    from demogen.analysis.heuristic import HeuristicAnalyzer
    from demogen.simulation import SimulationConfig, preset_for_industry
    from demogen.simulation.engine import Simulation
    from demogen.taxonomy import load_taxonomy

    loaded = load_taxonomy(Path(taxonomy))
    rules = analyze(loaded.taxonomy, loaded.product, HeuristicAnalyzer()).rules
    config = SimulationConfig(users=users, start=START, days=days, seed=SEED,
                              preset=preset_for_industry(loaded.product.industry))
    return lambda: Simulation.build(loaded.taxonomy, rules, loaded.product, config)


class _Profile:
    """``SIGPROF`` every ms of CPU: a sample counts for values when the innermost demogen
    frame on the stack is in ``simulation/values/`` (generated samplers included) or
    ``analysis/`` (formulas), as in ``bench.py``'s profile."""

    def __init__(self) -> None:
        self.values = 0
        self.total = 0

    def __call__(self, signum: int, frame: Any) -> None:
        self.total += 1
        while frame is not None:
            name = frame.f_code.co_filename.replace(os.sep, "/")
            if "/demogen/" in name:
                self.values += "/simulation/values/" in name or "/analysis/" in name
                return
            frame = frame.f_back

    def start(self) -> None:
        signal.signal(signal.SIGPROF, self)
        signal.setitimer(signal.ITIMER_PROF, 0.001, 0.001)

    def stop(self) -> None:
        signal.setitimer(signal.ITIMER_PROF, 0, 0)


def child(job: dict[str, Any]) -> dict[str, Any]:
    from demogen.simulation.engine import simulate_shard

    build = _simulation(job["taxonomy"], job["users"], job["days"])
    began = time.process_time()
    simulation = build()
    built = time.process_time()
    profile = _Profile()
    if job["kind"] == "values":
        profile.start()
    sink = _DropSink()
    events = 0
    for shard in range(simulation.shard_count):
        events += simulate_shard(simulation, shard, sink).get("track", 0)
    profile.stop()
    done = time.process_time()
    share = profile.values / profile.total if profile.total else 0.0
    return {"cpu": done - began, "events": events, "lines": sink.lines,
            "values_us": share * (done - built) / events * 1e6}


def run(job: dict[str, Any], source: Path | None) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(source)} if source is not None else None
    out = subprocess.run([sys.executable, __file__, "_child", json.dumps(job)], cwd=REPO,
                         env=env, check=True, capture_output=True)
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--taxonomy", default=str(REPO / "examples" / "game"))
    parser.add_argument("--users", type=int, default=1_500)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline", type=Path, help="another checkout's src folder")
    args = parser.parse_args()
    sources: list[tuple[str, Path | None]] = [("this tree", None)]
    if args.baseline is not None:
        sources.insert(0, ("baseline", args.baseline.resolve()))
    results: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for _ in range(args.repeat):
        for label, source in sources:
            for kind in ("total", "values"):
                job = {"taxonomy": args.taxonomy, "users": args.users, "days": args.days,
                       "kind": kind}
                results.setdefault((label, kind), []).append(run(job, source))
    print(f"{Path(args.taxonomy).name}, {args.users} users × {args.days} days, seed {SEED}, "
          f"medians of {args.repeat}, load {os.getloadavg()[0]:.2f}")
    for label, _ in sources:
        total, values = results[(label, "total")], results[(label, "values")]
        events = total[0]["events"]
        cpu = statistics.median(r["cpu"] for r in total)
        us = statistics.median(r["values_us"] for r in values)
        cpus = ", ".join(f"{r['cpu']:.2f}" for r in total)
        uss = ", ".join(f"{r['values_us']:.2f}" for r in values)
        print(f"  {label:9} {events:,} events  CPU {cpu:.2f} s ({cpus})  "
              f"{events / cpu:,.0f} events/CPU-s  {cpu / events * 1e6:.2f} µs/event  "
              f"values {us:.2f} µs/event ({uss})")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "_child":
        print(json.dumps(child(json.loads(sys.argv[2]))))
    else:
        main()

"""Run a whole simulation into a sink, shard after shard (in-process engine)."""

from __future__ import annotations

from collections import Counter

from demogen.analysis.rules import Rules
from demogen.simulation.config import SimulationConfig
from demogen.simulation.emitter import LineSink
from demogen.simulation.engine import Progress, Simulation, simulate_shard
from demogen.taxonomy import EventTaxonomy, ProductInfo


def generate(taxonomy: EventTaxonomy, rules: Rules, product: ProductInfo,
             config: SimulationConfig, sink: LineSink,
             progress: Progress | None = None) -> dict[str, int]:
    """Simulate every user into ``sink``; returns the number of records per ``#type``.

    Shards run in order, so the bytes written are those of the shards' parts
    concatenated in shard order: what a parallel engine will produce too.
    """
    simulation = Simulation.build(taxonomy, rules, product, config)
    totals: Counter[str] = Counter()
    for shard in range(simulation.shard_count):
        totals.update(simulate_shard(simulation, shard, sink, progress))
    return dict(sorted(totals.items()))

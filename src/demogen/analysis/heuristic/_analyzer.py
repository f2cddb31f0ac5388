"""The heuristic analyzer: offline, deterministic rules from names, tags and descriptions."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._funnels import (
    activity_funnel,
    drop_covered,
    match_templates,
    numbered_families,
    step_funnel,
)
from demogen.analysis.heuristic._lifecycle import (
    category_of,
    event_roles,
    lifecycle_rules,
    one_time_events,
    session_events,
)
from demogen.analysis.heuristic._money import Money
from demogen.analysis.heuristic._properties import (
    property_constraints,
    property_relationships,
    value_ranges,
)
from demogen.analysis.heuristic._segments import global_order, segment_analysis
from demogen.analysis.heuristic._sequences import Ordering, build_ordering, sequences
from demogen.analysis.heuristic._updates import update_patterns
from demogen.analysis.rules import EventConstraints, Funnel, MonetaryProperty, Rules
from demogen.taxonomy import EventTaxonomy, ProductInfo


class HeuristicAnalyzer:
    """Infers :class:`Rules` from the words of a taxonomy; no network, same input same output.

    >>> rules = HeuristicAnalyzer().analyze(taxonomy, product)   # doctest: +SKIP
    """

    name = "heuristic"
    #: No model behind it; its revision (a hash of its code and word lists) takes the place
    #: of one in the cache key.
    model = ""

    def __init__(self) -> None:
        from demogen.analysis.cache import heuristic_revision

        self.model = f"rev-{heuristic_revision()}"

    def analyze(self, taxonomy: EventTaxonomy, product: ProductInfo) -> Rules:
        ctx = Context(taxonomy=taxonomy, product=product)
        money = Money(ctx)
        templates = match_templates(ctx, money)
        graph = build_ordering(ctx, templates)
        funnels = _funnels(ctx, templates, graph)
        seqs = sequences(graph)
        tutorial_steps = _numbered_tutorial(ctx)
        one_time = one_time_events(ctx, set(tutorial_steps))
        starts, ends = session_events(ctx)
        system = [n for n in ctx.names if category_of(ctx, n) == "system"]
        prerequisites = {
            event: [p for p in pre if p not in system]
            for event, pre in graph.prerequisites().items()
            if event not in system
        }
        constraints = EventConstraints(
            sequences=seqs,
            funnels=funnels,
            prerequisites={e: p for e, p in prerequisites.items() if p},
            one_time_events=one_time,
            session_start_events=starts,
            session_end_events=ends,
            sequence_details=_sequence_details(ctx, seqs, funnels, set(one_time), graph),
            system_events=system,
        )
        order = global_order(ctx, graph, funnels)
        return Rules(
            property_constraints=property_constraints(ctx),
            property_relationships=property_relationships(ctx),
            value_ranges=value_ranges(ctx),
            event_constraints=constraints,
            monetary_properties={
                m.name: MonetaryProperty(currency_property=m.currency, events=list(m.events))
                for m in money.properties
            },
            segment_analysis=segment_analysis(
                ctx, order, funnels, set(one_time), (starts, ends), constraints.prerequisites
            ),
            update_patterns=update_patterns(ctx, money),
            lifecycle_rules=lifecycle_rules(ctx),
            event_roles=event_roles(ctx, money, tutorial_steps),
        )


def _numbered_tutorial(ctx: Context) -> list[str]:
    for family in numbered_families(ctx):
        if any(ctx.index.has(m.name, "tutorial_any") for m in family):
            return [m.name for m in family]
    return []


def _funnels(ctx: Context, templates: list[Any], graph: Ordering) -> list[Funnel]:
    funnels: list[Funnel] = [m.funnel for m in templates if m.funnel is not None]
    used = {s for f in funnels for s in f.steps}
    for family in numbered_families(ctx):
        names = [m.name for m in family]
        if not set(names) <= used:
            funnels.append(step_funnel(names))
    for (before, after), edge in graph.edges.items():
        if edge.seq and (funnel := activity_funnel(ctx, before, after)) is not None:
            funnels.append(funnel)
    return drop_covered(funnels)


def _sequence_details(
    ctx: Context,
    seqs: list[list[str]],
    funnels: list[Funnel],
    one_time: set[str],
    graph: Ordering,
) -> list[dict[str, Any]]:
    """Per sequence: scope (user/session), whether the order is required, step conversions."""
    follow = load("flows").get("follow_rates", {})
    details = []
    for seq in seqs:
        conversion = [1.0]
        strict = True
        for a, b in pairwise(seq):
            conversion.append(_pair_conversion(ctx, a, b, funnels, follow))
            edge = graph.edges.get((a, b))
            strict &= bool(edge and edge.prereq)
        user_scope = any(s in one_time for s in seq) or any(
            category_of(ctx, s) in ("post_purchase", "uninstall", "update", "trial") for s in seq
        )
        scope = "user" if user_scope else "session"
        if seq in graph.account_chains:
            scope = "account"
        details.append({
            "events": list(seq),
            "scope": scope,
            "strict": strict,
            "conversion": conversion,
        })
    return details


def _pair_conversion(ctx: Context, a: str, b: str, funnels: list[Funnel],
                     follow: dict[str, Any]) -> float:
    for funnel in funnels:
        steps = funnel.steps
        if a in steps and b in steps and steps.index(b) == steps.index(a) + 1:
            return funnel.conversion[steps.index(b)]
    concepts = ctx.index.concepts_of(b)
    for concept, rate in follow.get("concepts", {}).items():
        if concepts.get(concept, 0) >= 0.5:
            return float(rate)
    verb = ctx.index.info(b).verb
    return float(follow.get("verbs", {}).get(verb, follow.get("default", 0.8)))


__all__ = ["HeuristicAnalyzer"]

"""Rules compiled once into the plain tables the session stories read.

Nothing here runs per event: names become sets and tuples, probabilities become
cumulative weight lists, sequences become progressions (user scope: a tutorial) or
chains (session scope: level_start → level_end).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import accumulate

from demogen.analysis.rules import Rules
from demogen.simulation.lifecycle import allowed_events
from demogen.taxonomy import EventTaxonomy
from demogen.vocab import LifecycleStage, Segment

#: Step conversion when the rules name a sequence but give no funnel for it; inside
#: realism-bands.md's per-step tutorial band (85–97 %).
DEFAULT_STEP_CONVERSION = 0.9
#: Probability of a backbone step the segment gives no probability for.
DEFAULT_STEP_PROBABILITY = 0.6
#: Weight of an event in the free part of a session when the segment names none.
DEFAULT_FILL_WEIGHT = 0.25


@dataclass(frozen=True, slots=True)
class Flow:
    """Ordered steps with the conversion into each step (``conversion[0]`` unused)."""

    steps: tuple[str, ...]
    conversion: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class FillTable:
    """Events a user may draw freely in a session, with cumulative weights."""

    names: tuple[str, ...]
    cum_weights: tuple[float, ...]


@dataclass(frozen=True, slots=True)
class SegmentBehaviour:
    backbone: tuple[tuple[str, float], ...]
    fill: dict[LifecycleStage, FillTable]


@dataclass(frozen=True)
class BehaviourPlan:
    events: tuple[str, ...]
    install: tuple[str, ...]
    session_start: str | None
    session_end: str | None
    signup: str | None
    login: frozenset[str]
    one_time: frozenset[str]
    prerequisites: dict[str, tuple[str, ...]]
    progressions: tuple[Flow, ...]
    chains: dict[str, Flow]
    revenue: tuple[str, ...]
    refund: tuple[str, ...]
    purchase_flow: dict[str, Flow]
    onboarding: frozenset[str]
    onboarding_complete: frozenset[str]
    segments: dict[Segment, SegmentBehaviour]
    allowed: dict[LifecycleStage, frozenset[str]] = field(default_factory=dict)


def compile_behaviour(taxonomy: EventTaxonomy, rules: Rules) -> BehaviourPlan:
    names = tuple(e.name for e in taxonomy.events)
    known = set(names)
    ec, roles = rules.event_constraints, rules.event_roles

    def real(items: list[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i for i in items if i in known))

    one_time = frozenset(real(ec.one_time_events)) | frozenset(real(roles.install))
    session_start = next(iter(real(ec.session_start_events)), None)
    session_end = next(iter(real(ec.session_end_events)), None)
    funnels = [Flow(real(f.steps), _conversions(f.steps, f.conversion, known))
               for f in ec.funnels]
    progressions, chains = _split_sequences(ec.sequences, funnels, one_time, known)
    prerequisites = {event: real(pre) for event, pre in ec.prerequisites.items() if event in known}
    for flow in progressions:
        for before, after in zip(flow.steps, flow.steps[1:], strict=False):
            prerequisites[after] = tuple(dict.fromkeys((*prerequisites.get(after, ()), before)))
    revenue = real(roles.revenue)
    special = {*real(roles.install), session_start, session_end, *revenue, *real(roles.refund)}
    plan_without_segments = dict(
        events=names,
        install=real(roles.install),
        session_start=session_start,
        session_end=session_end,
        signup=next(iter(real(roles.signup)), None),
        login=frozenset(real(roles.login)),
        one_time=one_time,
        prerequisites=prerequisites,
        progressions=tuple(progressions),
        chains=chains,
        revenue=revenue,
        refund=real(roles.refund),
        purchase_flow={r: _purchase_flow(r, funnels) for r in revenue},
        onboarding=frozenset(real(roles.onboarding)),
        onboarding_complete=frozenset(real(roles.onboarding_complete)),
    )
    allowed = allowed_events(list(names), rules.lifecycle_rules)
    chain_followers = {s for flow in chains.values() for s in flow.steps[1:]}
    fillable = [n for n in names if n not in special and n not in chain_followers]
    segments = {
        segment: _segment_behaviour(rules, segment, fillable, allowed, known, special)
        for segment in Segment
    }
    return BehaviourPlan(**plan_without_segments, segments=segments, allowed=allowed)


def _conversions(steps: list[str], given: list[float], known: set[str]) -> tuple[float, ...]:
    values = list(given) if len(given) == len(steps) else [DEFAULT_STEP_CONVERSION] * len(steps)
    return tuple(p for step, p in zip(steps, values, strict=True) if step in known)


def _split_sequences(
    sequences: list[list[str]], funnels: list[Flow], one_time: frozenset[str], known: set[str]
) -> tuple[list[Flow], dict[str, Flow]]:
    """User-scope progressions (they contain one-time events) vs session-scope chains."""
    progressions: list[Flow] = []
    chains: dict[str, Flow] = {}
    for sequence in sequences:
        steps = tuple(dict.fromkeys(s for s in sequence if s in known))
        if len(steps) < 2:
            continue
        conversion = _matching_conversion(steps, funnels)
        if any(s in one_time for s in steps):
            progressions.append(Flow(tuple(s for s in steps if s in one_time),
                                     tuple(c for s, c in zip(steps, conversion, strict=True)
                                           if s in one_time)))
        elif steps[0] not in chains:
            chains[steps[0]] = Flow(steps, conversion)
    return [p for p in progressions if len(p.steps) >= 1], chains


def _matching_conversion(steps: tuple[str, ...], funnels: list[Flow]) -> tuple[float, ...]:
    """Step conversions from a funnel that walks the same steps, else the default."""
    result = [1.0] + [DEFAULT_STEP_CONVERSION] * (len(steps) - 1)
    for funnel in funnels:
        index = {s: i for i, s in enumerate(funnel.steps)}
        for i, step in enumerate(steps[1:], start=1):
            j = index.get(step)
            if j is not None and j > 0 and index.get(steps[i - 1]) == j - 1:
                result[i] = funnel.conversion[j]
    return tuple(result)


def _purchase_flow(revenue_event: str, funnels: list[Flow]) -> Flow:
    """The steps before a purchase (shop → product → checkout), from the funnel ending in it."""
    for funnel in funnels:
        if revenue_event in funnel.steps:
            end = funnel.steps.index(revenue_event)
            steps = funnel.steps[: end + 1]
            # A payer who decided to buy walks the flow; drop-off before that point is
            # carried by non-payers browsing, so inner steps convert highly here.
            return Flow(steps, tuple(1.0 if i == 0 else max(c, 0.85)
                                     for i, c in enumerate(funnel.conversion[: end + 1])))
    return Flow((revenue_event,), (1.0,))


def _segment_behaviour(
    rules: Rules,
    segment: Segment,
    fillable: list[str],
    allowed: dict[LifecycleStage, frozenset[str]],
    known: set[str],
    special: set[str | None],
) -> SegmentBehaviour:
    profile = rules.segment_analysis.get(segment) or rules.segment_analysis.get(
        Segment.ACTIVE_USER
    )
    probabilities = profile.event_probabilities if profile else {}
    backbone = tuple(
        (step, probabilities.get(step, DEFAULT_STEP_PROBABILITY))
        for step in (profile.event_sequence if profile else [])
        if step in known and step not in special
    )
    fill: dict[LifecycleStage, FillTable] = {}
    for stage, permitted in allowed.items():
        pool = [n for n in fillable if n in permitted]
        weights = [max(probabilities.get(n, DEFAULT_FILL_WEIGHT), 0.01) for n in pool]
        fill[stage] = FillTable(tuple(pool), tuple(accumulate(weights)))
    return SegmentBehaviour(backbone=backbone, fill=fill)

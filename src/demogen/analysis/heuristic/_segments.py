"""Segment profiles: typical session (event_sequence), event probabilities, property ranges.

Every event falls into a category (``heuristic_segments.yaml``); each segment has a
probability per category (NEW users do the onboarding and rarely pay, POWER users play
advanced content and pay, CHURNING users have short sessions, RETURNING users collect
comeback rewards …). Funnels shape the probabilities: inside a session funnel each step is
the previous step times its conversion, and no step is likelier than the one before it.
Event sequences list real events in one global order that agrees with every funnel,
sequence and prerequisite.
"""

from __future__ import annotations

import heapq
from itertools import pairwise
from typing import Any

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._lifecycle import category_of
from demogen.analysis.heuristic._properties import value_range
from demogen.analysis.heuristic._sequences import Ordering
from demogen.analysis.heuristic._text import contains_any, norm, split_words
from demogen.analysis.heuristic._updates import role_of
from demogen.analysis.rules import Funnel, NumberRange, SegmentProfile
from demogen.taxonomy import Property
from demogen.vocab import PropertyType, Segment

#: How much likelier each segment walks a session funnel's next step than an average user.
FUNNEL_BOOST = {
    Segment.NEW_USER: 0.7, Segment.ACTIVE_USER: 1.0, Segment.POWER_USER: 1.5,
    Segment.CHURNING_USER: 0.5, Segment.CHURNED_USER: 0.4, Segment.RETURNING_USER: 0.9,
}
_ROLE_CLASS = {"level": "progression", "balance": "wealth", "money_total": "spend",
               "purchase_count": "spend", "login_count": "activity", "session_count": "activity",
               "ad_count": "activity", "earned_total": "wealth"}
#: Events that never belong in a typical session's backbone.
_NOT_BACKBONE = {"core_fail", "purchase_fail", "refund", "order_cancel", "uninstall", "crash",
                 "system", "account_delete", "remove_from_cart", "group_leave", "member_remove",
                 "subscription_cancel", "trial_end", "logout"}


def global_order(ctx: Context, graph: Ordering, funnels: list[Funnel]) -> list[str]:
    """All events in one order that respects every edge and funnel (Kahn, by phase)."""
    spec = load("segments")
    phases, concept_phase = spec["phase"], spec["concept_phase"]
    idx = ctx.index

    def phase(name: str) -> float:
        own = idx.concepts_of(name)
        if not idx.has(name, "install"):
            for concept, value in concept_phase.items():
                if own.get(concept, 0) >= 0.5:
                    return float(value)
        return float(phases.get(category_of(ctx, name), phases["other"]))

    edges: set[tuple[str, str]] = set(graph.edges)
    succ: dict[str, set[str]] = {n: set() for n in ctx.names}
    for a, b in edges:
        succ[a].add(b)

    def reaches(start: str, goal: str) -> bool:
        stack, seen = [start], {start}
        while stack:
            node = stack.pop()
            if node == goal:
                return True
            for nxt in succ[node] - seen:
                seen.add(nxt)
                stack.append(nxt)
        return False

    for funnel in funnels:
        for a, b in pairwise(funnel.steps):
            if a in succ and b in succ and b not in succ[a] and not reaches(b, a):
                succ[a].add(b)
    indeg = {n: 0 for n in ctx.names}
    for a in succ:
        for b in succ[a]:
            indeg[b] += 1
    heap = [(phase(n), ctx.order[n], n) for n in ctx.names if indeg[n] == 0]
    heapq.heapify(heap)
    out: list[str] = []
    while heap:
        _, _, node = heapq.heappop(heap)
        out.append(node)
        for nxt in sorted(succ[node], key=ctx.order.__getitem__):
            indeg[nxt] -= 1
            if indeg[nxt] == 0:
                heapq.heappush(heap, (phase(nxt), ctx.order[nxt], nxt))
    return out


def segment_analysis(
    ctx: Context,
    order: list[str],
    funnels: list[Funnel],
    one_time: set[str],
    session: tuple[list[str], list[str]],
    prerequisites: dict[str, list[str]],
) -> dict[Segment, SegmentProfile]:
    spec = load("segments")
    categories = {n: category_of(ctx, n) for n in ctx.names}
    ranges = _property_ranges(ctx)
    out: dict[Segment, SegmentProfile] = {}
    for segment in Segment:
        probs = _probabilities(ctx, segment, categories, funnels, one_time, spec)
        sequence = _sequence(ctx, segment, order, categories, probs, funnels, spec, session,
                             prerequisites)
        out[segment] = SegmentProfile(
            property_ranges=ranges.get(segment, {}),
            event_sequence=sequence,
            event_probabilities=probs,
        )
    return out


def _probabilities(
    ctx: Context,
    segment: Segment,
    categories: dict[str, str],
    funnels: list[Funnel],
    one_time: set[str],
    spec: dict[str, Any],
) -> dict[str, float]:
    table = spec["probabilities"]
    factors = spec["event_factors"]
    probs: dict[str, float] = {}
    for name in ctx.names:
        p = float(table[categories[name]][segment.value])
        for concept, factor in factors.items():
            if ctx.index.score(name, concept) >= 0.5:
                p *= float(factor)
        if name in one_time and segment != Segment.NEW_USER and categories[name] not in (
            "uninstall", "trial"
        ):
            p = 0.0
        probs[name] = p
    boost = FUNNEL_BOOST[segment]
    assigned: set[str] = set()
    for funnel in funnels:
        per_session = bool(getattr(funnel, "per_session", False))
        for i in range(1, len(funnel.steps)):
            a, b = funnel.steps[i - 1], funnel.steps[i]
            if a not in probs or b not in probs:
                continue
            conv = funnel.conversion[i] if funnel.conversion else 0.9
            if per_session:
                # A step inside a session funnel: the previous step times its conversion.
                if probs[a] > 0 and b not in assigned:
                    probs[b] = probs[a] * min(1.0, conv * boost)
                    assigned.add(b)
            elif a in one_time and b in one_time and segment == Segment.NEW_USER:
                probs[b] = min(probs[b], probs[a] * conv)
            elif (a not in one_time or segment == Segment.NEW_USER) and probs[a] > 0:
                probs[b] = min(probs[b], probs[a])
    return {n: round(min(1.0, max(0.0, probs[n])), 4) for n in ctx.names}


def _sequence(
    ctx: Context,
    segment: Segment,
    order: list[str],
    categories: dict[str, str],
    probs: dict[str, float],
    funnels: list[Funnel],
    spec: dict[str, Any],
    session: tuple[list[str], list[str]],
    prerequisites: dict[str, list[str]],
) -> list[str]:
    quotas = dict(spec["sequence"][segment.value])
    cat_concepts = {c["name"]: c["concepts"] for c in spec["categories"]}
    in_funnel = {s for f in funnels for s in f.steps}
    idx = ctx.index

    def eligible(name: str) -> bool:
        if probs[name] <= 0:
            return False
        concepts = {c for c, s in idx.concepts_of(name).items() if s >= 0.5}
        return not concepts & _NOT_BACKBONE

    def rank(name: str, category: str) -> int:
        own = idx.concepts_of(name)
        wanted = cat_concepts.get(category, [])
        return next((i for i, c in enumerate(wanted) if own.get(c, 0) >= 0.5), len(wanted))

    chosen: list[str] = []
    for category, quota in quotas.items():
        if category == "session":
            # The session's own boundaries (login/logout on a web product without them).
            chosen.extend(session[0][:1] + session[1][:1])
            continue
        members = [n for n in order if categories[n] == category and eligible(n)]
        members.sort(key=lambda n: (n not in in_funnel, rank(n, category), -probs[n], ctx.order[n]))
        chosen.extend(members[: int(quota)])
    if not chosen:
        chosen = [n for n in order if eligible(n)][:2]
    # A step whose prerequisite the segment may still do brings it along (checkout before
    # purchase), so the backbone can be walked as written.
    todo = list(chosen)
    while todo:
        for before in prerequisites.get(todo.pop(), []):
            if before not in chosen and probs[before] > 0 and categories[before] != "session":
                chosen.append(before)
                todo.append(before)
    picked = set(chosen)
    return [n for n in order if n in picked]


def _prop_class(prop: Property) -> str | None:
    role = role_of(prop)
    if role in _ROLE_CLASS:
        return _ROLE_CLASS[role]
    classes = load("segments")["property_classes"]
    words = set(split_words(prop.name))
    display = norm(prop.display_name)
    for cls, vocab in classes.items():
        latin = {w for w in vocab if w.isascii()}
        cjk = [w for w in vocab if not w.isascii()]
        if words & latin or (display and contains_any(display, cjk)):
            return str(cls)
    return None


def _property_ranges(ctx: Context) -> dict[Segment, dict[str, NumberRange]]:
    bands = load("segments")["segment_bands"]
    candidates = [p for p in ctx.taxonomy.user_properties
                  if p.type == PropertyType.NUMBER and not p.is_preset]
    classed = [(p, c) for p in candidates if (c := _prop_class(p)) is not None]
    have = {c for _, c in classed}
    # Without user properties for a class, event properties mirroring state stand in;
    # session and engagement lengths are event properties anyway.
    for prop in (*ctx.taxonomy.properties, *ctx.taxonomy.common_properties):
        if prop.type == PropertyType.NUMBER and not prop.is_preset:
            cls = _prop_class(prop)
            if (cls in ("progression", "wealth") and cls not in have) or cls == "duration":
                classed.append((prop, cls))
    out: dict[Segment, dict[str, NumberRange]] = {s: {} for s in Segment}
    for prop, cls in classed:
        full = value_range(prop)
        span = full.max - full.min
        integer = float(full.min).is_integer() and float(full.max).is_integer() and span >= 20
        for segment in Segment:
            lo_f, hi_f, mean_f = bands[cls][segment.value]
            lo, hi = full.min + lo_f * span, full.min + hi_f * span
            mean = full.min + mean_f * span
            if integer:
                lo, hi, mean = float(int(lo)), float(-(-hi // 1)), float(round(mean))
            hi = max(hi, lo)
            mean = min(max(mean, lo), hi)
            out[segment][prop.name] = NumberRange(min=round(lo, 4), max=round(hi, 4),
                                                  mean=round(mean, 4))
    return out


__all__ = ["global_order", "segment_analysis"]

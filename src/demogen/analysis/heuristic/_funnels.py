"""Funnels: template flows (tutorial, purchase, SaaS trial …), numbered steps, activities.

Templates live in ``heuristic_flows.yaml``; each stage names a concept and the conversion
from the previous stage (realism-bands.md). A template is used when its required stages
are found; a skipped stage's conversion is multiplied into the next stage found, so the
overall conversion stays the same. Conversions after the first step are kept below 1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._events import EventInfo
from demogen.analysis.heuristic._money import Money
from demogen.analysis.rules import Funnel

#: No step after the first converts fully: realism-bands.md §8 invariant 4 and the brief.
MAX_CONVERSION = 0.98
MIN_CONVERSION = 0.001


@dataclass
class StageMatch:
    spec: dict[str, Any]
    events: list[str]

    @property
    def id(self) -> str:
        return self.spec.get("id") or str(self.spec.get("concept"))

    @property
    def in_funnel(self) -> bool:
        return bool(self.spec.get("funnel", True))

    @property
    def in_sequence(self) -> bool:
        return bool(self.spec.get("seq", True))


@dataclass
class TemplateMatch:
    spec: dict[str, Any]
    stages: list[StageMatch]
    funnel: Funnel | None = None
    sequence: list[str] = field(default_factory=list)
    prerequisites: list[tuple[str, str]] = field(default_factory=list)  # (before, after)

    @property
    def name(self) -> str:
        return str(self.spec["name"])


def numbered_families(ctx: Context) -> list[list[EventInfo]]:
    """Events that differ only by a number (``tutorial_step1..N``), ordered by number."""
    groups: dict[str, list[EventInfo]] = {}
    for info in ctx.infos:
        if info.stem is not None and info.number is not None:
            groups.setdefault(info.stem, []).append(info)
    families = []
    for members in groups.values():
        numbers = {m.number for m in members}
        # A stem that says something ("tutorial_step#", "Step #"), not an opaque code ("e#").
        meaningful = any(len(w) >= 3 for w in members[0].words)
        if meaningful and len(members) >= 2 and len(numbers) == len(members):
            families.append(sorted(members, key=lambda m: m.number or 0))
    return sorted(families, key=lambda f: f[0].index)


def contained_in(ctx: Context, outer: str, used: set[str]) -> str | None:
    """An event made inside ``outer``'s object ("created a task in a project")."""
    o = ctx.index.info(outer)
    if o.verb is None or not o.obj:
        return None
    for info in ctx.infos:
        if info.name in used or info.name == outer or info.verb != o.verb or info.obj & o.obj:
            continue
        if any(re.search(rf"\b{re.escape(w)}s?\b", info.desc) for w in o.obj if len(w) > 2):
            return info.name
    return None


def match_templates(ctx: Context, money: Money) -> list[TemplateMatch]:
    flows = load("flows")
    families = numbered_families(ctx)
    matches = []
    for spec in flows["templates"]:
        if ctx.industry & set(spec.get("skip_industries", [])):
            continue
        match = _match(ctx, money, spec, families)
        if match is not None:
            _build(match, flows)
            matches.append(match)
    return matches


def _match(
    ctx: Context, money: Money, spec: dict[str, Any], families: list[list[EventInfo]]
) -> TemplateMatch | None:
    idx = ctx.index
    # The purchase a real-money stage will take is not an earlier stage's event: "Order
    # Placed" (the payment went through) reads as an order handed in too, and taken as the
    # attempt it left the purchase nothing ("Basket Checkout" was no attempt).
    paid = _paid_event(ctx, money, spec)
    used: set[str] = set(paid)
    stages: list[StageMatch] = []
    for stage in spec["stages"]:
        events: list[str] = []
        if "steps" in stage:
            family = next(
                (f for f in families
                 if any(idx.has(m.name, stage["steps"]) for m in f)
                 and not used & {m.name for m in f}),
                None,
            )
            events = [m.name for m in family] if family else []
        elif stage.get("contained"):
            if stages:
                found = contained_in(ctx, stages[-1].events[-1], used)
                events = [found] if found else []
        else:
            for concept in _concepts(stage):
                candidates = [i for i in idx.all(concept) if i.name not in used]
                if stage.get("real_money") and concept == "purchase":
                    candidates = [idx.info(name) for name in paid]
                if candidates:
                    events = [candidates[0].name]
                    break
        if events:
            used.update(events)
            stages.append(StageMatch(stage, events))
    found = {s.id for s in stages}
    if not set(spec.get("require", [])) <= found:
        return None
    if spec.get("require_any") and not found & set(spec["require_any"]):
        return None
    funnel_steps = sum(len(s.events) for s in stages if s.in_funnel)
    if funnel_steps < spec.get("min_stages", 2):
        return None
    return TemplateMatch(spec, stages)


def _concepts(stage: dict[str, Any]) -> list[str]:
    concept = stage.get("concept", [])
    return concept if isinstance(concept, list) else [concept]


def _paid_event(ctx: Context, money: Money, spec: dict[str, Any]) -> list[str]:
    """The revenue event a template's real-money purchase stage takes (none without one)."""
    if not any(s.get("real_money") and "purchase" in _concepts(s) for s in spec["stages"]):
        return []
    best = next((i.name for i in ctx.index.all("purchase") if i.name in money.revenue_events),
                None)
    return [best] if best else []


def _build(match: TemplateMatch, flows: dict[str, Any]) -> None:
    spec = match.spec
    found = {s.id: s for s in match.stages}
    # Funnel: conversions of skipped stages fold into the next stage found.
    steps: list[str] = []
    conversion: list[float] = []
    carried = 1.0
    previous_was_steps = False
    for stage in spec["stages"]:
        if not stage.get("funnel", True):
            continue
        sid = stage.get("id") or str(stage.get("concept"))
        rate = float(stage.get("conversion", flows["step_conversion"]))
        hit = found.get(sid)
        if hit is None:
            if steps and "steps" not in stage:
                carried *= rate
            continue
        for i, event in enumerate(hit.events):
            if not steps:  # the funnel's entry
                p = 1.0
            elif i > 0:  # the next of several numbered steps
                p = _clamp(rate)
            elif previous_was_steps and "after_steps" in stage:
                p = _clamp(float(stage["after_steps"]) * carried)
            else:
                p = _clamp(rate * carried)
            steps.append(event)
            conversion.append(p)
        carried = 1.0
        previous_was_steps = "steps" in stage
    if spec.get("funnel", True) and len(steps) >= 2:
        extra = {k: spec[k] for k in ("window", "source") if k in spec}
        if spec.get("per_session"):
            extra["per_session"] = True
        match.funnel = Funnel(name=match.name, steps=steps, conversion=conversion, **extra)
    # Sequence.
    if spec.get("sequence", True):
        seq = [e for s in match.stages if s.in_sequence for e in s.events]
        if len(seq) >= 2:
            match.sequence = seq
    # Prerequisites.
    for pos, stage in enumerate(match.stages):
        req = stage.spec.get("prereq")
        if "steps" in stage.spec:
            for before, after in pairwise(stage.events):
                match.prerequisites.append((before, after))
        if not req:
            continue
        if req == "previous":
            before_stage = match.stages[pos - 1] if pos > 0 else None
        else:
            before_stage = found.get(req)
        if before_stage is not None and before_stage is not stage:
            match.prerequisites.append((before_stage.events[-1], stage.events[0]))


def _clamp(p: float) -> float:
    return round(min(MAX_CONVERSION, max(MIN_CONVERSION, p)), 4)


def activity_funnel(ctx: Context, before: str, after: str) -> Funnel | None:
    """``workout_start`` -> ``workout_end`` with the activity's completion rate, if known;
    ``stage_start`` -> ``stage_fail`` with the rest (a start ends in one of the two), a
    playback's error with its own small share (``activity_failure``)."""
    rates = load("flows")["activity_completion"]
    a, b = ctx.index.info(before), ctx.index.info(after)
    failed = b.verb == "fail"
    if a.verb not in ("begin", "enter") or b.verb not in ("end", "success", "fail"):
        return None
    objects = sorted(a.obj & b.obj, key=lambda w: (-rates.get(w, 0), w))
    if not objects or objects[0] not in rates:
        return None
    rate = float(rates[objects[0]])
    if failed:  # a start ends in one of the two, unless leaving is its usual other end
        rate = 1.0 - rate
        rate = float(load("flows")["activity_failure"].get(objects[0], rate))
    name = "_".join(sorted(a.obj)) + ("_failure" if failed else "_completion")
    return Funnel(name=name, steps=[before, after], conversion=[1.0, _clamp(rate)])


def follow_rate(ctx: Context, event: str) -> float:
    """How often ``event`` follows the step before it where no funnel says so
    (``follow_rates``: by its concept, else its verb, else the default)."""
    follow = load("flows").get("follow_rates", {})
    concepts = ctx.index.concepts_of(event)
    for concept, rate in follow.get("concepts", {}).items():
        if concepts.get(concept, 0) >= 0.5:
            return float(rate)
    verb = ctx.index.info(event).verb
    return float(follow.get("verbs", {}).get(verb, follow.get("default", 0.8)))


def chain_rates(ctx: Context, steps: list[str]) -> list[float]:
    """Each step's conversion in a chain the analyzer writes (``follow_rate``), but for a
    service requested (a plan with somebody assigned to requests: ``Ride Requested →
    Driver Assigned → Ride Started → Ride Completed``): somebody is found for most requests,
    the rest cancelled, and the service then mostly runs to its end (``follow_rates.served``;
    at the default 0.8 a step, 4 in 10 requested rides were neither completed nor
    cancelled)."""
    served = load("flows")["follow_rates"]["served"]
    requested = ctx.index.info(steps[0]).verb == "request" and ctx.index.all("assignment")
    rates = [1.0]
    found = False
    for step in steps[1:]:
        assigned = ctx.index.concepts_of(step).get("assignment", 0) >= 0.5
        if requested and assigned:
            rates.append(float(served["assigned"]))
        elif requested and ctx.index.info(step).verb == "cancel" and len(steps) == 2:
            rates.append(float(served["cancelled"]))
        elif requested and found:
            rates.append(float(served["after"]))
        else:
            rates.append(follow_rate(ctx, step))
        found = found or assigned
    return rates


def step_funnel(family: list[str]) -> Funnel:
    rate = float(load("flows")["step_conversion"])
    name = re.sub(r"[^0-9a-z]+", "_", family[0].lower().rstrip("0123456789")).strip("_") or "steps"
    return Funnel(
        name=f"{name}_steps", steps=family, conversion=[1.0] + [_clamp(rate)] * (len(family) - 1)
    )


def drop_covered(funnels: list[Funnel]) -> list[Funnel]:
    """Drop a funnel whose every step pair a longer (or earlier) funnel walks in that order."""
    kept: list[Funnel] = []
    for i, funnel in enumerate(funnels):
        others = [
            g for j, g in enumerate(funnels)
            if j != i and (len(g.steps) > len(funnel.steps)
                           or (len(g.steps) == len(funnel.steps) and j < i))
        ]
        pairs = list(pairwise(funnel.steps))
        if all(any(_ordered(g.steps, a, b) for g in others) for a, b in pairs):
            continue
        kept.append(funnel)
    return kept


def _ordered(steps: list[str], a: str, b: str) -> bool:
    return a in steps and b in steps and steps.index(a) < steps.index(b)


__all__ = [
    "MAX_CONVERSION",
    "StageMatch",
    "TemplateMatch",
    "activity_funnel",
    "chain_rates",
    "contained_in",
    "drop_covered",
    "follow_rate",
    "match_templates",
    "numbered_families",
    "step_funnel",
]

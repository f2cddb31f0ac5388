"""How often each event happens, and after what (Rules.events).

From the concepts an event's name and description carry (``heuristic_segments.yaml``,
``frequency``, ``per_session`` and ``lifetime_caps``): product views and rounds played are
``core``, shares and reviews ``occasional``, settings and crashes ``rare``, creating a
character or joining a guild ``lifecycle`` (a few times per user); logging in happens once a
session at most; an age verified or the terms accepted once per account (``per_user_words``).
Where no concept says, the name's words may (``frequency_words``: friends
and gifts are occasional, codes and surveys rare). A tutorial told by one repeated event
gets its number of steps. Consequences (``follows``: shipping and returns after an order, a
leave after a join, an install through a shared link after a share) name the event they
follow and the chance per occurrence; where a funnel already declares that conversion, the
funnel keeps the one copy of the number. Events the lists don't cover get no entry
(``common``, no cap).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, cast

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._events import EventInfo
from demogen.analysis.heuristic._lifecycle import MIN_SCORE
from demogen.analysis.heuristic._money import Money
from demogen.analysis.heuristic._periods import billing_days, length_days
from demogen.analysis.heuristic._plan_payments import held_subscriptions
from demogen.analysis.heuristic._text import (
    Pattern,
    compile_pattern,
    contains_any,
    pattern_matches,
)
from demogen.analysis.heuristic.values import progression
from demogen.analysis.heuristic.values.names import id_spec
from demogen.analysis.heuristic.values.steps import step_pairs, step_thing_id, step_top, steps_left
from demogen.analysis.rules import (
    IN_CART_SHARE,
    PAY_LATER_DAYS,
    EventConstraints,
    EventRoles,
    EventSpec,
    Frequency,
)
from demogen.taxonomy import plan_industry


@dataclass(frozen=True)
class _FollowRule:
    """One kind of consequence: which events it names, and what they follow."""

    name: str
    patterns: tuple[Pattern, ...]
    veto: frozenset[str]
    concepts: tuple[str, ...]
    after: tuple[tuple[str, float], ...]
    billed: bool = False     # due a billing period after its trigger (a renewal)
    #: Rules it stops for the thing it shows, where they follow the same event (a cancel
    #: stops the stay: no check-in of a cancelled booking).
    stops: tuple[str, ...] = ()
    #: Due once when what its trigger started runs out (a trial's end: ``due: length``).
    lasts: bool = False
    #: Concepts (or ``revenue``) whose event voids it before it is due (a plan bought).
    voided_by: tuple[str, ...] = ()

    def matches(self, info: EventInfo, strong: list[str]) -> bool:
        if any(c in strong for c in self.concepts):
            return True
        return not (info.keys & self.veto) and any(pattern_matches(p, info.keys)
                                                   for p in self.patterns)


def _cap_by_words(keys: frozenset[str], cap_words: list[tuple[int, tuple]]) -> int | None:
    """The cap the name's words give (``per_session_words``: a streak event once a
    session; ``per_day_words``: once a day), or None."""
    return next((cap for cap, patterns in cap_words
                 if any(pattern_matches(p, keys) for p in patterns)), None)


def _cap_of_day(info: EventInfo, day_words: list[tuple[int, tuple]],
                day_cjk: list[tuple[int, tuple[str, ...]]]) -> int | None:
    """The most a day holds of the event (``per_day_words``; a Chinese or Korean name
    saying daily, ``per_day_cjk``: 每日, 일일), or None. A name read in English decides
    alone: a display name may say another thing (get_email_reward shown as 매일 보상)."""
    if info.words or not info.cjk:
        return _cap_by_words(info.keys, day_words)
    return next((cap for cap, words in day_cjk if contains_any(info.cjk, words)), None)


def _once_a_life(keys: frozenset[str], life_words: list[tuple[int, tuple]],
                 veto: frozenset[str]) -> int | None:
    """The lifetime cap the name's words give (``per_user_words``: an age verified, the
    terms accepted once per account), unless a veto word says it is a step around it (a
    code sent, a failed check)."""
    return None if keys & veto else _cap_by_words(keys, life_words)


def event_specs(ctx: Context, system: set[str], roles: EventRoles,
                constraints: EventConstraints) -> dict[str, EventSpec]:
    """An entry per event whose concepts or words say how often it happens, or what it
    follows (system events, which are not user actions, get none)."""
    spec = load("segments")
    classes = {concept: cls for cls, concepts in spec["frequency"].items()
               for concept in concepts}
    caps: dict[str, int] = spec["per_session"]
    lifetime: dict[str, int] = spec["lifetime_caps"]
    word_classes = [(cls, tuple(compile_pattern(p) for p in patterns))
                    for cls, patterns in spec["frequency_words"].items()]
    cap_words = [(int(cap), tuple(compile_pattern(p) for p in patterns))
                 for cap, patterns in spec.get("per_session_words", {}).items()]
    day_words = [(int(cap), tuple(compile_pattern(p) for p in patterns))
                 for cap, patterns in spec.get("per_day_words", {}).items()]
    day_cjk = [(int(cap), tuple(words)) for cap, words in spec.get("per_day_cjk", {}).items()]
    life_words = [(int(cap), tuple(compile_pattern(p) for p in patterns))
                  for cap, patterns in spec.get("per_user_words", {}).items()]
    life_veto = frozenset(w for word in spec.get("per_user_not", ())
                          for group in compile_pattern(word) for w in group)
    tutorials = {e for e in roles.onboarding if e not in constraints.one_time_events
                 and e not in roles.onboarding_complete}
    served = dict.fromkeys(_served_requests(ctx, constraints), spec["served_per_session"])
    follows = _follows(ctx, system, roles, constraints)
    held_starts = held_subscriptions(ctx)
    # A held subscription start, or a start its own cancel ends (Hoppa's Ride Pass), that is
    # no purchase of the story yet charges money is done by the potential payers only (drawn
    # freely, it was bought by everyone: 122 Ride Passes for 300 riders).
    paid = {e for m in Money(ctx).properties for e in m.events}
    payers = {s for s in (*held_starts, *ctx.index.partners.values())
              if s not in roles.revenue and s in paid}
    expiries = _expiries(ctx, roles, follows)
    out: dict[str, EventSpec] = {}
    for name in ctx.names:
        if name in system:
            continue
        strong = _strong_concepts(ctx, name)
        frequency = next((classes[c] for c in strong if c in classes), None)
        most = next((lifetime[c] for c in strong if c in lifetime), None)
        if most is not None:
            frequency = "lifecycle"
        if name in tutorials:
            most = spec["tutorial_steps"]
        held = spec["paired_start_cap"] if name in ctx.index.partners.values() \
            or name in held_starts else None
        for cap in (_promotions(ctx, name), _steps_cap(ctx, name), held):
            if cap is not None:
                most = cap if most is None else min(most, cap)
        if frequency is None and name in roles.progress:    # named by its description
            frequency = classes.get("playback_progress")
        if frequency is None:
            keys = ctx.index.info(name).keys
            frequency = next((cls for cls, patterns in word_classes
                              if any(pattern_matches(p, keys) for p in patterns)), None)
        cap = next((caps[c] for c in strong if c in caps), None) \
            or _cap_by_words(ctx.index.info(name).keys, cap_words)
        if name in served:
            cap = min(cap or served[name], served[name])
        daily = _cap_of_day(ctx.index.info(name), day_words, day_cjk)
        once = _once_a_life(ctx.index.info(name).keys, life_words, life_veto)
        if once is not None:
            most = once if most is None else min(most, once)
        trigger, rate, days, stops = follows.get(name, (None, None, None, None))
        voided = expiries.get(name)
        if (frequency, cap, daily, most, trigger) != (None, None, None, None, None):
            out[name] = EventSpec(frequency=cast(Frequency | None, frequency), per_session=cap,
                                  max_per_day=daily, max_per_user=most, follows=trigger,
                                  rate=rate, payers_only=True if name in payers else None,
                                  after_days=days, stops=stops,
                                  expires=True if voided is not None else None,
                                  after_days_by=length_days(ctx, trigger)[1]
                                  if voided is not None and trigger else None,
                                  voided_by=voided or None, origin="heuristic")
    for name, share in _paid_later(ctx, roles, constraints).items():
        entry = out.get(name)
        later = {"later_share": share, "later_days": PAY_LATER_DAYS}
        out[name] = entry.model_copy(update=later) if entry is not None \
            else EventSpec(**later, origin="heuristic")
    for name in roles.cart:     # a shopper mostly carts what is not in the cart yet
        entry = out.get(name)
        again = {"in_cart_share": IN_CART_SHARE}
        out[name] = entry.model_copy(update=again) if entry is not None \
            else EventSpec(**again, origin="heuristic")
    return out


def _served_requests(ctx: Context, constraints: EventConstraints) -> list[str]:
    """Requests somebody is assigned to (``Ride Requested`` before ``Driver Assigned``): a
    ride, a delivery or a lesson takes its time, so a session holds few of them."""
    return [before for step in ctx.index.all("assignment")
            for before in constraints.prerequisites.get(step.name, ())
            if ctx.index.info(before).verb == "request"]


def served_end(ctx: Context, constraints: EventConstraints | None) -> str | None:
    """The last step of the sequence the plan's one served request leads (``Ride
    Completed`` after ``Ride Requested → Driver Assigned → Ride Started``), if it ends it."""
    if constraints is None:
        return None
    requests = set(_served_requests(ctx, constraints))
    if len(requests) != 1:
        return None
    last = next((seq[-1] for seq in constraints.sequences if seq[:1] and seq[0] in requests
                 and len(seq) > 2), None)
    return last if last is not None and ctx.index.info(last).verb == "end" else None


def _steps_cap(ctx: Context, event: str) -> int | None:
    """How often a user can step things up (``building_upgrade_start``: ``building_id``,
    ``from_level`` (1~30), ``to_level``): the steps the things it lists (its id's codes; none:
    the user's one) surely have left below their top, so no user runs out of them."""
    found = ctx.taxonomy.event(event)
    pairs = step_pairs(found.properties) if found is not None else []
    if found is None or not pairs:
        return None
    props = {p.name: p for p in ctx.taxonomy.properties}
    thing = props.get(step_thing_id(found.properties) or "")
    things = len(thing.enum) if thing is not None and thing.enum else 1
    caps: list[int] = []
    for pair in pairs:
        ranges = [(r.min, r.max) if (p := props.get(n)) is not None
                  and (r := p.value_range) is not None else None for n in pair]
        if ranges[0] is not None:
            caps.append(steps_left(ranges[0][0], step_top(ranges[0], ranges[1]), things))
    return min(caps) if caps else None


def _promotions(ctx: Context, event: str) -> int | None:
    """How often a user can move up the ladder an event climbs (``league_promoted`` over a
    user enum Bronze … Diamond): one fewer than its rungs, as everyone starts on the first,
    so no promotion shows the top rung again."""
    if progression.ladder_move(event) <= 0:
        return None
    listed = ctx.index.info(event).props
    rungs = [len(p.enum) for p in ctx.taxonomy.user_properties
             if p.enum and len(p.enum) >= 2 and p.name in listed]
    return max(rungs) - 1 if rungs else None


def _paid_later(ctx: Context, roles: EventRoles, constraints: EventConstraints
                ) -> dict[str, float]:
    """Purchase → the share of its payments that pay an order submitted in an earlier
    session, where the step before it hands in an order (``submit_order → pay_order``),
    not where it tries a payment (an in-app purchase's attempt succeeds or fails at once),
    nor in a game's shop (the app store charges at once)."""
    spec = load("segments")["paid_later"]
    if ctx.industry & set(spec["not_industry"]):
        return {}
    before = set(spec["before"])
    veto = frozenset(w for word in spec["not"] for w in compile_pattern(word)[0])
    out: dict[str, float] = {}
    for revenue in roles.revenue:
        attempt = _step_before(revenue, constraints)
        if attempt is None or attempt not in ctx.names:
            continue
        if before & set(_strong_concepts(ctx, attempt)) and \
                not ctx.index.info(attempt).keys & veto:
            out[revenue] = float(spec["share"])
    return out


def _step_before(event: str, constraints: EventConstraints) -> str | None:
    """The step right before ``event`` in the first funnel that has it, else its first
    prerequisite."""
    for funnel in constraints.funnels:
        steps = funnel.steps
        if event in steps[1:]:
            return steps[steps.index(event, 1) - 1]
    return next(iter(constraints.prerequisites.get(event, ())), None)


def _strong_concepts(ctx: Context, name: str) -> list[str]:
    """The event's concepts the analyzer is sure of, strongest first."""
    return [c for _, c in sorted(((score, concept) for concept, score
                                  in ctx.index.concepts_of(name).items()
                                  if score >= MIN_SCORE), reverse=True)]


def _follow_rules() -> list[_FollowRule]:
    rules = []
    for raw in cast(list[dict[str, Any]], load("segments")["follows"]):
        rules.append(_FollowRule(
            name=raw["name"],
            patterns=tuple(compile_pattern(p) for p in raw.get("en", [])),
            veto=frozenset(w for word in raw.get("not", []) for w in compile_pattern(word)[0]),
            concepts=tuple(raw.get("concepts", [])),
            after=tuple((raw.get("after") or {}).items()),
            billed=raw.get("due") == "billing_period",
            stops=tuple(raw.get("stops", [])),
            lasts=raw.get("due") == "length",
            voided_by=tuple(raw.get("voided_by", [])),
        ))
    return rules


def _follows(ctx: Context, system: set[str], roles: EventRoles,
             constraints: EventConstraints
             ) -> dict[str, tuple[str, float | None, int | None, list[str] | None]]:
    """Follower → (the event it follows, its chance per occurrence (None where a funnel
    declares the pair's conversion), the days after it that it is due (a renewal), the
    followers of the same event it stops (a cancel: the check-in))."""
    rules = _follow_rules()
    own_story = {*roles.install, *roles.signup, *roles.revenue, *system,
                 *constraints.session_start_events, *constraints.session_end_events}
    named: dict[str, str] = {}          # rule name → the event it names (the first)
    rule_of: dict[str, _FollowRule] = {}
    for name in ctx.names:
        if name in own_story:
            continue
        info, strong = ctx.index.info(name), _strong_concepts(ctx, name)
        rule = next((r for r in rules if r.matches(info, strong)), None)
        if rule is not None:
            rule_of[name] = rule
            named.setdefault(rule.name, name)
    chained = _session_chained(constraints)
    out: dict[str, tuple[str, float | None, int | None, list[str] | None]] = {}
    for name, rule in rule_of.items():
        for what, rate in rule.after:
            trigger = _trigger(ctx, what, named, roles, exclude={name, *rule_of}, event=name,
                               constraints=constraints)
            if (trigger, name) in chained:
                break   # a session chain already ties it to its trigger, in one session
            if trigger is not None:
                declared = constraints.step_conversion(trigger, name) is not None
                days = billing_days(ctx, name) if rule.billed else \
                    length_days(ctx, trigger)[0] if rule.lasts else None
                # What runs out ends at its rate (every trial ends), whatever a funnel says.
                declared = declared and not rule.lasts
                out[name] = (trigger, None if declared else float(rate), days, None)
                break
    for name, rule in rule_of.items():
        stopped = [e for e, r in rule_of.items() if r.name in rule.stops and e in out
                   and name in out and out[e][0] == out[name][0]]
        if stopped:
            out[name] = (*out[name][:3], stopped)
    return out


def _expiries(ctx: Context, roles: EventRoles,
              follows: dict[str, tuple[str, float | None, int | None, list[str] | None]]
              ) -> dict[str, list[str]]:
    """Timed followers that end what their trigger started (a trial's end: a rule with
    ``due: length``) → the events that void one before it is due: those of the first of
    the rule's ``voided_by`` the plan has (a plan bought: ``plan_upgraded``)."""
    rules = {r.name: r for r in _follow_rules() if r.lasts}
    out: dict[str, list[str]] = {}
    for name, (trigger, _, days, _) in follows.items():
        rule = next((r for r in rules.values() if days is not None
                     and r.matches(ctx.index.info(name), _strong_concepts(ctx, name))), None)
        if rule is None:
            continue
        voiding: list[str] = []
        for what in rule.voided_by:
            found = _trigger(ctx, what, {}, roles, exclude={name, trigger}, event=name)
            if found is not None:
                voiding = [found]
                break
        out[name] = voiding
    return out


def _session_chained(constraints: EventConstraints) -> set[tuple[str, str | None]]:
    """Neighbours in a strict session sequence (guild_join → guild_leave): the later one
    happens in the session of the earlier one, so it is no follower of a later session."""
    return {(before, after) for d in constraints.sequence_details
            if d.scope == "session" and d.strict
            for before, after in zip(d.events, d.events[1:], strict=False)}


def _trigger(ctx: Context, what: str, named: dict[str, str], roles: EventRoles,
             exclude: set[str], event: str, constraints: EventConstraints | None = None
             ) -> str | None:
    """The event ``what`` stands for: the one ``event`` ends (``partner``: the Ride Pass
    subscribed a Ride Pass cancel ends), the subscription start nothing renews (``held``:
    :func:`held_subscriptions`), the purchase event, an earlier rule's event, the best
    event of a concept that is no follower itself, or the end of the service requested
    (``served``)."""
    if what == "partner":
        return ctx.index.partners.get(event)
    if what == "held":
        held = held_subscriptions(ctx)
        return held[0] if held else None
    if what == "revenue":
        return roles.revenue[0] if roles.revenue else None
    if what == "served":
        return served_end(ctx, constraints)
    if what in named:
        return named[what]
    best = ctx.index.best(what, exclude=exclude)
    return best.name if best is not None and ctx.index.score(best.name, what) >= MIN_SCORE \
        else None


def made_thing_prerequisites(ctx: Context, events: dict[str, EventSpec],
                             prerequisites: dict[str, list[str]]) -> dict[str, list[str]]:
    """``prerequisites`` with the creator of a thing before every event that names it.

    A creator is an event whose name says it creates the thing a new-every-time id names
    (``match_created`` carrying ``match_id``, id mode ``unique``) and that has a follow-up
    showing that id (``match_removed`` follows it): the thing is made there. Any other
    event carrying the id (``message_sent`` in a match) talks about a thing made before,
    so it needs the creator earlier (no message before the user's first match). Followers
    of the creator are left to ``follows``."""
    out = {e: list(p) for e, p in prerequisites.items()}
    listed = {e.name: set(e.properties) for e in ctx.taxonomy.events}
    for name, spec in sorted(events.items()):
        creator = spec.follows
        if creator is None or creator == name or creator not in listed or name not in listed:
            continue
        for key in sorted(_made_ids(ctx, creator) & listed[name]):
            for other in ctx.names:
                if other == creator or key not in listed.get(other, ()) or \
                        (events.get(other) or EventSpec()).follows == creator:
                    continue
                out[other] = list(dict.fromkeys([*out.get(other, []), creator]))
    return out


def _made_ids(ctx: Context, event: str) -> set[str]:
    """The unique ids (``properties.<p>.id.mode``) of things ``event``'s name says it
    creates: the id's stem words and a create verb are in the name (``match_created``:
    ``match_id``)."""
    keys = ctx.index.info(event).keys
    if "@create" not in keys:
        return set()
    found = ctx.taxonomy.event(event)
    out = set()
    for name in found.properties if found is not None else ():
        spec = id_spec(name, industry=plan_industry(ctx.taxonomy, ctx.product.industry))
        if spec is not None and spec.mode == "unique" and all(
                not group.isdisjoint(keys)
                for group in compile_pattern(spec.stem.replace("_", " "))):
            out.add(name)
    return out

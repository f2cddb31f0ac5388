"""Rules compiled once into the plain tables the session stories read.

Nothing here runs per event: names become sets and tuples, probabilities become
cumulative weight lists, sequences become progressions (user scope: a tutorial) or
chains (session scope: level_start → level_end).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import accumulate, pairwise

from demogen.analysis.heuristic.values import kinds
from demogen.analysis.rules import EventConstraints, Funnel, Rules
from demogen.simulation.earned import Earnable, earning_events
from demogen.simulation.funded import funded_spends
from demogen.simulation.holdings import held_one_at_a_time
from demogen.simulation.lifecycle import allowed_events
from demogen.simulation.playback import (
    MilestonePlan,
    PlaybackControls,
    compile_controls,
    compile_milestones,
)
from demogen.simulation.values._follow_ups import exclusive
from demogen.taxonomy import EventTaxonomy
from demogen.vocab import LifecycleStage, Segment

#: Step conversion when the rules name a sequence but give no funnel for it; inside
#: realism-bands.md's per-step tutorial band (85–97 %).
DEFAULT_STEP_CONVERSION = 0.9
#: Probability of a backbone step the segment gives no probability for.
DEFAULT_STEP_PROBABILITY = 0.6
#: Conversion of each step of a purchase flow once a payer has decided to buy.
PURCHASE_FLOW_CONVERSION = 0.95
#: Share of purchases refunded when the rules say nothing (assumption: a few percent).
DEFAULT_REFUND_RATE = 0.02
#: Weight of an event in the free part of a session when the segment names none.
DEFAULT_FILL_WEIGHT = 0.25
#: Most hesitant buyers per payer (a declared attempt conversion near 0 would need ever
#: more; below about 0.05 the measured conversion stays above the declared one).
MAX_HESITATION = 20.0
#: Hesitant buyers are drawn this many times as often as their failed attempts need, and
#: each attempts that share of the times they set out to buy: failures come from many
#: people who try once or twice, not a few who try every day (a 400-user run's 0.8
#: conversion wandered 0.64-0.90 over six seeds with every hesitant buyer attempting).
HESITANT_SPREAD = 3.0
#: How a frequency class (Rules.events) scales an event's weight among free events.
FREQUENCY_WEIGHT = {"core": 3.0, "common": 1.0, "occasional": 0.3, "rare": 0.08,
                    "lifecycle": 0.08}
#: The least weight a session's habitual events (core and common) hold in a fill table. A
#: frequency class weighs an event against the others, so in a plan with one or two common
#: events a rare one was drawn in proportion to them, not rarely (Hoppa's support tickets
#: came 0.67 per ride); below this the habitual events are scaled up, so an occasional or
#: rare event keeps the share it has in a plan of a few habits (assumption: plans with six
#: or more common events hold 6-12).
MIN_HABIT_WEIGHT = 4.0
#: The classes that also scale a segment's step chance (its ``event_sequence``): a rare
#: event (settings, a logout, an app update) is no session's habit, so it stays rare
#: wherever it is drawn by chance; the others keep the segment's chance (a reward claimed
#: in most sessions is a habit; a lifecycle event's step is when it happens).
STEP_WEIGHT = {"rare": FREQUENCY_WEIGHT["rare"]}
#: Chance that one occurrence of a trigger brings its follower when neither the entry's
#: ``rate`` nor a funnel between the two says (assumption: follow-ups are the exception).
DEFAULT_FOLLOW_RATE = 0.1


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
    #: Events that happen at most so many times in one session (Rules.events per_session).
    per_session: dict[str, int]
    prerequisites: dict[str, tuple[str, ...]]
    progressions: tuple[Flow, ...]
    #: Session chains by their first step; several when a start has alternative ends
    #: (combat_start → victory | defeat): one is walked, picked by :attr:`outcomes`.
    chains: dict[str, tuple[Flow, ...]]
    #: A chain's later steps need the step before them earlier in the same session.
    session_prerequisites: dict[str, tuple[str, ...]]
    revenue: tuple[str, ...]
    refund: tuple[str, ...]
    purchase_flow: dict[str, Flow]
    #: Revenue event → the declared conversion of its flow's last step (the attempt:
    #: purchase_start, add_payment_info) into it, where a funnel declares one.
    attempt_conversion: dict[str, float]
    refund_rate: float
    onboarding: frozenset[str]
    onboarding_complete: frozenset[str]
    segments: dict[Segment, SegmentBehaviour]
    allowed: dict[LifecycleStage, frozenset[str]] = field(default_factory=dict)
    #: Spending event → the balance whose coins stand in for its prerequisites (a gift
    #: needs a pack bought, or coins held from before the window: simulation/funded.py).
    funded: dict[str, str] = field(default_factory=dict)
    #: Event → the stay's opener it is done inside (Rules.events ``during``: a gift sent
    #: between entering a live stream and leaving it).
    during: dict[str, str] = field(default_factory=dict)
    #: Events that happen at most so many times in a user's life (Rules.events).
    max_per_user: dict[str, int] = field(default_factory=dict)
    #: Events only the potential payers do (Rules.events ``payers_only``: a paid
    #: subscription start drawn freely, no purchase of the purchase story).
    payers_only: frozenset[str] = frozenset()
    #: Events that happen at most so many times in one day of the user (Rules.events
    #: ``max_per_day``: a streak extended once a day).
    per_day: dict[str, int] = field(default_factory=dict)
    #: Trigger → its followers with the chance one occurrence brings each (Rules.events
    #: ``follows``): followers happen only so, never drawn, walked or refunded otherwise.
    followers: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    #: Follower → the days after its trigger it is due (Rules.events ``after_days``: a
    #: renewal a billing period after the charge).
    follow_delays: dict[str, int] = field(default_factory=dict)
    #: Delayed followers whose first occurrence is the trigger's own payment (Rules.events
    #: ``paid_at_once``): right after the trigger, then a period apart.
    paid_at_once: frozenset[str] = frozenset()
    #: Delayed followers that end what their trigger started (Rules.events ``expires``: a
    #: trial's end): due once, however late the user comes back; nothing follows them.
    expiring: frozenset[str] = frozenset()
    #: Event → the expiring followers it voids while they are still to come (Rules.events
    #: ``voided_by``: a plan bought during the trial voids its end).
    voids: dict[str, frozenset[str]] = field(default_factory=dict)
    #: The trigger of an expiring follower → the events voiding it (a trial's start →
    #: ``plan_upgraded``): nobody starts a trial of a plan after buying one.
    voided_starts: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Follower → the followers it excludes (Rules.events ``stops``, both ways: a booking
    #: cancel and its check-in): one occurrence of a trigger brings at most one of them.
    exclusive: dict[str, frozenset[str]] = field(default_factory=dict)
    #: Followers that start a stay a booking names (``hotel_checkin``, where Rules mark a
    #: ``kind: stay`` date): due on the stay's first day (simulation/stays.py).
    stay_starts: frozenset[str] = frozenset()
    #: Onboarding events that are not one-time (one ``tutorial_step`` for every step), with
    #: how many steps a new user plays in their first session at most.
    tutorial_repeats: tuple[tuple[str, int], ...] = ()
    #: The content a session loops over (Rules ``event_roles``): item views and playback
    #: ticks come in runs; a view leads to a cart event at the vertical's rate per view.
    views: tuple[str, ...] = ()
    carts: frozenset[str] = frozenset()
    progress: tuple[str, ...] = ()
    #: Searches (Rules ``event_roles.search``): each opens a loop of result views
    #: (SessionPlanner._search).
    searches: tuple[str, ...] = ()
    #: Screens that show the cart (Rules ``event_roles.cart_view``): a session set out to
    #: buy opens one (SessionPlanner._intend).
    cart_views: tuple[str, ...] = ()
    #: Role creations (Rules ``event_roles.new_role``): once per server; a move to a new
    #: server opens with one (SessionPlanner).
    new_role: tuple[str, ...] = ()
    #: Settings and profile changes (Rules ``event_roles.configure``): a session set out to
    #: configure does a run of them (SessionPlanner._configure).
    configures: tuple[str, ...] = ()
    #: Events that open one content item (Rules ``event_roles.consume``): a session set out
    #: to consume takes a run of items (SessionPlanner._consume).
    consumes: tuple[str, ...] = ()
    #: The player's cadence (Rules ``playback.heartbeat_seconds``): one tick of a run after
    #: the other this many seconds apart, so a session holds the ticks its time fits.
    heartbeat_seconds: float = 10.0
    #: A start with alternative ends → the chance of each of its chains (in ``chains``
    #: order; the rest: no end), from the conversions into their first later step.
    outcomes: dict[str, tuple[float, ...]] = field(default_factory=dict)
    #: Revenue event → the failures its attempt may end in instead (init_order →
    #: payment_fail), each with its chance once the attempt did not end in the purchase.
    purchase_failures: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict)
    #: Revenue event after its own attempt → the share of its purchases that pay an order
    #: submitted in an earlier session (Rules.events ``later_share``; pay_order after
    #: submit_order, paid by bank transfer or on a second visit).
    paid_later: dict[str, float] = field(default_factory=dict)
    #: The player's pauses and resumes (Rules ``playback``): a pause once something plays,
    #: its resume right after it (SessionPlanner).
    controls: PlaybackControls = field(default_factory=PlaybackControls)
    #: Playback start → its milestone progress events (Rules ``playback``): played where
    #: the start is drawn (SessionPlanner), the milestones and completion never otherwise.
    milestones: dict[str, MilestonePlan] = field(default_factory=dict)
    #: Event → the things earned on it (Rules ``properties.<p>.earned``): it happens only
    #: while one is left to earn (simulation/earned.py).
    earning: dict[str, tuple[Earnable, ...]] = field(default_factory=dict)
    #: Revenue event in ``paid_later`` → the days within which an order held over is paid
    #: (Rules.events ``later_days``); one paid later has lapsed.
    paid_later_days: dict[str, int] = field(default_factory=dict)
    #: A cancel following the attempt of a purchase in ``paid_later`` → that purchase: it
    #: cancels the user's oldest order held over, which is then never paid.
    held_cancels: dict[str, str] = field(default_factory=dict)
    #: A toggle pair of the user's own thing (guild_join / guild_leave of guild_id,
    #: simulation/holdings.py): event → (the pair's add, whether it adds). The add only
    #: while the user holds nothing, the remove only while they hold it (SessionPlanner).
    held_one: dict[str, tuple[str, bool]] = field(default_factory=dict)

    def purchase_chance(self, revenue: str) -> float:
        """The chance that a payer who made the attempt buys: the flow's own, or the
        declared attempt conversion when that is higher."""
        return max(self.purchase_flow[revenue].conversion[-1],
                   self.attempt_conversion.get(revenue, 0.0))

    def hesitation(self, revenue: str) -> float:
        """Failed attempts per payer attempt that make attempts → purchases the declared
        conversion ``p``: payers buy after ``purchase_chance`` of their attempts, so
        ``purchase_chance / p − 1`` more attempts fail (0 without a declared ``p``; at
        most :data:`MAX_HESITATION`)."""
        p = self.attempt_conversion.get(revenue)
        if p is None:
            return 0.0
        return min(self.purchase_chance(revenue) / p - 1, MAX_HESITATION) if p > 0 \
            else MAX_HESITATION

    @property
    def hesitant_ratio(self) -> float:
        """Hesitant buyers per potential payer (:class:`~demogen.simulation.population.
        SimUser`): people who set out to buy like a payer but never do, so that the
        failed attempts come from users who never buy."""
        return HESITANT_SPREAD * max((self.hesitation(r) for r in self.revenue), default=0.0)


def compile_behaviour(taxonomy: EventTaxonomy, rules: Rules,
                      announcements: frozenset[str] = frozenset()) -> BehaviourPlan:
    """What the story plays. ``announcements`` are events the state plays when a derived
    property changes (``vip_level_up`` when the sum paid crosses a VIP threshold): never
    drawn, walked in a chain or planned otherwise."""
    names = tuple(e.name for e in taxonomy.events)
    known = set(names)
    ec, roles = rules.event_constraints, rules.event_roles

    def real(items: list[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys(i for i in items if i in known))

    # Installing, signing up and finishing onboarding happen once, whatever the list says.
    one_time = frozenset((*real(ec.one_time_events), *real(roles.install), *real(roles.signup),
                          *real(roles.onboarding_complete)))
    session_start = next(iter(real(ec.session_start_events)), None)
    session_end = next(iter(real(ec.session_end_events)), None)
    onboarding = {*roles.install, *roles.signup, *roles.onboarding, *roles.onboarding_complete}
    # A plan's payment (Rules ``paid_at_once``) comes from the plan bought, not a purchase
    # of its own: it follows the charge at once and renews.
    plan_payments = frozenset(name for name, spec in rules.events.items()
                              if spec.paid_at_once and spec.after_days is not None
                              and spec.follows is not None and name in known)
    followers = _followers(rules, known, {*roles.install, *roles.revenue, *roles.signup,
                                          *ec.session_start_events, *ec.session_end_events}
                           - plan_payments)
    # ... brought first: the charge is paid before a cancel (which stops it) is drawn.
    followers = {trigger: tuple(sorted(pairs, key=lambda pair: pair[0] not in plan_payments))
                 for trigger, pairs in followers.items()}
    following = {f for pairs in followers.values() for f, _ in pairs} | (announcements & known)
    progressions, chains = _split_sequences(ec, one_time, known, onboarding)
    chains = _without_followers(chains, following)
    prerequisites = {event: real(pre) for event, pre in ec.prerequisites.items() if event in known}
    for flow in progressions:
        for before, after in zip(flow.steps, flow.steps[1:], strict=False):
            prerequisites[after] = tuple(dict.fromkeys((*prerequisites.get(after, ()), before)))
    revenue = tuple(r for r in real(roles.revenue) if r not in plan_payments)
    # Events with a story of their own never come from the backbone or free draws:
    # onboarding steps follow the user's progression (and its drop-off) only.
    # Signing up opens a life (SessionPlanner._signup), never a draw later on.
    refund = tuple(r for r in real(roles.refund) if r not in following)
    max_per_user = _max_per_user(rules, known)
    tutorial_repeats = tuple((e, max_per_user[e]) for e in real(roles.onboarding)
                             if e in max_per_user and e not in one_time
                             and not any(e in flow.steps for flow in progressions))
    special = {*real(roles.install), session_start, session_end, *revenue, *refund,
               *real(roles.signup)[:1], *real(ec.system_events), *following,
               *(e for e, _ in tutorial_repeats),
               *(s for flow in progressions for s in flow.steps)}
    milestones = compile_milestones(taxonomy, rules, known)
    special |= {e for m in milestones.values() for e in (m.event, m.complete) if e}
    # A resume follows its pause (SessionPlanner), never drawn on its own.
    controls = compile_controls(rules, known)
    special |= controls.resumes
    purchase_flow = {r: _purchase_flow(r, ec.charted_funnels(), chains, one_time, known,
                                       special)
                     for r in revenue}
    attempt_conversion = {r: p for r, flow in purchase_flow.items() if len(flow.steps) > 1
                          and (p := ec.step_conversion(flow.steps[-2], r)) is not None}
    # An attempt with a declared conversion is made by people setting out to buy only
    # (SessionPlanner._purchase), never drawn freely or walked to in a chain.
    special |= {purchase_flow[r].steps[-2] for r in attempt_conversion}
    plan_without_segments = dict(
        events=names,
        install=real(roles.install),
        session_start=session_start,
        session_end=session_end,
        signup=next(iter(real(roles.signup)), None),
        login=frozenset(real(roles.login)),
        one_time=one_time,
        per_session=per_session_caps(rules, known),
        per_day={name: spec.max_per_day for name, spec in rules.events.items()
                 if spec.max_per_day is not None and name in known},
        prerequisites=prerequisites,
        funded=funded_spends(rules, prerequisites),
        during={name: spec.during for name, spec in rules.events.items()
                if name in known and spec.during in known and spec.during != name},
        progressions=tuple(progressions),
        chains=chains,
        # An item's page opens from anywhere (a list, a search, the home screen): a view
        # needs no chain leader before it, and is drawn freely beside the chains.
        session_prerequisites={e: before for e, before in _session_prerequisites(chains).items()
                               if e not in roles.view},
        revenue=revenue,
        refund=refund,
        purchase_flow=purchase_flow,
        attempt_conversion=attempt_conversion,
        refund_rate=_refund_rate(ec, revenue, refund),
        onboarding=frozenset(real(roles.onboarding)),
        onboarding_complete=frozenset(real(roles.onboarding_complete)),
        views=tuple(e for e in real(roles.view) if e not in special),
        carts=frozenset(real(roles.cart)),
        progress=tuple(e for e in real(roles.progress) if e not in special),
        searches=tuple(e for e in real(roles.search) if e not in special),
        cart_views=tuple(e for e in real(roles.cart_view) if e not in special),
        new_role=real(roles.new_role),
        configures=tuple(e for e in real(roles.configure) if e not in special),
        consumes=tuple(e for e in real(roles.consume) if e not in special),
    )
    allowed = allowed_events(list(names), rules.lifecycle_rules)
    chain_followers = {s for flows in chains.values() for flow in flows for s in flow.steps[1:]}
    fillable = [n for n in names if n not in special
                and (n not in chain_followers or n in roles.view)]
    segments = {
        # A chain's later steps follow their leader through the chain, never on their own.
        segment: _segment_behaviour(rules, segment, fillable, allowed, known,
                                    special | (chain_followers - set(roles.view)))
        for segment in Segment
    }
    shares, days, cancels = _paid_later(rules, revenue, purchase_flow)
    expiring = _expiring(rules, following)
    return BehaviourPlan(**plan_without_segments, segments=segments, allowed=allowed,
                         max_per_user=max_per_user, followers=followers,
                         payers_only=frozenset(name for name, spec in rules.events.items()
                                               if spec.payers_only and name in known),
                         held_one=held_one_at_a_time(taxonomy, known),
                         follow_delays={name: spec.after_days
                                        for name, spec in rules.events.items()
                                        if spec.after_days is not None and name in following},
                         paid_at_once=plan_payments & following,
                         expiring=expiring,
                         voids=_voids(rules, expiring, known),
                         voided_starts=_voided_starts(rules, expiring, known),
                         exclusive=exclusive({name: spec.stops
                                              for name, spec in rules.events.items()
                                              if spec.stops and name in following}),
                         stay_starts=_stay_starts(rules, following),
                         tutorial_repeats=tutorial_repeats,
                         milestones=milestones, controls=controls,
                         earning={e: found for e, found in earning_events(rules).items()
                                  if e in known},
                         heartbeat_seconds=rules.playback.heartbeat_seconds,
                         outcomes={leader: _outcome_shares(flows)
                                   for leader, flows in chains.items() if len(flows) > 1},
                         purchase_failures=_purchase_failures(purchase_flow, attempt_conversion,
                                                              chains),
                         paid_later=shares, paid_later_days=days, held_cancels=cancels)


def _stay_starts(rules: Rules, following: set[str]) -> frozenset[str]:
    """Followers that start a stay (by name), where some property names a stay's first day."""
    if not any(spec.kind == kinds.STAY and not kinds.ends_a_stay(name)
               for name, spec in rules.properties.items()):
        return frozenset()
    return frozenset(f for f in following if kinds.starts_a_stay(f))


def _paid_later(rules: Rules, revenue: tuple[str, ...], purchase_flow: dict[str, Flow]
                ) -> tuple[dict[str, float], dict[str, int], dict[str, str]]:
    """The plan's fields on orders paid in a later session: each purchase's share
    (``later_share``), the days it waits (``later_days``), and the cancels that stop it (an
    event of ``event_roles.refund`` following the purchase's attempt: ``order_cancel``
    after ``submit_order``)."""
    shares = {r: share for r in revenue
              if len(purchase_flow[r].steps) > 1
              and (spec := rules.events.get(r)) is not None and (share := spec.later_share)}
    attempts = {purchase_flow[r].steps[-2]: r for r in shares}
    refunds = set(rules.event_roles.refund)
    return (shares, {r: rules.events[r].pay_later_days() for r in shares},
            {e: attempts[spec.follows] for e, spec in rules.events.items()
             if e in refunds and spec.follows in attempts})


def _split_sequences(
    ec: EventConstraints, one_time: frozenset[str], known: set[str], onboarding: set[str],
) -> tuple[list[Flow], dict[str, tuple[Flow, ...]]]:
    """Sequences become session chains or user progressions, by their declared scope.

    Without details, a sequence holding one-time events is a user progression and any
    other a session chain. Only onboarding-like one-time events (install, signup,
    tutorial) progress in the first sessions; other user-scope sequences (purchase →
    refund, signup → login) are left to prerequisites and the free part of sessions.
    """
    details = {tuple(d.events): d for d in ec.sequence_details}
    progressions: list[Flow] = []
    chains: dict[str, tuple[Flow, ...]] = {}
    for sequence in ec.sequences:
        detail = details.get(tuple(sequence))
        conversion = _step_conversions(ec, sequence)
        kept = [(s, c) for s, c in zip(sequence, conversion, strict=True) if s in known]
        kept = list({s: (s, c) for s, c in kept}.values())
        if len(kept) < 2:
            continue
        steps = tuple(s for s, _ in kept)
        scope = detail.scope if detail else ("user" if one_time & set(steps) else "session")
        if scope == "session":
            flow = Flow(steps, tuple(c for _, c in kept))
            chains[steps[0]] = (*chains.get(steps[0], ()), flow)
        elif scope == "user":
            onboarding_steps = [(s, c) for s, c in kept if s in one_time and s in onboarding]
            if len(onboarding_steps) >= 2:
                progressions.append(Flow(tuple(s for s, _ in onboarding_steps),
                                         tuple(c for _, c in onboarding_steps)))
    return progressions, chains


def _session_prerequisites(chains: dict[str, tuple[Flow, ...]]) -> dict[str, tuple[str, ...]]:
    needs: dict[str, list[str]] = {}
    for flow in (f for flows in chains.values() for f in flows):
        for before, after in zip(flow.steps, flow.steps[1:], strict=False):
            needs.setdefault(after, []).append(before)
    return {event: tuple(dict.fromkeys(before)) for event, before in needs.items()}


def _step_conversions(ec: EventConstraints, sequence: list[str]) -> tuple[float, ...]:
    """Each step's conversion as the funnels state it (the rules' one copy), else the
    default; the first step has none."""
    declared = (ec.step_conversion(before, after) for before, after in pairwise(sequence))
    return (1.0, *(DEFAULT_STEP_CONVERSION if p is None else p for p in declared))


def _purchase_flow(revenue_event: str, funnels: list[Funnel],
                   chains: dict[str, tuple[Flow, ...]], one_time: frozenset[str],
                   known: set[str], skip: set[str | None]) -> Flow:
    """The steps before a purchase (shop → product → checkout) from a funnel ending in it.

    Only funnels that happen within one session count; one-time steps and session
    brackets are dropped.
    A payer who decided to buy walks the flow, so inner steps convert highly here: the
    drop-off before that point is carried by non-payers browsing.
    """
    for funnel in funnels:
        if not funnel.per_session or revenue_event not in funnel.steps:
            continue
        end = funnel.steps.index(revenue_event)
        steps = tuple(s for s in funnel.steps[:end]
                      if s in known and s not in one_time and s not in skip)
        flow = (*steps, revenue_event)
        return Flow(flow, (1.0,) + (PURCHASE_FLOW_CONVERSION,) * (len(flow) - 1))
    for chain in (c for flows in chains.values() for c in flows):   # init_order → payment
        if revenue_event in chain.steps[1:]:
            flow = chain.steps[: chain.steps.index(revenue_event) + 1]
            return Flow(flow, (1.0,) + (PURCHASE_FLOW_CONVERSION,) * (len(flow) - 1))
    return Flow((revenue_event,), (1.0,))


def _refund_rate(ec: EventConstraints, revenue: tuple[str, ...], refund: tuple[str, ...]) -> float:
    """The declared purchase → refund conversion, else a few percent (assumption)."""
    for purchase in revenue:
        for reversal in refund:
            if (p := ec.step_conversion(purchase, reversal)) is not None:
                return p
    return DEFAULT_REFUND_RATE


def _frequency(rules: Rules, event: str, weights: dict[str, float] = FREQUENCY_WEIGHT
               ) -> float:
    spec = rules.events.get(event)
    return weights.get(spec.frequency or "common", 1.0) if spec is not None else 1.0


def _max_per_user(rules: Rules, known: set[str]) -> dict[str, int]:
    """Events capped over a user's life (:meth:`EventSpec.lifetime_cap`)."""
    return {name: cap for name, spec in rules.events.items()
            if (cap := spec.lifetime_cap()) is not None and name in known}


def _followers(rules: Rules, known: set[str],
               own_story: set[str]) -> dict[str, tuple[tuple[str, float], ...]]:
    """Trigger → (follower, chance per occurrence), in the plan's order of followers.

    Events with a story of their own (install, revenue, signup, session brackets) keep it:
    a ``follows`` on them is not followed. The chance is the entry's ``rate``, else the
    conversion a funnel declares from the trigger into the follower, else the default.
    """
    out: dict[str, list[tuple[str, float]]] = {}
    for name, spec in rules.events.items():
        trigger = spec.follows
        if trigger is None or name == trigger or name not in known or trigger not in known \
                or name in own_story:
            continue
        rate = spec.rate
        if rate is None:
            rate = rules.event_constraints.step_conversion(trigger, name)
        out.setdefault(trigger, []).append((name, DEFAULT_FOLLOW_RATE if rate is None
                                            else rate))
    return {trigger: tuple(pairs) for trigger, pairs in out.items()}


def _without_followers(chains: dict[str, tuple[Flow, ...]],
                       following: set[str]) -> dict[str, tuple[Flow, ...]]:
    """Chains end before a follower (it comes from its trigger only); a chain left with
    one step, or led by a follower, is no chain."""
    out: dict[str, tuple[Flow, ...]] = {}
    for leader, flows in chains.items():
        if leader in following:
            continue
        kept = []
        for flow in flows:
            end = next((i for i, s in enumerate(flow.steps) if s in following), len(flow.steps))
            if end >= 2:
                kept.append(Flow(flow.steps[:end], flow.conversion[:end]))
        if kept:
            out[leader] = tuple(kept)
    return out


def _outcome_shares(flows: tuple[Flow, ...]) -> tuple[float, ...]:
    """Each alternative end's chance: the conversions into it (win 0.9, fail 0.1), scaled
    down to a total of 1 when they declare more."""
    declared = [flow.conversion[1] for flow in flows]
    total = sum(declared)
    return tuple(p / total for p in declared) if total > 1 else tuple(declared)


def _purchase_failures(purchase_flow: dict[str, Flow], attempt_conversion: dict[str, float],
                       chains: dict[str, tuple[Flow, ...]],
                       ) -> dict[str, tuple[tuple[str, float], ...]]:
    """Per revenue event, the failures its attempt leads to (the attempt's other chains),
    with their chance once the attempt did not buy: their declared conversions over the
    attempts the purchase leaves (0.2 of 1 − 0.8: every failed attempt shows its failure)."""
    out: dict[str, tuple[tuple[str, float], ...]] = {}
    for revenue, flow in purchase_flow.items():
        if len(flow.steps) < 2:
            continue
        ends = [(f.steps[1], f.conversion[1]) for f in chains.get(flow.steps[-2], ())
                if f.steps[1] not in purchase_flow]
        left = 1.0 - attempt_conversion.get(revenue, flow.conversion[-1])
        total = sum(p for _, p in ends)
        if ends and total > 0:
            scale = 1.0 / max(total, left) if left > 0 else 1.0 / total
            out[revenue] = tuple((end, p * scale) for end, p in ends)
    return out


def per_session_caps(rules: Rules, known: set[str]) -> dict[str, int]:
    """Events that happen at most so many times in one session."""
    return {name: spec.per_session for name, spec in rules.events.items()
            if spec.per_session is not None and name in known}


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
    steps = [s for s in (profile.event_sequence if profile else [])
             if s in known and s not in special]
    backbone = tuple((step, probabilities.get(step, DEFAULT_STEP_PROBABILITY)
                      * _frequency(rules, step, STEP_WEIGHT)) for step in steps)
    fill: dict[LifecycleStage, FillTable] = {}
    for stage, permitted in allowed.items():
        pool = [n for n in fillable if n in permitted]
        weights = [max(probabilities.get(n, DEFAULT_FILL_WEIGHT), 0.01) * _frequency(rules, n)
                   for n in pool]
        fill[stage] = FillTable(tuple(pool), tuple(accumulate(_habits_held(rules, pool,
                                                                           weights))))
    return SegmentBehaviour(backbone=backbone, fill=fill)


def _habits_held(rules: Rules, pool: list[str], weights: list[float]) -> list[float]:
    """``weights`` with the habitual events' (core, common) scaled up to
    :data:`MIN_HABIT_WEIGHT` together, where they hold less and others are in the pool."""
    habit = [_frequency(rules, n) >= 1.0 for n in pool]
    held = sum(w for w, h in zip(weights, habit, strict=True) if h)
    if held <= 0 or held >= MIN_HABIT_WEIGHT or all(habit):
        return weights
    scale = MIN_HABIT_WEIGHT / held
    return [w * scale if h else w for w, h in zip(weights, habit, strict=True)]


def _expiring(rules: Rules, following: set[str]) -> frozenset[str]:
    """Timed followers that end what their trigger started (Rules.events ``expires``)."""
    return frozenset(name for name, spec in rules.events.items()
                     if spec.expires and spec.after_days is not None and name in following)


def _voids(rules: Rules, expiring: frozenset[str], known: set[str]) -> dict[str, frozenset[str]]:
    """Event → the expiring followers it voids (Rules.events ``voided_by``)."""
    out: dict[str, set[str]] = {}
    for name in sorted(expiring):
        for event in rules.events[name].voided_by or ():
            if event in known:
                out.setdefault(event, set()).add(name)
    return {event: frozenset(names) for event, names in out.items()}


def _voided_starts(rules: Rules, expiring: frozenset[str],
                   known: set[str]) -> dict[str, frozenset[str]]:
    """The trigger of each expiring follower → the events voiding it (Rules.events
    ``voided_by``): done once, they keep the trigger from happening again."""
    out: dict[str, set[str]] = {}
    for name in sorted(expiring):
        spec = rules.events[name]
        voiding = {e for e in spec.voided_by or () if e in known}
        if spec.follows is not None and voiding:
            out.setdefault(spec.follows, set()).update(voiding)
    return {event: frozenset(names) for event, names in out.items()}

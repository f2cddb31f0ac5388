"""The simulation loop: users in fixed shards, each user day by day, session by session.

``simulate_shard`` is a pure function of (simulation, shard index) writing to a sink;
the engines that run shards in processes or on Dask call the same function.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

from demogen.analysis.naming import NameMap
from demogen.analysis.rules import Rules
from demogen.simulation.activity import ActivityParams, fit_preset
from demogen.simulation.balance_views import (
    BalanceView,
    balance_views,
    balances_held,
    show_balances,
)
from demogen.simulation.behaviour import BehaviourPlan, compile_behaviour
from demogen.simulation.config import SimulationConfig
from demogen.simulation.devices import AppVersionRollout, DeviceFactory
from demogen.simulation.emitter import Emitter, LineSink, Record
from demogen.simulation.ids import RunIds, account_id_shape
from demogen.simulation.mixes import run_market
from demogen.simulation.pay_days import buyer_day_shares
from demogen.simulation.playout import Playout, compile_playout
from demogen.simulation.population import (
    PopulationModel,
    SimUser,
    segment_purchase_probabilities,
    user_random,
)
from demogen.simulation.presets import VerticalPreset
from demogen.simulation.segments import CompiledSegment, SegmentMembership
from demogen.simulation.sessions import DAY_SECONDS, Session, SessionModel
from demogen.simulation.state import SESSION_LENGTH, Changes, StateApplier, apply_updates
from demogen.simulation.stays import SLOT as STAYS
from demogen.simulation.stays import Stays
from demogen.simulation.story import SessionPlanner
from demogen.simulation.trace import UserTrace
from demogen.simulation.values import ValueFactory
from demogen.simulation.values._convert import MISS
from demogen.simulation.values._paid_ways import Withheld, withheld_spends
from demogen.taxonomy import EventTaxonomy, ProductInfo
from demogen.vocab import Segment

#: Days a user stays RETURNING after coming back, and the gap that marks CHURNING.
RETURNING_DAYS = 7
CHURNING_GAP_DAYS = 4
#: Names a session-end event may give the session length (seconds unless it says ms).
_DURATION_NAMES = ("#duration", "duration", "session_duration", "session_length",
                   "duration_sec", "duration_seconds", "play_time", "playtime")

#: Established users' activity ÷ DAU/MAU (see :func:`long_run_activity`).
LONG_RUN_FACTOR = 1.5

Progress = Callable[[int], None]
#: ``EventSampler.sample`` of one event: (user, ``#time`` text) → custom properties.
SampleFn = Callable[[SimUser, str], dict[str, Any]]


@dataclass(frozen=True)
class Simulation:
    """Everything compiled once per run; shared read-only by every shard."""

    config: SimulationConfig
    preset: VerticalPreset
    activity: ActivityParams
    behaviour: BehaviourPlan
    population: PopulationModel
    sessions: SessionModel
    values: ValueFactory
    devices: DeviceFactory
    rollout: AppVersionRollout
    state: StateApplier
    duration_props: dict[str, str]
    mirrored_by: dict[str, tuple[str, ...]]
    #: Per event, its properties showing a balance it moves (``balance_after``).
    balance_views: dict[str, tuple[BalanceView, ...]]
    #: Event property → how it writes a user-state value it shows (its type, its enum).
    state_forms: dict[str, Callable[[Any], Any]]
    names: NameMap
    fresh_state: dict[str, float | None]
    held_objects: tuple[str, ...]
    #: Per event its sampler's ``sample``, looked up once here instead of per event.
    samplers: dict[str, SampleFn]
    #: Events after which a user has an account id (signing up, else logging in).
    account_events: frozenset[str]
    #: The users' #account_id, #distinct_id and #device_id (see simulation.ids).
    ids: RunIds
    #: Who is in which custom segment, and the session model of those with their own hours.
    membership: SegmentMembership
    custom_sessions: dict[str, SessionModel]
    #: Where a tick reaches its title's end, the playback stops there (None: no playhead).
    playout: Playout | None = None
    #: Per spending event, whether a record of it is withheld: it costs more than the user
    #: holds, or buys a free thing (values/_paid_ways.py ``withheld_spends``).
    spends: dict[str, Withheld] = field(default_factory=dict)

    @classmethod
    def build(cls, taxonomy: EventTaxonomy, rules: Rules, product: ProductInfo,
              config: SimulationConfig) -> Simulation:
        preset = config.behaviour_preset()
        activity = fit_preset(preset, long_run_activity(preset))
        values = ValueFactory(taxonomy, rules, product, seed=config.seed)
        mirrors = values.mirrors()
        shown = set(mirrors.values())
        applier = StateApplier(rules, taxonomy, mirrors, values.derivations())
        behaviour = compile_behaviour(taxonomy, rules, applier.announcements)
        sim = cls(
            config=config,
            preset=preset,
            activity=activity,
            behaviour=behaviour,
            population=PopulationModel.build(
                preset, activity, config.days, config.start.weekday(), config.segment_mix,
                behaviour.hesitant_ratio,
                segment_purchase_probabilities(rules, behaviour.revenue)),
            sessions=SessionModel(preset),
            values=values,
            devices=DeviceFactory(product.platform, run_market(config.market, rules.market,
                                                               taxonomy, product)),
            rollout=AppVersionRollout.for_window(config.days, seed=config.seed),
            state=applier,
            duration_props=_duration_props(taxonomy, behaviour.session_end),
            mirrored_by=_invert(mirrors),
            balance_views=balance_views(rules),
            state_forms=values.state_forms(),
            names=NameMap.build(taxonomy),
            fresh_state=_fresh_state(rules, taxonomy, applier.counted()),
            # Object(-group) user properties no event shows: filled from their children.
            held_objects=tuple(p.name for p in taxonomy.user_properties
                               if p.children and p.name not in shown),
            samplers={e.name: values.event_sampler(e.name).sample for e in taxonomy.events},
            account_events=(frozenset((behaviour.signup,)) if behaviour.signup
                            else behaviour.login),
            ids=RunIds(seed=config.seed, namespace=config.id_namespace, prefix=config.id_prefix,
                       shape=account_id_shape(taxonomy), users=config.users),
            membership=SegmentMembership.build(config.custom_segments, config.seed),
            custom_sessions={
                s.name: SessionModel(preset.model_copy(update={"hourly_weights": hours}))
                for s in config.custom_segments if (hours := s.hour_weights()) is not None},
            playout=compile_playout(taxonomy, behaviour, rules.playback.playhead),
            spends=withheld_spends(rules, config.seed),
        )
        if not sim.population.day_weights:
            return sim
        # The buyers' day factors take their scale from this run's own segment days.
        shares = buyer_day_shares(sim, _active_today, _segment)
        return replace(sim, population=sim.population.with_day_shares(shares))

    @property
    def shard_count(self) -> int:
        return -(-self.config.users // self.config.shard_size)


def simulate_shard(sim: Simulation, shard: int, sink: LineSink,
                   progress: Progress | None = None) -> dict[str, int]:
    """Simulate users ``[shard × size, (shard + 1) × size)``; returns records per type."""
    config = sim.config
    emitter = Emitter(sink, config.start, config.days, config.app_id, sim.names)
    streaks = sim.state.streak_ends
    planner = SessionPlanner(sim.behaviour, sim.preset.content_loop, sim.state.ladder_moves,
                             streaks.from_day(config.start) if streaks is not None else None)
    trace = (UserTrace(config.start, custom=bool(config.custom_segments))
             if config.trace_dir is not None else None)
    first = shard * config.shard_size
    for index in range(first, min(first + config.shard_size, config.users)):
        _simulate_user(sim, planner, emitter, index, trace)
        if progress is not None:
            progress(1)
    emitter.flush()
    if trace is not None and config.trace_dir is not None:
        trace.write(config.trace_dir, shard)
    return dict(emitter.counts)


def _simulate_user(sim: Simulation, planner: SessionPlanner, emitter: Emitter, index: int,
                   trace: UserTrace | None = None) -> None:
    rnd = user_random(sim.config.seed, index)
    device = sim.devices.new_device(rnd, index, sim.ids)
    custom = sim.membership.of(index)
    user = sim.population.create(index, rnd, device, custom)
    _prepare(sim, user)
    adoption = sim.rollout.adoption_delays(rnd)
    weekday = sim.config.start.weekday()
    multipliers = sim.preset.weekday_multipliers
    sessions = sim.sessions
    if custom is not None:
        multipliers = _custom_week(custom, multipliers, weekday, user)
        sessions = sim.custom_sessions.get(custom.name, sessions)
    introduced = False
    if trace is not None:
        trace.begin(user, user.segment)
    for day in range(max(user.install_day, 0), sim.config.days):
        multiplier = multipliers[(weekday + day) % 7]
        if ((custom is not None and multiplier == 0)
                or not _active_today(sim, user, day, multiplier)) \
                and not _travels(sim, user, day):
            if trace is not None:   # the segment the user would have: draws nothing
                trace.day(user, day, _segment(sim, user, day), False, user.install_day)
            continue
        user.segment = _segment(sim, user, day)
        user.last_active_day = day
        for session in sessions.day(rnd, user.segment, user.engagement, user.chronotype):
            clock = day * DAY_SECONDS + session.start
            if not introduced:
                _introduce(sim, emitter, user, clock)
                introduced = True
            _run_session(sim, planner, emitter, user, day, session,
                         sim.rollout.version_at(adoption, day, user.install_day))
        if trace is not None:
            trace.day(user, day, user.segment, True, user.install_day)


def _custom_week(custom: CompiledSegment, week: tuple[float, ...], start_weekday: int,
                 user: SimUser) -> tuple[float, ...]:
    """The preset's week times the segment's; a new user installs on a day they are
    active (a weekend-only user who installs on a Wednesday would not be weekend-only)."""
    if custom.weekdays is None:
        return week
    allowed = tuple(a * b for a, b in zip(week, custom.weekdays, strict=True))
    if user.install_day >= 0:
        for _ in range(7):
            if allowed[(start_weekday + user.install_day) % 7] > 0:
                break
            user.install_day += 1
    return allowed


def _prepare(sim: Simulation, user: SimUser) -> None:
    """Progress limits, and what an existing user already did before the window."""
    rnd, plan = user.rnd, sim.behaviour
    user.progress_limits = [_reach(rnd, flow.conversion) for flow in plan.progressions]
    if plan.signup is None and not plan.login:
        user.account_id = sim.ids.account_id(user.index)
    if not user.existing:
        return
    user.done.update(plan.install)
    user.sessions = 1 if user.segment is Segment.NEW_USER else 20
    if user.segment is not Segment.NEW_USER:
        # Established: signing up and onboarding are behind them. Someone with weeks of
        # history who signs up mid-window reads as a second account in every tool.
        for flow in plan.progressions:
            user.done.update(flow.steps)
        if plan.signup:
            user.done.add(plan.signup)
        user.done.update(plan.onboarding_complete)
        user.done.update(plan.onboarding & plan.one_time)
    if plan.signup in user.done or (plan.signup is None and plan.login):
        user.account_id = sim.ids.account_id(user.index)


def _reach(rnd: Any, conversion: tuple[float, ...]) -> int:
    """How many steps of a progression this user will ever do."""
    steps = 0
    for i, p in enumerate(conversion):
        if i > 0 and rnd.random() >= p:
            break
        steps += 1
    return steps


def _active_today(sim: Simulation, user: SimUser, day: int, weekday_multiplier: float) -> bool:
    """The hidden churn process; see :mod:`demogen.simulation.activity`."""
    rnd = user.rnd
    if day == user.install_day:
        return True
    if user.alive:
        if rnd.random() < user.hazard:
            user.alive = False
            return False
        chance = sim.activity.active_probability(user.habit_on(day), day - user.install_day)
        return rnd.random() < chance * weekday_multiplier
    gap = day - (user.last_active_day if user.last_active_day is not None else user.install_day)
    returning = sim.preset.returning
    if gap >= returning.churn_after_days and rnd.random() < _daily(returning.return_probability):
        user.alive, user.returned_day = True, day
        return True
    return False


def _travels(sim: Simulation, user: SimUser, day: int) -> bool:
    """A booked stay lasts on ``day`` and its check-in is due: the traveller opens the app
    for it, whatever their habit (simulation/stays.py)."""
    if not sim.behaviour.stay_starts:
        return False
    marks: Stays | None = user.sticky.get(STAYS)
    return marks is not None and marks.brings_on(day)


def long_run_activity(preset: VerticalPreset) -> float:
    """Daily activity of established users that yields the preset's DAU/MAU.

    MAU also counts the many new installs who leave within days, so established users
    must be active more often than DAU/MAU itself; the factor was measured on the
    bundled examples (see docs/ROADMAP.md).
    """
    return min(max(preset.dau_mau * LONG_RUN_FACTOR, 0.03), 0.8)


def _daily(monthly: float) -> float:
    return 1 - (1 - monthly) ** (1 / 30)


def _segment(sim: Simulation, user: SimUser, day: int) -> Segment:
    """Segments are states derived from age, history and engagement (DESIGN.md)."""
    if day - user.install_day <= 3:
        return Segment.NEW_USER
    if user.returned_day is not None and day - user.returned_day < RETURNING_DAYS:
        return Segment.RETURNING_USER
    last = user.last_active_day
    if last is not None and day - last >= CHURNING_GAP_DAYS:
        return Segment.CHURNING_USER
    if user.engagement >= sim.population.power_engagement:
        return Segment.POWER_USER
    return Segment.ACTIVE_USER


def _introduce(sim: Simulation, emitter: Emitter, user: SimUser, clock: float) -> None:
    """The user's properties as they stand when the user first shows up in the window.

    An existing user arrives with a history (a level, a balance from the segment's
    ranges). A new install has none: what the events count starts from zero (or the
    range's minimum, level 1), what the events set is unset until they set it.
    """
    user.state = sim.values.initial_user_state(user)
    if user.existing:       # what their onboarding before the window left behind
        text = emitter.time_text(clock)
        for event in sorted(user.done):
            sim.state.before(event, user.state, text)
        for prop in sim.held_objects:     # a bag, a team: what an established user holds
            if not user.state.get(prop):
                user.state[prop] = sim.values.user_value(prop, user, text)
        sim.state.carry_streaks(user.state, sim.config.start)
    else:
        for prop, start in sim.fresh_state.items():
            if start is None:
                user.state.pop(prop, None)
            else:
                user.state[prop] = start
    sim.state.hold_freezes(user.state, user.rnd, user.existing)
    sim.state.derive_all(user.state, user.rnd)     # declared formulas hold from the start
    # Each property with the plan's update method: no user_set baseline for a counter.
    for kind, values in sim.state.snapshot(user.state).items():
        emitter.user_update(user, kind, clock, emitter.time_text(clock), values)


def _run_session(sim: Simulation, planner: SessionPlanner, emitter: Emitter, user: SimUser,
                 day: int, session: Session, app_version: str) -> None:
    start = day * DAY_SECONDS + session.start
    user.session_number, user.session_start = user.sessions + 1, start
    plan = sim.behaviour
    # A move to a newer server is decided before the story, which opens it with a role
    # creation there; from here on every server property shows the new server.
    moved = sim.values.server_move(user)
    names = planner.plan_session(user, session.events, day, session.duration - session.pause,
                                 moved=moved is not None)
    if user.custom is not None:
        brackets = frozenset(e for e in (plan.session_start, plan.session_end) if e)
        names = [name for name in names if user.custom.keeps(name, brackets)]
        if not names:
            return
    clocks = _event_clocks(user, start, session, names, plan.progress, plan.heartbeat_seconds)
    # The session runs from its start event (install events may come first).
    opened = clocks[names.index(plan.session_start)] if plan.session_start in names else start
    if user.device.presets.get("#lib") != "js":   # the web SDK sends no #app_version
        user.device.presets["#app_version"] = app_version
    presets = {**user.device.presets, "#zone_offset": user.device.zone_offset}
    network = sim.devices.network_type(user.rnd, user.device)
    if network is not None:
        presets["#network_type"] = network
    emitter.session(user, presets)
    # The session's records, handed to the emitter together. Each draws its #uuid's bits
    # right after its properties, where the user's stream always gave them.
    records: list[Record] = []
    # The loop below runs once per event: what it calls is looked up once per session.
    samplers, uuid_bits, playout = sim.samplers, user.rnd.getrandbits, sim.playout
    updating, account_events, session_end = sim.state.updating, sim.account_events, \
        plan.session_end
    for event, clock, text in zip(names, clocks, emitter.time_texts(clocks), strict=True):
        signs_up = user.account_id is None and event in account_events
        if signs_up:
            emitter.emit(user, day, records)    # records so far go without the account id
            records = []
            user.account_id = sim.ids.account_id(user.index)
        user.clock = clock
        if event in updating:
            _updating_event(sim, user, event, text, records, uuid_bits,
                            clock - opened if event == session_end else None)
        else:
            props = samplers[event](user, text)
            if playout is not None and event in playout.watch:
                kept = playout.settle(user, event, props, text, samplers)
                if kept is None:
                    continue    # the title played out: nothing more of its playback
                event, props = kept
            if event == session_end:
                _stamp_duration(sim.duration_props, props, clock - opened)
            records.append((event, text, props, uuid_bits(128)))
        if signs_up:
            _record_account(sim, user, text, records, uuid_bits)
        if moved:   # the profile follows the session's first event on the new server
            _record_state(sim, user, moved, text, records, uuid_bits)
            moved = None
    emitter.emit(user, day, records)


def _record_account(sim: Simulation, user: SimUser, text: str, records: list[Record],
                    uuid_bits: Callable[[int], int]) -> None:
    """The account-id user properties, set right after the event that gave the account."""
    values = sim.values.account_values(user)
    if values:
        _record_state(sim, user, values, text, records, uuid_bits)


def _record_state(sim: Simulation, user: SimUser, values: dict[str, Any], text: str,
                  records: list[Record], uuid_bits: Callable[[int], int]) -> None:
    """User properties set to ``values`` now, each record by the plan's update method."""
    user.state.update(values)
    for kind, changed in sim.state.snapshot(values).items():
        records.append((kind, text, changed, uuid_bits(128)))


def _updating_event(sim: Simulation, user: SimUser, event: str, text: str,
                    records: list[Record], uuid_bits: Callable[[int], int],
                    session_length: float | None) -> None:
    """An event with an update pattern: state changes around its properties, and a user
    record per kind of change after the event (``session_length`` on the session end)."""
    state = user.state
    before, after, shows = sim.state.updates[event]
    views = sim.balance_views.get(event)
    # The balances before any move of the event's: a literal amount moves them first.
    held = balances_held(views, state) if views else {}
    withheld = sim.spends.get(event)
    kept = dict(state) if withheld is not None and before else None
    changes = apply_updates(before, state, {}, text) if before else {}
    sim.state.derive(changes, state, user.rnd)     # xp follows the level just reached
    props = sim.samplers[event](user, text)
    # A fixed spend (a boost used: 1) moved before the values were drawn: judge the
    # balance held before the event's moves.
    if withheld is not None and withheld(kept if kept is not None else state, props):
        if kept is not None:    # the user buys nothing: no move of theirs either
            state.clear()
            state.update(kept)
        return
    for event_prop, user_prop in shows:
        if event_prop in props and user_prop in state:
            _show(sim.state_forms, props, event_prop, state[user_prop])
    if session_length is not None:
        _stamp_duration(sim.duration_props, props, session_length)
    later = apply_updates(after, state, _with_length(props, session_length), text) \
        if after else None
    if views:   # "balance after" / "before" properties show the balance the event moved
        show_balances(views, (*before, *after), held, state, props)
    if later:   # "balance after"-style properties show the state the event left
        sim.state.derive(later, state, user.rnd)
        _show_state(sim, event, later, state, props)
        if changes:
            _merge(changes, later)
        else:
            changes = later
    records.append((event, text, props, uuid_bits(128)))
    now, announced = _split_announced(sim.state.announced_by, event, changes)
    for kind, values in now.items():
        records.append((kind, text, values, uuid_bits(128)))
    _announce(sim, user, announced, text, records, uuid_bits)


def _split_announced(announced_by: Mapping[str, str], event: str, changes: Changes
                     ) -> tuple[Changes, Changes]:
    """The changes an event's records carry now, and those another event announces (a VIP
    level derived from the sum paid): their user records follow the announcement, which
    the plan says sets them (vip_level_up → vip_level)."""
    if not announced_by or all(values and announced_by.keys().isdisjoint(values)
                               for values in changes.values()):
        return changes, {}      # nothing another event announces (most events)
    now: Changes = {}
    later: Changes = {}
    for kind, values in changes.items():
        for prop, value in values.items():
            by = announced_by.get(prop)
            (later if by is not None and by != event else now).setdefault(kind, {})[prop] = value
    return now, later


def _announce(sim: Simulation, user: SimUser, announced: Changes, text: str,
              records: list[Record], uuid_bits: Callable[[int], int]) -> None:
    """The events announcing a derived property's change (``vip_level_up`` after the
    payment that crossed a VIP threshold), each followed by the records of the change."""
    if not announced:
        return
    changed = {prop for values in announced.values() for prop in values}
    announced_by = sim.state.announced_by
    for announcement in sorted({announced_by[prop] for prop in changed}):
        if announcement in sim.state.updating:
            _updating_event(sim, user, announcement, text, records, uuid_bits, None)
        else:
            records.append((announcement, text, sim.samplers[announcement](user, text),
                            uuid_bits(128)))
        for kind, values in announced.items():
            mine = {p: v for p, v in values.items() if announced_by[p] == announcement}
            if mine:
                records.append((kind, text, mine, uuid_bits(128)))


def _event_clocks(user: SimUser, start: float, session: Session, names: list[str],
                  ticks: tuple[str, ...], cadence: float) -> list[float]:
    """Start at the session start, end at its end, the rest spread between in order; a
    playback tick following another comes the player's cadence after it; a session's long
    pause (if any) shifts every event after its point (never inside a run of ticks)."""
    count = len(names)
    if count == 1:
        return [start]
    active = session.duration - session.pause
    timed = _cadenced(names, ticks)
    clocks = _spread(user.rnd.random, start, active, count) if not timed else \
        _with_cadence(user.rnd.random, start, active, count, timed, cadence)
    if session.pause:
        resume = start + session.pause_at * active
        at = next((i for i in range(1, count) if clocks[i] > resume and i not in timed), count)
        clocks[at:] = [c + session.pause for c in clocks[at:]]
    previous = start
    for i in range(1, count):   # at least 1 ms apart, so order survives formatting
        if clocks[i] < previous + 0.001:
            clocks[i] = previous + 0.001
        previous = clocks[i]
    return clocks


def _spread(random: Callable[[], float], start: float, active: float,
            count: int) -> list[float]:
    """``count`` clocks from ``start`` to ``start + active``, the inner ones at random."""
    clocks = sorted(start + random() * active for _ in range(count - 2))
    return [start, *clocks, start + active]


def _cadenced(names: list[str], ticks: tuple[str, ...]) -> frozenset[int]:
    """The positions of the ticks that follow a tick of the same run (the player's timer
    sets their time)."""
    if not ticks:
        return frozenset()
    return frozenset(i for i in range(1, len(names))
                     if names[i] == names[i - 1] and names[i] in ticks)


def _with_cadence(random: Callable[[], float], start: float, active: float, count: int,
                  timed: frozenset[int], cadence: float) -> list[float]:
    """Clocks whose ``timed`` positions come ``cadence`` after the event before; the other
    gaps share what is left of ``active`` at random (the planner fits the ticks in 90 %)."""
    left = max(active - len(timed) * cadence, 0.0)
    cuts = _spread(random, 0.0, left, count - len(timed))
    free = iter(b - a for a, b in pairwise(cuts))
    clocks, clock = [start], start
    for i in range(1, count):
        clock += cadence if i in timed else next(free)
        clocks.append(clock)
    return clocks


def _with_length(props: dict[str, Any], session_length: float | None) -> dict[str, Any]:
    """What a session end's updates read: its properties and the session's length (play
    time adds it even when the plan's end event carries no ``#duration``)."""
    if session_length is None or SESSION_LENGTH in props:
        return props
    return {**props, SESSION_LENGTH: round(session_length, 3)}


def _stamp_duration(names: dict[str, str], props: dict[str, Any], seconds: float) -> None:
    for name, unit in names.items():
        props[name] = round(seconds * 1000) if unit == "ms" else round(seconds, 3)


def _fresh_state(rules: Rules, taxonomy: EventTaxonomy,
                 counted: frozenset[str]) -> dict[str, float | None]:
    """Start value of each user property the rules update: counters at zero (levels at
    their range's whole-number floor, e.g. 1; a property Rules starts as a ``counter`` at
    0 whatever its range: total_playtime_minutes 1–240), the rest unset (``None``)."""
    floors = {name: r.min for name, r in rules.value_ranges.items()}
    floors.update({p.name: p.value_range.min for p in taxonomy.user_properties
                   if p.value_range is not None})
    start: dict[str, float | None] = {}
    for pattern in rules.update_patterns.values():
        for prop in pattern:
            if prop in counted:
                spec = rules.properties.get(prop)
                floor = 0 if spec is not None and spec.start == "counter" else \
                    floors.get(prop, 0)
                start[prop] = int(floor) if floor >= 1 and float(floor).is_integer() else 0
            else:
                start.setdefault(prop, None)
    return start


def _invert(mirrors: dict[str, str]) -> dict[str, tuple[str, ...]]:
    inverted: dict[str, list[str]] = {}
    for event_prop, user_prop in mirrors.items():
        inverted.setdefault(user_prop, []).append(event_prop)
    return {user_prop: tuple(props) for user_prop, props in inverted.items()}


def _duration_props(taxonomy: EventTaxonomy, session_end: str | None) -> dict[str, str]:
    event = taxonomy.event(session_end) if session_end else None
    if event is None:
        return {}
    found: dict[str, str] = {}
    for name in event.properties:
        lowered = name.lower()
        if lowered in _DURATION_NAMES or lowered.endswith(("_duration", "duration_ms",
                                                           "_msec", "_ms")):
            found[name] = "ms" if lowered.endswith(("_ms", "_msec")) else "s"
    return found


def _show_state(sim: Simulation, event: str, changes: Changes, state: dict[str, Any],
                props: dict[str, Any]) -> None:
    """``props`` show the state ``event``'s own records leave. A change another event
    announces (the VIP level a payment reached, set after ``vip_level_up``) is not the
    payment's: it shows the value before, as the user's records still have it then."""
    announced_by = sim.state.announced_by
    for values in changes.values():
        for user_prop in values:
            if announced_by.get(user_prop, event) != event:
                continue
            for event_prop in sim.mirrored_by.get(user_prop, ()):
                if event_prop in props:
                    _show(sim.state_forms, props, event_prop, state[user_prop])


def _show(forms: dict[str, Callable[[Any], Any]], props: dict[str, Any], event_prop: str,
          value: Any) -> None:
    """``props[event_prop]`` shows ``value`` from the user's state in the property's own
    type (a derived VIP number in a string property); kept as drawn when it cannot."""
    form = forms.get(event_prop)
    shown = form(value) if form is not None else value
    if shown is not MISS:
        props[event_prop] = shown


def _merge(into: Changes, more: Changes) -> None:
    for kind, values in more.items():
        into.setdefault(kind, {}).update(values)

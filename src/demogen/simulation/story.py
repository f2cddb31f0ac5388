"""A session as a story: which events a user does, in which order.

The planner reads top to bottom like the session itself: install events on the very
first session, the session start, signing up (only while the user is new), pending
onboarding steps, the segment's backbone
(each step with its probability, chains such as level_start → level_end with their
conversion), a purchase for payers, free events drawn by weight, what earlier events
brought about (shipping after an order, a leave after a join), the session end.
Every step passes the same gate: one-time events at most once, capped events up to
their cap (per session, per user), prerequisites done, the lifecycle stage allows it.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import accumulate

from demogen.simulation.behaviour import (
    DEFAULT_STEP_CONVERSION,
    BehaviourPlan,
    FillTable,
    Flow,
)
from demogen.simulation.held_orders import held_orders
from demogen.simulation.lifecycle import advance, rank
from demogen.simulation.playback import MilestonePlan, playback_marks
from demogen.simulation.population import SimUser
from demogen.simulation.presets import ContentLoop, IntentShares, RunLength
from demogen.simulation.renewals import renewals
from demogen.simulation.searches import search_marks
from demogen.simulation.sessions import MAX_EVENTS_PER_SESSION
from demogen.simulation.state import LadderMove
from demogen.simulation.stays import stays
from demogen.simulation.streaks import StreakEnds
from demogen.vocab import LifecycleStage, Segment

#: Free draws tried per planned event before the session gives up filling.
_DRAW_TRIES = 4

#: A flow's steps with the conversion into each.
_Steps = tuple[tuple[str, float], ...]
#: How deep chains may start inside chains (a cycle of chains stops here).
_CHAIN_DEPTH = 3
#: Chance that a pending follower (a return after an order) happens in a given session:
#: half in the session of its trigger, most within a few sessions.
FOLLOW_UP_CHANCE = 0.5
_NONE: frozenset[str] = frozenset()
#: Intents a session may set out with, each with its upper bound on one draw (_intend).
_Bounds = tuple[tuple[str, float], ...]
#: The share of a session's active time its playback ticks may fill: the rest keeps room
#: for what the session does besides playing (starting, browsing, leaving).
TICK_SHARE = 0.9
#: The cadence, in seconds, the presets' ``content_loop.progress_continue`` is given for.
PRESET_CADENCE = 10.0


@dataclass(slots=True)
class _Memory:
    """What the planner remembers of the user whose sessions it plans: lifetime counts of
    capped events, and followers brought about but not yet happened."""

    counts: dict[str, int] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)
    #: Orders held over to a later session: (the last day to pay it, the session it was
    #: submitted in, the revenue event, the hold's number), oldest first.
    held: list[tuple[int, int, str, int]] = field(default_factory=list)
    #: Something carted and not bought since: the user's next session may set out to buy.
    carted: bool = False
    #: Counts of the events capped per day (Rules ``max_per_day``) on ``day``.
    today: dict[str, int] = field(default_factory=dict)
    day: int = -1
    #: The add events (guild_join) of the pairs of the user's own thing they now hold.
    holding: set[str] = field(default_factory=set)


class SessionPlanner:
    def __init__(self, plan: BehaviourPlan, loop: ContentLoop | None = None,
                 ladders: Mapping[str, LadderMove] | None = None,
                 streaks: StreakEnds | None = None):
        self.plan = plan
        #: What tells a break of the user's streak (a loss, a freeze): played first in the
        #: session after the break (_streak_end), never drawn.
        self._streaks = streaks
        self._streak_events = streaks.events if streaks is not None else _NONE
        loop = loop or ContentLoop()
        #: Loop events (item views, playback ticks) → the chance another follows each one.
        # The preset's chance is per 10 s of playback: at another cadence a run plays as long
        # (about the same watched seconds), in as many ticks as fit in it.
        tick_continue = loop.progress_continue ** (plan.heartbeat_seconds / PRESET_CADENCE)
        self._runs = {**{e: tick_continue for e in plan.progress},
                      **{e: loop.view_continue for e in plan.views}}
        self._in_run = False
        #: Inside a run of views past its first (a browse run's or a search's results).
        self._later_view = False
        # A search opens a loop of result views (_search): the first view event shows them.
        self._searches = frozenset(plan.searches) if plan.views else _NONE
        self._result_view = plan.views[0] if plan.views else ""
        # The views after a search, and what their chains lead to (a cart), are its
        # results: the values show what it searched there (simulation.searches).
        self._views = frozenset(plan.views)
        self._browsing = frozenset(step for view in plan.views
                                   for flow in plan.chains.get(view, ()) for step in flow.steps[1:])
        self._found, self._refine = loop.search_found, loop.search_refine
        results = loop.search_results
        self._result_run = _lognormal(results)
        # Heavy-tailed where the preset draws their length (ContentLoop.view_run,
        # search_loop): a browse run's views and a search loop's searches.
        self._view_run = _lognormal(loop.view_run)
        self._search_loop = _lognormal(loop.search_loop)
        if self._view_run is not None:
            self._runs.update((e, 1.0) for e in plan.views)     # a view runs: drawn length
        self._in_search = False
        # What a session sets out to do, by the user's state (_intend): each intent's upper
        # bound on one draw; an intent the plan has no events for is none, and a state with
        # none takes no draw (the session's other draws stay as they were).
        doable = {"search": bool(self._searches), "buy": bool(plan.cart_views),
                  "configure": bool(plan.configures), "consume": bool(plan.consumes)}
        self._intents = {state: _bounds(getattr(loop.intents, state), doable)
                         for state in ("new", "engaged", "carted")}
        # Where a state sets out to configure, settings changes come in those sessions only
        # (_configure: several in a row), never drawn one by one from the segment's tables.
        configures = any(name == "configure" for bounds in self._intents.values()
                         for name, _ in bounds)
        self._configures = plan.configures if configures else ()
        run = loop.configure_run
        self._configure_run = (math.log(run.median), run.sigma)
        # A session set out to consume takes a run of items (_consume); an item that starts
        # a playback plays the player's ticks before the next.
        self._consume_run = (math.log(loop.consume_run.median), loop.consume_run.sigma)
        self._item_tick = plan.progress[0] if plan.progress else ""
        self._fills = _fill_tables(plan, frozenset(self._configures))
        # Carts and purchases mark whether the user has something carted (_Memory.carted).
        self._cart_marks = {**{e: True for e in plan.carts},
                            **{e: False for e in plan.revenue}}
        # Purchases, and attempts whose conversion the rules declare, happen in purchase
        # flows only (_purchase), never in a chain.
        self._payers_only = frozenset((*plan.revenue, *(plan.purchase_flow[r].steps[-2]
                                                        for r in plan.attempt_conversion)))
        # A playback's milestones and completion are played with it (_play), never walked.
        self._milestones = plan.milestones
        self._played = frozenset(e for m in plan.milestones.values()
                                 for e in (m.event, m.complete) if e) | plan.controls.resumes
        # A pause once something plays in the session, and not while paused (_paused);
        # its resume right after it (_step).
        self._controls = plan.controls
        self._paused = False
        # A playback plays from its start to its completion (or until the viewer leaves it
        # paused); a completion its start's chain brings comes at the playback's end
        # (_end_playback), after its ticks.
        self._playing = False
        self._completion: str | None = None
        self._player = plan.controls.pauses | plan.controls.resumes | plan.controls.starts \
            | plan.controls.completes
        # An activity without ticks (a workout: started, paused, completed) plays in one
        # piece: its own events, then its end, then the session's other events drawn
        # meanwhile (_set_aside). A player with ticks interleaves them as it plays.
        self._one_piece = bool(plan.controls.starts) and not plan.progress \
            and not plan.milestones
        self._own = plan.controls.starts | plan.controls.pauses | plan.controls.resumes \
            | plan.controls.within
        #: What ends a playback when its start's chain brings it: its completions, and for
        #: an activity the other outcomes of its start (a quit), at the shares declared.
        self._ends = plan.controls.completes | (_other_ends(plan) if self._one_piece else _NONE)
        self._player |= self._ends
        self._began = 0     # where the playing activity's start is in the session's names
        self._session: set[str] = set()     # events of the session being planned
        self._always = (
            {*plan.install, plan.session_start, plan.session_end, plan.signup, *plan.login,
             *plan.revenue, *plan.refund}
            | {s for flow in plan.progressions for s in flow.steps}
        )
        # The gate runs for every drawn event: its tables are read from here, not
        # through ``plan`` each time. Most events are only checked against the stage
        # (``_open``); the others (``_guarded``) have a history to check first.
        # A role creation is once per server: a move to a new server opens it again.
        self._one_time = plan.one_time | frozenset(plan.new_role)
        self._prerequisites = plan.prerequisites
        self._funded = plan.funded
        # Events done inside a stay (a gift in a live stream) and what ends each stay.
        self._during = plan.during
        self._stay_ends = {opener: frozenset(step for flow in plan.chains.get(opener, ())
                                             for step in flow.steps[1:])
                           for opener in set(plan.during.values())}
        self._leaders = plan.session_prerequisites
        self._caps = plan.per_session
        self._counts: dict[str, int] = {}   # capped events of the session being planned
        self._earning = plan.earning
        self._earned: dict[str, int] = {}   # earning events of the session being planned
        self._lifetime_caps = plan.max_per_user
        # A paid start drawn freely (Rules payers_only) is the potential payers' only.
        self._payers_free = plan.payers_only
        self._held_one = plan.held_one
        self._day_caps = plan.per_day
        #: Ladder moves (StateApplier.ladder_moves) and the rungs moved by the session
        #: being planned: a move stays on its ladder (no demotion on the first rung).
        self._ladders = dict(ladders or {})
        self._moved: dict[str, int] = {}
        self._triggers = plan.followers
        self._follower_order = tuple(dict.fromkeys(
            f for pairs in plan.followers.values() for f, _ in pairs))
        self._delays = plan.follow_delays
        #: A purchase voids a trial's end to come; a trial never starts after one.
        self._voids, self._voided_starts = plan.voids, plan.voided_starts
        self._exclusive = plan.exclusive
        #: Follow-ups that exclude a check-in (a booking's cancel): one waits for a stay
        #: still to come (nobody cancels a stay begun).
        self._stay_cancels = frozenset(e for e, x in plan.exclusive.items()
                                       if e not in plan.stay_starts and x & plan.stay_starts)
        #: A charge that starts a subscription (it brings a renewal due a period later) →
        #: those renewals: a subscriber does not buy it again while the subscription runs.
        self._subscribes = {trigger: renews for trigger, pairs in plan.followers.items()
                            if (renews := frozenset(f for f, _ in pairs if f in self._delays))}
        #: A renewal → the follow-up of its charge that stops it (a cancel) and its rate: a
        #: chain that stops after some renewals ends with the cancel in that share.
        self._cancels = {renewal: (f, rate) for pairs in plan.followers.values()
                         for renewal in self._delays for f, rate in pairs
                         if f in self._exclusive.get(renewal, _NONE)}
        self._day = 0   # the day of the session being planned
        # Users are planned one after the other: a new user starts a new memory.
        self._user: SimUser | None = None
        self._memory = _Memory()
        #: Playback ticks, and how many more the session's time holds (plan_session).
        self._ticks = frozenset(plan.progress)
        self._ticks_left = 0
        self._guarded = frozenset((*self._one_time, *plan.prerequisites,
                                   *plan.session_prerequisites, *plan.per_session,
                                   *plan.max_per_user, *plan.per_day, *self._ladders,
                                   *plan.payers_only,
                                   *plan.held_one, *plan.earning,
                                   *self._streak_events,
                                   *plan.progress,
                                   *plan.controls.pauses, *plan.controls.within))
        self._open = {stage: frozenset(self._always | allowed)
                      for stage, allowed in plan.allowed.items()}
        self._reaches = _stages_reached(plan)
        #: Per chain leader, each of its chains' later steps with their conversion.
        self._chains = {leader: tuple(_after_first(flow, plan, loop.cart_per_view)
                                      for flow in flows)
                        for leader, flows in plan.chains.items()}
        # A potential payer carts more of what they view: the orders they make list it.
        payer_rate = loop.payer_cart_per_view
        self._payer_chains = self._chains if payer_rate is None else {
            leader: tuple(_after_first(flow, plan, payer_rate) for flow in flows)
            for leader, flows in plan.chains.items()}
        # A browser (no potential payer) compares what a run of views shows and carts one
        # of them at most, at the run's first view: their carts follow their runs, not
        # their views (ContentLoop.browser_cart_per_run; a cart chance at each view made
        # deep runs cart more and buy no more: purchases per cart fell under the band).
        self._browse_chains = self._chains if not loop.browser_cart_per_run else {
            leader: tuple(() if _view_cart(flow, plan) else chain
                          for flow, chain in zip(flows, self._chains[leader], strict=True))
            for leader, flows in plan.chains.items()}
        self._rank = {stage: rank(stage) for stage in LifecycleStage}

    # -- the gate ------------------------------------------------------------------------

    def can(self, user: SimUser, event: str, *, in_flow: bool = False) -> bool:
        """One-time events once, capped events up to their cap in a session, prerequisites
        first, the stage allows it. Inside a purchase flow the flow itself orders the steps,
        so chain leaders are not needed."""
        if event in self._guarded:
            done = user.done
            if event in self._streak_events:
                return False
            if event in self._payers_free and not user.potential_payer:
                return False
            if event in self._one_time and event in done:
                return False
            cap = self._caps.get(event)
            if cap is not None and self._counts.get(event, 0) >= cap:
                return False
            cap = self._lifetime_caps.get(event)
            if cap is not None and self._memory.counts.get(event, 0) >= cap:
                return False
            cap = self._day_caps.get(event)
            if cap is not None and self._memory.today.get(event, 0) >= cap:
                return False
            if event in self._ladders and not self._on_ladder(user, event):
                return False
            if event in self._earning and not self._left_to_earn(user, event):
                return False
            pair = self._held_one.get(event)
            if pair is not None and (pair[0] in self._memory.holding) == pair[1]:
                return False    # a second join before a leave, or a leave of nothing
            before = self._prerequisites.get(event)
            if before and not done.issuperset(before) and not self._holds(user, event):
                return False
            leaders = self._leaders.get(event)
            if leaders and not in_flow and self._session.isdisjoint(leaders):
                return False
            if event in self._ticks and (self._ticks_left <= 0 or self._stopped()):
                return False
            if event in self._controls.pauses and (self._paused or not self._playing):
                return False
            if event in self._controls.within and not self._playing:
                return False
        if event in self._subscribes and self._subscribed(user, event):
            return False
        bought = self._voided_starts.get(event)
        if bought and not user.done.isdisjoint(bought):
            return False    # no trial of a plan once one was bought
        return event in self._open[user.stage]

    def _left_to_earn(self, user: SimUser, event: str) -> bool:
        """Whether the user has something left to earn on ``event`` (a badge not earned
        whose distance they covered), beyond what the session already earns: the values
        drawn so far say (``user.sticky``), the session's own draws come after."""
        planned = self._earned.get(event, 0)
        return all(len(things.fresh(user.sticky)) > planned
                   for things in self._earning[event])

    def _on_ladder(self, user: SimUser, event: str) -> bool:
        """Whether the move ``event`` stays on its ladder from the user's rung (the first
        when they hold none), counting the moves planned this session. A plan change
        from a rung past the ones it reaches (an upgrade from the top plan) has none; an
        event setting the plan (0 rungs) is never held back."""
        prop, ladder, rungs, jumps = self._ladders[event]
        if not rungs:
            return True
        current = user.state.get(prop)
        if jumps and current is not None and current not in ladder:
            return False
        at = (ladder.index(current) if current in ladder else 0) + self._moved.get(prop, 0)
        return 0 <= at + rungs < len(ladder)

    def _stopped(self) -> bool:
        """Whether nothing plays: the player ticks only between a start of the session and its
        completion (no start in the plan: ticks come freely)."""
        return not self._playing and bool(self._controls.starts)

    def _subscribed(self, user: SimUser, charge: str) -> bool:
        """Whether a subscription ``charge`` started still runs: a renewal of it is to come,
        or an event that ends it before one (a cancel: Rules ``stops``) has yet to happen.
        A subscriber who switches plans (Rules ``switch_share``) may buy it again: the new
        plan's charge ends the running one (``_bring_about``)."""
        marks, pending = renewals(user.sticky), self._memory.pending
        return any(any(pending.get(end, 0) > 0
                       for end in self._exclusive.get(renewal, _NONE))
                   or (not marks.may_switch(renewal)
                       and (marks.running(renewal)
                            or any(marks.running(end)
                                   for end in self._exclusive.get(renewal, _NONE))))
                   for renewal in self._subscribes[charge])

    def _holds(self, user: SimUser, event: str) -> bool:
        """Whether a payer holds some of the balance a spend takes from (coins bought
        before the window), which stands in for the purchase it needs. Gifting is what
        payers do: a non-payer's coins from the plan's range do not make them gift."""
        balance = self._funded.get(event)
        held = user.state.get(balance) if balance is not None else None
        return user.potential_payer and isinstance(held, int | float) and held > 0

    def _new_server(self, user: SimUser, names: list[str]) -> None:
        """A move to a new server: the user creates a role there (once per server, so a
        role created on the old one does not count; the lifetime cap still holds), whatever
        their stage, since playing on the new server needs one."""
        for event in self.plan.new_role:
            user.done.discard(event)
            cap = self._lifetime_caps.get(event)
            if cap is None or self._memory.counts.get(event, 0) < cap:
                self._note(user, event, names)

    def _note(self, user: SimUser, event: str, names: list[str]) -> None:
        if event in self._ticks:
            self._ticks_left -= 1
            names.append(event)
        elif event in self._player:
            after = self._control(user, event, names)
            names.append(event)
            names.extend(after)     # what an activity's end set aside comes after the end
        else:
            names.append(event)
        user.done.add(event)
        self._session.add(event)
        if event in self._caps:
            self._counts[event] = self._counts.get(event, 0) + 1
        if event in self._earning:
            self._earned[event] = self._earned.get(event, 0) + 1
        if event in self._lifetime_caps:
            counts = self._memory.counts
            counts[event] = counts.get(event, 0) + 1
        if event in self._day_caps:
            today = self._memory.today
            today[event] = today.get(event, 0) + 1
        pair = self._held_one.get(event)
        if pair is not None:
            (self._memory.holding.add if pair[1] else self._memory.holding.discard)(pair[0])
        move = self._ladders.get(event)
        if move is not None:    # a plan change may land on the last rung: one a session
            step = (move.rungs or 1) * len(move.ladder) if move.jumps else move.rungs
            self._moved[move.prop] = self._moved.get(move.prop, 0) + step
        voided = self._voids.get(event)
        if voided:  # a plan bought during a trial: the trial does not run out
            renewals(user.sticky).void(voided)
        if event in self._triggers:     # a charge's own payment comes right after it
            for payment in self._bring_about(user, event):
                if self.can(user, payment):
                    self._note(user, payment, names)
        carted = self._cart_marks.get(event)
        if carted is not None:
            self._memory.carted = carted
        reached = self._reaches.get(event)
        if reached is None:     # most events: they only end the INSTALLED stage
            if user.stage is LifecycleStage.INSTALLED:
                user.stage = LifecycleStage.FIRST_SESSION
        elif self._rank[reached] > self._rank[user.stage]:    # stages only advance
            user.stage = reached

    def _control(self, user: SimUser, event: str, names: list[str]) -> list[str]:
        """What a control does to the playback (before it is noted): a start ends the
        playback before it (its completion, if its chain brought one) and plays anew.
        Returns the events to put right after it: an activity's end puts the session's
        events drawn while it ran after itself."""
        controls = self._controls
        if event in controls.pauses:
            self._paused = True
        elif event in controls.resumes:
            self._paused = False
        elif event in controls.starts:
            self._end_playback(user, names)
            self._playing, self._paused, self._began = True, False, len(names)
        else:   # a completion: nothing of this playback comes after it
            after = self._set_aside(names)
            self._playing, self._paused, self._completion = False, False, None
            return after
        return []

    def _end_playback(self, user: SimUser, names: list[str]) -> None:
        """The completion the playback's start brought, at its end (after its ticks); an
        activity that none ends stops unseen, after its own events."""
        completion, self._completion = self._completion, None
        if completion is not None and self.can(user, completion):
            self._note(user, completion, names)
        elif self._one_piece:
            names.extend(self._set_aside(names))
            self._playing = False

    def _set_aside(self, names: list[str]) -> list[str]:
        """An activity played in one piece ends: the session's other events noted since its
        start leave ``names`` (in their order), to come after its end. Nobody gives kudos
        or shares a run in the middle of it; they were drawn while it ran, so their gates
        (all passed before its end) hold after it too."""
        if not (self._one_piece and self._playing):
            return []
        since = names[self._began:]
        names[self._began:] = [n for n in since if n in self._own]
        return [n for n in since if n not in self._own]

    def _after_pause(self, user: SimUser, names: list[str]) -> None:
        """The playback goes on after its pause (its resume right after it), or the viewer
        leaves it paused (``left_paused``): nothing of it plays on, nor completes. Without a
        resume in the plan it goes on unseen."""
        resume = self._controls.resume
        if resume is None:
            # The plan tracks no resume (a workout's pause): the user goes on unseen, so the
            # activity can be paused again and completes at its funnel's rate (a pause
            # left for good would show as nothing but a missing completion).
            self._paused = False
            return
        if user.rnd.random() < self._controls.left_paused or not self.can(user, resume):
            names.extend(self._set_aside(names))    # an activity left paused ends here
            self._playing, self._completion = False, None
            return
        self._note(user, resume, names)

    # -- the story -----------------------------------------------------------------------

    def plan_session(self, user: SimUser, budget: int, day: int,
                     seconds: float | None = None, moved: bool = False) -> list[str]:
        """The session's events: about ``budget`` of them, and no more playback ticks than
        ``seconds`` of active time hold at the player's cadence (None: no limit); ``moved``:
        the user moves to a new server in this session, where they first create a role."""
        plan, rnd, names = self.plan, user.rnd, []
        self._ticks_left = MAX_EVENTS_PER_SESSION if seconds is None else \
            int(seconds * TICK_SHARE / plan.heartbeat_seconds)
        if user is not self._user:
            self._user, self._memory = user, _Memory()
        self._session.clear()
        self._counts.clear()
        self._earned.clear()
        self._moved.clear()
        if self._memory.day != day:
            self._memory.day = day
            self._memory.today.clear()
        self._paused = self._playing = False
        self._completion = None
        self._day = day
        if self._delays:    # the renewals' marks of last session are spent too
            renewals(user.sticky).new_session(user.sessions + 1)
        if plan.stay_starts:    # and the stays'
            stays(user.sticky).new_session(user.sessions + 1)
        if self._searches:      # and the searches' (what their results show)
            search_marks(user.sticky).new_session(user.sessions + 1)
        if plan.milestones:     # last session's milestones are drawn
            playback_marks(user.sticky).queue.clear()
        if plan.paid_later:     # last session's marks for the values are spent
            held_orders(user.sticky).new_session(user.sessions + 1)
        if user.sessions == 0:
            for event in plan.install:
                if self.can(user, event):
                    self._note(user, event, names)
        if plan.session_start:
            # Where signing in opens a session, the very first one opens with signing up.
            for before in plan.prerequisites.get(plan.session_start, ()):
                if before not in user.done and self.can(user, before):
                    self._note(user, before, names)
            self._note(user, plan.session_start, names)
        if moved:
            self._new_server(user, names)
        if plan.expiring:
            self._run_out(user, names)
        self._signup(user, names)
        self._onboarding(user, names)
        if self._streaks is not None:
            self._streak_end(self._streaks, user, day, names)
        for event, probability in plan.segments[user.segment].backbone:
            if rnd.random() < probability and self.can(user, event):
                self._with_chain(user, event, names)
        self._intend(user, names)
        buys = (user.potential_payer or user.hesitant) and plan.revenue
        if buys and rnd.random() < self._purchase_chance(user, day):
            self._purchase(user, names)
        self._fill(user, budget - 1, names)
        if self._one_piece:     # the activity ends before what the session owes comes
            self._end_playback(user, names)
        self._pay_held(user, names)
        self._follow_up(user, names)
        self._end_playback(user, names)
        if plan.session_end:
            self._note(user, plan.session_end, names)
        if self._searches:      # the views each search brought (the values show its term)
            search_marks(user.sticky).mark(names, self._searches, self._views, self._browsing)
        user.sessions += 1
        self._settle_stage(user)
        return names

    def _streak_end(self, streaks: StreakEnds, user: SimUser, day: int,
                    names: list[str]) -> None:
        """A streak broken since the user's last step is told in their first session after
        the break, once: the event ends it or keeps it (simulation/streaks.py)."""
        event = streaks.due(user.state, day, user.rnd)
        if event is not None and event in self._open[user.stage]:
            self._note(user, event, names)

    def _intend(self, user: SimUser, names: list[str]) -> None:
        """What the session sets out to do, by the user's state (ContentLoop.intents): a
        search (its loop of results) or the cart (to buy what is in it); else it browses,
        as the segment's draws make it."""
        bounds = self._intent_bounds(user)
        if not bounds:
            return
        draw = user.rnd.random()
        intent = next((name for name, bound in bounds if draw < bound), None)
        if intent == "search":
            search = self.plan.searches[0]
            if self.can(user, search):
                self._with_chain(user, search, names)
        elif intent == "buy":
            for screen in self.plan.cart_views:
                if self.can(user, screen):
                    self._with_chain(user, screen, names)
                    return
        elif intent == "configure":
            self._configure(user, names)
        elif intent == "consume":
            self._consume(user, names)

    def _configure(self, user: SimUser, names: list[str]) -> None:
        """A session set out to configure changes several settings in a row: a run of the
        plan's configure events, lognormal in length (ContentLoop.configure_run)."""
        rnd, events = user.rnd, self._configures
        for _ in range(max(1, round(rnd.lognormvariate(*self._configure_run)))):
            event = events[0] if len(events) == 1 else rnd.choice(events)
            if len(names) >= MAX_EVENTS_PER_SESSION:
                break
            if self.can(user, event):
                self._with_chain(user, event, names)

    def _consume(self, user: SimUser, names: list[str]) -> None:
        """A session set out to consume takes items one after the other (an episode after
        the episode, a lesson after the lesson): a run of one of the plan's consume events,
        lognormal in length (ContentLoop.consume_run), each item with its chain (a read's
        completion, a lesson's outcome) and milestones, and, where it starts a playback,
        the player's ticks before the next item (whose start completes it)."""
        events, tick = self.plan.consumes, self._item_tick
        event = events[0] if len(events) == 1 else user.rnd.choice(events)
        playback = bool(tick) and event in self._controls.starts
        for _ in range(_run_length(user, self._consume_run)):
            if len(names) >= MAX_EVENTS_PER_SESSION or not self.can(user, event):
                break
            self._with_chain(user, event, names)
            if playback and self.can(user, tick):
                self._with_chain(user, tick, names)

    def _intent_bounds(self, user: SimUser) -> _Bounds:
        if user.segment is Segment.NEW_USER:
            return self._intents["new"]
        return self._intents["carted" if self._memory.carted else "engaged"]

    def _onboarding(self, user: SimUser, names: list[str]) -> None:
        """Pending steps of each progression, up to how far this user will ever get; a
        tutorial told by one repeated event plays its steps in the first session only."""
        for flow, limit in zip(self.plan.progressions, user.progress_limits, strict=True):
            for step in flow.steps[:limit]:
                if step not in user.done and self.can(user, step):
                    self._note(user, step, names)
        if user.sessions == 0:
            for event, steps in self.plan.tutorial_repeats:
                for step in range(steps):
                    if step and user.rnd.random() >= DEFAULT_STEP_CONVERSION:
                        break   # dropped out of the tutorial
                    if not self.can(user, event):
                        break
                    self._note(user, event, names)

    # -- consequences ----------------------------------------------------------------------

    def _bring_about(self, user: SimUser, trigger: str) -> list[str]:
        """Each follower of ``trigger`` becomes pending with its chance (at most one per
        occurrence), to happen in this session or a later one; a follower excluded by one
        brought before it (a check-in after the booking's cancel: ``exclusive``) is not.
        Returns the renewals brought whose first occurrence is the charge's own payment
        (``paid_at_once``), to note right after it."""
        pending = self._memory.pending
        brought: set[str] = set()
        at_once: list[str] = []
        nth = renewals(user.sticky).noted(trigger) if self._delays else 0
        for renewal in self._subscribes.get(trigger, ()):
            if renewals(user.sticky).may_switch(renewal):   # a charge of the new plan
                renewals(user.sticky).switch(renewal)       # ends the running one
        booking = stays(user.sticky).noted(trigger) if self.plan.stay_starts else 0
        for follower, rate in self._triggers[trigger]:
            # A plan's payment comes with every charge (its rate: the renewals').
            if user.rnd.random() < rate or follower in self.plan.paid_at_once:
                if not self._exclusive.get(follower, _NONE).isdisjoint(brought):
                    continue
                brought.add(follower)
                delay = self._delays.get(follower)
                if follower in self.plan.stay_starts:   # due on the booking's stay date
                    stays(user.sticky).bring(follower, (trigger, booking))
                elif delay is None:
                    pending[follower] = pending.get(follower, 0) + 1
                elif follower in self.plan.expiring:    # a trial's end: once, its days on
                    renewals(user.sticky).expire(follower, (trigger, nth), self._day, delay)
                else:   # due a billing period of the plan charged later (renewals)
                    renewals(user.sticky).bring(follower, (trigger, nth), rate, self._day,
                                                delay)
                    if follower in self.plan.paid_at_once:
                        at_once.append(follower)
        return at_once

    def _follow_up(self, user: SimUser, names: list[str]) -> None:
        """Pending followers that happen in this session (a follower may bring its own);
        a delayed one (a renewal) happens in the first session on or after its day."""
        pending = self._memory.pending
        marks = renewals(user.sticky) if self._delays else None
        booked = stays(user.sticky) if self.plan.stay_starts else None
        for follower in booked.told() if booked is not None else ():
            pending[follower] = pending.get(follower, 0) + 1    # the booking named no stay
        for follower in self._follower_order:
            while booked is not None and booked.is_due(follower, self._day) \
                    and self.can(user, follower):
                self._note(user, follower, names)
                booked.checked_in(follower, names.count(follower))
            while marks is not None and marks.is_due(follower, self._day, user.rnd) \
                    and self.can(user, follower):
                self._note(user, follower, names)
                marks.renewed(follower, names.count(follower), self._day, user.rnd,
                              self._cancels.get(follower))
            # A cancel cancels a stay still to come: no more of them than stays to come
            # (a second cancel in the session fell back to a stay long past).
            left = booked.to_come(self._day) if follower in self._stay_cancels \
                and booked is not None else None
            for _ in range(pending.get(follower, 0) if left is None else
                           min(pending.get(follower, 0), left)):
                if user.rnd.random() < FOLLOW_UP_CHANCE and self.can(user, follower):
                    pending[follower] -= 1
                    self._note(user, follower, names)
                    if follower in self.plan.held_cancels:
                        self._cancel_held(user, follower, names)

    def _run_out(self, user: SimUser, names: list[str]) -> None:
        """What ran out since the user's last session (a trial's end due by today) opens
        this one, before anything the session does (an upgrade would find the trial over)."""
        marks = renewals(user.sticky)
        for end in sorted(self.plan.expiring):
            while marks.is_due(end, self._day, user.rnd) and self.can(user, end):
                self._note(user, end, names)
                marks.renewed(end, names.count(end), self._day, user.rnd)

    def _signup(self, user: SimUser, names: list[str]) -> None:
        """Signing up belongs to the start of a life: while the user is NEW (its first
        days); whoever has not signed up by then stays anonymous."""
        signup = self.plan.signup
        if (signup and user.segment is Segment.NEW_USER and signup not in user.done
                and self.can(user, signup)):
            chance = 0.6 if user.sessions == 0 else 0.15
            if user.rnd.random() < chance:
                self._note(user, signup, names)

    def _with_chain(self, user: SimUser, event: str, names: list[str], depth: int = 0) -> None:
        """The event, the chain it leads, and for a loop event (an item view, a playback
        tick) more of the same while the user stays: a run, geometric in length. A run may
        outlast the session's planned events (browsing is what the session is for); the
        session keeps its length, its events come closer together."""
        opener = self._during.get(event)
        if opener is not None and not self._within(opener, names):
            self._enter_for(user, opener, event, names, depth)
            return
        self._step(user, event, names, depth)
        more = self._runs.get(event)
        if more and not self._in_run:
            self._in_run = self._later_view = True
            random, can = user.rnd.random, self.can
            if self._view_run is not None and event in self._views:
                for _ in range(_run_length(user, self._view_run) - 1):
                    if not can(user, event) or len(names) >= MAX_EVENTS_PER_SESSION:
                        break
                    self._step(user, event, names, depth)
            else:
                while random() < more and can(user, event) and \
                        len(names) < MAX_EVENTS_PER_SESSION:
                    self._step(user, event, names, depth)
            self._in_run = self._later_view = False
        if event in self._searches and not self._in_search:
            self._search(user, event, names, depth)

    def _search(self, user: SimUser, search: str, names: list[str], depth: int) -> None:
        """What a search found: a run of result views (a loop of its own), then sometimes a
        refined search and its results; a search that finds nothing ends the loop."""
        self._in_search = True
        random, view = user.rnd.random, self._result_view
        loop = self._search_loop
        searches = 0 if loop is None else _run_length(user, loop)
        while len(names) < MAX_EVENTS_PER_SESSION and random() < self._found:
            if self.can(user, view):
                self._results(user, view, names, depth)
            searches -= 1
            if (searches <= 0 if loop is not None else random() >= self._refine) or \
                    not self.can(user, search):
                break
            self._step(user, search, names, depth)
        self._in_search = False

    def _results(self, user: SimUser, view: str, names: list[str], depth: int) -> None:
        """A search's result views: a run of views like any, or, where the preset draws
        their number (ContentLoop.search_results), that many: heavy-tailed."""
        if self._result_run is None:
            self._with_chain(user, view, names, depth)
            return
        count = _run_length(user, self._result_run)
        in_run, self._in_run = self._in_run, True   # the count is the run: no view loop
        later = self._later_view
        for index in range(count):
            if len(names) >= MAX_EVENTS_PER_SESSION or not self.can(user, view):
                break
            self._later_view = later or index > 0
            self._with_chain(user, view, names, depth)
        self._in_run, self._later_view = in_run, later

    def _step(self, user: SimUser, event: str, names: list[str], depth: int) -> None:
        self._note(user, event, names)
        playback = self._milestones.get(event)
        if playback is not None:
            self._play(user, playback, names)
        if event in self._controls.pauses:
            self._after_pause(user, names)
        chains = (self._payer_chains if user.potential_payer else
                  self._browse_chains if self._later_view else self._chains).get(event)
        if chains and depth < _CHAIN_DEPTH:
            if len(chains) == 1:
                self._walk(user, chains[0], names, depth)
            elif (chain := self._outcome(user, event, chains)) is not None:
                self._walk(user, chain, names, depth, decided=True)

    def _play(self, user: SimUser, playback: MilestonePlan, names: list[str]) -> None:
        """One playback: each threshold it passes once, in increasing order, up to how far
        the viewer watched (the values show the threshold: ``playback_marks``); the
        completion only after the whole title."""
        watched = playback.watched(user.rnd)
        queue = playback_marks(user.sticky).queue
        for threshold in range(playback.passed(watched)):
            if not self.can(user, playback.event):
                return
            self._note(user, playback.event, names)
            queue.append(threshold)
        if watched >= 1.0 and playback.complete and self.can(user, playback.complete):
            self._note(user, playback.complete, names)

    def _within(self, opener: str, names: list[str]) -> bool:
        """Whether the session is inside a stay ``opener`` opened (entered, not left yet)."""
        for name in reversed(names):
            if name == opener:
                return True
            if name in self._stay_ends[opener]:
                return False
        return False

    def _enter_for(self, user: SimUser, opener: str, event: str, names: list[str],
                   depth: int) -> None:
        """``event`` done inside a stay (Rules events.<e>.during: a gift in a live stream):
        the user enters, does it, and the stay goes on as when entered (its leaving)."""
        if not self.can(user, opener):
            return
        at = len(names)
        self._step(user, opener, names, depth)
        self._note(user, event, names)
        names.insert(at + 1, names.pop())      # right after the entering, before the leaving

    def _outcome(self, user: SimUser, start: str, chains: tuple[_Steps, ...]) -> _Steps | None:
        """The one end a start with alternative ends gets (a win or a fail), by the chance
        of each (BehaviourPlan.outcomes); none for the rest."""
        draw = user.rnd.random()
        for chain, share in zip(chains, self.plan.outcomes[start], strict=True):
            if draw < share:
                return chain
            draw -= share
        return None

    def _walk(self, user: SimUser, steps: _Steps, names: list[str], depth: int,
              decided: bool = False) -> None:
        """Follow a chain until a step is not converted (``decided``: its first step was
        drawn as the start's outcome); purchases (and their attempts, where the rules
        declare the attempt's conversion) are left to buyers.
        A step that leads chains of its own starts one (search → product, then the
        product page's own product → cart → checkout)."""
        for i, (step, conversion) in enumerate(steps):
            if step in self._payers_only or step in self._played or (
                    not (decided and i == 0) and user.rnd.random() >= conversion):
                return
            if step in self._ends:    # comes at the playback's end
                self._completion = step if self._playing else None
                return
            if not self.can(user, step):
                return
            self._with_chain(user, step, names, depth + 1)

    def _purchase_chance(self, user: SimUser, day: int) -> float:
        """Payers buy early: realism-bands §2 puts about half of first purchases on D0–D1.
        A hesitant buyer's early rush ends after the first time they set out to buy, as a
        payer's mostly does (an end at their first attempt, which they make in a share of
        the times, gave them more early attempts than the payers: 0.8 measured 0.77)."""
        if not user.purchases and day - user.install_day <= 1:
            return min(1.0, user.purchase_rate * 4)
        # The day's segment moves it (population.day_pay_factors): less on a CHURNING day.
        return user.purchase_rate * user.day_pay.get(user.segment, 1.0)

    def _purchase(self, user: SimUser, names: list[str]) -> None:
        plan, rnd = self.plan, user.rnd
        revenue = plan.revenue[0] if len(plan.revenue) == 1 else rnd.choice(plan.revenue)
        flow = plan.purchase_flow[revenue]
        if revenue in self._subscribes and self._subscribed(user, revenue):
            return      # a subscriber does not set out to buy the plan that runs again
        if user.hesitant:
            user.purchases += 1     # they never buy: this counts the times they set out
            if rnd.random() * plan.hesitant_ratio >= plan.hesitation(revenue):
                return      # hesitant buyers attempt each purchase in its own share
        for step, conversion in zip(flow.steps[:-1], flow.conversion[:-1], strict=True):
            if not (self.can(user, step, in_flow=True) and rnd.random() < conversion):
                return          # the buyer dropped out of the flow
            self._note(user, step, names)
        if user.own_failures and revenue in plan.attempt_conversion:
            self._tried_again(user, revenue, names)
        if not user.hesitant and self.can(user, revenue, in_flow=True) and \
                rnd.random() < plan.purchase_chance(revenue):
            user.purchases += 1
            later = plan.paid_later.get(revenue)
            if later and rnd.random() < later:
                self._hold(user, revenue, flow.steps[-2], names)
            else:
                self._pay(user, revenue, names)
        else:                   # the attempt fails (a hesitant buyer never buys)
            self._failed(user, revenue, names)

    def _pay(self, user: SimUser, revenue: str, names: list[str]) -> None:
        """The purchase, and its refund with the plan's chance."""
        plan = self.plan
        self._note(user, revenue, names)
        if plan.refund and user.rnd.random() < plan.refund_rate and self.can(user, plan.refund[0]):
            self._note(user, plan.refund[0], names)

    def _hold(self, user: SimUser, revenue: str, attempt: str, names: list[str]) -> None:
        """The order just submitted (``attempt``) is paid in a later session: the values
        keep it under the hold's number (held_orders)."""
        marks = held_orders(user.sticky)
        number = marks.number(marks.held, (attempt, names.count(attempt)))
        lapse = self._day + self.plan.paid_later_days[revenue]
        self._memory.held.append((lapse, user.sessions, revenue, number))

    def _pay_held(self, user: SimUser, names: list[str]) -> None:
        """Orders held over from earlier sessions are paid now, each the one it holds
        (the values show its id and amounts); one past its days has lapsed."""
        held = self._memory.held
        while held and held[0][0] < self._day:     # lapsed: the values forget it
            held_orders(user.sticky).kept.pop(held.pop(0)[3], None)
        marks = held_orders(user.sticky) if held else None
        while held and held[0][1] < user.sessions and marks is not None \
                and self.can(user, held[0][2], in_flow=True):
            _, _, revenue, number = held.pop(0)
            self._pay(user, revenue, names)
            marks.paid[(revenue, names.count(revenue))] = number

    def _cancel_held(self, user: SimUser, cancel: str, names: list[str]) -> None:
        """The cancel just noted cancels the user's oldest order of its purchase still held
        over: it is never paid, and the values show that order in the cancel."""
        revenue = self.plan.held_cancels[cancel]
        held = self._memory.held
        at = next((i for i, entry in enumerate(held) if entry[2] == revenue), None)
        if at is not None:
            held_orders(user.sticky).paid[(cancel, names.count(cancel))] = held.pop(at)[3]

    def _failed(self, user: SimUser, revenue: str, names: list[str]) -> None:
        """A failed attempt shows its failure event (payment_fail), where the plan has one."""
        failures = self.plan.purchase_failures.get(revenue)
        if not failures:
            return
        draw = user.rnd.random()
        for failure, chance in failures:
            if draw < chance:
                if self.can(user, failure, in_flow=True):
                    self._note(user, failure, names)
                return
            draw -= chance

    def _tried_again(self, user: SimUser, revenue: str, names: list[str]) -> None:
        """A payer's own failed attempts before the one that buys (declined, tried again):
        ``own_failures`` of the attempt's hesitation per purchase, accrued and shown once
        whole (from a random start), so the payer's draws stay those of the purchases."""
        attempt = self.plan.purchase_flow[revenue].steps[-2]
        user.failures_owed += self.plan.hesitation(revenue) * user.own_failures
        while user.failures_owed >= 1.0 and self.can(user, attempt, in_flow=True):
            user.failures_owed -= 1.0
            self._failed(user, revenue, names)
            self._note(user, attempt, names)

    def _fill(self, user: SimUser, target: int, names: list[str]) -> None:
        table = self._fills[user.segment][user.stage]
        events, cum_weights = table.names, table.cum_weights
        if not events:
            return
        # One weighted draw per try, as ``random.choices(events, cum_weights=…)[0]`` makes
        # it (a bisect of ``random() × total``: the same draw from the same stream) without
        # its per-call checks and list; this loop runs for most events of a session.
        total, last = cum_weights[-1] + 0.0, len(cum_weights) - 1
        random, can, with_chain = user.rnd.random, self.can, self._with_chain
        tries, most = 0, target * _DRAW_TRIES
        while len(names) < target and tries < most:
            tries += 1
            event = events[bisect_right(cum_weights, random() * total, 0, last)]
            if can(user, event):
                with_chain(user, event, names)

    def _settle_stage(self, user: SimUser) -> None:
        """After a session: onboarding done (or none to do) → ACTIVE; power users → ADVANCED."""
        plan = self.plan
        onboarded = not plan.onboarding_complete or bool(plan.onboarding_complete & user.done)
        if onboarded and user.sessions >= 2:
            user.stage = advance(user.stage, LifecycleStage.ACTIVE)
        if onboarded and (user.sessions >= 15 or
                          (user.segment is Segment.POWER_USER and user.sessions >= 5)):
            user.stage = advance(user.stage, LifecycleStage.ADVANCED)


def _fill_tables(plan: BehaviourPlan, left_out: frozenset[str],
                 ) -> dict[Segment, dict[LifecycleStage, FillTable]]:
    """The segments' free-draw tables without ``left_out`` (events with a story of their
    own in this planner), each kept event with its own weight."""
    if not left_out:
        return {segment: behaviour.fill for segment, behaviour in plan.segments.items()}
    out: dict[Segment, dict[LifecycleStage, FillTable]] = {}
    for segment, behaviour in plan.segments.items():
        out[segment] = {}
        for stage, table in behaviour.fill.items():
            weights = [c - p for c, p in zip(table.cum_weights, (0.0, *table.cum_weights),
                                             strict=False)]
            kept = [(n, w) for n, w in zip(table.names, weights, strict=True)
                    if n not in left_out]
            out[segment][stage] = FillTable(tuple(n for n, _ in kept),
                                            tuple(accumulate(w for _, w in kept)))
    return out


def _other_ends(plan: BehaviourPlan) -> frozenset[str]:
    """The outcomes of a start with alternative ends besides its completion (a workout
    completed or abandoned): each ends the activity at the share the plan declares."""
    return frozenset(flow.steps[1] for start in plan.controls.starts if start in plan.outcomes
                     for flow in plan.chains.get(start, ()) if len(flow.steps) > 1)


def _bounds(shares: IntentShares, doable: dict[str, bool]) -> _Bounds:
    """Each intent the plan can act on with its upper bound on one draw, in the order
    the shares are listed (a share the plan cannot act on takes no part of the draw)."""
    out: list[tuple[str, float]] = []
    total = 0.0
    for name, share in shares.model_dump().items():
        if share > 0 and doable[name]:
            total += share
            out.append((name, total))
    return tuple(out)


def _lognormal(run: RunLength | None) -> tuple[float, float] | None:
    """A preset's run length as the (mu, sigma) drawn (None: none drawn)."""
    return None if run is None else (math.log(run.median), run.sigma)


def _run_length(user: SimUser, run: tuple[float, float]) -> int:
    """A heavy-tailed run length: lognormal, rounded, at least 1."""
    return max(1, round(user.rnd.lognormvariate(*run)))


def _stages_reached(plan: BehaviourPlan) -> dict[str, LifecycleStage]:
    """The stage each event moves a user up to, where it is more than the first session."""
    reaches: dict[str, LifecycleStage] = {}
    marks = ((LifecycleStage.REGISTERED, {plan.signup} if plan.signup else set()),
             (LifecycleStage.ONBOARDING_STARTED, plan.onboarding),
             (LifecycleStage.ONBOARDING_COMPLETED, plan.onboarding_complete))
    for stage, events in marks:     # in stage order: an event's last mark is its highest
        for event in events:
            reaches[event] = stage
    return reaches


def _view_cart(flow: Flow, plan: BehaviourPlan) -> bool:
    """Whether the chain goes from an item view to a cart."""
    return len(flow.steps) > 1 and flow.steps[0] in plan.views and flow.steps[1] in plan.carts


def _after_first(flow: Flow, plan: BehaviourPlan, rate: float | None) -> _Steps:
    """A chain's later steps with their conversion; a view's cart converts at the loop's
    ``rate`` per view where the vertical gives one (a funnel's number counts sessions)."""
    steps = tuple(zip(flow.steps[1:], flow.conversion[1:], strict=True))
    if rate is None or flow.steps[0] not in plan.views or steps[0][0] not in plan.carts:
        return steps
    return ((steps[0][0], rate), *steps[1:])

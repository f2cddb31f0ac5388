"""The ``funnel`` check of ``demogen validate``: each funnel step converts as declared.

validate reads the funnels on the rules' own terms (``Funnel``, ``SequenceDetail``,
``EventConstraints.step_conversion``): a funnel step ``a → b`` with conversion ``p`` drives
the data where a sequence has ``b`` right after ``a``, and the first funnel that names the
pair decides. How the sequence is played says what ``p`` counts:

- a **session** sequence (``scope: session``, or no one-time step when no detail says) is a
  chain: each time ``a`` happens, ``b`` follows later in the same session with chance
  ``p``. Measured per occurrence of ``a``: the share followed by ``b`` before the next
  ``a`` of that session.
- a purchase funnel's **attempt** into its purchase (the step right before a revenue
  event in the first charted per-session funnel holding it, else in a session sequence
  leading to it: ``purchase_start → purchase``) converts per attempt: only people setting
  out to buy attempt (payers, and hesitant buyers who never buy, as many as the declared
  rate needs). Measured per occurrence like a chain step; the sample is the users, so a
  small run's rate wanders further than the attempts' count suggests. Where one attempt
  leads several revenue events (``te_iap_transaction``, ``te_iap_purchase_succeeded``), a
  success shows one of them: the attempt's success is any of them (``FunnelStep.also``),
  the conversion of the first funnel declaring it. Where Rules let a share of the
  purchases pay an order submitted in an earlier session (``events.<revenue>.
  later_share``: a bank transfer, a second visit), an attempt whose id (a property Rules
  call unique: ``order_id``) a later purchase of the user shows converted too, in whichever
  session (``FunnelStep.ids``); an attempt without that id is judged in its session.
- a start with **alternative ends** (several session sequences from one event:
  ``stage_start → stage_clear`` and ``stage_start → stage_fail``) ends once, in one of
  them: each end ``b`` comes right after a start with chance ``p``, the rest of the starts
  end otherwise or not at all. Measured like a chain step, per occurrence of the start.
- a **user** sequence of onboarding steps (one-time events with an install, signup or
  onboarding role: a tutorial) is a progression: of the users who did ``a``, the share
  ``p`` does ``b`` later. Measured per user over the whole run.

A session is what the rules' session start events open (each starts a new one), else a
run of events with no pause over 30 minutes.

A measured rate passes when it lies within ``max(0.05, 3·sqrt(p(1−p)/n))`` of ``p`` (``n``
occurrences or users reaching ``a``). Steps reached by fewer than :data:`MIN_USERS` users
are not judged. Steps whose number cannot be measured honestly are skipped with the
reason (:attr:`FunnelRules.skipped`), never judged with a wider tolerance:

- no sequence plays ``b`` right after ``a`` (the number is for charts only), or another
  funnel declares the pair first;
- an ``account`` sequence (it spans users), or a user sequence outside onboarding (its
  order is a prerequisite, its rate is not drawn);
- in a chain, ``a`` or ``b`` comes from a story of its own (install, signup, session
  start/end, onboarding, purchases and refunds, system events), ``b`` is a one-time
  event or needs other prerequisites, ``a`` or ``b`` is a later step of another sequence
  too, or either is a step of a purchase funnel (other than its attempt), which payers
  walk at a rate of their own once they decided to buy;
- of a start's alternative ends: one declares no conversion (the generator's default
  shares the starts with it), two sequences lead into the same end, or the ends declare
  more than 1 together (a start ends once, so they are played scaled down to 1).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from demogen.analysis.rules import Rules
from demogen.validate._sql import SAFE_NAME

__all__ = ["FUNNEL_CHECK", "FunnelRules", "FunnelStep", "Measured", "compile_funnels",
           "measure_steps", "tolerance"]

#: Check name → what it verifies (validate's CHECKS table shows it).
FUNNEL_CHECK = {
    "funnel": "each funnel step's conversion lies within tolerance of the declared one "
              "(per occurrence in a session chain, per user in an onboarding progression)",
}
#: Fewer users reaching a step's first event than this: the step is not judged.
MIN_USERS = 50
#: Without session start events, a pause longer than this starts a new session.
SESSION_GAP_MINUTES = 30
#: The least tolerance, whatever the sample size.
MIN_TOLERANCE = 0.05

SESSION, USER = "session", "user"


@dataclass(frozen=True, slots=True)
class FunnelStep:
    """``a → b`` converts at ``p``, counted per ``unit`` (:data:`SESSION` or :data:`USER`)."""

    funnel: str
    a: str
    b: str
    p: float
    unit: str
    #: Other events that count as ``b``: the other revenue ends of a purchase attempt.
    also: tuple[str, ...] = ()
    #: The ids (``order_id``) a purchase in a later session names its attempt by, where
    #: Rules let orders be paid later: a purchase naming the attempt's id converts it.
    ids: tuple[str, ...] = ()

    @property
    def ends(self) -> tuple[str, ...]:
        return (self.b, *self.also)

    @property
    def label(self) -> str:
        return f"funnel {self.funnel!r} step {self.a} → {' | '.join(self.ends)}"


@dataclass(frozen=True)
class FunnelRules:
    steps: tuple[FunnelStep, ...] = ()
    #: Steps not checked, each with the reason.
    skipped: tuple[str, ...] = ()
    session_start: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Measured:
    """A step's outcome in the data: ``converted`` of ``n`` (occurrences or users), by
    ``users`` users reaching ``a``."""

    step: FunnelStep
    users: int
    n: int
    converted: int

    @property
    def rate(self) -> float:
        return self.converted / self.n if self.n else 0.0

    @property
    def judged(self) -> bool:
        return self.users >= MIN_USERS

    @property
    def tolerance(self) -> float:
        return tolerance(self.step.p, self.n)

    @property
    def ok(self) -> bool:
        return not self.judged or abs(self.rate - self.step.p) <= self.tolerance

    def describe(self) -> str:
        step = self.step
        later = f" (or later, naming its {'/'.join(step.ids)})" if step.ids else ""
        what = (f"{self.n:,} {step.a} in a session, {self.converted:,} followed by "
                f"{' or '.join(step.ends)}{later}"
                if step.unit == SESSION else
                f"{self.n:,} users did {step.a}, {self.converted:,} then {step.b}")
        return (f"{step.label}: declared {step.p:.2f}, measured {self.rate:.3f} ({what}; "
                f"tolerance ±{self.tolerance:.3f})")


def tolerance(p: float, n: int) -> float:
    """Three standard errors of a share ``p`` over ``n`` draws, at least 0.05."""
    return max(MIN_TOLERANCE, 3 * math.sqrt(p * (1 - p) / n)) if n else 1.0


# -- reading the rules -----------------------------------------------------------------------


def compile_funnels(rules: Rules) -> FunnelRules:
    """The steps to measure, and those skipped with the reason (module docstring)."""
    ec, roles = rules.event_constraints, rules.event_roles
    details = {tuple(d.events): d for d in ec.sequence_details}
    one_time = {*ec.one_time_events, *roles.install, *roles.signup, *roles.onboarding_complete}
    onboarding = {*roles.install, *roles.signup, *roles.onboarding, *roles.onboarding_complete}
    own_story = {*roles.install, *roles.signup, *roles.onboarding, *roles.onboarding_complete,
                 *roles.revenue, *roles.refund, *ec.session_start_events,
                 *ec.session_end_events, *ec.system_events}

    def scope(sequence: list[str]) -> str:
        detail = details.get(tuple(sequence))
        if detail is not None:
            return detail.scope
        return USER if one_time & set(sequence) else SESSION

    session_seqs = [s for s in ec.sequences if scope(s) == SESSION]
    later: dict[str, int] = {}
    for seq in session_seqs:
        for event in set(seq[1:]):
            later[event] = later.get(event, 0) + 1
    ends = _alternative_ends(rules, session_seqs)
    purchase_steps, attempts = _purchase_steps(rules, session_seqs)
    attempts = {r: a for r, a in attempts.items() if a not in own_story and a not in one_time}

    steps: list[FunnelStep] = []
    skipped: list[str] = []
    seen: dict[tuple[str, str], str] = {}
    for funnel in ec.funnels:
        if not funnel.conversion:
            continue
        for i in range(1, len(funnel.steps)):
            a, b, p = funnel.steps[i - 1], funnel.steps[i], funnel.conversion[i]
            where = f"funnel {funnel.name!r} step {a} → {b} ({p:g})"
            if (a, b) in seen:
                skipped.append(f"{where}: funnel {seen[a, b]!r} declares this step first; "
                               "its number is the one used")
                continue
            seen[a, b] = funnel.name
            if attempts.get(b) == a:
                also = tuple(r for r, at in attempts.items() if at == a and r != b)
                if (a, "success") in seen:
                    skipped.append(f"{where}: one success of {a} shows one of its revenue "
                                   f"events; funnel {seen[a, 'success']!r} judges it")
                    continue
                seen[a, "success"] = funnel.name
                steps.append(FunnelStep(funnel.name, a, b, p, SESSION, also,
                                        _paid_later_ids(rules, (b, *also))))
                continue
            reason, unit = _why_not(a, b, rules, scope, ends, later, purchase_steps,
                                    one_time, onboarding, own_story)
            if reason:
                skipped.append(f"{where}: {reason}")
            else:
                steps.append(FunnelStep(funnel.name, a, b, p, unit))
    return FunnelRules(tuple(steps), tuple(skipped), tuple(ec.session_start_events))


def _why_not(a: str, b: str, rules: Rules, scope: Any, ends: dict[str, list[str]],
             later: dict[str, int], purchase_steps: set[str], one_time: set[str],
             onboarding: set[str], own_story: set[str]) -> tuple[str, str]:
    """Why ``a → b`` cannot be measured honestly ('' when it can), and its unit."""
    if a == b or not (SAFE_NAME.fullmatch(a) and SAFE_NAME.fullmatch(b)):
        return "not a pair of distinct event names", ""
    scopes = {scope(s) for s in rules.event_constraints.sequences if _adjacent(s, a, b)}
    if not scopes:
        return ("no sequence plays it (b right after a): the number describes a chart and "
                "does not drive the data"), ""
    if SESSION in scopes:
        return _chain_problem(a, b, rules, ends, later, purchase_steps, one_time,
                              own_story), SESSION
    if USER in scopes:
        if {a, b} <= (one_time & onboarding):
            return "", USER
        return ("a user sequence outside onboarding: its order is kept as a prerequisite, "
                "its rate is not drawn"), ""
    return "an account sequence spans users; no single user's rate to measure", ""


def _chain_problem(a: str, b: str, rules: Rules, ends: dict[str, list[str]],
                   later: dict[str, int], purchase_steps: set[str], one_time: set[str],
                   own_story: set[str]) -> str:
    if story := sorted({a, b} & own_story):
        return (f"{_both(story, 'comes', 'come')} from a story of its own (install, signup, "
                "sessions, onboarding, purchases, refunds or system events), not the chain")
    if paid := sorted({a, b} & purchase_steps):
        return (f"{_both(paid, 'is a step', 'are steps')} of a purchase funnel too, which "
                "payers walk at a rate of their own once they decided to buy")
    if b in one_time:
        return f"{b} is a one-time event: it can follow {a} only once per user"
    needs = [e for e in rules.event_constraints.prerequisites.get(b, []) if e != a]
    if needs:
        return f"{b} also needs {', '.join(needs)} first, so not every {a} can lead to it"
    if a in ends:
        return _ends_problem(a, b, ends[a], rules)
    if later.get(a, 0) > 1 or later.get(b, 0) > 1:
        twice = a if later.get(a, 0) > 1 else b
        return f"{twice} is a later step of several sequences, so it also comes from the others"
    return ""


def _alternative_ends(rules: Rules, session_seqs: list[list[str]]) -> dict[str, list[str]]:
    """Start → its ends, for an event leading several session sequences: each start ends
    in one of them (the next step of each). A sequence whose next step only follows its
    trigger (``events.*.follows``) is no end: that step comes from the trigger's rate."""
    followers = {name for name, spec in rules.events.items() if spec.follows}
    out: dict[str, list[str]] = {}
    for seq in session_seqs:
        if len(seq) >= 2 and seq[1] not in followers:
            out.setdefault(seq[0], []).append(seq[1])
    return {start: found for start, found in out.items() if len(found) > 1}


def _ends_problem(a: str, b: str, ends: list[str], rules: Rules) -> str:
    """Why the chance of a start ``a`` ending in ``b`` is not the declared one ('' when
    it is): the ends share the starts by their declared conversions."""
    declared = {end: rules.event_constraints.step_conversion(a, end) for end in ends}
    if ends.count(b) > 1:
        return f"{a} leads {ends.count(b)} sequences into {b}, each drawn as an end of its own"
    if silent := sorted(end for end, p in declared.items() if p is None):
        return (f"{a} ends in {', '.join(ends)}; {_both(silent, 'declares', 'declare')} no "
                f"conversion, so the generator's default shares the starts with {b}")
    total = sum(p for p in declared.values() if p is not None)
    if total > 1:
        return (f"{a} ends once, in {', '.join(ends)}, whose conversions add up to "
                f"{total:g}: they are played scaled down to 1")
    return ""


def _paid_later_ids(rules: Rules, revenue: tuple[str, ...]) -> tuple[str, ...]:
    """The unique ids (Rules ``properties.<p>.id.mode: unique``) a purchase paying an order
    of an earlier session names it by, where Rules let one of ``revenue`` pay later."""
    if not any((spec := rules.events.get(r)) is not None and spec.later_share
               for r in revenue):
        return ()
    return tuple(sorted(name for name, spec in rules.properties.items()
                        if spec.id is not None and spec.id.mode == "unique"
                        and SAFE_NAME.fullmatch(name)))


def _both(names: list[str], one: str, two: str) -> str:
    return f"{names[0]} {one}" if len(names) == 1 else f"{' and '.join(names)} {two}"


def _adjacent(sequence: list[str], a: str, b: str) -> bool:
    return (a, b) in pairwise(sequence)


def _purchase_steps(rules: Rules, session_seqs: list[list[str]]
                    ) -> tuple[set[str], dict[str, str]]:
    """The steps payers walk before each revenue event (those of the first charted
    per-session funnel holding it, else of the session sequences leading to it), and
    per revenue event its attempt: the step right before it there."""
    ec = rules.event_constraints
    steps: set[str] = set()
    attempts: dict[str, str] = {}
    for revenue in rules.event_roles.revenue:
        funnel = next((f for f in ec.charted_funnels()
                       if f.per_session and revenue in f.steps), None)
        walks = [funnel.steps] if funnel is not None else [s for s in session_seqs
                                                            if revenue in s[1:]]
        for walk in walks:
            before = walk[:walk.index(revenue)]
            steps.update(before)
            if before:
                attempts.setdefault(revenue, before[-1])
    return steps, attempts


# -- measuring -------------------------------------------------------------------------------


def measure_steps(con: Any, table: str, rules: FunnelRules,
                  columns: Mapping[str, str] | None = None) -> list[Measured]:
    """Each step of ``rules`` measured over ``table`` (DuckDB; columns ``uid``, ``pos``,
    ``ts``, ``name``, ``is_track``: one row per record, ``pos`` the user's order;
    ``columns``: property → its column, for the steps' ``ids``)."""
    if not rules.steps:
        return []
    ids = [columns[i] for i in dict.fromkeys(i for s in rules.steps for i in s.ids)
           if columns and i in columns]
    key = f"coalesce({', '.join(f'CAST({c} AS VARCHAR)' for c in ids)})" if ids else "NULL"
    con.execute("CREATE TEMP TABLE fsteps (sid INTEGER, a VARCHAR, bs VARCHAR[], "
                "per_user BOOLEAN, keyed BOOLEAN)")
    con.executemany("INSERT INTO fsteps VALUES (?, ?, ?, ?, ?)",
                    [(i, s.a, list(s.ends), s.unit == USER, bool(ids and s.ids))
                     for i, s in enumerate(rules.steps)])
    con.execute("CREATE TEMP TABLE fstarts (name VARCHAR)")
    if rules.session_start:
        con.executemany("INSERT INTO fstarts VALUES (?)", [(n,) for n in rules.session_start])
        opens = "name IN (SELECT name FROM fstarts)"
        kept = ("name IN (SELECT a FROM fsteps UNION SELECT unnest(bs) FROM fsteps "
                "UNION SELECT name FROM fstarts)")
    else:   # every event, for the pauses between them
        opens = (f"coalesce(ts - lag(ts) OVER (PARTITION BY uid ORDER BY pos) "
                 f"> INTERVAL {SESSION_GAP_MINUTES} MINUTE, false)")
        kept = "true"
    con.execute(
        f"""CREATE TEMP TABLE fev AS
        SELECT uid, pos, name, key, sum(CASE WHEN opens THEN 1 ELSE 0 END)
                   OVER (PARTITION BY uid ORDER BY pos ROWS UNBOUNDED PRECEDING) AS sess
        FROM (SELECT uid, pos, name, {key} AS key, {opens} AS opens FROM {table}
              WHERE is_track AND {kept})"""
    )
    # An order paid in a later session: the last purchase naming each id, per step.
    rows = con.execute(
        """WITH paid AS (
             SELECT s.sid, e.uid, e.key, max(e.pos) AS last_b
             FROM fev e JOIN fsteps s ON list_contains(s.bs, e.name)
             WHERE s.keyed AND e.key IS NOT NULL GROUP BY ALL),
           x AS (
             SELECT s.sid, s.per_user, s.keyed, e.uid, e.pos, e.key, e.name = s.a AS is_a,
                    count(*) FILTER (WHERE e.name = s.a) OVER (
                        PARTITION BY s.sid, e.uid ORDER BY e.pos
                        ROWS UNBOUNDED PRECEDING) AS nth_a,
                    min(e.pos) FILTER (WHERE e.name = s.a) OVER w AS next_a,
                    min(e.pos) FILTER (WHERE list_contains(s.bs, e.name)) OVER w AS next_b,
                    min(e.pos) FILTER (WHERE list_contains(s.bs, e.name)) OVER u AS later_b
             FROM fev e JOIN fsteps s ON e.name = s.a OR list_contains(s.bs, e.name)
             WINDOW w AS (PARTITION BY s.sid, e.uid, e.sess ORDER BY e.pos
                          ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING),
                    u AS (PARTITION BY s.sid, e.uid ORDER BY e.pos
                          ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING))
           SELECT x.sid, count(DISTINCT x.uid), count(*),
                  count(*) FILTER (WHERE CASE WHEN per_user THEN later_b IS NOT NULL
                                    WHEN keyed AND x.key IS NOT NULL THEN last_b > x.pos
                                    ELSE next_b IS NOT NULL
                                         AND (next_a IS NULL OR next_b < next_a) END)
           FROM x LEFT JOIN paid p ON p.sid = x.sid AND p.uid = x.uid AND p.key = x.key
           WHERE is_a AND (NOT per_user OR nth_a = 1)
           GROUP BY x.sid"""
    ).fetchall()
    for name in ("fev", "fsteps", "fstarts"):
        con.execute(f"DROP TABLE {name}")
    found = {sid: (users, n, converted) for sid, users, n, converted in rows}
    return [Measured(step, *found.get(i, (0, 0, 0))) for i, step in enumerate(rules.steps)]

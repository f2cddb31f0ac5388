"""Compile-time decisions about how long each property's value lives and what it follows.

:func:`lifetime` gives one of four answers per (event, property):

- ``session``: the session's id or number (``_sticky.per_session``);
- ``state``: a mirror of a user property, now or before the event (``_state``), except on
  an event naming the value the user picks (``chosen_on``: a checkout's plan);
- ``user``: drawn once per user (``_sticky.per_user``), or the latest value of the event
  property it tracks (``cur_stage_id`` ← ``stage_id``);
- ``event``: drawn per event, unless the event follows a paired one (``_pairs``).
"""

from __future__ import annotations

from dataclasses import dataclass

from demogen.simulation.values._basket import Basket, plan_basket
from demogen.simulation.values._derived import formula_wins
from demogen.simulation.values._follow_ups import FollowUps, plan_follow_ups
from demogen.simulation.values._pairs import Hook, PairGroup, plan_pairs, writer
from demogen.simulation.values._pay_later import LaterPayments, plan_later_payments
from demogen.simulation.values._renewals import Renewed, plan_renewals
from demogen.simulation.values._searched import SearchFocus, plan_search_focus
from demogen.simulation.values._stays import StayBookings, plan_stay_bookings
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property

SESSION, STATE, USER, EVENT = "session", "state", "user", "event"


def lifetime(tables: Tables, prop: Property, event: str | None) -> str:
    """How long the value of ``prop`` on ``event`` lives (see the module docstring)."""
    spec = tables.spec(prop)
    if tables.source(prop, "session") is not None:
        return SESSION
    if (tables.mirror_target(prop) is not None or tables.before_target(prop) is not None) \
            and not formula_wins(tables, prop) and not tables.chosen(prop, event):
        return STATE
    if prop.name not in tables.formulas and spec.lifetime_for(event) == "user":
        return USER
    return EVENT


@dataclass(frozen=True)
class ValuePlan:
    """What pairs with what, and which per-user values track an event property."""

    groups: tuple[PairGroup, ...]
    #: (event, property) → the group whose latest values the property reuses.
    follows: dict[tuple[str, str], PairGroup]
    #: per-user property → the event property whose latest value it shows.
    latest: dict[str, str]
    #: event properties whose latest value some per-user property shows.
    recorded: frozenset[str]
    #: what the cart events carry to the orders' lists (None: the plan has no such list).
    basket: Basket | None = None
    #: per pair group with follow-ups (a delivery, a return): the ledger of its things.
    follow_ups: tuple[FollowUps, ...] = ()
    #: the groups of purchases paid in a later session (None: every order is paid at once).
    later: LaterPayments | None = None
    #: the charges that bring renewals and the renewals (None: the plan times none).
    renewed: Renewed | None = None
    #: the bookings whose check-in is due on their stay date (None: the plan names none).
    stays: StayBookings | None = None
    #: what the searches look for and their results show (None: no search types a term).
    searched: SearchFocus | None = None

    @classmethod
    def build(cls, tables: Tables) -> ValuePlan:
        groups = tuple(plan_pairs(tables, lambda e, p: lifetime(tables, p, e) == EVENT))
        follows: dict[tuple[str, str], PairGroup] = {}
        for group in groups:
            for event in group.members:
                if event in group.leaders:
                    continue
                for name in group.names:
                    follows.setdefault((event, name), group)
        latest = _latest(tables)
        after = {e: spec.follows for e, spec in tables.rules.events.items() if spec.follows}
        ledgers = plan_follow_ups(groups, after, {
            e: spec.stops for e, spec in tables.rules.events.items()
            if spec.follows and spec.stops})
        basket = plan_basket(tables, groups)
        return cls(groups=groups, follows=follows, latest=latest,
                   recorded=frozenset(latest.values()), basket=basket,
                   follow_ups=ledgers,
                   later=plan_later_payments(groups, tables.rules, basket),
                   renewed=plan_renewals(groups, tables.rules),
                   stays=plan_stay_bookings(groups, ledgers, tables.rules),
                   searched=plan_search_focus(tables))

    def writers(self, event: str, present: frozenset[str]) -> tuple[Hook, ...]:
        """Hooks that store the event's values for the followers of its groups, and fill
        or empty the user's basket."""
        pairs = tuple(writer(g, event, sorted(present)) for g in self.groups
                      if event in g.members)
        return pairs + (self.basket.hooks(event) if self.basket is not None else ())


def _latest(tables: Tables) -> dict[str, str]:
    """``cur_stage_id`` → ``stage_id`` (Rules: ``source: {type: latest, of: stage_id}``)
    where the follower is kept per user and ``stage_id`` is drawn per event."""
    out: dict[str, str] = {}
    for name, prop in tables.props.items():
        source = tables.source(prop, "latest")
        tracked = tables.props.get(source.of or "") if source is not None else None
        if tracked is None or tracked.type != prop.type or tracked.name == name:
            continue
        if lifetime(tables, prop, None) == USER and lifetime(tables, tracked, None) == EVENT:
            out[name] = tracked.name
    return out

"""Compiling one property into one sampler: a chain of closures, most specific first.

The plain chain (event and user properties alike)::

    constraint ─► device ─► formula ─► by type (number, string, time, list, object …)

Each link returns its value or hands over to the next. An event property then gets its
lifetime (``_plans.lifetime``): the session's value, a state mirror, a per-user value
(or the latest value it tracks), or a per-event draw that may reuse a paired event's.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from typing import Any

from demogen.analysis.heuristic.values import identity
from demogen.analysis.heuristic.values.kinds import FUTURE, STAY, TIME_KINDS, time_kind
from demogen.analysis.rules import formula_on
from demogen.simulation.streaks import held_key
from demogen.simulation.values import _sticky as sticky
from demogen.simulation.values._catalogue import catalogue_link
from demogen.simulation.values._climb import climb_sampler
from demogen.simulation.values._codegen import with_source
from demogen.simulation.values._convert import MISS
from demogen.simulation.values._derived import constraint_sampler, formula_sampler, ranged_sampler
from demogen.simulation.values._device import device_sampler
from demogen.simulation.values._draw import Sampler, weighted_sampler
from demogen.simulation.values._earned import covered_recorder, earned_sampler
from demogen.simulation.values._first_pay import first_pay_sampler
from demogen.simulation.values._milestones import milestone_sampler
from demogen.simulation.values._money import one_order, record_money
from demogen.simulation.values._numbers import number_property
from demogen.simulation.values._objects import (
    given_rows,
    list_property,
    object_group_property,
    object_property,
)
from demogen.simulation.values._paid_ways import (
    free_flag_sampler,
    paid_way_sampler,
    priced_sampler,
    spend_wrappers,
)
from demogen.simulation.values._pairs import first_in_thing, follower, kept_row, rows_list
from demogen.simulation.values._plans import SESSION, STATE, USER, ValuePlan, lifetime
from demogen.simulation.values._playhead import playhead_sampler
from demogen.simulation.values._positions import position_sampler
from demogen.simulation.values._progress import stage_name_sampler, stage_sampler
from demogen.simulation.values._row_prices import row_prices
from demogen.simulation.values._sampler import EventSampler
from demogen.simulation.values._spends import affordable, spent_balance
from demogen.simulation.values._state import (
    before_sampler,
    mirror_sampler,
    reports_measurement,
)
from demogen.simulation.values._stays import as_searched, shares_the_search
from demogen.simulation.values._steps import step_sampler, step_thing
from demogen.simulation.values._strings import string_property
from demogen.simulation.values._tables import Tables
from demogen.simulation.values._times import (
    event_time,
    names_event,
    stay_reads,
    time_sampler,
)
from demogen.simulation.values._toggles import toggle_sampler
from demogen.taxonomy import Event, Property
from demogen.vocab import PropertyType

#: A sampler and the names of the event's other properties it reads.
Compiled = tuple[Sampler, frozenset[str]]


def core(tables: Tables, prop: Property, event: str | None = None,
         present: frozenset[str] = frozenset(), deps: set[str] | None = None) -> Sampler:
    """The sampler of a property by its source (a pool someone wrote) or its type."""
    pool = tables.source(prop, "pool")
    if pool is not None and pool.values:
        return weighted_sampler(pool.values, pool.weights)
    server = tables.servers.sampler(prop)
    if server is not None:  # the user's server, in the region of their country
        return server
    money = record_money(tables, event, present) if event is not None else None
    if money is not None:   # the record's money: one amount, every part derived from it
        fn = money.sampler(prop, set() if deps is None else deps,
                           lambda: core(tables, prop, None, present, deps))
        if fn is not None:
            return fn
    ptype = prop.type
    if ptype == PropertyType.NUMBER:
        return number_property(tables, prop, event, present, set() if deps is None else deps)
    if ptype == PropertyType.BOOLEAN:
        p = tables.flag_probability(prop)
        return with_source(lambda u, v, t: u.rnd.random() < p,
                           lambda w, out: [f"{out} = rnd() < {w.ref(p)}"])
    if ptype == PropertyType.TIME:
        kind = tables.kind(prop, TIME_KINDS, "now")
        # register_time on register, trial_end_time on trial_end: now; an expiry of what
        # the event starts is ahead (rental_expire_at on rental was the rental's own time).
        if event is not None and names_event(prop.name, event) and not (
                kind == FUTURE and time_kind(event) != FUTURE):
            return event_time
        if kind == STAY and deps is not None:
            deps |= stay_reads(prop.name, present)   # checkout: the check-in day + nights
        return time_sampler(prop.name, tables.seed, kind, tables.spec(prop).lead_days)
    if ptype == PropertyType.LIST:
        return list_property(tables, prop)
    if ptype == PropertyType.OBJECT:
        return object_property(tables, prop, core)
    if ptype == PropertyType.OBJECT_GROUP:
        return object_group_property(tables, prop, core)
    return string_property(tables, prop)


def plain(tables: Tables, prop: Property, event: str | None,
          present: frozenset[str]) -> Compiled:
    """Constraint ▸ device ▸ formula ▸ type: the property's value with no lifetime."""
    stage = stage_sampler(tables, prop, event) or \
        stage_name_sampler(tables, prop, event, present)
    if stage is not None:   # one position per user: stage ids (and names) only move forward
        return stage, frozenset()
    milestone = milestone_sampler(tables, prop, event)
    if milestone is not None:   # the threshold the playback passed
        return milestone, frozenset()
    deps: set[str] = set()
    step = step_sampler(tables, prop, event, present, deps)
    if step is not None:    # from_level / to_level: one step of the thing's own level
        return step, frozenset(deps)
    part = position_sampler(tables, prop, event, present, deps)
    if part is not None:    # episode_no beside series_id: the reader's next episode of it
        return part, frozenset(deps)
    if event is None or not formula_on(tables.rules, prop.name, event):
        playhead = playhead_sampler(tables, prop, event, present, deps)
        if playhead is not None:    # moves on with the time played, jumps on a seek
            return playhead, frozenset(deps)
    fn = core(tables, prop, event, present, deps)
    if event is not None:   # one record's product_id and product_name show one product
        fn = catalogue_link(tables.catalogue_links(present).get(prop.name), fn, deps)
    attr = "currency" if prop.name in tables.currency_props else \
        tables.device(prop.name)
    formula = tables.formulas.get(prop.name)
    if formula is not None:
        fn = formula_sampler(tables, prop, formula, fn, present, deps, event)
    if attr is not None:
        fn = device_sampler(tables, prop, attr, fn)
    constraint = tables.rules.property_constraints.get(prop.name)
    if constraint is not None and constraint.depends_on and constraint.ranges:
        fn = ranged_sampler(tables, prop, event, constraint.depends_on[0], constraint.ranges,
                            fn, present, deps)   # a walk's pace in a walk's range
    if constraint is not None and constraint.depends_on and constraint.mapping:
        fn = constraint_sampler(tables, prop, constraint.depends_on[0], constraint.mapping, fn,
                                present, deps, attr)
    fn = step_thing(tables, prop, event, present, fn)   # a building that can still upgrade
    return fn, frozenset(deps)


def event_property(tables: Tables, plan: ValuePlan, prop: Property, event: str,
                   present: frozenset[str]) -> Compiled:
    """The plain chain given the property's lifetime on ``event``."""
    if tables.device(prop.name) == identity.ACCOUNT:   # #account_id as it is now
        return plain(tables, prop, event, present)
    first_pay = first_pay_sampler(tables, prop, event)
    if first_pay is not None:   # is_first_pay: the user's payments say, not a draw
        return first_pay, frozenset()
    first = first_in_thing(tables, plan.groups, prop, event, present)
    if first is not None:   # is_first_message: the first message in the match it names
        return first[0], frozenset({first[1]})
    if prop.name in tables.held_freezes.get(event, ()):   # freezes_left: what is held
        fn, deps = plain(tables, prop, event, present)
        return mirror_sampler(tables, prop, held_key(prop.name), fn), deps
    life = lifetime(tables, prop, event)
    if life == SESSION:
        source = tables.source(prop, "session")
        assert source is not None and source.of is not None
        return sticky.per_session(tables, prop, source.of), frozenset()
    fn, deps = plain(tables, prop, event, present)
    if life == STATE:
        return _state(tables, prop, event, sticky.per_user(prop.name, fn)), deps
    if life == USER and tables.servers.move_share and tables.servers.sampler(prop):
        return fn, deps     # the user's server: one, or two for a user who moves
    if life == USER:
        fn = sticky.per_user(prop.name, fn)
        stem = plan.latest.get(prop.name)
        return (sticky.latest(stem, fn) if stem else fn), deps
    group = plan.follows.get((event, prop.name))
    money = record_money(tables, event, present)
    if money is not None and money.holds(prop.name):
        group = None    # a record's money pairs as a whole (RecordMoney.pair)
    if prop.name in tables.formulas and formula_on(tables.rules, prop.name, event):
        group = None    # computed from this record's values, never copied from the leader's
    if f"{prop.name}@{event}" in tables.rules.value_ranges:
        group = None    # its own range on this event (no hearts left on a fail): drawn there
    link = tables.catalogue_links(present).get(prop.name)
    if link is not None and link.anchor is not None:
        group = None    # a catalogue sibling reads its anchor's entry (a basket may swap it)
    if shares_the_search(tables.rules, prop.name):   # a booking books what was searched
        fn = as_searched(prop.name, event, fn)
    if group is not None and stage_sampler(tables, prop, event) is None:
        rows = rows_list(tables, group, prop.name)
        if rows is not None:    # a return names a product its order lists
            fn = kept_row(group, rows, prop.name, fn)
        fn = follower(group, event, prop.name, fn)
    fn = toggle_sampler(plan.groups, event, prop.name, fn)  # an add of no favourite yet
    fn = earned_sampler(tables, prop, event, fn)    # a badge once, a first_5k after 5 km
    fn, reads = covered_recorder(tables, prop, present, fn)     # the farthest run
    deps = deps | reads
    if prop.name in tables.rules.paid_ways:     # owned (coins) only after its coin_use
        more_keys: set[str] = set()
        fn = paid_way_sampler(tables, prop, event, present, fn, more_keys)
        deps = deps | more_keys
    flagged: set[str] = set()
    thing_flag = free_flag_sampler(tables, prop, event, present, flagged)
    if thing_flag is not None:  # an episode is free or paid on every record naming it
        fn, deps = thing_flag, deps | flagged
    if plan.searched is not None:   # a search's results show what it searched (not a
        fn = plan.searched.sampler(event, prop.name, fn)    # product clicked before it)
    if prop.name in plan.recorded:
        fn = sticky.recorded(prop.name, fn)
    more_price: set[str] = set()
    priced = priced_sampler(tables, prop, event, present, fn, more_price)
    if priced is not None:  # an episode has one price, and its coin_use costs it
        fn, deps = priced, deps | more_price
    elif (balance := spent_balance(tables.rules, event, prop.name)) is not None:
        fn = affordable(balance, fn)    # a gift costs coins the user holds
    if plan.basket is not None and plan.basket.shows(event, prop.name):
        rows = given_rows(tables, prop, core) if prop.type == PropertyType.OBJECT_GROUP \
            else None
        fn = plan.basket.sampler(prop, fn, event, rows)  # an order lists what was carted
    if prop.type == PropertyType.OBJECT_GROUP:  # a view's rows show their things' prices
        more: set[str] = set()
        fn = row_prices(tables, prop, event, present, fn, more)
        deps = deps | more
    return fn, deps


def _state(tables: Tables, prop: Property, event: str, fallback: Sampler) -> Sampler:
    target = tables.mirror_target(prop)
    if target is not None and (climb := climb_sampler(tables, prop, target, event,
                                                      fallback)) is not None:
        return climb    # an upgrade carries a plan above the user's
    if target is not None:
        return mirror_sampler(tables, prop, target.name, fallback,
                              measurement=reports_measurement(tables, prop, target, event))
    before = tables.before_target(prop)
    assert before is not None
    if before.type != PropertyType.NUMBER:  # a text has no step: the event's own update
        return mirror_sampler(tables, prop, before.name, fallback)  # comes after its draw
    return before_sampler(tables, prop, before, event, fallback)


def compile_event(tables: Tables, plan: ValuePlan, event: Event) -> EventSampler:
    order = event_property_names(tables, event)
    present = frozenset(order)
    money = record_money(tables, event.name, present)
    if money is not None:   # paired events show one price (purchase_start → purchase)
        money.pair(plan.groups, event.name, one_order(tables))
    compiled: dict[str, Compiled] = {}
    for name in order:
        prop = tables.props.get(name)
        if prop is None:
            tables.warn(f"event '{event.name}' lists property '{name}', which is not "
                        "defined; it is generated as a string")
            prop = Property(name=name, type=PropertyType.STRING)
        compiled[name] = event_property(tables, plan, prop, event.name, present)
    steps = [(n, compiled[n][0]) for n in dependency_order(order, compiled)]
    read = frozenset(d for _, deps in compiled.values() for d in deps)
    sampler = EventSampler(event.name, steps, order, plan.writers(event.name, present), read)
    if plan.renewed is not None:    # a renewal shows the charge that brought it
        sampler.wrap(functools.partial(plan.renewed.wrap, event.name))
    for ledger in plan.follow_ups:  # a follow-up shows the order it follows
        sampler.wrap(functools.partial(ledger.wrap, event.name))
    if plan.stays is not None:  # a check-in shows the booking whose stay it starts
        sampler.wrap(functools.partial(plan.stays.wrap, event.name))
    if plan.searched is not None:   # a search picks what it looks for, its results show it
        sampler.wrap(functools.partial(plan.searched.wrap, event.name))
    for keep in spend_wrappers(tables.rules, tables.seed, event.name):   # coin_use: what it bought
        sampler.wrap(keep)
    if plan.later is not None:  # a payment in a later session shows the order it pays
        sampler.wrap(functools.partial(plan.later.wrap, event.name))
    accounts = tuple(n for n in order if tables.device(n) == identity.ACCOUNT)
    if money is not None:   # an order without a discount shows no coupon
        accounts += money.left_out
    if accounts:    # before the user has an account the account-id property is left out
        sampler.wrap(functools.partial(_leaving_out, names=accounts))
    return sampler


def _leaving_out(sample: Callable[[Any, str], dict[str, Any]], names: tuple[str, ...]
                 ) -> Callable[[Any, str], dict[str, Any]]:
    """``sample`` without the ``names`` whose sampler had no value (``MISS``)."""

    def without(u: Any, t: str) -> dict[str, Any]:
        values = sample(u, t)
        for name in names:
            if values.get(name) is MISS:
                del values[name]
        return values

    return without


def event_property_names(tables: Tables, event: Event) -> list[str]:
    """The event's own properties, then the common ones; no presets, no object children."""
    listed = [n for n in event.properties if not n.startswith("#")]
    own = set(listed)
    out: list[str] = []
    for name in (*listed, *tables.common):
        if name in out:
            continue
        head = name.split(".", 1)[0]
        parent = tables.props.get(head)
        if "." in name and head in own and parent is not None and \
                parent.type in (PropertyType.OBJECT, PropertyType.OBJECT_GROUP):
            continue  # a child row of an object listed separately
        out.append(name)
    return out


def dependency_order(order: Sequence[str], compiled: dict[str, Compiled]) -> list[str]:
    """Taxonomy order, except that a property comes after the ones it reads.
    Cycles are broken by taxonomy order (the reader then falls back to state or device)."""
    done: list[str] = []
    placed: set[str] = set()
    pending = list(order)
    while pending:
        ready = next((name for name in pending
                      if all(d in placed or d not in compiled
                             for d in compiled[name][1] if d != name)), pending[0])
        pending.remove(ready)
        done.append(ready)
        placed.add(ready)
    return done

"""Paired events share the thing they are about: level_end shows the level_start's level.

Pairs come from the rules' ``sequence_details`` (their ``key``, or else the best id-like
property the events share) and from names (``stage_start`` → ``stage_clear`` /
``stage_fail`` sharing ``stage_id``; ``payment`` → ``payment_fail``) and from follow-ups
(Rules ``events.<e>.follows``: a delivery shows the placed order's id), with the events
that need such a trigger and carry its new-every-time id (a message names a match made:
``_naming_links``). A flag saying first on a follower is true on its first record naming
the thing (``is_first_message``: ``first_in_thing``). Linked events with
the same key form a :class:`PairGroup`: its leaders start a new thing, its followers
reuse the key, and the other shared properties that describe the thing (chapter,
difficulty, price), from the user's latest member event; an event that ends the thing
(``level_end``, ``refund``) uses it once. Decided once at compile time;
per event, a follower's property does one ``user.sticky`` lookup and each member event
stores its values once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from demogen.analysis.heuristic.values.lifetimes import describes_the_thing, key_rank
from demogen.analysis.heuristic.values.milestones import names_length
from demogen.analysis.heuristic.values.names import leaf, normalize
from demogen.analysis.heuristic.values.vocabulary import FLAG
from demogen.analysis.rules import books_a_pick
from demogen.simulation._context import UserContext
from demogen.simulation.values._codegen import Writer, indent, with_source
from demogen.simulation.values._convert import MISS
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._first_pay import flag_values
from demogen.simulation.values._objects import row_thing
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import Property
from demogen.vocab import PropertyType

#: (event, property) → whether its value is drawn per event (not per user, session, state).
PerEvent = Callable[[str, Property], bool]
#: Runs after an event's values are drawn.
Hook = Callable[[UserContext, dict[str, Any]], None]

_STARTS = re.compile(r"^(.+?)_(start|started|begin|began)$")
_ENDS = ("end", "ended", "clear", "cleared", "fail", "failed", "failure", "complete",
         "completed", "result", "win", "won", "lose", "lost", "finish", "finished",
         "success", "succeed", "cancel", "cancelled", "quit", "abort", "exit")
_FAILURES = ("fail", "failed", "failure", "cancel", "cancelled", "error")
PAIR = "pair\x1f"
#: Money roles a step before an order shows its thing's price in.
_UNIT_ROLES = (None, "amount", "subtotal")
_NO_CLOSERS: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class PairGroup:
    slot: str                       # its key in user.sticky
    key: str                        # the property naming the thing
    names: frozenset[str]           # the key and the properties describing the thing
    leaders: frozenset[str]         # events that start a new thing
    closers: frozenset[str]         # events that end it: each uses one thing once
    members: tuple[str, ...]
    session: bool                   # reuse only within the session
    #: The per-unit price a step before the order shows (a selected room's price a night):
    #: the order's per-unit amount (``monetary_properties.<p>.per``) is that price.
    unit: str | None = None
    #: The order that books what the steps picked at ``unit`` (booking_submit).
    order: str | None = None


@dataclass(frozen=True, slots=True)
class _Link:
    leader: str
    follower: str
    key: str
    session: bool
    last: bool = True               # the follower ends the sequence (not a middle step)
    #: Properties the two events share whatever kind they are (a title's length).
    shares: frozenset[str] = frozenset()
    unit: str | None = None


def plan_pairs(tables: Tables, per_event: PerEvent) -> list[PairGroup]:
    """Every pair group of the taxonomy, in a stable order."""
    own = _own_properties(tables, per_event)
    links = [*_rule_links(tables, own), *_name_links(tables, own), *_follow_links(tables, own),
             *_naming_links(tables, own),
             *_playback_links(tables, own)]
    links += _failure_links(links, own)
    links += _during_links(tables, links, own)
    return _groups(links, own)


def _during_links(tables: Tables, links: list[_Link], own: dict[str, dict[str, Property]]
                  ) -> list[_Link]:
    """An event done inside a stay (Rules ``events.<e>.during``: ``gift_send`` during
    ``live_enter``) shows the stay's key (``live_id``), as a middle step of it."""
    out = []
    for event, spec in tables.rules.events.items():
        opener = spec.during
        if opener is None or event not in own:
            continue
        keys = [link.key for link in links if link.leader == opener and link.key in own[event]]
        if keys:
            out.append(_Link(opener, event, keys[0], session=True, last=False))
    return out


def _own_properties(tables: Tables, per_event: PerEvent) -> dict[str, dict[str, Property]]:
    """Per event, its own listed properties whose values are drawn per event."""
    out: dict[str, dict[str, Property]] = {}
    for event in tables.taxonomy.events:
        props = {}
        for name in event.properties:
            prop = tables.props.get(name)
            if prop is not None and "." not in name and per_event(event.name, prop):
                props[name] = prop
        out[event.name] = props
    return out


def _best_key(tables: Tables, props: Iterable[Property]) -> str | None:
    ranked = [(rank, i, p.name) for i, p in enumerate(props)
              if (rank := key_rank(p, tables.industry)) is not None]
    return min(ranked)[2] if ranked else None


def _rule_links(tables: Tables, own: dict[str, dict[str, Property]]) -> list[_Link]:
    links = []
    for detail in tables.rules.event_constraints.sequence_details:
        events = [e for e in detail.events if e in own]
        key = detail.key
        if key is None:
            shared = [p for e in events for n, p in own[e].items()
                      if sum(n in own[x] for x in events) >= 2]
            key = _best_key(tables, shared)
        holders = [e for e in events if key is not None and key in own[e]]
        if detail.key is not None and sum(
                detail.key in _listed(tables, e) for e in events) < 2:
            tables.warn(f"sequence {' → '.join(detail.events)}: key '{detail.key}' is not a "
                        "property of two of its events; the events are not paired")
            continue
        if key is None or len(holders) < 2:  # no usable key (a per-user one needs no pairing)
            continue
        session = detail.scope == "session"
        links += [_Link(holders[0], f, key, session, last=f == holders[-1])
                  for f in holders[1:]]
        links += _lead_in(tables, own, events[:events.index(holders[0]) + 1], key, session)
    return links


def _lead_in(tables: Tables, own: dict[str, dict[str, Property]], steps: list[str],
             taken: str, session: bool) -> list[_Link]:
    """The steps before an order of what they pick (``books_a_pick``: priced per unit,
    ``per: [nights]``: hotel_view → room_select → booking_submit; or a booking priced in its
    range: flight_view → fare_select → flight_book) name the thing the order books by
    another key than the order's number (``hotel_id``): the order books the one viewed and
    picked, at the unit price the latest step before it shows (``room_price_cny``)."""
    shared = [p for e in steps for n, p in own[e].items()
              if n != taken and sum(n in own[x] for x in steps) >= 2]
    key = _best_key(tables, shared)
    holders = [e for e in steps if key is not None and key in own[e]]
    if key is None or len(holders) < 2:
        return []
    order, unit = holders[-1], None
    if any(books_a_pick(tables.rules, n, _listed(tables, order)) for n in own[order]):
        unit = next((n for e in reversed(holders[:-1]) for n in own[e]
                     if (rule := tables.rules.monetary_properties.get(n)) is not None
                     and not rule.per and rule.role in _UNIT_ROLES), None)
    if unit is None:    # a cart of the product viewed is the catalogue's and basket's
        return []
    return [_Link(holders[0], f, key, session, last=f == order, shares=frozenset({unit}),
                  unit=unit) for f in holders[1:]]


def _listed(tables: Tables, event: str) -> tuple[str, ...]:
    found = tables.taxonomy.event(event)
    return found.properties if found is not None else ()


def _name_links(tables: Tables, own: dict[str, dict[str, Property]]) -> list[_Link]:
    """``x_start`` → ``x``, ``x_end``, ``x_clear``, ``x_fail`` … sharing an id-like property."""
    links = []
    for leader in own:
        m = _STARTS.match(leader)
        if m is None:
            continue
        stem = m.group(1)
        for follower in (stem, *(f"{stem}_{end}" for end in _ENDS)):
            if follower not in own or follower == leader:
                continue
            key = _best_key(tables, [p for n, p in own[leader].items() if n in own[follower]])
            if key is not None:
                links.append(_Link(leader, follower, key, True))
    return links


def _follow_links(tables: Tables, own: dict[str, dict[str, Property]]) -> list[_Link]:
    """A follow-up (Rules ``events.<e>.follows``: a delivery, a refund, a return of an
    order) shows the id of the user's latest thing it follows, in any later session. It
    does not close the thing: a follow-up waits for later sessions while more orders come,
    and a second one shows the latest order again rather than one never placed."""
    links = []
    for event, spec in tables.rules.events.items():
        trigger = spec.follows
        if trigger is None or trigger == event or event not in own or trigger not in own:
            continue
        shared = [p for n, p in own[trigger].items() if n in own[event]]
        key = _best_key(tables, shared)
        if spec.paid_at_once:
            links += _payment_link(trigger, event, key, shared)
        elif key is not None:
            links.append(_Link(trigger, event, key, session=False, last=False))
        elif _once(tables, trigger):
            # The one thing a user starts (a held subscription): its cancel shows it (tier,
            # billing period) even without an id to pair them by.
            links += _payment_link(trigger, event, None, shared)
    return links


def _once(tables: Tables, event: str) -> bool:
    """Whether a user does ``event`` at most once (Rules ``max_per_user`` 1)."""
    spec = tables.rules.events.get(event)
    return spec is not None and spec.lifetime_cap() == 1


def _payment_link(charge: str, payment: str, key: str | None,
                  shared: list[Property]) -> list[_Link]:
    """A plan's payment (Rules ``paid_at_once``: invoice_paid after plan_upgraded) bills
    what the charge bought: every property the two share that describes it (the plan's
    billing period and seats as well as an id), even where they share no id."""
    described = [p.name for p in shared if describes_the_thing(p)]
    key = key or next(iter(described), None)
    if key is None:
        return []
    return [_Link(charge, payment, key, session=False, last=False,
                  shares=frozenset(described))]


def _playback_links(tables: Tables, own: dict[str, dict[str, Property]]) -> list[_Link]:
    """A playback's milestones (Rules ``playback.milestones``) show the title its start
    plays, and so does its completion: ``video_start`` → ``video_progress`` (a middle
    step, once per threshold) → ``video_complete``. So does every event about what plays
    (Rules ``playback.start`` → its pauses, resumes, seeks, buffering, heartbeats and the
    events showing the playhead): one title, id and length from a start to the next."""
    links = []
    for event, spec in tables.rules.playback.milestones.items():
        for follower, last in ((event, False), (spec.complete, True)):
            links += _title_link(tables, own, spec.start, follower, last)
    for start in tables.rules.playback.start:
        for follower in _about_what_plays(tables, own):
            links += _title_link(tables, own, start, follower, last=False)
    return links


def _about_what_plays(tables: Tables, own: dict[str, dict[str, Property]]) -> list[str]:
    """The events of a playback after its start: the controls, the stalls, the heartbeats
    and any other event that shows the playhead (an interruption, an error)."""
    playback = tables.rules.playback
    listed = [*playback.pause, *playback.resume, *playback.seek, *playback.within,
              *tables.rules.event_roles.progress]
    heads = set(playback.playhead)
    shown = [e for e, props in own.items() if heads & props.keys()]
    starts = set(playback.start)
    return [e for e in dict.fromkeys([*listed, *shown]) if e not in starts]


def _title_link(tables: Tables, own: dict[str, dict[str, Property]], start: str,
                follower: str | None, last: bool) -> list[_Link]:
    """``start`` → ``follower`` sharing the title played (none where they share none)."""
    if start not in own or follower is None or follower not in own or follower == start:
        return []
    shared = [p for n, p in own[start].items() if n in own[follower]]
    # GA4's video events share no id: the title names the video.
    key = _best_key(tables, shared) or next(
        (p.name for p in shared
         if p.type == PropertyType.STRING and describes_the_thing(p)), None)
    # The title's length is the title's, not what happened (as a session's is).
    length = frozenset(p.name for p in shared
                       if p.type == PropertyType.NUMBER and names_length(p.name))
    return [] if key is None else [_Link(start, follower, key, True, last=last, shares=length)]


def _naming_links(tables: Tables, own: dict[str, dict[str, Property]]) -> list[_Link]:
    """Events that name a thing a follow-up's trigger made (the key the two share is an id
    new in every record, ``unique``; they carry it and need the trigger, the creator, before
    them: Rules ``prerequisites``, ``message_sent`` after ``match_created``) show the id of
    the user's latest such thing, in any later session, as a middle step that never closes
    it (many messages in one match)."""
    needs = tables.rules.event_constraints.prerequisites
    links: dict[_Link, None] = {}
    for event, spec in tables.rules.events.items():
        creator = spec.follows
        if creator is None or creator == event or event not in own or creator not in own \
                or spec.paid_at_once:
            continue
        key = _best_key(tables, [p for n, p in own[creator].items() if n in own[event]])
        if key is None or not _new_every_time(tables, key):
            continue
        for other, props in own.items():
            named = tables.rules.events.get(other)
            if other != creator and key in props and creator in needs.get(other, ()) \
                    and (named is None or named.follows is None):
                links[_Link(creator, other, key, session=False, last=False)] = None
    return list(links)


def _failure_links(links: list[_Link], own: dict[str, dict[str, Property]]) -> list[_Link]:
    """``init_order`` → ``payment`` also gives ``init_order`` → ``payment_fail``."""
    extra = []
    for link in links:
        for suffix in _FAILURES:
            variant = f"{link.follower}_{suffix}"
            if variant in own and link.key in own[variant] and variant != link.leader:
                extra.append(_Link(link.leader, variant, link.key, link.session))
    return extra


def _groups(links: list[_Link], own: dict[str, dict[str, Property]]) -> list[PairGroup]:
    """Links with the same key that touch the same events become one group."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}

    def root(node: tuple[str, str]) -> tuple[str, str]:
        while parent.setdefault(node, node) != node:
            node = parent[node]
        return node

    for link in links:
        parent[root((link.key, link.follower))] = root((link.key, link.leader))
    by_root: dict[tuple[str, str], list[_Link]] = {}
    for link in links:
        by_root.setdefault(root((link.key, link.leader)), []).append(link)
    return [_group(found, own) for _, found in sorted(by_root.items())]


def _group(links: list[_Link], own: dict[str, dict[str, Property]]) -> PairGroup:
    key = links[0].key
    members = tuple(dict.fromkeys(e for link in links for e in (link.leader, link.follower)))
    followers = {link.follower for link in links}
    leaders = frozenset(e for e in members if e not in followers) or frozenset({members[0]})
    opening = {link.leader for link in links} | {link.follower for link in links
                                                    if not link.last}
    described: dict[str, Property] = {}
    for event in members:
        for name, prop in own[event].items():
            described.setdefault(name, prop)
    names = {key} | {name for name, prop in described.items()
                     if sum(name in own[e] for e in members) >= 2 and describes_the_thing(prop)}
    names |= {name for link in links for name in link.shares}
    return PairGroup(slot=f"{PAIR}{key}\x1f{members[0]}", key=key, names=frozenset(names),
                     leaders=leaders, closers=frozenset(members) - opening, members=members,
                     session=all(link.session for link in links),
                     unit=next((link.unit for link in links if link.unit), None),
                     order=next((link.follower for link in links if link.unit and link.last),
                                None))


#: What ``user.sticky[group.slot]`` holds: (session number, values, closing events that
#: already used these values).
Kept = tuple[int, dict[str, Any], frozenset[str]]


def follower(group: PairGroup, event: str, name: str, inner: Sampler) -> Sampler:
    """The value of ``name`` in the user's latest member event, else ``inner``'s. A closing
    event (``level_end``) uses a thing once: a second one without a new leader draws."""
    slot, session = group.slot, group.session
    closing = event in group.closers

    def paired(u: UserContext, v: dict[str, Any], t: str) -> Any:
        kept: Kept | None = u.sticky.get(slot)
        if kept is not None and (not session or kept[0] == u.session_number) and \
                not (closing and event in kept[2]):
            x = kept[1].get(name, MISS)
            if x is not MISS:
                return x
        return inner(u, v, t)

    def source(w: Writer, out: str) -> list[str]:
        # The slot is looked up once per event for all the properties that follow it
        # (hooks write it only after the values are drawn).
        kept = w.shared(f"sk.get({w.ref(slot)})")
        test = f"{kept} is not None"
        if session:
            test += f" and {kept}[0] == u.session_number"
        if closing:
            test += f" and {w.ref(event)} not in {kept}[2]"
        usable = w.shared(f"{kept}[1] if {test} else None")
        return [f"{out} = _MISS if {usable} is None else {usable}.get({w.ref(name)}, _MISS)",
                f"if {out} is _MISS:", *indent(w.value(inner, out))]

    return with_source(paired, source)


def rows_list(tables: Tables, group: PairGroup, key: str) -> str | None:
    """The group's list of rows whose row field is ``key`` (``commodity_list`` of
    ``commodity_id``), where a member names one thing by ``key`` alone (a return)."""
    for name in sorted(group.names):
        prop = tables.props.get(name)
        found = row_thing(prop) if prop is not None and \
            prop.type == PropertyType.OBJECT_GROUP else None
        if found is not None and found[0] == key:
            return name
    return None


def kept_row(group: PairGroup, rows: str, key: str, inner: Sampler) -> Sampler:
    """A thing of the rows the group's thing lists (a return names a product of the order
    it follows, not any product: a one-line order's return named another product, priced
    above what the order paid), else ``inner``'s."""
    slot, session = group.slot, group.session

    def picked(u: UserContext, v: dict[str, Any], t: str) -> Any:
        kept: Kept | None = u.sticky.get(slot)
        listed = kept[1].get(rows) if kept is not None and (
            not session or kept[0] == u.session_number) else None
        ids = [r[key] for r in listed if isinstance(r, dict) and r.get(key) is not None] \
            if isinstance(listed, list) else []
        return ids[int(u.rnd.random() * len(ids))] if ids else inner(u, v, t)

    return picked


def writer(group: PairGroup, event: str, present: Iterable[str]) -> Hook:
    """Stores the event's values of the group's properties for the followers to come; a
    closing event (``level_end``, ``refund``) only notes that it used them."""
    slot, session = group.slot, group.session
    if event in group.closers:

        def used(u: UserContext, values: dict[str, Any]) -> None:
            kept: Kept | None = u.sticky.get(slot)
            if kept is not None:
                u.sticky[slot] = (kept[0], kept[1], kept[2] | {event})

        def used_source(w: Writer, values: str) -> list[str]:
            kept = w.temp()
            return [f"{kept} = sk.get({w.ref(slot)})", f"if {kept} is not None:",
                    f"    sk[{w.ref(slot)}] = ({kept}[0], {kept}[1], "
                    f"{kept}[2] | {{{w.ref(event)}}})"]

        return with_source(used, used_source)
    names = tuple(n for n in present if n in group.names)
    leader = event in group.leaders

    def store(u: UserContext, values: dict[str, Any]) -> None:
        mine = {n: values[n] for n in names}
        kept: Kept | None = None if leader else u.sticky.get(slot)
        if kept is not None and (not session or kept[0] == u.session_number):
            mine = {**kept[1], **mine}
        u.sticky[slot] = (u.session_number, mine, _NO_CLOSERS)

    def store_source(w: Writer, values: str) -> list[str]:
        mine, key = w.temp(), w.ref(slot)
        lines = [f"{mine} = {{{', '.join(f'{n!r}: {values}[{n!r}]' for n in names)}}}"]
        if not leader:
            kept = w.temp()
            test = f"{kept} is not None" + (f" and {kept}[0] == u.session_number"
                                              if session else "")
            lines += [f"{kept} = sk.get({key})", f"if {test}:",
                      f"    {mine} = {{**{kept}[1], **{mine}}}"]
        return [*lines, f"sk[{key}] = (u.session_number, {mine}, {w.ref(_NO_CLOSERS)})"]

    return with_source(store, store_source)


def first_in_thing(tables: Tables, groups: Iterable[PairGroup], prop: Property, event: str,
                   present: Iterable[str]) -> tuple[Sampler, str] | None:
    """A flag saying whether this is the first such event about the thing
    (``is_first_message`` on ``message_sent`` in a match): true on the event's first record
    naming the thing its group's key shows, false on the later ones; None where ``prop`` is
    no such flag (a flag whose name says first, on a member of a group that is no leader
    and may name its thing more than once: a middle step, or an end of a thing that comes
    again, a stage cleared again), with the key it reads."""
    if prop.is_preset or tables.spec(prop).kind != FLAG or \
            "first" not in normalize(leaf(prop.name)).split("_"):
        return None
    listed = set(present)
    group = next((g for g in groups if event in g.members and event not in g.leaders
                  and g.key in listed), None)
    if group is None or (event in group.closers and _new_every_time(tables, group.key)):
        return None     # one end per battle (battle_id): every one would be the first
    slot, key = f"{group.slot}\x1ffirst\x1f{event}", group.key
    yes, no = flag_values(prop.type)

    def first(u: UserContext, v: dict[str, Any], t: str) -> Any:
        named = v.get(key)
        seen: set[Any] = u.sticky.setdefault(slot, set())
        if named in seen:
            return no
        seen.add(named)
        return yes

    return with_source(first, lambda w, out: [f"{out} = {w.ref(first)}(u, v, t)"]), key


def _new_every_time(tables: Tables, key: str) -> bool:
    """Whether ``key`` is an id new in every record that makes it (Rules
    ``properties.<key>.id.mode: unique``: a match, an order, a battle)."""
    rule = tables.rules.properties.get(key)
    return rule is not None and rule.id is not None and rule.id.mode == "unique"

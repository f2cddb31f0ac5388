"""The analyzer's reading of every property into ``Rules.properties``.

One :class:`~demogen.analysis.rules.PropertySpec` per property name (event, common and
user properties; a name shared by an event property and a user property is one entry,
the event property mirroring the user's value): its kind from the name and description,
its lifetime, and its source when the name says more than the kind (a boolean's chance, a
number's distribution, the user property an event property shows, the session counter).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from demogen.analysis.heuristic._in_app import priced_in_app
from demogen.analysis.heuristic.values import (
    identity,
    kinds,
    lifetimes,
    names,
    priors,
    progression,
)
from demogen.analysis.heuristic.values.vocabulary import FIRST_PAY, FLAG
from demogen.analysis.rules import IdShape, Lifetime, PropertySource, PropertySpec, UpdateRule
from demogen.taxonomy import EventTaxonomy, Property
from demogen.vocab import PropertyType, UpdateMethod, UpdateType

_REFERENCE = re.compile(r"^\{\{\s*([A-Za-z0-9_.]+)\s*\}\}$")
_BEFORE = re.compile(r"^(previous|prev|old|before)_(.+)$|^(.+)_(before|prev|previous|old)$")
#: Types a "before" property shows: a number (less the event's step) or a text (a plan
#: before the upgrade: the state the event's own update has not changed yet).
_BEFORE_TYPES = (PropertyType.NUMBER, PropertyType.STRING)
_CONTAINERS = {PropertyType.LIST: "list", PropertyType.OBJECT: "object",
               PropertyType.OBJECT_GROUP: "object_group"}
_HEURISTIC = "heuristic"


class _UserIndex:
    """The plan's user properties by name and by the key their mirrors share, and the one
    an update pattern sets from an event property (``booklet_level = {{after_level}}``)."""

    def __init__(self, taxonomy: EventTaxonomy,
                 patterns: Mapping[str, Mapping[str, UpdateRule]] | None = None) -> None:
        self.by_name = {p.name: p for p in taxonomy.user_properties}
        self.set_from = _set_from(patterns or {}, self.by_name)
        self.by_key: dict[str, Property] = {}
        for prop in taxonomy.user_properties:
            if not prop.is_preset:
                self.by_key.setdefault(names.mirror_key(prop.name), prop)

    def mirrored(self, prop: Property) -> Property | None:
        """The user property an event property shows (``cur_level`` → ``level``), if any."""
        if prop.is_preset:
            return None
        target = self.by_name.get(prop.name)
        if target is None and prop.type not in _CONTAINERS:
            target = self.by_key.get(names.mirror_key(prop.name))
            if target is not None and prop.name in self.set_from:
                # A name like a user property's (after_level ~ level) that the plan sets
                # another one from (booklet_levelup: booklet_level = after_level) shows that.
                target = self.by_name[self.set_from[prop.name]]
        if target is None or target.is_preset:
            return None
        if target.type == prop.type or (prop.type == PropertyType.STRING
                                        and target.type == PropertyType.NUMBER):
            return target
        return None

    def named_alike(self, prop: Property) -> Property | None:
        """The one user property naming the user as ``prop`` does (``tmp_name`` shows
        ``nick_name``): both of a name-like kind, and no other user property of it."""
        kind = kind_of(prop)
        if prop.is_preset or prop.type != PropertyType.STRING or \
                kind not in identity.NAME_KINDS:
            return None
        alike = [p for p in self.by_name.values() if not p.is_preset
                 and p.type == PropertyType.STRING and kind_of(p) == kind]
        return alike[0] if len(alike) == 1 else None

    def before(self, prop: Property) -> Property | None:
        """The number or text user property whose value *before* the event a property
        shows (``previous_level``, ``level_before`` → ``level``; ``previous_plan`` →
        ``plan``), if any. (``from_level`` is a step's own pair with ``to_level``.)"""
        m = _BEFORE.match(names.normalize(prop.name))
        if m is None or prop.type not in _BEFORE_TYPES or prop.is_preset:
            return None
        base = m.group(2) or m.group(3)
        target = self.by_name.get(base) or self.by_key.get(names.mirror_key(base))
        if target is None or target.is_preset or target.type != prop.type:
            return None
        return target


def _set_from(patterns: Mapping[str, Mapping[str, UpdateRule]],
              user_props: Mapping[str, Property]) -> dict[str, str]:
    """Event property → the user property an update pattern sets from it (first one):
    the event property shows that user property's value."""
    out: dict[str, str] = {}
    for pattern in patterns.values():
        for target, rule in pattern.items():
            ref = _REFERENCE.match(rule.value) if isinstance(rule.value, str) else None
            if ref is None or rule.type is not UpdateType.SET or \
                    ref.group(1) in user_props or target not in user_props:
                continue
            out.setdefault(ref.group(1), target)
    return out


def read_properties(taxonomy: EventTaxonomy, ranged: frozenset[str] = frozenset(),
                    industry: str = "",
                    patterns: Mapping[str, Mapping[str, UpdateRule]] | None = None
                    ) -> dict[str, PropertySpec]:
    """A spec for every property of the plan, keyed by name (first definition wins).

    ``ranged``: numbers whose ``value_ranges`` entry gives a mean; their range is the one
    statement of how they are distributed, so they get no ``distribution`` source.
    ``patterns``: the update patterns; an event property one sets a user property from
    mirrors that user property.
    """
    users = _UserIndex(taxonomy, patterns)
    common = {p.name for p in taxonomy.common_properties if not p.is_preset}
    every = [e.name for e in taxonomy.events]
    carriers: dict[str, list[str]] = {name: every for name in common}
    for event in taxonomy.events:
        for name in event.properties:
            if name not in common:
                carriers.setdefault(name, []).append(event.name)
    own: dict[str, Property] = {}
    for prop in taxonomy.properties:
        own.setdefault(prop.name, prop)
    out: dict[str, PropertySpec] = {}
    for prop in (*taxonomy.properties, *taxonomy.common_properties):
        if prop.name not in out:
            out[prop.name] = _event_spec(prop, users, prop.name in common,
                                         carriers.get(prop.name, []), industry, own)
    for prop in taxonomy.user_properties:
        if prop.name not in out and not prop.is_preset:
            out[prop.name] = PropertySpec(kind=kind_of(prop), lifetime="user",
                                          source=_value_source(prop), origin=_HEURISTIC,
                                          **_drawn_from(prop, industry))
    for name in identity.account_properties(taxonomy) & out.keys():
        # It holds #account_id: never a draw of its own, never a mirror's stale copy.
        out[name] = out[name].model_copy(update={"device": identity.ACCOUNT, "source": None})
    for prop in taxonomy.user_properties:
        start = None if prop.is_preset else start_of(prop)
        if start is not None and prop.name in out:
            out[prop.name] = out[prop.name].model_copy(update={"start": start})
    for name in ranged & out.keys():
        source = out[name].source
        if source is not None and source.type == "distribution":
            out[name] = out[name].model_copy(update={"source": None})
    return out


def complete_specs(taxonomy: EventTaxonomy, given: dict[str, PropertySpec],
                   industry: str = "") -> dict[str, PropertySpec]:
    """``given`` with what it leaves out read from the plan: missing properties whole,
    and the fields a partial spec leaves unset."""
    wanted = {p.name for p in (*taxonomy.properties, *taxonomy.common_properties)} | {
        p.name for p in taxonomy.user_properties if not p.is_preset}
    if wanted <= given.keys() and all(s.kind and s.lifetime for s in given.values()):
        return dict(given)
    read = read_properties(taxonomy, industry=industry)
    out = dict(read)
    for name, spec in given.items():
        base = read.get(name)
        out[name] = spec if base is None else base.model_copy(
            update={k: getattr(spec, k) for k in spec.model_fields_set})
    return out


def field_spec(prop: Property, industry: str = "") -> PropertySpec:
    """The reading of a field inside an object or list property, drawn per value."""
    return PropertySpec(kind=kind_of(prop), lifetime="event", source=_value_source(prop),
                        origin=_HEURISTIC, **_drawn_from(prop, industry))


def start_of(prop: Property) -> str | None:
    """Where a user property starts, when its name or update method says (counters at 0,
    levels at 1, a plan's first status, an opt-in drawn, an install time)."""
    norm = names.normalize(prop.name)
    starts = priors.STARTS
    if prop.type == PropertyType.NUMBER:
        if prop.update_method is UpdateMethod.USER_ADD or priors.COUNTER.search(norm):
            return "counter"
        return "level" if priors.PROGRESS.search(norm) else None
    if prop.type == PropertyType.BOOLEAN:
        opt_in = kinds.boolean_probability(prop.name) >= 0.6 and starts["opt_in"].search(norm)
        return "drawn" if opt_in else None
    if prop.type == PropertyType.STRING:
        # A status list may be the event property's that shows it (vip_level: lv1, lv2).
        return "first" if priors.STATUS.search(norm) else None
    if prop.type == PropertyType.TIME:
        return "install" if starts["install"].search(norm) else None
    return None


def id_shape(prop: Property, industry: str = "") -> IdShape | None:
    """How an id-like string or number behaves (``order_id`` unique, ``hero_id`` from the
    catalogue, ``friend_id`` somebody else's), or None."""
    if prop.type not in (PropertyType.STRING, PropertyType.NUMBER):
        return None
    norm = names.normalize(names.leaf(prop.name))
    found = names.id_spec(prop.name, industry=industry)
    if prop.type == PropertyType.STRING and norm in names.ACCOUNT_NAMES:
        found = names.IdSpec(stem="account", mode="stable")
    if found is None:
        return None
    mode = "catalogue" if any(w in norm for w in names.OTHER_PERSON_WORDS) else found.mode
    return IdShape(stem=found.stem, mode=mode)  # type: ignore[arg-type]


def _drawn_from(prop: Property, industry: str) -> dict[str, Any]:
    """The device field a property reports and its id shape, where it has them."""
    out: dict[str, Any] = {}
    if (device := names.device_attribute(prop.name)) is not None:
        out["device"] = device
    elif identity.is_store(prop, kind_of(prop)):
        out["device"] = identity.STORE
    if (shape := id_shape(prop, industry)) is not None:
        out["id"] = shape
    if kinds.time_kind(prop.name) == kinds.STAY:
        out["lead_days"] = kinds.STAY_LEAD_DAYS
    return out


#: The number kind of an amount of an in-app currency (whole, from 0), and the kinds of
#: market money a name alone gives (``episode_price``) that its description can overturn.
IN_APP_AMOUNT = "gem"
_MONEY_KINDS = frozenset({"money", "price", "fee", "tax", "discount"})


def kind_of(prop: Property) -> str:
    """What the name (and for an ambiguous name, the description) says the values are."""
    if prop.type == PropertyType.NUMBER:
        kind = priors.number_prior(prop.name).kind
        if kind in _MONEY_KINDS and priced_in_app(prop.description):
            return IN_APP_AMOUNT    # 코인 가격: whole coins, not a store's price
        return kind
    if prop.type == PropertyType.BOOLEAN:
        return FIRST_PAY if progression.is_first_pay_flag(prop.name) else FLAG
    if prop.type == PropertyType.TIME:
        return kinds.time_kind(prop.name)
    if prop.type in _CONTAINERS:
        return _CONTAINERS[prop.type]
    return kinds.string_kind(names.leaf(prop.name), prop.description)


def _tracked(prop: Property, own: dict[str, Property]) -> Property | None:
    """The event property whose last value ``prop`` shows (``cur_stage_id`` → ``stage_id``):
    an event's own property of the same type named by ``prop`` without its "now" prefix."""
    stem = lifetimes.current_stem(prop.name)
    tracked = own.get(stem) if stem is not None and stem != prop.name else None
    if tracked is None or tracked.type != prop.type:
        return None
    return tracked if _lifetime(tracked, None, common=False) == "event" else None


def _event_spec(prop: Property, users: _UserIndex, common: bool,
                events: list[str], industry: str, own: dict[str, Property]) -> PropertySpec:
    role = lifetimes.session_role(prop.name)
    if role is not None:
        return PropertySpec(kind=kind_of(prop), lifetime="session",
                            source=PropertySource(type="session", of=role), origin=_HEURISTIC,
                            **_drawn_from(prop, industry))
    lifetime = _lifetime(prop, None, common)
    exceptions = {e: here for e in events if (here := _lifetime(prop, e, common)) != lifetime}
    source = _value_source(prop)
    # A mirror keeps the draw's parameters: they give its value before the user has one.
    draw = source.model_dump(exclude={"type"}, exclude_none=True) if source else {}
    if (target := users.mirrored(prop) or users.named_alike(prop)) is not None:
        source = PropertySource(type="mirror", of=target.name, **draw)
    elif (target := users.before(prop) or _lost_streak(prop, users)) is not None:
        source = PropertySource(type="before", of=target.name, **draw)
    elif (tracked := _tracked(prop, own)) is not None and lifetime == "user":
        source = PropertySource(type="latest", of=tracked.name, **draw)
    return PropertySpec(kind=kind_of(prop), lifetime=lifetime, lifetime_on=exceptions,
                        source=source, origin=_HEURISTIC, **_drawn_from(prop, industry))


def _lost_streak(prop: Property, users: _UserIndex) -> Property | None:
    """``streak_days_lost``: the one streak counter (``current_streak``) as it was before
    the loss, which sets it to 0 (Rules ``progression.streak_losses``)."""
    if prop.type != PropertyType.NUMBER or not progression.shows_lost_streak(prop.name):
        return None
    found = [p for p in users.by_name.values() if not p.is_preset
             and p.type == PropertyType.NUMBER and progression.is_streak_counter(p.name)]
    return found[0] if len(found) == 1 else None


def _lifetime(prop: Property, event: str | None, common: bool) -> Lifetime:
    return "user" if lifetimes.per_user(prop, event, common=common) else "event"


def _value_source(prop: Property) -> PropertySource | None:
    """What the name says beyond the kind: a boolean's chance, a number's distribution."""
    if prop.type == PropertyType.BOOLEAN:    # a first-pay flag is read from the payments
        return None if kind_of(prop) == FIRST_PAY else \
            PropertySource(type="probability", p=kinds.boolean_probability(prop.name))
    if prop.type == PropertyType.NUMBER:
        prior = priors.number_prior(prop.name)
        return PropertySource(type="distribution", shape=prior.shape, center=prior.center)
    return None

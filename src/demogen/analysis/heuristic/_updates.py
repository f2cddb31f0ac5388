"""Update patterns: which events change which user properties, and how.

Three sources, strongest first:

1. the small value language of ThinkingData Korea plans: a user property described as
   ``payment|pay_amount|sum`` (event | property | sum, cnt, daycnt, last, first);
2. the role a name gives (``player_level``, ``total_spent``, ``is_payer``,
   ``first_pay_time``, ``virtual_currency_balance`` … in ``heuristic_properties.yaml``):
   level_up sets the level from ``{{level}}`` (or adds 1), a purchase adds ``{{revenue}}``
   to the spend total, 1 to the purchase count, sets the payer flag and, once, the first
   pay time; earning/spending virtual currency moves the balance by ``{{value}}``;
3. the workbook's update method (user_add -> increment, user_setOnce -> set_once,
   user_append -> append) with the event the property's name or description points at;
4. when nothing above moves it, the events that list the user property itself set it from
   the value they carry (a tracking plan's way of saying "this event updates the profile").

Values are literals or ``{{property}}`` references to the event's properties; ``{{#time}}``
is the event's time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from demogen.analysis.heuristic._consumables import consumable_rules
from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._currency_flows import (
    FlowShape,
    currency_of,
    currency_words,
    flow_shape,
    hard_default,
    hard_value,
    is_hard,
    value_for,
)
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._events import concepts
from demogen.analysis.heuristic._lifecycle import session_events
from demogen.analysis.heuristic._money import Money
from demogen.analysis.heuristic._text import (
    compile_pattern,
    contains_any,
    norm,
    pattern_matches,
    read,
    split_words,
)
from demogen.analysis.heuristic._total_units import Unit, says_one_per_event, total_unit
from demogen.analysis.heuristic.values import names, priors, progression
from demogen.analysis.rules import PropertySource, PropertySpec, UpdateRule
from demogen.taxonomy import Property
from demogen.vocab import PropertyType, UpdateMethod, UpdateType

TIME = "{{#time}}"
_VALUE_LANGUAGE = re.compile(r"^\s*([#\w]+)\s*\|\s*([#\w.]+)\s*\|\s*(\w+)\s*(?:\|.*)?$")
#: Concepts a user property's description may point at ("결제 시마다 증가"), in priority order.
TRIGGERS = ("purchase", "refund", "level_up", "tutorial_complete", "signup", "login", "install",
            "session_end", "session_start", "ad_show", "vc_earn", "vc_spend", "core_end",
            "quest_complete", "achievement", "gacha", "group_join", "share", "invite_send")
_AMOUNT_WORDS = {"value", "amount", "num", "number", "count", "quantity", "qty", "change",
                 "delta", "gain", "cost", "reward"}
_STATE_WORDS = {"current", "tmp", "balance", "left", "remain", "remaining", "after", "before",
                "total", "own", "owned"}
_BEFORE_WORDS = {"previous", "prev", "before", "old", "from", "last", "pre"}
#: Words naming the player themself: a character's level-up moves the player's level (an idle
#: game's te_character_levelup sets current_player_level), a lord's the lord's; a hero, a
#: castle or a VIP rank is a thing of its own.
_SELF_WORDS = {"player", "character", "char", "role", "avatar", "account", "user", "lord",
               "commander"}
_COUNT_WORDS = {"count", "cnt", "times", "num", "number", "watched", "visits", "days"}
_BALANCE_WORDS = {"balance", "left", "remain", "remaining", "after"}
_GENERIC_WORDS = {"total", "count", "current", "num", "number", "times", "cumulative",
                  "lifetime", "user", "is", "has", "last", "first", "time", "id", "cnt"}
_CHANGE_VERBS = {"signup", "create", "update", "add", "join", "login", "submit", "levelup",
                 "upgrade", "connect", "click", "accept", "earn"}
_TYPES = {
    "boolean": PropertyType.BOOLEAN, "number": PropertyType.NUMBER, "time": PropertyType.TIME,
    "string": PropertyType.STRING, "list": PropertyType.LIST,
}

Rule = tuple[str, UpdateRule]


def update_patterns(ctx: Context, money: Money) -> dict[str, dict[str, UpdateRule]]:
    found: dict[str, dict[str, UpdateRule]] = {}
    for prop in ctx.taxonomy.user_properties:
        if prop.is_preset:
            continue
        said = _with_said_method(prop)
        first = said is not prop and said.update_method == UpdateMethod.USER_SET_ONCE
        prop = said
        for event, rule in (_rules_for(ctx, money, prop)
                            or (_first_value(ctx, prop) if first else [])
                            or _by_listing(ctx, prop)):
            found.setdefault(event, {}).setdefault(prop.name, rule)
        for event, rule in _by_ladder(ctx, prop):
            found.setdefault(event, {}).setdefault(prop.name, rule)
    return {e: found[e] for e in ctx.names if e in found}


def _with_said_method(prop: Property) -> Property:
    """``prop`` with the update method its description says when the plan gives none:
    "+1 per Ride Completed" adds, "(set once)" sets once (``heuristic_updates.yaml``
    ``said_methods``)."""
    if prop.update_method is not None:
        return prop
    said = load("updates")["said_methods"]
    method = None
    if says_one_per_event(prop) and prop.type == PropertyType.NUMBER:
        method = UpdateMethod.USER_ADD
    elif contains_any(norm(prop.description), said["set_once"]):
        method = UpdateMethod.USER_SET_ONCE
    return prop.model_copy(update={"update_method": method}) if method else prop


def _by_listing(ctx: Context, prop: Property) -> list[Rule]:
    """Events that list the user property itself (``weight_record`` listing the user's
    ``weight_kg``) carry its current value and update it: they set it from what they carry.

    Only when nothing else moves the property (a level moved by level_up is only shown
    by the other events that list it), and never against the plan's update method: an
    added or appended property is not set.
    """
    method = prop.update_method
    if method not in (None, UpdateMethod.USER_SET, UpdateMethod.USER_SET_ONCE):
        return []
    kind = UpdateType.SET_ONCE if method == UpdateMethod.USER_SET_ONCE else UpdateType.SET
    return [(info.name, UpdateRule(type=kind, value=_ref(prop.name))) for info in ctx.infos
            if prop.name in info.props and (ep := ctx.prop(prop.name)) is not None
            and ep.type == prop.type]


def _rules_for(ctx: Context, money: Money, prop: Property) -> list[Rule]:
    return (
        _value_language(ctx, prop)
        or _by_streak(ctx, prop)
        or _by_role(ctx, money, prop)
        or _by_held_flag(ctx, prop)
        or _by_playtime(ctx, prop)
        or _by_experience(ctx, prop)
        or _by_enum(ctx, prop)
        or _by_same_property(ctx, prop)
        or _by_method(ctx, money, prop)
    )


def _by_ladder(ctx: Context, prop: Property) -> list[Rule]:
    """An enum (``league_tier``) that events promoting or demoting the user list: each
    sets it from what it carries, which the simulation makes one rung up or down."""
    if not prop.enum or len(prop.enum) < 2:
        return []
    return [(info.name, UpdateRule(type=UpdateType.SET, value=_ref(prop.name)))
            for info in ctx.infos if prop.name in info.props
            and progression.ladder_move(info.name)]


def _by_streak(ctx: Context, prop: Property) -> list[Rule]:
    """A streak (``current_streak``) steps by one on the events that extend it
    (``streak_extended``); the simulation keeps it to consecutive days (Rules'
    ``progression.streak_counters``)."""
    if prop.type != PropertyType.NUMBER or not progression.is_streak_counter(prop.name):
        return []
    return [(e, UpdateRule(type=UpdateType.INCREMENT, value=1)) for e in ctx.names
            if progression.steps_streak(e)]


# -- 1. "event|property|aggregation" ----------------------------------------------------------

def _value_language(ctx: Context, prop: Property) -> list[Rule]:
    m = _VALUE_LANGUAGE.match(prop.description)
    if not m or m.group(1) not in ctx.order:
        return []
    event, source, agg = m.group(1), m.group(2), m.group(3).lower()
    ref = TIME if source == "#time" else _ref(source)
    if agg == "sum":
        return [(event, UpdateRule(type=UpdateType.INCREMENT, value=ref))]
    if agg in ("cnt", "count", "daycnt"):
        return [(event, UpdateRule(type=UpdateType.INCREMENT, value=1))]
    if agg == "first":
        return [(event, UpdateRule(type=UpdateType.SET_ONCE, value=ref))]
    if agg in ("last", "max", "min", "set"):
        return [(event, UpdateRule(type=UpdateType.SET, value=ref))]
    return []


# -- 2. roles --------------------------------------------------------------------------------

def role_of(prop: Property) -> str | None:
    keys = read(prop.name).keys
    text = norm(f"{prop.display_name} {prop.description}")
    for role, spec in load("properties")["user_roles"].items():
        if prop.type not in {_TYPES[t] for t in spec.get("types", [])}:
            continue
        veto = {read(w).words[0] for w in spec.get("not", []) if read(w).words}
        if keys & veto:
            continue
        if any(pattern_matches(compile_pattern(p), keys) for p in spec.get("en", [])):
            return str(role)
        display = norm(prop.display_name)
        if display and contains_any(display, spec.get("ko", [])):
            return str(role)
        if not prop.display_name and contains_any(text, spec.get("ko", [])):
            return str(role)
    return None


def _by_role(ctx: Context, money: Money, prop: Property) -> list[Rule]:
    role = role_of(prop)
    if role is None:
        return []
    idx = ctx.index
    revenue = list(money.revenue_events)
    refunds = [i.name for i in idx.all("refund")][:1]  # one reversal per refund
    cancels = [i.name for i in idx.all("order_cancel")]

    def first(*names: str) -> str | None:
        return next((b.name for c in names if (b := idx.best(c)) is not None), None)

    rules: list[Rule] = []
    if role == "payer_flag":
        rules = [(e, UpdateRule(type=UpdateType.SET, value=True)) for e in revenue]
    elif role == "tutorial_flag":
        e = first("tutorial_complete")
        rules = [(e, UpdateRule(type=UpdateType.SET, value=True))] if e else []
    elif role == "level":
        rules = _level_rules(ctx, prop)
    elif role == "balance":
        # A balance of a consumable (boosts_balance): uses take one, packs bought add.
        rules = _balance_rules(ctx, prop) or _own_balance_rules(ctx, prop) \
            or consumable_rules(ctx, prop)
    elif role == "earned_total":
        rules = _earned_rules(ctx, prop)
    elif role == "bought_total":
        rules = _bought_rules(ctx, revenue, prop)
    elif role == "money_total":
        # "Sum of total_charged over all rides": the events carrying the amount it names,
        # whatever the plan calls revenue (a wallet top-up is no spending).
        for e in _summed_events(ctx, prop, revenue) or revenue:
            if (m := _mentioned_prop(ctx, prop, e) or _money_prop(money, e)) is not None:
                rules.append((e, UpdateRule(type=UpdateType.INCREMENT, value=_ref(m))))
        preferred = rules[0][1].value if rules else None
        for e in refunds + cancels:
            m = _money_prop(money, e, prefer=preferred)
            if m is not None:
                rules.append((e, UpdateRule(type=UpdateType.DECREMENT, value=_ref(m))))
    elif role == "purchase_count":
        rules = [(e, UpdateRule(type=UpdateType.INCREMENT, value=1)) for e in revenue]
        rules += [(e, UpdateRule(type=UpdateType.DECREMENT, value=1)) for e in cancels]
    elif role in ("login_count", "session_count", "ad_count"):
        concept = {"login_count": "login", "session_count": "session_start", "ad_count": "ad_show"}
        e = first(concept[role], "session_start")
        rules = [(e, UpdateRule(type=UpdateType.INCREMENT, value=1))] if e else []
    elif role in ("first_pay_time", "last_pay_time"):
        kind = UpdateType.SET_ONCE if role == "first_pay_time" else UpdateType.SET
        rules = [(e, UpdateRule(type=kind, value=TIME)) for e in revenue]
    elif role == "last_login_time":
        e = first("login", "session_start")
        rules = [(e, UpdateRule(type=UpdateType.SET, value=TIME))] if e else []
    elif role == "first_seen_time":
        e = first("install", "session_start", "signup")
        rules = [(e, UpdateRule(type=UpdateType.SET_ONCE, value=TIME))] if e else []
    elif role == "created_time":
        e = first("signup", "account_create", "install")
        rules = [(e, UpdateRule(type=UpdateType.SET_ONCE, value=TIME))] if e else []
    return rules


def _by_held_flag(ctx: Context, prop: Property) -> list[Rule]:
    """A flag of a thing the user holds ("Whether the rider holds an active Ride Pass") is
    true from the event starting it (Ride Pass Subscribed) and false from the one ending
    it (Ride Pass Cancelled): events of a ``held_flags`` pair whose object the flag's
    name or description names."""
    if prop.type != PropertyType.BOOLEAN:
        return []
    mine = set(read(prop.name).words) | set(read(prop.description).words)
    rules: list[Rule] = []
    for pair in load("updates")["held_flags"]:
        for concept, value in ((pair["start"], True), (pair["end"], False)):
            rules += [(i.name, UpdateRule(type=UpdateType.SET, value=value))
                      for i in ctx.index.all(concept) if i.obj and i.obj <= mine]
        if rules:
            return rules
    return rules


def _thing(words: set[str] | frozenset[str]) -> set[str]:
    """What words are about, the player's own synonyms as one (:data:`_SELF_WORDS`)."""
    return {"player" if w in _SELF_WORDS else w for w in words}


def _level_rules(ctx: Context, prop: Property) -> list[Rule]:
    words = _thing(set(read(prop.name).words) - {"level", "lv", "lvl", "current"})
    candidates = ctx.index.all("level_up")
    if not candidates:
        return []
    # Prefer the level-up about the same thing ("hero_level" <- "hero_levelup").
    best = max(candidates, key=lambda i: (len(_thing(i.obj) & words), -len(i.obj), -i.index))
    if words and best.obj and not _thing(best.obj) & words:
        return []   # castle_level is not moved by vip_level_up: no level-up is about it
    levels = [p for p in ctx.props_of(best.name)
              if (ep := ctx.prop(p)) is not None and ep.type == PropertyType.NUMBER
              and {"level", "lv", "lvl"} & set(split_words(p))
              and not _BEFORE_WORDS & set(split_words(p))]
    # The level about the level-up's thing (lord_level_up: lord_level, not a common
    # vip_level listed before it), the first one if none is.
    about = best.obj | words
    level = max(levels, key=lambda p: (p == prop.name, len(set(split_words(p)) & about),
                                       -levels.index(p)), default=None)
    if level is not None:
        return [(best.name, UpdateRule(type=UpdateType.SET, value=_ref(level)))]
    return [(best.name, UpdateRule(type=UpdateType.INCREMENT, value=1))]


# -- balances and totals moved by currency flows ----------------------------------------------

#: An event that moves a currency: how it moves it (an increment reversed by the spend
#: values of its direction property, if it has one) and how it names the currency.
Flow = tuple[str, UpdateType, FlowShape]
#: The key a premium balance's currency takes before it is matched to the event's values.
_HARD = "#hard"


def _flow_events(ctx: Context) -> list[Flow]:
    """Earn events add, spend events take, and an event with a direction property
    (``transaction_type``: gain / spend) adds and takes by it."""
    idx = ctx.index
    earn = {i.name for i in idx.all("vc_earn")}
    spend = {i.name for i in idx.all("vc_spend")}
    bought = {i.name for i in idx.all("purchase")}
    nouns = currency_words() | {"currency"}
    flows: list[Flow] = []
    for info in ctx.infos:
        shape = flow_shape(ctx, info.name)
        moves = info.name in earn or info.name in spend
        if shape.direction and (shape.currency or moves or nouns & set(info.words)):
            flows.append((info.name, UpdateType.INCREMENT, shape))
        elif moves:
            kind = UpdateType.INCREMENT if info.name in earn else UpdateType.DECREMENT
            flows.append((info.name, kind, replace(shape, direction=None)))
        elif (kind := _currency_move(ctx, info.name)) is not None and (
                not (earn or spend) or (kind is UpdateType.INCREMENT and info.name in bought)):
            # Only in a plan naming no currency flow of its own (earn/spend events): one
            # that does says which events move its currencies, but for the purchase that
            # buys a currency (coin_charge's coin_amount), which no earn event names.
            flows.append((info.name, kind, replace(shape, direction=None)))
    return flows


def _currency_move(ctx: Context, event: str) -> UpdateType | None:
    """How an event carrying an amount of a named currency moves it (a coin pack bought
    adds its coins, a gift sent takes its cost), None when it carries none or its verb
    says neither (heuristic_updates.yaml ``currency_amounts``)."""
    if _currency_amount_prop(ctx, event) is None:
        return None
    spec, info = load("updates")["currency_amounts"], ctx.index.info(event)
    verb = f"@{info.verb}" if info.verb else None
    if verb in spec["spend"] or contains_any(info.desc, spec["spend_words"]):
        return UpdateType.DECREMENT
    return UpdateType.INCREMENT if verb in spec["gain"] else None


def _currency_amount_prop(ctx: Context, event: str, balance: Property | None = None
                          ) -> str | None:
    """The event's numeric property naming a currency (``balance``'s own, if that names
    one) and no state of it (``coin_amount``, ``gift_coins``; not ``coin_balance_after``)."""
    state = set(load("updates")["currency_amounts"]["state"])
    mine = currency_of(balance) if balance is not None else None
    for name in ctx.props_of(event):
        prop = ctx.prop(name)
        if prop is None or prop.type != PropertyType.NUMBER \
                or set(split_words(name)) & state or not set(split_words(name)) & currency_words():
            continue
        if mine is None or currency_of(prop) == mine:
            return name
    return None


def _currency_when(ctx: Context, prop: Property, event: str,
                   shape: FlowShape) -> tuple[bool, dict[str, list[Any]] | None]:
    """Whether ``event`` moves ``prop`` and the condition on the currency it names
    (``{token_id: [gold]}``): a balance moves only with its own currency."""
    key = currency_of(prop) or (_HARD if is_hard(prop) else None)
    if shape.currency is None or key is None:   # an unnamed balance moves with any
        return _same_currency(ctx, prop, event), None
    value = hard_value(shape.values) if key == _HARD else value_for(key, shape.values)
    if value is None:
        if shape.closed:    # the plan's list lacks it: this event never moves it
            return False, None
        value = hard_default() if key == _HARD else key
    return True, {shape.currency: [value]}


def _balance_rules(ctx: Context, prop: Property) -> list[Rule]:
    rules: list[Rule] = []
    for event, kind, shape in _flow_events(ctx):
        moves, when = _currency_when(ctx, prop, event, shape)
        if not moves:
            continue
        # The amount moves the balance; an event's own "balance after" property then
        # shows the result. Only without an amount is that property the source.
        if (amount := _amount_prop(ctx, event) or _currency_amount_prop(ctx, event, prop)) \
                is not None:
            reverse = {shape.direction: list(shape.spends)} if shape.direction else None
            rules.append((event, UpdateRule(type=kind, value=_ref(amount), when=when,
                                            reverse_when=reverse)))
        elif (state := _balance_prop(ctx, prop, event)) is not None:
            rules.append((event, UpdateRule(type=UpdateType.SET, value=_ref(state), when=when)))
    return rules


def _own_balance_rules(ctx: Context, prop: Property) -> list[Rule]:
    """A balance of a thing of the product's own (``wallet_balance``), no game currency:
    the purchase about that thing adds its amount (Wallet Topped Up's ``topup_amount``).
    A charge paid with it (a ride paid by wallet) is left alone: the simulation lets an
    event that takes from a balance happen only when the balance holds it, whatever the
    way paid."""
    thing = set(split_words(prop.name)) - _BALANCE_WORDS - _STATE_WORDS - _GENERIC_WORDS
    if not thing:
        return []
    rules: list[Rule] = []
    for info in ctx.index.all("purchase"):
        if thing & info.obj and (amount := _amount_prop(ctx, info.name)) is not None:
            rules.append((info.name, UpdateRule(type=UpdateType.INCREMENT, value=_ref(amount))))
    return rules


def _earned_rules(ctx: Context, prop: Property) -> list[Rule]:
    """A lifetime total of a currency grows with what its flows add (never with spends)."""
    rules: list[Rule] = []
    for event, kind, shape in _flow_events(ctx):
        if kind is not UpdateType.INCREMENT:
            continue
        moves, when = _currency_when(ctx, prop, event, shape)
        amount = _amount_prop(ctx, event)
        if not moves or amount is None:
            continue
        if shape.direction:
            when = {**(when or {}), shape.direction: list(shape.gains)}
        rules.append((event, UpdateRule(type=UpdateType.INCREMENT, value=_ref(amount),
                                        when=when)))
    return rules


def _bought_rules(ctx: Context, revenue: list[str], prop: Property) -> list[Rule]:
    """A running total of a currency bought (``total_coins_bought``) adds the amount of it
    each purchase carries (a pack's ``coin_amount``); what is earned or spent leaves it."""
    rules: list[Rule] = []
    for event in revenue:
        if (amount := _currency_amount_prop(ctx, event, prop)) is not None:
            rules.append((event, UpdateRule(type=UpdateType.INCREMENT, value=_ref(amount))))
    return rules


def currency_pools(patterns: dict[str, dict[str, UpdateRule]], ctx: Context
                   ) -> dict[str, list[str]]:
    """Per currency property the conditions test, the values it must show: an id-like
    ``token_id`` the currencies of the balances (``gold``, ``diamond``), examples with the
    ones they lack. None for an enum (the plan's list binds) or when nothing is missing."""
    tested: dict[str, list[str]] = {}
    for event, pattern in patterns.items():
        shape = flow_shape(ctx, event)
        if shape.currency is None or shape.closed:
            continue
        for rule in pattern.values():
            for value in (rule.when or {}).get(shape.currency, []):
                values = tested.setdefault(shape.currency, list(shape.values))
                if value not in values:
                    values.append(value)
    return {name: values for name, values in tested.items()
            if set(values) - set(ctx.prop(name).examples if ctx.prop(name) else ())}


def with_currency_pools(specs: dict[str, PropertySpec],
                        patterns: dict[str, dict[str, UpdateRule]],
                        ctx: Context) -> dict[str, PropertySpec]:
    """``specs`` with a pool source for each currency property the update conditions
    test (:func:`currency_pools`)."""
    out = dict(specs)
    for name, values in currency_pools(patterns, ctx).items():
        spec = out.get(name) or PropertySpec()
        out[name] = spec.model_copy(update={"source": PropertySource(type="pool",
                                                                     values=values)})
    return out


def _currencies(words: set[str]) -> set[str]:
    return words & currency_words()


def _same_currency(ctx: Context, prop: Property, event: str) -> bool:
    """``gold`` moves with ``gold_earn``, not with ``gem_earn``; an event naming no currency
    moves any, unless the plan's other earn or spend events name this one (``gem_gain``
    moves ``gem_balance``, ``resource_gain`` of wood and food does not)."""
    mine = _currencies(set(read(prop.name).words) | set(split_words(prop.name)))
    info = ctx.index.info(event)
    theirs = _currencies(set(info.words))
    if mine and not theirs:
        flows = {i.name for concept in ("vc_earn", "vc_spend") for i in ctx.index.all(concept)}
        return not any(mine & _currencies(set(ctx.index.info(e).words))
                       for e in sorted(flows - {event}))
    return not mine or bool(mine & theirs)


def _balance_prop(ctx: Context, prop: Property, event: str) -> str | None:
    """The event's own "balance after" property for this currency (``gold_balance``)."""
    mine = _currencies(set(split_words(prop.name)))
    for name in ctx.props_of(event):
        ep = ctx.prop(name)
        words = set(split_words(name))
        if ep is None or ep.type != PropertyType.NUMBER or not words & _BALANCE_WORDS:
            continue
        if not mine or words & mine:
            return name
    return None


def _mentioned_prop(ctx: Context, prop: Property, event: str) -> str | None:
    """A numeric property of the event named in the user property's description."""
    for name in ctx.props_of(event):
        ep = ctx.prop(name)
        if ep is not None and ep.type == PropertyType.NUMBER and _mentions(prop.description, name):
            return name
    return None


def _summed_events(ctx: Context, prop: Property, revenue: list[str]) -> list[str]:
    """Events carrying a numeric property of their own that a total's description names,
    when no revenue event carries one (the purchase's own ``revenue`` stays the source)."""
    if any(_mentioned_prop(ctx, prop, e) for e in revenue):
        return []
    return [n for n in ctx.names
            if any(p not in ctx.common_names and _mentions(prop.description, p)
                   for p in ctx.props_of(n)
                   if (ep := ctx.prop(p)) is not None and ep.type == PropertyType.NUMBER)]


def _mentions(text: str, name: str) -> bool:
    return bool(re.search(rf"(?<![A-Za-z0-9_#]){re.escape(name)}(?![A-Za-z0-9_])", text))


def _mentioned_events(ctx: Context, prop: Property) -> list[str]:
    """Events named in a user property's description ("arena_result 후 … 덮어쓰기")."""
    return [n for n in ctx.names if len(n) > 2 and _mentions(prop.description, n)]


def _amount_prop(ctx: Context, event: str) -> str | None:
    for name in ctx.props_of(event):
        prop = ctx.prop(name)
        if prop is None or prop.type != PropertyType.NUMBER:
            continue
        words = set(split_words(name))
        if words & _AMOUNT_WORDS and not words & _STATE_WORDS:
            return name
    return None


def _money_prop(money: Money, event: str, *, prefer: Any = None) -> str | None:
    options = money.event_money(event)
    if not options:
        return None
    if isinstance(prefer, str):
        wanted = prefer.strip("{}")
        if wanted in options:
            return wanted
    priority = ("revenue", "value", "amount", "total", "price", "subtotal")
    for word in priority:
        for name in options:
            if word in split_words(name):
                return name
    return options[0]


def _ref(name: str) -> str:
    return "{{" + name + "}}"


# -- play time and experience ----------------------------------------------------------------

#: The session's length in seconds, which the session-end event's updates may read.
DURATION = "{{#duration}}"


def _by_playtime(ctx: Context, prop: Property) -> list[Rule]:
    """Total play time adds each session's length at the session end, in its own unit
    (``total_playtime_minutes``: seconds / 60)."""
    if prop.type is not PropertyType.NUMBER or not _is_playtime(prop):
        return []
    ends = session_events(ctx)[1]
    if not ends:
        return []
    unit = _unit_seconds(prop) or 1.0
    scale = None if unit == 1 else round(1 / unit, 6)
    return [(ends[0], UpdateRule(type=UpdateType.INCREMENT, value=DURATION, scale=scale))]


def _is_playtime(prop: Property) -> bool:
    spec = load("updates")["playtime"]
    words = set(split_words(prop.name))
    sums = words & set(spec["totals"]) or prop.update_method is UpdateMethod.USER_ADD
    if words & set(spec["not"]) or not sums:
        return False
    return bool(words & set(spec["words"])) or any(set(pair) <= words for pair in spec["pairs"])


def _unit_seconds(prop: Property) -> float | None:
    """Seconds per unit of a duration, by the name's words, else its display name or
    description (``누적 플레이 시간(분)``)."""
    units = load("updates")["time_units"]
    for word in reversed(split_words(prop.name)):
        if word in units["words"]:
            return float(units["words"][word])
    text = f"{prop.display_name} {prop.description}"
    found = [(text.find(mark), seconds) for mark, seconds in units["cjk"].items() if mark in text]
    return float(min(found)[1]) if found else None


def _by_experience(ctx: Context, prop: Property) -> list[Rule]:
    """Experience grows with every event carrying an amount of it (``exp_gain``)."""
    spec = load("updates")["experience"]
    words = set(split_words(prop.name))
    vetoed = set(spec["not"]) - {"current", "cur", "total"}    # current_xp: the user's own
    if prop.type is not PropertyType.NUMBER or not words & set(spec["words"]) or words & vetoed:
        return []
    rules: list[Rule] = []
    for info in ctx.infos:
        amount = next((name for name in ctx.props_of(info.name)
                       if name not in ctx.common_names and name not in ctx.user_props
                       and (ep := ctx.prop(name)) is not None and ep.type is PropertyType.NUMBER
                       and (theirs := set(split_words(name))) & set(spec["words"])
                       and not theirs & set(spec["not"])), None)
        if amount is not None:
            rules.append((info.name, UpdateRule(type=UpdateType.INCREMENT, value=_ref(amount))))
    return rules


# -- 3. enumerated states and mirrored properties ----------------------------------------------

def _by_enum(ctx: Context, prop: Property) -> list[Rule]:
    """A plan or status (``plan: Free,Pro,Business``) moved by the account's events: the
    sign-up sets its free value, a subscription its paid one, a trial its trial one
    (``enum_states``). An event that carries the property itself (``plan_upgraded.plan``,
    ``trial_started.plan``) says which value it moves to: it is set from what it carries.
    Only status-like names: a ``role`` (admin, member, guest) is no plan."""
    if not prop.enum or not priors.STATUS.search(names.normalize(prop.name)):
        return []
    values = {str(v).lower(): v for v in prop.enum}
    rules: list[Rule] = []
    for spec in load("properties")["enum_states"]:
        event = ctx.index.best(spec["concept"])
        value = next((values[v] for v in spec["values"] if v in values), None)
        if event is None:
            continue
        kind = UpdateType.SET_ONCE if spec.get("once") else UpdateType.SET
        # A value named for the state (trial) wins over a namesake (trial_begin.plan_code).
        carried = _carried_state(ctx, prop, event.name, namesake=value is None)
        if carried is not None and not (spec.get("once") or spec.get("fixed")):
            rules.append((event.name, UpdateRule(type=kind, value=_ref(carried))))
        elif value is not None:
            rules.append((event.name, UpdateRule(type=kind, value=value)))
    return rules


def _carried_state(ctx: Context, prop: Property, event: str, *, namesake: bool) -> str | None:
    """The property of ``event`` naming the state it moves the user's ``prop`` to: the
    property itself (``plan_upgraded.plan``), else (``namesake``) one whose name's words
    are all in the user property's (Sparkd's ``subscription_started.tier`` for
    ``subscription_tier``); either only where its values are all the user property's (the
    paid ones, no Free)."""
    assert prop.enum is not None
    mine = set(split_words(prop.name))
    held = {str(v) for v in prop.enum}
    for name in (prop.name, *(ctx.index.info(event).props if namesake else ())):
        if name != prop.name and not set(split_words(name)) <= mine:
            continue
        found = ctx.prop(name) if name in ctx.index.info(event).props else None
        if found is not None and found.enum and {str(v) for v in found.enum} <= held:
            return name
    return None


def _by_same_property(ctx: Context, prop: Property) -> list[Rule]:
    """``email`` <- Signed Up's ``email``; ``account_role`` <- Account Added User's ``role``."""
    mine = set(split_words(prop.name))
    once = prop.update_method == UpdateMethod.USER_SET_ONCE
    kind = UpdateType.SET_ONCE if once else UpdateType.SET
    rules: list[Rule] = []
    named = set(_mentioned_events(ctx, prop))
    for info in ctx.infos:
        if named and info.name not in named:
            continue
        for name in info.props:
            theirs = set(split_words(name))
            if not theirs or not theirs <= mine:
                continue
            rest = mine - theirs - _GENERIC_WORDS
            if rest and not rest & (info.obj | set(info.words)) and info.name not in named:
                continue
            ep = ctx.prop(name)
            if ep is not None and ep.type != prop.type:
                continue
            if info.name in named or info.verb in _CHANGE_VERBS or ctx.index.concepts_of(
                info.name
            ).keys() & {"signup", "account_create", "member_add", "level_up"}:
                rules.append((info.name, UpdateRule(type=kind, value=_ref(name))))
                break
    return rules


def _by_method(ctx: Context, money: Money, prop: Property) -> list[Rule]:
    method = prop.update_method
    if prop.type == PropertyType.TIME and method in _MOMENTS:
        return _by_moment(ctx, prop)
    if method not in (UpdateMethod.USER_ADD, UpdateMethod.USER_APPEND,
                      UpdateMethod.USER_UNIQ_APPEND):
        return []
    event = _pointed_event(ctx, prop)
    if event is None:
        return []
    if method == UpdateMethod.USER_ADD:
        if prop.type != PropertyType.NUMBER:
            return []
        unit = total_unit(prop) or ("count" if _counts_things_of(prop, event) else None)
        amount = _mentioned_prop(ctx, prop, event) or (
            None if unit == "count" else _added_amount(ctx, money, prop, event, unit))
        if amount:
            return [(event, UpdateRule(type=UpdateType.INCREMENT, value=_ref(amount)))]
        # Only a name or description saying so adds one: a display's "업로드 수" alone does
        # not tie the count to the event guessed for it (videos_posted is no video_watch).
        if set(split_words(prop.name)) & _COUNT_WORDS or _counts_things_of(prop, event) \
                or says_one_per_event(prop):
            return [(event, UpdateRule(type=UpdateType.INCREMENT, value=1))]
        return []
    words = set(split_words(prop.name))
    if words & {"time", "timestamp", "timestamps", "date", "dates"}:
        return [(event, UpdateRule(type=UpdateType.APPEND, value=TIME))]
    same = next((p for p in ctx.props_of(event) if set(split_words(p)) <= words), None)
    return [(event, UpdateRule(type=UpdateType.APPEND, value=_ref(same)))] if same else []


def _added_amount(ctx: Context, money: Money, prop: Property, event: str,
                  unit: Unit | None) -> str | None:
    """What an event adds to a total of ``unit``: a money total the event's money (in its
    own currency), a currency total the amount of its currency, else a number sharing a
    word with the total's name; a money total never takes an in-app currency's amount."""
    if unit == "money" and (found := _money_prop(money, event)) is not None:
        return found
    if unit == "currency" and (found := _currency_amount_prop(ctx, event, prop)) is not None:
        return found
    mine = set(split_words(prop.name)) - _GENERIC_WORDS
    in_app = currency_words() if unit == "money" else set()
    return next((p for p in ctx.props_of(event)
                 if (ep := ctx.prop(p)) is not None and ep.type == PropertyType.NUMBER
                 and (theirs := set(split_words(p))) & mine
                 and not theirs & (_STATE_WORDS | in_app)), None)


#: A time the plan sets once is a first moment, one it sets is the latest.
_MOMENTS = {UpdateMethod.USER_SET_ONCE: ("first", UpdateType.SET_ONCE),
            UpdateMethod.USER_SET: ("last", UpdateType.SET)}


def _by_moment(ctx: Context, prop: Property) -> list[Rule]:
    """``first_workout_time`` (set once) / ``last_workout_time`` (set): the time of the
    event its name points at (the first or latest ``workout_*``)."""
    word, kind = _MOMENTS[prop.update_method]  # type: ignore[index]
    if word not in split_words(prop.name):
        return []
    event = _pointed_event(ctx, prop)
    return [(event, UpdateRule(type=kind, value=TIME))] if event is not None else []


def _first_value(ctx: Context, prop: Property) -> list[Rule]:
    """A value its description says is set once, from the event that description points
    at, carried there under a name within its own (``home_city`` "City of the rider's
    first ride (set once)": the first ride's ``city``, a common property too). Only for a
    method said so: a plan's own user_setOnce of a value (an acquisition channel) is
    written when the profile is made."""
    event = _pointed_event(ctx, prop)
    if event is None:
        return []
    mine = set(split_words(prop.name))
    source = next((p for p in ctx.props_of(event)
                   if set(split_words(p)) <= mine and (ep := ctx.prop(p)) is not None
                   and ep.type == prop.type), None)
    return [(event, UpdateRule(type=UpdateType.SET_ONCE, value=_ref(source)))] if source else []


def _pointed_event(ctx: Context, prop: Property) -> str | None:
    """The event a user property's name or description points at."""
    named = _mentioned_events(ctx, prop)
    if named:
        return named[0]
    idx = ctx.index
    book = concepts()
    keys = read(prop.name).keys | read(prop.description).keys
    text = norm(f"{prop.display_name} {prop.description}")
    for concept in TRIGGERS:
        c = book[concept]
        named = any(pattern_matches(p, keys) for p in c.patterns) and not keys & c.veto
        if named or contains_any(text, c.cjk):
            best = idx.best(concept)
            if best is not None:
                return best.name
    said = norm(prop.description)
    return _event_named(ctx, set(read(prop.name).words) - _GENERIC_WORDS, said) or \
        _event_named(ctx, set(read(prop.description).words) - _GENERIC_WORDS, said, done=True)


def _event_named(ctx: Context, mine: set[str], said: str, *, done: bool = False) -> str | None:
    """The event sharing most of ``mine``. Ties go to the event whose other words the
    description says ("first completed ride": Ride Completed, not Ride Requested), then,
    with ``done``, to one whose verb ends the thing (the rider's first ride is one
    completed: ``heuristic_updates.yaml`` ``done_verbs``), then to the one with fewest
    words the name lacks (total_recharge: recharge, not recharge_click listed before it)."""
    ends = set(load("updates")["done_verbs"]) if done else set()
    scored = [(len(mine & (i.obj | set(i.words))), _verb_said(set(i.words) - mine, said),
               i.verb in ends, -len(set(i.words) - mine), -i.index, i.name) for i in ctx.infos]
    top = max(scored, default=(0, False, False, 0, 0, ""))
    return top[5] if top[0] > 0 else None


def _verb_said(words: Iterable[str], text: str) -> bool:
    """The description says one of the event's words, in any form ("+1 per completed
    workout" says ``workout_complete``'s complete, not ``workout_start``'s start)."""
    return any(len(w) >= 4 and w[:max(4, len(w) - 1)] in text for w in words)


def _counts_things_of(prop: Property, event: str) -> bool:
    """A count named by the plural of the event's thing: ``total_workouts`` on a
    ``workout_complete`` counts workouts, one each."""
    last = split_words(prop.name)[-1:]
    mine = set(split_words(event))
    return bool(last) and any(last[0] == f"{w}{end}" for w in mine for end in ("s", "es"))


__all__ = ["DURATION", "TIME", "currency_pools", "role_of", "update_patterns",
           "with_currency_pools"]

"""A way paid in an in-app currency comes after a spend on its thing (issue 11).

A way of having a thing listed with labels (``unlock_type``: ``1:무료,2:기다리면 무료,3:대여권,
4:소장(코인)``) where some labels name an in-app currency (``소장(코인)``; words:
heuristic_properties.yaml ``money.in_app_currency``) and no free word, beside a thing id
(``series_id``), is paid in that currency. An event that takes the currency from a balance
(an update pattern decrementing ``coin_balance``) and names the same thing (``coin_use``
with ``series_id`` and ``episode_no``) is its spend. The analyzer writes Rules ``paid_ways``:
the run shows a paid code only after a spend of the same thing in the session (else one of
the other codes), and validate's ``paid_ways`` check reports a paid code without one. Drawn
per record, 2,350 of 2,355 owned reads had no spend of their episode before them.

A number beside the same keys that prices the thing in an in-app currency (``episode_price``,
"유료 회차의 코인 가격") is the way's ``price``: the run gives each thing one price and a
spend costs it (drawn in its own 1~10, 1,125 of 6,623 coin spends at 1,000 x 14 seed 3 were
not the price their episode showed).

A boolean free flag beside the same keys (``is_free``) makes a thing free or paid once per
run (``flag``, ``free`` codes, ``free_share``: heuristic_properties.yaml
``free_thing_share``): drawn per record, 965 of 3,061 episodes showed free on some views and
a price on others, and 638 of 6,827 coin spends bought an episode only ever shown free.
"""

from __future__ import annotations

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._free_flags import _labels
from demogen.analysis.heuristic._in_app import currencies_marked, priced_in_app
from demogen.analysis.heuristic._text import split_words
from demogen.analysis.heuristic.values.steps import is_position, step_thing_id
from demogen.analysis.rules import PaidWay, UpdateRule
from demogen.vocab import PropertyType, UpdateType

#: Words of a name that make a number the price of a thing (``episode_price``, ``gem_cost``).
_PRICE_WORDS = frozenset({"price", "cost", "가격", "价格", "価格"})


def paid_ways(ctx: Context, patterns: dict[str, dict[str, UpdateRule]]) -> dict[str, PaidWay]:
    """Way property → its codes paid in an in-app currency and the events that spend it."""
    money = load("properties")["money"]
    currency = {w.lower() for w in money["in_app_currency"]}
    free_words = tuple(w.lower() for w in load("properties")["free_words"])
    spenders = _spenders(ctx, patterns, currency)
    out: dict[str, PaidWay] = {}
    for way in ctx.event_props.values():
        labels = _labels(way)
        paid = [code for code, label in labels.items()
                if not any(w in label.lower() for w in free_words) and _names(label, currency)]
        if not paid or len(paid) == len(labels):
            continue
        for event in ctx.events_with.get(way.name, ()):
            found = ctx.taxonomy.event(event)
            props = list(found.properties) if found is not None else []
            thing = step_thing_id(props)
            if thing is None:
                continue
            spends = [s for s, names in spenders.items() if s != event and thing in names]
            if spends:
                keys = [thing, *(n for n in props if is_position(n)
                                 and all(n in spenders[s] for s in spends))]
                price = _price(ctx, keys, spends, currency)
                flag = _flag(ctx, keys, spends)
                free = [c for c, label in labels.items()
                        if any(w in label.lower() for w in free_words)] if flag else []
                out[way.name] = PaidWay(
                    paid=paid, spends=spends, keys=keys, price=price, flag=flag, free=free,
                    free_share=float(load("properties")["free_thing_share"]) if flag else 0.0)
                break
    return out


def _flag(ctx: Context, keys: list[str], spends: list[str]) -> str | None:
    """The boolean free flag (``is_free``: a ``free_flag_words`` word) on an event naming
    the thing (all of ``keys``, not a spend)."""
    words = set(load("properties")["free_flag_words"])
    for event in ctx.taxonomy.events:
        if event.name in spends or not all(k in event.properties for k in keys):
            continue
        for name in event.properties:
            prop = ctx.event_props.get(name)
            if prop is not None and prop.type == PropertyType.BOOLEAN \
                    and words & set(split_words(name)):
                return name
    return None


def _price(ctx: Context, keys: list[str], spends: list[str], currency: set[str]) -> str | None:
    """The number on an event naming the thing (all of ``keys``, not a spend) that prices
    it in an in-app currency: its name says price and its description (or name) the
    currency, not market money."""
    for event in ctx.taxonomy.events:
        if event.name in spends or not all(k in event.properties for k in keys):
            continue
        for name in event.properties:
            prop = ctx.event_props.get(name)
            if prop is None or name in keys or prop.type != PropertyType.NUMBER or prop.enum:
                continue
            words = set(split_words(name))
            description = prop.description or ""
            if words & _PRICE_WORDS and (priced_in_app(description) or (
                    words & currency and not currencies_marked(description))):
                return name
    return None


def _names(label: str, currency: set[str]) -> bool:
    """``소장(코인)``, ``Buy with gems``: a label naming an in-app currency (a Latin word whole,
    a CJK word anywhere in it)."""
    words = set(split_words(label))
    return any(c in words if c.isascii() else c in label for c in currency)


def _spenders(ctx: Context, patterns: dict[str, dict[str, UpdateRule]],
              currency: set[str]) -> dict[str, list[str]]:
    """Events that take an in-app currency from a balance (``coin_use`` takes
    ``coin_amount`` from ``coin_balance``) → their properties."""
    out: dict[str, list[str]] = {}
    for event in ctx.taxonomy.events:
        for balance, rule in sorted(patterns.get(event.name, {}).items()):
            if rule.type is UpdateType.DECREMENT and currency & set(split_words(balance)):
                out[event.name] = list(event.properties)
                break
    return out


__all__ = ["paid_ways"]

"""Event properties showing a balance the event moves (``balance_after``,
``token_change_before``, ``gold_balance``): the analyzer gives them an ``after`` or
``before`` source over the balances their events' update patterns move.

The simulation (``simulation/balance_views.py``) sets such a property to the balance the
event moved, as the move left it (``after``) or as it was (``before``); the words are in
``heuristic_updates.yaml`` (``balance_views``).
"""

from __future__ import annotations

from functools import cache

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._currency_flows import currency_words
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._text import split_words
from demogen.analysis.rules import BALANCE_KINDS, PropertySource, PropertySpec, UpdateRule
from demogen.taxonomy import Property
from demogen.vocab import PropertyType, UpdateType


@cache
def _words(key: str) -> frozenset[str]:
    """A word list of ``balance_views`` (``nouns``: the currency property's nouns)."""
    data = load("updates")
    if key == "nouns":
        return frozenset(data["currency_property"]["nouns"])
    return frozenset(data["balance_views"][key])


def with_balance_views(specs: dict[str, PropertySpec],
                       patterns: dict[str, dict[str, UpdateRule]],
                       ctx: Context) -> dict[str, PropertySpec]:
    """``specs`` with an ``after`` / ``before`` source for each event property that shows
    a balance its events move."""
    out = dict(specs)
    for name, events in ctx.events_with.items():
        prop = ctx.prop(name)
        moment = _moment(prop) if prop is not None else None
        if prop is None or moment is None or name in ctx.user_props:
            continue
        balances = _moved(prop, events, patterns, specs)
        if not balances:
            continue
        spec = out.get(name) or PropertySpec()
        draw = spec.source.model_dump(exclude={"type", "of"}, exclude_none=True) \
            if spec.source is not None and spec.source.type in ("distribution", "mirror",
                                                                 "before") else {}
        # A "before" of one balance is the values' before mirror, which shows it on any
        # event; listed, only the event that moves it shows it.
        of: str | list[str] = balances[0] if moment == "after" and len(balances) == 1 \
            else balances
        out[name] = spec.model_copy(update={"source": PropertySource(type=moment, of=of,
                                                                     **draw)})
    return out


def _moment(prop: Property) -> str | None:
    """``after`` or ``before`` when the name says the property shows a balance."""
    if prop.type != PropertyType.NUMBER or prop.is_preset:
        return None
    words = set(split_words(prop.name))
    named = words & (_words("after") | currency_words() | _words("nouns"))
    if words & _words("before") and named:
        return "before"
    if words & _words("after") and (words & _words("moments") or not words & _words("not")):
        return "after"
    return None


def _held(target: str, spec: PropertySpec) -> bool:
    """A balance of the product's own held though no event takes from it (a wallet only
    topped up): kind balance, no running total's word (``lifetime_gold_earned``), no game
    currency (a currency the patterns never take from is a flow left untied)."""
    words = set(split_words(target))
    return spec.kind == "balance" and not words & (_words("not") | currency_words())


def _moved(prop: Property, events: list[str], patterns: dict[str, dict[str, UpdateRule]],
           specs: dict[str, PropertySpec]) -> list[str]:
    """The balances the events carrying ``prop`` move, in the patterns' order; only those
    of the currency ``prop`` names, if it names one. A balance is something spent or
    held (:func:`_held`): a running total some event only adds to
    (``lifetime_gold_earned``) is none."""
    mine = set(split_words(prop.name)) & currency_words()
    spent = {target for pattern in patterns.values() for target, rule in pattern.items()
             if rule.type is UpdateType.DECREMENT or rule.reverse_when}
    found: list[str] = []
    for event in events:
        for target, rule in patterns.get(event, {}).items():
            spec = specs.get(target)
            if target in found or spec is None or spec.kind not in BALANCE_KINDS or (
                    target not in spent and not _held(target, spec)):
                continue
            theirs = set(split_words(target)) | {
                str(v).lower() for values in (rule.when or {}).values() for v in values}
            if not mine or mine & theirs:
                found.append(target)
    return found

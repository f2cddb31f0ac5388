"""Consumables: a balance of a thing the user spends one at a time, filled by packs bought.

A dating app's ``boosts_balance`` / ``super_likes_balance`` (a game's ``lives_balance``, a
puzzle's ``hints_balance``) counts a thing, not a currency: an event naming the thing that
uses one (``boost_activated`` "uses one boost", ``super_like_used``) takes 1, and a purchase
whose product id lists packs of it (``boost_5``, ``super_like_15``) adds the pack's count
(``quantity``) when the id bought is one of them. Drawn freely, 3,022 boosts and 2,996 Super
Likes were used against 6 purchases (Sparkd, 300 users × 10 days, seed 3). With these
patterns the simulation withholds a use the balance does not cover (values/_spends.py) and
the event's ``boosts_left`` shows the balance after it (``_balance_views.py``).

Words: ``heuristic_updates.yaml`` ``consumables``; the count words of
``data/catalogues.yaml`` ``quantity_words``.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from demogen.analysis.heuristic._catalogues import ID, catalogue_data, catalogue_role
from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._text import norm, split_words
from demogen.analysis.heuristic.values.names import singular
from demogen.analysis.rules import UpdateRule
from demogen.taxonomy import Property
from demogen.vocab import PropertyType, UpdateType


@cache
def _spec() -> dict[str, Any]:
    return dict(load("updates")["consumables"])


def one(word: str) -> str:
    """A word's singular, ``-ves`` as ``-fe`` (``lives`` → life, as ``life_used`` says)."""
    return f"{word[:-3]}fe" if word.endswith("ves") and len(word) > 4 else singular(word)


def thing_of(name: str) -> tuple[str, ...]:
    """The thing a balance counts, singular (``super_likes_balance`` → super, like)."""
    skip = set(_spec()["not"])
    return tuple(one(w) for w in split_words(name) if w not in skip and not w.isdigit())


def _names(thing: tuple[str, ...], name: str) -> bool:
    """``name`` names every word of the thing (``super_like_15``, ``boost_activated``)."""
    return set(thing) <= {one(w) for w in split_words(name)}


def _says_use(event: str, description: str) -> bool:
    """The event's name says a use (``used``, ``activated``) or its description says one
    is used ("uses one boost", "one from the balance")."""
    spec = _spec()
    text = norm(description)
    return bool(set(split_words(event)) & set(spec["use_verbs"])) \
        or any(phrase in text for phrase in spec["use_phrases"])


def consumable_rules(ctx: Context, prop: Property) -> list[tuple[str, UpdateRule]]:
    """The uses taking one of ``prop``'s thing and the purchases adding its packs; none
    unless both are found (a balance only drained or only filled is no consumable)."""
    thing = thing_of(prop.name)
    if not thing or prop.type != PropertyType.NUMBER:
        return []
    uses = [(i.name, UpdateRule(type=UpdateType.DECREMENT, value=1)) for i in ctx.infos
            if _names(thing, i.name) and _says_use(i.name, i.event.description)
            and i.name not in {p.name for p in ctx.index.all("purchase")}]
    packs = _packs(ctx, thing)
    return uses + packs if uses and packs else []


def _packs(ctx: Context, thing: tuple[str, ...]) -> list[tuple[str, UpdateRule]]:
    """Purchases listing packs of the thing: their count property added, for those ids."""
    words = catalogue_data()["quantity_words"]
    bare, after = set(words["bare"]), set(words["after_stem"])
    rules: list[tuple[str, UpdateRule]] = []
    for info in ctx.index.all("purchase"):
        props = [p for n in ctx.props_of(info.name) if (p := ctx.prop(n)) is not None]
        ids = [(p.name, [str(v) for v in (p.enum or p.examples)]) for p in props
               if (r := catalogue_role(p.name)) is not None and r.field == ID]
        count = next((p.name for p in props if p.type == PropertyType.NUMBER and (
            split_words(p.name) in ([w] for w in bare)
            or (split_words(p.name)[-1:] and split_words(p.name)[-1] in after
                and _names(thing, p.name)))), None)
        for name, values in ids:
            mine = [v for v in values if _names(thing, v)]
            if mine and count is not None:
                when = None if len(mine) == len(values) else {name: mine}
                rules.append((info.name, UpdateRule(type=UpdateType.INCREMENT,
                                                    value="{{" + count + "}}", when=when)))
                break
    return rules


__all__ = ["consumable_rules", "one", "thing_of"]

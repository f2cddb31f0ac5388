"""What a catalogue thing is called and what kind it is, from its id alone.

A readable id names itself (``gem_pack_60`` → "Gem Pack 60"); an opaque one (``P100037``,
``상품1``) gets a shop category and a name of that category, or a game item's name, drawn
with the generator the caller seeds (the analyzer: from the id, so the same plan writes the
same Rules; the run: from the run seed for ids Rules do not list). Word lists:
``data/catalogues.yaml``.
"""

from __future__ import annotations

import functools
import random
import re
from typing import Any

from demogen.analysis.heuristic._catalogues import catalogue_data

__all__ = ["categories", "category_of", "category_words", "drawn_name", "meaningful_words"]

_WORDS = re.compile(r"[a-z]+|[0-9]+|[^\x00-\x7f]+")
#: Stems whose opaque ids (P100037, 상품1) are shop goods: named from a shop category.
_GOODS = frozenset({"product", "commodity", "good", "goods", "sku", "merchandise", "article"})
#: Stems whose opaque ids are game things: named "<adjective> <noun>".
_GAME_THINGS = frozenset({"item", "equipment", "weapon", "reward", "gift", "resource", "prop",
                          "armor", "artifact", "relic"})


def drawn_name(stem: str, key: str, rnd: random.Random, *, gaming: bool, commerce: bool,
               named: bool = False) -> tuple[str, str | None, frozenset[str]]:
    """(name, shop category or None, the words of id, name and category) of id ``key``
    (``named``: ``key`` is already the thing's name)."""
    words = meaningful_words(key, stem)
    category = category_of(words, key)
    if named:
        name = key
    elif words:
        name = _humanized(key)
    elif stem in _GOODS or (commerce and stem == "item"):
        category = category or rnd.choice(sorted(categories()))
        name = _goods_name(category, rnd)
    elif gaming and stem in _GAME_THINGS:
        pick = catalogue_data()["game_name_words"]
        name = f"{rnd.choice(pick['adjectives'])} {rnd.choice(pick['nouns'])}"
    else:
        digits = "".join(re.findall(r"\d+", key)) or str(rnd.randint(1, 99))
        name = f"{stem.replace('_', ' ').title()} {int(digits)}"
    all_words = words | meaningful_words(name, stem) | \
        ({category.lower()} if category else set())
    return name, category, frozenset(all_words)


def meaningful_words(text: str, stem: str) -> set[str]:
    """The words of an id or name that say something (not digits, not ``com``/``sku``,
    not the stem itself: ``item_017`` says nothing, ``sword_epic_003`` does)."""
    noise = _noise(stem)
    tail = text.rsplit(".", 1)[-1] if text.count(".") >= 2 else text   # com.app.gem_pack
    words = {w for w in _WORDS.findall(tail.lower()) if not w.isdigit() and w not in noise}
    return {w for w in words if len(w) > 1 or not w.isascii()} if \
        any(not w.isascii() or len(w) > 2 for w in words) else set()


@functools.cache
def _noise(stem: str) -> frozenset[str]:
    """The words that say nothing in an id of ``stem`` (made once: ids are read per event)."""
    return frozenset(catalogue_data()["id_noise"]) | {stem, *stem.split("_")}


def _humanized(key: str) -> str:
    """``gem_pack_60`` → "Gem Pack 60"; ``com.mygame.gem_pack_01`` → "Gem Pack 01"."""
    tail = key.rsplit(".", 1)[-1] if key.count(".") >= 2 else key
    parts = [p for p in re.split(r"[_\-.\s]+", tail) if p]
    return " ".join(p[:1].upper() + p[1:] if p.isascii() else p for p in parts)


@functools.cache
def categories() -> dict[str, dict[str, Any]]:
    return dict(catalogue_data()["categories"])


@functools.cache
def category_words() -> dict[str, str]:
    """A word of a category's aliases → the category."""
    out: dict[str, str] = {}
    for category, spec in categories().items():
        for word in (category, *spec.get("aliases", ())):
            out.setdefault(word.lower(), category)
    return out


def category_of(words: set[str], text: str) -> str | None:
    """The shop category an id or name names: by an alias among its words, else by one of
    the category's nouns in it ("Compact Wall Clock" → Home)."""
    table = category_words()
    found = sorted(table[w] for w in words if w in table)
    if found:
        return found[0]
    lower = text.lower()
    if _any_noun().search(lower) is None:   # most ids (a uuid) name no noun: one scan
        return None
    return next((c for c, nouns in _category_nouns() if any(n in lower for n in nouns)), None)


@functools.cache
def _any_noun() -> re.Pattern[str]:
    """Finds any category's noun (an empty list of nouns finds everything: no shortcut)."""
    nouns = sorted({noun for _, listed in _category_nouns() for noun in listed})
    return re.compile("|".join(map(re.escape, nouns)))


@functools.cache
def _category_nouns() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each category (in the word list's order) with its nouns in lower case."""
    return tuple((c, tuple(noun.lower() for noun in spec.get("nouns", ())))
                 for c, spec in categories().items())


def _goods_name(category: str, rnd: random.Random) -> str:
    adjectives = ("Classic", "Premium", "Compact", "Soft", "Modern", "Eco", "Minimal",
                  "Deluxe", "Vintage", "Portable")
    return f"{rnd.choice(adjectives)} {rnd.choice(categories()[category]['nouns'])}"

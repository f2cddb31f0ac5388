"""Catalogue entries: what one thing (an item, a product, a currency) is called and is.

An entry is a function of its id and the run seed (or the Rules' own entry): a readable id
names itself (``gem_pack_60`` → "Gem Pack 60"), an opaque one (``P100037``, ``상품1``) gets
a shop category and a name of that category, or a game item's name. Word lists:
``data/catalogues.yaml``.
"""

from __future__ import annotations

import functools
import random
import re
from dataclasses import dataclass, field
from typing import Any

from demogen.analysis.heuristic._catalogues import catalogue_data
from demogen.analysis.heuristic.values.names import normalize
from demogen.analysis.rules import Catalogue as CatalogueRules
from demogen.analysis.rules import CatalogueEntry
from demogen.simulation.values._draw import salt

_WORDS = re.compile(r"[a-z]+|[0-9]+|[^\x00-\x7f]+")
#: Stems whose opaque ids (P100037, 상품1) are shop goods: named from a shop category.
_GOODS = frozenset({"product", "commodity", "good", "goods", "sku", "merchandise", "article"})
#: Stems whose opaque ids are game things: named "<adjective> <noun>".
_GAME_THINGS = frozenset({"item", "equipment", "weapon", "reward", "gift", "resource", "prop",
                          "armor", "artifact", "relic"})
_NAME_POOL = 60     # names drawn for a stem shown by names only (no id in the record)


@dataclass(frozen=True, slots=True)
class Entry:
    """One thing: its id, name, type (a category for shop goods) and attributes."""

    id: str
    name: str
    type: str | None
    words: frozenset[str]               # of its id, name and type: what a type option matches
    price_usd: float | None = None
    attributes: dict[str, str] = field(default_factory=dict)


class Catalogue:
    """The entries of one stem: the Rules' own, else each id's drawn from the run seed."""

    def __init__(self, stem: str, seed: int, *, gaming: bool, commerce: bool,
                 rules: CatalogueRules | None = None):
        self.stem = stem
        self._seed = seed
        self._gaming = gaming
        self._commerce = commerce
        self.listed = tuple(self._completed(e) for e in rules.entries) if rules else ()
        self._by_id = {e.id: e for e in self.listed}
        self._by_name = {e.name.lower(): e for e in self.listed}
        # Drawn entries are a function of the id: kept only to save the work (ids that
        # are new per event must not pile up).
        self._drawn = functools.lru_cache(maxsize=4096)(self._draw)

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(e.id for e in self.listed)

    def entry(self, value: Any) -> Entry:
        """The entry of an id (any type: a number id 5142 is the entry "5142")."""
        key = str(value)
        found = self._by_id.get(key)
        return found if found is not None else self._drawn(key)

    def entry_named(self, name: Any) -> Entry:
        """The entry a name shows (a name anchor: no id in the record)."""
        key = str(name)
        found = self._by_name.get(key.lower())
        return found if found is not None else self._drawn(key, named=True)

    def names(self) -> tuple[str, ...]:
        """Names to draw where a record shows this stem by name only."""
        if self.listed:
            return tuple(e.name for e in self.listed)
        drawn = (self.entry(f"{self.stem}_{k:03d}") for k in range(1, _NAME_POOL + 1))
        out: dict[str, Entry] = {}
        for entry in drawn:
            out.setdefault(entry.name, entry)
            self._by_name.setdefault(entry.name.lower(), entry)
        return tuple(out)

    def _completed(self, e: CatalogueEntry) -> Entry:
        """A Rules entry; the name, type and attributes it leaves out are the ones its id
        draws from the seed (the analyzer writes ids and prices only)."""
        drawn = self._draw(e.id)
        words = _meaningful_words(e.id, "") | _meaningful_words(e.name or "", "")
        kind = e.type or (drawn.type if e.name is None else None)
        if kind:
            words |= {kind.lower(), *normalize(kind).split("_")}
        if e.name is None:
            words |= drawn.words
        return Entry(id=e.id, name=e.name or drawn.name, type=kind, words=frozenset(words),
                     price_usd=e.price_usd,
                     attributes={**drawn.attributes, **e.attributes})

    def _draw(self, key: str, *, named: bool = False) -> Entry:
        rnd = random.Random(salt(self._seed, "catalogue", self.stem, key))
        words = _meaningful_words(key, self.stem)
        category = _category_of(words, key)
        if named:
            name = key
        elif words:
            name = _humanized(key)
        elif self.stem in _GOODS or (self._commerce and self.stem == "item"):
            category = category or rnd.choice(sorted(categories()))
            name = _goods_name(category, rnd)
        elif self._gaming and self.stem in _GAME_THINGS:
            pick = catalogue_data()["game_name_words"]
            name = f"{rnd.choice(pick['adjectives'])} {rnd.choice(pick['nouns'])}"
        else:
            digits = "".join(re.findall(r"\d+", key)) or str(rnd.randint(1, 99))
            name = f"{self.stem.replace('_', ' ').title()} {int(digits)}"
        all_words = words | _meaningful_words(name, self.stem) | \
            ({category.lower()} if category else set())
        return Entry(id=key, name=name, type=category, words=frozenset(all_words),
                     attributes=_attributes(category, rnd))




# -- reading an entry from a name ---------------------------------------------------------


def _meaningful_words(text: str, stem: str) -> set[str]:
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


def _category_of(words: set[str], text: str) -> str | None:
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


def _attributes(category: str | None, rnd: random.Random) -> dict[str, str]:
    """Size for clothing and shoes only, a colour where one makes sense."""
    data = catalogue_data()
    spec = categories().get(category or "", {})
    sizes = spec.get("sizes")
    size = str(rnd.choice(sizes)) if sizes else str(data["no_size"])
    colored = category is not None and spec.get("colors", True) is not False
    color = rnd.choice(("Black", "White", "Navy", "Beige", "Grey", "Ivory", "Olive")) \
        if colored else str(data["no_color"])
    return {"size": size, "color": color}

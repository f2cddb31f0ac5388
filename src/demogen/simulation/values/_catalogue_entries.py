"""Catalogue entries: what one thing (an item, a product, a currency) is called and is.

An entry is a function of its id and the run seed (or the Rules' own entry): a readable id
names itself (``gem_pack_60`` → "Gem Pack 60"), an opaque one (``P100037``, ``상품1``) gets
a shop category and a name of that category, or a game item's name
(``analysis.heuristic._entry_names``, which the analyzer writes Rules' entries with).
"""

from __future__ import annotations

import functools
import random
from dataclasses import dataclass, field
from typing import Any

from demogen.analysis.heuristic._catalogues import catalogue_data
from demogen.analysis.heuristic._entry_names import (
    categories,
    category_words,
    drawn_name,
    meaningful_words,
)
from demogen.analysis.heuristic.values.names import normalize
from demogen.analysis.rules import Catalogue as CatalogueRules
from demogen.analysis.rules import CatalogueEntry
from demogen.simulation.values._draw import salt

__all__ = ["Catalogue", "Entry", "categories", "category_words"]

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
        draws from the seed (a size and colour fit the entry's own type)."""
        drawn = self._draw(e.id)
        words = meaningful_words(e.id, "") | meaningful_words(e.name or "", "")
        kind = e.type or (drawn.type if e.name is None else None)
        if kind:
            words |= {kind.lower(), *normalize(kind).split("_")}
        if e.name is None:
            words |= drawn.words
        return Entry(id=e.id, name=e.name or drawn.name, type=kind, words=frozenset(words),
                     price_usd=e.price_usd,
                     attributes={**self._fitting(kind, e.id, drawn), **e.attributes})

    def _fitting(self, kind: str | None, ident: str, drawn: Entry) -> dict[str, str]:
        """Size and colour for an entry of type ``kind`` (a type Rules give may be another
        than the one its id draws: a Fashion entry has a clothing size)."""
        if kind == drawn.type or kind not in categories():
            return drawn.attributes
        return _attributes(kind, random.Random(salt(self._seed, "attributes", self.stem, ident)))

    def _draw(self, key: str, *, named: bool = False) -> Entry:
        rnd = random.Random(salt(self._seed, "catalogue", self.stem, key))
        name, category, words = drawn_name(self.stem, key, rnd, gaming=self._gaming,
                                           commerce=self._commerce, named=named)
        return Entry(id=key, name=name, type=category, words=words,
                     attributes=_attributes(category, rnd))


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

"""What a search asks for, and whether a result shows it.

A search's term (``search_term``, ``query``, ``keyword``) names what the shopper looks
for: a category the plan's records show (``tops``, ``Kitchen``), a shop category's word
(``kitchen``, ``cookware``) or one of its goods (``blender``). A result fits the search
when the term is a word of the result's category or name, or names the shop category
either of them is of. The generator draws terms this way (``simulation.values._searched``)
and validate judges them this way (``validate.coherence._search``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from random import Random
from typing import Any

from demogen.analysis.heuristic._catalogues import NAME, TYPE, group_roles
from demogen.analysis.heuristic._entry_names import categories, category_of, category_words

__all__ = ["search_term", "search_terms", "searched_category", "shown_fields", "term_fits"]

_WORDS = re.compile(r"[a-z0-9]+|[^\x00-\x7f]+")
#: The share of searches that type the category itself, not one of its goods.
CATEGORY_TERM_SHARE = 0.4


def _words(text: str) -> frozenset[str]:
    return frozenset(_WORDS.findall(text.lower()))


def searched_category(text: str) -> str | None:
    """The shop category a term or a name is of (``blender`` → Kitchen), or None."""
    return category_of(set(_words(text)), text)


def term_fits(term: Any, category: Any, name: Any) -> bool:
    """Whether a result showing ``category`` and ``name`` (either may be None) is one a
    search for ``term`` finds. Nothing to judge (no term, nothing shown) fits."""
    if not isinstance(term, str) or not term.strip():
        return True
    shown = [x for x in (category, name) if isinstance(x, str) and x.strip()]
    if not shown:
        return True
    wanted = _words(term)
    if any(wanted <= _words(x) for x in shown):
        return True
    asked = searched_category(term)
    return asked is not None and any(searched_category(x) == asked for x in shown)


def search_term(category: str, rnd: Random) -> str:
    """What a shopper types looking for ``category`` (a value the results show): the
    category itself, or one of its goods where it is a shop category written in the
    goods' script (a Korean 주방 keeps its own word)."""
    goods = search_terms(category)
    if len(goods) == 1 or rnd.random() < CATEGORY_TERM_SHARE:
        return goods[0]
    return goods[1 + rnd.randrange(len(goods) - 1)]


def search_terms(category: str) -> tuple[str, ...]:
    """The category in lower case, then the nouns of its shop category (if any)."""
    own = category.strip().lower()
    shop = category_words().get(own) or searched_category(own)
    if shop is None or not own.isascii():
        return (own,)
    return (own, *(noun.lower() for noun in categories()[shop].get("nouns", ())))


def shown_fields(names: Iterable[str], is_category: Callable[[str], bool]
                 ) -> tuple[str | None, str | None]:
    """The properties of a view's record that show a category and a product's name: the
    type and name of the record's thing (``product_id`` + ``category`` + ``name``), else a
    category property of its own (``is_category``: Rules kind ``category``)."""
    names = sorted(names)
    groups = group_roles(names)
    roles = max(groups.values(), key=len) if groups else {}
    name = next((n for n, r in sorted(roles.items()) if r.field == NAME), None)
    category = next((n for n, r in sorted(roles.items()) if r.field == TYPE), None) or \
        next((n for n in names if "." not in n and is_category(n)), None)
    return category, name

"""Search: the result views right after a search show what it searched.

A search (Rules ``event_roles.search``) whose record types a term (a property Rules give
kind ``search_term``: ``search_term``, ``query``) is followed, in the user's timeline, by
its results: the views (``event_roles.view``) right after it, up to the user's next other
event. Each shows a category (a property of kind ``category``, or a product's type) or a
product's name; the term must be a word of one of them or name the shop category one of
them is of (``analysis.heuristic._search_terms.term_fits``): a search for "sofa" showing a
Minimal Knife Set of Kitchen is what a prospect reads as nonsense.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen.analysis.heuristic._search_terms import shown_fields, term_fits
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where, tracked

__all__ = ["SearchChecker"]

_TERM_KIND = "search_term"
_CATEGORY_KIND = "category"


class SearchChecker(Checker):
    name = "search"
    description = ("a result view right after a search (event_roles.search → view) shows "
                   "a category or product the search's term names")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        rules = given.rules
        roles = rules.event_roles
        kinds = {n: spec.kind for n, spec in rules.properties.items()}
        self.terms = frozenset(n for n, k in kinds.items() if k == _TERM_KIND)
        self.categories = frozenset(n for n, k in kinds.items() if k == _CATEGORY_KIND)
        self.searches = frozenset(roles.search) if roles.view else frozenset()
        self.views = frozenset(roles.view)
        #: user → the term of the search their latest events are the results of.
        self.open: dict[str, str] = {}
        self._shown: dict[str, tuple[str | None, str | None]] = {}

    @property
    def active(self) -> bool:
        return bool(self.searches and self.terms)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        seen = tracked(record)
        if seen is None:
            return
        event, uid, props, _ = seen
        if event in self.searches:
            term = next((props[n] for n in props if n in self.terms), None)
            if isinstance(term, str) and term.strip():
                self.open[uid] = term
            else:
                self.open.pop(uid, None)
            return
        term = self.open.get(uid)
        if term is None:
            return
        if event not in self.views:
            del self.open[uid]
            return
        category, name = self._fields(event, props)
        shown_category, shown_name = props.get(category or ""), props.get(name or "")
        if not term_fits(term, shown_category, shown_name):
            report(where, f"user {uid}: {event} right after a search for {term!r} shows "
                          f"{_shown(shown_category, shown_name)}")

    def _fields(self, event: str, props: Mapping[str, Any]) -> tuple[str | None, str | None]:
        """The view's category and product-name properties (by its first record)."""
        found = self._shown.get(event)
        if found is None:
            found = self._shown[event] = shown_fields(props, self.categories.__contains__)
        return found


def _shown(category: Any, name: Any) -> str:
    parts = [repr(x) for x in (name, category) if x is not None]
    return " of ".join(parts) if parts else "nothing"

"""A search's results show what it searched (the planner's marks: ``simulation.searches``).

A search (Rules ``event_roles.search``) whose record types a term (a property of kind
``search_term``: ``search_term``, ``query``) looks for one category the result views show:
the views' category property (kind ``category``, or the product's type), else the shop
category of the product's name. Drawing the search, the values pick that category the way
the result view draws it (a product first, where the category is the product's), type a
term of it (``analysis.heuristic._search_terms``) and show it on the result views the
planner marked after it: a category drawn alone is the searched one; a product is drawn
again until it is of the searched category (else the one picked with the search).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from demogen.analysis.heuristic._search_terms import search_term, searched_category, shown_fields
from demogen.simulation.searches import SLOT, SearchMarks
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._pay_later import Sample
from demogen.simulation.values._tables import Tables

__all__ = ["SearchFocus", "plan_search_focus"]

#: Products drawn for a result view before it shows the one picked with its search.
_TRIES = 40
_TERM_KIND = "search_term"
_CATEGORY_KIND = "category"


@dataclass(frozen=True, slots=True)
class _Shown:
    """How a view shows a category: ``prop`` drawn alone, or read from its product
    (``anchor``'s value, through ``read``)."""

    prop: str
    anchor: str | None = None
    read: Callable[[Any], Any] | None = None


@dataclass(slots=True)
class SearchFocus:
    """The plan's searches, their terms, and how the result views show a category."""

    searches: frozenset[str]
    views: frozenset[str]
    #: Search event → its term property.
    terms: dict[str, str]
    #: View event → how it shows a category (the focus is shown on the views alike).
    shown: dict[str, _Shown]
    #: The result view (the planner's: the plan's first view) and how it draws a category.
    result_view: str
    _draw: Sampler | None = field(default=None)

    def wrap(self, event: str, sample: Sample) -> Sample:
        """A search's record picks what it looks for; a result view's shows it."""
        if event in self.searches:
            return self._searching(sample)
        if event in self.views:
            return self._resulting(sample)
        return sample

    def sampler(self, event: str, prop: str, fn: Sampler) -> Sampler:
        """``fn`` of ``prop`` on ``event``, showing the search's focus where it is the
        search's term, a search's or a result view's category, or a result's product."""
        if self.terms.get(event) == prop:
            return _term(fn)
        shown = self.shown.get(self.result_view)
        if event in self.searches and shown is not None and shown.anchor is None \
                and prop == shown.prop:
            return _searched_category(fn)
        mine = self.shown.get(event)
        if mine is None or mine.prop != getattr(shown, "prop", None):
            return fn
        if event == self.result_view and prop == (mine.anchor or mine.prop):
            self._draw = fn
        if mine.anchor is None:
            return _shown_category(fn) if prop == mine.prop else fn
        if prop == mine.anchor and mine.read is not None:
            return _of_category(fn, mine.read)
        return fn

    def _searching(self, sample: Sample) -> Sample:
        shown = self.shown.get(self.result_view)

        def searching(u: Any, t: str) -> dict[str, Any]:
            marks: SearchMarks | None = u.sticky.get(SLOT)
            if marks is None or marks.session != u.session_number:
                return sample(u, t)
            marks.seen += 1
            marks.left = marks.results.get(marks.seen, 0)
            marks.focus = marks.seed = None
            if marks.left and self._draw is not None and shown is not None:
                picked = self._draw(u, {}, t)
                if shown.anchor is None:
                    marks.focus = picked
                else:
                    marks.focus, marks.seed = shown.read(picked), picked  # type: ignore[misc]
                if not isinstance(marks.focus, str) or not marks.focus:
                    marks.left = 0
            return sample(u, t)

        return searching

    def _resulting(self, sample: Sample) -> Sample:
        def resulting(u: Any, t: str) -> dict[str, Any]:
            marks: SearchMarks | None = u.sticky.get(SLOT)
            if marks is None or not marks.left or marks.session != u.session_number:
                return sample(u, t)
            marks.left -= 1
            marks.current = marks.focus
            values = sample(u, t)
            marks.current = None
            return values

        return resulting


def _focus(u: Any) -> Any:
    marks: SearchMarks | None = u.sticky.get(SLOT)
    return None if marks is None else marks.current


def _term(fn: Sampler) -> Sampler:
    """The search's term: a word of what it looks for (its own draw for a search that
    finds nothing)."""
    def term(u: Any, v: dict[str, Any], t: str) -> Any:
        marks: SearchMarks | None = u.sticky.get(SLOT)
        if marks is None or not marks.left or marks.focus is None:
            return fn(u, v, t)
        return search_term(marks.focus, u.rnd)

    return term


def _searched_category(fn: Sampler) -> Sampler:
    """A search's own category property: the one it looks for."""
    def category(u: Any, v: dict[str, Any], t: str) -> Any:
        marks: SearchMarks | None = u.sticky.get(SLOT)
        if marks is None or not marks.left or marks.focus is None:
            return fn(u, v, t)
        return marks.focus

    return category


def _shown_category(fn: Sampler) -> Sampler:
    """A result view's category drawn alone: the searched one."""
    def category(u: Any, v: dict[str, Any], t: str) -> Any:
        focus = _focus(u)
        return fn(u, v, t) if focus is None else focus

    return category


def _of_category(fn: Sampler, read: Callable[[Any], Any]) -> Sampler:
    """A result view's product: one of the searched category (drawn again until it is,
    else the one picked with the search)."""
    def product(u: Any, v: dict[str, Any], t: str) -> Any:
        focus = _focus(u)
        if focus is None:
            return fn(u, v, t)
        for _ in range(_TRIES):
            x = fn(u, v, t)
            if read(x) == focus:
                return x
        marks: SearchMarks = u.sticky[SLOT]
        return marks.seed

    return product


def plan_search_focus(tables: Tables) -> SearchFocus | None:
    """The plan's searches and result views (Rules ``event_roles``), where a search types
    a term and its results show a category; None otherwise."""
    roles = tables.rules.event_roles
    if not roles.search or not roles.view:
        return None
    events = {e.name: e for e in tables.taxonomy.events}
    terms = {s: term for s in roles.search if s in events
             if (term := _term_prop(tables, events[s].properties)) is not None}
    shown = {v: found for v in roles.view if v in events
             if (found := _shown(tables, events, v)) is not None}
    result_view = roles.view[0]
    if not terms or result_view not in shown:
        return None
    # every search counts (the planner numbers them all), whether or not it types a term
    return SearchFocus(frozenset(roles.search), frozenset(roles.view), terms, shown,
                       result_view)


def _term_prop(tables: Tables, names: list[str]) -> str | None:
    """The search's term property, where it is drawn: an edit giving it a device field
    or a source of its own wins over the search's focus."""
    return next((n for n in names if (p := tables.props.get(n)) is not None
                 and (spec := tables.spec(p)).kind == _TERM_KIND
                 and spec.device is None and spec.source is None), None)


def _shown(tables: Tables, events: dict[str, Any], view: str) -> _Shown | None:
    """How ``view`` shows a category: its category property (read from its product where
    the product's entry decides it), else its product's name's shop category."""
    from demogen.simulation.values._compile import event_property_names

    present = frozenset(event_property_names(tables, events[view]))
    links = tables.catalogue_links(present)
    category, name = shown_fields(present, lambda n: (p := tables.props.get(n)) is not None
                                  and tables.spec(p).kind == _CATEGORY_KIND)
    if category is not None:
        link = links.get(category)
        if link is not None and link.anchor is not None and link.fn is not None:
            return _Shown(category, link.anchor, link.fn)
        return _Shown(category)
    link = links.get(name or "")
    if name is None or link is None:
        return None
    if link.anchor is None:     # no category: the shop category of the product's name
        return _Shown(name, name, lambda x: searched_category(str(x)))
    read = link.fn
    if read is None:
        return None
    return _Shown(name, link.anchor, lambda x: searched_category(str(read(x))))

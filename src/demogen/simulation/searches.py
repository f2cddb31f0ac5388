"""A search's results show what it searched: planner ↔ values.

The planner knows which views a search brought (its loop of results, ``story._search``);
the values know what it searched (its term, drawn when the search's record is built). So
the planner marks, per search of the session, how many result views follow it (views
and what they lead to, up to the next other event); the values,
drawing that search, pick what it looks for (a category the results show) and show it on
that many views after it (``values._searched``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

#: Where a user's marks live in ``user.sticky`` (the per-user memory both sides reach).
SLOT = "\x1fsearches"


@dataclass(slots=True)
class SearchMarks:
    """One user's marks for the session being planned, and the values' memory of it."""

    #: The session the marks are of (the planner's ``user.sessions + 1``).
    session: int = 0
    #: The nth search of the session (1-based) → the result views that follow it.
    results: dict[int, int] = field(default_factory=dict)
    #: The values' side: searches drawn so far in ``session``.
    seen: int = 0
    #: The values' side: what the latest search looks for, its fallback result (a thing
    #: showing it, None where the results show it directly) and the result views left.
    focus: Any = None
    seed: Any = None
    left: int = 0
    #: The values' side: the focus of the record being drawn (None: not a result view).
    current: Any = None

    def new_session(self, session: int) -> None:
        """The planner starts planning ``session``: last session's marks are spent."""
        self.session = session
        self.results.clear()
        self.seen, self.left, self.focus, self.seed, self.current = 0, 0, None, None, None

    def mark(self, names: list[str], searches: Collection[str], views: Collection[str],
             browsing: Collection[str]) -> None:
        """Each search of the session with the views after it (its results), up to the next
        search or the first event that is neither a view nor what a view leads to (a cart)."""
        nth, open_ = 0, False
        for name in names:
            if name in searches:
                nth, open_ = nth + 1, True
            elif name in views:
                if open_:
                    self.results[nth] = self.results.get(nth, 0) + 1
            elif name not in browsing:
                open_ = False


def search_marks(sticky: dict[str, Any]) -> SearchMarks:
    """The user's marks (made on first use)."""
    marks = sticky.get(SLOT)
    if marks is None:
        marks = sticky[SLOT] = SearchMarks()
    return marks

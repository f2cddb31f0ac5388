"""Toggles: an event putting a thing in a user's set (``favorite_add``, ``follow``) and the
one taking it out (``favorite_remove``, ``unfollow``): the same name but for a word of
``heuristic_flows.yaml`` ``toggle_words``."""

from __future__ import annotations

from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic.values.names import normalize

__all__ = ["is_toggle"]


def is_toggle(put: str, take: str) -> bool:
    """Whether ``take`` takes out what ``put`` puts in (``favorite_add``, ``favorite_remove``)."""
    a, b = normalize(put).split("_"), normalize(take).split("_")
    if len(a) != len(b):
        return False
    differ = [(x, y) for x, y in zip(a, b, strict=True) if x != y]
    return len(differ) == 1 and any(
        differ[0] == (w["put"], w["take"]) for w in load("flows")["toggle_words"])

"""What a property's name says about the kind of string, boolean or time it holds.

Decided once per property while samplers are compiled, never per event. Names are
normalised first (see :func:`~demogen.analysis.heuristic.values.names.normalize`) and matched
against ordered rules: the first rule that matches wins, so specific rules come first.
"""

from __future__ import annotations

import re

from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic.values._patterns import first_match, ordered
from demogen.analysis.heuristic.values.names import leaf, normalize

_DATA = load("values")  # heuristic_values.yaml


# -- strings -------------------------------------------------------------------------------

#: (pattern on the normalised name, string kind); first match wins.
_STRING_RULES: tuple[tuple[re.Pattern[str], str], ...] = ordered(_DATA["strings"]["names"])
#: Fallback hints from the (English or Korean) description of an ambiguous name.
_DESCRIPTION_HINTS: tuple[tuple[re.Pattern[str], str], ...] = ordered(
    _DATA["strings"]["description_hints"], re.IGNORECASE)
_CATEGORY_SUFFIXES = tuple(_DATA["strings"]["category_suffixes"])

#: Every string kind :func:`string_kind` can answer.
STRING_KINDS = frozenset({kind for _, kind in (*_STRING_RULES, *_DESCRIPTION_HINTS)}
                         | {"generic", "category_code"})

_AMBIGUOUS = frozenset(_DATA["strings"]["ambiguous"])


def string_kind(name: str, description: str = "") -> str:
    """The kind of string ``name`` holds (``email``, ``city``, ``item_name`` …) or ``generic``."""
    norm = normalize(name)
    if norm in _AMBIGUOUS and description:
        hinted = first_match(_DESCRIPTION_HINTS, description)
        if hinted is not None:
            return hinted
    kind = first_match(_STRING_RULES, norm)
    if kind is not None:
        return kind
    if norm.endswith(_CATEGORY_SUFFIXES):
        return "category_code"
    return "generic"


# -- booleans ------------------------------------------------------------------------------

#: (pattern on the normalised name, chance of true); first match wins.
_BOOL_RULES: tuple[tuple[re.Pattern[str], float], ...] = ordered(_DATA["booleans"])


def boolean_probability(name: str, default: float = 0.5) -> float:
    """The chance of ``true`` for a boolean without other information."""
    prob = first_match(_BOOL_RULES, normalize(leaf(name)))
    return default if prob is None else prob


# -- times ---------------------------------------------------------------------------------

_TIMES = {kind: re.compile(pattern) for kind, pattern in _DATA["times"].items()}
#: Every kind :func:`time_kind` can answer.
TIME_KINDS = frozenset({*_TIMES, "now"})
#: A date a search or booking names (check-in, departure, visit): a day ahead of the event.
STAY = "stay"
#: A time ahead of its event: an expiry, a next time, an end (times.future).
FUTURE = "future"
#: The analyzer's median days from the event to its stay date (Rules ``lead_days``).
STAY_LEAD_DAYS = float(_DATA["stay_lead_days"])
_STAY_END = re.compile(_DATA["stay_end"])


def ends_a_stay(name: str) -> bool:
    """``checkout_date``: a name of the stay's last day rather than its first."""
    return _STAY_END.search(normalize(leaf(name))) is not None


def starts_a_stay(event: str) -> bool:
    """``hotel_checkin``, ``flight_departure``: the event's name with ``_date`` names a
    stay's first day, so the event starts the stay a booking named."""
    return time_kind(f"{event}_date") == STAY and not ends_a_stay(event)


def time_kind(name: str) -> str:
    """``now`` (the event time), ``past``, ``long_past`` (registration, first-x), ``future``,
    ``stay`` (a check-in or departure date a booking names) or ``birthday``."""
    norm = normalize(leaf(name))
    # birthday, future, long_past, past: the order of the YAML mapping
    return next((kind for kind, pattern in _TIMES.items() if pattern.search(norm)), "now")

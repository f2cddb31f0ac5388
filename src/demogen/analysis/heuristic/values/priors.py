"""What a number property's name says about its values (``level`` → 1–100, skewed low).

Compile time only, like :mod:`~demogen.analysis.heuristic.values.kinds`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic.values._patterns import first_match, ordered
from demogen.analysis.heuristic.values.names import leaf, normalize
from demogen.taxonomy import ValueRange

# -- numbers -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class NumberPrior:
    """A default distribution for a number property known only by its name."""

    kind: str
    lo: float
    hi: float
    shape: str          # "low" | "log" | "lognormal" | "geom" | "tri" | "uniform" | "beta22"
    integer: bool = True
    decimals: int = 2
    center: float | None = None  # median (lognormal) or mode (tri)
    mean: float | None = None    # the analyzer's mean in value_ranges
    skew: float = 0.05           # where the analyzer puts a mean the declared range excludes


_DATA = load("values_numbers")  # heuristic_values_numbers.yaml
#: ``numbers`` of kinds never rounded: ``measured`` ones even where a range has whole ends.
_FRACTIONAL = ("fractional", "measured")


def _prior(kind: str, row: dict[str, Any]) -> NumberPrior:
    return NumberPrior(kind, row["min"], row["max"], row["shape"],
                       integer=row["numbers"] not in _FRACTIONAL, decimals=row.get("decimals", 2),
                       center=row.get("center"), mean=row.get("mean"),
                       skew=row.get("skew", 0.05))


#: The default distribution of each number kind (``level`` → 1–100, skewed low): the one
#: table of number kinds, also read by the analyzer's ``value_ranges``.
PRIORS_BY_KIND: dict[str, NumberPrior] = {
    kind: _prior(kind, row) for kind, row in _DATA["kinds"].items()}
DEFAULT_NUMBER = PRIORS_BY_KIND[_DATA["default"]]
NUMBER_KINDS = frozenset(PRIORS_BY_KIND)
#: (pattern on the normalised name, prior); first match wins.
_NUMBER_RULES: tuple[tuple[re.Pattern[str], NumberPrior], ...] = tuple(
    (pattern, PRIORS_BY_KIND[kind]) for pattern, kind in ordered(_DATA["names"]))


def number_prior(name: str) -> NumberPrior:
    """The name's default numeric distribution (``level`` → 1–100 skewed low …)."""
    return first_match(_NUMBER_RULES, normalize(leaf(name))) or DEFAULT_NUMBER


def prior_of_kind(kind: str | None) -> NumberPrior:
    """The default distribution of a number kind (the small-number default if unknown)."""
    return PRIORS_BY_KIND.get(kind or "", DEFAULT_NUMBER)


#: Number kinds whose values are fractional (never rounded to integers).
FLOAT_KINDS = frozenset(k for k, row in _DATA["kinds"].items() if row["numbers"] in _FRACTIONAL)
#: Fractional kinds whose plan range is written with whole ends (a distance "(0~200)" km).
MEASURED_KINDS = frozenset(k for k, row in _DATA["kinds"].items() if row["numbers"] == "measured")
#: Number kinds that are whole numbers even when a range is given with decimals.
INTEGER_KINDS = frozenset(k for k, row in _DATA["kinds"].items() if row["numbers"] == "whole")
#: Number kinds that are whole unless the plan writes their range with decimals (a rating:
#: stars given, or an average shown "(4.0~5.0)").
WRITTEN_KINDS = frozenset(k for k, row in _DATA["kinds"].items() if row["numbers"] == "written")


def whole_kind(kind: str | None, declared: ValueRange | None) -> bool:
    """Whether a number of ``kind`` is whole whatever its range's ends (a level), given the
    range the plan declares for it."""
    if kind in WRITTEN_KINDS:
        return declared is None or declared.integer
    return kind in INTEGER_KINDS
#: Words of money amounts (a "total" that is money keeps its decimals).
MONEY_WORDS = re.compile(_DATA["money_words"])


def fraction_of_one(kind: str | None, high: float) -> bool:
    """A range with whole ends that still holds fractions: a fractional kind (a share, a
    progress) whose range ends at 1 is a ratio (a plan's ``0-1`` says 0 to 1, not "0 or 1"),
    and a measured kind is measured in fractions (a run of 5.37 km in "(0~200)")."""
    return kind in MEASURED_KINDS or (kind in FLOAT_KINDS and high <= 1)

#: Name words of counters: start at 0 in a user's initial state.
COUNTER = re.compile(_DATA["counter"])
#: Name words of progress measures that start at 1 (level, stage, chapter).
PROGRESS = re.compile(_DATA["progress"])
#: Enumerations whose first value is a natural starting state (plan: free, vip: lv1).
STATUS = re.compile(_DATA["status"])
#: Booleans that start drawn (opt-ins) and times held from the install on.
STARTS = {"opt_in": re.compile(_DATA["start_opt_in"]),
          "install": re.compile(_DATA["start_install"])}

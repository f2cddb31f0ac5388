"""The product's industry: the preset a free-text industry names, and the one a plan's
events speak of when product.json says nothing.

Both read ``data/industries.yaml``: ``names`` for the industry text ("Mobile RPG" → game),
``plan`` for event names, display names, descriptions and tags (stage_clear, 가챠, 订单 …).
An event counts once per industry; the industry most events speak of wins when at least
:data:`MIN_EVENTS` do and clearly more than for the runner-up, else the plan stays generic.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from demogen.errors import ConfigError
from demogen.taxonomy._models import EventTaxonomy
from demogen.taxonomy._words import load_data

__all__ = [
    "GENERIC",
    "IndustryGuess",
    "check_industry",
    "industry_preset",
    "industry_words",
    "infer_industry",
    "plan_industry",
]

GENERIC = "generic"
#: Fewest events that must speak of an industry before the plan is said to be of it.
MIN_EVENTS = 2
#: How many times more events the winner needs than the runner-up.
MARGIN = 1.5

_FILE = "industries.yaml"
_LATIN = re.compile(r"[a-z]+")
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


@dataclass(frozen=True)
class IndustryGuess:
    """An industry read from the plan, with the words that decided it."""

    industry: str
    events: int                 # events that speak of it
    words: tuple[str, ...]      # the words found, most frequent first

    def describe(self) -> str:
        shown = ", ".join(self.words[:5])
        return f"{self.events} events speak of it ({shown})"


@cache
def _table() -> dict[str, dict[str, tuple[str, ...]]]:
    return {industry: {key: tuple(str(w).casefold() for w in words)
                       for key, words in spec.items()}
            for industry, spec in load_data(_FILE).items()}


def industry_words() -> list[str]:
    """Every word an industry may be given as: the preset names and the words naming them."""
    table = _table()
    return [GENERIC, *table, *sorted({w for spec in table.values() for w in spec["names"]}
                                     - set(table))]


def industry_preset(industry: str) -> str | None:
    """The preset a free-text industry names ("Mobile RPG" → game); None when none does."""
    text = industry.strip().casefold()
    if text == GENERIC:
        return GENERIC
    for name, spec in _table().items():
        if text == name or any(word in text for word in spec["names"]):
            return name
    return None


def check_industry(industry: str) -> str:
    """``--industry``'s value, or a ConfigError listing the words that name an industry."""
    if industry_preset(industry) is None:
        raise ConfigError(
            f"unknown industry '{industry}' (--industry); use a preset name "
            f"({', '.join(_presets())}) or a word that names one: "
            f"{', '.join(industry_words()[len(_presets()):])}")
    return industry


def _presets() -> list[str]:
    return [GENERIC, *_table()]


def plan_industry(taxonomy: EventTaxonomy, industry: str) -> str:
    """The product's industry as written (lower case), or the plan's when that says
    nothing (``generic``, empty): what reading names and drawing values go by."""
    industry = industry.lower()
    if industry in ("", GENERIC, "other", "unknown"):
        guess = infer_industry(taxonomy)
        industry = guess.industry if guess is not None else GENERIC
    return industry


def infer_industry(taxonomy: EventTaxonomy) -> IndustryGuess | None:
    """The industry the plan's events speak of, or None when no industry clearly wins."""
    counts: dict[str, int] = {}
    found: dict[str, dict[str, int]] = {}
    for event in taxonomy.events:
        latin, text = _words(event.name, event.display_name, event.tag), " ".join(
            (event.display_name, event.description, event.tag)).casefold()
        for industry, spec in _table().items():
            hits = [w for w in spec["plan"] if (w in latin if w.isascii() else w in text)]
            if hits:
                counts[industry] = counts.get(industry, 0) + 1
                seen = found.setdefault(industry, {})
                for word in hits:
                    seen[word] = seen.get(word, 0) + 1
    ranked = sorted(counts.items(), key=lambda item: -item[1])
    if not ranked or ranked[0][1] < MIN_EVENTS:
        return None
    best, events = ranked[0]
    if len(ranked) > 1 and events < MARGIN * ranked[1][1]:
        return None
    words = sorted(found[best], key=lambda w: -found[best][w])
    return IndustryGuess(best, events, tuple(words))


def _words(*texts: str) -> set[str]:
    """Latin words of names: ``stage_clear``, ``StageClear`` and "Stage Clear" all give
    stage and clear."""
    return {w for text in texts for w in _LATIN.findall(_CAMEL.sub(" ", text).casefold())}

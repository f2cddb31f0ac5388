"""The analyzer seam: anything that turns a taxonomy into rules.

The heuristic analyzer is the offline default; AI providers (OpenAI, Anthropic,
OpenAI-compatible servers) plug in behind the same protocol later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from demogen.analysis.rules import Rules
from demogen.taxonomy import EventTaxonomy, ProductInfo


@runtime_checkable
class Analyzer(Protocol):
    """Infers :class:`Rules` from a taxonomy. Must be deterministic for a given input."""

    #: Identifies the analyzer in the cache key ("heuristic", "openai", …).
    name: str
    #: The model behind it, if any ("" for the heuristic); also part of the cache key.
    model: str

    def analyze(self, taxonomy: EventTaxonomy, product: ProductInfo) -> Rules: ...


@dataclass(frozen=True, slots=True)
class RuleOrigin:
    """Which rules an analyzer other than the heuristic wrote: ``label`` names it ("AI
    (openai/gpt-4.1-mini)") and ``rules`` hold what it set (merged over the heuristic's),
    so ``analyze --explain`` can say where each fact came from."""

    label: str
    rules: Rules


@runtime_checkable
class ReportsOrigin(Protocol):
    """An analyzer whose rules are partly another's: it says which part is its own."""

    def origin(self) -> RuleOrigin | None: ...

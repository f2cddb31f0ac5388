"""The analyzer seam: anything that turns a taxonomy into rules.

The heuristic analyzer is the offline default; AI providers (OpenAI, Anthropic,
OpenAI-compatible servers) plug in behind the same protocol later.
"""

from __future__ import annotations

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

"""Calls, tokens and an estimated cost of an AI analysis (prices: ``data/ai_prices.yaml``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import yaml

__all__ = ["Price", "Usage", "estimate_tokens", "price_of"]

#: About four characters a token, for English and JSON; enough to split a plan and to
#: stop before a call would pass ``--max-cost`` (the report uses the provider's counts).
CHARS_PER_TOKEN = 4


def estimate_tokens(text: str) -> int:
    return len(text) // CHARS_PER_TOKEN + 1


@dataclass(frozen=True, slots=True)
class Price:
    """USD per million tokens."""

    input: float
    output: float

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        return (input_tokens * self.input + output_tokens * self.output) / 1_000_000


@cache
def _table() -> dict[str, dict[str, Price]]:
    text = files("demogen").joinpath("data", "ai_prices.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text) or {}
    return {provider: {model: Price(float(p["input"]), float(p["output"]))
                       for model, p in (models or {}).items()}
            for provider, models in data.items()}


def price_of(provider: str, model: str) -> Price | None:
    """The model's price, matched exactly or as the longest ``name-`` prefix (dated
    snapshots); ``None`` when unknown (a local model, a new one)."""
    models = _table().get(provider, {})
    if model in models:
        return models[model]
    prefixes = [name for name in models if model.startswith(name + "-")]
    return models[max(prefixes, key=len)] if prefixes else None


@dataclass(slots=True)
class Usage:
    """What an analysis spent, from the providers' own token counts."""

    provider: str
    model: str
    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    def add(self, input_tokens: int, output_tokens: int) -> None:
        self.calls += 1
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens

    @property
    def cost(self) -> float | None:
        """Estimated USD, or ``None`` when the model's price is unknown."""
        price = price_of(self.provider, self.model)
        return None if price is None else price.cost(self.input_tokens, self.output_tokens)

    def describe(self) -> str:
        cost = self.cost
        shown = "unknown" if cost is None else f"${cost:.4f}"
        return (f"{self.provider}/{self.model}: {self.calls} call{'s' if self.calls != 1 else ''}"
                f", {self.input_tokens:,} tokens in, {self.output_tokens:,} out, "
                f"estimated cost {shown}")

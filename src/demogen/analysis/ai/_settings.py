"""Which analyzer a run uses: ``--ai heuristic|openai|anthropic|auto`` resolved to a choice.

Keys and endpoints come from the official SDKs' variables (``OPENAI_API_KEY``,
``OPENAI_BASE_URL``, ``ANTHROPIC_API_KEY``, ``ANTHROPIC_BASE_URL``), read from the
environment first and then from a ``.env`` file in the current folder (which never
overrides the environment). A key lives only in :class:`Secret`, whose ``repr`` and ``str``
hide it, so no message, log, cache entry or manifest can carry it by accident.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from demogen.errors import ConfigError

__all__ = ["AIChoice", "AIOptions", "Provider", "Secret", "read_environment", "resolve_ai"]

Provider = Literal["heuristic", "openai", "anthropic"]
CHOICES = ("heuristic", "openai", "anthropic", "auto")

#: Used when ``--model`` is not given. Cheap, capable models; ``--model`` picks another.
DEFAULT_MODELS = {"openai": "gpt-4.1-mini", "anthropic": "claude-haiku-4-5"}
_KEY = {"openai": "OPENAI_API_KEY", "anthropic": "ANTHROPIC_API_KEY"}
_URL = {"openai": "OPENAI_BASE_URL", "anthropic": "ANTHROPIC_BASE_URL"}
#: OpenAI-compatible local servers (Ollama, vLLM, llama.cpp) take no key, but the SDK
#: insists on one: this placeholder is sent instead.
NO_KEY = "not-needed"


class Secret:
    """An API key that never shows itself: ``repr``/``str`` print ``***``."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The key, for the SDK client's constructor only."""
        return self._value

    def scrub(self, text: str) -> str:
        """``text`` with the key (if it appears, e.g. in a provider's message) masked."""
        return text.replace(self._value, "***") if len(self._value) >= 4 else text

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__


@dataclass(frozen=True, kw_only=True)
class AIOptions:
    """What the person asked for on the command line (or through the API).

    >>> AIOptions(ai="openai", model="gpt-4.1", max_cost=0.50)   # doctest: +SKIP
    """

    ai: str = "auto"
    model: str | None = None
    base_url: str | None = None
    #: Exit 1 when the provider fails, instead of falling back to the heuristic.
    strict: bool = False
    #: Stop before a call that would bring the estimated cost above this many USD.
    max_cost: float | None = None
    #: Seconds per HTTP request; the SDK retries a timed-out request.
    timeout: float = 120.0
    #: Retries of one request on 429, 5xx, timeouts and lost connections (the SDK's own,
    #: with exponential backoff and jitter, honouring ``Retry-After``).
    max_retries: int = 3
    #: Client-side limits; ``None`` for no limit.
    requests_per_minute: int | None = 50
    tokens_per_minute: int | None = None
    #: Estimated prompt tokens per call (about 4 characters a token); a larger plan is split.
    token_budget: int = 24_000
    #: Tokens a model may write per call (Anthropic requires the number).
    max_output_tokens: int = 16_000
    #: Repair turns after an invalid answer (the seed's three).
    repairs: int = 3
    #: Answers longer than this many characters are refused unread.
    max_answer_chars: int = 1_000_000

    def __post_init__(self) -> None:
        if self.ai not in CHOICES:
            raise ConfigError(f"--ai {self.ai!r} is not one of {', '.join(CHOICES)}")
        if self.max_cost is not None and self.max_cost < 0:
            raise ConfigError(f"--max-cost {self.max_cost} is negative; give USD, e.g. 0.50")


@dataclass(frozen=True)
class AIChoice:
    """The analyzer resolved from :class:`AIOptions` and the environment."""

    provider: Provider
    model: str = ""
    base_url: str | None = None
    key: Secret | None = field(default=None, repr=False)
    #: Why this one, for stderr: "OPENAI_API_KEY is set", "no key set".
    reason: str = ""

    def describe(self) -> str:
        if self.provider == "heuristic":
            return f"analysis: offline heuristic ({self.reason})" if self.reason else \
                "analysis: offline heuristic"
        where = f" at {self.base_url}" if self.base_url else ""
        return f"analysis: AI, {self.provider}/{self.model}{where} ({self.reason})"


def read_environment(folder: Path | None = None) -> dict[str, str]:
    """The SDK variables: the environment, with a ``.env`` in ``folder`` (default: the
    current folder) filling only what the environment does not set."""
    from dotenv import dotenv_values

    dotenv = (folder or Path.cwd()) / ".env"
    found: dict[str, str] = {}
    if dotenv.is_file():
        found = {k: v for k, v in dotenv_values(dotenv).items() if v}
    for name in (*_KEY.values(), *_URL.values()):
        if name in os.environ:      # set, even empty: the environment wins over .env
            found[name] = os.environ[name]
    return {name: value for name, value in found.items() if value}


def resolve_ai(options: AIOptions, env: Mapping[str, str] | None = None) -> AIChoice:
    """Pick the analyzer. ``auto``: ``--base-url`` or a set key picks a provider (OpenAI
    first), else the heuristic. An explicit provider without a key or endpoint is a
    ConfigError naming the variable to set."""
    env = read_environment() if env is None else env
    if options.ai == "heuristic":
        return AIChoice("heuristic", reason="--ai heuristic")
    if options.ai == "auto":
        provider = _auto_provider(options, env)
        if provider is None:
            return AIChoice("heuristic", reason="no OPENAI_API_KEY or ANTHROPIC_API_KEY set")
    else:
        provider = options.ai  # type: ignore[assignment]
    key = env.get(_KEY[provider])
    base_url = options.base_url or env.get(_URL[provider])
    if not key and not base_url:
        raise ConfigError(
            f"--ai {provider} needs an API key: set {_KEY[provider]} in the environment or "
            f"a .env file{' (or --base-url for a local server)' if provider == 'openai' else ''}"
        )
    if not key and provider == "anthropic":
        raise ConfigError(f"--ai anthropic needs {_KEY[provider]} even with a base URL")
    reason = f"{_KEY[provider]} is set" if key else "no key, local server"
    if options.ai != "auto":
        reason = f"--ai {provider}, {reason}"
    return AIChoice(provider, options.model or DEFAULT_MODELS[provider], base_url,
                    Secret(key or NO_KEY), reason)


def _auto_provider(options: AIOptions, env: Mapping[str, str]) -> Provider | None:
    if options.base_url or env.get("OPENAI_API_KEY"):
        return "openai"
    if env.get("ANTHROPIC_API_KEY"):
        return "anthropic"
    if env.get("OPENAI_BASE_URL"):
        return "openai"
    return None

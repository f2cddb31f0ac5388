"""The AI analyzer: a model reads the plan and writes rules, merged over the heuristic's.

For each part of the plan (one, unless it is too large for the token budget) the model is
asked once; an answer that does not validate, names what the plan lacks or holds a formula
outside the sandbox goes back with its problems for up to ``repairs`` more turns. What is
still wrong after that is dropped, each drop named in :attr:`AIAnalyzer.warnings`. The
parts' rules are combined, then merged over the heuristic analysis (the heuristic fills
whatever the model left out or got wrong), and :meth:`AIAnalyzer.origin` tells which rules
the model wrote.
"""

from __future__ import annotations

import json
from typing import Any

from demogen.analysis._migrate import migrate
from demogen.analysis.ai._answer import AnswerError, accept, parse_answer, problems
from demogen.analysis.ai._clients import ChatClient, RateLimiter, make_client
from demogen.analysis.ai._cost import Usage, estimate_tokens, price_of
from demogen.analysis.ai._prompt import PROMPT_VERSION, PromptPart, build_prompts
from demogen.analysis.ai._settings import AIChoice, AIOptions
from demogen.analysis.base import RuleOrigin
from demogen.analysis.heuristic import HeuristicAnalyzer
from demogen.analysis.merge import merge_rules
from demogen.analysis.rules import Rules
from demogen.errors import AIError, ConfigError
from demogen.taxonomy import EventTaxonomy, ProductInfo

__all__ = ["AIAnalyzer"]

SYSTEM = ("You are an analytics expert. You read event tracking plans and write the JSON "
          "rules a synthetic-data generator follows. Answer with the JSON rules only.")
#: Problems listed in one repair message; the rest are counted.
_LISTED = 40


class AIAnalyzer:
    """Rules from a language model, checked and merged over the heuristic's.

    >>> choice = resolve_ai(AIOptions(ai="openai"))              # doctest: +SKIP
    >>> rules = AIAnalyzer(choice, AIOptions()).analyze(taxonomy, product)
    """

    def __init__(self, choice: AIChoice, options: AIOptions, *,
                 client: ChatClient | None = None,
                 limiter: RateLimiter | None = None) -> None:
        if choice.provider == "heuristic":
            raise ValueError("AIAnalyzer needs a provider; use HeuristicAnalyzer")
        if options.max_cost is not None and price_of(choice.provider, choice.model) is None:
            raise ConfigError(
                f"--max-cost: the price of {choice.provider}/{choice.model} is unknown, so "
                "its cost cannot be estimated; add it to demogen/data/ai_prices.yaml or "
                "leave out --max-cost")
        self.name: str = choice.provider
        self.model: str = choice.model
        #: Part of the cache key: a new prompt template means a new analysis.
        self.prompt_version = PROMPT_VERSION
        self.usage = Usage(choice.provider, choice.model)
        #: What was dropped from the answers, or could not be read, one line each.
        self.warnings: list[str] = []
        self._choice, self._options = choice, options
        self._client = client
        self._limiter = limiter or RateLimiter(options.requests_per_minute,
                                               options.tokens_per_minute)
        self._origin: RuleOrigin | None = None

    @property
    def label(self) -> str:
        return f"AI ({self.name}/{self.model})"

    def origin(self) -> RuleOrigin | None:
        """The rules the model wrote (after checks), once :meth:`analyze` ran."""
        return self._origin

    def analyze(self, taxonomy: EventTaxonomy, product: ProductInfo) -> Rules:
        """Raises :class:`AIError` when the provider fails or ``max_cost`` would be passed."""
        heuristic = HeuristicAnalyzer().analyze(taxonomy, product)
        parts = build_prompts(taxonomy, product, token_budget=self._options.token_budget)
        client = self._client or make_client(self._choice, self._options,
                                             Rules.model_json_schema())
        combined: dict[str, Any] = {}
        for part in parts:
            where = "AI answer" if part.total == 1 else f"AI answer (part {part.index}/" \
                                                        f"{part.total})"
            data = self._ask(client, part, taxonomy, where)
            if data is None:
                continue
            rules, dropped = accept(data, taxonomy, source=where)
            self.warnings += dropped
            combined = _combine(combined, rules.model_dump(mode="json", exclude_unset=True))
        written = Rules.from_data(combined, source="AI answers")
        self._origin = RuleOrigin(self.label, written)
        return merge_rules(heuristic, written)

    def revise(self, taxonomy: EventTaxonomy, prompt: str) -> Rules:
        """The rules the model changes after reading ``prompt`` (a review of a sample run),
        checked like an analysis' answer; empty rules when it changes nothing usable."""
        client = self._client or make_client(self._choice, self._options,
                                             Rules.model_json_schema())
        data = self._ask(client, PromptPart(prompt, ()), taxonomy, "AI review")
        if data is None:
            return Rules()
        rules, dropped = accept(data, taxonomy, source="AI review")
        self.warnings += dropped
        return rules

    def _ask(self, client: ChatClient, part: PromptPart, taxonomy: EventTaxonomy,
             where: str) -> dict[str, Any] | None:
        """The model's answer for one part after up to ``repairs`` repair turns: valid, or
        the last one that parsed (to be pruned), or ``None`` when none could be read."""
        messages: list[dict[str, Any]] = [{"role": "user", "content": part.text}]
        last: dict[str, Any] | None = None
        errors: list[str] = []
        for turn in range(self._options.repairs + 1):
            reply = self._call(client, messages)
            echo = True
            try:
                data = parse_answer(reply.text, max_chars=self._options.max_answer_chars)
            except AnswerError as exc:
                errors, echo = [str(exc)], len(reply.text) <= self._options.max_answer_chars
            else:
                last = data
                errors = [str(p) for p in problems(migrate(data)[0], taxonomy)]
                if not errors:
                    return data
            if turn < self._options.repairs:
                messages += client.repair(reply, _repair_text(errors), echo=echo)
        if last is None:
            self.warnings.append(f"{where}: no readable answer after "
                                 f"{self._options.repairs} repairs ({errors[0]}); the "
                                 "heuristic analysis stands for it")
        return last

    def _call(self, client: ChatClient, messages: list[dict[str, Any]]):  # type: ignore[no-untyped-def]
        prompt_tokens = estimate_tokens(SYSTEM + json.dumps(messages, ensure_ascii=False))
        self._check_budget(prompt_tokens)
        self._limiter.wait(prompt_tokens)
        reply = client.send(SYSTEM, messages)
        self.usage.add(reply.input_tokens, reply.output_tokens)
        return reply

    def _check_budget(self, prompt_tokens: int) -> None:
        """Stop before a call whose worst case (the prompt, and every output token the
        model may write) would bring the estimated cost above ``max_cost``."""
        limit = self._options.max_cost
        if limit is None:
            return
        price = price_of(self.name, self.model)
        assert price is not None     # checked in __init__
        spent = self.usage.cost or 0.0
        worst = spent + price.cost(prompt_tokens, self._options.max_output_tokens)
        if worst > limit:
            raise AIError(
                f"{self.name}/{self.model}: stopped before call {self.usage.calls + 1}: it "
                f"could bring the estimated cost to ${worst:.4f}, over --max-cost "
                f"${limit:.2f} (spent ${spent:.4f} on {self.usage.calls} calls)")


def _repair_text(errors: list[str]) -> str:
    listed = [f"- {e}" for e in errors[:_LISTED]]
    if len(errors) > _LISTED:
        listed.append(f"- … and {len(errors) - _LISTED} more")
    return ("Your answer cannot be used as it is:\n" + "\n".join(listed)
            + "\nAnswer again with the whole corrected JSON object. Use only the plan's event "
            "and property names, and only the formula syntax described.")


def _combine(base: dict[str, Any], more: dict[str, Any]) -> dict[str, Any]:
    """Rules of several parts as one: mappings merged key by key, lists joined without
    repeats (a funnel named twice is kept once, the first part's)."""
    out = dict(base)
    for key, value in more.items():
        old = out.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            out[key] = _combine(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            names = {x.get("name") for x in old if isinstance(x, dict) and "name" in x}
            out[key] = old + [x for x in value if x not in old
                              and not (isinstance(x, dict) and x.get("name") in names)]
        else:
            out[key] = value
    return out

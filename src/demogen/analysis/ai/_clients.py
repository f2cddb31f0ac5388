"""The providers behind one small seam: send a conversation, get the answer's text.

Both clients use the official SDKs with their own retries (exponential backoff with
jitter on 429, 5xx, timeouts and lost connections, honouring ``Retry-After``) and a timeout
per request. Structured output: OpenAI's JSON-schema response format, Anthropic's forced
tool call whose input schema is the rules schema. An OpenAI-compatible server that refuses
the response format is asked in words instead, and the JSON is taken from the text
(:func:`demogen.analysis.ai._answer.parse_answer`). Every SDK failure becomes an
:class:`~demogen.errors.AIError` naming the provider and model, with the key masked.
"""

from __future__ import annotations

import json
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from demogen.analysis.ai._settings import AIChoice, AIOptions
from demogen.errors import AIError

__all__ = ["ChatClient", "RateLimiter", "Reply", "make_client"]

Message = dict[str, Any]

#: The name of the tool Anthropic is made to call: its input is the rules document.
TOOL_NAME = "write_rules"
_WITHHELD = "(answer withheld: it was over the size limit)"


@dataclass(frozen=True, slots=True)
class Reply:
    """One answer: its text (JSON, or prose around JSON), the provider's token counts, and
    what the conversation needs to continue after it (Anthropic's tool call id)."""

    text: str
    input_tokens: int
    output_tokens: int
    tool_id: str | None = None


class ChatClient(Protocol):
    """Sends one conversation (a system text and user/assistant messages) to a model."""

    provider: str
    model: str

    def send(self, system: str, messages: list[Message]) -> Reply: ...

    def repair(self, reply: Reply, errors: str, *, echo: bool) -> list[Message]:
        """The messages that follow ``reply`` to ask for a corrected answer; ``echo``: repeat
        the answer in the conversation (not when it was refused as too large)."""
        ...


def make_client(choice: AIChoice, options: AIOptions, schema: dict[str, Any]) -> ChatClient:
    if choice.provider == "openai":
        return OpenAIChat(choice, options, schema)
    if choice.provider == "anthropic":
        return AnthropicChat(choice, options, schema)
    raise ValueError(f"no AI client for {choice.provider!r}")


class OpenAIChat:
    """Chat completions with ``response_format={"type": "json_schema", …}``."""

    provider = "openai"

    def __init__(self, choice: AIChoice, options: AIOptions, schema: dict[str, Any]) -> None:
        from openai import OpenAI

        assert choice.key is not None
        self.model = choice.model
        self._key = choice.key
        self._schema = schema
        self._structured = True
        self._client = OpenAI(api_key=choice.key.reveal(), base_url=choice.base_url,
                              timeout=options.timeout, max_retries=options.max_retries)

    def send(self, system: str, messages: list[Message]) -> Reply:
        import openai

        kwargs: dict[str, Any] = {}
        if self._structured:
            kwargs["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": "rules", "schema": self._schema, "strict": False}}
        else:
            system += _schema_in_words(self._schema)
        try:
            response = self._client.chat.completions.create(
                model=self.model, messages=[{"role": "system", "content": system}, *messages],
                **kwargs)
        except openai.BadRequestError as exc:
            if not self._structured:
                raise _failed(self, exc, self._key) from None
            # A compatible server without JSON-schema output: ask in words, read the text.
            self._structured = False
            return self.send(system, messages)
        except openai.APIError as exc:
            raise _failed(self, exc, self._key) from None
        choice = response.choices[0] if response.choices else None
        text = (choice.message.content or "") if choice is not None else ""
        usage = response.usage
        return Reply(text, usage.prompt_tokens if usage else 0,
                     usage.completion_tokens if usage else 0)

    def repair(self, reply: Reply, errors: str, *, echo: bool) -> list[Message]:
        return [{"role": "assistant", "content": reply.text if echo else _WITHHELD},
                {"role": "user", "content": errors}]


class AnthropicChat:
    """Messages with one tool, the rules schema as its input schema, and the call forced."""

    provider = "anthropic"

    def __init__(self, choice: AIChoice, options: AIOptions, schema: dict[str, Any]) -> None:
        from anthropic import Anthropic

        assert choice.key is not None
        self.model = choice.model
        self._key = choice.key
        self._max_tokens = options.max_output_tokens
        self._tool = {"name": TOOL_NAME, "input_schema": schema,
                      "description": "Write the rules document for the plan."}
        self._client = Anthropic(api_key=choice.key.reveal(), base_url=choice.base_url,
                                 timeout=options.timeout, max_retries=options.max_retries)

    def send(self, system: str, messages: list[Message]) -> Reply:
        import anthropic

        try:
            response = self._client.messages.create(
                model=self.model, max_tokens=self._max_tokens, system=system,
                messages=messages, tools=[self._tool],  # type: ignore[list-item]
                tool_choice={"type": "tool", "name": TOOL_NAME})
        except anthropic.APIError as exc:
            raise _failed(self, exc, self._key) from None
        usage = response.usage
        for block in response.content:
            if block.type == "tool_use":
                return Reply(json.dumps(block.input, ensure_ascii=False), usage.input_tokens,
                             usage.output_tokens, tool_id=block.id)
        text = "".join(block.text for block in response.content if block.type == "text")
        return Reply(text, usage.input_tokens, usage.output_tokens)

    def repair(self, reply: Reply, errors: str, *, echo: bool) -> list[Message]:
        if reply.tool_id is None:
            return [{"role": "assistant", "content": reply.text if echo else _WITHHELD},
                    {"role": "user", "content": errors}]
        answer = json.loads(reply.text) if echo else {}
        return [{"role": "assistant", "content": [
                    {"type": "tool_use", "id": reply.tool_id, "name": TOOL_NAME,
                     "input": answer if isinstance(answer, dict) else {}}]},
                {"role": "user", "content": [
                    {"type": "tool_result", "tool_use_id": reply.tool_id, "is_error": True,
                     "content": errors if echo else f"{_WITHHELD}. {errors}"}]}]


def _schema_in_words(schema: dict[str, Any]) -> str:
    return ("\n\nAnswer with one JSON object (no prose, no code fence) that validates against "
            "this JSON Schema:\n" + json.dumps(schema, separators=(",", ":")))


def _failed(client: ChatClient, exc: Exception, key: Any) -> AIError:
    """The SDK's error as one line naming the provider and model (the key masked)."""
    status = getattr(exc, "status_code", None)
    what = f"HTTP {status}" if status else type(exc).__name__
    detail = key.scrub(str(exc))[:300]
    return AIError(f"{client.provider}/{client.model} failed ({what}, after the SDK's "
                   f"retries): {detail}")


class RateLimiter:
    """At most ``requests_per_minute`` calls and ``tokens_per_minute`` estimated prompt
    tokens in any 60 seconds; :meth:`wait` sleeps until the next call fits."""

    def __init__(self, requests_per_minute: int | None, tokens_per_minute: int | None, *,
                 clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._rpm, self._tpm = requests_per_minute, tokens_per_minute
        self._clock, self._sleep = clock, sleep
        self._sent: deque[tuple[float, int]] = deque()

    def wait(self, tokens: int) -> None:
        while True:
            now = self._clock()
            while self._sent and self._sent[0][0] <= now - 60:
                self._sent.popleft()
            over_requests = self._rpm is not None and len(self._sent) >= self._rpm
            over_tokens = (self._tpm is not None and self._sent
                           and sum(t for _, t in self._sent) + tokens > self._tpm)
            if not (over_requests or over_tokens):
                self._sent.append((now, tokens))
                return
            self._sleep(max(self._sent[0][0] + 60 - now, 0.01))

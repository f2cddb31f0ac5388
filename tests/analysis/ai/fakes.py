"""Fake OpenAI and Anthropic servers on 127.0.0.1 that the real SDKs talk to over HTTP.

Each server plays a script: one :class:`Step` per request it receives (an answer, an error
status with headers, a delay), and records every request (path, headers, JSON body) so a
test can assert the calls the SDK made. A request past the end of the script gets a 400
that names the problem (no SDK retries a 400).
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

Kind = Literal["openai", "anthropic"]

USAGE_IN, USAGE_OUT = 1200, 300


@dataclass
class Step:
    """One scripted response: ``answer`` (a JSON-able document, sent as the model's
    structured answer, or a string sent as text), or an error ``status``."""

    answer: Any = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    #: Anthropic only: send the answer as text instead of a tool call.
    as_text: bool = False


@dataclass
class Request:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


class FakeProvider:
    """A scripted fake of one provider's API. Use as a context manager."""

    def __init__(self, kind: Kind, script: list[Step] | None = None) -> None:
        self.kind = kind
        self.script: list[Step] = list(script or [])
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake._lock:
                    fake.requests.append(Request(
                        self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                    step = fake.script.pop(0) if fake.script else None
                fake._respond(self, step, body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """What the SDK's ``base_url`` is set to (OpenAI's ends in ``/v1``)."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}" + ("/v1" if self.kind == "openai" else "")

    @property
    def calls(self) -> list[Request]:
        """The model calls received (retries included)."""
        return [r for r in self.requests if r.path.endswith(("/chat/completions", "/messages"))]

    def __enter__(self) -> FakeProvider:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- responses ------------------------------------------------------------------------

    def _respond(self, handler: BaseHTTPRequestHandler, step: Step | None,
                 body: dict[str, Any]) -> None:
        if step is None:
            self._send(handler, 400, self._error("no more scripted answers"), {})
            return
        if step.delay:
            time.sleep(step.delay)
        if step.status != 200:
            self._send(handler, step.status, self._error(f"scripted {step.status}"),
                       step.headers)
            return
        payload = (self._chat(step, body) if self.kind == "openai"
                   else self._message(step, body))
        self._send(handler, 200, payload, step.headers)

    def _chat(self, step: Step, body: dict[str, Any]) -> dict[str, Any]:
        text = step.answer if isinstance(step.answer, str) else json.dumps(step.answer)
        return {"id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion",
                "created": 0, "model": body.get("model", ""),
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": text}}],
                "usage": {"prompt_tokens": USAGE_IN, "completion_tokens": USAGE_OUT,
                          "total_tokens": USAGE_IN + USAGE_OUT}}

    def _message(self, step: Step, body: dict[str, Any]) -> dict[str, Any]:
        if isinstance(step.answer, str) or step.as_text:
            text = step.answer if isinstance(step.answer, str) else json.dumps(step.answer)
            content: list[dict[str, Any]] = [{"type": "text", "text": text}]
            stop = "end_turn"
        else:
            tool = body["tools"][0]["name"]
            content = [{"type": "tool_use", "id": f"toolu_{len(self.requests)}",
                        "name": tool, "input": step.answer}]
            stop = "tool_use"
        return {"id": f"msg_{len(self.requests)}", "type": "message", "role": "assistant",
                "model": body.get("model", ""), "content": content, "stop_reason": stop,
                "stop_sequence": None,
                "usage": {"input_tokens": USAGE_IN, "output_tokens": USAGE_OUT}}

    def _error(self, message: str) -> dict[str, Any]:
        if self.kind == "openai":
            return {"error": {"message": message, "type": "server_error"}}
        return {"type": "error", "error": {"type": "api_error", "message": message}}

    @staticmethod
    def _send(handler: BaseHTTPRequestHandler, status: int, payload: dict[str, Any],
              headers: dict[str, str]) -> None:
        data = json.dumps(payload).encode()
        try:
            handler.send_response(status)
            handler.send_header("content-type", "application/json")
            handler.send_header("content-length", str(len(data)))
            for name, value in headers.items():
                handler.send_header(name, value)
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass    # the client gave up (a timeout test)

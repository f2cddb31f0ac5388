"""Talk to a ThinkingEngine receiver the way the official server SDKs do.

``/sync_server``: POST a gzipped JSON array of records with headers ``appid`` and
``compress: gzip``; success is HTTP 200 **and** ``{"code": 0}``. Codes (Java SDK's
``checkingRetCode``): ``-1`` invalid data, ``-2`` unknown APPID, ``-3`` invalid IP.
``/data_debug``: one record per form POST (``appid``, ``source=server``, ``data``,
``dryRun``); ``{"errorLevel": 0}`` means it would be stored (thinkingdata-format.md §8, §10).

The standard library's :mod:`http.client` does the HTTP: one keep-alive connection per
thread, dropped on any error so the retry starts clean.

Errors::

    DemogenError
    ├── ConfigError
    │   └── UnknownAppId        code -2 (exit 2: the command is wrong, not the data)
    ├── RejectedData            code -1, -3 or another non-zero code: stop with the reason
    └── ReceiverUnavailable     retries used up on network errors, timeouts or 5xx
    RetryableError (not a DemogenError: never leaves the uploader)
"""

from __future__ import annotations

import gzip
import http.client
import ssl
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import orjson

from demogen import __version__
from demogen.errors import ConfigError, DemogenError
from demogen.upload._target import Target

__all__ = [
    "DebugAnswer",
    "ReceiverClient",
    "ReceiverUnavailable",
    "RejectedData",
    "RetryableError",
    "UnknownAppId",
]

#: What the receiver's codes mean (Java SDK ``TDBatchRequest.checkingRetCode``).
CODE_MEANINGS = {-1: "invalid data format", -2: "APP ID does not exist",
                 -3: "invalid IP transmission"}


class UnknownAppId(ConfigError):
    """The receiver does not know the APPID (code -2)."""


class RejectedData(DemogenError):
    """The receiver refused a batch (code -1, -3 or another non-zero code)."""

    def __init__(self, message: str, *, code: int | None, body: str) -> None:
        self.code = code
        self.body = body
        super().__init__(message)


class ReceiverUnavailable(DemogenError):
    """The receiver kept failing (network errors, timeouts, 5xx) after every retry."""


class RetryableError(Exception):
    """One failed attempt that may succeed when repeated (the reason is the message)."""


@dataclass(frozen=True)
class DebugAnswer:
    """The receiver's verdict on one record sent to ``/data_debug``."""

    error_level: int
    reasons: tuple[str, ...] = ()
    properties: tuple[str, ...] = ()
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.error_level == 0


def _describe_property(item: Any) -> str:
    """``errorProperties`` entries are objects in the Android SDK's reading; say what we can."""
    if isinstance(item, dict):
        name = item.get("propertyName") or item.get("name") or "?"
        reason = item.get("errorReason") or item.get("reason") or ""
        value = item.get("propertyValue")
        text = str(name)
        if value is not None:
            text += f"={value!r}"
        return f"{text}: {reason}" if reason else text
    return str(item)


class ReceiverClient:
    """Posts to one :class:`Target`; safe to share between threads."""

    def __init__(self, target: Target, *, timeout: float = 30.0) -> None:
        self.target = target
        self.timeout = timeout
        self._local = threading.local()

    # -- connection ------------------------------------------------------------------------

    def _connection(self) -> http.client.HTTPConnection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            t = self.target
            if t.scheme == "https":
                conn = http.client.HTTPSConnection(t.host, t.port, timeout=self.timeout,
                                                   context=ssl.create_default_context())
            else:
                conn = http.client.HTTPConnection(t.host, t.port, timeout=self.timeout)
            self._local.conn = conn
        return conn

    def _drop(self) -> None:
        conn = getattr(self._local, "conn", None)
        self._local.conn = None
        if conn is not None:
            conn.close()

    def close(self) -> None:
        self._drop()

    def _post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
        """One POST; network trouble and timeouts become :class:`RetryableError`."""
        conn = self._connection()
        try:
            conn.request("POST", path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self._drop()
            kind = "timed out" if isinstance(exc, TimeoutError) else "network error"
            raise RetryableError(f"{kind} ({type(exc).__name__}: {exc})".replace(": )", ")")
                                 ) from None
        if response.will_close:
            self._drop()
        return response.status, data

    # -- /sync_server ----------------------------------------------------------------------

    def send(self, records: tuple[bytes, ...] | list[bytes]) -> None:
        """Post one batch; returns when the receiver acknowledged it (200 and code 0)."""
        body = gzip.compress(b"[" + b",".join(records) + b"]", compresslevel=6, mtime=0)
        headers = {"appid": self.target.appid, "compress": "gzip",
                   "TA-Integration-Type": "demogen", "TA-Integration-Version": __version__,
                   "TA-Integration-Count": str(len(records)),
                   "Content-Type": "text/plain"}
        status, data = self._post("/sync_server", body, headers)
        self._check(status, data)

    def _http_text(self, path: str, status: int, data: bytes) -> str:
        """The answer's start as text, once the status says it is a receiver's answer:
        5xx, 408 and 429 are retried; any other non-200 means no receiver is there."""
        text = data[:500].decode("utf-8", "replace").strip()
        if status >= 500 or status in (408, 429):
            raise RetryableError(f"HTTP {status} {text}".strip())
        if status != 200:
            raise ConfigError(f"{self.target.base_url}{path} answered HTTP {status} "
                              f"{text!r}: is --url a ThinkingEngine receiver?")
        return text

    def _check(self, status: int, data: bytes) -> None:
        text = self._http_text("/sync_server", status, data)
        try:
            answer = orjson.loads(data)
            code = int(answer["code"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            # A proxy's page or a cut answer: the batch may or may not be stored.
            raise RetryableError(f"HTTP 200 without a receiver answer ({text[:80]!r})") from None
        if code == 0:
            return
        meaning = CODE_MEANINGS.get(code, "unknown code")
        if code == -2:
            raise UnknownAppId(f"the receiver {self.target.base_url} does not know APPID "
                               f"{self.target.masked} (code -2, {meaning}): check --appid "
                               "against the project's settings")
        raise RejectedData(f"the receiver rejected a batch: code {code} ({meaning}); "
                           f"answer {text!r}", code=code, body=text)

    # -- /data_debug -----------------------------------------------------------------------

    def debug(self, record: bytes, *, dry_run: bool = True) -> DebugAnswer:
        """Send one record to ``/data_debug`` (``dryRun=1``: checked, not stored)."""
        form = urlencode({"appid": self.target.appid, "source": "server",
                          "data": record.decode("utf-8"), "dryRun": "1" if dry_run else "0"})
        status, data = self._post("/data_debug", form.encode(),
                                  {"Content-Type": "application/x-www-form-urlencoded"})
        text = self._http_text("/data_debug", status, data)
        try:
            answer = orjson.loads(data)
            level = int(answer["errorLevel"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            raise RetryableError(f"HTTP 200 without a debug answer ({text[:80]!r})") from None
        reasons = answer.get("errorReasons") or []
        props = answer.get("errorProperties") or []
        if not isinstance(reasons, list):
            reasons = [reasons]
        if not isinstance(props, list):
            props = [props]
        return DebugAnswer(level, tuple(str(r) for r in reasons),
                           tuple(_describe_property(p) for p in props), answer)

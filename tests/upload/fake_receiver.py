"""A ThinkingEngine receiver on 127.0.0.1 for tests and the upload benchmark.

``/sync_server`` keeps the server SDKs' contract (thinkingdata-format.md §8, §10): the
``appid`` header names a known project (else ``{"code":-2}``), the body is a JSON array,
gzipped when ``compress: gzip``; stored records are kept in arrival order. ``/data_debug``
takes the form fields ``appid``, ``source``, ``data``, ``dryRun`` and answers
``{"errorLevel":…,"errorReasons":[…],"errorProperties":[…]}``, storing nothing when
``dryRun=1``.

Faults are scripted per ``/sync_server`` request, in arrival order (:meth:`FakeReceiver.script`),
then every request is answered normally:

- ``"5xx"``: HTTP 503, nothing stored;
- ``"slow"``: stored, then answered after :attr:`FakeReceiver.slow_seconds` (longer than the
  client's timeout: the client gives up and sends again);
- ``"drop"``: the connection is closed before anything is stored or answered;
- ``"lost_ack"``: stored, then the connection is closed without an answer;
- ``"reject"``: ``{"code":-1}``, nothing stored;
- ``"404"``: HTTP 404, as a server that is no receiver answers.

:attr:`FakeReceiver.delay` slows every request down (for the SIGKILL test).
"""

from __future__ import annotations

import gzip
import re
import threading
import time
from collections import Counter, deque
from collections.abc import Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

import orjson

_NAME = re.compile(r"^[A-Za-z#][A-Za-z0-9_]{0,49}$")
_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}$")


class FakeReceiver:
    """Start with :meth:`start`, stop with :meth:`stop`; ``url`` is its base URL."""

    def __init__(self, appids: Iterable[str] = ("test-appid-0001",)) -> None:
        self.appids = set(appids)
        self.stored: list[dict[str, Any]] = []
        self.requests = 0
        self.debug_requests: list[dict[str, str]] = []
        self.faults: deque[str] = deque()
        self.slow_seconds = 1.5
        self.delay = 0.0
        #: Once this many records are stored, requests wait for :attr:`released` (at most
        #: 3 s): the Ctrl-C test interrupts an upload that cannot finish first.
        self.hold_after: int | None = None
        self.released = threading.Event()
        self.lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    # -- control ----------------------------------------------------------------------------

    def script(self, faults: Iterable[str]) -> None:
        with self.lock:
            self.faults.extend(faults)

    def start(self) -> FakeReceiver:
        receiver = self

        class Handler(_Handler):
            owner = receiver

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server.daemon_threads = True
        server.block_on_close = False
        self._server = server
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # -- what arrived -----------------------------------------------------------------------

    def uuids(self) -> Counter[str]:
        with self.lock:
            return Counter(r.get("#uuid") for r in self.stored)

    def next_fault(self) -> str:
        with self.lock:
            self.requests += 1
            return self.faults.popleft() if self.faults else "ok"

    def store(self, records: list[dict[str, Any]]) -> None:
        with self.lock:
            self.stored.extend(records)


def debug_verdict(record: dict[str, Any]) -> dict[str, Any]:
    """A small strict check in the spirit of debug mode: names, ``#time``, ids."""
    reasons: list[str] = []
    props: list[dict[str, Any]] = []
    if not isinstance(record.get("#time"), str) or not _TIME.match(record["#time"]):
        reasons.append("#time is not yyyy-MM-dd HH:mm:ss.SSS")
    if not record.get("#distinct_id") and not record.get("#account_id"):
        reasons.append("#distinct_id and #account_id are both missing")
    for key, value in (record.get("properties") or {}).items():
        if not _NAME.match(key):
            props.append({"propertyName": key, "propertyValue": value,
                          "errorReason": "illegal property name"})
    level = 2 if reasons else 1 if props else 0
    return {"errorLevel": level, "errorReasons": reasons, "errorProperties": props}


class _Handler(BaseHTTPRequestHandler):
    owner: FakeReceiver
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True   # header and body are two writes: no 40 ms stall

    def log_message(self, format: str, *args: Any) -> None:   # quiet
        pass

    def _answer(self, status: int, payload: dict[str, Any]) -> None:
        body = orjson.dumps(payload)
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            self.close_connection = True

    def _hang_up(self) -> None:
        self.close_connection = True

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path == "/sync_server":
            self._sync_server(body)
        elif self.path == "/data_debug":
            self._data_debug(body)
        else:
            self._answer(404, {"error": "not found"})

    def _sync_server(self, body: bytes) -> None:
        owner = self.owner
        if owner.delay:
            time.sleep(owner.delay)
        if owner.hold_after is not None and len(owner.stored) >= owner.hold_after:
            owner.released.wait(3)
        fault = owner.next_fault()
        if fault == "drop":
            return self._hang_up()
        if fault == "5xx":
            return self._answer(503, {"error": "unavailable"})
        if fault == "404":
            return self._answer(404, {"error": "not found"})
        if self.headers.get("appid") not in owner.appids:
            return self._answer(200, {"code": -2, "msg": "appid not exist"})
        if self.headers.get("compress") == "gzip":
            body = gzip.decompress(body)
        records = orjson.loads(body)
        if fault == "reject" or not isinstance(records, list):
            return self._answer(200, {"code": -1, "msg": "invalid data format"})
        owner.store(records)
        if fault == "lost_ack":
            return self._hang_up()
        if fault == "slow":
            time.sleep(owner.slow_seconds)
        self._answer(200, {"code": 0})

    def _data_debug(self, body: bytes) -> None:
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        self.owner.debug_requests.append(form)
        if form.get("appid") not in self.owner.appids:
            return self._answer(200, {"errorLevel": -1, "errorReasons": ["appid not exist"]})
        verdict = debug_verdict(orjson.loads(form["data"]))
        if form.get("dryRun") != "1" and verdict["errorLevel"] == 0:
            self.owner.store([orjson.loads(form["data"])])
        self._answer(200, verdict)

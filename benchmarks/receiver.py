"""A minimal ThinkingEngine receiver for ``make bench``'s upload section, in its own process.

It does what a receiver must do with each ``/sync_server`` request before answering (read the
body, gunzip it, parse the JSON array) and answers ``{"code":0}``: the uploader is measured
against a receiver that costs something but never fails. Run as ``python receiver.py``: it
prints its port on the first line and serves until killed. The tests' fake receiver, with
fault injection, is tests/upload/fake_receiver.py.
"""

from __future__ import annotations

import gzip
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import orjson


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("compress") == "gzip":
            body = gzip.decompress(body)
        code = 0 if isinstance(orjson.loads(body), list) else -1
        answer = orjson.dumps({"code": code})
        self.send_response(200)
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)


if __name__ == "__main__":
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    print(server.server_address[1], flush=True)
    sys.stdout.close()
    server.serve_forever()

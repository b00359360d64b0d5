"""A local stand-in for the 12345 platform's result endpoint (the receiving side of the outbox contract).

Run it with `python -m bureau.petitions.simulator --port 8089` (or `manage.py hotline_simulator`). It accepts
`POST /12345/results` with an `Idempotency-Key` header, keeps the first body per key (a repeat answers
200 `{"duplicate": true}`), can refuse a share of calls (`--fail-rate`) to exercise the retries, and answers
`GET /stats` with how many events and distinct keys it got. Pure Python: no Django, no database.
"""

from __future__ import annotations

import argparse
import json
import random
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class Receiver:
    """The platform's deduplication: one accepted event per idempotency key; the latest `seq` per ticket wins."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.events: dict[str, dict[str, Any]] = {}
        self.calls = 0
        self.duplicates = 0
        self.tickets: dict[str, dict[str, Any]] = {}

    def accept(self, payload: dict[str, Any], key: str) -> bool:
        """True if new, False if the key was seen (then nothing changes)."""
        with self.lock:
            self.calls += 1
            if key in self.events:
                self.duplicates += 1
                return False
            self.events[key] = payload
            ref = str(payload.get("ref"))
            current = self.tickets.get(ref)
            if current is None or int(payload.get("seq") or 0) > int(current.get("seq") or 0):
                self.tickets[ref] = payload
            return True

    def stats(self) -> dict[str, int]:
        with self.lock:
            return {"calls": self.calls, "distinct": len(self.events), "duplicates": self.duplicates,
                    "tickets": len(self.tickets)}

    # the in-process adapter (demo and tests use it as `adapter=`)
    def send(self, payload: dict[str, Any], key: str) -> None:
        if not key:
            raise ValueError("missing Idempotency-Key")
        self.accept(payload, key)

    def close(self) -> None:
        return None


def make_handler(receiver: Receiver, fail_rate: float = 0.0, token: str = "") -> type[BaseHTTPRequestHandler]:
    rng = random.Random(7)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the outbox job reuses one connection
        disable_nagle_algorithm = True  # headers and body are two writes: no 40 ms delayed-ACK stall per call

        def _answer(self, status: int, body: dict[str, Any]) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/stats":
                self._answer(200, receiver.stats())
            else:
                self._answer(404, {"error": "not found"})

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length)
            if self.path != "/12345/results":
                self._answer(404, {"error": "not found"})
                return
            if token and self.headers.get("Authorization") != f"Bearer {token}":
                self._answer(401, {"error": "unauthorised"})
                return
            key = self.headers.get("Idempotency-Key", "")
            try:
                payload = json.loads(raw or b"{}")
            except ValueError:
                self._answer(400, {"error": "invalid json"})
                return
            if not key or not payload.get("ref"):
                self._answer(400, {"error": "Idempotency-Key and ref are required"})
                return
            if fail_rate and rng.random() < fail_rate:
                self._answer(503, {"error": "try again"})
                return
            fresh = receiver.accept(payload, key)
            self._answer(201 if fresh else 200, {"accepted": True, "duplicate": not fresh})

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet by default
            return None

    return Handler


def serve(port: int, *, fail_rate: float = 0.0, token: str = "", host: str = "127.0.0.1") -> ThreadingHTTPServer:
    server = ThreadingHTTPServer((host, port), make_handler(Receiver(), fail_rate, token))
    server.daemon_threads = True
    return server


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="12345 platform simulator (receiving side of the outbox)")
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--fail-rate", type=float, default=0.0)
    parser.add_argument("--token", default="")
    args = parser.parse_args(argv)
    server = serve(args.port, fail_rate=args.fail_rate, token=args.token)
    print(f"12345 simulator on http://127.0.0.1:{args.port}/12345/results", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()

"""A real gunicorn (gunicorn.conf.py, its redacting logger) on the test database, its log captured, and a
small cookie-keeping HTTP client for firing simultaneous requests at it."""
from __future__ import annotations

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import FIXTURE_CONTENT, PASSWORD

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """gunicorn -c gunicorn.conf.py wsgi:app on `database_url` (already migrated), stdout and stderr in `log`."""

    def __init__(self, database_url: str, log: Path, workers: int = 4):
        self.port, self.log = free_port(), log
        env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINING_")}
        env.update(TRAINING_DATABASE_URL=database_url, TRAINING_SECRET_KEY="c" * 64,
                   TRAINING_CONTENT_ROOT=str(FIXTURE_CONTENT), TRAINING_BIND=f"127.0.0.1:{self.port}",
                   TRAINING_WORKERS=str(workers), GUNICORN_CMD_ARGS="--log-level debug")
        self._out = log.open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                                     cwd=ROOT, env=env, stdout=self._out, stderr=subprocess.STDOUT)
        for _ in range(200):
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not start: " + log.read_text(errors="replace")[-2000:])

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        try:
            conn.request(method, path, body=body, headers=headers or {})
            resp = conn.getresponse()
            return resp.status, resp.read().decode("utf-8", "replace"), resp.getheader("Set-Cookie") or ""
        finally:
            conn.close()

    def final_log(self) -> str:
        """Stop the server (its workers finish and flush) and return the whole log."""
        self.stop()
        return self.log.read_text(errors="replace")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=20)
        self._out.close()


@dataclass
class Browser:
    """One signed-in person: a session cookie shared by every request (and thread) it sends."""

    server: LiveServer
    cookie: str = ""
    statuses: list[int] = field(default_factory=list)

    def _headers(self, extra: dict | None = None) -> dict:
        return {**({"Cookie": self.cookie} if self.cookie else {}), **(extra or {})}

    def get(self, path: str) -> str:
        status, body, set_cookie = self.server.request("GET", path, headers=self._headers())
        self._keep(set_cookie)
        self.statuses.append(status)
        return body

    def post(self, path: str, data: dict, token: str) -> tuple[int, str]:
        body = urllib.parse.urlencode({**data, "csrf_token": token}, doseq=True).encode()
        status, text, set_cookie = self.server.request(
            "POST", path, body, self._headers({"Content-Type": "application/x-www-form-urlencoded"}))
        self._keep(set_cookie)
        self.statuses.append(status)
        return status, text

    def post_json(self, path: str, payload: dict, token: str) -> tuple[int, dict]:
        status, text, _ = self.server.request("POST", path, json.dumps(payload).encode(), self._headers({
            "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": token}))
        self.statuses.append(status)
        return status, json.loads(text) if text.startswith("{") else {}

    def _keep(self, set_cookie: str) -> None:
        m = re.search(r"(?:^|, )(session=[^;]+)", set_cookie)
        if m:
            self.cookie = m.group(1)

    def token(self, path: str) -> str:
        html = self.get(path)
        m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', html)
        assert m, f"no CSRF token on {path}"
        return m.group(1)

    def login(self, email: str) -> "Browser":
        status, _ = self.post("/connexion", {"email": email, "password": PASSWORD}, self.token("/connexion"))
        assert status == 302, status
        return self

"""A small keep-alive HTTP client for 127.0.0.1, logged-in user contexts, and a bounded load loop."""
from __future__ import annotations

import http.client
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HOST = "127.0.0.1"


class Conn:
    """One keep-alive connection to 127.0.0.1 (never elsewhere); reconnects when the server closes it."""

    def __init__(self, port: int, timeout: float = 30):
        self.port, self.timeout, self.c = port, timeout, None

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        for attempt in (0, 1):
            if self.c is None:
                self.c = http.client.HTTPConnection(HOST, self.port, timeout=self.timeout)
            try:
                self.c.request(method, path, body=body, headers=headers or {})
                r = self.c.getresponse()
                data = r.read()
                if r.getheader("Connection", "").lower() == "close":
                    self.close()
                return r.status, data, r.getheaders()
            except (http.client.HTTPException, ConnectionError, OSError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    def close(self):
        if self.c is not None:
            self.c.close()
            self.c = None


@dataclass
class User:
    """A browser-like context: its cookies and its CSRF token."""

    email: str
    cookies: dict = field(default_factory=dict)
    csrf: str = ""

    def headers(self, extra: dict | None = None) -> dict:
        h = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())} if self.cookies else {}
        return {**h, **(extra or {})}

    def absorb(self, headers) -> None:
        for name, value in headers:
            if name.lower() == "set-cookie":
                pair = value.split(";", 1)[0]
                k, _, v = pair.partition("=")
                if v:
                    self.cookies[k] = v
                else:
                    self.cookies.pop(k, None)

    def call(self, conn: Conn, method: str, path: str, form: dict | None = None, json_body: bytes | None = None):
        extra = {}
        body = None
        if form is not None:
            body = urlencode({"csrf_token": self.csrf, **form}, doseq=True).encode()
            extra["Content-Type"] = "application/x-www-form-urlencoded"
        elif json_body is not None:
            body = json_body
            extra.update({"Content-Type": "application/json", "X-CSRFToken": self.csrf})
        status, data, headers = conn.request(method, path, body, self.headers(extra))
        self.absorb(headers)
        if method == "GET" and status == 200:
            m = CSRF.search(data.decode("utf-8", "replace"))
            if m:
                self.csrf = m.group(1)
        return status, data, headers


def login(conn: Conn, email: str, password: str) -> User:
    u = User(email)
    u.call(conn, "GET", "/connexion")
    status, _, _ = u.call(conn, "POST", "/connexion", {"email": email, "password": password})
    if status != 302:
        raise RuntimeError(f"login of {email} answered {status}")
    u.call(conn, "GET", "/journal")  # a CSRF token of the logged-in session
    return u


@dataclass
class LoadResult:
    requests: int
    seconds: float
    latencies: list[float]
    statuses: dict[int, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def pct(self, p: float) -> float:
        lat = sorted(self.latencies)
        return lat[min(len(lat) - 1, int(p / 100 * len(lat)))] * 1000 if lat else 0.0


def run_load(port: int, users: list[User], make, connections: int = 16, seconds: float = 5.0,
             max_requests: int = 1_000_000, timeout: float = 30) -> LoadResult:
    """`connections` threads, each with one keep-alive connection, cycling over its share of `users`.

    `make(user, i)` returns (method, path, form, json_body). Bounded by time and request count.
    """
    lock = threading.Lock()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    deadline = time.monotonic() + seconds
    budget = [max_requests]

    def worker(k: int):
        conn, mine = Conn(port, timeout), users[k::connections] or users
        local, codes, i = [], {}, 0
        while time.monotonic() < deadline:
            with lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            u = mine[i % len(mine)]
            method, path, form, body = make(u, i)
            t0 = time.perf_counter()
            try:
                status = u.call(conn, method, path, form, body)[0]
            except OSError:
                status = 599
            local.append(time.perf_counter() - t0)
            codes[status] = codes.get(status, 0) + 1
            i += 1
        conn.close()
        with lock:
            latencies.extend(local)
            for c, n in codes.items():
                statuses[c] = statuses.get(c, 0) + n

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(k,)) for k in range(connections)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return LoadResult(len(latencies), time.monotonic() - started, latencies, statuses)

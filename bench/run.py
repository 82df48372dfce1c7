"""./scripts/bench: the app against hello world, same gunicorn settings, same run, interleaved and repeated.

Prints one table: requests per second, p50, p99, p99/p50, CPU per request (server processes,
from /proc), SQL queries per request, and the ratio to hello world (min, median, max over the
rounds); then start-up time, memory per worker, and the large dataset as a ratio to the small.
"""
from __future__ import annotations

import argparse
import signal
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import event

from . import seed
from .client import Conn, User, login, run_load
from .server import Server
from .targets import Target, scorm_path, targets


def app_env(url: str) -> dict:
    return {"TRAINING_DATABASE_URL": url, "TRAINING_SECRET_KEY": "banc-d-essai-secret-" + "x" * 32,
            "TRAINING_CONTENT_ROOT": str(seed.ROOT)}


def _token(c, path: str) -> str:
    from .client import CSRF
    m = CSRF.search(c.get(path).get_data(as_text=True))
    return m.group(1) if m else ""


def sql_counts(url: str, tlist: list[Target]) -> dict[str, int]:
    """Queries per request of each target, counted in-process on the same data (second request)."""
    from training import create_app, db

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "compte", "CONTENT_ROOT": str(seed.ROOT)})
    engine = db.database(app).engine
    clients, counts = {}, {}
    for who, email in (("trainee", seed.trainee_email(1)), ("trainer", seed.trainer_email(1))):
        c = clients[who] = app.test_client()
        c.post("/connexion", data={"email": email, "password": seed.PASSWORD, "csrf_token": _token(c, "/connexion")})
    n = [0]

    def count(*_):
        n[0] += 1
    for t in (t for t in tlist if t.who != "hello"):
        u = User(seed.trainee_email(1))
        u.anon, u.login_email = {}, seed.trainee_email(1)
        for attempt in (0, 1):
            c = clients.get(t.who) or app.test_client()
            token = _token(c, "/connexion" if t.who == "anonymous" else "/journal")
            method, path, form, body = t.make(u, attempt)
            n[0] = 0
            event.listen(engine, "before_cursor_execute", count)
            if body is not None:
                c.open(path, method=method, data=body, content_type="application/json",
                       headers={"X-CSRFToken": token})
            else:
                c.open(path, method=method, data={**form, "csrf_token": token} if form is not None else None)
            event.remove(engine, "before_cursor_execute", count)
        counts[t.name] = n[0]
    engine.dispose()
    return counts


def pools(port: int) -> dict[str, list[User]]:
    conn = Conn(port)
    out = {"trainee": [login(conn, seed.trainee_email(n), seed.PASSWORD) for n in range(1, seed.TRAINEES + 1)],
           "trainer": [login(conn, seed.trainer_email(n), seed.PASSWORD) for n in range(1, seed.TRAINERS + 1)],
           "anonymous": []}
    for n in range(1, 9):
        u = User(f"anonyme{n}")
        u.call(conn, "GET", "/connexion")
        u.anon, u.login_email = dict(u.cookies), seed.trainee_email(n)
        out["anonymous"].append(u)
    conn.close()
    return out


def measure(server: Server, t: Target, users: list[User], seconds: float, connections: int) -> dict:
    if t.heavy:
        seconds, connections = max(1.0, seconds / 2), min(connections, 4)
    cpu0 = server.cpu_seconds()
    res = run_load(server.port, users, t.make, connections=connections, seconds=seconds,
                   timeout=180 if t.heavy else 30)
    cpu = server.cpu_seconds() - cpu0
    bad = {k: v for k, v in res.statuses.items() if k >= 400}
    return {"rps": res.rps, "p50": res.pct(50), "p99": res.pct(99), "cpu_ms": 1000 * cpu / max(1, res.requests),
            "n": res.requests, "bad": bad}


def _warm(servers: dict, users: dict, tlist: list[Target], heavy_requests: int = 4) -> None:
    """Templates compiled and frozen pages rendered in every worker before anything is measured."""
    for t in tlist:
        for name, server in servers.items():
            if (t.who == "hello") == (name == "hello") and (name != "large" or t.large):
                run_load(server.port, users[name][t.who] if name != "hello" else users["hello"], t.make,
                         connections=4, seconds=3, max_requests=heavy_requests if t.heavy else 40, timeout=180)


def bench_all(urls: dict[str, str], tlist: list[Target], args) -> tuple[dict, dict, dict]:
    """Every round: for each target, hello world, then the target on the small and the large dataset.

    Returns rows[(dataset, target)] -> measurements, ratios[(dataset, target)] -> ratio per round
    (to hello world for "small", to the small dataset's CPU for "large"), and server facts.
    """
    rows: dict = defaultdict(list)
    ratios: dict = defaultdict(list)
    extra = {"GUNICORN_CMD_ARGS": args.gunicorn} if args.gunicorn else {}
    with ExitStack() as stack:
        servers = {"hello": stack.enter_context(Server("bench.hello:app", extra))}
        for name, url in urls.items():
            servers[name] = stack.enter_context(Server("wsgi:app", {**app_env(url), **extra}))
        users = {name: pools(servers[name].port) for name in urls}
        users["hello"] = [User("hello")]
        _warm(servers, users, tlist, 1 if args.quick else 4)
        for rnd in range(args.repeats):
            for t in tlist[1:]:
                if t.heavy and rnd:
                    continue
                ref = measure(servers["hello"], tlist[0], users["hello"], args.seconds, args.connections)
                rows[("small", tlist[0].name)].append(ref)
                if t.who == "hello":
                    got = measure(servers["hello"], t, users["hello"], args.seconds, args.connections)
                else:
                    got = measure(servers["small"], t, users["small"][t.who], args.seconds, args.connections)
                rows[("small", t.name)].append(got)
                ratios[("small", t.name)].append(got["rps"] / ref["rps"] if ref["rps"] else 0.0)
                line = f"{got['rps']:.0f} rps (hello {ref['rps']:.0f}), {got['cpu_ms']:.2f} ms CPU"
                if "large" in servers and t.large and t.who != "hello":
                    big = measure(servers["large"], t, users["large"][t.who], args.seconds, args.connections)
                    rows[("large", t.name)].append(big)
                    ratios[("large", t.name)].append(big["cpu_ms"] / got["cpu_ms"] if got["cpu_ms"] else 0.0)
                    line += f"; large {big['cpu_ms']:.2f} ms CPU"
                bad = {**got["bad"]}
                print(f"  [{rnd + 1}/{args.repeats}] {t.name}: {line}{' ' + str(bad) if bad else ''}",
                      file=sys.stderr, flush=True)
        app = servers["small"]
        info = {"startup_app": app.startup, "startup_hello": servers["hello"].startup,
                "rss": app.worker_rss_mb(), "uss": app.worker_uss_mb(), "workers": len(app.worker_pids())}
    return rows, ratios, info


def import_cpu(url: str) -> float:
    """CPU seconds to import the app (wsgi.py) in a fresh interpreter: steadier than wall time here."""
    code = "import time; t = time.process_time(); import wsgi; print(time.process_time() - t)"
    out = subprocess.run([sys.executable, "-c", code], cwd=seed.ROOT, env={**os.environ, **app_env(url)},
                         capture_output=True, text=True, timeout=120)
    return float(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else float("nan")


def med(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def _spread(values: list[float]) -> str:
    return f"{med(values):.3f} ({min(values):.3f}–{max(values):.3f})" if values else "–"


def table(tlist, rows, ratios, sql) -> str:
    head = ("| target | rps | p50 ms | p99 ms | p99/p50 | CPU ms/req, median (min) | SQL "
            "| ratio to hello, rps: median (min–max) | ratio to hello, CPU | large/small, CPU: median (min–max) |")
    out = [head, "|" + "---|" * (head.count("|") - 1)]
    hello_cpu = min(r["cpu_ms"] for r in rows[("small", tlist[0].name)])
    for t in tlist:
        rs = rows[("small", t.name)]
        if not rs:
            continue
        p50, p99 = med([r["p50"] for r in rs]), med([r["p99"] for r in rs])
        cpus = [r["cpu_ms"] for r in rs]
        out.append(f"| {t.name} | {med([r['rps'] for r in rs]):.0f} | {p50:.1f} | {p99:.1f} | "
                   f"{p99 / p50 if p50 else 0:.1f} | {med(cpus):.2f} ({min(cpus):.2f}) | {sql.get(t.name, '–')} | "
                   f"{_spread(ratios[('small', t.name)]) if t is not tlist[0] else '1'} | "
                   f"{hello_cpu / min(cpus) if min(cpus) else 0:.3f} | {_spread(ratios[('large', t.name)])} |")
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="scripts/bench", description=__doc__)
    ap.add_argument("--quick", action="store_true", help="smoke test: 1 round of 1 s, no large dataset")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--no-large", action="store_true")
    ap.add_argument("--gunicorn", default="", help="extra gunicorn settings for both apps, to compare them")
    ap.add_argument("--only", default="", help="comma-separated words: measure only targets whose name has one")
    ap.add_argument("--load", action="store_true", help="also the 60-second load test (100 trainees, 3 trainers)")
    ap.add_argument("--load-database-url", default="",
                    help="with --load: also the 60-second run on two instances sharing this PostgreSQL")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    if args.quick:
        args.repeats, args.seconds, args.no_large = 1, 0.5, True
    from training import create_app

    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        small_url = seed.working_copy(seed.small_sqlite(), Path(tmp))
        probe = create_app({"DATABASE_URL": small_url, "SECRET_KEY": "x", "CONTENT_ROOT": str(seed.ROOT)})
        tlist = targets(probe.extensions["training.content"], scorm_path(probe))
        if args.only:
            words = args.only.split(",")
            tlist = [t for i, t in enumerate(tlist) if i == 0 or any(w in t.name for w in words)]
        sql = sql_counts(small_url, tlist)
        started = time.monotonic()
        urls = {"small": small_url}
        if not args.no_large:
            urls["large"] = seed.working_copy(seed.large_sqlite(), Path(tmp))
        rows, ratios, info = bench_all(urls, tlist, args)
        print()
        print(table(tlist, rows, ratios, sql))
        print()
        print(f"start-up (gunicorn to first answer): app {info['startup_app']:.2f} s, "
              f"hello world {info['startup_hello']:.2f} s; importing the app: {import_cpu(small_url):.2f} s of CPU")
        print(f"memory per worker ({info['workers']} workers): RSS "
              + ", ".join(f"{x:.0f}" for x in info["rss"]) + " MB; private "
              + ", ".join(f"{x:.0f}" for x in info["uss"]) + " MB")
        print(f"rounds: {args.repeats} × {args.seconds:g} s, {args.connections} connections; "
              f"benchmark took {time.monotonic() - started:.0f} s")
    if args.load:
        from . import load
        rc = load.main(["--seconds", "60", "--trainees", "100", "--trainers", "3"])
        if args.load_database_url:
            rc |= load.main(["--seconds", "60", "--trainees", "100", "--trainers", "3", "--instances", "2",
                             "--database-url", args.load_database_url])
        return rc
    return 0


if __name__ == "__main__":
    sys.exit(main())

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


def bench_dataset(url: str, tlist: list[Target], args, label: str) -> tuple[dict, Server | None, dict]:
    """Every target, each round interleaved with a hello-world run; returns per-target lists."""
    rows: dict[str, list[dict]] = {t.name: [] for t in tlist}
    ratios: dict[str, list[float]] = {t.name: [] for t in tlist}
    info: dict = {}
    extra = {"GUNICORN_CMD_ARGS": args.gunicorn} if args.gunicorn else {}
    with Server("bench.hello:app", extra) as hello, Server("wsgi:app", {**app_env(url), **extra}) as app:
        info["startup_app"], info["startup_hello"] = app.startup, hello.startup
        users = pools(app.port)
        users["hello"] = [User("hello")]
        for t in tlist:  # warm-up: templates compiled and frozen pages rendered in every worker
            run_load((hello if t.who == "hello" else app).port, users[t.who], t.make, connections=4,
                     seconds=3, max_requests=4 if t.heavy else 40, timeout=180)
        for rnd in range(args.repeats):
            for t in tlist:
                if t.who == "hello" and t.name.startswith("hello"):
                    continue
                ref = measure(hello, tlist[0], users["hello"], args.seconds, args.connections)
                rows[tlist[0].name].append(ref)
                server = hello if t.who == "hello" else app
                got = measure(server, t, users[t.who], args.seconds, args.connections)
                rows[t.name].append(got)
                ratios[t.name].append(got["rps"] / ref["rps"] if ref["rps"] else 0.0)
                print(f"  [{label} {rnd + 1}/{args.repeats}] {t.name}: {got['rps']:.0f} rps "
                      f"(hello {ref['rps']:.0f}), {got['cpu_ms']:.2f} ms CPU{' ' + str(got['bad']) if got['bad'] else ''}",
                      file=sys.stderr, flush=True)
        info["rss"], info["uss"] = app.worker_rss_mb(), app.worker_uss_mb()
        info["workers"] = len(app.worker_pids())
    return rows, ratios, info


def import_cpu(url: str) -> float:
    """CPU seconds to import the app (wsgi.py) in a fresh interpreter: steadier than wall time here."""
    code = "import time; t = time.process_time(); import wsgi; print(time.process_time() - t)"
    out = subprocess.run([sys.executable, "-c", code], cwd=seed.ROOT, env={**os.environ, **app_env(url)},
                         capture_output=True, text=True, timeout=120)
    return float(out.stdout.strip().splitlines()[-1]) if out.returncode == 0 else float("nan")


def med(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def table(tlist, rows, ratios, sql, large=None) -> str:
    head = ("| target | rps | p50 ms | p99 ms | p99/p50 | CPU ms/req | SQL | ratio to hello (min–median–max) "
            "| CPU ratio |" + (" large/small CPU |" if large else ""))
    out = [head, "|" + "---|" * (head.count("|") - 1)]
    hello_cpu = med([r["cpu_ms"] for r in rows[tlist[0].name]])
    for t in tlist:
        rs = rows[t.name]
        if not rs:
            continue
        p50, p99, cpu = med([r["p50"] for r in rs]), med([r["p99"] for r in rs]), med([r["cpu_ms"] for r in rs])
        rt = ratios[t.name]
        ratio = f"{med(rt):.3f} ({min(rt):.3f}–{max(rt):.3f})" if rt else "1"
        line = (f"| {t.name} | {med([r['rps'] for r in rs]):.0f} | {p50:.1f} | {p99:.1f} | "
                f"{p99 / p50 if p50 else 0:.1f} | {cpu:.2f} | {sql.get(t.name, '–')} | {ratio} | "
                f"{hello_cpu / cpu if cpu else 0:.3f} |")
        if large:
            lc = large.get(t.name)
            line += f" {lc / cpu:.2f} |" if lc and cpu else " – |"
        out.append(line)
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
        rows, ratios, info = bench_dataset(small_url, tlist, args, "small")
        large_cpu = None
        if not args.no_large:
            large_url = seed.working_copy(seed.large_sqlite(), Path(tmp))
            ltargets = [t for t in tlist if t.large]
            lrows, _, _ = bench_dataset(large_url, ltargets, argparse.Namespace(**{**vars(args), "repeats": 1}),
                                        "large")
            large_cpu = {name: med([r["cpu_ms"] for r in rs]) for name, rs in lrows.items() if rs}
        print()
        print(table(tlist, rows, ratios, sql, large_cpu))
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
        return load.main(["--seconds", "60", "--trainees", "100", "--trainers", "3"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

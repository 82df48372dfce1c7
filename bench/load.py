"""Load test without loss: trainees autosave, submit and take quizzes while trainers mark attendance.

    python -m bench.load [--seconds 15] [--trainees 20] [--trainers 3] [--database-url URL] [--instances 2]

Two trainers also mark the same new row at the same instant, again and again. Every write the
server acknowledged is then checked in the database; the run fails on any lost write, 5xx or
"database is locked". With --instances 2, requests alternate between two gunicorn instances on
one database, and cross-instance checks prove that sessions, login throttling and self-sign
codes live in the database or signed cookies, not in one process's memory.
"""
from __future__ import annotations

import argparse
import signal
import re
import sys
import tempfile
import threading
import time
import uuid
from collections import defaultdict
from contextlib import ExitStack
from pathlib import Path

from sqlalchemy import create_engine, text

from . import seed
from .client import Conn, User, login
from .load_checks import cross_instance_checks, verify
from .server import Server

NONCE = re.compile(r'name="nonce" value="([^"]+)"')
CHOICE = re.compile(r'name="(q-[^"]+)" value="([^"]+)"')


class Ledger:
    """What the server acknowledged, to be found in the database afterwards."""

    def __init__(self):
        self.lock = threading.Lock()
        self.drafts: dict[str, tuple[str, str | None]] = {}  # email -> (last acked text, unacked text after it)
        self.submits: dict[str, list[str]] = defaultdict(list)
        self.nonces: dict[str, list[str]] = defaultdict(list)
        self.marks: dict[tuple[int, int], str] = {}  # own rows: last acked status
        self.history: dict[tuple[int, int], int] = defaultdict(int)  # acked changes on locked sessions
        self.race_rows: list[tuple[int, int]] = []
        self.status: dict[int, int] = defaultdict(int)
        self.requests = 0

    def count(self, status: int) -> None:
        with self.lock:
            self.status[status] += 1
            self.requests += 1


def _pick(conns: list[Conn], i: int) -> Conn:
    return conns[i % len(conns)]


def trainee_loop(u: User, conns: list[Conn], reg_info: dict, ledger: Ledger, deadline: float) -> None:
    draft_ex, submit_ex, quiz = reg_info["draft_ex"], reg_info["submit_ex"], reg_info["quiz"]
    i = 0
    while time.monotonic() < deadline:
        conn = _pick(conns, i)
        body = f"brouillon {u.email} {i} {uuid.uuid4().hex[:6]}"
        st = _call(u, conn, "POST", f"/exercices/{draft_ex}/brouillon", ledger,
                   json_body=('{"text": "%s", "revision": null}' % body).encode())
        with ledger.lock:
            last = ledger.drafts.get(u.email, ("", None))[0]
            ledger.drafts[u.email] = (body, None) if st == 200 else (last, body)
        if i % 3 == 0:
            text_ = f"réponse {u.email} numéro {i} : une situation décrite sans aucun nom."
            st = _call(u, _pick(conns, i + 1), "POST", f"/exercices/{submit_ex}", ledger,
                       form={"text": text_, "revision": "0", "force": "y", "action": "submit"})
            if st == 302:
                with ledger.lock:
                    ledger.submits[u.email].append(text_)
        if i % 4 == 0:
            c = _pick(conns, i + 1)
            status, data, _ = u.call(c, "GET", f"/quiz/{quiz}")
            ledger.count(status)
            page = data.decode("utf-8", "replace")
            m = NONCE.search(page)
            if status == 200 and m:
                answers: dict[str, str] = {}
                for name, value in CHOICE.findall(page):
                    answers.setdefault(name, value)
                form = {**answers, "nonce": m.group(1), "fingerprint": re.search(
                    r'name="fingerprint" value="([^"]+)"', page).group(1)}
                if _call(u, _pick(conns, i), "POST", f"/quiz/{quiz}", ledger, form=form) == 302:
                    with ledger.lock:
                        ledger.nonces[u.email].append(m.group(1))
        i += 1


def _call(u: User, conn: Conn, method: str, path: str, ledger: Ledger, form=None, json_body=None) -> int:
    try:
        status = u.call(conn, method, path, form, json_body)[0]
    except (OSError, AttributeError):  # connection lost (counted apart from the server's 5xx)
        status = 599
    ledger.count(status)
    return status


def trainer_loop(k: int, u: User, conns: list[Conn], rows: list[tuple[int, int]], locked: set[int],
                 ledger: Ledger, deadline: float) -> None:
    """Marks its own rows, alternating present/absent so each change on a locked sheet makes history."""
    i = 0
    while time.monotonic() < deadline:
        sid, pid = rows[i % len(rows)]
        status = ("present", "absent")[(i // len(rows)) % 2]
        form = {"status": status, "reason": "Correction d'après la feuille papier"} if sid in locked \
            else {"status": status}
        if _call(u, _pick(conns, i + k), "POST", f"/seances/{sid}/marques/{pid}", ledger, form=form) == 302:
            with ledger.lock:
                ledger.marks[(sid, pid)] = status
                if sid in locked:
                    ledger.history[(sid, pid)] += 1
        i += 1


def race_loop(pair: list[User], conns: list[Conn], rows: list[tuple[int, int]], ledger: Ledger,
              deadline: float) -> None:
    """Two trainers post the first mark of the same new row at the same instant."""
    barrier = threading.Barrier(2)
    results: dict[int, int] = {}
    own = [Conn(conns[j % len(conns)].port) for j in (0, 1)]  # one connection per trainer (and instance)

    def one(j: int, sid: int, pid: int):
        barrier.wait()
        results[j] = _call(pair[j], own[j], "POST", f"/seances/{sid}/marques/{pid}", ledger,
                           form={"status": "present"})

    for sid, pid in rows:
        if time.monotonic() >= deadline:
            break
        threads = [threading.Thread(target=one, args=(j, sid, pid)) for j in (0, 1)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if 302 in results.values():
            ledger.race_rows.append((sid, pid))
        time.sleep(0.05)


def _database(args, tmp: Path, stack: ExitStack) -> str:
    if not args.database_url:
        url = f"sqlite:///{tmp / 'load.sqlite3'}"
        seed.seed_small(url, trainees=args.trainees + 1, signed=2, marks=False)
        return url
    schema = f"load_{uuid.uuid4().hex[:10]}"
    admin = create_engine(args.database_url.replace("postgresql://", "postgresql+psycopg://", 1),
                          isolation_level="AUTOCOMMIT")
    with admin.connect() as c:
        c.execute(text(f"CREATE SCHEMA {schema}"))

    def drop():
        with admin.connect() as c:
            c.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()
    stack.callback(drop)
    sep = "&" if "?" in args.database_url else "?"
    url = f"{args.database_url}{sep}options=-csearch_path%3D{schema}"
    seed.seed_small(url, trainees=args.trainees + 1, signed=2, marks=False)
    return url


def run(args) -> int:
    from training import create_app

    from .run import app_env

    with tempfile.TemporaryDirectory(prefix="load-") as tmp, ExitStack() as stack:
        url = _database(args, Path(tmp), stack)
        reg = create_app({"DATABASE_URL": url, "SECRET_KEY": "x", "CONTENT_ROOT": str(seed.ROOT)}) \
            .extensions["training.content"]
        module = reg.modules[reg.paths[seed.PATH].module_slugs[0]]
        info = {"draft_ex": module.exercise_slugs[-1], "submit_ex": module.exercise_slugs[0],
                "quiz": module.quiz_slug}
        logs = [Path(tmp) / f"gunicorn-{n}.log" for n in range(args.instances)]
        # Phone signing may open at any hour of the run: the cross-instance check uses a session of today.
        env = {**app_env(url), "TRAINING_SIGN_BEFORE_MINUTES": "1440", "TRAINING_SIGN_AFTER_MINUTES": "1440"}
        servers = [stack.enter_context(Server("wsgi:app", env, log=log)) for log in logs]
        ports = [s.port for s in servers]
        conns = [Conn(p) for p in ports]
        trainees = [login(_pick(conns, n), seed.trainee_email(n), seed.PASSWORD)
                    for n in range(1, args.trainees + 1)]
        trainers = [login(_pick(conns, k), seed.trainer_email(k + 1), seed.PASSWORD) for k in range(args.trainers)]
        race_pair = [login(_pick(conns, j), seed.trainer_email(j + 1), seed.PASSWORD) for j in (0, 1)]
        ledger = Ledger()
        deadline = time.monotonic() + args.seconds
        participants = range(1, args.trainees + 2)
        threads = [threading.Thread(target=trainee_loop, args=(u, [Conn(p) for p in ports], info, ledger, deadline))
                   for u in trainees]
        for k, u in enumerate(trainers):
            rows = [(sid, p) for sid in range(1, 11) for p in participants if p % args.trainers == k]
            threads.append(threading.Thread(target=trainer_loop, args=(
                k, u, [Conn(p) for p in ports], rows, {1, 2}, ledger, deadline)))
        race_rows = [(sid, p) for sid in range(11, 21) for p in participants]
        threads.append(threading.Thread(target=race_loop, args=(race_pair, [Conn(p) for p in ports], race_rows,
                                                                ledger, deadline)))
        started = time.monotonic()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.monotonic() - started
        checks = cross_instance_checks(ports, (seed.trainer_email(1), seed.PASSWORD),
                                       seed.trainee_email(args.trainees + 1), url) if args.instances > 1 else {}
        for s in servers:
            s.__exit__(None, None, None)
        user_ids = {seed.trainee_email(n): 100 + n for n in range(1, args.trainees + 2)}
        lost = verify(url, ledger, user_ids, info)
        log_text = "".join(log.read_text(errors="replace") for log in logs)
    return report(args, ledger, lost, checks, log_text, elapsed)


def report(args, ledger: Ledger, lost: dict, checks: dict, log_text: str, elapsed: float) -> int:
    fivexx = sum(n for s, n in ledger.status.items() if 500 <= s < 599)
    locked = log_text.count("database is locked")
    print(f"load test: {args.trainees} trainees, {args.trainers} trainers, {args.instances} instance(s), "
          f"{'PostgreSQL' if args.database_url else 'SQLite'}, {elapsed:.0f} s")
    print(f"  requests: {ledger.requests} ({ledger.requests / elapsed:.0f}/s); statuses: "
          + ", ".join(f"{s}×{n}" for s, n in sorted(ledger.status.items())))
    print(f"  acknowledged: {sum(1 for d in ledger.drafts.values() if d[0])} last drafts, "
          f"{sum(map(len, ledger.submits.values()))} submits, {sum(map(len, ledger.nonces.values()))} quiz attempts, "
          f"{len(ledger.marks)} mark rows, {sum(ledger.history.values())} history changes, "
          f"{len(ledger.race_rows)} raced new rows")
    print("  lost writes: " + ", ".join(f"{k} {v}" for k, v in lost.items()) + f"; 5xx: {fivexx}; "
          f"« database is locked »: {locked}")
    errors: dict[str, int] = defaultdict(int)
    for line in log_text.splitlines():
        if re.match(r"^[a-zA-Z_.]+(Error|Exception)\b", line):
            errors[line.split(":")[0] + ": " + line.split(":", 1)[-1][:90]] += 1
    for line, n in sorted(errors.items(), key=lambda kv: -kv[1])[:6]:
        print(f"  server error ×{n}: {line}")
    for name, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {name}")
    failed = sum(lost.values()) or fivexx or locked or ledger.status.get(599) or not all(checks.values())
    if fivexx and "IntegrityError" in log_text:
        print("  note: 5xx with IntegrityError in the log (the two-trainer race on a new mark)")
    return 1 if failed else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seconds", type=float, default=15)
    ap.add_argument("--trainees", type=int, default=20)
    ap.add_argument("--trainers", type=int, default=3)
    ap.add_argument("--instances", type=int, default=1, choices=(1, 2))
    ap.add_argument("--database-url", default="", help="postgresql://… (a schema is made and dropped); "
                                                       "default: a fresh SQLite file")
    args = ap.parse_args(argv)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stop the servers on the way out
    if args.trainers < 2:
        ap.error("--trainers must be at least 2 (two of them race on new rows)")
    return run(args)


if __name__ == "__main__":
    sys.exit(main())

"""What the load test checks afterwards: acknowledged writes in the database, and state shared across instances."""
from __future__ import annotations

import re
from collections import defaultdict

from sqlalchemy import create_engine, text

from . import seed
from .client import Conn, User, login

SELF_CODE = re.compile(r'class="self-code">\s*([A-Za-z0-9-]+)\s*<')


def verify(url: str, ledger, user_ids: dict[str, int], info: dict) -> dict[str, int]:
    """Every acknowledged write, looked up in the database."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    lost = dict.fromkeys(("drafts", "submits", "quiz attempts", "marks", "race marks", "history rows"), 0)
    with engine.connect() as c:
        for email, (acked, unacked) in ledger.drafts.items():
            got = c.execute(text("SELECT draft FROM reflection WHERE user_id = :u AND exercise_slug = :e"),
                            {"u": user_ids[email], "e": info["draft_ex"]}).scalar()
            if got != acked and not (unacked and got == unacked) and acked:
                lost["drafts"] += 1
        for email, texts in ledger.submits.items():
            bodies = set(c.execute(text(
                "SELECT v.body FROM reflection_version v JOIN reflection r ON r.id = v.reflection_id "
                "WHERE r.user_id = :u AND r.exercise_slug = :e"), {"u": user_ids[email], "e": info["submit_ex"]})
                .scalars())
            lost["submits"] += sum(1 for t in texts if t not in bodies)
        nonces = set(c.execute(text("SELECT nonce FROM quiz_attempt")).scalars())
        lost["quiz attempts"] = sum(1 for ns in ledger.nonces.values() for n in ns if n not in nonces)
        marks = {(s, p): st for s, p, st in c.execute(text(
            "SELECT session_id, participant_id, status FROM attendance_mark"))}
        lost["marks"] = sum(1 for key, st in ledger.marks.items() if marks.get(key) != st)
        lost["race marks"] = sum(1 for key in ledger.race_rows if key not in marks)
        history = defaultdict(int)
        for s, p in c.execute(text("SELECT session_id, participant_id FROM attendance_change")):
            history[(s, p)] += 1
        lost["history rows"] = sum(max(0, n - history[key]) for key, n in ledger.history.items())
    engine.dispose()
    return dict(lost)


def _session_today(url: str) -> int:
    """A half-day of cohort 1 dated today (the seed's are in the past), for phone signing."""
    from datetime import datetime, time as dtime

    from sqlalchemy import insert

    from zoneinfo import ZoneInfo

    from training.attendance.models import CourseSession

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as c:
        new_id = c.execute(text("SELECT COALESCE(MAX(id), 0) + 1 FROM course_session")).scalar()
        c.execute(insert(CourseSession.__table__).values(
            id=new_id, cohort_id=1, day=datetime.now(ZoneInfo("Europe/Paris")).date(), half="matin", starts_at=dtime(9), ends_at=dtime(12, 30),
            place="Centre social", module_slugs=[], state="open", created_at=datetime.now().astimezone()))
    engine.dispose()
    return new_id


def cross_instance_checks(ports: list[int], trainer: tuple[str, str], spare: str, url: str) -> dict[str, bool]:
    """Nothing that one instance knows is missing on the other."""
    a, b = Conn(ports[0]), Conn(ports[-1])
    out: dict[str, bool] = {}
    u = login(a, trainer[0], trainer[1])
    out["session opened on one instance works on the other"] = u.call(b, "GET", "/journal")[0] == 200
    sid = _session_today(url)
    u.call(a, "POST", f"/seances/{sid}/code", form={})  # opens phone signing on instance a
    status, data, _ = u.call(a, "GET", f"/seances/{sid}/code")
    m = SELF_CODE.search(data.decode("utf-8", "replace"))
    phone = User("phone")
    entered = 0
    if status == 200 and m:
        phone.call(b, "GET", "/emarger")
        entered = phone.call(b, "POST", "/emarger", {"seance": str(sid), "code": m.group(1)})[0]
    out["self-sign code issued on one instance opens on the other"] = bool(
        entered in (302, 303) and phone.call(b, "GET", f"/emarger/seance/{sid}")[0] == 200)
    anon = User("attaquant")
    for n in range(13):  # wrong passwords, alternating instances: 12 lock the account for unknown devices
        conn = (a, b)[n % 2]
        anon.call(conn, "GET", "/connexion")
        anon.call(conn, "POST", "/connexion", {"email": spare, "password": "pas-le-bon-mot-de-passe"})
    late = User("apres")
    late.call(b, "GET", "/connexion")
    status = late.call(b, "POST", "/connexion", {"email": spare, "password": seed.PASSWORD})[0]
    out["login failures counted across instances (account locked)"] = status != 302
    a.close()
    b.close()
    return out

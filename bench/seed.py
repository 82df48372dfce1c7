"""Benchmark datasets, written with bulk INSERTs.

small: one cohort of the full path, 30 trainees with accounts, 20 signed half-days with a
signature per participant, reads, reflections (some shared), quiz attempts, positioning.
large: the small dataset plus 10,000 users, 500 cohorts, 1,000,000 attendance marks and
200,000 reflections around it (SQLite only), cached under bench/.cache/.
"""
from __future__ import annotations

import hashlib
import shutil
import sqlite3
import time
from datetime import date, datetime, time as dtime, timedelta, timezone
from pathlib import Path

from sqlalchemy import insert, text

ROOT = Path(__file__).resolve().parent.parent
CACHE = Path(__file__).resolve().parent / ".cache"
PASSWORD = "banc-d-essai-2026"
TRAINEES, TRAINERS, DAYS = 30, 3, 10
PATH = "parcours-complet"
SIGNATURE = [[[round(0.1 + i / 60, 3), round(0.5 + ((i * 7) % 11 - 5) / 40, 3)] for i in range(40)]
             for _ in range(3)]
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)


def fingerprint() -> str:
    """Changes when the schema or this file changes, to invalidate cached datasets."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    for p in sorted((ROOT / "training" / "migrations" / "versions").glob("*.py")):
        h.update(p.read_bytes())
    return h.hexdigest()[:12]


def trainee_email(n: int) -> str:
    return f"stagiaire{n}@banc.test"


def trainer_email(n: int) -> str:
    return f"formateur{n}@banc.test"


def _rows_users(pw_hash: str, trainees: int) -> list[dict]:
    users = [dict(id=n, email=trainer_email(n), display_name=f"Formatrice Banc{n}", role="trainer")
             for n in range(1, TRAINERS + 1)]
    users += [dict(id=100 + n, email=trainee_email(n), display_name=f"Stagiaire Banc{n:02d}", role="trainee")
              for n in range(1, trainees + 1)]
    for u in users:
        u.update(organisation="Banc d'essai", password_hash=pw_hash, active=True, session_version=1, created_at=NOW)
    return users


def seed_small(url: str, trainees: int = TRAINEES, signed: int = 2 * DAYS, marks: bool = True) -> None:
    """Migrate `url` and write the small dataset (a fresh database).

    The load test uses more trainees, only `signed` locked sessions and no marks yet.
    """
    from training import create_app, db
    from training.accounts.models import User
    from training.accounts.services import hash_password
    from training.attendance.models import AttendanceMark, CourseSession
    from training.cohorts.models import Cohort, Participant, cohort_trainer
    from training.learning.models import (PositioningAnswer, QuizAttempt, Reflection, ReflectionVersion,
                                          SectionRead)

    db.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "seed", "CONTENT_ROOT": str(ROOT), "TESTING": True})
    reg = app.extensions["training.content"]
    path = reg.paths[PATH]
    with db.database(app).engine.begin() as conn:
        conn.execute(insert(User), _rows_users(hash_password(PASSWORD), trainees))
        conn.execute(insert(Cohort), [dict(id=1, name="Groupe banc d'essai", path_slug=PATH, place="Centre social",
                                           audience="professionnels", start_date=date(2026, 11, 2),
                                           end_date=date(2026, 11, 13), join_code="BANC0001", created_at=NOW)])
        conn.execute(insert(cohort_trainer), [dict(cohort_id=1, user_id=n) for n in range(1, TRAINERS + 1)])
        conn.execute(insert(Participant), [dict(id=n, cohort_id=1, user_id=100 + n, full_name=f"Stagiaire Banc{n:02d}",
                                                organisation="Banc d'essai", job="Éducatrice",
                                                joined_at=NOW - timedelta(days=30))
                                           for n in range(1, trainees + 1)])
        sessions, sid = [], 0
        for d in range(DAYS):
            day = date(2026, 11, 2) + timedelta(days=d + 2 * (d // 5))
            for half, start, end in (("matin", dtime(9), dtime(12, 30)), ("apres-midi", dtime(13, 30), dtime(17))):
                sid += 1
                lock = sid <= signed
                sessions.append(dict(id=sid, cohort_id=1, day=day, half=half, starts_at=start, ends_at=end,
                                     place="Centre social", module_slugs=[],
                                     trainer_signature=SIGNATURE if lock else None,
                                     signed_by_id=1 if lock else None, signed_at=NOW if lock else None,
                                     state="signed" if lock else "open",
                                     created_at=NOW))
        conn.execute(insert(CourseSession), sessions)
        if marks:
            conn.execute(insert(AttendanceMark), [
                dict(session_id=s["id"], participant_id=p, status="present", signature=SIGNATURE, signed_at=NOW,
                     signed_via="tablet", updated_at=NOW, updated_by_id=1)
                for s in sessions for p in range(1, trainees + 1)])
        done = [reg.modules[m] for m in path.module_slugs[:4]]
        conn.execute(insert(SectionRead), [dict(user_id=100 + n, module_slug=m.slug, section_slug=sec.slug, read_at=NOW)
                                           for n in range(1, trainees + 1) for m in done for sec in m.sections])
        refl, versions, rid = [], [], 0
        for n in range(1, trainees + 1):
            for m in done:
                for ex in m.exercise_slugs[:1]:
                    rid += 1
                    body = f"Réponse de banc d'essai {rid} : décrire la situation, les acteurs, le cadre."
                    refl.append(dict(id=rid, user_id=100 + n, exercise_slug=ex, draft=body, body=body, revision=1,
                                     submitted_at=NOW, shared_cohort_id=1 if n % 3 == 0 else None,
                                     shared_at=NOW + timedelta(minutes=1) if n % 3 == 0 else None,
                                     created_at=NOW, updated_at=NOW))
                    versions.append(dict(reflection_id=rid, number=1, body=body, submitted_at=NOW))
        conn.execute(insert(Reflection), refl)
        conn.execute(insert(ReflectionVersion), versions)
        conn.execute(insert(QuizAttempt), [
            dict(user_id=100 + n, quiz_slug=m.quiz_slug, answers={}, score=3, max_score=len(reg.quizzes[m.quiz_slug].questions),
                 passed=False, nonce=f"seed-{n}-{m.slug}", created_at=NOW)
            for n in range(1, trainees + 1) for m in done])
        if path.positioning_slug:
            statements = reg.positionings[path.positioning_slug].statements
            conn.execute(insert(PositioningAnswer), [
                dict(user_id=100 + n, questionnaire_slug=path.positioning_slug, phase="debut",
                     answers={st.slug: 1 + (n + i) % 4 for i, st in enumerate(statements)}, created_at=NOW)
                for n in range(1, trainees + 1)])
        if conn.dialect.name == "postgresql":  # explicit ids above: move the sequences past them
            for table in ("user_account", "cohort", "participant", "course_session", "reflection"):
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                  f"(SELECT max(id) FROM {table}))"))
    db.database(app).engine.dispose()


def small_sqlite() -> Path:
    """The cached small SQLite dataset (built on first use)."""
    target = CACHE / f"small-{fingerprint()}.sqlite3"
    if not target.exists():
        CACHE.mkdir(exist_ok=True)
        tmp = target.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        seed_small(f"sqlite:///{tmp}")
        tmp.rename(target)
    return target


def _ts(dt: datetime) -> str:
    return dt.replace(tzinfo=None).isoformat(sep=" ")


def grow_large(path: Path, users: int = 10_000, cohorts: int = 500, marks: int = 1_000_000,
               reflections: int = 200_000) -> None:
    """Add the large dataset's rows around the small one, with raw executemany on SQLite."""
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=OFF")
    con.execute("PRAGMA synchronous=OFF")
    pw = con.execute("SELECT password_hash FROM user_account LIMIT 1").fetchone()[0]
    now, base_uid, base_cid = _ts(NOW), 10_000, 1_000
    con.executemany("INSERT INTO user_account (id, email, display_name, organisation, role, password_hash, active, "
                    "session_version, created_at) VALUES (?, ?, ?, '', 'trainee', ?, 1, 1, ?)",
                    ((base_uid + i, f"u{i}@grand.test", f"Personne {i}", pw, now) for i in range(users)))
    con.executemany("INSERT INTO cohort (id, name, path_slug, place, audience, start_date, end_date, created_at) "
                    "VALUES (?, ?, ?, 'Ailleurs', 'professionnels', '2026-01-05', '2026-06-30', ?)",
                    ((base_cid + c, f"Groupe {c}", PATH, now) for c in range(cohorts)))
    con.executemany("INSERT INTO cohort_trainer (cohort_id, user_id) VALUES (?, ?)",
                    ((base_cid + c, base_uid + c) for c in range(cohorts)))
    per = users // cohorts
    con.executemany("INSERT INTO participant (id, cohort_id, user_id, full_name, organisation, job, joined_at) "
                    "VALUES (?, ?, ?, ?, '', '', ?)",
                    ((base_uid + i, base_cid + i // per, base_uid + i, f"Personne {i}", now) for i in range(users)))
    per_cohort_sessions = marks // users
    con.executemany("INSERT INTO course_session (id, cohort_id, day, half, starts_at, ends_at, place, module_slugs, "
                    "created_at) VALUES (?, ?, ?, 'matin', '09:00:00.000000', '12:30:00.000000', '', '[]', ?)",
                    ((base_cid * 100 + c * per_cohort_sessions + k, base_cid + c,
                      (date(2026, 1, 5) + timedelta(days=k)).isoformat(), now)
                     for c in range(cohorts) for k in range(per_cohort_sessions)))
    sig = '[[[0.1,0.5],[0.2,0.4],[0.3,0.6]]]'
    con.executemany("INSERT INTO attendance_mark (session_id, participant_id, status, signature, signed_at, "
                    "signed_via, updated_at) VALUES (?, ?, 'present', ?, ?, 'tablet', ?)",
                    ((base_cid * 100 + (i // per) * per_cohort_sessions + k, base_uid + i, sig, now, now)
                     for i in range(users) for k in range(per_cohort_sessions)))
    per_user = reflections // users
    con.executemany("INSERT INTO reflection (user_id, exercise_slug, draft, body, revision, submitted_at, "
                    "shared_cohort_id, shared_at, created_at, updated_at) VALUES (?, ?, '', ?, 1, ?, ?, ?, ?, ?)",
                    ((base_uid + i, f"exercice-{k}", "Texte", now, base_cid + i // per if k == 0 else None,
                      now if k == 0 else None, now, now) for i in range(users) for k in range(per_user)))
    con.commit()
    con.execute("ANALYZE")
    con.close()


def large_sqlite() -> Path:
    target = CACHE / f"large-{fingerprint()}.sqlite3"
    if not target.exists():
        tmp = target.with_suffix(".tmp")
        shutil.copy(small_sqlite(), tmp)
        started = time.monotonic()
        grow_large(tmp)
        tmp.rename(target)
        print(f"large dataset generated in {time.monotonic() - started:.1f} s")
    return target


def working_copy(source: Path, directory: Path) -> str:
    """A throwaway copy of a cached dataset (the benchmark writes to it); returns its URL."""
    target = directory / source.name
    shutil.copy(source, target)
    return f"sqlite:///{target}"

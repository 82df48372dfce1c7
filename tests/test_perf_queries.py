"""Queries per page: a fixed number whatever the data, and no statement sent twice in one request.

On the benchmark's dataset (bench/seed.py), each page is requested, then the data grows (more
sessions and marks, more quiz attempts, reads and reflections) and the page is requested again:
the number of queries must not move, and no query may repeat (an object loaded twice).
"""
from __future__ import annotations

from datetime import datetime, time, timedelta, timezone

import pytest
from sqlalchemy import event, insert

from bench import seed
from tests.test_perf_explain import _login
from training import create_app, db
from training.attendance.models import AttendanceMark, CourseSession
from training.learning.models import QuizAttempt, Reflection, SectionRead

LIMITS = {  # path -> (who, most queries allowed)
    "/modules/comprendre": ("trainee", 2),
    "/quiz/comprendre": ("trainee", 2),
    "/exercices/comprendre-affaire-de-police": ("trainee", 4),
    "/": ("trainee", 7),
    "/parcours/parcours-complet": ("trainee", 2),
    "/cohortes/1/tableau-de-bord": ("trainer", 12),
}
NOW = datetime(2026, 11, 25, 9, tzinfo=timezone.utc)


@pytest.fixture
def seeded(database_url):
    seed.seed_small(database_url)
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x" * 40, "CONTENT_ROOT": str(seed.ROOT),
                      "TESTING": True})
    yield app
    db.database(app).engine.dispose()


def _grow(app) -> None:
    """Five more half-days with marks, and more of everything for every trainee."""
    reg = app.extensions["training.content"]
    modules = [reg.modules[m] for m in reg.paths[seed.PATH].module_slugs]
    with db.database(app).engine.begin() as conn:
        conn.execute(insert(CourseSession), [dict(id=100 + k, cohort_id=1, day=NOW.date() + timedelta(days=k),
                                                  half="matin", starts_at=time(9), ends_at=time(12), place="",
                                                  module_slugs=[], created_at=NOW) for k in range(5)])
        conn.execute(insert(AttendanceMark), [dict(session_id=100 + k, participant_id=p, status="late",
                                                   arrival=time(10), updated_at=NOW)
                                              for k in range(5) for p in range(1, seed.TRAINEES + 1)])
        users = [100 + n for n in range(1, seed.TRAINEES + 1)]
        conn.execute(insert(QuizAttempt), [dict(user_id=u, quiz_slug=m.quiz_slug, answers={}, score=1, max_score=5,
                                                passed=True, nonce=f"grow-{u}-{m.slug}", created_at=NOW)
                                           for u in users for m in modules])
        conn.execute(insert(SectionRead), [dict(user_id=u, module_slug=m.slug, section_slug=sec.slug, read_at=NOW)
                                           for u in users for m in modules[4:] for sec in m.sections])
        conn.execute(insert(Reflection), [dict(user_id=u, exercise_slug=m.exercise_slugs[-1], draft="", body="Texte",
                                               revision=1, submitted_at=NOW, created_at=NOW, updated_at=NOW)
                                          for u in users for m in modules[4:]])


def _queries(app, clients, path, who) -> list[tuple[str, str]]:
    engine = db.database(app).engine
    sent: list[tuple[str, str]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        sent.append((statement, repr(parameters)))
    event.listen(engine, "before_cursor_execute", capture)
    try:
        assert clients[who].get(path).status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    return sent


def test_query_counts_are_constant_and_no_query_repeats(seeded):
    clients = {"trainee": seeded.test_client(), "trainer": seeded.test_client()}
    _login(clients["trainee"], seed.trainee_email(3))
    _login(clients["trainer"], seed.trainer_email(1))
    before = {path: _queries(seeded, clients, path, who) for path, (who, _) in LIMITS.items()}
    _grow(seeded)
    for path, (who, limit) in LIMITS.items():
        after = _queries(seeded, clients, path, who)
        assert len(after) == len(before[path]), (path, len(before[path]), len(after))
        assert len(after) <= limit, (path, len(after), [s for s, _ in after])
        repeated = [s for s in set(after) if after.count(s) > 1]
        assert not repeated, (path, repeated)

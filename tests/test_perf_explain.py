"""Every query of every measured page uses an index: EXPLAIN on both engines, on the benchmark's dataset.

The dataset is the benchmark's own (bench/seed.py: a cohort of 30 with signed sheets, reads,
reflections, quizzes). Each page is requested as its user would; every statement it sends is
explained, and a full scan of a table fails the test, naming the query.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from bench import seed
from training import create_app, db

PAGES = {  # path -> who asks
    "/": "trainee", "/modules/comprendre": "trainee", "/parcours/parcours-complet": "trainee",
    "/journal": "trainee", "/cohortes/1/tableau-de-bord": "trainer", "/seances/1": "trainer",
    "/cohortes/1": "trainer", "/cohortes": "trainer", "/quiz/comprendre": "trainee",
    "/exercices/comprendre-affaire-de-police": "trainee",
}


@pytest.fixture
def seeded(database_url):
    seed.seed_small(database_url)
    app = create_app({"DATABASE_URL": database_url, "SECRET_KEY": "x" * 40, "CONTENT_ROOT": str(seed.ROOT),
                      "TESTING": True})
    yield app
    db.database(app).engine.dispose()


def _login(client, email):
    page = client.get("/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    assert client.post("/connexion", data={"email": email, "password": seed.PASSWORD,
                                           "csrf_token": token}).status_code == 302


def _statements(app) -> list[tuple[str, str, object]]:
    """(page, statement, parameters) of every query the pages send once signed in."""
    engine = db.database(app).engine
    clients = {"trainee": app.test_client(), "trainer": app.test_client()}
    _login(clients["trainee"], seed.trainee_email(3))
    _login(clients["trainer"], seed.trainer_email(1))
    seen: list[tuple[str, str, object]] = []
    for path, who in PAGES.items():
        def capture(conn, cursor, statement, parameters, context, executemany, path=path):
            seen.append((path, statement, parameters))
        event.listen(engine, "before_cursor_execute", capture)
        try:
            assert clients[who].get(path).status_code == 200, path
        finally:
            event.remove(engine, "before_cursor_execute", capture)
    return [(p, st, params) for p, st, params in seen if st.lstrip().upper().startswith("SELECT")]


def _full_scans(conn, dialect: str, statement: str, params) -> list[str]:
    if dialect == "sqlite":
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params).all()
        # "SCAN t" reads the whole table; "SEARCH t USING …" and "SCAN t USING COVERING INDEX" do not.
        return [r[-1] for r in rows if re.match(r"SCAN (?!CONSTANT)\w+$", r[-1]) or
                re.match(r"SCAN \w+ (?!USING (COVERING )?INDEX)", r[-1])]
    conn.exec_driver_sql("SET enable_seqscan = off")  # tiny tables: find out whether an index *could* be used
    rows = conn.exec_driver_sql("EXPLAIN " + statement, params).scalars().all()
    return [r.strip() for r in rows if "Seq Scan" in r]


def test_no_page_query_reads_a_whole_table(seeded):
    found = []
    statements = _statements(seeded)
    assert len(statements) > 20
    with db.database(seeded).engine.connect() as conn:
        dialect = conn.dialect.name
        # the detector itself: a filter on an unindexed column is a full scan
        assert _full_scans(conn, dialect, "SELECT id FROM reflection WHERE body = 'x'", {} if dialect != "sqlite" else ())
        for path, statement, params in statements:
            scans = _full_scans(conn, dialect, statement, params)
            if scans:
                found.append(f"{path}: {scans} in {' '.join(statement.split())[:220]}")
    assert not found, "\n".join(found)

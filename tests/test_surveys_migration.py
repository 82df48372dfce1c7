"""Migration 0004 keeps survey data: answers get new random ids and are released by whole batches; receipts stay."""
from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from training import db


def test_answers_and_receipts_survive_the_rebuild_and_back(database_url):
    db.upgrade(database_url, "0002")
    engine = create_engine(db.engine_url(database_url))
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO cohort (id, name, path_slug, place, audience, start_date, end_date, "
                              "created_at) VALUES (1, 'G', 'complet', '', 'professionnels', '2026-12-01', "
                              "'2026-12-02', CURRENT_TIMESTAMP)"))
            for n in (1, 2):
                conn.execute(text("INSERT INTO participant (id, cohort_id, full_name, organisation, job, joined_at) "
                                  "VALUES (:n, 1, :name, '', '', CURRENT_TIMESTAMP)"), {"n": n, "name": f"P{n}"})
                conn.execute(text("INSERT INTO survey_receipt (participant_id, kind, answered_on) "
                                  "VALUES (:n, 'chaud', '2026-12-02')"), {"n": n})
            for n in range(7):
                conn.execute(text("INSERT INTO survey_response (id, cohort_id, kind, answers, answered_on) "
                                  "VALUES (:id, 1, 'chaud', :answers, '2026-12-02')"),
                             {"id": f"{n:032x}", "answers": f'{{"global": {n % 5 + 1}}}'})
        db.upgrade(database_url)
        with engine.connect() as conn:
            rows = conn.execute(text("SELECT id, released, answers FROM survey_response")).all()
            assert len(rows) == 7 and sum(bool(r.released) for r in rows) == 5
            assert not {r.id for r in rows} & {f"{n:032x}" for n in range(7)}
            assert conn.execute(text("SELECT count(*) FROM survey_receipt")).scalar() == 2
        command.downgrade(db.alembic_config(database_url), "0002")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM survey_response")).scalar() == 7
            assert conn.execute(text("SELECT count(*) FROM survey_receipt WHERE id IS NOT NULL")).scalar() == 2
    finally:
        engine.dispose()

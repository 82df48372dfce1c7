"""Migrations keep data: enrolments of the first schema become participants, and back."""
from __future__ import annotations

from sqlalchemy import create_engine, text

from training import db


def test_enrolments_become_participants(database_url):
    db.upgrade(database_url, "0001")
    engine = create_engine(database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.begin() as conn:
            conn.execute(text("INSERT INTO user_account (id, email, display_name, organisation, role, password_hash, "
                              "active, session_version, created_at) VALUES (1, 'a@test.fr', 'Amina Test', 'ADDAP', "
                              "'trainee', 'x', true, 1, CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO cohort (id, name, path_slug, place, start_date, end_date, created_at) "
                              "VALUES (1, 'G', 'complet', '', '2026-12-01', '2026-12-02', CURRENT_TIMESTAMP)"))
            conn.execute(text("INSERT INTO enrolment (cohort_id, user_id, joined_at) VALUES (1, 1, CURRENT_TIMESTAMP)"))
        db.upgrade(database_url)
        with engine.connect() as conn:
            row = conn.execute(text("SELECT cohort_id, user_id, full_name, organisation FROM participant")).one()
            assert tuple(row) == (1, 1, "Amina Test", "ADDAP")
            assert conn.execute(text("SELECT audience FROM cohort")).scalar() == "professionnels"
        from alembic import command
        command.downgrade(db.alembic_config(database_url), "0001")
        with engine.connect() as conn:
            assert conn.execute(text("SELECT user_id FROM enrolment")).scalar() == 1
    finally:
        engine.dispose()

"""Fixtures: an app on a fresh migrated database (SQLite, or PostgreSQL when asked), clients, factories."""
from __future__ import annotations

import contextlib
import os
import re
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from training import create_app, db
from training.accounts.services import create_user
from training.cohorts.services import create_cohort, enrol

FIXTURE_CONTENT = Path(__file__).parent / "fixtures" / "content"
PASSWORD = "mot-de-passe-solide"
PG_URL = os.environ.get("TRAINING_TEST_DATABASE_URL", "")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """In CI (CI=true) a skipped test is a failure: nothing may silently not run."""
    report = yield
    if os.environ.get("CI") == "true" and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = f"skipped in CI: {report.longrepr}"
    return report


@contextlib.contextmanager
def scratch_database(folder: Path, prefix: str = "t"):
    """A SQLite file in `folder`, or a fresh schema on PostgreSQL dropped afterwards: the URL to use."""
    if not PG_URL:
        yield f"sqlite:///{folder / 'test.sqlite3'}"
        return
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@pytest.fixture
def database_url(tmp_path):
    with scratch_database(tmp_path) as url:
        yield url


@pytest.fixture
def make_app(tmp_path, database_url):
    apps = []

    def factory(migrate: bool = True, **overrides):
        cfg = {"TESTING": True, "DATABASE_URL": database_url, "CONTENT_ROOT": str(FIXTURE_CONTENT),
               "LOGIN_DELAY_SECONDS": 0.0, **overrides}
        if migrate:
            db.upgrade(cfg["DATABASE_URL"])
        application = create_app(cfg)
        application.instance_path = str(tmp_path / "instance")
        apps.append(application)
        return application

    yield factory
    for application in apps:
        db.database(application).engine.dispose()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_user(app):
    counter = iter(range(1, 10_000))

    def factory(role: str = "trainee", name: str | None = None, email: str | None = None):
        n = next(counter)
        with app.app_context():
            s = db.session()
            user = create_user(s, email or f"{role}{n}@test.fr", name or f"{role.title()} Numéro{n}", role, PASSWORD)
            s.commit()
            return user
    return factory


@pytest.fixture
def make_cohort(app):
    from datetime import date

    def factory(trainer, name: str = "Groupe test"):
        with app.app_context():
            s = db.session()
            s.add(trainer)
            cohort = create_cohort(s, trainer, name, "complet", "Centre social", date(2026, 12, 1),
                                   date(2026, 12, 2), {"complet"})
            s.commit()
            return cohort
    return factory


@pytest.fixture
def enrol_user(app):
    def factory(cohort, user):
        with app.app_context():
            s = db.session()
            enrol(s, s.merge(cohort), s.merge(user))
            s.commit()
    return factory


def csrf_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert m, f"no CSRF token on {path}"
    return m.group(1)


@pytest.fixture
def login(client):
    def do(user, password: str = PASSWORD, follow: bool = False):
        token = csrf_token(client, "/connexion")
        return client.post("/connexion", data={"email": user.email, "password": password, "csrf_token": token},
                           follow_redirects=follow)
    return do


@pytest.fixture
def make_participant(app):
    """A participant without an account (e.g. a caretaker who attends in the room only)."""
    from training.cohorts.models import Participant

    def factory(cohort, full_name: str, organisation: str = "Bailleur Habitat Sud", job: str = "Gardien"):
        with app.app_context():
            s = db.session()
            p = Participant(cohort_id=cohort.id, full_name=full_name, organisation=organisation, job=job)
            s.add(p)
            s.commit()
            return p
    return factory


@pytest.fixture
def make_sessions(app):
    """Create a schedule of `days` days (two half-days each) from `first_day`; returns the sessions."""
    from datetime import date

    from training.attendance.services import add_sessions, schedule_specs

    def factory(cohort, first_day=None, days: int = 2):
        with app.app_context():
            s = db.session()
            first = first_day or date(2026, 12, 1)
            created = add_sessions(s, None, s.merge(cohort), schedule_specs(first, days, "Centre social"),
                                   today=first, allow_past=True, confirmed=True)
            s.commit()
            return created
    return factory


SIGNATURE = [[[0.1, 0.5], [0.2, 0.4], [0.3, 0.6], [0.4, 0.5], [0.5, 0.45]]]

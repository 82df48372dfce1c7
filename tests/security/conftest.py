"""Module-scoped app and world for the security suite (one populated database per test module)."""
from __future__ import annotations

import pytest
from sqlalchemy import inspect

from tests.conftest import FIXTURE_CONTENT, scratch_database
from tests.security import world as world_mod
from training import create_app, db


@pytest.fixture(scope="module")
def module_db_url(tmp_path_factory):
    with scratch_database(tmp_path_factory.mktemp("secu"), prefix="s") as url:
        yield url


def _make_app(url: str, tmp):
    # Signatures accepted all day for today's sessions, whatever the hour the suite runs.
    cfg = {"TESTING": True, "DATABASE_URL": url, "CONTENT_ROOT": str(FIXTURE_CONTENT), "LOGIN_DELAY_SECONDS": 0.0,
           "SIGN_BEFORE_MINUTES": 1440, "SIGN_AFTER_MINUTES": 1440}
    db.upgrade(url)
    app = create_app(cfg)
    app.instance_path = str(tmp / "instance")
    return app


@pytest.fixture(scope="module")
def sec_app(module_db_url, tmp_path_factory):
    app = _make_app(module_db_url, tmp_path_factory.mktemp("secu-app"))
    yield app
    db.database(app).engine.dispose()


@pytest.fixture(scope="module")
def world(sec_app):
    return world_mod.build(sec_app)


def snapshot(app) -> dict[str, list]:
    """Every row of every table, in primary-key order: compared before and after a request."""
    with app.app_context():
        engine = db.database(app).engine
        out = {}
        with engine.connect() as conn:
            for table in db.Base.metadata.sorted_tables:
                if not inspect(conn).has_table(table.name):
                    continue
                order = [c for c in table.primary_key.columns] or list(table.columns)
                out[table.name] = [tuple(r) for r in conn.execute(table.select().order_by(*order))]
        return out


def diff(before: dict, after: dict) -> list[str]:
    return [name for name in set(before) | set(after) if before.get(name) != after.get(name)]

"""Engine, per-request session, declarative base and the migration-state check."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import MetaData, create_engine, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import DateTime, TypeDecorator

MIGRATIONS = Path(__file__).resolve().parent / "migrations"

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Timezone-aware UTC datetimes on every engine (SQLite stores them naive)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None:
            if value.tzinfo is None:
                raise ValueError("naive datetime")
            value = value.astimezone(timezone.utc)
            if dialect.name == "sqlite":
                value = value.replace(tzinfo=None)
        return value

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        return value


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UTCDateTime()}


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def engine_url(url: str) -> str:
    """The URL SQLAlchemy needs: `postgresql://` is served by psycopg 3."""
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def make_engine(url: str) -> Engine:
    """The app's and the CLI's engine. Statement parameters never appear in an error or a log:
    they carry reflections, drafts and survey answers (migrations/env.py does the same)."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 15}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn, _record):  # our engine only, not every sqlite connection
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=15000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()
        return engine
    engine = create_engine(engine_url(url), pool_pre_ping=True, pool_size=5, max_overflow=10, hide_parameters=True)
    scrub_driver_errors(engine)
    return engine


def scrub_driver_errors(engine: Engine) -> None:
    """Keep PostgreSQL's DETAIL out of error messages: it quotes the values of the failing row
    (« Key (…)=(…) already exists », « Failing row contains (…) »), hide_parameters or not."""

    @event.listens_for(engine, "handle_error")
    def _scrub(context):
        orig = context.original_exception
        diag = getattr(orig, "diag", None)
        if diag is not None and getattr(diag, "message_detail", None):
            full, short = str(orig), diag.message_primary or type(orig).__name__
            orig.args = (short,)
            wrapped = context.sqlalchemy_exception
            if wrapped is not None and len(wrapped.args) == 1 and isinstance(wrapped.args[0], str):
                wrapped.args = (wrapped.args[0].replace(full, short),)


# -- create if missing, safe under concurrency ---------------------------------------------
#
# Reading first and adding when absent races: two requests both see nothing and the second
# INSERT breaks the unique constraint (a 500). Instead, INSERT ... ON CONFLICT DO NOTHING first,
# then read the row under a lock. On SQLite the INSERT takes the database's write lock, so the
# rest of the transaction runs alone; on PostgreSQL it waits for a concurrent inserter to commit,
# and SELECT ... FOR UPDATE serialises the updates that follow.

def insert_missing(s: Session, model, values: dict, keys: list[str]) -> bool:
    """INSERT `values` into `model`'s table unless a row with the same `keys` exists.

    `keys` must be the columns of a unique constraint. Returns True when a row was inserted.
    """
    dialect = s.get_bind().dialect.name
    insert = {"sqlite": sqlite.insert, "postgresql": postgresql.insert}[dialect]
    table = model.__table__
    stmt = insert(table).values(**values).on_conflict_do_nothing(index_elements=keys).returning(table.c[keys[0]])
    return s.execute(stmt).first() is not None  # rowcount is not reliable here on psycopg


def locked_row(s: Session, model, keys: dict):
    """The row matching `keys`, locked for the rest of the transaction, fresh from the database."""
    stmt = select(model).filter_by(**keys).with_for_update().execution_options(populate_existing=True)
    return s.scalars(stmt).one()


def get_or_create(s: Session, model, keys: dict, defaults: dict | None = None):
    """The row matching `keys` (a unique constraint), created with `defaults` if missing, locked."""
    insert_missing(s, model, {**keys, **(defaults or {})}, list(keys))
    return locked_row(s, model, keys)


class Database:
    def __init__(self, url: str):
        self.url = url
        self.engine = make_engine(url)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        self.schema_ok = False


def init_app(app: Flask) -> None:
    app.extensions["training.db"] = Database(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def database(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["training.db"]


def session() -> Session:
    """The session of the current request (or CLI command), created on first use."""
    if "db_session" not in g:
        g.db_session = database().sessionmaker()
    return g.db_session


def _close_session(exc: BaseException | None) -> None:
    s = g.pop("db_session", None)
    if s is not None:
        if exc is not None:
            s.rollback()
        s.close()


def alembic_config(url: str):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision(url: str) -> str | None:
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config(url)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(url: str, revision: str = "head") -> None:
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def schema_state(db: Database) -> tuple[str | None, str | None]:
    return current_revision(db.engine), head_revision(db.url)

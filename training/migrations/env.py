"""Alembic environment: uses the URL given by training.db.alembic_config and our metadata."""
from alembic import context
from sqlalchemy import create_engine, pool

from training.accounts import models as _accounts  # noqa: F401  (register tables)
from training.cohorts import models as _cohorts  # noqa: F401
from training.db import Base, engine_url, scrub_driver_errors
from training.learning import models as _learning  # noqa: F401
from training.attendance import models as _attendance  # noqa: F401
from training.documents import models as _documents  # noqa: F401
from training.organisation import models as _organisation  # noqa: F401
from training.presentation import models as _presentation  # noqa: F401
from training.surveys import models as _surveys  # noqa: F401

config = context.config
target_metadata = Base.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    # Not training.db.make_engine: no SQLite pragmas here (foreign_keys=ON would cascade when batch
    # mode recreates a table), but parameters stay out of error messages all the same.
    engine = create_engine(engine_url(config.get_main_option("sqlalchemy.url")), poolclass=pool.NullPool,
                           hide_parameters=True)
    scrub_driver_errors(engine)
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()

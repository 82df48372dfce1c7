"""Application factory for « Intervention sociale à l'épreuve des trafics »."""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from flask import Flask

from . import config, db
from .content.loader import load_content
from .content.parsing import ContentInvalid


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Build the app: config, database, content, blueprints, security, errors, commands.

    Raises ConfigError or ContentInvalid with a readable French message; never migrates
    or writes files.
    """
    app = Flask(__name__, instance_relative_config=True)
    try:
        config.load_config(app, test_config)
        db.init_app(app)
        load_course(app)
    except (config.ConfigError, ContentInvalid) as exc:
        if test_config is not None:
            raise
        # From the command line or gunicorn: the readable list, not a traceback.
        print(f"Démarrage impossible :\n{exc}", file=sys.stderr)
        raise SystemExit(1) from None
    register_input_guards(app)
    register_blueprints(app)
    register_security(app)
    register_errors(app)
    register_commands(app)
    register_template_helpers(app)
    return app


def load_course(app: Flask) -> None:
    app.extensions["training.content"] = load_content(Path(app.config["CONTENT_ROOT"]),
                                                      Path(app.config["REPORT_PATH"]))


def register_input_guards(app: Flask) -> None:
    """Before the blueprints: the bounded `int` converter must exist when their routes are added."""
    from . import inputs

    inputs.init_app(app)


def register_blueprints(app: Flask) -> None:
    from .accounts import bp as accounts_bp
    from .attendance import bp as attendance_bp
    from .cohorts import bp as cohorts_bp
    from .content import views as content_views
    from .documents import bp as documents_bp
    from .learning import bp as learning_bp
    from .main import bp as main_bp
    from .organisation import bp as organisation_bp
    from .presentation import bp as presentation_bp
    from .privacy import bp as privacy_bp
    from .surveys import bp as surveys_bp

    for bp in (main_bp, accounts_bp, content_views.bp, learning_bp, cohorts_bp, attendance_bp, documents_bp,
               presentation_bp, surveys_bp, privacy_bp, organisation_bp):
        app.register_blueprint(bp)


def register_security(app: Flask) -> None:
    from . import logredact, security

    security.init_app(app)
    logredact.init_app(app)


def register_errors(app: Flask) -> None:
    from . import errors

    errors.init_app(app)


def register_commands(app: Flask) -> None:
    from . import cli, elearning

    cli.init_app(app)
    elearning.init_app(app)


def register_template_helpers(app: Flask) -> None:
    from . import permissions
    from .content.render import lines_label, name_tables, typography
    from .dates import french_date, french_datetime, french_number, french_time
    from .wording import elide, pluralise

    app.jinja_env.globals.update(can=permissions.can, lines_label=lines_label)
    app.jinja_env.filters.update(fr_date=french_date, fr_datetime=french_datetime, fr_time=french_time,
                                 fr_number=french_number, typo=typography, pluriel=pluralise, de=elide,
                                 name_tables=name_tables)


def main_cli() -> None:  # pragma: no cover - console entry point
    from flask.cli import FlaskGroup

    FlaskGroup(create_app=create_app)(sys.argv[1:])

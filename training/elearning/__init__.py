"""E-learning packages: SCORM 1.2, SCORM 2004 (4th edition) and offline bundles of modules and paths."""
from flask import Blueprint

bp = Blueprint("elearning", __name__, template_folder="templates")

from . import views  # noqa: E402,F401  (routes register on bp)


def init_app(app) -> None:
    from .cli import export_group

    app.register_blueprint(bp)
    app.cli.add_command(export_group)

"""Attendance: half-day sessions, émargement with signatures, self-signing."""
from flask import Blueprint

bp = Blueprint("attendance", __name__, template_folder="templates", static_folder="static",
               static_url_path="/attendance-static")

from . import views, self_views  # noqa: E402,F401
from . import sync_views  # noqa: E402,F401  (offline sheet)


@bp.app_template_filter("change_text")
def _change_text(change) -> str:
    from .describe import change_text

    return change_text(change)

"""Attendance: half-day sessions, émargement with signatures, self-signing."""
from flask import Blueprint

bp = Blueprint("attendance", __name__, template_folder="templates")

from . import views, self_views  # noqa: E402,F401
from . import sync_views  # noqa: E402,F401  (offline sheet)

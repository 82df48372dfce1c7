"""Cohorts: groups of trainees following a path, run by trainers."""
from flask import Blueprint

bp = Blueprint("cohorts", __name__, template_folder="templates")

from . import views, roster_views, dashboard_views  # noqa: E402,F401

"""Presentation mode for the room, and the group's anonymous syntheses."""
from flask import Blueprint

bp = Blueprint("presentation", __name__, template_folder="templates")

from . import views  # noqa: E402,F401

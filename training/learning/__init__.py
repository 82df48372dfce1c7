"""Learning: what a trainee reads, writes and answers."""
from flask import Blueprint

bp = Blueprint("learning", __name__, template_folder="templates")

from . import views, quiz_views  # noqa: E402,F401

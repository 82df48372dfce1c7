"""The training body (organisme de formation): its identity on every document, and its admin page."""
from flask import Blueprint

bp = Blueprint("organisation", __name__, template_folder="templates")

from . import views  # noqa: E402,F401

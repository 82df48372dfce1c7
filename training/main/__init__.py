"""Home, health check, the privacy and accessibility pages, the favicon."""
from flask import Blueprint

bp = Blueprint("main", __name__, template_folder="templates")

from . import views  # noqa: E402,F401

"""Documents: attendance sheets, attestations, CSV export and the evidence bundle."""
from flask import Blueprint

bp = Blueprint("documents", __name__, template_folder="templates")

from . import views  # noqa: E402,F401

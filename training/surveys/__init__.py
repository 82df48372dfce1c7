"""Satisfaction surveys « à chaud » and « à froid », answered anonymously."""
from flask import Blueprint

bp = Blueprint("surveys", __name__, template_folder="templates")

from . import manage_views, views  # noqa: E402,F401

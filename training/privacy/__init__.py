"""Personal data of a person, with or without an account: export, anonymisation, deletion, retention.

It reads the tables of every other package, so it sits above them; nothing imports it but the
views and commands that serve these rights.
"""
from flask import Blueprint

bp = Blueprint("privacy", __name__, template_folder="templates")

from . import views  # noqa: E402,F401

"""Accounts: sign-in, passwords, and the admin's management of users."""
from flask import Blueprint

bp = Blueprint("accounts", __name__, template_folder="templates")

from . import views  # noqa: E402,F401  (routes register on bp)

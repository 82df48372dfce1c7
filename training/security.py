"""Login manager, CSRF protection, security headers and the schema gate."""
from __future__ import annotations

import time

from flask import Flask, render_template, request
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.exc import OperationalError, ProgrammingError
from werkzeug.middleware.proxy_fix import ProxyFix

from . import db

csrf = CSRFProtect()
login_manager = LoginManager()
login_manager.login_view = "accounts.login"
login_manager.login_message = "Connectez-vous pour accéder à cette page."
login_manager.login_message_category = "info"
login_manager.session_protection = "basic"
login_manager.id_attribute = "session_key"

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
       "form-action 'self'; frame-ancestors 'none'")


@login_manager.user_loader
def _load_user(key: str):
    """The user of a session or remember-me key, if it is still valid (see User.session_key)."""
    from flask import current_app

    from .accounts.models import User
    from .inputs import parse_id, parse_small_int

    parts = key.split(":") if isinstance(key, str) else []
    if len(parts) != 3:
        return None
    user_id, version, issued = parse_id(parts[0]), parse_id(parts[1]), parse_small_int(parts[2], 0, 10**12)
    if user_id is None or version is None or issued is None:
        return None
    if time.time() - issued > current_app.config["REMEMBER_DAYS"] * 86400:
        return None
    user = db.session().get(User, user_id)
    if user is None or user.session_version != version or not user.active:
        return None
    return user


def init_app(app: Flask) -> None:
    if app.config["PROXY_HOPS"]:
        n = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)
    if not app.config["SECRET_KEY"]:
        app.before_request(_no_secret)
    csrf.init_app(app)
    login_manager.init_app(app)
    app.after_request(_headers)
    if app.config["SCHEMA_CHECK"]:
        app.before_request(_schema_gate)


def _headers(response):
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h["X-Content-Type-Options"] = "nosniff"
    h["X-Frame-Options"] = "DENY"
    h["Referrer-Policy"] = "same-origin"
    h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), payment=()"
    h["Cross-Origin-Opener-Policy"] = "same-origin"
    if request.endpoint != "static":
        # Pages may hold private writing: never keep them in a shared cache.
        h.setdefault("Cache-Control", "no-store")
    from flask import current_app
    if current_app.config["HTTPS"]:
        h["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
    return response


def _no_secret():
    from .config import NO_SECRET_MESSAGE

    return render_template("errors/error.html", code=503, title="Installation incomplète",
                           text=NO_SECRET_MESSAGE[0].upper() + NO_SECRET_MESSAGE[1:] + "."), 503


def _schema_gate():
    """Refuse to serve (503) while the database is behind the code's migrations."""
    database = db.database()
    if database.schema_ok or request.endpoint == "static":
        return None
    try:
        current, head = db.schema_state(database)
    except (OperationalError, ProgrammingError):
        current, head = None, db.head_revision(database.url)
    if current == head:
        database.schema_ok = True
        return None
    return render_template("errors/schema.html", current=current, head=head), 503

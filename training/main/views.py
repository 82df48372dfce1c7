"""Home page by role, /healthz, privacy notice, accessibility statement, favicon."""
from __future__ import annotations

from flask import current_app, redirect, render_template, send_from_directory, url_for
from flask_login import current_user
from sqlalchemy import text

from .. import db
from ..content.views import registry
from . import bp


@bp.get("/")
def home():
    if not current_user.is_authenticated:
        return redirect(url_for("accounts.login"))
    from ..learning.queries import home_overview
    from ..surveys.queries import pending_surveys

    s = db.session()
    overview = home_overview(s, current_user, registry())
    return render_template("main/home.html", overview=overview, reg=registry(),
                           surveys=pending_surveys(s, current_user))


@bp.get("/healthz")
def healthz():
    try:
        db.session().execute(text("SELECT 1"))
    except Exception:  # any database failure is "not healthy"
        current_app.logger.exception("health check failed")
        return {"status": "error", "database": "unreachable"}, 503
    return {"status": "ok", "database": "ok"}


@bp.get("/confidentialite")
def privacy():
    cfg = current_app.config
    return render_template("main/privacy.html", retention_days=cfg["REFLECTION_RETENTION_DAYS"],
                           audit_years=cfg["AUDIT_RETENTION_YEARS"])


@bp.get("/accessibilite")
def accessibility():
    return render_template("main/accessibility.html", contact=current_app.config["ACCESSIBILITY_CONTACT"])


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; answer it from static/."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)

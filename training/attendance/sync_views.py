"""JSON endpoints of the offline sheet, the service worker, the web app manifest and the offline pages."""
from __future__ import annotations

import json
from pathlib import Path

from flask import abort, current_app, jsonify, render_template, request, url_for
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from .. import db
from ..permissions import can_take_attendance, require
from . import bp, timing
from .models import CourseSession
from .services import AttendanceError
from .sync import MAX_ITEMS, RULE, apply_batch, session_log

MAX_DEPTH = 7  # {"items": [{"signature": [[[x, y]]]}]}: the numbers are at depth 7
CACHEABLE = {"attendance.sheet", "attendance.sign_participant", "attendance.sign_trainer"}


def _refuse(message: str, code: int):
    return jsonify(error=message), code


def _nested_too_deep(value, limit: int) -> bool:
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((v, depth + 1) for v in node.values())
        elif isinstance(node, list):
            stack.extend((v, depth + 1) for v in node)
    return False


def _gate():
    if not current_user.is_authenticated:
        return _refuse("Votre session a expiré : reconnectez-vous, vos saisies restent sur cet appareil.", 401)
    if not can_take_attendance(current_user):
        abort(404)
    return None


@bp.post("/emargement/synchro")
def sync_batch():
    """Apply a batch of device-made items in order; each answered with its outcome."""
    refused = _gate()
    if refused:
        return refused
    try:
        data = json.loads(request.get_data(cache=False) or b"")
    except (ValueError, RecursionError):
        return _refuse("Envoi illisible (JSON invalide).", 400)
    if not isinstance(data, dict) or not {"items"} <= set(data) <= {"items", "sent_at"} \
            or not isinstance(data["items"], list):
        return _refuse("Envoi incomplet : une liste « items » est attendue.", 400)
    if _nested_too_deep(data, MAX_DEPTH):
        return _refuse("Envoi trop imbriqué.", 400)
    s = db.session()
    try:
        results = apply_batch(s, current_user, data["items"], sent_at=data.get("sent_at"))
    except AttendanceError as exc:
        s.rollback()
        return _refuse(str(exc), 400)
    s.commit()
    return jsonify(results=results, rule=RULE)


@bp.get("/emargement/synchro/jeton")
def sync_token():
    """A fresh CSRF token for a tablet that kept a page open a long time."""
    refused = _gate()
    return refused or jsonify(csrf_token=generate_csrf(), max_items=MAX_ITEMS)


@bp.get("/seances/<int:session_id>/synchro")
def sync_journal(session_id: int):
    """What reached the server from devices for this sheet: device time beside receipt time."""
    refused = _gate()
    if refused:
        return refused
    sess = db.session().get(CourseSession, session_id)
    if sess is None:
        abort(404)
    from ..cohorts.models import Cohort

    require("manage_cohort", db.session().get(Cohort, sess.cohort_id))
    rows = [{"id": r.item_id, "kind": r.kind, "participant_id": r.participant_id, "outcome": r.outcome,
             "message": r.message, "device_at": r.device_at.isoformat() if r.device_at else None,
             "received_at": r.received_at.isoformat()} for r in session_log(db.session(), sess)]
    return jsonify(items=rows, rule=RULE)


@bp.after_request
def _offline_cacheable(response):
    """Tell the service worker which pages it may keep: sheets of today and tomorrow, for trainers."""
    if (request.method == "GET" and request.endpoint in CACHEABLE and response.status_code == 200
            and can_take_attendance(current_user)):
        sess = db.session().get(CourseSession, (request.view_args or {}).get("session_id"))
        if sess is not None and 0 <= (sess.day - timing.now().date()).days <= 1:
            response.headers["X-Offline-Cache"] = "sheet"
    return response


@bp.get("/sw.js")
def service_worker():
    """Served from the root so that its scope covers every page."""
    body = (Path(current_app.static_folder) / "js" / "offline-sw.js").read_bytes()
    return current_app.response_class(body, mimetype="text/javascript", headers={"Cache-Control": "no-cache"})


@bp.get("/manifest.webmanifest")
def manifest():
    icon = url_for("static", filename="img/icon-192.png")
    body = {"name": "Intervention sociale à l'épreuve des trafics", "short_name": "Émargement",
            "lang": "fr", "start_url": url_for("main.home"), "scope": "/", "display": "standalone",
            "background_color": "#ffffff", "theme_color": "#1d2433",
            "icons": [{"src": icon, "sizes": "192x192", "type": "image/png"},
                      {"src": url_for("static", filename="img/icon-512.png"), "sizes": "512x512",
                       "type": "image/png"}]}
    return current_app.response_class(json.dumps(body, ensure_ascii=False), mimetype="application/manifest+json")


@bp.get("/hors-ligne")
def offline_page():
    """Shown by the service worker instead of the browser's error when a page was not kept."""
    return render_template("attendance/offline.html", drafts=False)


@bp.get("/hors-ligne/brouillons")
def offline_drafts():
    """The drafts this browser keeps (localStorage), listed by a script: the server never sees them here."""
    return render_template("attendance/offline.html", drafts=True)

"""Self-signing on one's own phone: the code shown in the room opens a short ticket, then one signs.

A signed-in participant signs as themselves (no list of names). The list is offered only for
participants without an account who have not signed yet, with the least information needed.
The code never travels in a URL path; the QR code's link carries it in the query, and it
rotates every few seconds anyway.
"""
from __future__ import annotations

import time as _time

from flask import flash, redirect, render_template, request, session, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import db
from ..accounts.forms import EmptyForm
from ..cohorts.models import Participant
from . import bp, timing
from .inputs import signature_input
from .models import AttendanceMark, CourseSession
from .queries import half_day_label
from .services import AttendanceError, check_code
from .services import self_sign as sign_on_phone
from .sheet_views import check_csrf

TICKET_SECONDS = 600  # after a good code, time left to sign on the phone


def short_names(people: list[Participant]) -> dict[int, str]:
    """« Chloé C. »: enough to find one's own name; the full name only where two would look alike."""
    def short(p: Participant) -> str:
        parts = p.full_name.split()
        return f"{parts[0]} {parts[-1][0]}." if len(parts) > 1 else p.full_name
    shorts = {p.id: short(p) for p in people}
    seen = [v for v in shorts.values()]
    return {pid: (v if seen.count(v) == 1 else next(p.full_name for p in people if p.id == pid))
            for pid, v in shorts.items()}


def _address() -> str:
    return (request.remote_addr or "?")[:64]


@bp.route("/emarger", methods=["GET", "POST"])
def self_sign_start():
    """Type (or scan) the session number and the code shown in the room."""
    seance, code = request.values.get("seance", "")[:10], request.values.get("code", "")[:12]
    if request.method == "POST":
        check_csrf()
        s = db.session()
        try:
            if not (seance.strip().isascii() and seance.strip().isdigit()):  # « ² » passes isdigit()
                raise AttendanceError("Saisissez le numéro de séance et le code affichés par le formateur.")
            sess = check_code(s, int(seance.strip()), code, _address())
        except AttendanceError as exc:
            s.commit()  # keeps the failed attempt, for throttling
            flash(str(exc), "error")
            return render_template("attendance/self_start.html", empty=EmptyForm(), seance=seance, code=""), 400
        tickets = {k: v for k, v in session.get("self_sign", {}).items() if v > _time.time()}
        tickets[str(sess.id)] = _time.time() + TICKET_SECONDS
        session["self_sign"] = tickets
        return redirect(url_for("attendance.self_sign", session_id=sess.id))
    return render_template("attendance/self_start.html", empty=EmptyForm(), seance=seance, code=code)


def _ticket_ok(session_id: int) -> bool:
    return session.get("self_sign", {}).get(str(session_id), 0) > _time.time()


@bp.route("/emarger/seance/<int:session_id>", methods=["GET", "POST"])
def self_sign(session_id: int):
    s = db.session()
    sess = s.get(CourseSession, session_id) if session_id < 2**31 else None
    if sess is None or not _ticket_ok(session_id):
        flash("Saisissez le code affiché en ce moment par le formateur.", "info")
        return redirect(url_for("attendance.self_sign_start", seance=session_id))
    people = s.scalars(select(Participant).where(Participant.cohort_id == sess.cohort_id)
                       .order_by(Participant.full_name, Participant.id)).all()
    mine = next((p for p in people if current_user.is_authenticated and p.user_id == current_user.id), None)
    if current_user.is_authenticated and mine is None:
        return render_template("attendance/self_closed.html",
                               message="Vous êtes connecté avec un compte qui ne figure pas dans ce groupe : "
                                       "adressez-vous au formateur."), 403
    if request.method == "POST":
        check_csrf()
        pid = request.form.get("participant", "")
        signed = _signed_ids(s, sess)
        participant = mine or next((p for p in people if str(p.id) == pid and p.user_id is None
                                    and p.id not in signed), None)
        try:
            if participant is None:
                raise AttendanceError("Choisissez votre nom dans la liste.")
            sign_on_phone(s, current_user if mine else None, sess, participant, signature_input(request.form))
        except AttendanceError as exc:
            s.rollback()
            flash(str(exc), "error")
        else:
            s.commit()
            session.get("self_sign", {}).pop(str(sess.id), None)
            session.modified = True
            return render_template("attendance/self_done.html", participant=participant, sess=sess,
                                   label=half_day_label(sess), at=timing.now())
    choices = []
    if mine is None:
        signed = _signed_ids(s, sess)
        free = [p for p in people if p.user_id is None and p.id not in signed]
        names = short_names(free)
        choices = [(p.id, names[p.id]) for p in free]
    return render_template("attendance/self_sign.html", sess=sess, mine=mine, choices=choices, empty=EmptyForm(),
                           label=half_day_label(sess))


def _signed_ids(s, sess: CourseSession) -> set[int]:
    return set(s.scalars(select(AttendanceMark.participant_id).where(
        AttendanceMark.session_id == sess.id,
        AttendanceMark.has_signature.is_(True) | (AttendanceMark.signed_via == "paper"))))


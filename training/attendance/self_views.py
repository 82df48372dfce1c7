"""Self-signing: a participant signs on their own phone with the session's code (no account needed)."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from .. import db
from ..accounts.forms import EmptyForm
from ..cohorts.models import Cohort, Participant
from . import bp
from .models import AttendanceMark, CourseSession
from .services import AttendanceError, check_self_sign_code
from .services import self_sign as sign_with_code
from .views import _strokes


@bp.route("/emarger", methods=["GET", "POST"])
def self_sign_start():
    """Typing the code shown in the room, for those who cannot scan the QR code."""
    if request.method == "POST" and EmptyForm().validate_on_submit():
        raw = (request.form.get("session") or "").strip()
        code = (request.form.get("code") or "").strip().upper()[:12]
        if raw.isdigit() and code:
            return redirect(url_for("attendance.self_sign", session_id=int(raw), code=code))
        flash("Saisissez le numéro de séance et le code affichés par le formateur.", "error")
    return render_template("attendance/self_start.html", empty=EmptyForm())


@bp.route("/emarger/<int:session_id>/<code>", methods=["GET", "POST"])
def self_sign(session_id: int, code: str):
    s = db.session()
    sess = s.get(CourseSession, session_id)
    if sess is None:
        abort(404)
    try:
        check_self_sign_code(sess, code)
    except AttendanceError as exc:
        return render_template("attendance/self_closed.html", message=str(exc)), 410
    cohort = s.get(Cohort, sess.cohort_id)
    participants = s.scalars(select(Participant).where(Participant.cohort_id == cohort.id)
                             .order_by(Participant.full_name)).all()
    signed = set(s.scalars(select(AttendanceMark.participant_id).where(
        AttendanceMark.session_id == sess.id, AttendanceMark.signature.is_not(None))))
    mine = next((p for p in participants if current_user.is_authenticated and p.user_id == current_user.id), None)
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        pid = request.form.get("participant", "")
        participant = mine or next((p for p in participants if str(p.id) == pid), None)
        try:
            if participant is None:
                raise AttendanceError("Choisissez votre nom dans la liste.")
            sign_with_code(s, sess, participant, code, _strokes(request.form.get("signature")))
        except AttendanceError as exc:
            s.rollback()
            flash(str(exc), "error")
        else:
            s.commit()
            return render_template("attendance/self_done.html", participant=participant, sess=sess)
    return render_template("attendance/self_sign.html", sess=sess, cohort=cohort, code=code, mine=mine,
                           participants=[p for p in participants if p.id not in signed], empty=EmptyForm())

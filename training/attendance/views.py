"""Trainer pages for sessions and attendance sheets (émargement), and participants' self-signing."""
from __future__ import annotations

import json
from datetime import date, datetime, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import db
from ..accounts.forms import EmptyForm
from ..accounts.models import User
from ..cohorts.models import Cohort, Participant
from ..cohorts.views import get_managed_cohort_or_404
from ..content.views import registry
from ..dates import PARIS
from ..permissions import require
from . import bp
from .models import HALVES, STATUSES, AttendanceChange, CourseSession
from .queries import cohort_attendance, counts_for
from .services import (AttendanceError, SessionSpec, add_sessions, cancel, open_self_sign, reschedule,
                       schedule_specs, set_mark, sign_session)


def today() -> date:
    return datetime.now(PARIS).date()


def get_session_or_404(session_id: int) -> tuple[CourseSession, Cohort]:
    sess = db.session().get(CourseSession, session_id)
    if sess is None:
        abort(404)
    cohort = db.session().get(Cohort, sess.cohort_id)
    require("manage_cohort", cohort)
    return sess, cohort


def _participant_or_404(cohort: Cohort, participant_id: int) -> Participant:
    p = db.session().get(Participant, participant_id)
    if p is None or p.cohort_id != cohort.id:
        abort(404)
    return p


def _time(value: str | None) -> time | None:
    try:
        return time.fromisoformat(value) if value else None
    except ValueError:
        raise AttendanceError(f"Heure invalide : « {value[:10]} » (format hh:mm).") from None


def _date(value: str | None) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        raise AttendanceError("Date invalide.") from None


def _strokes(raw: str | None):
    if not raw:
        return None
    if len(raw) > 200_000:
        raise AttendanceError("Signature trop volumineuse : recommencez.")
    try:
        return json.loads(raw)
    except ValueError:
        raise AttendanceError("Signature illisible : recommencez.") from None


@bp.get("/cohortes/<int:cohort_id>/seances")
@login_required
def sessions(cohort_id: int):
    cohort = get_managed_cohort_or_404(cohort_id)
    table = cohort_attendance(db.session(), cohort)
    return render_template("attendance/sessions.html", cohort=cohort, table=table, halves=HALVES,
                           path=registry().paths.get(cohort.path_slug), reg=registry(), empty=EmptyForm(),
                           today=today())


@bp.post("/cohortes/<int:cohort_id>/seances")
@login_required
def sessions_add(cohort_id: int):
    """Either a whole schedule (N days → 2N half-days) or one half-day."""
    cohort = get_managed_cohort_or_404(cohort_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    f = request.form
    s = db.session()
    try:
        if f.get("kind") == "programme":
            days = int(f.get("days", "0")) if f.get("days", "").isdigit() else 0
            specs = schedule_specs(_date(f.get("first_day")), days, cohort.place, f.get("weekends") != "oui")
        else:
            half = f.get("half", "")
            modules = [m for m in f.getlist("modules") if m in registry().modules][:10]
            specs = [SessionSpec(_date(f.get("day")), half, _time(f.get("starts_at")) or time(9),
                                 _time(f.get("ends_at")) or time(12, 30), (f.get("place") or "")[:200], tuple(modules))]
        created = add_sessions(s, cohort, specs, today(), allow_past=f.get("past") == "oui")
    except AttendanceError as exc:
        s.rollback()
        flash(f"Rien n'a été créé. {exc}", "error")
    else:
        s.commit()
        flash(f"{len(created)} demi-journée(s) programmée(s).", "success")
    return redirect(url_for("attendance.sessions", cohort_id=cohort.id))


@bp.post("/seances/<int:session_id>/deplacer")
@login_required
def session_move(session_id: int):
    sess, cohort = get_session_or_404(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    f = request.form
    s = db.session()
    try:
        spec = SessionSpec(_date(f.get("day")), f.get("half", ""), _time(f.get("starts_at")) or sess.starts_at,
                           _time(f.get("ends_at")) or sess.ends_at, (f.get("place") or sess.place)[:200],
                           tuple(sess.module_slugs))
        reschedule(s, sess, spec, today(), allow_past=f.get("past") == "oui")
    except AttendanceError as exc:
        s.rollback()
        flash(str(exc), "error")
    else:
        s.commit()
        flash("Séance déplacée ; les émargements déjà saisis sont conservés.", "success")
    return redirect(url_for("attendance.sheet", session_id=sess.id))


@bp.post("/seances/<int:session_id>/annuler")
@login_required
def session_cancel(session_id: int):
    sess, _cohort = get_session_or_404(session_id)
    if EmptyForm().validate_on_submit():
        restore = sess.cancelled_at is not None
        cancel(sess, restore=restore)
        db.session().commit()
        flash("Séance rétablie." if restore else "Séance annulée ; les émargements saisis sont conservés.", "success")
    return redirect(url_for("attendance.sheet", session_id=sess.id))


@bp.get("/seances/<int:session_id>")
@login_required
def sheet(session_id: int):
    sess, cohort = get_session_or_404(session_id)
    s = db.session()
    table = cohort_attendance(s, cohort)
    history = s.execute(select(AttendanceChange, User.display_name, Participant.full_name)
                        .outerjoin(User, User.id == AttendanceChange.changed_by_id)
                        .outerjoin(Participant, Participant.id == AttendanceChange.participant_id)
                        .where(AttendanceChange.session_id == sess.id)
                        .order_by(AttendanceChange.changed_at.desc())).all()
    signer = s.get(User, sess.signed_by_id) if sess.signed_by_id else None
    return render_template("attendance/sheet.html", sess=sess, cohort=cohort, table=table, statuses=STATUSES,
                           halves=HALVES, history=history, signer=signer, empty=EmptyForm(), counts=counts_for)


@bp.post("/seances/<int:session_id>/marques/<int:participant_id>")
@login_required
def mark(session_id: int, participant_id: int):
    """One participant's mark: each row posts alone, so co-trainers never overwrite each other."""
    sess, cohort = get_session_or_404(session_id)
    participant = _participant_or_404(cohort, participant_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    s = db.session()
    f = request.form
    try:
        set_mark(s, sess, participant, f.get("status", ""), _time(f.get("arrival")), current_user,
                 _strokes(f.get("signature")), via=f.get("via") if f.get("via") in ("tablet", "paper") else "tablet",
                 reason=(f.get("reason") or "")[:600])
    except AttendanceError as exc:
        s.rollback()
        flash(str(exc), "error")
        if f.get("from") == "signer":
            return redirect(url_for("attendance.sign_participant", session_id=sess.id, participant_id=participant.id))
    else:
        s.commit()
        flash(f"{participant.full_name} : {STATUSES[f['status']].lower()}"
              f"{' et signature enregistrée' if f.get('signature') else ''}.", "success")
    return redirect(url_for("attendance.sheet", session_id=sess.id, _anchor=f"p{participant.id}"))


@bp.get("/seances/<int:session_id>/signer/<int:participant_id>")
@login_required
def sign_participant(session_id: int, participant_id: int):
    """The trainer hands the tablet over: a large signing pad for one participant."""
    sess, cohort = get_session_or_404(session_id)
    participant = _participant_or_404(cohort, participant_id)
    return render_template("attendance/sign.html", sess=sess, cohort=cohort, participant=participant,
                           empty=EmptyForm(), statuses=STATUSES)


@bp.route("/seances/<int:session_id>/signature-formateur", methods=["GET", "POST"])
@login_required
def sign_trainer(session_id: int):
    sess, cohort = get_session_or_404(session_id)
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        s = db.session()
        try:
            sign_session(s, sess, current_user, _strokes(request.form.get("signature")))
        except AttendanceError as exc:
            s.rollback()
            flash(str(exc), "error")
        else:
            s.commit()
            flash("Feuille signée et verrouillée. Toute modification demandera un motif.", "success")
            return redirect(url_for("attendance.sheet", session_id=sess.id))
    return render_template("attendance/sign.html", sess=sess, cohort=cohort, participant=None, empty=EmptyForm(),
                           statuses=STATUSES)


@bp.post("/seances/<int:session_id>/code")
@login_required
def self_sign_code(session_id: int):
    """Show a fresh short-lived code and QR code for participants to sign on their own phone."""
    sess, cohort = get_session_or_404(session_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    s = db.session()
    try:
        code = open_self_sign(sess)
    except AttendanceError as exc:
        flash(str(exc), "error")
        return redirect(url_for("attendance.sheet", session_id=sess.id))
    s.commit()
    import segno

    link = url_for("attendance.self_sign", session_id=sess.id, code=code, _external=True)
    qr = segno.make(link, error="m").svg_data_uri(scale=8, border=2)
    return render_template("attendance/code.html", sess=sess, cohort=cohort, code=code, link=link, qr=qr)

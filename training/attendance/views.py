"""Trainer pages for the calendar of sessions: create, move, cancel or restore (each through the service)."""
from __future__ import annotations

from datetime import date, time

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import db
from ..accounts.forms import EmptyForm
from ..cohorts.models import Cohort, Participant
from ..cohorts.views import get_managed_cohort_or_404
from ..content.views import registry
from ..permissions import require
from . import bp, timing
from .inputs import parse_date, parse_int, parse_time, reason
from .models import HALVES, CourseSession
from .queries import cohort_attendance
from .services import (AttendanceError, SessionSpec, add_sessions, cancel_session, move_session, restore_session,
                       schedule_specs)


def today() -> date:
    return timing.now().date()


def get_session_or_404(session_id: int) -> tuple[CourseSession, Cohort]:
    sess = db.session().get(CourseSession, session_id) if session_id < 2**31 else None
    if sess is None:
        abort(404)
    cohort = db.session().get(Cohort, sess.cohort_id)
    require("manage_cohort", cohort)
    return sess, cohort


def participant_or_404(cohort: Cohort, participant_id: int) -> Participant:
    p = db.session().get(Participant, participant_id) if participant_id < 2**31 else None
    if p is None or p.cohort_id != cohort.id:
        abort(404)
    return p


def check_csrf() -> None:
    if not EmptyForm().validate_on_submit():
        abort(400)


@bp.get("/cohortes/<int:cohort_id>/seances")
@login_required
def sessions(cohort_id: int):
    cohort = get_managed_cohort_or_404(cohort_id)
    table = cohort_attendance(db.session(), cohort)
    return render_template("attendance/sessions.html", cohort=cohort, table=table, halves=HALVES,
                           path=registry().paths.get(cohort.path_slug), reg=registry(), empty=EmptyForm(),
                           today=today())


def _specs(f, cohort: Cohort) -> list[SessionSpec]:
    if f.get("kind") == "programme":
        days = parse_int(f.get("days"), "Nombre de jours", 1, 30)
        return schedule_specs(parse_date(f.get("first_day"), "Premier jour"), days, cohort.place,
                              f.get("weekends") != "oui")
    modules = [m for m in f.getlist("modules") if m in registry().modules][:10]
    return [SessionSpec(parse_date(f.get("day")), f.get("half", "")[:12],
                        parse_time(f.get("starts_at"), "Heure de début") or time(9),
                        parse_time(f.get("ends_at"), "Heure de fin") or time(12, 30),
                        (f.get("place") or "")[:200], tuple(modules))]


@bp.post("/cohortes/<int:cohort_id>/seances")
@login_required
def sessions_add(cohort_id: int):
    """Either a whole schedule (N days → 2N half-days) or one half-day."""
    cohort = get_managed_cohort_or_404(cohort_id)
    check_csrf()
    f, s = request.form, db.session()
    try:
        created = add_sessions(s, current_user, cohort, _specs(f, cohort), today(), allow_past=f.get("past") == "oui",
                               confirmed=f.get("confirm") == "oui")
    except AttendanceError as exc:
        s.rollback()
        flash(f"Rien n'a été créé. {exc}", "error")
    else:
        s.commit()
        flash(f"{pluralise(len(created), 'demi-journée programmée')}.", "success")
    return redirect(url_for("attendance.sessions", cohort_id=cohort.id))


@bp.post("/seances/<int:session_id>/deplacer")
@login_required
def session_move(session_id: int):
    sess, _cohort = get_session_or_404(session_id)
    check_csrf()
    f, s = request.form, db.session()
    try:
        spec = SessionSpec(parse_date(f.get("day")), f.get("half", "")[:12],
                           parse_time(f.get("starts_at"), "Heure de début") or sess.starts_at,
                           parse_time(f.get("ends_at"), "Heure de fin") or sess.ends_at,
                           (f.get("place") or sess.place)[:200], tuple(sess.module_slugs))
        move_session(s, current_user, sess, spec, today(), allow_past=f.get("past") == "oui",
                     confirmed=f.get("confirm") == "oui", reason=reason(f))
    except AttendanceError as exc:
        s.rollback()
        flash(f"La séance n'a pas été déplacée. {exc}", "error")
    else:
        s.commit()
        flash("Séance déplacée ; les émargements déjà saisis sont conservés.", "success")
    return redirect(url_for("attendance.sheet", session_id=sess.id))


@bp.post("/seances/<int:session_id>/annuler")
@login_required
def session_cancel(session_id: int):
    sess, _cohort = get_session_or_404(session_id)
    check_csrf()
    f, s = request.form, db.session()
    restore = sess.cancelled
    try:
        if restore:
            restore_session(s, current_user, sess, reason=reason(f))
        else:
            cancel_session(s, current_user, sess, confirmed=f.get("confirm") == "oui", reason=reason(f))
    except AttendanceError as exc:
        s.rollback()
        flash(str(exc), "error")
    else:
        s.commit()
        flash("Séance rétablie." if restore else "Séance annulée ; elle reste dans les documents, marquée "
              "« annulée », et ses émargements sont conservés.", "success")
    return redirect(url_for("attendance.sheet", session_id=sess.id))


from . import sheet_views  # noqa: E402,F401
from ..wording import pluralise

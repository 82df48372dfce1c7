"""Routes of the documents feature: attendance sheets, attestations, exports, all for the cohort's trainers."""
from __future__ import annotations

import io

from flask import abort, flash, redirect, send_file, url_for
from flask_login import login_required

from .. import db
from ..attendance.models import CourseSession
from ..attendance.queries import cohort_attendance, now_paris
from ..cohorts.models import Cohort, Participant
from ..cohorts.views import get_managed_cohort_or_404
from ..content.views import registry
from . import bp
from .attestations import attestation_data, attestations_pdf
from .exports import ascii_name, attendance_csv, evidence_bundle
from .sheets import load_sheets, paper_sheet_pdf, sessions_sheets_pdf

NO_SESSION = ("Aucune séance n'est encore programmée pour ce groupe\u00a0: les feuilles d'émargement, "
              "attestations et exports seront disponibles une fois le calendrier établi.")
CANCELLED = "Cette séance est annulée\u00a0: il n'y a pas de feuille d'émargement papier à imprimer."
PDF, CSV, ZIP = "application/pdf", "text/csv; charset=utf-8", "application/zip"


def _managed_cohort(cohort_id: int) -> Cohort:
    cohort = get_managed_cohort_or_404(cohort_id)
    return cohort


def _managed_session(session_id: int) -> tuple[CourseSession, Cohort]:
    sess = db.session().get(CourseSession, session_id)
    if sess is None:
        abort(404)
    return sess, _managed_cohort(sess.cohort_id)


def _download(content: bytes | str, name: str, mimetype: str):
    data = content.encode("utf-8") if isinstance(content, str) else content
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"  # names and signatures: never in a shared cache
    return response


def _no_session(cohort: Cohort):
    flash(NO_SESSION, "info")
    return redirect(url_for("cohorts.detail", cohort_id=cohort.id))


@bp.get("/seances/<int:session_id>/emargement.pdf")
@login_required
def session_sheet(session_id: int):
    sess, cohort = _managed_session(session_id)
    pdf = sessions_sheets_pdf(load_sheets(db.session(), cohort, registry()), [sess])
    return _download(pdf, f"emargement-{sess.day:%Y-%m-%d}-{sess.half}.pdf", PDF)


@bp.get("/seances/<int:session_id>/feuille-papier.pdf")
@login_required
def paper_sheet(session_id: int):
    sess, cohort = _managed_session(session_id)
    if sess.cancelled_at is not None:
        flash(CANCELLED, "error")
        return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    pdf = paper_sheet_pdf(load_sheets(db.session(), cohort, registry()), sess)
    return _download(pdf, f"feuille-papier-{sess.day:%Y-%m-%d}-{sess.half}.pdf", PDF)


@bp.get("/cohortes/<int:cohort_id>/emargement.pdf")
@login_required
def cohort_sheets(cohort_id: int):
    cohort = _managed_cohort(cohort_id)
    data = load_sheets(db.session(), cohort, registry())
    if not data.table.active_sessions:
        return _no_session(cohort)
    pdf = sessions_sheets_pdf(data, data.table.active_sessions)
    return _download(pdf, f"emargement-{ascii_name(cohort.name, 'groupe')}.pdf", PDF)


@bp.get("/cohortes/<int:cohort_id>/attestations/<int:participant_id>.pdf")
@login_required
def attestation(cohort_id: int, participant_id: int):
    cohort = _managed_cohort(cohort_id)
    participant = db.session().get(Participant, participant_id)
    if participant is None or participant.cohort_id != cohort.id:
        abort(404)
    table = cohort_attendance(db.session(), cohort)
    if not table.active_sessions:
        return _no_session(cohort)
    pdf = attestations_pdf(attestation_data(registry(), table, now_paris().date()), [participant])
    return _download(pdf, f"attestation-{ascii_name(participant.full_name, str(participant.id))}.pdf", PDF)


@bp.get("/cohortes/<int:cohort_id>/attestations.pdf")
@login_required
def attestations(cohort_id: int):
    cohort = _managed_cohort(cohort_id)
    table = cohort_attendance(db.session(), cohort)
    if not table.active_sessions:
        return _no_session(cohort)
    pdf = attestations_pdf(attestation_data(registry(), table, now_paris().date()), table.participants)
    return _download(pdf, f"attestations-{ascii_name(cohort.name, 'groupe')}.pdf", PDF)


@bp.get("/cohortes/<int:cohort_id>/presences.csv", endpoint="attendance_csv")
@login_required
def attendance_csv_export(cohort_id: int):
    cohort = _managed_cohort(cohort_id)
    table = cohort_attendance(db.session(), cohort)
    if not table.active_sessions:
        return _no_session(cohort)
    return _download(attendance_csv(table), f"presences-{ascii_name(cohort.name, 'groupe')}.csv", CSV)


@bp.get("/cohortes/<int:cohort_id>/dossier-qualite.zip", endpoint="evidence_bundle")
@login_required
def evidence_bundle_export(cohort_id: int):
    cohort = _managed_cohort(cohort_id)
    s = db.session()
    data = load_sheets(s, cohort, registry())
    if not data.table.active_sessions:
        return _no_session(cohort)
    bundle = evidence_bundle(s, data, registry(), now_paris().date())
    return _download(bundle, f"dossier-qualite-{ascii_name(cohort.name, 'groupe')}.zip", ZIP)

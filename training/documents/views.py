"""Routes of the documents feature: sheets, attestations, certificates, exports for the cohort's trainers,
and the public verification page. PDF code is imported inside the views: app start-up stays fast.

Downloading a document records it once (an issuance log, idempotent for the same content): that is
what lets the public page confirm it.
"""
from __future__ import annotations

import io

from flask import abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required

from .. import db
from ..attendance.models import CourseSession
from ..attendance.timing import now as attendance_now
from ..cohorts.models import Cohort, Participant
from ..cohorts.views import get_managed_cohort_or_404
from ..content.views import registry
from . import bp

NO_SESSION = ("Aucune séance n'est encore programmée pour ce groupe\u00a0: les feuilles d'émargement, "
              "attestations et exports seront disponibles une fois le calendrier établi.")
CANCELLED = "Cette séance est annulée\u00a0: il n'y a pas de feuille d'émargement papier à imprimer."
PDF, CSV, ZIP = "application/pdf", "text/csv; charset=utf-8", "application/zip"


def _managed_session(session_id: int) -> tuple[CourseSession, Cohort]:
    sess = db.session().get(CourseSession, session_id) if session_id < 2**31 else None
    if sess is None:
        abort(404)
    return sess, get_managed_cohort_or_404(sess.cohort_id)


def _download(content: bytes | str, name: str, mimetype: str):
    data = content.encode("utf-8") if isinstance(content, str) else content
    response = send_file(io.BytesIO(data), mimetype=mimetype, as_attachment=True, download_name=name)
    response.headers["Cache-Control"] = "no-store"  # names and signatures: never in a shared cache
    return response


def _back(cohort: Cohort, message: str = NO_SESSION):
    flash(message, "info")
    return redirect(url_for("cohorts.detail", cohort_id=cohort.id))


def _verify_url() -> str:
    return url_for("documents.verify", _external=True)


def _sheets(cohort: Cohort):
    from .sheets import load_sheets

    return load_sheets(db.session(), cohort, registry())


def _issue(data, item, name: str, mimetype: str = PDF):
    from .services import issue_one

    pdf = issue_one(db.session(), data, item, _verify_url())
    db.session().commit()
    return _download(pdf, name, mimetype)


@bp.get("/seances/<int:session_id>/emargement.pdf")
@login_required
def session_sheet(session_id: int):
    from .services import sheet_item

    sess, cohort = _managed_session(session_id)
    data = _sheets(cohort)
    sess = next(x for x in data.table.sessions if x.id == sess.id)
    return _issue(data, sheet_item(data, [sess], attendance_now().date()),
                  f"emargement-{sess.day:%Y-%m-%d}-{sess.half}.pdf")


@bp.get("/seances/<int:session_id>/feuille-papier.pdf")
@login_required
def paper_sheet(session_id: int):
    from .sheets import paper_sheet_pdf

    sess, cohort = _managed_session(session_id)
    if sess.cancelled_at is not None:
        return _back(cohort, CANCELLED)
    pdf = paper_sheet_pdf(_sheets(cohort), sess)
    return _download(pdf, f"feuille-papier-{sess.day:%Y-%m-%d}-{sess.half}.pdf", PDF)


@bp.get("/cohortes/<int:cohort_id>/emargement.pdf")
@login_required
def cohort_sheets(cohort_id: int):
    from .exports import ascii_name
    from .services import sheet_item

    cohort = get_managed_cohort_or_404(cohort_id)
    data = _sheets(cohort)
    if not data.documented_sessions:
        return _back(cohort, NO_SESSION if not data.table.sessions else "Aucune séance n'a encore eu lieu.")
    return _issue(data, sheet_item(data, data.documented_sessions, attendance_now().date()),
                  f"emargement-{ascii_name(cohort.name, 'groupe')}.pdf")


def _person_document(cohort_id: int, participant_id: int | None, kind: str):
    from .exports import ascii_name
    from .services import DocumentError, attestation_items, certificate_items

    cohort = get_managed_cohort_or_404(cohort_id)
    people = None
    if participant_id is not None:
        participant = db.session().get(Participant, participant_id) if participant_id < 2**31 else None
        if participant is None or participant.cohort_id != cohort.id:
            abort(404)
        people = [participant]
    data = _sheets(cohort)
    if not data.table.sessions:
        return _back(cohort)
    make = attestation_items if kind == "attestation" else certificate_items
    try:
        [item] = make(data, registry(), attendance_now().date(), people, together=True)
    except DocumentError as exc:
        return _back(cohort, str(exc))
    word = "attestation" if kind == "attestation" else "certificat-realisation"
    who = ascii_name(people[0].full_name, str(people[0].id)) if people else ascii_name(cohort.name, "groupe")
    return _issue(data, item, f"{word}{'s' if people is None else ''}-{who}.pdf")


@bp.get("/cohortes/<int:cohort_id>/attestations/<int:participant_id>.pdf")
@login_required
def attestation(cohort_id: int, participant_id: int):
    return _person_document(cohort_id, participant_id, "attestation")


@bp.get("/cohortes/<int:cohort_id>/attestations.pdf")
@login_required
def attestations(cohort_id: int):
    return _person_document(cohort_id, None, "attestation")


@bp.get("/cohortes/<int:cohort_id>/certificats/<int:participant_id>.pdf")
@login_required
def certificate(cohort_id: int, participant_id: int):
    return _person_document(cohort_id, participant_id, "certificate")


@bp.get("/cohortes/<int:cohort_id>/certificats.pdf")
@login_required
def certificates(cohort_id: int):
    return _person_document(cohort_id, None, "certificate")


@bp.get("/cohortes/<int:cohort_id>/presences.csv", endpoint="attendance_csv")
@login_required
def attendance_csv_export(cohort_id: int):
    from ..attendance.queries import cohort_attendance
    from .exports import ascii_name, attendance_csv

    cohort = get_managed_cohort_or_404(cohort_id)
    table = cohort_attendance(db.session(), cohort)
    if not table.sessions:
        return _back(cohort)
    return _download(attendance_csv(table), f"presences-{ascii_name(cohort.name, 'groupe')}.csv", CSV)


@bp.get("/cohortes/<int:cohort_id>/dossier-qualite.zip", endpoint="evidence_bundle")
@login_required
def evidence_bundle_export(cohort_id: int):
    from .exports import ascii_name, evidence_bundle
    from .services import DocumentError

    cohort = get_managed_cohort_or_404(cohort_id)
    s = db.session()
    data = _sheets(cohort)
    if not data.table.sessions:
        return _back(cohort)
    try:
        bundle = evidence_bundle(s, data, registry(), attendance_now().date(), _verify_url())
    except DocumentError as exc:
        return _back(cohort, str(exc))
    s.commit()
    return _download(bundle, f"dossier-qualite-{ascii_name(cohort.name, 'groupe')}.zip", ZIP)


@bp.get("/verifier")
def verify():
    """Public: confirms a document is genuine and shows only what is needed to compare it; no names."""
    from .issue import find, normal_code
    from .models import kind_label

    raw = (request.args.get("code") or "")[:40]
    doc = find(db.session(), raw) if raw else None
    status = 404 if raw and doc is None else 200
    return render_template("documents/verify.html", raw=raw, doc=doc, kind_label=kind_label,
                           malformed=bool(raw) and not normal_code(raw)), status

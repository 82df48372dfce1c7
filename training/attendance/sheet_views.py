"""The sheet (émargement) of one session: the fast whole-sheet save, the tablet pad, the trainer's
signature, voiding a signature, and the rotating self-signing code shown in the room."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import db
from ..accounts.forms import EmptyForm
from . import bp, timing
from .inputs import parse_version, reason, row_input, signature_input
from .models import HALVES, STATUSES, VIA
from .queries import half_day_label
from .services import (AttendanceError, GapsError, MarkInput, RowInput, apply_mark, apply_sheet, current_code,
                       open_self_sign, sign_session, void_signature)
from .sheet_queries import next_to_sign, sheet_page
from .sheet_render import rows_html
from .views import check_csrf, get_session_or_404, participant_or_404
from ..wording import pluralise


@bp.get("/seances/<int:session_id>")
@login_required
def sheet(session_id: int):
    sess, cohort = get_session_or_404(session_id)
    page = sheet_page(db.session(), sess, cohort)
    return render_template("attendance/sheet.html", sess=sess, cohort=cohort, page=page, statuses=STATUSES,
                           halves=HALVES, via=VIA, empty=EmptyForm(), label=half_day_label(sess),
                           rows_html=rows_html(page.rows, sess))


@bp.post("/seances/<int:session_id>/feuille")
@login_required
def sheet_save(session_id: int):
    """One save for the whole sheet, applied row by row with each row's version."""
    sess, cohort = get_session_or_404(session_id)
    check_csrf()
    s, f = db.session(), request.form
    page = sheet_page(s, sess, cohort)
    everyone = f.get("all_present") == "1"
    rows, errors = [], []
    for row in page.rows:
        if not row.counts:
            continue
        default = "present" if everyone and row.mark is None else ""
        try:
            change = row_input(f, f"p{row.participant.id}-", default_status=default)
        except AttendanceError as exc:
            errors.append(f"{row.participant.full_name} : {exc}")
            continue
        if change is not None and not _same(row.mark, change):
            rows.append(RowInput(row.participant, change, parse_version(f.get(f"p{row.participant.id}-version"))))
    result = apply_sheet(s, current_user, sess, rows, reason=reason(f))
    s.commit()
    _report(result, errors)
    return redirect(url_for("attendance.sheet", session_id=sess.id))


def _same(mark, change: MarkInput) -> bool:
    if mark is None:
        return False
    paper_now = mark.signed_via == "paper"
    return (mark.status, mark.arrival, paper_now or not change.paper) == (change.status, change.arrival, True)


def _report(result, errors: list[str]) -> None:
    if result.saved:
        flash(f"{pluralise(len(result.saved), 'ligne enregistrée')}.", "success")
    for name, mark in result.stale:
        now_is = STATUSES.get(mark.status, "à renseigner").lower() if mark is not None else "à renseigner"
        flash(f"{name} : la ligne a été modifiée entre-temps par un autre formateur. Sa saisie (« {now_is} ») "
              "est conservée ; vérifiez-la et recommencez si besoin.", "error")
    for name, message in result.errors:
        errors.append(message if message.startswith(name) else f"{name} : {message}")
    for message in errors:
        flash(message, "error")
    if not (result.saved or result.stale or errors):
        flash("Aucune modification à enregistrer.", "info")


@bp.post("/seances/<int:session_id>/marques/<int:participant_id>")
@login_required
def mark(session_id: int, participant_id: int):
    """One participant's row, from the tablet pad (with a signature) or a direct post."""
    sess, cohort = get_session_or_404(session_id)
    participant = participant_or_404(cohort, participant_id)
    check_csrf()
    s, f = db.session(), request.form
    round_ = f.get("from") == "tour"
    try:
        change = row_input(f, "", default_status="present")
        if f.get("from") in ("signer", "tour") or "signature" in f or f.get("typed_name") or f.get("typed_ok"):
            given = signature_input(f)
            change = MarkInput(change.status, change.arrival, given.strokes, given.typed_name, given.typed_confirmed)
        apply_mark(s, current_user, sess, participant, change, reason=reason(f))
    except AttendanceError as exc:
        s.rollback()
        flash(str(exc), "error")
        if f.get("from") in ("signer", "tour"):
            return redirect(url_for("attendance.sign_participant", session_id=sess.id, participant_id=participant.id,
                                    tour=1 if round_ else None))
        return redirect(url_for("attendance.sheet", session_id=sess.id, _anchor=f"p{participant.id}"))
    s.commit()
    flash(f"{participant.full_name} : {STATUSES[change.status].lower()}"
          f"{' et signature enregistrée' if change.strokes is not None or change.typed_name else ''}.", "success")
    if round_:
        nxt = next_to_sign(s, sess, cohort)
        if nxt is not None:
            return redirect(url_for("attendance.sign_participant", session_id=sess.id, participant_id=nxt.id, tour=1))
        return redirect(url_for("attendance.sign_trainer", session_id=sess.id))
    return redirect(url_for("attendance.sheet", session_id=sess.id, _anchor=f"p{participant.id}"))


@bp.get("/seances/<int:session_id>/faire-signer")
@login_required
def sign_round(session_id: int):
    """Hand the tablet round: each participant still to sign in turn, then the trainer."""
    sess, cohort = get_session_or_404(session_id)
    nxt = next_to_sign(db.session(), sess, cohort)
    if nxt is None:
        return redirect(url_for("attendance.sign_trainer", session_id=sess.id))
    return redirect(url_for("attendance.sign_participant", session_id=sess.id, participant_id=nxt.id, tour=1))


@bp.get("/seances/<int:session_id>/signer/<int:participant_id>")
@login_required
def sign_participant(session_id: int, participant_id: int):
    """The trainer hands the tablet over: a large signing pad for one participant."""
    sess, cohort = get_session_or_404(session_id)
    participant = participant_or_404(cohort, participant_id)
    return render_template("attendance/sign.html", sess=sess, cohort=cohort, participant=participant,
                           empty=EmptyForm(), statuses=STATUSES, label=half_day_label(sess),
                           tour=request.args.get("tour") == "1", gaps=None)


@bp.route("/seances/<int:session_id>/signature-formateur", methods=["GET", "POST"])
@login_required
def sign_trainer(session_id: int):
    sess, cohort = get_session_or_404(session_id)
    gaps = None
    if request.method == "POST":
        check_csrf()
        s, f = db.session(), request.form
        try:
            sign_session(s, current_user, sess, signature_input(f), gaps=f.get("gaps") or None, reason=reason(f))
        except GapsError as exc:
            s.rollback()
            gaps = exc.names
            flash(str(exc), "error")
        except AttendanceError as exc:
            s.rollback()
            flash(str(exc), "error")
        else:
            s.commit()
            flash("Feuille signée et verrouillée. Toute modification demandera un motif.", "success")
            return redirect(url_for("attendance.sheet", session_id=sess.id))
    return render_template("attendance/sign.html", sess=sess, cohort=cohort, participant=None, empty=EmptyForm(),
                           statuses=STATUSES, label=half_day_label(sess), tour=False, gaps=gaps)


@bp.post("/seances/<int:session_id>/annuler-signature")
@login_required
def void(session_id: int):
    sess, cohort = get_session_or_404(session_id)
    check_csrf()
    s, f = db.session(), request.form
    pid = f.get("participant", "")
    participant = participant_or_404(cohort, int(pid)) if pid.isascii() and pid.isdigit() and len(pid) < 10 else None
    try:
        if participant is None:
            raise AttendanceError("Choisissez la personne dont la signature est à annuler.")
        void_signature(s, current_user, sess, participant, reason(f))
    except AttendanceError as exc:
        s.rollback()
        flash(str(exc), "error")
    else:
        s.commit()
        flash(f"Signature de {participant.full_name} annulée ; l'annulation figure dans l'historique.", "success")
    return redirect(url_for("attendance.sheet", session_id=sess.id))


@bp.post("/seances/<int:session_id>/code")
@login_required
def self_sign_open(session_id: int):
    sess, _cohort = get_session_or_404(session_id)
    check_csrf()
    s = db.session()
    try:
        open_self_sign(s, current_user, sess)
    except AttendanceError as exc:
        s.rollback()
        flash(str(exc), "error")
        return redirect(url_for("attendance.sheet", session_id=sess.id))
    s.commit()
    return redirect(url_for("attendance.self_sign_code", session_id=sess.id))


@bp.get("/seances/<int:session_id>/code")
@login_required
def self_sign_code(session_id: int):
    """The current code and its QR code; the page reloads itself when the code rotates."""
    sess, cohort = get_session_or_404(session_id)
    shown = current_code(sess)
    if shown is None:
        flash("L'émargement sur téléphone n'est pas ouvert pour cette séance.", "info")
        return redirect(url_for("attendance.sheet", session_id=sess.id))
    code, seconds = shown
    import segno

    link = url_for("attendance.self_sign_start", seance=sess.id, code=code, _external=True)
    qr = segno.make(link, error="m").svg_data_uri(scale=8, border=2)
    return render_template("attendance/code.html", sess=sess, cohort=cohort, code=code, link=link, qr=qr,
                           seconds=seconds, label=half_day_label(sess), rotation=timing.rotation(),
                           until=sess.self_sign_until)

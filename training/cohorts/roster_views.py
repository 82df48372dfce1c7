"""Roster pages: participants one by one, CSV import with preview, accounts given later."""
from __future__ import annotations

import base64
import binascii

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import db
from ..accounts.forms import EmptyForm
from . import bp
from .forms import AccountForm, ImportForm, ParticipantForm
from .models import Participant
from .invitations import can_mail, mail_invitations
from .roster import RosterError, add_participant, give_account, import_roster, parse_roster, remove_participant
from ..wording import pluralise
from .roster_csv import MAX_IMPORT_BYTES
from .views import get_managed_cohort_or_404


def _participant_or_404(cohort, participant_id: int) -> Participant:
    p = db.session().get(Participant, participant_id)
    if p is None or p.cohort_id != cohort.id:
        abort(404)
    return p


def _roster_page(cohort, form=None, import_form=None, status=200):
    participants = db.session().scalars(select(Participant).where(Participant.cohort_id == cohort.id)
                                        .order_by(Participant.full_name)).all()
    return render_template("cohorts/participants.html", cohort=cohort, participants=participants,
                           form=form or ParticipantForm(), import_form=import_form or ImportForm(),
                           account_form=AccountForm(), empty=EmptyForm()), status


@bp.route("/cohortes/<int:cohort_id>/participants", methods=["GET", "POST"])
@login_required
def participants(cohort_id: int):
    cohort = get_managed_cohort_or_404(cohort_id)
    form = ParticipantForm()
    if form.validate_on_submit():
        s = db.session()
        try:
            p = add_participant(s, cohort, form.full_name.data, form.organisation.data or "", form.job.data or "")
        except RosterError as exc:
            form.full_name.errors.append(str(exc))
            return _roster_page(cohort, form, status=422)
        s.commit()
        flash(f"{p.full_name} fait maintenant partie du groupe.", "success")
        return redirect(url_for("cohorts.participants", cohort_id=cohort.id))
    return _roster_page(cohort, form, status=422 if form.errors else 200)


@bp.post("/cohortes/<int:cohort_id>/participants/import")
@login_required
def roster_import(cohort_id: int):
    """Step 1 shows a preview (nothing written); step 2 (confirm) imports all lines or none."""
    cohort = get_managed_cohort_or_404(cohort_id)
    s = db.session()
    if request.form.get("confirm") == "oui":
        return _confirm_import(cohort)
    form = ImportForm()
    if not form.validate_on_submit():
        return _roster_page(cohort, import_form=form, status=422)
    raw = form.roster.data.read(MAX_IMPORT_BYTES + 1)
    preview = parse_roster(s, cohort, raw)
    return render_template("cohorts/import_preview.html", cohort=cohort, preview=preview,
                           mail=can_mail(current_app.config),
                           payload=base64.b64encode(raw).decode(), empty=EmptyForm()), 200 if preview.ok else 422


def _confirm_import(cohort):
    if not EmptyForm().validate_on_submit():
        abort(400)
    s = db.session()
    cfg = current_app.config
    try:
        raw = base64.b64decode(request.form.get("payload", ""), validate=True)
        result = import_roster(s, cohort, raw, current_user, cfg["RESET_LINK_HOURS"])
    except (binascii.Error, ValueError) as exc:
        s.rollback()
        flash(f"Import annulé, rien n'a été enregistré : {exc}" if isinstance(exc, RosterError)
              else "Import annulé : le fichier transmis est illisible. Recommencez.", "error")
        return redirect(url_for("cohorts.participants", cohort_id=cohort.id))
    s.commit()
    if not result.invitations:
        flash(f"{pluralise(result.count, 'personne importée', 'personnes importées')}.", "success")
        return redirect(url_for("cohorts.participants", cohort_id=cohort.id))
    links = [(i.name, i.email, url_for("accounts.reset", token=i.token, _external=True)) for i in result.invitations]
    mailed = mail_invitations(cfg, cohort.name, cfg["RESET_LINK_HOURS"], links) if can_mail(cfg) else set()
    return render_template("cohorts/import_done.html", cohort=cohort, result=result, mailed=mailed,
                           links=[x for x in links if x[1] not in mailed], hours=cfg["RESET_LINK_HOURS"])


@bp.post("/cohortes/<int:cohort_id>/participants/<int:participant_id>/compte")
@login_required
def participant_account(cohort_id: int, participant_id: int):
    cohort = get_managed_cohort_or_404(cohort_id)
    p = _participant_or_404(cohort, participant_id)
    form = AccountForm()
    if not form.validate_on_submit():
        flash(" ".join(form.email.errors) or "Adresse électronique invalide.", "error")
        return redirect(url_for("cohorts.participants", cohort_id=cohort.id))
    s = db.session()
    hours = current_app.config["RESET_LINK_HOURS"]
    try:
        user, token = give_account(s, p, form.email.data, current_user, hours)
    except RosterError as exc:
        s.rollback()
        flash(str(exc), "error")
        return redirect(url_for("cohorts.participants", cohort_id=cohort.id))
    s.commit()
    return render_template("accounts/reset_link.html", user=user, hours=hours,
                           link=url_for("accounts.reset", token=token, _external=True))


@bp.post("/cohortes/<int:cohort_id>/participants/<int:participant_id>/retirer")
@login_required
def participant_remove(cohort_id: int, participant_id: int):
    cohort = get_managed_cohort_or_404(cohort_id)
    p = _participant_or_404(cohort, participant_id)
    if EmptyForm().validate_on_submit():
        s = db.session()
        try:
            remove_participant(s, p)
        except RosterError as exc:
            flash(str(exc), "error")
        else:
            s.commit()
            flash("Personne retirée du groupe.", "success")
    return redirect(url_for("cohorts.participants", cohort_id=cohort.id))

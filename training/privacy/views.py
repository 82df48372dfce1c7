"""Admin pages for a person's data: JSON export and erasure, for accounts and for roster rows."""
from __future__ import annotations

import json

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import db
from ..accounts.forms import EmptyForm
from ..accounts.views import get_user_or_404
from ..cohorts.models import Participant
from ..permissions import require, role_required
from . import bp
from .erase import anonymise_participant, anonymise_person, delete_person
from .export import export_participant, export_person


def _json_download(data: dict, filename: str):
    body = json.dumps(data, ensure_ascii=False, indent=2)
    return current_app.response_class(body, mimetype="application/json", headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


def _participant_or_404(cohort_id: int, participant_id: int) -> Participant:
    require("export_person")
    p = db.session().get(Participant, participant_id)
    if p is None or p.cohort_id != cohort_id:
        abort(404)
    return p


@bp.get("/admin/utilisateurs/<int:user_id>/donnees")
@role_required("admin")
def user_export(user_id: int):
    user = get_user_or_404(user_id)
    return _json_download(export_person(db.session(), user), f"donnees-personne-{user.id}.json")


@bp.post("/admin/utilisateurs/<int:user_id>/effacer")
@role_required("admin")
def user_erase(user_id: int):
    user = get_user_or_404(user_id)
    mode = request.form.get("mode")
    if not EmptyForm().validate_on_submit() or mode not in ("anonymiser", "supprimer") \
            or request.form.get("confirm") != "oui":
        flash("Cochez la confirmation et choisissez « anonymiser » ou « supprimer ».", "error")
        return redirect(url_for("accounts.user_edit", user_id=user.id))
    s = db.session()
    try:
        (anonymise_person if mode == "anonymiser" else delete_person)(s, user, current_user)
    except ValueError as exc:
        flash(str(exc), "error")
        return redirect(url_for("accounts.user_edit", user_id=user.id))
    s.commit()
    flash("Compte anonymisé partout ; les documents déjà émis restent tels quels." if mode == "anonymiser"
          else "Compte et données supprimés.", "success")
    return redirect(url_for("accounts.users"))


@bp.get("/cohortes/<int:cohort_id>/participants/<int:participant_id>/donnees")
@login_required
def participant_export(cohort_id: int, participant_id: int):
    p = _participant_or_404(cohort_id, participant_id)
    return _json_download(export_participant(db.session(), p), f"donnees-participant-{p.id}.json")


@bp.route("/cohortes/<int:cohort_id>/participants/<int:participant_id>/anonymiser", methods=["GET", "POST"])
@login_required
def participant_anonymise(cohort_id: int, participant_id: int):
    p = _participant_or_404(cohort_id, participant_id)
    form = EmptyForm()
    if request.method == "POST":
        if not form.validate_on_submit() or request.form.get("confirm") != "oui":
            flash("Cochez la confirmation pour anonymiser cette personne.", "error")
            return redirect(url_for(".participant_anonymise", cohort_id=cohort_id, participant_id=p.id))
        s = db.session()
        try:
            anonymise_participant(s, p, current_user)
        except ValueError as exc:
            flash(str(exc), "error")
            return redirect(url_for("cohorts.participants", cohort_id=cohort_id))
        s.commit()
        flash("Personne anonymisée ; les documents déjà émis restent tels quels.", "success")
        return redirect(url_for("cohorts.participants", cohort_id=cohort_id))
    return render_template("privacy/participant_anonymise.html", participant=p, form=form)

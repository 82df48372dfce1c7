"""Admin page of the training body: its identity on every document, and the history of changes."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import db
from ..accounts.forms import EmptyForm
from ..permissions import require
from . import bp
from .services import BodyInput, OrganisationError, current_body, history, save_body


def _file(name: str) -> bytes | None:
    f = request.files.get(name)
    return f.read(400 * 1024) if f and f.filename else None


@bp.route("/admin/organisme", methods=["GET", "POST"])
@login_required
def edit():
    require("manage_users")
    s = db.session()
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        f = request.form
        data = BodyInput(f.get("name", ""), f.get("address", "")[:2000], f.get("city", ""), f.get("siret", "")[:40],
                         f.get("nda", "")[:40], f.get("signatory_name", ""), f.get("signatory_title", ""),
                         _file("logo"), _file("stamp"), f.get("remove_logo") == "oui", f.get("remove_stamp") == "oui")
        try:
            save_body(s, current_user, data)
        except OrganisationError as exc:
            s.rollback()
            flash(f"Rien n'a été enregistré. {exc}", "error")
            return render_template("organisation/edit.html", body=data, versions=history(s), empty=EmptyForm()), 400
        s.commit()
        flash("Coordonnées de l'organisme enregistrées ; elles figurent sur les prochains documents.", "success")
        return redirect(url_for("organisation.edit"))
    return render_template("organisation/edit.html", body=current_body(s), versions=history(s), empty=EmptyForm())

"""Cohort pages: list, creation, detail with anonymous shares, joining by code."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user
from sqlalchemy.exc import IntegrityError
from wtforms.fields.choices import SelectChoice

from .. import db
from ..inputs import parse_id
from ..accounts.services import AccountError, create_user
from ..content.views import registry
from ..permissions import require, role_required
from . import bp
from ..accounts.forms import EmptyForm
from .forms import CohortForm, JoinForm, SignupForm, TrainerForm
from .models import AUDIENCES, Cohort
from .queries import cohorts_for_trainer, enrolled_count, shared_reflections
from .services import (NOT_A_TRAINEE, CohortError, add_trainer, create_cohort, enrol, find_by_code,
                       remove_trainer, set_archived, update_cohort)


def get_cohort_or_404(cohort_id: int) -> Cohort:
    cohort = db.session().get(Cohort, cohort_id)
    if cohort is None:
        abort(404)
    return cohort


def get_managed_cohort_or_404(cohort_id: int) -> Cohort:
    """The cohort, if the current user may manage it (its trainers, admins); 404 for anyone else."""
    cohort = get_cohort_or_404(cohort_id)
    require("manage_cohort", cohort)
    return cohort


@bp.get("/cohortes")
@role_required("trainer", "admin")
def index():
    return render_template("cohorts/index.html", cohorts=cohorts_for_trainer(db.session(), current_user),
                           reg=registry())


def _cohort_form(obj=None) -> CohortForm:
    form = CohortForm(obj=obj)
    form.path_slug.choices = [SelectChoice(p.slug, p.title) for p in registry().paths.values()]
    form.audience.choices = [SelectChoice(k, v) for k, v in AUDIENCES.items()]
    return form


@bp.route("/cohortes/nouvelle", methods=["GET", "POST"])
@role_required("trainer", "admin")
def new():
    form = _cohort_form()
    if form.validate_on_submit():
        s = db.session()
        try:
            cohort = create_cohort(s, current_user, form.name.data, form.path_slug.data, form.place.data or "",
                                   form.start_date.data, form.end_date.data, set(registry().paths),
                                   form.audience.data)
        except CohortError as exc:
            form.end_date.errors.append(str(exc))
        else:
            s.commit()
            flash("Groupe créé. Communiquez le code aux stagiaires.", "success")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form)


@bp.route("/cohortes/<int:cohort_id>/modifier", methods=["GET", "POST"])
@login_required
def edit(cohort_id: int):
    cohort = get_managed_cohort_or_404(cohort_id)
    form = _cohort_form(cohort)
    if form.validate_on_submit():
        try:
            update_cohort(cohort, form.name.data, form.path_slug.data, form.place.data or "", form.audience.data,
                          form.start_date.data, form.end_date.data, set(registry().paths))
        except CohortError as exc:
            form.end_date.errors.append(str(exc))
        else:
            db.session().commit()
            flash("Groupe modifié.", "success")
            return redirect(url_for("cohorts.detail", cohort_id=cohort.id))
    return render_template("cohorts/form.html", form=form, cohort=cohort, trainer_form=TrainerForm(), empty=EmptyForm())


@bp.post("/cohortes/<int:cohort_id>/archive")
@login_required
def archive(cohort_id: int):
    cohort = get_managed_cohort_or_404(cohort_id)
    if EmptyForm().validate_on_submit():
        set_archived(cohort, cohort.archived_at is None)
        db.session().commit()
        flash("Groupe archivé : le code d'inscription ne fonctionne plus." if cohort.archived_at
              else "Groupe rouvert.", "success")
    return redirect(url_for("cohorts.detail", cohort_id=cohort.id))


@bp.post("/cohortes/<int:cohort_id>/formateurs")
@login_required
def trainers(cohort_id: int):
    cohort = get_managed_cohort_or_404(cohort_id)
    s = db.session()
    form = TrainerForm()
    try:
        if (remove_id := parse_id(request.form.get("remove"))) is not None:
            if EmptyForm().validate_on_submit():
                remove_trainer(cohort, remove_id, current_user)
        elif form.validate_on_submit():
            added = add_trainer(s, cohort, form.email.data)
            flash(f"{added.display_name} co-anime désormais ce groupe.", "success")
    except CohortError as exc:
        flash(str(exc), "error")
    else:
        s.commit()
    return redirect(url_for("cohorts.edit", cohort_id=cohort.id))


@bp.get("/cohortes/<int:cohort_id>")
@login_required
def detail(cohort_id: int):
    cohort = get_cohort_or_404(cohort_id)
    require("view_cohort", cohort)
    s = db.session()
    reg = registry()
    shares = shared_reflections(s, cohort, current_app.config["SHARE_MIN_SUBMITTERS"])
    return render_template("cohorts/detail.html", cohort=cohort, path=reg.paths.get(cohort.path_slug),
                           count=enrolled_count(s, cohort), shares=shares, reg=reg, empty=EmptyForm())


@bp.route("/rejoindre", methods=["GET", "POST"])
@login_required
def join():
    form = JoinForm()
    if form.validate_on_submit():
        s = db.session()
        cohort = find_by_code(s, form.code.data)
        if cohort is None:
            form.code.errors.append("Ce code ne correspond à aucun groupe ouvert. Vérifiez-le auprès de votre formateur.")
        else:
            try:
                return _enrol_and_go_home(cohort)
            except CohortError as exc:
                form.code.errors.append(str(exc))
    return render_template("cohorts/join.html", form=form)


def _enrol_and_go_home(cohort: Cohort):
    """Enrol the signed-in user (CohortError for a trainer or an admin), commit, back home."""
    s = db.session()
    added = enrol(s, cohort, current_user)
    s.commit()
    flash(f"Vous avez rejoint le groupe « {cohort.name} »." if added
          else f"Vous faites déjà partie du groupe « {cohort.name} ».", "success")
    return redirect(url_for("main.home"))


def _confirm_join(cohort: Cohort):
    """A signed-in visitor sees the cohort and joins only by posting the confirmation form."""
    form, error = EmptyForm(), None
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        try:
            return _enrol_and_go_home(cohort)
        except CohortError as exc:
            error = str(exc)
    elif current_user.role in ("trainer", "admin"):
        error = NOT_A_TRAINEE
    return render_template("cohorts/join_confirm.html", cohort=cohort, form=form, error=error,
                           path=registry().paths.get(cohort.path_slug)), (403 if error else 200)


@bp.route("/rejoindre/<code>", methods=["GET", "POST"])
def signup(code: str):
    s = db.session()
    cohort = find_by_code(s, code)
    if cohort is None:
        return render_template("cohorts/join_invalid.html"), 404
    if current_user.is_authenticated:
        return _confirm_join(cohort)
    form = SignupForm()
    if form.validate_on_submit():
        try:
            user = create_user(s, form.email.data, form.display_name.data, "trainee", form.password.data,
                               form.organisation.data or "")
        except AccountError as exc:
            form.email.errors.append(str(exc))
        except IntegrityError:  # the same address signed up in another request at the same instant
            s.rollback()
            form.email.errors.append("Un compte existe déjà avec cette adresse.")
        else:
            enrol(s, cohort, user)
            s.commit()
            login_user(user)
            flash(f"Bienvenue ! Votre compte est créé et vous avez rejoint « {cohort.name} ».", "success")
            return redirect(url_for("main.home"))
    return render_template("cohorts/signup.html", form=form, cohort=cohort)

"""Account pages: login/logout, own password, reset links, admin user management."""
from __future__ import annotations

import time
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user
from sqlalchemy import select

from .. import db
from ..permissions import require, role_required
from . import bp
from .forms import ChangePasswordForm, EmptyForm, LoginForm, NewUserForm, ResetPasswordForm, UserForm
from .models import User
from . import devices
from .services import (AccountError, authenticate, change_password, create_user, end_all_sessions,
                       find_reset_token, issue_reset_token, normalise_email, set_active, use_reset_token)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("main.home")


@bp.route("/connexion", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        s = db.session()
        device_id, known = devices.read(request.cookies)
        result = authenticate(s, form.email.data, form.password.data, request.remote_addr or "?",
                              current_app.config, device_id, known)
        s.commit()
        if result.user:
            login_user(result.user, remember=form.remember.data)
            response = redirect(_safe_next(request.args.get("next")))
            devices.remember(response, device_id, known, result.user.id)
            return response
        if result.delay:
            time.sleep(result.delay)
        flash(result.message, "error")
        return render_template("accounts/login.html", form=form), result.status
    return render_template("accounts/login.html", form=form)


@bp.post("/deconnexion")
@login_required
def logout():
    """End every session and remember-me cookie of the person, on every device."""
    if EmptyForm().validate_on_submit():
        s = db.session()
        end_all_sessions(s, current_user)
        s.commit()
        logout_user()
        flash("Vous êtes déconnecté, sur cet appareil comme sur les autres.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/compte/mot-de-passe", methods=["GET", "POST"])
@login_required
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        s = db.session()
        try:
            change_password(s, current_user, form.current_password.data, form.new_password.data)
        except AccountError as exc:
            form.current_password.errors.append(str(exc))
        else:
            s.commit()
            login_user(current_user)  # the session version changed: keep this device signed in
            flash("Votre mot de passe a été modifié.", "success")
            return redirect(url_for("main.home"))
    return render_template("accounts/password.html", form=form)


@bp.route("/reinitialiser/<token>", methods=["GET", "POST"])
def reset(token: str):
    s = db.session()
    if find_reset_token(s, token) is None:
        return render_template("accounts/reset_invalid.html"), 410
    form = ResetPasswordForm()
    if form.validate_on_submit():
        try:
            use_reset_token(s, token, form.new_password.data)
        except AccountError as exc:
            flash(str(exc), "error")
            return render_template("accounts/reset_invalid.html"), 410
        s.commit()
        logout_user()
        flash("Votre mot de passe est enregistré. Connectez-vous avec le nouveau.", "success")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset.html", form=form)


# -- admin -------------------------------------------------------------------------------

def get_user_or_404(user_id: int) -> User:
    user = db.session().get(User, user_id)
    require("manage_users")
    if user is None:
        from flask import abort
        abort(404)
    return user


@bp.get("/admin/utilisateurs")
@role_required("admin")
def users():
    rows = db.session().scalars(select(User).order_by(User.role, User.display_name)).all()
    return render_template("accounts/users.html", users=rows, form=EmptyForm())


@bp.route("/admin/utilisateurs/nouveau", methods=["GET", "POST"])
@role_required("admin")
def user_new():
    form = NewUserForm()
    if form.validate_on_submit():
        s = db.session()
        try:
            user = create_user(s, form.email.data, form.display_name.data, form.role.data,
                               form.password.data, form.organisation.data or "")
        except AccountError as exc:
            form.email.errors.append(str(exc))
        else:
            s.commit()
            flash(f"Compte créé pour {user.display_name}.", "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=None)


@bp.route("/admin/utilisateurs/<int:user_id>", methods=["GET", "POST"])
@role_required("admin")
def user_edit(user_id: int):
    user = get_user_or_404(user_id)
    form = UserForm(obj=user)
    if form.validate_on_submit():
        s = db.session()
        email = normalise_email(form.email.data)
        taken = s.scalar(select(User.id).where(User.email == email, User.id != user.id))
        if taken:
            form.email.errors.append("Un compte existe déjà avec cette adresse.")
        elif user.id == current_user.id and form.role.data != "admin":
            form.role.errors.append("Vous ne pouvez pas retirer votre propre rôle d'administrateur.")
        else:
            user.display_name, user.email = form.display_name.data.strip(), email
            user.organisation, user.role = (form.organisation.data or "").strip(), form.role.data
            s.commit()
            flash("Compte modifié.", "success")
            return redirect(url_for("accounts.users"))
    return render_template("accounts/user_form.html", form=form, user=user, empty=EmptyForm())


@bp.post("/admin/utilisateurs/<int:user_id>/actif")
@role_required("admin")
def user_toggle(user_id: int):
    user = get_user_or_404(user_id)
    if EmptyForm().validate_on_submit():
        s = db.session()
        try:
            set_active(s, user, not user.active, current_user)
        except AccountError as exc:
            flash(str(exc), "error")
        else:
            s.commit()
            flash("Compte réactivé." if user.active else "Compte désactivé.", "success")
    return redirect(url_for("accounts.users"))


@bp.post("/admin/utilisateurs/<int:user_id>/deconnecter")
@role_required("admin")
def user_sign_out(user_id: int):
    """« Déconnecter partout »: every session and remember-me cookie of the person stops working."""
    user = get_user_or_404(user_id)
    if EmptyForm().validate_on_submit():
        s = db.session()
        end_all_sessions(s, user)
        s.commit()
        flash(f"{user.display_name} est déconnecté sur tous ses appareils.", "success")
        if user.id == current_user.id:
            logout_user()
            return redirect(url_for("accounts.login"))
    return redirect(url_for("accounts.user_edit", user_id=user.id))


@bp.post("/admin/utilisateurs/<int:user_id>/lien")
@role_required("admin")
def user_reset_link(user_id: int):
    user = get_user_or_404(user_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("accounts.users"))
    s = db.session()
    hours = current_app.config["RESET_LINK_HOURS"]
    token = issue_reset_token(s, user, current_user, hours)
    s.commit()
    link = url_for("accounts.reset", token=token, _external=True)
    return render_template("accounts/reset_link.html", user=user, link=link, hours=hours)

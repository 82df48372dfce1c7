"""Account forms, with length limits on every field."""
from __future__ import annotations

from ..forms import Form as FlaskForm
from wtforms.fields.choices import SelectChoice
from wtforms import BooleanField, EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from .models import ROLE_LABELS
from .services import PASSWORD_MAX, PASSWORD_MIN

REQUIRED = "Ce champ est obligatoire."


class LoginForm(FlaskForm):
    email = EmailField("Adresse électronique", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField("Mot de passe", validators=[DataRequired(REQUIRED), Length(max=PASSWORD_MAX)])
    remember = BooleanField("Rester connecté sur cet appareil")


def _new_password_fields():
    return (
        PasswordField("Nouveau mot de passe", validators=[
            DataRequired(REQUIRED), Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                                           message=f"De {PASSWORD_MIN} à {PASSWORD_MAX} caractères.")]),
        PasswordField("Confirmez le nouveau mot de passe", validators=[
            DataRequired(REQUIRED), EqualTo("new_password", message="Les deux mots de passe diffèrent.")]),
    )


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField("Mot de passe actuel", validators=[DataRequired(REQUIRED), Length(max=PASSWORD_MAX)])
    new_password, confirm = _new_password_fields()


class ResetPasswordForm(FlaskForm):
    new_password, confirm = _new_password_fields()


class UserForm(FlaskForm):
    display_name = StringField("Nom et prénom", validators=[DataRequired(REQUIRED), Length(max=120)])
    email = EmailField("Adresse électronique", validators=[
        DataRequired(REQUIRED), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Adresse électronique invalide."),
        Length(max=254)])
    organisation = StringField("Structure", validators=[Length(max=160)])
    role = SelectField("Rôle", choices=[SelectChoice(k, v) for k, v in ROLE_LABELS.items()])


class NewUserForm(UserForm):
    # Least privilege first: a new account is a trainee unless the admin chooses otherwise.
    role = SelectField("Rôle", default="trainee",
                       choices=[SelectChoice(k, ROLE_LABELS[k]) for k in ("trainee", "trainer", "admin")])
    password = PasswordField("Mot de passe initial", validators=[
        DataRequired(REQUIRED), Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                                       message=f"De {PASSWORD_MIN} à {PASSWORD_MAX} caractères.")])


class EmptyForm(FlaskForm):
    """A button that changes state still carries a CSRF token."""

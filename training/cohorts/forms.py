"""Cohort forms."""
from __future__ import annotations

from flask_wtf.file import FileField, FileRequired

from ..forms import Form as FlaskForm
from ..forms import FrenchDateField, YearRange
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from ..accounts.services import PASSWORD_MAX, PASSWORD_MIN

REQUIRED = "Ce champ est obligatoire."


class CohortForm(FlaskForm):
    name = StringField("Nom du groupe", validators=[DataRequired(REQUIRED), Length(max=160)])
    path_slug = SelectField("Parcours", choices=[])
    audience = SelectField("Public", choices=[])
    place = StringField("Lieu", validators=[Length(max=200)])
    start_date = FrenchDateField("Premier jour", validators=[YearRange()])
    end_date = FrenchDateField("Dernier jour", validators=[YearRange()])


class JoinForm(FlaskForm):
    code = StringField("Code du groupe", validators=[DataRequired(REQUIRED), Length(max=16)])


class SignupForm(FlaskForm):
    display_name = StringField("Nom et prénom", validators=[DataRequired(REQUIRED), Length(max=120)])
    email = EmailField("Adresse électronique", validators=[
        DataRequired(REQUIRED), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Adresse électronique invalide."),
        Length(max=254)])
    organisation = StringField("Structure (facultatif)", validators=[Length(max=160)])
    password = PasswordField("Mot de passe", validators=[
        DataRequired(REQUIRED), Length(min=PASSWORD_MIN, max=PASSWORD_MAX,
                                       message=f"De {PASSWORD_MIN} à {PASSWORD_MAX} caractères.")])
    confirm = PasswordField("Confirmez le mot de passe", validators=[
        DataRequired(REQUIRED), EqualTo("password", message="Les deux mots de passe diffèrent.")])


class ParticipantForm(FlaskForm):
    full_name = StringField("Nom et prénom", validators=[DataRequired(REQUIRED), Length(max=160)])
    organisation = StringField("Structure (par ex. le bailleur)", validators=[Length(max=160)])
    job = StringField("Fonction", validators=[Length(max=120)])


class ImportForm(FlaskForm):
    roster = FileField("Fichier CSV", validators=[FileRequired("Choisissez un fichier CSV.")])


class AccountForm(FlaskForm):
    email = EmailField("Adresse électronique de la personne", validators=[
        DataRequired(REQUIRED), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Adresse électronique invalide."),
        Length(max=254)])


class TrainerForm(FlaskForm):
    email = EmailField("Adresse du co-formateur", validators=[DataRequired(REQUIRED), Length(max=254)])

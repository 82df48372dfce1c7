"""Base form: WTForms' own French messages and no control character in any text field; a date field
that says whether a date is missing, unreadable or out of range.

The request guard (`training.inputs`) already refuses NUL and other control characters
everywhere; here a single-line field also refuses tabs and line breaks, which only a
multi-line field (`TextAreaField`) may hold.
"""
from __future__ import annotations

from datetime import date

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.form import _Auto
from werkzeug.datastructures import ImmutableMultiDict
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import StopValidation, ValidationError

from .inputs import has_forbidden

CONTROL_FIELD_MESSAGE = "Ce champ contient un caractère non permis (retour à la ligne, tabulation ou caractère de contrôle)."
FIRST_YEAR, LAST_YEAR = 2000, 2100


class Form(FlaskForm):
    class Meta:
        locales = ["fr_FR", "fr"]

        def wrap_formdata(self, form, formdata):
            # Flask-WTF feeds a JSON body to the form as if it were form fields, numbers and lists
            # included, which the validators do not expect. Our forms are HTML forms: a JSON body
            # fills no field, so it gets the form's French errors instead of a 500.
            if formdata is _Auto and request.is_json:
                return ImmutableMultiDict()
            return super().wrap_formdata(form, formdata)

    def validate(self, extra_validators=None) -> bool:
        ok = super().validate(extra_validators)
        for field in self:
            data = field.data
            if isinstance(field, StringField) and isinstance(data, str) and data:
                if has_forbidden(data, single_line=not isinstance(field, TextAreaField)):
                    field.errors = [*field.errors, CONTROL_FIELD_MESSAGE]
                    ok = False
        return ok


class YearRange:
    """A date between FIRST_YEAR and LAST_YEAR: no cohort or session in year 9999."""

    def __call__(self, form, field) -> None:
        value = field.data
        if isinstance(value, date) and not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValidationError(f"Date hors des limites : choisissez une année entre {FIRST_YEAR} et {LAST_YEAR}.")


class FrenchDateField(DateField):
    """A date that answers « Date obligatoire. » when empty and « Date invalide… » when unreadable.

    WTForms gives both cases the same message once DataRequired runs, and the first one in English.
    """

    def process_formdata(self, valuelist):
        if valuelist and valuelist[0].strip():
            super().process_formdata(valuelist)
        else:
            self.data = None

    def pre_validate(self, form):
        raw = (self.raw_data or [""])[0].strip() if self.raw_data else ""
        if not raw:
            self.process_errors.clear()
            raise StopValidation("Date obligatoire.")
        if self.data is None:
            self.process_errors.clear()
            raise StopValidation("Date invalide : écrivez-la au format jj/mm/aaaa.")

"""Base form: WTForms' own French messages, and no control character in any text field.

The request guard (`training.inputs`) already refuses NUL and other control characters
everywhere; here a single-line field also refuses tabs and line breaks, which only a
multi-line field (`TextAreaField`) may hold.
"""
from __future__ import annotations

from datetime import date

from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import ValidationError

from .inputs import has_forbidden

CONTROL_FIELD_MESSAGE = "Ce champ contient un caractère non permis (retour à la ligne, tabulation ou caractère de contrôle)."
FIRST_YEAR, LAST_YEAR = 2000, 2100


class Form(FlaskForm):
    class Meta:
        locales = ["fr_FR", "fr"]

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

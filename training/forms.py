"""Base form (WTForms' own French messages for every built-in validator) and a date field that says
whether a date is missing or unreadable."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import StopValidation


class Form(FlaskForm):
    class Meta:
        locales = ["fr_FR", "fr"]


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

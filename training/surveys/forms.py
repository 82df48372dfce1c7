"""Survey forms: the « à froid » date; answers are parsed from the posted questionnaire by the service."""
from __future__ import annotations

from wtforms import DateField, HiddenField
from wtforms.validators import AnyOf, DataRequired

from ..forms import Form as FlaskForm
from .models import KINDS


class ColdDateForm(FlaskForm):
    cold_survey_on = DateField("Date d'ouverture du questionnaire à froid",
                               validators=[DataRequired("Indiquez une date valide (jj/mm/aaaa).")])


class SendLinksForm(FlaskForm):
    kind = HiddenField(validators=[AnyOf(list(KINDS), message="Questionnaire inconnu.")])

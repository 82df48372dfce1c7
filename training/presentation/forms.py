"""Presentation forms."""
from __future__ import annotations

from wtforms import BooleanField, TextAreaField
from wtforms.validators import Length

from ..forms import Form as FlaskForm

# The service checks MAX_CHARS with a precise message that keeps the text; this only bounds the request.
HARD_MAX = 100_000


class SynthesisForm(FlaskForm):
    body = TextAreaField("Synthèse du groupe", validators=[Length(max=HARD_MAX)])
    names_ok = BooleanField("Je confirme\u00a0: la synthèse ne contient aucun nom de personne réelle.")

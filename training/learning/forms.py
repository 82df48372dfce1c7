"""Learning forms."""
from __future__ import annotations

from ..forms import Form as FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, TextAreaField
from wtforms.validators import AnyOf, Length, Optional

# The service checks the configured limit with a precise message; this only bounds the request.
HARD_MAX = 100_000


class ReflectionForm(FlaskForm):
    text = TextAreaField("Votre réponse", validators=[Length(max=HARD_MAX)])
    revision = IntegerField(validators=[Optional()])
    action = HiddenField(default="save", validators=[AnyOf(["save", "submit"])])
    names_ok = BooleanField("Je confirme : mon texte ne contient pas de nom de personne réelle.")
    force = BooleanField("Remplacer la version enregistrée par ce texte")


class EmptyForm(FlaskForm):
    """A state-changing button still carries a CSRF token."""

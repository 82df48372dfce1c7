"""Base form: WTForms' own French messages for every built-in validator."""
from __future__ import annotations

from flask_wtf import FlaskForm


class Form(FlaskForm):
    class Meta:
        locales = ["fr_FR", "fr"]

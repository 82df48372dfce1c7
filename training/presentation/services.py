"""Recording the group's anonymous synthesis of an exercise.

Services take the session and the acting user; they raise SynthesisError with a French
message and write nothing when they refuse. A synthesis text is never logged.
"""
from __future__ import annotations

from sqlalchemy.orm import Session

from ..cohorts.models import Cohort
from ..content.model import Exercise
from ..db import get_or_create, utcnow
from ..learning.services import possible_names
from .models import GroupSynthesis

MAX_CHARS = 4000


class SynthesisError(ValueError):
    """A refused synthesis; the message is French, for the trainer."""


class PossibleNames(SynthesisError):
    """The text seems to name people: the trainer must check it and confirm before it is kept."""

    def __init__(self, names: list[str]):
        super().__init__("La synthèse semble contenir des noms de personnes.")  # never the text itself
        self.names = names


def clean_text(text: str) -> str:
    """Normalise line breaks and check the text; raise SynthesisError if empty or too long."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > MAX_CHARS:
        raise SynthesisError(f"La synthèse dépasse la limite de {MAX_CHARS}\u00a0caractères "
                             f"({len(text)}\u00a0caractères). Raccourcissez-la\u00a0: rien n'a été perdu.")
    if not text.strip():
        raise SynthesisError("La synthèse est vide\u00a0: notez quelques lignes avant d'enregistrer.")
    return text


def save_synthesis(s: Session, cohort: Cohort, exercise: Exercise, text: str, actor,
                   names_confirmed: bool = False) -> GroupSynthesis:
    """Create or replace the cohort's synthesis of `exercise`.

    Raises SynthesisError (empty or over MAX_CHARS) and PossibleNames (capitalised words that
    may be people's names, unless `names_confirmed`); writes nothing then.
    """
    text = clean_text(text)
    names = possible_names(text)
    if names and not names_confirmed:
        raise PossibleNames(names)
    # A co-trainer may save the same synthesis at the same instant: the last save wins, no error.
    row = get_or_create(s, GroupSynthesis, {"cohort_id": cohort.id, "exercise_slug": exercise.slug}, {"body": ""})
    row.body, row.updated_at, row.updated_by_id = text, utcnow(), getattr(actor, "id", None)
    s.flush()
    return row

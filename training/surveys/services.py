"""Survey services: checking and recording an anonymous answer, scheduling the « à froid » survey.

Services take the session; they raise a SurveyError with a French message and write nothing
when they refuse. Answers are never logged, nor put into an exception message.
"""
from __future__ import annotations

import calendar
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..cohorts.models import Cohort, Participant
from ..dates import PARIS, french_date
from ..db import utcnow
from .models import KINDS, SurveyReceipt, SurveyResponse
from .queries import cohort_statuses
from .questions import SCALE_VALUES, SURVEYS, TEXT_MAX_CHARS, Survey

NBSP = "\u00a0"


class SurveyError(ValueError):
    """A refused survey operation; the message is French, for the participant or the trainer."""


class AlreadyAnswered(SurveyError):
    pass


class NotOpen(SurveyError):
    pass


class InvalidAnswers(SurveyError):
    """Answers that do not fit the questionnaire; `errors` maps a question slug to its French message."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(f"Vos réponses ne sont pas enregistrées{NBSP}: corrigez "
                         f"{'le point signalé' if len(errors) == 1 else 'les points signalés'} ci-dessous.")
        self.errors = errors


def clean_answers(survey: Survey, raw: Mapping[str, str]) -> dict[str, int | str]:
    """Every scale answer as an int from 1 to 5 (all required); free texts trimmed, within the limit.

    Empty free texts are left out. Raises InvalidAnswers listing every problem at once.
    """
    errors: dict[str, str] = {}
    answers: dict[str, int | str] = {}
    for q in survey.questions:
        value = (raw.get(q.slug) or "").strip()
        if q.is_scale:
            if not value:
                errors[q.slug] = "Choisissez une réponse sur l'échelle."
            elif not (value.isascii() and value.isdigit()) or int(value) not in SCALE_VALUES:
                errors[q.slug] = "Cette réponse n'est pas sur l'échelle proposée (de 1 à 5)."
            else:
                answers[q.slug] = int(value)
        elif value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")  # as the browser counts them
            if len(value) > TEXT_MAX_CHARS:
                errors[q.slug] = (f"Votre texte compte {len(value)} caractères{NBSP}: "
                                  f"{TEXT_MAX_CHARS} au plus. Raccourcissez-le.")
            else:
                answers[q.slug] = value
    if errors:
        raise InvalidAnswers(errors)
    return answers


def not_open_message(kind: str, opens_on: date | None) -> str:
    if opens_on is None:
        return f"Le questionnaire {KINDS[kind]} n'est pas encore programmé par votre formateur."
    return f"Le questionnaire {KINDS[kind]} sera ouvert à partir du {french_date(opens_on, weekday=True)}."


def has_answered(s: Session, participant: Participant, kind: str) -> bool:
    return s.scalar(select(SurveyReceipt.id).where(SurveyReceipt.participant_id == participant.id,
                                                   SurveyReceipt.kind == kind)) is not None


def record_answer(s: Session, participant: Participant, kind: str, raw: Mapping[str, str], today: date,
                  now: datetime | None = None) -> None:
    """Store one participant's answers to an open survey, anonymously, once.

    Adds, together, a SurveyResponse (cohort, kind, answers, day only: no link to the person)
    and a SurveyReceipt (that this participant answered). Raises NotOpen, AlreadyAnswered
    (also when a second request races in) or InvalidAnswers, writing nothing.
    """
    if kind not in SURVEYS:
        raise SurveyError("Questionnaire inconnu.")
    status = cohort_statuses(s, participant.cohort)[kind]
    if not status.is_open(today):
        raise NotOpen(not_open_message(kind, status.opens_on))
    if has_answered(s, participant, kind):
        raise AlreadyAnswered(f"Vous avez déjà répondu à ce questionnaire, merci{NBSP}!")
    answers = clean_answers(SURVEYS[kind], raw)
    now = now or utcnow()
    response = SurveyResponse(cohort_id=participant.cohort_id, kind=kind, answers=answers,
                              answered_on=now.astimezone(PARIS).date())
    receipt = SurveyReceipt(participant_id=participant.id, kind=kind, answered_on=now.astimezone(PARIS).date())
    try:
        with s.begin_nested():
            s.add_all([response, receipt])
    except IntegrityError:  # the same link posted twice at once: the unique receipt keeps one
        raise AlreadyAnswered(f"Vous avez déjà répondu à ce questionnaire, merci{NBSP}!") from None


# -- scheduling ----------------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day when it has no such day (31 → 30)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def cold_survey_window(cohort: Cohort) -> tuple[date, date]:
    return add_months(cohort.end_date, 1), add_months(cohort.end_date, 3)


def schedule_cold_survey(cohort: Cohort, day: date | None) -> None:
    """Set the day the « à froid » survey opens: one to three months after the cohort's end date."""
    if day is None:
        raise SurveyError("Indiquez une date (jj/mm/aaaa).")
    first, last = cold_survey_window(cohort)
    if not first <= day <= last:
        raise SurveyError(f"Le questionnaire à froid s'ouvre entre un et trois mois après la fin de la formation "
                          f"({french_date(cohort.end_date)}){NBSP}: choisissez une date du {french_date(first)} "
                          f"au {french_date(last)}.")
    cohort.cold_survey_on = day

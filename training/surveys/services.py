"""Survey services: checking and recording an anonymous answer, scheduling the « à froid » survey.

Services take the session; they raise a SurveyError with a French message and write nothing
when they refuse. Answers are never logged, nor put into an exception message.
"""
from __future__ import annotations

import calendar
import random
from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..cohorts.models import Cohort, Participant
from ..dates import PARIS, french_date
from ..db import insert_missing, locked_row, utcnow
from .models import KINDS, SurveyReceipt, SurveyResponse, SurveyTicket, random_id
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


def not_open_message(kind: str, status, today: date) -> str:
    if status.opens_on is None:
        return f"Le questionnaire {KINDS[kind]} n'est pas encore programmé par votre formateur."
    if status.is_closed(today):
        return (f"Le questionnaire {KINDS[kind]} est clos depuis le {french_date(status.closes_on)}{NBSP}: "
                "ce lien ne sert plus. Merci de votre intérêt.")
    return f"Le questionnaire {KINDS[kind]} sera ouvert à partir du {french_date(status.opens_on, weekday=True)}."


def has_answered(s: Session, participant: Participant, kind: str) -> bool:
    return s.get(SurveyReceipt, (participant.id, kind)) is not None


ALREADY = f"Vous avez déjà répondu à ce questionnaire, merci{NBSP}!"


def record_answer(s: Session, participant: Participant, kind: str, raw: Mapping[str, str], today: date,
                  batch: int, now: datetime | None = None) -> None:
    """Store one participant's answers to an open survey, anonymously, once.

    Adds a SurveyReceipt (that this participant answered, dated to the day), deletes their coupon,
    and adds a SurveyResponse (cohort, kind, answers, day: no link to the person) to the pending
    answers, which are then all rewritten with fresh random ids in random order; whenever `batch`
    of them are pending, they are released to the results together. Raises NotOpen (not yet or
    no longer open), AlreadyAnswered (also when a second request races in) or InvalidAnswers,
    writing nothing.
    """
    if kind not in SURVEYS:
        raise SurveyError("Questionnaire inconnu.")
    status = cohort_statuses(s, participant.cohort)[kind]
    if not status.is_open(today):
        raise NotOpen(not_open_message(kind, status, today))
    answers = clean_answers(SURVEYS[kind], raw)
    day = (now or utcnow()).astimezone(PARIS).date()
    locked_row(s, Cohort, {"id": participant.cohort_id})  # one answer of a cohort at a time (PostgreSQL)
    if not insert_missing(s, SurveyReceipt, {"participant_id": participant.id, "kind": kind, "answered_on": day},
                          ["participant_id", "kind"]):
        raise AlreadyAnswered(ALREADY)
    s.execute(delete(SurveyTicket).where(SurveyTicket.participant_id == participant.id, SurveyTicket.kind == kind))
    _add_to_pending(s, participant.cohort_id, kind, {"answers": answers, "answered_on": day}, batch)


def _add_to_pending(s: Session, cohort_id: int, kind: str, new: dict, batch: int) -> None:
    """Rewrite the unreleased answers plus `new` in random order with new ids; release whole batches."""
    same = (SurveyResponse.cohort_id == cohort_id, SurveyResponse.kind == kind, SurveyResponse.released.is_(False))
    rows = [{"answers": a, "answered_on": d} for a, d in s.execute(
        select(SurveyResponse.answers, SurveyResponse.answered_on).where(*same))] + [new]
    s.execute(delete(SurveyResponse).where(*same))
    random.SystemRandom().shuffle(rows)
    released = len(rows) // batch * batch
    s.execute(insert(SurveyResponse), [{**r, "id": random_id(), "cohort_id": cohort_id, "kind": kind,
                                        "released": i < released} for i, r in enumerate(rows)])


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

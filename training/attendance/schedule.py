"""What a session may be: checks on dates and times, with warnings that ask for confirmation.

Pure functions: they read the database but change nothing (the attendance service does).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..cohorts.models import Cohort
from .models import HALVES, CourseSession
from ..wording import pluralise

DEFAULT_TIMES = {"matin": (time(9, 0), time(12, 30)), "apres-midi": (time(13, 30), time(17, 0))}
MIDDAY = time(13, 0)
FUTURE_YEARS = 3


class AttendanceError(ValueError):
    """A refused attendance operation; the message is French, for the trainer or participant."""


class NeedsConfirmation(AttendanceError):
    """Allowed, but unusual: the trainer confirms and posts again."""

    def __init__(self, warnings: list[str]):
        super().__init__(" ".join(warnings) + " Cochez « Je confirme » pour enregistrer quand même.")
        self.warnings = warnings


@dataclass(frozen=True)
class SessionSpec:
    day: date
    half: str
    starts_at: time
    ends_at: time
    place: str = ""
    module_slugs: tuple[str, ...] = ()


def _overlaps(a_start: time, a_end: time, b_start: time, b_end: time) -> bool:
    return a_start < b_end and b_start < a_end


def refusals(cohort: Cohort, spec: SessionSpec, today: date, allow_past: bool) -> None:
    if spec.half not in HALVES:
        raise AttendanceError("Demi-journée inconnue : choisissez matin ou après-midi.")
    if spec.ends_at <= spec.starts_at:
        raise AttendanceError(f"Le {spec.day:%d/%m/%Y} : l'heure de fin doit suivre l'heure de début.")
    if spec.day.year < cohort.start_date.year:
        raise AttendanceError(f"Le {spec.day:%d/%m/%Y} précède l'année où commence le groupe.")
    if spec.day > max(today, cohort.end_date) + timedelta(days=365 * FUTURE_YEARS):
        raise AttendanceError(f"Le {spec.day:%d/%m/%Y} est trop lointain : vérifiez l'année.")
    if spec.day < today and not allow_past:
        raise AttendanceError(f"Le {spec.day:%d/%m/%Y} est passé. Pour saisir une séance déjà tenue, "
                              "cochez « séance déjà tenue ».")


def warnings(cohort: Cohort, spec: SessionSpec) -> list[str]:
    out = []
    if not cohort.start_date <= spec.day <= cohort.end_date:
        out.append(f"Le {spec.day:%d/%m/%Y} est en dehors des dates du groupe "
                   f"({cohort.start_date:%d/%m/%Y} – {cohort.end_date:%d/%m/%Y}).")
    if spec.half == "matin" and spec.starts_at >= MIDDAY:
        out.append(f"Le {spec.day:%d/%m/%Y}, la séance du matin commence après 13 h.")
    if spec.half == "apres-midi" and spec.ends_at <= MIDDAY:
        out.append(f"Le {spec.day:%d/%m/%Y}, la séance de l'après-midi finit avant 13 h.")
    if spec.day.weekday() >= 5:
        out.append(f"Le {spec.day:%d/%m/%Y} est un {'samedi' if spec.day.weekday() == 5 else 'dimanche'}.")
    return out


def check_specs(s: Session, cohort: Cohort, specs: list[SessionSpec], today: date, allow_past: bool,
                confirmed: bool, ignore_id: int | None = None) -> None:
    """Refuse what cannot be, then ask confirmation for what is unusual; overlaps are refused."""
    days = {sp.day for sp in specs}
    others = s.scalars(select(CourseSession).where(CourseSession.cohort_id == cohort.id, CourseSession.day.in_(days),
                                                  CourseSession.cancelled_at.is_(None))).all() if days else []
    unusual: list[str] = []
    for i, spec in enumerate(specs):
        refusals(cohort, spec, today, allow_past)
        for o in others:
            if o.id != ignore_id and o.day == spec.day and _overlaps(spec.starts_at, spec.ends_at, o.starts_at, o.ends_at):
                raise AttendanceError(f"Le {spec.day:%d/%m/%Y}, cette séance chevauche celle de "
                                      f"{o.starts_at:%H:%M} à {o.ends_at:%H:%M}.")
        for o in specs[:i]:
            if o.day == spec.day and _overlaps(spec.starts_at, spec.ends_at, o.starts_at, o.ends_at):
                raise AttendanceError(f"Le {spec.day:%d/%m/%Y}, deux séances du programme se chevauchent.")
        unusual += warnings(cohort, spec)
    if unusual and not confirmed:
        raise NeedsConfirmation(unusual[:6] + ([f"(et {pluralise(len(unusual) - 6, 'autre')})"] if len(unusual) > 6 else []))


def schedule_specs(first_day: date, days: int, place: str, skip_weekends: bool = True) -> list[SessionSpec]:
    """A whole schedule: `days` training days from `first_day`, two half-days each."""
    if not 1 <= days <= 30:
        raise AttendanceError("Entre 1 et 30 jours de formation.")
    specs, day = [], first_day
    while len(specs) < days * 2:
        if not (skip_weekends and day.weekday() >= 5):
            for half, (start, end) in DEFAULT_TIMES.items():
                specs.append(SessionSpec(day, half, start, end, place))
        day += timedelta(days=1)
    return specs

"""Cohort services: creation, join codes, enrolment."""
from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from .models import Cohort, Participant

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud in a room


class CohortError(ValueError):
    """A refused cohort operation, with a French message."""


def new_join_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


def create_cohort(s: Session, actor: User, name: str, path_slug: str, place: str, start: date, end: date,
                  paths: set[str]) -> Cohort:
    if path_slug not in paths:
        raise CohortError("Parcours inconnu.")
    if end < start:
        raise CohortError("La date de fin précède la date de début.")
    cohort = Cohort(name=name.strip(), path_slug=path_slug, place=place.strip(), start_date=start,
                    end_date=end, join_code=new_join_code())
    if actor.role == "trainer":
        cohort.trainers.append(actor)
    s.add(cohort)
    s.flush()
    return cohort


def find_by_code(s: Session, code: str) -> Cohort | None:
    code = (code or "").strip().upper().replace(" ", "").replace("-", "")
    if not code or len(code) > 16:
        return None
    cohort = s.scalar(select(Cohort).where(Cohort.join_code == code))
    return cohort if cohort and cohort.archived_at is None else None


def enrol(s: Session, cohort: Cohort, user: User) -> bool:
    """Put a user with an account on the roster; False if already there."""
    exists = s.scalar(select(Participant.id).where(Participant.cohort_id == cohort.id, Participant.user_id == user.id))
    if exists:
        return False
    s.add(Participant(cohort_id=cohort.id, user_id=user.id, full_name=user.display_name,
                      organisation=user.organisation))
    return True

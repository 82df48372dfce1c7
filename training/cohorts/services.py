"""Cohort services: creation, join codes, enrolment."""
from __future__ import annotations

import secrets
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..db import insert_missing
from .models import AUDIENCES, Cohort, Participant

_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: read aloud in a room


class CohortError(ValueError):
    """A refused cohort operation, with a French message."""


def new_join_code() -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(8))


def create_cohort(s: Session, actor: User, name: str, path_slug: str, place: str, start: date, end: date,
                  paths: set[str], audience: str = "professionnels") -> Cohort:
    if path_slug not in paths:
        raise CohortError("Parcours inconnu.")
    if end < start:
        raise CohortError("La date de fin précède la date de début.")
    if audience not in AUDIENCES:
        raise CohortError("Public inconnu.")
    cohort = Cohort(name=name.strip(), path_slug=path_slug, place=place.strip(), start_date=start,
                    end_date=end, audience=audience, join_code=new_join_code())
    if actor.role == "trainer":
        cohort.trainers.append(actor)
    s.add(cohort)
    s.flush()
    return cohort


def update_cohort(cohort: Cohort, name: str, path_slug: str, place: str, audience: str, start: date, end: date,
                  paths: set[str]) -> None:
    if path_slug not in paths:
        raise CohortError("Parcours inconnu.")
    if audience not in AUDIENCES:
        raise CohortError("Public inconnu.")
    if end < start:
        raise CohortError("La date de fin précède la date de début.")
    cohort.name, cohort.path_slug, cohort.place = name.strip(), path_slug, place.strip()
    cohort.audience, cohort.start_date, cohort.end_date = audience, start, end


def set_archived(cohort: Cohort, archived: bool) -> None:
    """Archive (or reopen) a cohort: its join code stops working; nothing is deleted."""
    from ..db import utcnow

    cohort.archived_at = utcnow() if archived else None


def add_trainer(s: Session, cohort: Cohort, email: str) -> User:
    from ..accounts.services import normalise_email

    user = s.scalar(select(User).where(User.email == normalise_email(email)))
    if user is None or user.role not in ("trainer", "admin") or not user.active:
        raise CohortError("Aucun formateur actif n'a cette adresse.")
    if any(t.id == user.id for t in cohort.trainers):
        raise CohortError(f"{user.display_name} anime déjà ce groupe.")
    cohort.trainers.append(user)
    return user


def remove_trainer(cohort: Cohort, user_id: int, actor: User) -> None:
    remaining = [t for t in cohort.trainers if t.id != user_id]
    if not remaining and actor.role != "admin":
        raise CohortError("Un groupe garde au moins un formateur.")
    cohort.trainers[:] = remaining


def find_by_code(s: Session, code: str) -> Cohort | None:
    code = (code or "").strip().upper().replace(" ", "").replace("-", "")
    if not code or len(code) > 16:
        return None
    cohort = s.scalar(select(Cohort).where(Cohort.join_code == code))
    return cohort if cohort and cohort.archived_at is None else None


NOT_A_TRAINEE = ("Les formateurs et les administrateurs ne peuvent pas rejoindre un groupe comme participants"
                 "\u00a0: ce code est destiné aux stagiaires.")


def enrol(s: Session, cohort: Cohort, user: User) -> bool:
    """Put a trainee's account on the roster; False if already there (also when two requests race).

    Raises CohortError for a trainer or an admin: they run cohorts and are never participants.
    """
    if user.role in ("trainer", "admin"):
        raise CohortError(NOT_A_TRAINEE)
    return insert_missing(s, Participant, {"cohort_id": cohort.id, "user_id": user.id,
                                           "full_name": user.display_name, "organisation": user.organisation},
                          ["cohort_id", "user_id"])

"""Queries on cohorts."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..learning.models import Reflection
from .models import Cohort, Participant, cohort_trainer


def cohorts_for_trainer(s: Session, user) -> list[Cohort]:
    q = select(Cohort).order_by(Cohort.archived_at.is_not(None), Cohort.start_date.desc())
    if user.role != "admin":
        q = q.join(cohort_trainer, cohort_trainer.c.cohort_id == Cohort.id).where(cohort_trainer.c.user_id == user.id)
    return list(s.scalars(q))


def enrolled_count(s: Session, cohort: Cohort) -> int:
    return s.scalar(select(func.count(Participant.id)).where(Participant.cohort_id == cohort.id)) or 0


def shared_reflections(s: Session, cohort: Cohort) -> list[Reflection]:
    """Anonymous shares of a cohort; callers must not look up the author."""
    return list(s.scalars(select(Reflection).where(Reflection.shared_cohort_id == cohort.id,
                                                   Reflection.submitted_at.is_not(None))
                          .order_by(Reflection.exercise_slug, Reflection.shared_at)))

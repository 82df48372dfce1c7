"""Queries on cohorts."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.engine import Row
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


def live_share():
    """A share counts only if its author confirmed it after their last submission.

    Resubmitting moves `submitted_at` past `shared_at`: the new text stays private until the
    author shares again.
    """
    return (Reflection.submitted_at.is_not(None)) & (Reflection.shared_at >= Reflection.submitted_at)


def shared_reflections(s: Session, cohort: Cohort, min_submitters: int) -> list[Row]:
    """Anonymous shares of a cohort, as (exercise_slug, body) only: never the author, never a date.

    An exercise's shares appear only once at least `min_submitters` people of the cohort have
    submitted it, so that a share cannot be tied to the only person who answered; then they
    appear by whole batches of `min_submitters`, oldest shares first, so that a trainer who
    compares the dashboard between two visits never sees one new share beside one person's new
    submission. They are shown ordered by exercise then text, not by time.
    """
    batch = max(1, min_submitters)
    enough = (select(Reflection.exercise_slug)
              .join(Participant, Participant.user_id == Reflection.user_id)
              .where(Participant.cohort_id == cohort.id, Reflection.submitted_at.is_not(None))
              .group_by(Reflection.exercise_slug)
              .having(func.count(Reflection.id) >= batch))
    rows = s.execute(select(Reflection.exercise_slug, Reflection.body)
                     .where(Reflection.shared_cohort_id == cohort.id, live_share(),
                            Reflection.exercise_slug.in_(enough))
                     .order_by(Reflection.exercise_slug, Reflection.shared_at, Reflection.id)).all()
    by_exercise: dict[str, list] = {}
    for row in rows:
        by_exercise.setdefault(row.exercise_slug, []).append(row)
    released = [row for shares in by_exercise.values() for row in shares[:len(shares) // batch * batch]]
    return sorted(released, key=lambda r: (r.exercise_slug, r.body))

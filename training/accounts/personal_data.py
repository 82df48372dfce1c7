"""A person's data: export for an admin, anonymisation, deletion, and the retention of reflections.

The export lists reflections by exercise and date but never their text: only the author
reads it (and downloads it from their journal).
"""
from __future__ import annotations

import secrets
from datetime import date, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from ..cohorts.models import Cohort, Participant
from ..db import utcnow
from ..learning.models import PositioningAnswer, QuizAttempt, Reflection, ReflectionVersion, SectionRead
from .models import LoginFailure, ResetToken, User


def export_person(s: Session, user: User) -> dict:
    """Everything held about a user, as JSON-ready data (reflection text excluded by design)."""
    cohorts = s.execute(select(Cohort.name, Cohort.start_date, Cohort.end_date, Participant.joined_at)
                        .join(Participant, Participant.cohort_id == Cohort.id).where(Participant.user_id == user.id)).all()
    reflections = s.scalars(select(Reflection).where(Reflection.user_id == user.id)).all()
    return {
        "compte": {"nom": user.display_name, "adresse": user.email, "structure": user.organisation,
                   "role": user.role, "actif": user.active, "cree_le": user.created_at.isoformat(),
                   "derniere_connexion": user.last_login_at.isoformat() if user.last_login_at else None},
        "groupes": [{"nom": n, "debut": a.isoformat(), "fin": b.isoformat(), "inscrit_le": j.isoformat()}
                    for n, a, b, j in cohorts],
        "sections_lues": [{"module": m, "section": sec, "le": at.isoformat()} for m, sec, at in s.execute(
            select(SectionRead.module_slug, SectionRead.section_slug, SectionRead.read_at)
            .where(SectionRead.user_id == user.id))],
        "reflexions": [{"exercice": r.exercise_slug, "soumise_le": r.submitted_at.isoformat() if r.submitted_at else None,
                        "partagee_anonymement": r.shared_cohort_id is not None,
                        "texte": "non exporté : seul l'auteur peut lire et télécharger ses réflexions"}
                       for r in reflections],
        "quiz": [{"quiz": a.quiz_slug, "score": a.score, "sur": a.max_score, "reussi": a.passed,
                  "le": a.created_at.isoformat()} for a in s.scalars(
            select(QuizAttempt).where(QuizAttempt.user_id == user.id).order_by(QuizAttempt.created_at))],
        "positionnement": [{"questionnaire": p.questionnaire_slug, "etape": p.phase, "reponses": p.answers}
                           for p in s.scalars(select(PositioningAnswer).where(PositioningAnswer.user_id == user.id))],
    }


def _delete_reflections(s: Session, user_ids) -> int:
    ids = s.scalars(select(Reflection.id).where(Reflection.user_id.in_(user_ids))).all()
    if ids:
        s.execute(delete(ReflectionVersion).where(ReflectionVersion.reflection_id.in_(ids)))
        s.execute(delete(Reflection).where(Reflection.id.in_(ids)))
    return len(ids)


def anonymise_person(s: Session, user: User, actor: User) -> None:
    """Remove identity and private writing; keep enrolments and results for audits."""
    if user.id == actor.id:
        raise ValueError("Vous ne pouvez pas anonymiser votre propre compte.")
    _delete_reflections(s, [user.id])
    s.execute(delete(ResetToken).where(ResetToken.user_id == user.id))
    s.execute(delete(LoginFailure).where(LoginFailure.key == f"account:{user.email}"))
    user.display_name = f"Personne anonymisée n° {user.id}"
    user.email = f"anonyme-{user.id}@anonyme.invalid"
    user.organisation = ""
    user.active = False
    user.password_hash = "!" + secrets.token_hex(16)  # matches no password
    user.session_version += 1
    user.anonymised_at = utcnow()


def delete_person(s: Session, user: User, actor: User) -> None:
    if user.id == actor.id:
        raise ValueError("Vous ne pouvez pas supprimer votre propre compte.")
    _delete_reflections(s, [user.id])
    s.execute(delete(LoginFailure).where(LoginFailure.key == f"account:{user.email}"))
    s.delete(user)


def retention_deadline(s: Session, user_id: int, days: int) -> date | None:
    """The day after which the user's reflections are deleted: end of their last cohort + days."""
    last_end = s.scalar(select(func.max(Cohort.end_date)).join(Participant, Participant.cohort_id == Cohort.id)
                        .where(Participant.user_id == user_id))
    return last_end + timedelta(days=days) if last_end else None


def purge_expired_reflections(s: Session, days: int, today: date | None = None) -> int:
    """Delete reflections of users whose last cohort ended more than `days` ago; return how many."""
    today = today or date.today()
    last_end = (select(Participant.user_id, func.max(Cohort.end_date).label("last_end"))
                .join(Cohort, Cohort.id == Participant.cohort_id).group_by(Participant.user_id).subquery())
    expired = s.scalars(select(last_end.c.user_id).where(last_end.c.last_end < today - timedelta(days=days))).all()
    return _delete_reflections(s, expired) if expired else 0

"""Anonymisation and deletion of a person, and the retention of reflections.

Anonymising rewrites the name, organisation and job everywhere the app will show them again:
the account and every roster row of the person (so sheets, attestations, the dashboard and CSV
produced from now on). Documents already issued (downloaded PDFs, CSV files) are outside the
app and stay as they were issued; so does the history of changes to signed sheets, an audit
trail whose reasons a trainer wrote. Attendance marks, signature strokes and results are kept
for audits.
"""
from __future__ import annotations

import secrets
from datetime import date, timedelta

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from ..accounts.models import LoginFailure, ResetToken, User
from ..accounts.services import end_all_sessions
from ..attendance.services import anonymise_signatures, anonymise_trainer_signatures
from ..cohorts.models import Cohort, Participant
from ..dates import paris_today
from ..db import utcnow
from ..learning.models import Reflection, ReflectionVersion


def _delete_reflections(s: Session, user_ids) -> int:
    ids = s.scalars(select(Reflection.id).where(Reflection.user_id.in_(user_ids))).all()
    if ids:
        s.execute(delete(ReflectionVersion).where(ReflectionVersion.reflection_id.in_(ids)))
        s.execute(delete(Reflection).where(Reflection.id.in_(ids)))
    return len(ids)


def anonymised_label(user: User | None = None, participant: Participant | None = None) -> str:
    return f"Personne anonymisée n° {user.id}" if user is not None else f"Personne anonymisée n° P{participant.id}"


def _scrub_rows(participants: list[Participant], label: str) -> None:
    """Replace the name, organisation and job on the person's roster rows: every page, sheet,
    attestation and export made from now on reads them from there."""
    for p in participants:
        p.full_name, p.organisation, p.job = label, "", ""


def anonymise_person(s: Session, user: User, actor: User) -> None:
    """Remove identity and private writing everywhere; keep enrolments, marks and results for audits."""
    if user.id == actor.id:
        raise ValueError("Vous ne pouvez pas anonymiser votre propre compte.")
    label = anonymised_label(user)
    _delete_reflections(s, [user.id])
    s.execute(delete(ResetToken).where(ResetToken.user_id == user.id))
    _forget_login_counters(s, user)
    rows = list(s.scalars(select(Participant).where(Participant.user_id == user.id)))
    _scrub_rows(rows, label)
    anonymise_signatures(s, actor, [p.id for p in rows], label)
    anonymise_trainer_signatures(s, user.id, label)
    user.display_name = label
    user.email = f"anonyme-{user.id}@anonyme.invalid"
    user.organisation = ""
    user.active = False
    user.password_hash = "!" + secrets.token_hex(16)  # matches no password
    end_all_sessions(s, user)
    user.anonymised_at = utcnow()


def anonymise_participant(s: Session, participant: Participant, actor=None) -> None:
    """Anonymise someone on a roster without an account (with one, anonymise the account)."""
    if participant.user_id is not None:
        raise ValueError("Cette personne a un compte : anonymisez son compte depuis la gestion des comptes.")
    label = anonymised_label(participant=participant)
    _scrub_rows([participant], label)
    anonymise_signatures(s, actor, [participant.id], label)


def _forget_login_counters(s: Session, user: User) -> None:
    s.execute(delete(LoginFailure).where(or_(LoginFailure.key == f"account:{user.email}",
                                             LoginFailure.key.like(f"device:%:{user.id}"))))


def delete_person(s: Session, user: User, actor: User) -> None:
    if user.id == actor.id:
        raise ValueError("Vous ne pouvez pas supprimer votre propre compte.")
    _delete_reflections(s, [user.id])
    _forget_login_counters(s, user)
    s.delete(user)


def retention_deadline(s: Session, user_id: int, days: int) -> date | None:
    """The day after which the user's reflections are deleted: end of their last cohort + days."""
    last_end = s.scalar(select(func.max(Cohort.end_date)).join(Participant, Participant.cohort_id == Cohort.id)
                        .where(Participant.user_id == user_id))
    return last_end + timedelta(days=days) if last_end else None


def purge_expired_reflections(s: Session, days: int, today: date | None = None) -> int:
    """Delete reflections of users whose last cohort ended more than `days` ago; return how many."""
    today = today or paris_today()
    last_end = (select(Participant.user_id, func.max(Cohort.end_date).label("last_end"))
                .join(Cohort, Cohort.id == Participant.cohort_id).group_by(Participant.user_id).subquery())
    expired = s.scalars(select(last_end.c.user_id).where(last_end.c.last_end < today - timedelta(days=days))).all()
    return _delete_reflections(s, expired) if expired else 0

"""The roster of a cohort: participants with or without an account, CSV import, accounts given later."""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..accounts.services import AccountError, create_user, issue_reset_token
from .models import Cohort, Participant
from .roster_csv import RosterError, clean_values, name_key, parse_roster

__all__ = ["RosterError", "add_participant", "give_account", "import_roster", "parse_roster", "remove_participant"]


def _existing_keys(s: Session, cohort: Cohort) -> set[str]:
    return {name_key(n) for n in s.scalars(select(Participant.full_name).where(Participant.cohort_id == cohort.id))}


def add_participant(s: Session, cohort: Cohort, full_name: str, organisation: str = "", job: str = "") -> Participant:
    """Add someone who attends in the room without an account."""
    try:
        values = clean_values({"full_name": full_name, "organisation": organisation, "job": job})
    except RosterError as exc:
        raise RosterError(str(exc)[0].upper() + str(exc)[1:] + ".") from None
    values.pop("email")
    if name_key(values["full_name"]) in _existing_keys(s, cohort):
        raise RosterError(f"{values['full_name']} figure déjà dans ce groupe.")
    p = Participant(cohort_id=cohort.id, **values)
    s.add(p)
    s.flush()
    return p


@dataclass(frozen=True)
class Invitation:
    """A new account made by an import: the one-time link to hand over (or mail) to the person."""

    name: str
    email: str
    token: str


@dataclass
class ImportResult:
    count: int = 0
    linked: int = 0  # rows joined to an existing trainee account
    invitations: list[Invitation] = field(default_factory=list)


def import_roster(s: Session, cohort: Cohort, raw: bytes, actor, hours: int) -> ImportResult:
    """Import all lines or none; raise RosterError listing the problems.

    A line with an e-mail address gets a trainee account and a one-time link to choose a password,
    or joins the trainee account that already has that address.
    """
    preview = parse_roster(s, cohort, raw)
    if not preview.ok:
        raise RosterError(" ".join(preview.errors))
    result = ImportResult(count=len(preview.rows))
    for row in preview.rows:
        p = Participant(cohort_id=cohort.id, full_name=row["full_name"], organisation=row["organisation"],
                        job=row["job"])
        if row["account"] == "existant":
            p.user_id = s.scalar(select(User.id).where(User.email == row["email"]))
            result.linked += 1
        s.add(p)
        if row["account"] == "nouveau":
            user, token = give_account(s, p, row["email"], actor, hours)
            result.invitations.append(Invitation(user.display_name, user.email, token))
    s.flush()
    return result


def give_account(s: Session, participant: Participant, email: str, actor, hours: int) -> tuple[User, str]:
    """Create a trainee account for a participant, keeping their attendance; return a reset token to hand over."""
    if participant.user_id is not None:
        raise RosterError("Cette personne a déjà un compte.")
    try:
        user = create_user(s, email, participant.full_name, "trainee", secrets.token_urlsafe(24),
                           participant.organisation)
    except AccountError as exc:
        raise RosterError(str(exc)) from None
    participant.user_id = user.id
    return user, issue_reset_token(s, user, actor, hours)


def remove_participant(s: Session, participant: Participant) -> None:
    from ..attendance.models import AttendanceMark

    if s.scalar(select(AttendanceMark.id).where(AttendanceMark.participant_id == participant.id).limit(1)):
        raise RosterError("Cette personne a déjà des présences enregistrées : elle ne peut plus être retirée "
                          "(les feuilles d'émargement doivent rester complètes).")
    s.delete(participant)

"""Paper coupons for participants without an account: issuing them (shown once), finding one by its code.

A coupon lets its holder answer one survey once. The trainer sees its code only on the sheet
printed when it is issued; issuing again for the same person voids the earlier paper.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from ..cohorts.models import Cohort, Participant
from ..db import locked_row
from .models import KINDS, SurveyReceipt, SurveyTicket
from .tokens import code_hash, new_code


@dataclass(frozen=True)
class IssuedCoupon:
    participant: Participant
    code: str


def coupon_candidates(s: Session, cohort: Cohort, kind: str, participant_id: int | None = None) -> list[Participant]:
    """Participants without an account who have not answered `kind` (one of them if participant_id)."""
    answered = select(SurveyReceipt.participant_id).where(SurveyReceipt.kind == kind)
    stmt = (select(Participant).where(Participant.cohort_id == cohort.id, Participant.user_id.is_(None),
                                      Participant.id.not_in(answered))
            .order_by(Participant.full_name, Participant.id))
    if participant_id is not None:
        stmt = stmt.where(Participant.id == participant_id)
    return list(s.scalars(stmt))


def issue_coupons(s: Session, cohort: Cohort, kind: str, participants: list[Participant],
                  today: date) -> list[IssuedCoupon]:
    """A new coupon for each participant given (all without an account), replacing any earlier one.

    Returns the codes, which are stored nowhere in clear: the caller shows them once.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown survey kind: {kind}")
    if not participants:
        return []
    locked_row(s, Cohort, {"id": cohort.id})  # two trainers printing at once: one after the other
    ids = [p.id for p in participants]
    s.execute(delete(SurveyTicket).where(SurveyTicket.participant_id.in_(ids), SurveyTicket.kind == kind))
    issued = [IssuedCoupon(p, new_code()) for p in participants]
    s.execute(insert(SurveyTicket), [{"token_hash": code_hash(c.code), "participant_id": c.participant.id,
                                      "kind": kind, "issued_on": today} for c in issued])
    return issued


def find_coupon(s: Session, code: str) -> SurveyTicket | None:
    digest = code_hash(code)
    return s.get(SurveyTicket, digest) if digest else None


def coupon_days(s: Session, participant_ids: list[int]) -> dict[tuple[int, str], date]:
    """(participant id, kind) -> day the live coupon was issued: one query."""
    if not participant_ids:
        return {}
    return {(pid, kind): day for pid, kind, day in s.execute(
        select(SurveyTicket.participant_id, SurveyTicket.kind, SurveyTicket.issued_on)
        .where(SurveyTicket.participant_id.in_(participant_ids)))}

"""Satisfaction surveys: who has answered (per participant), the answers (anonymous, unlinked), paper coupons.

No table here orders rows by arrival: keys are random or the participant's, SQLite stores them
WITHOUT ROWID (in key order, not insertion order), and dates stop at the day.
"""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import JSON, Boolean, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

KINDS = {"chaud": "à chaud", "froid": "à froid"}


def random_id() -> str:
    return uuid.uuid4().hex


class SurveyReceipt(Base):
    """That a participant answered a survey, never what they answered; dated to the day only."""

    __tablename__ = "survey_receipt"
    __table_args__ = {"sqlite_with_rowid": False}

    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(8), primary_key=True)
    answered_on: Mapped[date] = mapped_column(Date)


class SurveyResponse(Base):
    """Answers, with no link to a person. A random id (drawn again whenever the pending answers are
    reshuffled) and a day-only date: neither the order of rows nor a timestamp pairs an answer with a
    receipt. `released`: counted in the results, which grow by whole batches only."""

    __tablename__ = "survey_response"
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    answers: Mapped[dict] = mapped_column(JSON)
    answered_on: Mapped[date] = mapped_column(Date)
    released: Mapped[bool] = mapped_column(Boolean, default=False)


class SurveyTicket(Base):
    """A one-time paper coupon for a participant without an account. Only the SHA-256 of its code
    is kept: the code is shown once, on the sheet the trainer prints, and dies with its first use,
    with a new coupon for the same person, or with the participant's removal."""

    __tablename__ = "survey_ticket"
    __table_args__ = (UniqueConstraint("participant_id", "kind"), {"sqlite_with_rowid": False})

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))
    issued_on: Mapped[date] = mapped_column(Date)

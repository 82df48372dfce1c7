"""Satisfaction surveys: who has answered (per participant), and the answers (anonymous, unlinked)."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

KINDS = {"chaud": "à chaud", "froid": "à froid"}


class SurveyReceipt(Base):
    """That a participant answered a survey, never what they answered."""

    __tablename__ = "survey_receipt"
    __table_args__ = (UniqueConstraint("participant_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    answered_at: Mapped[datetime]


class SurveyResponse(Base):
    """Answers, with no link to a person; dated to the day only so order cannot identify anyone."""

    __tablename__ = "survey_response"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    answers: Mapped[dict] = mapped_column(JSON)
    answered_on: Mapped[date] = mapped_column(Date)

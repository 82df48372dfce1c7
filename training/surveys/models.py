"""Satisfaction surveys: who has answered (per participant), and the answers (anonymous, unlinked)."""
from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy import JSON, Date, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base

KINDS = {"chaud": "à chaud", "froid": "à froid"}


class SurveyReceipt(Base):
    """That a participant answered a survey, never what they answered; dated to the day only."""

    __tablename__ = "survey_receipt"
    __table_args__ = (UniqueConstraint("participant_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    answered_on: Mapped[date] = mapped_column(Date)


class SurveyResponse(Base):
    """Answers, with no link to a person. A random id and a day-only date: neither the order of rows
    nor a timestamp can pair an answer with a receipt."""

    __tablename__ = "survey_response"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=lambda: uuid.uuid4().hex)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(8))
    answers: Mapped[dict] = mapped_column(JSON)
    answered_on: Mapped[date] = mapped_column(Date)

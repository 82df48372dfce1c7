"""Cohorts: a group following one learning path, its trainers and its participants."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, ForeignKey, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..accounts.models import User
from ..db import Base, utcnow

cohort_trainer = Table(
    "cohort_trainer", Base.metadata,
    Column("cohort_id", ForeignKey("cohort.id", ondelete="CASCADE"), primary_key=True),
    Column("user_id", ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True, index=True),
)

AUDIENCES = {"professionnels": "Professionnels de l'intervention sociale", "gardiens": "Gardiens d'immeubles",
             "mixte": "Public mixte"}


class Cohort(Base):
    __tablename__ = "cohort"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(160))
    path_slug: Mapped[str] = mapped_column(String(80))
    place: Mapped[str] = mapped_column(String(200), default="")
    audience: Mapped[str] = mapped_column(String(20), default="professionnels")
    start_date: Mapped[date] = mapped_column(Date)
    end_date: Mapped[date] = mapped_column(Date)
    cold_survey_on: Mapped[date | None] = mapped_column(Date)  # « à froid » survey opens that day
    join_code: Mapped[str | None] = mapped_column(String(16), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    archived_at: Mapped[datetime | None]

    trainers: Mapped[list[User]] = relationship(secondary=cohort_trainer, lazy="selectin")


class Participant(Base):
    """Someone on a cohort's roster: a trainee with an account, or a person attending in the room only."""

    __tablename__ = "participant"
    __table_args__ = (UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"), index=True)
    full_name: Mapped[str] = mapped_column(String(160), default="")
    organisation: Mapped[str] = mapped_column(String(160), default="")
    job: Mapped[str] = mapped_column(String(120), default="")
    joined_at: Mapped[datetime] = mapped_column(default=utcnow)

    cohort: Mapped[Cohort] = relationship(lazy="joined")

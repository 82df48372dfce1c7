"""Half-day sessions, attendance marks with signatures, and the history of changes to signed sheets."""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, Date, ForeignKey, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow

HALVES = {"matin": "Matin", "apres-midi": "Après-midi"}
STATUSES = {"present": "Présent", "late": "En retard", "excused": "Absence excusée", "absent": "Absent"}


class CourseSession(Base):
    """One half-day of a cohort. Signed by a trainer, it is locked."""

    __tablename__ = "course_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    half: Mapped[str] = mapped_column(String(12))
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(200), default="")
    module_slugs: Mapped[list] = mapped_column(JSON, default=list)
    cancelled_at: Mapped[datetime | None]
    trainer_signature: Mapped[list | None] = mapped_column(JSON)  # strokes: [[[x, y], …], …] in 0..1
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime | None]
    self_sign_code_hash: Mapped[str | None] = mapped_column(String(64))
    self_sign_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def locked(self) -> bool:
        return self.signed_at is not None

    @property
    def minutes(self) -> int:
        return (self.ends_at.hour * 60 + self.ends_at.minute) - (self.starts_at.hour * 60 + self.starts_at.minute)


class AttendanceMark(Base):
    __tablename__ = "attendance_mark"
    __table_args__ = (UniqueConstraint("session_id", "participant_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_session.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int] = mapped_column(ForeignKey("participant.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(String(10))
    arrival: Mapped[time | None] = mapped_column(Time)
    signature: Mapped[list | None] = mapped_column(JSON)
    signed_at: Mapped[datetime | None]
    signed_via: Mapped[str | None] = mapped_column(String(10))  # "tablet", "self", "paper"
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))


class AttendanceChange(Base):
    """Who changed what on a signed sheet, when and why."""

    __tablename__ = "attendance_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_session.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)

"""Half-day sessions, attendance marks with signatures, the hash-chained history of changes, code throttling.

Only `training.attendance.services` changes a CourseSession or an AttendanceMark (a test scans
the code for any other assignment): it is also the only writer of AttendanceChange.
"""
from __future__ import annotations

from datetime import date, datetime, time

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, Time, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow

HALVES = {"matin": "Matin", "apres-midi": "Après-midi"}
STATUSES = {"present": "Présent", "late": "En retard", "excused": "Absence excusée", "absent": "Absent"}
ATTENDED = ("present", "late")
# How a signature was made: shown per row on the sheet, in the PDF and in the CSV.
VIA = {"tablet": "tablette", "self": "téléphone", "paper": "papier", "correction": "rectification"}
SHEET_STATES = {"open": "ouverte", "signed": "signée", "corrected": "signée puis rectifiée"}


class CourseSession(Base):
    """One half-day of a cohort. Signed by a trainer, it is locked: changes become corrections."""

    __tablename__ = "course_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohort.id", ondelete="CASCADE"), index=True)
    day: Mapped[date] = mapped_column(Date)
    half: Mapped[str] = mapped_column(String(12))
    starts_at: Mapped[time] = mapped_column(Time)
    ends_at: Mapped[time] = mapped_column(Time)
    place: Mapped[str] = mapped_column(String(200), default="")
    module_slugs: Mapped[list] = mapped_column(JSON, default=list)
    state: Mapped[str] = mapped_column(String(10), default="open")  # see SHEET_STATES
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(Text, default="")
    trainer_signature: Mapped[list | None] = mapped_column(JSON, deferred=True)  # strokes in 0..1
    trainer_signature_svg: Mapped[str] = mapped_column(Text, default="")
    trainer_signature_sha: Mapped[str] = mapped_column(String(64), default="")
    trainer_signature_regularised: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    signed_at: Mapped[datetime | None]
    self_sign_secret: Mapped[str | None] = mapped_column(String(64))  # rotating codes derive from it
    self_sign_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def locked(self) -> bool:
        return self.signed_at is not None

    @property
    def cancelled(self) -> bool:
        return self.cancelled_at is not None

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
    status_by_trainer: Mapped[bool] = mapped_column(Boolean, default=True)
    arrival: Mapped[time | None] = mapped_column(Time)
    signature: Mapped[list | None] = mapped_column(JSON, deferred=True)  # drawn strokes, for the PDF only
    signature_kind: Mapped[str] = mapped_column(String(8), default="")  # "drawn", "typed" or ""
    signature_typed: Mapped[str] = mapped_column(String(160), default="")
    signature_svg: Mapped[str] = mapped_column(Text, default="")  # rendered once, when signed
    signature_sha: Mapped[str] = mapped_column(String(64), default="")  # fingerprint of the strokes
    has_signature: Mapped[bool] = mapped_column(Boolean, default=False)
    signed_at: Mapped[datetime | None]
    signed_via: Mapped[str | None] = mapped_column(String(10))  # see VIA
    regularised: Mapped[bool] = mapped_column(Boolean, default=False)  # signed outside the window, with a reason
    device_at: Mapped[datetime | None]  # when the mark was made on the device (offline sheet)
    version: Mapped[int] = mapped_column(Integer, default=1)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))

    # Optimistic concurrency: every UPDATE checks the version it read, so two co-trainers saving
    # the same row at the same instant never overwrite each other silently.
    __mapper_args__ = {"version_id_col": version}


class AttendanceChange(Base):
    """Who changed what on a sheet, when and why; each row carries the hash of the one before."""

    __tablename__ = "attendance_change"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(ForeignKey("course_session.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(String(20), default="mark")
    reason: Mapped[str] = mapped_column(Text)
    before: Mapped[dict] = mapped_column(JSON)
    after: Mapped[dict] = mapped_column(JSON)
    prev_hash: Mapped[str] = mapped_column(String(64), default="")
    row_hash: Mapped[str] = mapped_column(String(64), default="")


class SelfSignFailure(Base):
    """A wrong self-signing code, kept a few minutes to throttle guessing per address and session."""

    __tablename__ = "self_sign_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    session_id: Mapped[int] = mapped_column(Integer, index=True)  # no foreign key: unknown ids count too
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

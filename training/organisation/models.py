"""The training body's identity, printed on every document; every change is a new dated row."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from ..db import Base, utcnow


class TrainingBody(Base):
    """One version of the organisme de formation's details; the latest row is the current one."""

    __tablename__ = "training_body"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text, default="")
    city: Mapped[str] = mapped_column(String(120), default="")
    siret: Mapped[str] = mapped_column(String(14), default="")
    nda: Mapped[str] = mapped_column(String(11), default="")
    signatory_name: Mapped[str] = mapped_column(String(160), default="")
    signatory_title: Mapped[str] = mapped_column(String(160), default="")
    logo: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    logo_mime: Mapped[str] = mapped_column(String(20), default="")
    stamp: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    stamp_mime: Mapped[str] = mapped_column(String(20), default="")
    changed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)

"""Documents issued by the platform, each with a short public verification code."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow

KINDS = {"sheet": ("Feuille d'émargement", "Feuilles d'émargement"),
         "attestation": ("Attestation d'assiduité et de fin de formation",
                         "Attestations d'assiduité et de fin de formation"),
         "certificate": ("Certificat de réalisation", "Certificats de réalisation")}


def kind_label(doc) -> str:
    """« Feuille d'émargement » for one half-day… « Attestations » for several people."""
    one, many = KINDS.get(doc.kind, (doc.kind, doc.kind))
    several = doc.participants > 1 if doc.kind != "sheet" else doc.dates.startswith("du ")
    return many if several else one


class IssuedDocument(Base):
    """What a verification page may show about a document: no participant name, ever."""

    __tablename__ = "issued_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)  # of what was printed, to reissue the same
    kind: Mapped[str] = mapped_column(String(20))
    cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"), index=True)
    body_name: Mapped[str] = mapped_column(String(200), default="")
    cohort_title: Mapped[str] = mapped_column(String(300), default="")
    dates: Mapped[str] = mapped_column(Text, default="")
    participants: Mapped[int] = mapped_column(Integer, default=0)
    signatures: Mapped[int] = mapped_column(Integer, default=0)
    issued_on: Mapped[date] = mapped_column(Date)
    sha256: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

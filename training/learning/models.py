"""Learning records: sections read, reflections and their versions, quiz attempts, positioning."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow


class SectionRead(Base):
    __tablename__ = "section_read"
    __table_args__ = (UniqueConstraint("user_id", "module_slug", "section_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    module_slug: Mapped[str] = mapped_column(String(80))
    section_slug: Mapped[str] = mapped_column(String(80))
    read_at: Mapped[datetime] = mapped_column(default=utcnow)


class Reflection(Base):
    """A trainee's answer to one exercise. Private to its author unless shared anonymously."""

    __tablename__ = "reflection"
    __table_args__ = (UniqueConstraint("user_id", "exercise_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    exercise_slug: Mapped[str] = mapped_column(String(120))
    draft: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")  # last submitted text
    revision: Mapped[int] = mapped_column(default=0)  # bumps on every save, for conflict detection
    submitted_at: Mapped[datetime | None]
    shared_cohort_id: Mapped[int | None] = mapped_column(ForeignKey("cohort.id", ondelete="SET NULL"), index=True)
    shared_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def share_pending(self) -> bool:
        """Shared, then resubmitted: the new text waits for its author's consent before being shown."""
        return (self.shared_cohort_id is not None and self.submitted_at is not None
                and (self.shared_at is None or self.shared_at < self.submitted_at))


class ReflectionVersion(Base):
    __tablename__ = "reflection_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    reflection_id: Mapped[int] = mapped_column(ForeignKey("reflection.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)


class QuizAttempt(Base):
    __tablename__ = "quiz_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    quiz_slug: Mapped[str] = mapped_column(String(80))
    answers: Mapped[dict] = mapped_column(JSON)
    score: Mapped[int]
    max_score: Mapped[int]
    passed: Mapped[bool]
    nonce: Mapped[str] = mapped_column(String(40), unique=True)  # one attempt per rendered form
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PositioningAnswer(Base):
    __tablename__ = "positioning_answer"
    __table_args__ = (UniqueConstraint("user_id", "questionnaire_slug", "phase"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    questionnaire_slug: Mapped[str] = mapped_column(String(80))
    phase: Mapped[str] = mapped_column(String(8))  # "debut" or "fin"
    answers: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

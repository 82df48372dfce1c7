"""Accounts: users and their roles, login throttling, one-time password reset links."""
from __future__ import annotations

import time
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import Base, utcnow

ROLES = ("admin", "trainer", "trainee")
ROLE_LABELS = {"admin": "Administrateur", "trainer": "Formateur", "trainee": "Stagiaire"}


class User(UserMixin, Base):
    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(120))
    organisation: Mapped[str] = mapped_column(String(160), default="")
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(255))
    active: Mapped[bool] = mapped_column(default=True)
    # Bumped on logout, password change, deactivation or « déconnecter partout »: ends every session
    # and every remember-me cookie of the person.
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]
    anonymised_at: Mapped[datetime | None]

    @property
    def is_active(self) -> bool:  # flask-login refuses inactive users
        return self.active

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    def session_key(self) -> str:
        """What the session and the remember-me cookie hold: id, session version, time of sign-in.

        `training.security` refuses a key whose version is not the user's (logout, password
        change, deactivation and « déconnecter partout » bump it) or older than REMEMBER_DAYS.
        """
        return f"{self.id}:{self.session_version}:{int(time.time())}"

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def is_trainer(self) -> bool:
        return self.role == "trainer"

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]


class LoginFailure(Base):
    """Attempt counters per key ("account:<email>", "device:<id>:<user id>" or "address:<ip>");
    `locked_until` paces an address (see `training.accounts.throttle`)."""

    __tablename__ = "login_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    count: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]


class ResetToken(Base):
    __tablename__ = "reset_token"
    __table_args__ = (UniqueConstraint("token_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]

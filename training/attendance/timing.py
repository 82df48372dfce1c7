"""The clock, the signing window and the rotating self-signing codes.

`now()` is the one clock of the feature (tests move it). A session is signed « on time » from
SIGN_BEFORE_MINUTES before it starts to SIGN_AFTER_MINUTES after it ends, on its day; outside
that window a signature is a « régularisation » and needs a reason.

Self-signing codes derive from a per-session secret stored in the database (so every worker
agrees) and the current 30-second step: HMAC(secret, step). A code stays valid for a grace
period after it rotates.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from ..dates import PARIS

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6


def now() -> datetime:
    """Aware local time; tests replace this function."""
    return datetime.now(PARIS)


@dataclass(frozen=True)
class Window:
    before_minutes: int = 30
    after_minutes: int = 120

    def bounds(self, session) -> tuple[datetime, datetime]:
        start = datetime.combine(session.day, session.starts_at, PARIS) - timedelta(minutes=self.before_minutes)
        end = datetime.combine(session.day, session.ends_at, PARIS) + timedelta(minutes=self.after_minutes)
        day_end = datetime.combine(session.day + timedelta(days=1), datetime.min.time(), PARIS)
        day_start = datetime.combine(session.day, datetime.min.time(), PARIS)
        return max(start, day_start), min(end, day_end)

    def contains(self, session, at: datetime) -> bool:
        start, end = self.bounds(session)
        return start <= at < end

    def started(self, session, at: datetime) -> bool:
        return at >= self.bounds(session)[0]


def session_started(session, at: datetime) -> bool:
    """Held, for the counts: the session has begun (and is not cancelled)."""
    return session.cancelled_at is None and at >= datetime.combine(session.day, session.starts_at, PARIS)


@dataclass(frozen=True)
class Rotation:
    step_seconds: int = 30
    grace_seconds: int = 30

    def step(self, at: datetime) -> int:
        return int(at.timestamp()) // self.step_seconds

    def seconds_left(self, at: datetime) -> int:
        return self.step_seconds - int(at.timestamp()) % self.step_seconds

    def code(self, secret: str, session_id: int, step: int) -> str:
        digest = hmac.new(bytes.fromhex(secret), f"{session_id}:{step}".encode(), hashlib.sha256).digest()
        return "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:CODE_LENGTH])

    def valid(self, secret: str, session_id: int, code: str, at: datetime) -> bool:
        """The current code, or one that rotated less than grace_seconds ago."""
        code = (code or "").strip().upper()
        if len(code) != CODE_LENGTH:
            return False
        current = self.step(at)
        oldest = self.step(at - timedelta(seconds=self.grace_seconds))
        return any(hmac.compare_digest(self.code(secret, session_id, st), code) for st in range(oldest, current + 1))


def window() -> Window:
    """The signing window from the configuration (defaults outside an app context)."""
    from flask import current_app, has_app_context

    if not has_app_context():
        return Window()
    cfg = current_app.config
    return Window(cfg["SIGN_BEFORE_MINUTES"], cfg["SIGN_AFTER_MINUTES"])


def rotation() -> Rotation:
    from flask import current_app, has_app_context

    if not has_app_context():
        return Rotation()
    cfg = current_app.config
    return Rotation(cfg["SELF_SIGN_ROTATE_SECONDS"], cfg["SELF_SIGN_GRACE_SECONDS"])

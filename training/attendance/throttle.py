"""Throttling wrong self-signing codes per address and per session (kept in the database)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .models import SelfSignFailure

PERIOD = timedelta(minutes=1)


def _limit() -> int:
    from flask import current_app, has_app_context

    return current_app.config["SELF_SIGN_MAX_FAILURES"] if has_app_context() else 10


def blocked(s: Session, session_id: int, address: str, now: datetime) -> bool:
    n = s.scalar(select(func.count(SelfSignFailure.id)).where(
        SelfSignFailure.session_id == session_id, SelfSignFailure.address == address[:64],
        SelfSignFailure.at > now - PERIOD))
    return (n or 0) >= _limit()


def record_failure(s: Session, session_id: int, address: str, now: datetime) -> None:
    s.execute(delete(SelfSignFailure).where(SelfSignFailure.at < now - timedelta(hours=1)))
    s.add(SelfSignFailure(session_id=session_id if abs(session_id) < 2**31 else 0, address=address[:64], at=now))
    s.flush()

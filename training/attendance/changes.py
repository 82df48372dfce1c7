"""The vocabulary of the attendance door: what a caller passes in, what it may get back, and the
snapshots the history keeps. Nothing here changes a model; `services` does.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy.orm import Session

from ..cohorts.models import Participant
from . import timing
from .models import AttendanceMark, CourseSession
from .schedule import AttendanceError
from ..wording import pluralise


class StaleRow(AttendanceError):
    """The row changed since the client loaded it; `mark` is the change that was kept."""

    def __init__(self, message: str, mark: AttendanceMark | None):
        super().__init__(message)
        self.mark = mark


class GapsError(AttendanceError):
    """Rows still « à renseigner » when the trainer signs; `names` lists them."""

    def __init__(self, names: list[str]):
        super().__init__(f"{pluralise(len(names), 'ligne')} encore à renseigner : {', '.join(names[:8])}"
                         f"{'…' if len(names) > 8 else ''}. Marquez-les absentes ou revenez à la feuille.")
        self.names = names


@dataclass(frozen=True)
class MarkInput:
    status: str
    arrival: time | None = None
    strokes: list | str | None = None  # drawn signature; None: none in this change
    typed_name: str = ""  # accessible signature: the name typed in…
    typed_confirmed: bool = False  # …and the box ticked
    paper: bool = False  # signed on the paper sheet, entered afterwards
    via: str = "tablet"  # "tablet" or "self" (the participant's own phone)


@dataclass(frozen=True)
class RowInput:
    participant: Participant
    change: MarkInput
    expected_version: int | None = None


@dataclass
class SheetResult:
    saved: list[str] = field(default_factory=list)
    stale: list[tuple[str, AttendanceMark | None]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SignatureInput:
    strokes: list | str | None = None
    typed_name: str = ""
    typed_confirmed: bool = False


def snapshot(mark: AttendanceMark | None) -> dict:
    if mark is None:
        return {"status": None}
    return {"status": mark.status, "arrival": mark.arrival.strftime("%H:%M") if mark.arrival else None,
            "signature": mark.signature_sha or None, "via": mark.signed_via,
            "signed_at": mark.signed_at.isoformat(timespec="seconds") if mark.signed_at else None}


def session_snapshot(session: CourseSession) -> dict:
    return {"day": session.day.isoformat(), "half": session.half, "starts_at": session.starts_at.strftime("%H:%M"),
            "ends_at": session.ends_at.strftime("%H:%M"), "place": session.place,
            "cancelled": session.cancelled, "cancel_reason": session.cancel_reason or None}


def current_code(session: CourseSession, now: datetime | None = None) -> tuple[str, int] | None:
    """The code to show now and the seconds before it rotates; None if phone signing is closed."""
    now = now or timing.now()
    if session.self_sign_secret is None or session.self_sign_until is None or session.self_sign_until <= now:
        return None
    rot = timing.rotation()
    return rot.code(session.self_sign_secret, session.id, rot.step(now)), rot.seconds_left(now)


def check_code(s: Session, session_id: int, code: str, address: str, now: datetime | None = None) -> CourseSession:
    """The session whose current (or just rotated) code this is; wrong codes are throttled."""
    from . import throttle

    now = now or timing.now()
    if throttle.blocked(s, session_id, address, now):
        raise AttendanceError("Trop de codes erronés : patientez une minute avant de réessayer.")
    session = s.get(CourseSession, session_id) if 0 < session_id < 2**31 else None
    if (session is None or session.self_sign_secret is None
            or not timing.rotation().valid(session.self_sign_secret, session.id, code, now)):
        throttle.record_failure(s, session_id, address, now)
        raise AttendanceError("Code d'émargement invalide ou expiré : saisissez le code affiché en ce moment "
                              "par le formateur.")
    if session.locked or session.cancelled or session.self_sign_until is None or session.self_sign_until <= now:
        raise AttendanceError("L'émargement sur téléphone est fermé pour cette séance : adressez-vous au formateur.")
    return session

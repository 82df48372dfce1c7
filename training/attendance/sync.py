"""Offline sync of the attendance sheet: items made on a device, applied once each, in order.

Every item carries an id made on the device. The first time the server sees the id it applies
the item (or refuses it with a French reason) and records the outcome in `attendance_sync_item`;
the same id sent again is answered with that recorded outcome and changes nothing.

Co-trainer merge rule (stated on the sheet): different rows never conflict. When the same row
was changed on the server by someone else, the change made last (device time for the tablet,
time of change for the server) wins, and the other value is kept in the history with both values.

Every write to a session, a mark or the history goes through the attendance service's single
door (`services.apply_mark`, `sign_session` with `device_at=`, `record_kept` for a change kept in
the history but not applied).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from ..cohorts.models import Cohort, Participant
from ..db import Base, utcnow
from ..dates import french_datetime
from ..permissions import can_manage_cohort
from . import services, timing
from .models import AttendanceMark, CourseSession
from .services import AttendanceError
from .sync_parse import FIELDS, Item, clock_skew, parse_item

MAX_ITEMS = 200
ID_RE = re.compile(r"^[A-Za-z0-9-]{8,64}$")
OTHER_ACCOUNT = ("Saisie faite sous un autre compte sur cet appareil : elle ne peut être envoyée que par ce "
                 "compte, pour que l'historique dise qui l'a faite.")
RULE = ("Deux saisies sur la même ligne : la plus récente l'emporte ; l'autre reste dans l'historique, "
        "avec les deux valeurs.")


class SyncItem(Base):
    """One device-made item, as received: its outcome, device time and server receipt time."""

    __tablename__ = "attendance_sync_item"
    __table_args__ = (UniqueConstraint("item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id", ondelete="SET NULL"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("course_session.id", ondelete="CASCADE"), index=True)
    participant_id: Mapped[int | None] = mapped_column(ForeignKey("participant.id", ondelete="SET NULL"))
    device_at: Mapped[datetime | None]
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    outcome: Mapped[str] = mapped_column(String(12))  # applied, superseded, refused
    message: Mapped[str] = mapped_column(Text, default="")
    payload: Mapped[dict] = mapped_column(JSON, default=dict)


# -- the calls into the attendance service's single door ---------------------------------------

def _svc_set_mark(s: Session, sess: CourseSession, participant: Participant, item: Item, actor,
                  reason: str) -> AttendanceMark:
    """Record a mark through the door, dated when it was made on the device."""
    change = services.MarkInput(item.status, item.arrival, item.signature, paper=item.via == "paper")
    return services.apply_mark(s, actor, sess, participant, change, reason=reason, device_at=item.device_at)


def _svc_sign_session(s: Session, sess: CourseSession, actor, item: Item) -> None:
    """The trainer's signature (locks the sheet), dated when it was drawn on the device."""
    services.sign_session(s, actor, sess, services.SignatureInput(item.signature), reason=item.reason,
                          device_at=item.device_at)


def _svc_current_mark(s: Session, sess: CourseSession, participant: Participant) -> AttendanceMark | None:
    return s.scalar(select(AttendanceMark).where(AttendanceMark.session_id == sess.id,
                                                 AttendanceMark.participant_id == participant.id))


def snapshot(mark: AttendanceMark | None) -> dict:
    if mark is None:
        return {"status": None, "arrival": None, "signed": False}
    return {"status": mark.status, "arrival": mark.arrival.strftime("%H:%M") if mark.arrival else None,
            "signed": mark.has_signature or mark.signed_via == "paper"}


def made_at(mark: AttendanceMark) -> datetime:
    """When the row's current value was made: on the device for an offline mark, else on the server."""
    return mark.device_at or mark.updated_at


# -- applying ------------------------------------------------------------------------------

def _who(s: Session, user_id: int | None) -> str:
    from ..accounts.models import User

    user = s.get(User, user_id) if user_id else None
    return user.display_name if user else "un autre appareil"


def _with_rule(item: Item, note: str) -> str:
    """The reason stored with a merged change; a locked sheet still needs the trainer's own reason."""
    if not item.reason:
        return note
    return f"{item.reason} — {note}"[:services.MAX_REASON]


def _apply_mark(s: Session, sess: CourseSession, item: Item, actor) -> tuple[str, str]:
    participant = s.get(Participant, item.participant_id)
    if participant is None or participant.cohort_id != sess.cohort_id:
        raise AttendanceError("Cette personne ne fait pas partie de ce groupe.")
    mark = _svc_current_mark(s, sess, participant)
    mine = {"status": item.status, "arrival": item.arrival.strftime("%H:%M") if item.arrival else None,
            "signed": item.signature is not None or item.via == "paper"}
    theirs = snapshot(mark)
    differs = mark is not None and (theirs["status"], theirs["arrival"]) != (mine["status"], mine["arrival"])
    other = mark is not None and mark.updated_by_id != getattr(actor, "id", None)
    if differs and made_at(mark) > item.device_at:
        who = _who(s, mark.updated_by_id)
        reason = (f"Saisie hors ligne du {french_datetime(item.device_at)} non appliquée : celle de {who} "
                  f"du {french_datetime(made_at(mark))} est plus récente. {RULE}")
        services.record_kept(s, actor, sess, participant, reason, {**mine, "at": item.device_at.isoformat()},
                             {**theirs, "at": made_at(mark).isoformat()})
        return "superseded", reason
    if differs and other:
        who = _who(s, mark.updated_by_id)
        note = (f"Saisie hors ligne du {french_datetime(item.device_at)}, plus récente que celle de {who} "
                f"du {french_datetime(made_at(mark))} : elle l'emporte. {RULE}")
        reason = item.reason if sess.locked and not item.reason else _with_rule(item, note)
        _svc_set_mark(s, sess, participant, item, actor, reason)
        return "applied", note
    _svc_set_mark(s, sess, participant, item, actor, item.reason)
    return "applied", ""


def _apply(s: Session, actor, item: Item) -> tuple[str, str]:
    sess = s.get(CourseSession, item.session_id)
    cohort = s.get(Cohort, sess.cohort_id) if sess else None
    if sess is None or not can_manage_cohort(actor, cohort):
        raise AttendanceError("Séance introuvable, ou réservée aux formateurs de ce groupe.")
    if item.kind == "trainer_signature":
        _svc_sign_session(s, sess, actor, item)
        return "applied", ""
    return _apply_mark(s, sess, item, actor)


def _payload(raw: dict) -> dict:
    return {k: raw[k] for k in FIELDS & set(raw) if k != "id"}


def _record(s: Session, actor, raw: dict, item: Item | None, outcome: str, message: str, now: datetime) -> None:
    s.add(SyncItem(item_id=raw["id"], kind=str(raw.get("kind"))[:20], user_id=getattr(actor, "id", None),
                   session_id=item.session_id if item else None,
                   participant_id=item.participant_id if item else None,
                   device_at=item.device_at if item else None, received_at=now, outcome=outcome,
                   message=message, payload=_payload(raw)))
    s.flush()


def _replayed(s: Session, actor, item_id: str) -> dict | None:
    known = s.scalar(select(SyncItem).where(SyncItem.item_id == item_id))
    if known is None:
        return None
    if known.user_id != getattr(actor, "id", None):
        return {"id": item_id, "outcome": "refused", "replayed": True,
                "message": "Identifiant de saisie déjà utilisé par un autre compte."}
    return {"id": item_id, "outcome": known.outcome, "message": known.message, "replayed": True}


def _visible(s: Session, actor, item: Item | None) -> bool:
    sess = s.get(CourseSession, item.session_id) if item else None
    return sess is not None and can_manage_cohort(actor, s.get(Cohort, sess.cohort_id))


def apply_one(s: Session, actor, raw, now: datetime, skew: timedelta = timedelta(0)) -> dict:
    """Apply one item in its own savepoint; a refusal is recorded, never dropped."""
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str) or not ID_RE.match(raw["id"]):
        return {"id": None, "outcome": "refused", "message": "Saisie sans identifiant valide."}
    known = _replayed(s, actor, raw["id"])
    if known:
        return known
    item = None
    try:
        with s.begin_nested():
            item = parse_item(raw, now, skew)
            if item.user is not None and item.user != getattr(actor, "id", None):
                raise AttendanceError(OTHER_ACCOUNT)
            outcome, message = _apply(s, actor, item)
            _record(s, actor, raw, item, outcome, message, now)
    except AttendanceError as exc:
        try:
            with s.begin_nested():
                _record(s, actor, raw, item if _visible(s, actor, item) else None, "refused", str(exc), now)
        except IntegrityError:
            return _replayed(s, actor, raw["id"]) or {"id": raw["id"], "outcome": "refused", "message": str(exc)}
        return {"id": raw["id"], "outcome": "refused", "message": str(exc)}
    except IntegrityError:  # the same id applied meanwhile by a concurrent request
        return _replayed(s, actor, raw["id"]) or {"id": raw["id"], "outcome": "refused",
                                                  "message": "Saisie en cours d'envoi : réessayez."}
    return {"id": raw["id"], "outcome": outcome, "message": message}


def apply_batch(s: Session, actor, items: list, now: datetime | None = None, sent_at=None) -> list[dict]:
    """Apply items in order, device times corrected by the device clock's skew. The caller commits."""
    if not isinstance(items, list) or not 0 < len(items) <= MAX_ITEMS:
        raise AttendanceError(f"Envoyez entre 1 et {MAX_ITEMS} saisies à la fois.")
    now = now or timing.now()
    skew = clock_skew(sent_at, now)
    return [apply_one(s, actor, raw, now, skew) for raw in items]


def session_log(s: Session, sess: CourseSession) -> list[SyncItem]:
    """The items received for a session, oldest first (device time beside receipt time)."""
    return list(s.scalars(select(SyncItem).where(SyncItem.session_id == sess.id).order_by(SyncItem.id)))

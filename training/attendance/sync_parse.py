"""Parsing of the items a device sends: strict types and sizes, device times corrected for clock skew."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from ..dates import PARIS
from .models import STATUSES
from .services import AttendanceError

KINDS = ("mark", "trainer_signature")
FIELDS = {"id", "kind", "session_id", "participant_id", "device_at", "status", "arrival", "via", "reason",
          "signature", "user"}
MAX_AGE = timedelta(days=60)


@dataclass(frozen=True)
class Item:
    id: str
    kind: str
    session_id: int
    participant_id: int | None
    device_at: datetime
    status: str = ""
    arrival: time | None = None
    via: str = "tablet"
    reason: str = ""
    signature: list | None = None
    user: int | None = None  # the account signed in on the device when the item was made


def _bad(text: str) -> AttendanceError:
    return AttendanceError(f"Saisie illisible : {text}.")


def _int(value, name: str, required: bool = True) -> int | None:
    if value is None and not required:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < 2**31:
        raise _bad(f"{name} invalide")
    return value


def _parse_time(value) -> datetime:
    if not isinstance(value, str) or len(value) > 40:
        raise _bad("heure de l'appareil manquante")
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise _bad("heure de l'appareil invalide") from None
    return (at if at.tzinfo else at.replace(tzinfo=PARIS)).astimezone(timezone.utc)


def clock_skew(sent_at, now: datetime) -> timedelta:
    """How far the device's clock is behind the server's, from the time it says it sent the batch."""
    if sent_at is None:
        return timedelta(0)
    skew = now - _parse_time(sent_at)
    if abs(skew) > timedelta(days=2):
        raise AttendanceError("L'horloge de l'appareil est décalée de plus de deux jours : réglez-la, puis renvoyez.")
    return skew if abs(skew) > timedelta(seconds=30) else timedelta(0)  # below: network delay, not a clock


def _device_time(value, now: datetime, skew: timedelta) -> datetime:
    at = _parse_time(value) + skew
    if at < now - MAX_AGE:
        raise AttendanceError("Cette saisie date de plus de 60 jours : rectifiez la feuille directement.")
    return min(at, now)  # a device clock ahead of the server never dates a mark in the future


def _text(value, name: str, limit: int) -> str:
    if value is None:
        return ""
    if not isinstance(value, str) or len(value) > limit:
        raise _bad(f"{name} trop long ou invalide")
    return value.strip()


def parse_item(raw: dict, now: datetime, skew: timedelta = timedelta(0)) -> Item:
    if set(raw) - FIELDS:
        raise _bad("champ inconnu")
    kind = raw.get("kind")
    if kind not in KINDS:
        raise _bad("type de saisie inconnu")
    arrival = _text(raw.get("arrival"), "heure d'arrivée", 5)
    try:
        arrival_t = time.fromisoformat(arrival) if arrival else None
    except ValueError:
        raise AttendanceError(f"Heure invalide : « {arrival} » (format hh:mm).") from None
    via = raw.get("via") or "tablet"
    if via not in ("tablet", "paper"):
        raise _bad("mode de signature inconnu")
    status = _text(raw.get("status"), "statut", 10)
    if kind == "mark" and status not in STATUSES:
        raise AttendanceError("Statut de présence inconnu.")
    return Item(id=raw["id"], kind=kind, session_id=_int(raw.get("session_id"), "séance"),
                participant_id=_int(raw.get("participant_id"), "participant", required=kind == "mark"),
                device_at=_device_time(raw.get("device_at"), now, skew), status=status, arrival=arrival_t, via=via,
                reason=_text(raw.get("reason"), "motif", 500),
                signature=_signature(raw.get("signature")), user=_int(raw.get("user"), "compte", required=False))


def _signature(value) -> list | None:
    """Shape only; the door checks the strokes (an empty pad or a mere dot is refused there)."""
    if value is not None and not isinstance(value, list):
        raise _bad("signature illisible")
    return value



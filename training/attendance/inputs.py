"""Parsing what trainers and participants post: French messages for anything malformed, never a 500."""
from __future__ import annotations

import re
from datetime import date, time

from .schedule import AttendanceError
from .services import MarkInput, SignatureInput
from .signatures import SignatureError, parse_raw

_TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(:[0-5]\d)?$")
_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_time(value: str | None, label: str = "Heure") -> time | None:
    value = (value or "").strip()
    if not value:
        return None
    m = _TIME.match(value)
    if m is None:
        raise AttendanceError(f"{label} invalide : « {value[:10]} » (format hh:mm, sans fuseau horaire).")
    return time(int(m.group(1)), int(m.group(2)))


def parse_date(value: str | None, label: str = "Date") -> date:
    value = (value or "").strip()
    m = _DATE.match(value)
    try:
        parsed = date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise AttendanceError(f"{label} invalide : « {value[:12]} » (format jj/mm/aaaa).")
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise AttendanceError(f"{label} invalide : l'année {parsed.year} n'est pas plausible.")
    return parsed


def parse_int(value: str | None, label: str, low: int, high: int) -> int:
    value = (value or "").strip()
    if not (value.isascii() and value.isdigit()) or len(value) > 6 or not low <= int(value) <= high:
        raise AttendanceError(f"{label} : saisissez un nombre entier entre {low} et {high}.")
    return int(value)


def parse_version(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def strokes(raw: str | None):
    try:
        return parse_raw(raw)
    except SignatureError as exc:
        raise AttendanceError(str(exc)) from None


def signature_input(form, drawn_field: str = "signature") -> SignatureInput:
    """A pad (always posted by the signing pages, possibly empty) or the typed alternative."""
    typed, ok = (form.get("typed_name") or "")[:200], form.get("typed_ok") == "oui"
    if typed or ok:
        return SignatureInput(None, typed, ok)
    return SignatureInput(strokes(form.get(drawn_field) or ""))


def reason(form) -> str:
    return (form.get("reason") or "")[:600]


def row_input(form, prefix: str, via: str = "tablet", default_status: str = "") -> MarkInput | None:
    """One row of the sheet (fields `{prefix}status`, `{prefix}arrival`, `{prefix}paper`); None if untouched."""
    status = form.get(f"{prefix}status") or default_status
    if not status:
        return None
    return MarkInput(status[:12], parse_time(form.get(f"{prefix}arrival"), "Heure d'arrivée"),
                     paper=form.get(f"{prefix}paper") == "oui", via=via)

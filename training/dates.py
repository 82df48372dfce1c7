"""French formatting of dates, times and numbers, without depending on the system locale."""
from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

PARIS = ZoneInfo("Europe/Paris")
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
          "octobre", "novembre", "décembre")
DAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def french_date(value: date | datetime | None, weekday: bool = False) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(PARIS).date()
    day = "1er" if value.day == 1 else str(value.day)
    text = f"{day} {MONTHS[value.month - 1]} {value.year}"
    return f"{DAYS[value.weekday()]} {text}" if weekday else text


def paris_today() -> date:
    """Today's date in France, whatever the server's time zone."""
    return datetime.now(PARIS).date()


def french_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    local = value.astimezone(PARIS)
    return f"{french_date(local)} à {french_time(local)}"


def french_time(value: time | datetime | None) -> str:
    """« 9 h 00 », « 14 h 30 »: the hour without a leading zero, as French typography writes it.

    An aware datetime is shown in Paris time; a naive time or datetime is shown as it is.
    """
    if value is None:
        return ""
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.astimezone(PARIS)
    return f"{value.hour}\u00a0h\u00a0{value.minute:02d}"


def french_number(value: int | float | None, digits: int = 1) -> str:
    """« 2,4 », « 7 », « 1\u202f250 »: a decimal comma, a narrow space between thousands, no useless zero."""
    if value is None:
        return ""
    if isinstance(value, int) or float(value).is_integer():
        text = f"{int(round(value)):,}"
    else:
        text = f"{value:,.{digits}f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\u202f").replace(".", ",")

"""The « appareil connu » cookie: signed, HttpOnly, naming the accounts that signed in on this browser.

It proves nothing by itself (the password is still checked); it only lets its holder pass the
lock that failures from other devices put on those accounts (see `training.accounts.throttle`).
"""
from __future__ import annotations

import secrets

from flask import current_app
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "appareil_connu"
MAX_ACCOUNTS = 40  # a shared tablet in a room of 30


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def read(cookies) -> tuple[str | None, frozenset[int]]:
    """(device id, ids of the accounts known on this device), or (None, ∅) for a missing or forged cookie."""
    raw = cookies.get(COOKIE)
    if not raw or len(raw) > 4000:
        return None, frozenset()
    max_age = current_app.config["KNOWN_DEVICE_DAYS"] * 86400
    try:
        data = _serializer().loads(raw, max_age=max_age)
        device, ids = data["d"], data["u"]
    except (BadSignature, KeyError, TypeError, ValueError):
        return None, frozenset()
    if not isinstance(device, str) or not isinstance(ids, list) or not all(isinstance(i, int) for i in ids):
        return None, frozenset()
    return device, frozenset(ids)


def remember(response, device_id: str | None, known: frozenset[int], user_id: int) -> None:
    """Add `user_id` to this device's cookie (the most recent MAX_ACCOUNTS accounts are kept)."""
    ids = [i for i in known if i != user_id][-(MAX_ACCOUNTS - 1):] + [user_id]
    value = _serializer().dumps({"d": device_id or secrets.token_urlsafe(12), "u": ids})
    cfg = current_app.config
    response.set_cookie(COOKIE, value, max_age=cfg["KNOWN_DEVICE_DAYS"] * 86400, httponly=True,
                        secure=cfg["HTTPS"], samesite="Lax")

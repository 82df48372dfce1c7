"""Personal survey links without an account: `<participant_id>.<kind>.<sig>`, signed with the secret key."""
from __future__ import annotations

import base64
import hashlib
import hmac

from flask import current_app

from .models import KINDS

SIG_CHARS = 24
MAX_TOKEN_CHARS = 64


def _signature(participant_id: int, kind: str, secret: str) -> str:
    digest = hmac.new(secret.encode(), f"{participant_id}:{kind}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).decode()[:SIG_CHARS]


def _secret(secret: str | None) -> str:
    key = secret if secret is not None else current_app.config["SECRET_KEY"]
    if not key:
        raise RuntimeError("no secret key: survey links cannot be signed")
    return key


def make_token(participant_id: int, kind: str, secret: str | None = None) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown survey kind: {kind}")
    return f"{participant_id}.{kind}.{_signature(participant_id, kind, _secret(secret))}"


def read_token(token: str, secret: str | None = None) -> tuple[int, str] | None:
    """(participant_id, kind) of a genuine token; None for anything malformed or forged."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    parts = token.split(".")
    if len(parts) != 3:
        return None
    raw_id, kind, sig = parts
    if not (raw_id.isascii() and raw_id.isdigit()) or len(raw_id) > 12 or kind not in KINDS:
        return None
    participant_id = int(raw_id)
    if not hmac.compare_digest(sig.encode(), _signature(participant_id, kind, _secret(secret)).encode()):
        return None
    return participant_id, kind

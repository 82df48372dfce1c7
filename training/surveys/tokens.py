"""Codes of paper survey coupons: random, unguessable, stored only as their SHA-256.

A code says nothing about whom or what it is for: the coupon row it hashes to does, until it is
used, replaced or its participant removed. A reused database id cannot revive it.
"""
from __future__ import annotations

import hashlib
import re
import secrets

CODE_BYTES = 16  # 128 bits
MAX_CODE_CHARS = 64
_WELL_FORMED = re.compile(r"[A-Za-z0-9_-]{16,64}")


def new_code() -> str:
    return secrets.token_urlsafe(CODE_BYTES)


def code_hash(code: str) -> str | None:
    """The stored form of a code; None for anything that cannot be one (never looked up)."""
    if not code or len(code) > MAX_CODE_CHARS or not _WELL_FORMED.fullmatch(code):
        return None
    return hashlib.sha256(code.encode()).hexdigest()

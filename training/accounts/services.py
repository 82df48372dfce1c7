"""Account services: hashing, authentication with throttling, users, reset links.

Services take the session (and the acting user when it matters) as arguments and never
read the request, so the CLI and the tests call the same code.
"""
from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import utcnow
from .models import ROLES, LoginFailure, ResetToken, User

_hasher = PasswordHasher()  # Argon2id with the library's current defaults


@functools.cache
def _dummy_hash() -> str:
    """Verified when no account matches, so both cases take as long; hashed on first use, not at import."""
    return _hasher.hash("timing-equaliser")


PASSWORD_MIN, PASSWORD_MAX = 10, 200


class AccountError(ValueError):
    """A refused account operation; the message is French and meant for the user."""


def hash_password(password: str) -> str:
    check_password_strength(password)
    return _hasher.hash(password)


def check_password_strength(password: str) -> None:
    if not PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        raise AccountError(f"Le mot de passe doit compter de {PASSWORD_MIN} à {PASSWORD_MAX} caractères.")


def normalise_email(email: str) -> str:
    return email.strip().lower()


def create_user(s: Session, email: str, display_name: str, role: str, password: str,
                organisation: str = "") -> User:
    """Create an active user; raise AccountError on a taken e-mail, bad role or weak password."""
    email = normalise_email(email)
    if role not in ROLES:
        raise AccountError(f"Rôle inconnu : {role}.")
    if "@" not in email or len(email) > 254:
        raise AccountError("Adresse électronique invalide.")
    if not display_name.strip() or len(display_name) > 120:
        raise AccountError("Le nom doit compter de 1 à 120 caractères.")
    if s.scalar(select(User.id).where(User.email == email)) is not None:
        raise AccountError("Un compte existe déjà avec cette adresse.")
    user = User(email=email, display_name=display_name.strip(), role=role,
                organisation=organisation.strip(), password_hash=hash_password(password))
    s.add(user)
    s.flush()
    return user


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    message: str | None = None
    delay: float = 0.0


def _failure(s: Session, key: str) -> LoginFailure | None:
    return s.scalar(select(LoginFailure).where(LoginFailure.key == key))


def _locked_until(s: Session, keys: list[str], now: datetime) -> datetime | None:
    locks = [f.locked_until for k in keys if (f := _failure(s, k)) and f.locked_until and f.locked_until > now]
    return max(locks) if locks else None


def authenticate(s: Session, email: str, password: str, address: str, cfg: dict) -> LoginResult:
    """Check credentials with throttling per account and per address.

    After LOGIN_FAILURES_BEFORE_DELAY failures each attempt is slowed; after
    LOGIN_FAILURES_BEFORE_LOCK the account and the address are locked for LOGIN_LOCK_MINUTES.
    Writes failure counters; the caller commits.
    """
    now = utcnow()
    email = normalise_email(email)
    keys = [f"account:{email}", f"address:{address}"]
    until = _locked_until(s, keys, now)
    if until:
        minutes = max(1, int((until - now).total_seconds() // 60) + 1)
        return LoginResult(None, f"Trop de tentatives infructueuses. Par sécurité, la connexion est "
                                 f"bloquée pendant encore {minutes} minute(s).")
    user = s.scalar(select(User).where(User.email == email))
    ok = False
    try:
        ok = _hasher.verify(user.password_hash if user else _dummy_hash(), password) and user is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if ok and user.active:
        for k in keys:
            if f := _failure(s, k):
                s.delete(f)
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.last_login_at = now
        return LoginResult(user)
    worst = 0
    for k in keys:
        f = _failure(s, k) or LoginFailure(key=k, count=0)
        if f.last_at and now - f.last_at > timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"]):
            f.count = 0
        f.count += 1
        f.last_at = now
        if f.count >= cfg["LOGIN_FAILURES_BEFORE_LOCK"]:
            f.locked_until = now + timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
        s.add(f)
        worst = max(worst, f.count)
    if worst >= cfg["LOGIN_FAILURES_BEFORE_LOCK"]:
        return LoginResult(None, f"Trop de tentatives infructueuses. Par sécurité, la connexion est bloquée "
                                 f"pendant {cfg['LOGIN_LOCK_MINUTES']} minutes.")
    delay = cfg["LOGIN_DELAY_SECONDS"] if worst >= cfg["LOGIN_FAILURES_BEFORE_DELAY"] else 0.0
    if ok and not user.active:
        return LoginResult(None, "Ce compte est désactivé. Adressez-vous à votre administrateur.", delay)
    return LoginResult(None, "Adresse ou mot de passe incorrect.", delay)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_reset_token(s: Session, user: User, actor: User, hours: int) -> str:
    """Create a one-time reset token (only its hash is stored); earlier unused ones are voided."""
    now = utcnow()
    for old in s.scalars(select(ResetToken).where(ResetToken.user_id == user.id, ResetToken.used_at.is_(None))):
        old.used_at = now
    token = secrets.token_urlsafe(32)
    s.add(ResetToken(user_id=user.id, token_hash=_token_hash(token), created_by_id=actor.id,
                     expires_at=now + timedelta(hours=hours)))
    return token


def find_reset_token(s: Session, token: str) -> ResetToken | None:
    """The token if it exists, is unused and unexpired; None otherwise."""
    if not token or len(token) > 100:
        return None
    rt = s.scalar(select(ResetToken).where(ResetToken.token_hash == _token_hash(token)))
    if rt is None or rt.used_at is not None or rt.expires_at <= utcnow():
        return None
    return rt


def set_password(s: Session, user: User, password: str) -> None:
    """Set a new password and close every open session of the user."""
    user.password_hash = hash_password(password)
    user.session_version += 1


def use_reset_token(s: Session, token: str, password: str) -> User:
    rt = find_reset_token(s, token)
    if rt is None:
        raise AccountError("Ce lien de réinitialisation n'est plus valable (déjà utilisé ou expiré). "
                           "Demandez-en un nouveau à votre administrateur.")
    user = s.get(User, rt.user_id)
    set_password(s, user, password)
    rt.used_at = utcnow()
    return user


def change_password(s: Session, user: User, current: str, new: str) -> None:
    try:
        _hasher.verify(user.password_hash, current)
    except (VerificationError, InvalidHashError):
        raise AccountError("Le mot de passe actuel est incorrect.") from None
    set_password(s, user, new)


def set_active(s: Session, user: User, active: bool, actor: User) -> None:
    if user.id == actor.id and not active:
        raise AccountError("Vous ne pouvez pas désactiver votre propre compte.")
    user.active = active
    if not active:
        user.session_version += 1

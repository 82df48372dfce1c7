"""Account services: hashing, authentication with throttling, users, reset links.

Services take the session (and the acting user when it matters) as arguments and never
read the request, so the CLI and the tests call the same code.
"""
from __future__ import annotations

import functools
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ..db import utcnow
from ..wording import pluralise
from . import throttle
from .models import ROLES, ResetToken, User

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
    status: int = 200  # 401 wrong credentials, 429 locked or paced


def _verify(user: User | None, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash if user else _dummy_hash(), password) and user is not None
    except (VerificationError, InvalidHashError):
        return False


def authenticate(s: Session, email: str, password: str, address: str, cfg: dict,
                 device_id: str | None = None, known_user_ids: frozenset[int] = frozenset()) -> LoginResult:
    """Check credentials under the throttling of `training.accounts.throttle`.

    Commits the attempt's reservation before checking the password, so that parallel
    requests see it (that commit is the point: a lock must hold across workers); the caller
    commits the rest.
    """
    now = utcnow()
    email = normalise_email(email)
    user = s.scalar(select(User).where(User.email == email))
    keys = throttle.keys_for(email, user.id if user else None, address, device_id, known_user_ids)
    if not keys.known_device and not throttle.take_address_turn(s, keys.address, now, cfg):
        s.commit()
        return LoginResult(None, f"Trop de tentatives depuis ce réseau. Patientez {cfg['LOGIN_ADDRESS_PACE_SECONDS']} "
                                 "secondes, puis réessayez.", status=429)
    if not throttle.reserve_attempt(s, keys.counter, now, cfg):
        s.commit()
        minutes = throttle.locked_minutes(s, keys.counter, now, cfg)
        return LoginResult(None, _locked_message(f"encore {pluralise(minutes, 'minute')}"), status=429)
    s.commit()
    ok = _verify(user, password)
    if ok and user.active:
        throttle.release_attempt(s, keys.counter)
        if _hasher.check_needs_rehash(user.password_hash):
            user.password_hash = _hasher.hash(password)
        user.last_login_at = now
        return LoginResult(user)
    throttle.record_address_failure(s, keys.address, now, cfg)
    throttle.forget_old(s, now)
    count = throttle.count_of(s, keys.counter, now, cfg)
    delay = cfg["LOGIN_DELAY_SECONDS"] if count >= cfg["LOGIN_FAILURES_BEFORE_DELAY"] else 0.0
    if count >= cfg["LOGIN_FAILURES_BEFORE_LOCK"]:
        return LoginResult(None, _locked_message(pluralise(cfg["LOGIN_LOCK_MINUTES"], "minute")), delay, 429)
    if ok and not user.active:
        return LoginResult(None, "Ce compte est désactivé. Adressez-vous à votre administrateur.", delay, 401)
    return LoginResult(None, "Adresse ou mot de passe incorrect.", delay, 401)


def _locked_message(how_long: str) -> str:
    return (f"Trop de tentatives infructueuses sur ce compte. Par sécurité, la connexion est bloquée pendant "
            f"{how_long}, sauf depuis un appareil où ce compte s'est déjà connecté.")


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


def end_all_sessions(s: Session, user: User) -> None:
    """Every session and remember-me cookie of the user stops working (their key holds the old version)."""
    s.execute(update(User).execution_options(synchronize_session=False).where(User.id == user.id)
              .values(session_version=User.session_version + 1))
    s.refresh(user, ["session_version"])


def set_password(s: Session, user: User, password: str) -> None:
    """Set a new password and close every open session of the user."""
    user.password_hash = hash_password(password)
    end_all_sessions(s, user)


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
        end_all_sessions(s, user)

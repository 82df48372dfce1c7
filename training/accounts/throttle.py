"""Login throttling that a training room cannot trip and a sprayer cannot bypass.

Three kinds of counter rows in `login_failure`, all changed by single atomic UPDATE statements
(``count = count + 1``), never read-modify-write:

- ``account:<e-mail>``: attempts on an account from a device that never signed in to it. An attempt
  is *reserved* (counted) and committed before the password is checked, and the reservation only
  succeeds while the count is under LOGIN_FAILURES_BEFORE_LOCK: N parallel wrong passwords past
  the lock get no password check at all. A success sets the count back to 0.
- ``device:<device id>:<user id>``: the same lock for a device that signed in to that account before
  (it holds a signed « appareil connu » cookie). The owner on their usual phone or tablet is never
  locked out by someone else trying their account elsewhere.
- ``address:<ip>``: failures per network address, never reset by a success, and never a lock:
  past LOGIN_ADDRESS_FAILURES_BEFORE_PACING failures in the window, unknown devices behind that
  address get one password check every LOGIN_ADDRESS_PACE_SECONDS (a room of 30 behind one Wi-Fi
  keeps signing in; spraying across accounts slows to that pace).

Counts older than LOGIN_LOCK_MINUTES start again from zero.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from .models import LoginFailure


@dataclass(frozen=True)
class Keys:
    counter: str  # the account or device key that locks
    address: str
    known_device: bool


def keys_for(email: str, user_id: int | None, address: str, device_id: str | None,
             known_user_ids: frozenset[int]) -> Keys:
    if user_id is not None and device_id and user_id in known_user_ids:
        return Keys(f"device:{device_id}:{user_id}", f"address:{address}", True)
    return Keys(f"account:{email}", f"address:{address}", False)


def _ensure_row(s: Session, key: str, now: datetime) -> None:
    """Create the counter row if missing, in one statement that parallel requests cannot collide on."""
    dialect = s.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    s.execute(insert(LoginFailure).values(key=key, count=0, last_at=now).on_conflict_do_nothing(index_elements=["key"]))


def _window_start(now: datetime, cfg) -> datetime:
    return now - timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])


def reserve_attempt(s: Session, key: str, now: datetime, cfg) -> bool:
    """Count one attempt on `key` if it is not locked; False (nothing counted) when it is."""
    _ensure_row(s, key, now)
    start = _window_start(now, cfg)
    row = LoginFailure
    result = s.execute(
        update(LoginFailure).execution_options(synchronize_session=False)
        .where(row.key == key, (row.last_at < start) | (row.count < cfg["LOGIN_FAILURES_BEFORE_LOCK"]))
        .values(count=case((row.last_at < start, 1), else_=row.count + 1), last_at=now))
    return result.rowcount == 1


def release_attempt(s: Session, key: str) -> None:
    """The password was right: the account (or device) starts again from zero."""
    s.execute(update(LoginFailure).execution_options(synchronize_session=False)
              .where(LoginFailure.key == key).values(count=0))


def count_of(s: Session, key: str, now: datetime, cfg) -> int:
    found = s.execute(select(LoginFailure.count, LoginFailure.last_at).where(LoginFailure.key == key)).first()
    if found is None or found[1] < _window_start(now, cfg):
        return 0
    return found[0]


def locked_minutes(s: Session, key: str, now: datetime, cfg) -> int:
    last = s.scalar(select(LoginFailure.last_at).where(LoginFailure.key == key))
    until = (last or now) + timedelta(minutes=cfg["LOGIN_LOCK_MINUTES"])
    return max(1, int((until - now).total_seconds() // 60) + 1)


def record_address_failure(s: Session, key: str, now: datetime, cfg) -> None:
    _ensure_row(s, key, now)
    row = LoginFailure
    start = _window_start(now, cfg)
    s.execute(update(LoginFailure).execution_options(synchronize_session=False).where(row.key == key)
              .values(count=case((row.last_at < start, 1), else_=row.count + 1), last_at=now))


def take_address_turn(s: Session, key: str, now: datetime, cfg) -> bool:
    """Past the address threshold, one password check per LOGIN_ADDRESS_PACE_SECONDS: True if this is it.

    One UPDATE decides, so parallel requests cannot both take the same turn.
    """
    _ensure_row(s, key, now)
    row, start = LoginFailure, _window_start(now, cfg)
    pacing = (row.count >= cfg["LOGIN_ADDRESS_FAILURES_BEFORE_PACING"]) & (row.last_at >= start)
    result = s.execute(
        update(LoginFailure).execution_options(synchronize_session=False)
        .where(row.key == key, ~pacing | row.locked_until.is_(None) | (row.locked_until <= now))
        .values(locked_until=case((pacing, now + timedelta(seconds=cfg["LOGIN_ADDRESS_PACE_SECONDS"])),
                                  else_=row.locked_until)))
    return result.rowcount == 1


def forget_old(s: Session, now: datetime) -> None:
    """Drop counters untouched for a day: sprayed e-mails must not pile up rows."""
    s.execute(delete(LoginFailure).where(LoginFailure.last_at < now - timedelta(days=1)))

"""The hash chain of attendance changes: each row carries the hash of the one before it.

Rows are appended by the attendance service only. `verify_chain` recomputes every hash and
reports the rows whose content or link no longer matches (a row changed behind the app's back).
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import timezone

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from .models import AttendanceChange

GENESIS = "0" * 64


def row_payload(change: AttendanceChange) -> str:
    return json.dumps({
        "session": change.session_id, "participant": change.participant_id, "by": change.changed_by_id,
        "at": change.changed_at.astimezone(timezone.utc).isoformat(timespec="microseconds"), "kind": change.kind, "reason": change.reason,
        "before": change.before, "after": change.after, "prev": change.prev_hash,
    }, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def compute_hash(change: AttendanceChange) -> str:
    return hashlib.sha256(row_payload(change).encode()).hexdigest()


def last_hash(s: Session) -> str:
    """The hash to chain to; on PostgreSQL, appenders queue on a transaction lock so the chain never forks."""
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(7280811)"))
    last = s.scalar(select(AttendanceChange.row_hash).order_by(AttendanceChange.id.desc()).limit(1))
    return last or GENESIS


@dataclass
class ChainReport:
    checked: int
    broken: list[tuple[int, str]]  # (row id, French reason)

    @property
    def ok(self) -> bool:
        return not self.broken


def verify_chain(s: Session) -> ChainReport:
    prev, broken, n = GENESIS, [], 0
    for change in s.scalars(select(AttendanceChange).order_by(AttendanceChange.id)).yield_per(500):
        n += 1
        if change.prev_hash != prev:
            broken.append((change.id, "le lien avec la ligne précédente est rompu"))
        if compute_hash(change) != change.row_hash:
            broken.append((change.id, "le contenu ne correspond plus à son empreinte"))
        prev = change.row_hash
    return ChainReport(n, broken)

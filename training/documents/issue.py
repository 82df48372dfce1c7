"""Issuing a document: a short verification code, the QR code's link, and the record the public
verification page reads (type, body, cohort, dates, counts, issue date, SHA-256; never a name).

The same content issued the same day gets the same code and the same bytes (the PDF's dates are
fixed to the issue), so downloading a document twice records it once.
"""
from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..organisation.models import TrainingBody
from ..organisation.services import DEFAULT_NAME, current_body
from .models import IssuedDocument

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


@dataclass(frozen=True)
class Identity:
    """The training body as printed on documents."""

    name: str
    address: str = ""
    city: str = ""
    siret: str = ""
    nda: str = ""
    signatory_name: str = ""
    signatory_title: str = ""
    logo: bytes | None = None
    stamp: bytes | None = None
    version: int = 0

    @classmethod
    def of(cls, body: TrainingBody | None) -> "Identity":
        if body is None:
            return cls(DEFAULT_NAME)
        return cls(body.name, body.address, body.city, body.siret, body.nda, body.signatory_name,
                   body.signatory_title, body.logo, body.stamp, body.id)


def identity(s: Session) -> Identity:
    return Identity.of(current_body(s, with_images=True))


@dataclass(frozen=True)
class Stamp:
    """What every page of an issued document carries."""

    body: Identity
    code: str
    url: str
    issued_at: datetime


@dataclass(frozen=True)
class Meta:
    kind: str
    cohort_id: int
    cohort_title: str
    dates: str
    participants: int
    signatures: int
    issued_on: date


def new_code() -> str:
    raw = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def normal_code(code: str) -> str:
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())[:10]
    return f"{raw[:5]}-{raw[5:]}" if len(raw) == 10 else ""


def fingerprint(meta: Meta, body: Identity, parts) -> str:
    payload = {"kind": meta.kind, "cohort": meta.cohort_id, "on": meta.issued_on.isoformat(), "body": body.version,
               "parts": parts}
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def issue_pdf(s: Session, meta: Meta, body: Identity, parts, verify_url: str,
              build: Callable[[Stamp], bytes]) -> bytes:
    """Build the document with its code, record it (once for the same content) and return its bytes."""
    return issue_batch(s, [(meta, parts, build)], body, verify_url)[0]


def issue_batch(s: Session, items: list[tuple[Meta, object, Callable[[Stamp], bytes]]], body: Identity,
                verify_url: str) -> list[bytes]:
    """Several documents at once (the audit bundle): one SELECT and one multi-row INSERT whatever their number."""
    fps = [fingerprint(meta, body, parts) for meta, parts, _b in items]
    known = {r.fingerprint: r for r in s.scalars(select(IssuedDocument).where(IssuedDocument.fingerprint.in_(fps)))}
    at = datetime.now(timezone.utc).replace(microsecond=0)
    out, new = [], {}
    for fp, (meta, _p, build) in zip(fps, items, strict=True):
        row = known.get(fp)
        code, created = ((row.code, row.created_at.astimezone(timezone.utc)) if row is not None
                         else (new.get(fp, {}).get("code") or new_code(), at))
        data = build(Stamp(body, code, f"{verify_url}?code={code}", created))
        digest = hashlib.sha256(data).hexdigest()
        if row is None:
            new[fp] = dict(code=code, fingerprint=fp, kind=meta.kind, cohort_id=meta.cohort_id,
                           body_name=body.name[:200], cohort_title=meta.cohort_title[:300], dates=meta.dates,
                           participants=meta.participants, signatures=meta.signatures, issued_on=meta.issued_on,
                           sha256=digest, created_at=at)
        elif row.sha256 != digest:
            row.sha256 = digest
        out.append(data)
    if new:
        s.execute(insert(IssuedDocument), list(new.values()))
    s.flush()
    return out


def find(s: Session, code: str) -> IssuedDocument | None:
    code = normal_code(code)
    return s.scalar(select(IssuedDocument).where(IssuedDocument.code == code)) if code else None

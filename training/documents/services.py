"""Building each issued document: what it prints, its verification record, and its code on every page."""
from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from ..cohorts.models import Participant
from ..content.model import Registry
from ..dates import french_date
from .issue import Meta, issue_batch
from .sheets import SheetData, sessions_sheets_pdf


class DocumentError(ValueError):
    """This document cannot be issued (yet); the message is French."""


def _dates(sessions) -> str:
    days = sorted({x.day for x in sessions})
    if not days:
        return ""
    return french_date(days[0]) if days[0] == days[-1] else f"du {french_date(days[0])} au {french_date(days[-1])}"


def _parts(data: SheetData, sessions, participants) -> list:
    """What the document's content depends on: a new version of any of it is a new document."""
    ids = {x.id for x in sessions}
    return [[(x.id, x.state, x.day, str(x.starts_at), str(x.ends_at), bool(x.cancelled_at), x.trainer_signature_sha)
             for x in sessions],
            sorted((m.id, m.version) for (sid, _p), m in data.table.marks.items() if sid in ids),
            [(p.id, p.full_name, p.organisation) for p in participants]]


def sheet_item(data: SheetData, sessions, issued_on: date):
    meta = Meta("sheet", data.cohort.id, f"{data.title} — {data.cohort.name}", _dates(sessions),
                len(data.table.participants), data.signature_count(sessions), issued_on)
    return meta, _parts(data, sessions, data.table.participants), lambda stamp: sessions_sheets_pdf(data, sessions, stamp)


def _per_person(kind: str, data: SheetData, reg: Registry, issued_on: date, people: list[Participant], build):
    from .attestations import attestation_data

    held = data.table.held_sessions
    if not held:
        raise DocumentError("Aucune séance n'a encore eu lieu : une attestation ou un certificat ne peut porter que "
                            "sur des séances tenues.")
    adata = attestation_data(reg, data.table, issued_on, data.body)
    meta = Meta(kind, data.cohort.id, f"{data.title} — {data.cohort.name}", _dates(held), len(people),
                data.signature_count(held), issued_on)
    return meta, _parts(data, held, people), lambda stamp: build(adata, people, stamp)


def attestation_items(data: SheetData, reg: Registry, issued_on: date, people: list[Participant] | None = None,
                      together: bool = False):
    from .attestations import attestations_pdf

    people = data.table.participants if people is None else people
    groups = [people] if together else [[p] for p in people]
    return [_per_person("attestation", data, reg, issued_on, g, attestations_pdf) for g in groups]


def certificate_items(data: SheetData, reg: Registry, issued_on: date, people: list[Participant] | None = None,
                      together: bool = False):
    from .certificates import certificates_pdf

    people = data.table.participants if people is None else people
    groups = [people] if together else [[p] for p in people]
    return [_per_person("certificate", data, reg, issued_on, g, certificates_pdf) for g in groups]


def issue_one(s: Session, data: SheetData, item, verify_url: str) -> bytes:
    return issue_batch(s, [item], data.body, verify_url)[0]

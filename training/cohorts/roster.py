"""The roster of a cohort: participants with or without an account, CSV import, accounts given later."""
from __future__ import annotations

import csv
import io
import secrets
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..accounts.services import AccountError, create_user, issue_reset_token
from .models import Cohort, Participant

MAX_IMPORT_BYTES = 200_000
MAX_IMPORT_ROWS = 500
HEADERS = {
    "full_name": ("nom", "nom et prénom", "nom prénom", "participant", "stagiaire", "name"),
    "organisation": ("structure", "organisation", "organisme", "employeur", "bailleur", "société"),
    "job": ("fonction", "métier", "poste", "job", "emploi"),
}
LIMITS = {"full_name": 160, "organisation": 160, "job": 120}


class RosterError(ValueError):
    """A refused roster operation, with a French message."""


def name_key(name: str) -> str:
    """Compare names without case, accents or extra spaces (« Léa  MARTIN » == « lea martin »)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(plain.casefold().split())


def _existing_keys(s: Session, cohort: Cohort) -> set[str]:
    return {name_key(n) for n in s.scalars(select(Participant.full_name).where(Participant.cohort_id == cohort.id))}


def _clean(values: dict[str, str]) -> dict[str, str]:
    out = {k: " ".join((values.get(k) or "").split()) for k in LIMITS}
    if not out["full_name"]:
        raise RosterError("le nom est obligatoire")
    for k, limit in LIMITS.items():
        if len(out[k]) > limit:
            raise RosterError(f"« {k.replace('full_name', 'nom')} » dépasse {limit} caractères")
    return out


def add_participant(s: Session, cohort: Cohort, full_name: str, organisation: str = "", job: str = "") -> Participant:
    """Add someone who attends in the room without an account."""
    try:
        values = _clean({"full_name": full_name, "organisation": organisation, "job": job})
    except RosterError as exc:
        raise RosterError(str(exc)[0].upper() + str(exc)[1:] + ".") from None
    if name_key(values["full_name"]) in _existing_keys(s, cohort):
        raise RosterError(f"{values['full_name']} figure déjà dans ce groupe.")
    p = Participant(cohort_id=cohort.id, **values)
    s.add(p)
    s.flush()
    return p


@dataclass
class ImportPreview:
    rows: list[dict[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # « Ligne 4 : … »
    encoding: str = ""
    delimiter: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors


def _decode(raw: bytes) -> tuple[str, str]:
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="strict"), "Windows-1252"


def _header_map(header: list[str]) -> dict[str, int] | None:
    found = {}
    for i, cell in enumerate(header):
        cell = cell.strip().strip("\ufeff").casefold()
        for key, names in HEADERS.items():
            if cell in names and key not in found:
                found[key] = i
    return found if "full_name" in found else None


def parse_roster(s: Session, cohort: Cohort, raw: bytes) -> ImportPreview:
    """Parse a CSV roster (UTF-8 or Windows-1252, `;` or `,`) and check every line; writes nothing."""
    preview = ImportPreview()
    if len(raw) > MAX_IMPORT_BYTES:
        preview.errors.append(f"Le fichier dépasse {MAX_IMPORT_BYTES // 1000} ko.")
        return preview
    try:
        text, preview.encoding = _decode(raw)
    except UnicodeDecodeError:
        preview.errors.append("Le fichier n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le en CSV UTF-8.")
        return preview
    first = text.splitlines()[0] if text.strip() else ""
    preview.delimiter = ";" if first.count(";") >= first.count(",") else ","
    lines = list(csv.reader(io.StringIO(text), delimiter=preview.delimiter))
    lines = [ln for ln in lines if any(c.strip() for c in ln)]
    if not lines:
        preview.errors.append("Le fichier est vide.")
        return preview
    columns = _header_map(lines[0])
    if columns is None:
        preview.errors.append("Ligne 1 : en-tête attendu avec au moins une colonne « Nom » "
                              "(et, si besoin, « Structure » et « Fonction »).")
        return preview
    if len(lines) - 1 > MAX_IMPORT_ROWS:
        preview.errors.append(f"{MAX_IMPORT_ROWS} personnes au plus par import.")
        return preview
    seen = _existing_keys(s, cohort)
    for number, line in enumerate(lines[1:], start=2):
        values = {k: (line[i] if i < len(line) else "") for k, i in columns.items()}
        try:
            row = _clean(values)
        except RosterError as exc:
            preview.errors.append(f"Ligne {number} : {exc}.")
            continue
        key = name_key(row["full_name"])
        if key in seen:
            preview.errors.append(f"Ligne {number} : {row['full_name']} figure déjà dans le groupe ou plus haut dans le fichier.")
            continue
        seen.add(key)
        preview.rows.append(row)
    if not preview.rows and not preview.errors:
        preview.errors.append("Aucune personne à importer.")
    return preview


def import_roster(s: Session, cohort: Cohort, raw: bytes) -> int:
    """Import all lines or none; raise RosterError listing the problems."""
    preview = parse_roster(s, cohort, raw)
    if not preview.ok:
        raise RosterError(" ".join(preview.errors))
    s.add_all(Participant(cohort_id=cohort.id, **row) for row in preview.rows)
    s.flush()
    return len(preview.rows)


def give_account(s: Session, participant: Participant, email: str, actor, hours: int) -> tuple[User, str]:
    """Create a trainee account for a participant, keeping their attendance; return a reset token to hand over."""
    if participant.user_id is not None:
        raise RosterError("Cette personne a déjà un compte.")
    try:
        user = create_user(s, email, participant.full_name, "trainee", secrets.token_urlsafe(24),
                           participant.organisation)
    except AccountError as exc:
        raise RosterError(str(exc)) from None
    participant.user_id = user.id
    return user, issue_reset_token(s, user, actor, hours)


def remove_participant(s: Session, participant: Participant) -> None:
    from ..attendance.models import AttendanceMark

    if s.scalar(select(AttendanceMark.id).where(AttendanceMark.participant_id == participant.id).limit(1)):
        raise RosterError("Cette personne a déjà des présences enregistrées : elle ne peut plus être retirée "
                          "(les feuilles d'émargement doivent rester complètes).")
    s.delete(participant)

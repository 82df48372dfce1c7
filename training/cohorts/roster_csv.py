"""Reading a roster CSV: one person per physical line, every problem reported with its line number.

A line is parsed on its own (strict quoting), so an unbalanced quote is a bad line and never
swallows the lines after it into a name; lines and fields have a size limit checked before the
csv module sees them (its own 131,072-character limit raises); control characters are refused.
Columns the app does not know are listed as ignored; an e-mail column invites people to an account.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..accounts.services import normalise_email
from ..inputs import has_forbidden
from .models import Cohort, Participant

MAX_IMPORT_BYTES = 200_000
MAX_IMPORT_ROWS = 500
MAX_LINE_CHARS = 2_000
HEADERS = {
    "full_name": ("nom", "nom et prénom", "nom prénom", "prénom nom", "participant", "stagiaire", "name"),
    "organisation": ("structure", "organisation", "organisme", "employeur", "bailleur", "société"),
    "job": ("fonction", "métier", "poste", "job", "emploi"),
    "email": ("adresse électronique", "adresse e-mail", "adresse mail", "e-mail", "email", "courriel", "mail",
              "mél"),
}
LIMITS = {"full_name": 160, "organisation": 160, "job": 120, "email": 254}
LABELS = {"full_name": "nom", "organisation": "structure", "job": "fonction", "email": "adresse électronique"}
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_LINES = re.compile(r"\r\n|\r|\n")


class RosterError(ValueError):
    """A refused roster operation, with a French message."""


def name_key(name: str) -> str:
    """Compare names without case, accents or extra spaces (« Léa  MARTIN » == « lea martin »)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return " ".join(plain.casefold().split())


def clean_values(values: dict[str, str]) -> dict[str, str]:
    out = {k: " ".join((values.get(k) or "").split()) for k in LIMITS}
    if not out["full_name"]:
        raise RosterError("le nom est obligatoire")
    for k, limit in LIMITS.items():
        if len(out[k]) > limit:
            raise RosterError(f"« {LABELS[k]} » dépasse {limit} caractères")
    if out["email"]:
        out["email"] = normalise_email(out["email"])
        if not EMAIL.match(out["email"]):
            raise RosterError(f"adresse électronique invalide : « {out['email']} »")
    return out


@dataclass
class ImportPreview:
    rows: list[dict[str, str]] = field(default_factory=list)  # with "account": "", "nouveau" or "existant"
    errors: list[str] = field(default_factory=list)  # « Ligne 4 : … »
    ignored: list[str] = field(default_factory=list)  # header names of columns not read
    encoding: str = ""
    delimiter: str = ""

    @property
    def ok(self) -> bool:
        return bool(self.rows) and not self.errors

    @property
    def invitations(self) -> int:
        return sum(1 for r in self.rows if r["account"] == "nouveau")


def _decode(raw: bytes) -> tuple[str, str]:
    try:
        return raw.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="strict"), "Windows-1252"


def _header_map(header: list[str]) -> tuple[dict[str, int], list[str]]:
    found: dict[str, int] = {}
    ignored = []
    for i, cell in enumerate(header):
        name = " ".join(cell.strip().strip("\ufeff").split())
        key = next((k for k, names in HEADERS.items() if name.casefold() in names and k not in found), None)
        if key:
            found[key] = i
        elif name:
            ignored.append(name)
    return found, ignored


def _split(line: str, delimiter: str) -> list[str]:
    """One physical line as cells; csv.Error on a quote left open or misplaced."""
    return next(csv.reader([line], delimiter=delimiter, strict=True), [])


def _numbered_lines(text: str, preview: ImportPreview):
    """(number, cells) for each non-empty line; cells is None for a line refused (its error recorded)."""
    for number, line in enumerate(_LINES.split(text), start=1):
        if not line.strip(" \t;,"):
            continue
        if len(line) > MAX_LINE_CHARS:
            limit = f"{MAX_LINE_CHARS:,}".replace(",", "\u202f")
            preview.errors.append(f"Ligne {number} : ligne trop longue (plus de {limit} caractères).")
            yield number, None
            continue
        if has_forbidden(line):
            preview.errors.append(f"Ligne {number} : caractère de contrôle non permis (par exemple un octet nul).")
            yield number, None
            continue
        try:
            yield number, _split(line, preview.delimiter)
        except csv.Error:
            preview.errors.append(f"Ligne {number} : guillemets mal fermés. Un champ ouvert par un guillemet "
                                  "doit être refermé sur la même ligne ; corrigez ou retirez le guillemet.")
            yield number, None


def _read(raw: bytes, preview: ImportPreview) -> list[tuple[int, list[str] | None]] | None:
    if len(raw) > MAX_IMPORT_BYTES:
        preview.errors.append(f"Le fichier dépasse {MAX_IMPORT_BYTES // 1000} ko.")
        return None
    try:
        text, preview.encoding = _decode(raw)
    except UnicodeDecodeError:
        preview.errors.append("Le fichier n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le en CSV UTF-8.")
        return None
    first = next((ln for ln in _LINES.split(text) if ln.strip()), "")
    preview.delimiter = ";" if first.count(";") >= first.count(",") else ","
    lines = list(_numbered_lines(text, preview))
    if not lines and not preview.errors:
        preview.errors.append("Le fichier est vide.")
    return lines


def _accounts(s: Session, cohort: Cohort, emails: set[str]) -> tuple[dict[str, User], set[int]]:
    users = {u.email: u for u in s.scalars(select(User).where(User.email.in_(emails)))} if emails else {}
    enrolled = set(s.scalars(select(Participant.user_id).where(Participant.cohort_id == cohort.id,
                                                               Participant.user_id.is_not(None))))
    return users, enrolled


def _check_account(row: dict, users: dict[str, User], enrolled: set[int]) -> None:
    user = users.get(row["email"])
    row["account"] = "" if not row["email"] else "nouveau" if user is None else "existant"
    if user is None:
        return
    if user.role != "trainee" or not user.active:
        raise RosterError(f"{row['email']} est l'adresse d'un compte de formateur, d'administrateur ou désactivé : "
                          "il ne peut pas être inscrit comme participant")
    if user.id in enrolled:
        raise RosterError(f"le compte {row['email']} fait déjà partie du groupe")


def _check_rows(s: Session, cohort: Cohort, lines, columns: dict[str, int], preview: ImportPreview) -> None:
    seen = {name_key(n) for n in s.scalars(select(Participant.full_name).where(Participant.cohort_id == cohort.id))}
    cleaned = []
    for number, line in lines:
        if line is None:
            continue
        try:
            cleaned.append((number, clean_values({k: (line[i] if i < len(line) else "") for k, i in columns.items()})))
        except RosterError as exc:
            preview.errors.append(f"Ligne {number} : {exc}.")
    users, enrolled = _accounts(s, cohort, {row["email"] for _, row in cleaned if row["email"]})
    emails: set[str] = set()
    for number, row in cleaned:
        key = name_key(row["full_name"])
        try:
            if key in seen:
                raise RosterError(f"{row['full_name']} figure déjà dans le groupe ou plus haut dans le fichier")
            if row["email"] and row["email"] in emails:
                raise RosterError(f"l'adresse {row['email']} figure déjà plus haut dans le fichier")
            _check_account(row, users, enrolled)
        except RosterError as exc:
            preview.errors.append(f"Ligne {number} : {exc}.")
            continue
        seen.add(key)
        emails.add(row["email"])
        preview.rows.append(row)


def parse_roster(s: Session, cohort: Cohort, raw: bytes) -> ImportPreview:
    """Parse a CSV roster (UTF-8 or Windows-1252, `;` or `,`) and check every line; writes nothing."""
    preview = ImportPreview()
    lines = _read(raw, preview)
    if not lines:
        return preview
    (header_number, header), body = lines[0], lines[1:]
    columns, preview.ignored = _header_map(header or [])
    if "full_name" not in columns:
        preview.errors.insert(0, f"Ligne {header_number} : en-tête attendu avec au moins une colonne « Nom » "
                                 "(et, si besoin, « Structure », « Fonction » et « Adresse électronique »).")
        return preview
    if len(body) > MAX_IMPORT_ROWS:
        preview.errors.append(f"{MAX_IMPORT_ROWS} personnes au plus par import.")
        return preview
    _check_rows(s, cohort, body, columns, preview)
    if not preview.rows and not preview.errors:
        preview.errors.append("Aucune personne à importer.")
    return preview

"""The training body's details: checked identifiers and images; each save is a new dated version."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import utcnow
from .models import TrainingBody

DEFAULT_NAME = "Formation Intervention sociale à l'épreuve des trafics"
MAX_IMAGE = 300 * 1024
IMAGE_TYPES = {b"\x89PNG\r\n\x1a\n": "image/png", b"\xff\xd8\xff": "image/jpeg"}


class OrganisationError(ValueError):
    """Refused details; the message is French."""


@dataclass(frozen=True)
class BodyInput:
    name: str
    address: str
    city: str
    siret: str
    nda: str
    signatory_name: str
    signatory_title: str
    logo: bytes | None = None  # None: keep the current image
    stamp: bytes | None = None
    remove_logo: bool = False
    remove_stamp: bool = False


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def check_siret(value: str) -> str:
    digits = "".join(value.split())
    if not digits:
        return ""
    if len(digits) != 14 or not (digits.isascii() and digits.isdigit()):
        raise OrganisationError("Le SIRET compte 14 chiffres.")
    if not luhn_ok(digits) and not digits.startswith("356000000"):  # La Poste's establishments
        raise OrganisationError("Ce SIRET n'est pas valide : vérifiez les chiffres (clé de contrôle).")
    return digits


def check_nda(value: str) -> str:
    digits = "".join(value.split())
    if digits and (len(digits) != 11 or not (digits.isascii() and digits.isdigit())):
        raise OrganisationError("Le numéro de déclaration d'activité compte 11 chiffres.")
    return digits


def check_image(data: bytes | None, label: str) -> tuple[bytes, str] | None:
    if not data:
        return None
    if len(data) > MAX_IMAGE:
        raise OrganisationError(f"{label} : l'image dépasse {MAX_IMAGE // 1024} Ko.")
    mime = next((m for magic, m in IMAGE_TYPES.items() if data.startswith(magic)), None)
    if mime is None:
        raise OrganisationError(f"{label} : choisissez une image PNG ou JPEG.")
    return data, mime


def current_body(s: Session, with_images: bool = False) -> TrainingBody | None:
    from sqlalchemy.orm import undefer

    q = select(TrainingBody).order_by(TrainingBody.id.desc()).limit(1)
    if with_images:
        q = q.options(undefer(TrainingBody.logo), undefer(TrainingBody.stamp))
    return s.scalar(q)


def _text(value: str, label: str, limit: int, required: bool = False) -> str:
    value = " ".join((value or "").split()) if limit < 400 else (value or "").strip()
    if required and not value:
        raise OrganisationError(f"{label} : ce champ est obligatoire.")
    if len(value) > limit:
        raise OrganisationError(f"{label} : {limit} caractères au plus.")
    return value


def save_body(s: Session, actor, data: BodyInput) -> TrainingBody:
    """A new version of the details; images not sent again are carried over."""
    previous = current_body(s, with_images=True)
    logo = check_image(data.logo, "Logo")
    stamp = check_image(data.stamp, "Tampon")
    keep_logo = (previous.logo, previous.logo_mime) if previous and previous.logo and not data.remove_logo else (None, "")
    keep_stamp = (previous.stamp, previous.stamp_mime) if previous and previous.stamp and not data.remove_stamp else (None, "")
    row = TrainingBody(
        name=_text(data.name, "Nom de l'organisme", 200, required=True), address=_text(data.address, "Adresse", 400),
        city=_text(data.city, "Ville", 120), siret=check_siret(data.siret), nda=check_nda(data.nda),
        signatory_name=_text(data.signatory_name, "Signataire", 160),
        signatory_title=_text(data.signatory_title, "Fonction du signataire", 160),
        logo=(logo or keep_logo)[0], logo_mime=(logo or keep_logo)[1],
        stamp=(stamp or keep_stamp)[0], stamp_mime=(stamp or keep_stamp)[1],
        changed_by_id=getattr(actor, "id", None), changed_at=utcnow())
    s.add(row)
    s.flush()
    return row


def history(s: Session) -> list[TrainingBody]:
    return list(s.scalars(select(TrainingBody).order_by(TrainingBody.id.desc()).limit(50)))

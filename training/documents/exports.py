"""Spreadsheet exports (attendance, positioning) and the zipped evidence bundle for a quality audit."""
from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..attendance.models import HALVES, STATUSES, VIA
from ..attendance.queries import CohortAttendance, attended_minutes
from ..cohorts.models import Cohort
from ..dates import PARIS
from ..content.model import Registry
from ..learning.models import PositioningAnswer
from .readme import readme_text
from .sheets import SheetData, sessions_sheets_pdf, trainer_names

ATTENDANCE_COLUMNS = ("Participant", "Structure", "Date", "Demi-journée", "Début", "Fin", "Durée", "Lieu",
                      "Formateurs", "Statut", "Arrivée", "Minutes de présence", "Signature", "Séance")
POSITIONING_COLUMNS = ("Énoncé", "Dimension", "Texte de l'énoncé", "Réponses en début de formation",
                       "Moyenne en début (1 à 4)", "Réponses en fin de formation", "Moyenne en fin (1 à 4)")
PHASES = ("debut", "fin")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Text typed by people, made inert for spreadsheets (no formula injection)."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def _csv(rows: list[tuple]) -> str:
    """UTF-8 text with a BOM and « ; » separators: what French Excel opens without an import wizard."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerows(rows)
    return "\ufeff" + out.getvalue()


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60}:{minutes % 60:02d}"


def signed_how(mark) -> str:
    """« tablette, téléphone, papier, rectification, non signé »."""
    if mark is None or not (mark.has_signature or mark.signed_via):
        return "non signé"
    return VIA.get(mark.signed_via or "", "non signé")


def _concerns(sess, participant, table: CohortAttendance) -> bool:
    """Held sessions since the participant joined, and cancelled ones (kept, shown « annulée »)."""
    joined = participant.joined_at.astimezone(PARIS).date()
    return sess.day >= joined and (table.is_held(sess) or sess.cancelled_at is not None)


def attendance_csv(table: CohortAttendance) -> str:
    """One row per participant and session held (or cancelled) that concerns them; future ones are left out."""
    trainers = _cell(trainer_names(table.cohort))
    rows: list[tuple] = [ATTENDANCE_COLUMNS]
    for p in table.participants:
        for sess in table.sessions:
            if not _concerns(sess, p, table):
                continue
            mark = table.mark(sess, p)
            state = f"annulée : {sess.cancel_reason}" if sess.cancelled_at is not None else "tenue"
            rows.append((
                _cell(p.full_name), _cell(p.organisation), f"{sess.day:%d/%m/%Y}", HALVES[sess.half],
                f"{sess.starts_at:%H:%M}", f"{sess.ends_at:%H:%M}", _hhmm(sess.minutes),
                _cell(sess.place or table.cohort.place), trainers,
                STATUSES[mark.status] if mark is not None else "À renseigner",
                f"{mark.arrival:%H:%M}" if mark is not None and mark.arrival is not None else "",
                attended_minutes(sess, mark), signed_how(mark), _cell(state.rstrip(" :")),
            ))
    return _csv(rows)


def _mean(values: list[int]) -> str:
    return f"{sum(values) / len(values):.2f}".replace(".", ",") if values else ""


def positioning_csv(s: Session, cohort: Cohort, reg: Registry, table: CohortAttendance) -> str:
    """Per statement: how many answered and the mean score, at the start and at the end. No names."""
    path = reg.paths.get(cohort.path_slug)
    questionnaire = reg.positionings.get(path.positioning_slug) if path and path.positioning_slug else None
    rows: list[tuple] = [POSITIONING_COLUMNS]
    user_ids = [p.user_id for p in table.participants if p.user_id is not None]
    if questionnaire is None:
        return _csv(rows)
    scores: dict[tuple[str, str], list[int]] = {}
    if user_ids:
        answers = s.scalars(select(PositioningAnswer).where(
            PositioningAnswer.questionnaire_slug == questionnaire.slug, PositioningAnswer.user_id.in_(user_ids)))
        for answer in answers:
            for slug, value in (answer.answers or {}).items():
                if isinstance(value, int) and 1 <= value <= 4:
                    scores.setdefault((answer.phase, slug), []).append(value)
    for st in questionnaire.statements:
        start, end = scores.get(("debut", st.slug), []), scores.get(("fin", st.slug), [])
        rows.append((st.slug, st.dimension, st.text, len(start), _mean(start), len(end), _mean(end)))
    return _csv(rows)


def satisfaction_csv(s: Session, cohort: Cohort) -> str:
    # Imported here: the surveys feature is built alongside this one and must not be needed to load it.
    from ..surveys.queries import survey_summary_csv

    text = survey_summary_csv(s, cohort)
    return text if text.startswith("\ufeff") else "\ufeff" + text  # the BOM French Excel needs


def ascii_name(text: str, fallback: str) -> str:
    """« Zoé Müller-Œil » -> « zoe-muller-oeil »: safe in any zip tool and file system."""
    text = text.replace("œ", "oe").replace("Œ", "Oe").replace("æ", "ae").replace("Æ", "Ae")
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")[:60].strip("-")
    return slug or fallback


def evidence_bundle(s: Session, sheets: SheetData, reg: Registry, issued_on: date, verify_url: str) -> bytes:
    """The zip for a quality audit: sheets, attestations, certificates, attendance, positioning, satisfaction."""
    from .services import attestation_items, certificate_items, sheet_item
    from .issue import issue_batch

    table, cohort = sheets.table, sheets.cohort
    names, used = [], set()
    for p in table.participants:
        name = ascii_name(p.full_name, f"participant-{p.id}")
        name = f"{name}-{p.id}" if name in used else name
        used.add(name)
        names.append(name)
    items = [sheet_item(sheets, sheets.documented_sessions, issued_on)]
    items += attestation_items(sheets, reg, issued_on) + certificate_items(sheets, reg, issued_on)
    pdfs = issue_batch(s, items, sheets.body, verify_url)
    n = len(table.participants)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        bundle.writestr("LISEZMOI.txt", readme_text(cohort, sheets.title, reg, issued_on, sheets.body))
        bundle.writestr("emargement.pdf", pdfs[0])
        for i, name in enumerate(names):
            bundle.writestr(f"attestations/{name}.pdf", pdfs[1 + i])
            bundle.writestr(f"certificats/{name}.pdf", pdfs[1 + n + i])
        bundle.writestr("presences.csv", attendance_csv(table))
        bundle.writestr("positionnement.csv", positioning_csv(s, cohort, reg, table))
        bundle.writestr("satisfaction.csv", satisfaction_csv(s, cohort))
    return buffer.getvalue()

"""Attendance services: sessions and schedules, marks, signatures, self-signing, locking with history.

Services take the session and the acting user; they raise AttendanceError with a French
message and write nothing when they refuse.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..cohorts.models import Cohort, Participant
from ..db import utcnow
from .models import HALVES, STATUSES, AttendanceChange, AttendanceMark, CourseSession

DEFAULT_TIMES = {"matin": (time(9, 0), time(12, 30)), "apres-midi": (time(13, 30), time(17, 0))}
SELF_SIGN_MINUTES = 10
MAX_STROKES, MAX_POINTS = 200, 5000


class AttendanceError(ValueError):
    """A refused attendance operation; the message is French, for the trainer or participant."""


@dataclass(frozen=True)
class SessionSpec:
    day: date
    half: str
    starts_at: time
    ends_at: time
    place: str = ""
    module_slugs: tuple[str, ...] = ()


def _overlaps(a_start: time, a_end: time, b_start: time, b_end: time) -> bool:
    return a_start < b_end and b_start < a_end


def _check_spec(s: Session, cohort: Cohort, spec: SessionSpec, today: date, allow_past: bool,
                ignore_id: int | None = None, pending: list[SessionSpec] = ()) -> None:
    if spec.half not in HALVES:
        raise AttendanceError("Demi-journée inconnue : choisissez matin ou après-midi.")
    if spec.ends_at <= spec.starts_at:
        raise AttendanceError(f"Le {spec.day:%d/%m/%Y} : l'heure de fin doit suivre l'heure de début.")
    if spec.day < today and not allow_past:
        raise AttendanceError(f"Le {spec.day:%d/%m/%Y} est passé. Pour saisir une séance déjà tenue, "
                              "cochez « séance déjà tenue ».")
    others = s.scalars(select(CourseSession).where(CourseSession.cohort_id == cohort.id, CourseSession.day == spec.day,
                                                  CourseSession.cancelled_at.is_(None))).all()
    for o in others:
        if o.id != ignore_id and _overlaps(spec.starts_at, spec.ends_at, o.starts_at, o.ends_at):
            raise AttendanceError(f"Le {spec.day:%d/%m/%Y}, cette séance chevauche celle de "
                                  f"{o.starts_at:%H:%M} à {o.ends_at:%H:%M}.")
    for o in pending:
        if o.day == spec.day and _overlaps(spec.starts_at, spec.ends_at, o.starts_at, o.ends_at):
            raise AttendanceError(f"Le {spec.day:%d/%m/%Y}, deux séances du programme se chevauchent.")


def add_sessions(s: Session, cohort: Cohort, specs: list[SessionSpec], today: date,
                 allow_past: bool = False) -> list[CourseSession]:
    """Create several sessions at once, all or none."""
    if not specs:
        raise AttendanceError("Aucune séance à créer.")
    if len(specs) > 60:
        raise AttendanceError("60 demi-journées au plus à la fois.")
    checked: list[SessionSpec] = []
    for spec in specs:
        _check_spec(s, cohort, spec, today, allow_past, pending=checked)
        checked.append(spec)
    created = [CourseSession(cohort_id=cohort.id, day=sp.day, half=sp.half, starts_at=sp.starts_at,
                             ends_at=sp.ends_at, place=sp.place or cohort.place, module_slugs=list(sp.module_slugs))
               for sp in specs]
    s.add_all(created)
    s.flush()
    return created


def schedule_specs(first_day: date, days: int, place: str, skip_weekends: bool = True) -> list[SessionSpec]:
    """A whole schedule: `days` training days from `first_day`, two half-days each."""
    if not 1 <= days <= 30:
        raise AttendanceError("Entre 1 et 30 jours de formation.")
    specs, day = [], first_day
    while len(specs) < days * 2:
        if not (skip_weekends and day.weekday() >= 5):
            for half, (start, end) in DEFAULT_TIMES.items():
                specs.append(SessionSpec(day, half, start, end, place))
        day += timedelta(days=1)
    return specs


def reschedule(s: Session, session: CourseSession, spec: SessionSpec, today: date, allow_past: bool = False) -> None:
    """Move a session; its marks stay attached to it."""
    cohort = s.get(Cohort, session.cohort_id)
    _check_spec(s, cohort, spec, today, allow_past, ignore_id=session.id)
    session.day, session.half, session.starts_at, session.ends_at = spec.day, spec.half, spec.starts_at, spec.ends_at
    session.place = spec.place or session.place
    session.module_slugs = list(spec.module_slugs)


def cancel(session: CourseSession, restore: bool = False) -> None:
    """Cancel (or restore) a session; marks are kept either way."""
    session.cancelled_at = None if restore else utcnow()


# -- marks -------------------------------------------------------------------------------

def clean_signature(strokes) -> list | None:
    """Validate drawn strokes ([[[x, y], …], …] with 0 <= x, y <= 1); None if nothing was drawn."""
    if strokes in (None, "", []):
        return None
    if not isinstance(strokes, list) or len(strokes) > MAX_STROKES:
        raise AttendanceError("Signature illisible : recommencez.")
    out, total = [], 0
    for stroke in strokes:
        if not isinstance(stroke, list):
            raise AttendanceError("Signature illisible : recommencez.")
        pts = []
        for pt in stroke:
            if (not isinstance(pt, list) or len(pt) != 2 or not all(isinstance(v, (int, float)) for v in pt)
                    or not all(0 <= v <= 1 for v in pt)):
                raise AttendanceError("Signature illisible : recommencez.")
            pts.append([round(float(pt[0]), 4), round(float(pt[1]), 4)])
        total += len(pts)
        if pts:
            out.append(pts)
    if total > MAX_POINTS:
        raise AttendanceError("Signature trop complexe : recommencez plus simplement.")
    if total < 3:
        return None
    return out


def _snapshot(mark: AttendanceMark | None) -> dict:
    if mark is None:
        return {"status": None}
    return {"status": mark.status, "arrival": mark.arrival.strftime("%H:%M") if mark.arrival else None,
            "signed": mark.signature is not None}


def set_mark(s: Session, session: CourseSession, participant: Participant, status: str, arrival: time | None,
             actor, signature=None, via: str = "tablet", reason: str = "") -> AttendanceMark:
    """Record one participant's mark. A locked session needs a reason, kept in the history."""
    if participant.cohort_id != session.cohort_id:
        raise AttendanceError("Cette personne ne fait pas partie de ce groupe.")
    if session.cancelled_at is not None:
        raise AttendanceError("Cette séance est annulée : rétablissez-la avant d'émarger.")
    if status not in STATUSES:
        raise AttendanceError("Statut de présence inconnu.")
    if status == "late":
        if arrival is None:
            raise AttendanceError(f"{participant.full_name} : indiquez l'heure d'arrivée du retard.")
        if not session.starts_at < arrival < session.ends_at:
            raise AttendanceError(f"{participant.full_name} : l'heure d'arrivée doit se situer pendant la séance.")
    else:
        arrival = None
    strokes = clean_signature(signature)
    mark = s.scalar(select(AttendanceMark).where(AttendanceMark.session_id == session.id,
                                                 AttendanceMark.participant_id == participant.id))
    before = _snapshot(mark)
    if session.locked:
        reason = (reason or "").strip()
        if not reason:
            raise AttendanceError("La feuille est signée : indiquez le motif de la modification.")
        if len(reason) > 500:
            raise AttendanceError("Le motif ne doit pas dépasser 500 caractères.")
    if mark is None:
        mark = AttendanceMark(session_id=session.id, participant_id=participant.id, status=status)
        s.add(mark)
    mark.status, mark.arrival = status, arrival
    if status in ("present", "late") and strokes is not None:
        mark.signature, mark.signed_at, mark.signed_via = strokes, utcnow(), via
    elif status in ("present", "late") and via == "paper":
        # entered afterwards from the signed paper sheet, which the trainer keeps
        mark.signature, mark.signed_at, mark.signed_via = None, utcnow(), "paper"
    elif status not in ("present", "late"):
        mark.signature, mark.signed_at, mark.signed_via = None, None, None
    mark.updated_at, mark.updated_by_id = utcnow(), getattr(actor, "id", None)
    after = _snapshot(mark)
    if session.locked and after != before:
        s.add(AttendanceChange(session_id=session.id, participant_id=participant.id,
                               changed_by_id=getattr(actor, "id", None), reason=reason, before=before, after=after))
    s.flush()
    return mark


def sign_session(s: Session, session: CourseSession, actor, signature) -> None:
    """The trainer signs the sheet, which locks it."""
    strokes = clean_signature(signature)
    if strokes is None:
        raise AttendanceError("La signature est vide : signez dans le cadre avant de valider.")
    if session.locked:
        raise AttendanceError("Cette feuille est déjà signée.")
    if session.cancelled_at is not None:
        raise AttendanceError("Une séance annulée ne se signe pas.")
    session.trainer_signature, session.signed_by_id, session.signed_at = strokes, actor.id, utcnow()
    session.self_sign_code_hash, session.self_sign_expires_at = None, None


# -- self-signing ------------------------------------------------------------------------

def _code_hash(session_id: int, code: str) -> str:
    return hashlib.sha256(f"{session_id}:{code.strip().upper()}".encode()).hexdigest()


def open_self_sign(session: CourseSession, minutes: int = SELF_SIGN_MINUTES) -> str:
    """A new short-lived code for this session only (the previous one stops working)."""
    if session.locked or session.cancelled_at is not None:
        raise AttendanceError("L'émargement n'est plus ouvert pour cette séance.")
    code = "".join(secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(6))
    session.self_sign_code_hash = _code_hash(session.id, code)
    session.self_sign_expires_at = utcnow() + timedelta(minutes=minutes)
    return code


def check_self_sign_code(session: CourseSession, code: str) -> None:
    if not code or len(code) > 12 or session.self_sign_code_hash is None:
        raise AttendanceError("Code d'émargement invalide. Demandez le code affiché par le formateur.")
    if not hmac.compare_digest(session.self_sign_code_hash, _code_hash(session.id, code)):
        raise AttendanceError("Code d'émargement invalide. Demandez le code affiché par le formateur.")
    if session.self_sign_expires_at is None or session.self_sign_expires_at <= utcnow():
        raise AttendanceError("Ce code a expiré. Demandez au formateur d'en afficher un nouveau.")
    if session.locked:
        raise AttendanceError("La feuille est déjà signée par le formateur : adressez-vous à lui.")


def self_sign(s: Session, session: CourseSession, participant: Participant, code: str, signature,
              now: datetime | None = None) -> AttendanceMark:
    """A participant signs on their own phone with the session's code; once only."""
    check_self_sign_code(session, code)
    if participant.cohort_id != session.cohort_id:
        raise AttendanceError("Vous ne figurez pas sur la liste de ce groupe.")
    existing = s.scalar(select(AttendanceMark).where(AttendanceMark.session_id == session.id,
                                                     AttendanceMark.participant_id == participant.id))
    if existing is not None and existing.signature is not None:
        raise AttendanceError("Vous avez déjà signé pour cette séance.")
    if clean_signature(signature) is None:
        raise AttendanceError("La signature est vide : signez dans le cadre avant de valider.")
    from ..dates import PARIS

    local = (now or datetime.now(PARIS)).astimezone(PARIS).time().replace(second=0, microsecond=0)
    late = local > (datetime.combine(session.day, session.starts_at) + timedelta(minutes=10)).time() \
        and local < session.ends_at
    return set_mark(s, session, participant, "late" if late else "present", local if late else None,
                    None, signature, via="self")

"""The single door of attendance: the only code that changes a CourseSession or an AttendanceMark,
and the only writer of their hash-chained history (a test fails if any other module assigns them).

Every function takes the database session `s` and the acting user `actor` (a User, or None for a
participant without an account signing on their phone); it never reads the request, flushes but
never commits, and raises AttendanceError (French message) having written nothing.

State of a sheet (CourseSession.state), a small state machine::

    open ──sign──▶ signed ──correct──▶ corrected ──correct──▶ corrected

A cancelled session (cancelled_at set, with its reason) keeps its state and its marks.

Public API
----------
Marks, one change to one row per call (the sheet, the CLI, imports and the offline sync use it):

    apply_mark(s, actor, session, participant, change: MarkInput, *, reason="", device_at=None,
               expected_version=None, now=None) -> AttendanceMark

    `change.strokes` None means « no signature in this change »; an empty list or "" is an empty pad
    (refused). `expected_version` is the mark's version the client saw (0: no mark yet); if the row
    changed since, StaleRow is raised with `.mark` (the change that won). `device_at` (aware) is when
    the mark was made on the device; it is stored beside the server time, the window is judged at it
    and a signature in the change is dated by it (the server's receipt time is the sync's). `reason` is required on a
    signed sheet and for a signature outside the signing window (a « régularisation »).

    apply_sheet(s, actor, session, rows: list[RowInput], *, reason="", now=None) -> SheetResult
    void_signature(s, actor, session, participant, reason, *, now=None) -> None

Sessions: add_sessions, move_session, cancel_session, restore_session.
Trainer signature: sign_session(s, actor, session, signature_input, *, gaps=None, reason="", now=None,
device_at=None).
Self-signing: open_self_sign, current_code, check_code, self_sign.
Offline sync and imports: record_kept (a change kept in the history but not applied, e.g. the
co-trainer merge rule), import_mark, import_signature, import_change (an export of another
instance: values, dates and history rows as they were there; see transfer.py).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from ..cohorts.models import Cohort, Participant
from ..db import utcnow
from . import history, signatures, timing
from .models import ATTENDED, STATUSES, AttendanceChange, AttendanceMark, CourseSession
from .queries import counts_for
from .changes import (GapsError, MarkInput, RowInput, SheetResult, SignatureInput, StaleRow,  # noqa: F401
                      check_code, current_code, session_snapshot, snapshot)
from .schedule import AttendanceError, NeedsConfirmation, SessionSpec, check_specs, schedule_specs  # noqa: F401
from ..wording import pluralise

MAX_REASON = 500
PARTICIPANT_LABEL = "Signature du participant"  # stored pictures carry no name (renames, erasure)
TRAINER_LABEL = "Signature du formateur"
LATE_AFTER = timedelta(minutes=10)  # a self-signature later than this is « en retard »
TRANSITIONS = {("open", "sign"): "signed", ("signed", "correct"): "corrected", ("corrected", "correct"): "corrected",
               ("open", "edit"): "open"}


def transition(session: CourseSession, event: str) -> str:
    """The sheet's next state; refuses what the machine does not allow."""
    nxt = TRANSITIONS.get((session.state, event))
    if nxt is None:
        raise AttendanceError("Cette feuille est déjà signée." if event == "sign" else "Opération impossible sur cette feuille.")
    return nxt


def _reason(reason: str, needed: bool, message: str) -> str:
    reason = " ".join((reason or "").split())
    if needed and not reason:
        raise AttendanceError(message)
    if len(reason) > MAX_REASON:
        raise AttendanceError(f"Le motif ne doit pas dépasser {MAX_REASON} caractères.")
    return reason


def _record(s: Session, session: CourseSession, actor, kind: str, reason: str, before: dict, after: dict,
            participant_id: int | None = None) -> None:
    _append(s, session, participant_id, getattr(actor, "id", None), utcnow(), kind, reason, before, after)


def _append(s: Session, session: CourseSession, participant_id: int | None, by_id: int | None, at: datetime,
            kind: str, reason: str, before: dict, after: dict) -> None:
    s.flush()  # holds the write lock on SQLite before the chain is read
    change = AttendanceChange(session_id=session.id, participant_id=participant_id, kind=kind, reason=reason,
                              changed_by_id=by_id, changed_at=at, before=before, after=after,
                              prev_hash=history.last_hash(s))
    change.row_hash = history.compute_hash(change)
    s.add(change)
    s.flush()


def anonymise_signatures(s: Session, actor, participant_ids: list[int], label: str) -> int:
    """Take the person's name out of their signatures (GDPR erasure): a typed-name signature becomes
    the anonymised label, and every stored picture of a signature is drawn again without a name.

    The fingerprint of what was signed stays, so the record still shows a signature was given;
    each typed signature rewritten leaves a trace in the history. Returns the number of marks changed.
    """
    rows = s.execute(select(AttendanceMark, CourseSession)
                     .join(CourseSession, CourseSession.id == AttendanceMark.session_id)
                     .where(AttendanceMark.participant_id.in_(participant_ids),
                            AttendanceMark.has_signature.is_(True))).all() if participant_ids else []
    for mark, session in rows:
        before = snapshot(mark)
        if mark.signature_kind == "typed":
            mark.signature_typed = label
            mark.signature_svg = signatures.typed_svg(label, PARTICIPANT_LABEL)
            _record(s, session, actor, "anonymise", "Anonymisation de la personne (droit à l'effacement)",
                    before, snapshot(mark), mark.participant_id)
        else:
            mark.signature_svg = signatures.strokes_svg(mark.signature or [], PARTICIPANT_LABEL)
    return len(rows)


def anonymise_trainer_signatures(s: Session, user_id: int, label: str) -> int:
    """The same for the sheets a trainer signed: their name leaves the stored pictures."""
    sessions = s.scalars(select(CourseSession).where(CourseSession.signed_by_id == user_id,
                                                     CourseSession.trainer_signature_svg != "")).all()
    for session in sessions:
        strokes = session.trainer_signature
        session.trainer_signature_svg = (signatures.strokes_svg(strokes, TRAINER_LABEL) if strokes
                                         else signatures.typed_svg(label, TRAINER_LABEL))
    return len(sessions)


# -- marks -------------------------------------------------------------------------------

def _load(s: Session, session: CourseSession, participant: Participant) -> AttendanceMark | None:
    return s.scalar(select(AttendanceMark).where(AttendanceMark.session_id == session.id,
                                                 AttendanceMark.participant_id == participant.id))


def _check(session: CourseSession, participant: Participant, change: MarkInput) -> time | None:
    if participant.cohort_id != session.cohort_id:
        raise AttendanceError("Cette personne ne fait pas partie de ce groupe.")
    if session.cancelled:
        raise AttendanceError("Cette séance est annulée : rétablissez-la avant d'émarger.")
    if change.status not in STATUSES:
        raise AttendanceError(f"{participant.full_name} : statut de présence inconnu.")
    if change.status != "late":
        return None
    if change.arrival is None:
        raise AttendanceError(f"{participant.full_name} : indiquez l'heure d'arrivée du retard.")
    if not session.starts_at < change.arrival < session.ends_at:
        raise AttendanceError(f"{participant.full_name} : l'heure d'arrivée doit se situer pendant la séance.")
    return change.arrival


def _signature(change: MarkInput, participant: Participant):
    label = PARTICIPANT_LABEL  # no name in the stored picture: a rename or an erasure leaves none behind
    try:
        if change.strokes is not None:
            return signatures.drawn(change.strokes, label)
        if change.typed_name or change.typed_confirmed:
            return signatures.typed(change.typed_name, change.typed_confirmed, participant.full_name, label)
    except signatures.SignatureError as exc:
        raise AttendanceError(str(exc)) from None
    return None


def apply_mark(s: Session, actor, session: CourseSession, participant: Participant, change: MarkInput, *,
               reason: str = "", device_at: datetime | None = None, expected_version: int | None = None,
               now: datetime | None = None) -> AttendanceMark:
    """Record one change to one participant's row (see the module docstring)."""
    now = now or timing.now()
    arrival = _check(session, participant, change)
    sig = _signature(change, participant)
    reason, kind = _rules(session, participant, change, sig is not None or change.paper, reason, now, device_at)
    locked, regularised = session.locked, kind in ("correction", "regularisation")
    mark = _load(s, session, participant)
    if mark is None:
        if expected_version not in (None, 0):
            raise StaleRow(_stale_message(participant), None)
        mark = _create(s, session, participant, change, arrival, sig, actor, now, device_at, regularised)
        if mark is not None:
            _record(s, session, actor, kind, reason, {"status": None}, snapshot(mark), participant.id)
            _after_change(session, locked)
            return mark
        mark = _load(s, session, participant)  # a co-trainer created the row at the same instant: as if sequential
    if expected_version is not None and expected_version != mark.version:
        raise StaleRow(_stale_message(participant), mark)
    if change.via == "self":
        _guard_self(mark)
    before = snapshot(mark)
    _assign(mark, change, arrival, sig, actor, now, device_at, regularised)
    after = snapshot(mark)
    if after == before:
        return mark
    try:
        s.flush()
    except StaleDataError:
        raise StaleRow(_stale_message(participant), None) from None
    _record(s, session, actor, kind, reason, before, after, participant.id)
    _after_change(session, locked)
    return mark


def _after_change(session: CourseSession, locked: bool) -> None:
    if locked:
        session.state = transition(session, "correct")


def _rules(session: CourseSession, participant: Participant, change: MarkInput, signing: bool, reason: str,
           now: datetime, device_at: datetime | None) -> tuple[str, str]:
    """The reason, checked, and the kind of change: mark, régularisation (outside the window) or correction.

    The window is judged at the device's time when there is one (a mark made offline during
    the session and sent later is on time), never at a time in the future.
    """
    if signing and change.status not in ATTENDED:
        raise AttendanceError(f"{participant.full_name} : une personne absente ne signe pas.")
    if device_at is not None and device_at > now + timedelta(minutes=5):
        raise AttendanceError(f"{participant.full_name} : l'heure de l'appareil est dans le futur ; "
                              "corrigez l'horloge de la tablette.")
    at = device_at or now
    win = timing.window()
    outside = signing and not win.contains(session, at)
    early = change.status != "excused" and not win.started(session, at)
    if outside or early:
        start, end = win.bounds(session)
        reason = _reason(reason, True, f"Hors du créneau d'émargement (le {start:%d/%m/%Y} de {start:%H:%M} à "
                                       f"{end:%H:%M}) : indiquez le motif de la régularisation.")
    reason = _reason(reason, session.locked, "La feuille est signée : indiquez le motif de la modification.")
    if session.locked:
        return reason, "correction"
    return reason, "regularisation" if outside or early else "mark"


def _stale_message(participant: Participant) -> str:
    return (f"{participant.full_name} : la ligne a été modifiée entre-temps par un autre formateur ; "
            "sa saisie est conservée. Vérifiez-la et recommencez si besoin.")


def _create(s: Session, session: CourseSession, participant: Participant, change: MarkInput, arrival, sig, actor,
            now: datetime, device_at: datetime | None, regularised: bool) -> AttendanceMark | None:
    """Insert the row in a savepoint; None if another request inserted it first."""
    mark = AttendanceMark(session_id=session.id, participant_id=participant.id, status=change.status)
    _assign(mark, change, arrival, sig, actor, now, device_at, regularised)
    try:
        with s.begin_nested():
            s.add(mark)
            s.flush()
    except IntegrityError:
        return None
    return mark


def _guard_self(mark: AttendanceMark | None) -> None:
    if mark is None:
        return
    if mark.has_signature or mark.signed_via == "paper":
        raise AttendanceError("Vous avez déjà signé pour cette séance.")
    if mark.status in ("absent", "excused") and mark.status_by_trainer:
        raise AttendanceError("Le formateur a déjà noté votre présence pour cette séance : adressez-vous à lui.")


def _assign(mark: AttendanceMark, change: MarkInput, arrival: time | None, sig, actor, now: datetime,
            device_at: datetime | None, regularised: bool) -> None:
    kept = change.via == "self" and mark.status_by_trainer and mark.status == change.status
    mark.status, mark.arrival = change.status, arrival
    mark.status_by_trainer = change.via != "self" or bool(kept)
    if change.status not in ATTENDED:
        _clear_signature(mark)
    elif sig is not None:
        mark.signature, mark.signature_kind, mark.signature_typed = sig.strokes, sig.kind, sig.typed
        mark.signature_svg, mark.signature_sha, mark.has_signature = sig.svg, sig.sha, True
        mark.signed_at, mark.signed_via = device_at or now, "correction" if regularised else change.via
        mark.regularised = regularised
    elif change.paper and mark.signed_via != "paper":
        _clear_signature(mark)
        mark.signed_at, mark.signed_via = device_at or now, "correction" if regularised else "paper"
        mark.regularised = regularised
    mark.device_at = device_at
    mark.updated_at, mark.updated_by_id = now, getattr(actor, "id", None)


def _clear_signature(mark: AttendanceMark) -> None:
    mark.signature, mark.signature_kind, mark.signature_typed, mark.signature_svg = None, "", "", ""
    mark.signature_sha, mark.has_signature, mark.signed_at, mark.signed_via = "", False, None, None
    mark.regularised = False


def apply_sheet(s: Session, actor, session: CourseSession, rows: list[RowInput], *, reason: str = "",
                now: datetime | None = None) -> SheetResult:
    """One save for the whole sheet, applied row by row: a stale or wrong row leaves the others saved."""
    result = SheetResult()
    for row in rows:
        try:
            with s.begin_nested():
                apply_mark(s, actor, session, row.participant, row.change, reason=reason,
                           expected_version=row.expected_version, now=now)
        except StaleRow as exc:
            result.stale.append((row.participant.full_name, _load(s, session, row.participant)))
            del exc
        except AttendanceError as exc:
            result.errors.append((row.participant.full_name, str(exc)))
        else:
            result.saved.append(row.participant.full_name)
    return result


def void_signature(s: Session, actor, session: CourseSession, participant: Participant, reason: str, *,
                   now: datetime | None = None) -> None:
    """Void a signature (for instance a self-signature made for someone else), with a reason."""
    reason = _reason(reason, True, "Indiquez le motif de l'annulation de la signature.")
    mark = _load(s, session, participant)
    if mark is None or not (mark.has_signature or mark.signed_via):
        raise AttendanceError(f"{participant.full_name} n'a pas de signature à annuler.")
    before = snapshot(mark)
    if mark.status_by_trainer:
        _clear_signature(mark)
        mark.updated_at, mark.updated_by_id = utcnow(), getattr(actor, "id", None)
        after = snapshot(mark)
    else:
        s.delete(mark)  # the row came from the self-signature alone: back to « à renseigner »
        after = {"status": None}
    _record(s, session, actor, "void", reason, before, after, participant.id)
    if session.locked:
        session.state = transition(session, "correct")


def mark_gaps_absent(s: Session, actor, session: CourseSession, participants: list[Participant], now: datetime) -> None:
    for p in participants:
        apply_mark(s, actor, session, p, MarkInput("absent"), now=now,
                   reason="Non renseigné au moment de signer la feuille : noté absent.")


# -- sessions ----------------------------------------------------------------------------

def add_sessions(s: Session, actor, cohort: Cohort, specs: list[SessionSpec], today: date,
                 allow_past: bool = False, confirmed: bool = False) -> list[CourseSession]:
    """Create several sessions at once, all or none."""
    if not specs:
        raise AttendanceError("Aucune séance à créer.")
    if len(specs) > 60:
        raise AttendanceError("60 demi-journées au plus à la fois.")
    check_specs(s, cohort, specs, today, allow_past, confirmed)
    created = [CourseSession(cohort_id=cohort.id, day=sp.day, half=sp.half, starts_at=sp.starts_at,
                             ends_at=sp.ends_at, place=sp.place or cohort.place, module_slugs=list(sp.module_slugs))
               for sp in specs]
    s.add_all(created)
    s.flush()
    return created


def _marks_count(s: Session, session: CourseSession) -> int:
    from sqlalchemy import func

    return s.scalar(select(func.count(AttendanceMark.id)).where(AttendanceMark.session_id == session.id)) or 0


def _weighty(s: Session, session: CourseSession, confirmed: bool, reason: str, what: str) -> str:
    """Moving or cancelling a session that holds marks, or a signed one: confirmation and a reason."""
    n = _marks_count(s, session)
    if not n and not session.locked:
        return _reason(reason, False, "")
    if not confirmed:
        raise AttendanceError(f"Cette séance compte déjà {pluralise(n, 'émargement')} : cochez « Je confirme » "
                              f"et indiquez le motif pour la {what}.")
    return _reason(reason, True, f"Indiquez le motif pour {what} cette séance.")


def move_session(s: Session, actor, session: CourseSession, spec: SessionSpec, today: date, *,
                 allow_past: bool = False, confirmed: bool = False, reason: str = "") -> None:
    """Move a session (date, half-day, times, place); its marks stay attached to it."""
    cohort = s.get(Cohort, session.cohort_id)
    check_specs(s, cohort, [spec], today, allow_past, confirmed, ignore_id=session.id)
    before = session_snapshot(session)
    place = spec.place or session.place
    if (spec.day, spec.half, spec.starts_at, spec.ends_at, place) == (
            session.day, session.half, session.starts_at, session.ends_at, session.place):
        return
    reason = _weighty(s, session, confirmed, reason, "déplacer")
    session.day, session.half, session.starts_at, session.ends_at = spec.day, spec.half, spec.starts_at, spec.ends_at
    session.place = place
    _record(s, session, actor, "move", reason, before, session_snapshot(session))
    if session.locked:
        session.state = transition(session, "correct")


def cancel_session(s: Session, actor, session: CourseSession, *, confirmed: bool = False, reason: str = "") -> None:
    """Cancel a session; it stays everywhere, shown « annulée » with its reason, and its marks are kept."""
    if session.cancelled:
        raise AttendanceError("Cette séance est déjà annulée.")
    reason = _weighty(s, session, confirmed, reason, "annuler")
    before = session_snapshot(session)
    session.cancelled_at, session.cancel_reason = utcnow(), reason
    session.self_sign_secret, session.self_sign_until = None, None
    _record(s, session, actor, "cancel", reason, before, session_snapshot(session))


def restore_session(s: Session, actor, session: CourseSession, *, reason: str = "") -> None:
    if not session.cancelled:
        raise AttendanceError("Cette séance n'est pas annulée.")
    reason = _reason(reason, session.locked or _marks_count(s, session) > 0,
                     "Indiquez le motif pour rétablir cette séance.")
    before = session_snapshot(session)
    session.cancelled_at, session.cancel_reason = None, ""
    _record(s, session, actor, "restore", reason, before, session_snapshot(session))


# -- the trainer's signature ---------------------------------------------------------------

def _gaps(s: Session, session: CourseSession) -> list[Participant]:
    participants = s.scalars(select(Participant).where(Participant.cohort_id == session.cohort_id)
                             .order_by(Participant.full_name, Participant.id)).all()
    marked = set(s.scalars(select(AttendanceMark.participant_id).where(AttendanceMark.session_id == session.id)))
    return [p for p in participants if p.id not in marked and counts_for(session, p)]


def sign_session(s: Session, actor, session: CourseSession, given: SignatureInput, *, gaps: str | None = None,
                 reason: str = "", now: datetime | None = None, device_at: datetime | None = None) -> None:
    """The trainer signs the sheet, which locks it; signing again replaces the signature, with a reason.

    `device_at`: when the trainer signed on an offline device; the window is judged, and the
    signature dated, at that time."""
    now = now or timing.now()
    if device_at is not None:
        if device_at > now + timedelta(minutes=5):
            raise AttendanceError("L'heure de l'appareil est dans le futur ; corrigez l'horloge de la tablette.")
        now = device_at
    if session.cancelled:
        raise AttendanceError("Une séance annulée ne se signe pas.")
    label = TRAINER_LABEL
    try:
        if given.strokes is None and (given.typed_name or given.typed_confirmed):
            sig = signatures.typed(given.typed_name, given.typed_confirmed, actor.display_name, label)
        else:
            sig = signatures.drawn(given.strokes, label)
    except signatures.SignatureError as exc:
        raise AttendanceError(str(exc)) from None
    win = timing.window()
    outside = not win.contains(session, now)
    if outside:
        start, end = win.bounds(session)
        reason = _reason(reason, True, f"Hors du créneau d'émargement (le {start:%d/%m/%Y} de {start:%H:%M} à "
                                       f"{end:%H:%M}) : indiquez le motif de la régularisation.")
    resign = session.locked
    reason = _reason(reason, resign, "La feuille est déjà signée : indiquez le motif de la nouvelle signature.")
    missing = _gaps(s, session)
    if missing and gaps != "absent":
        raise GapsError([p.full_name for p in missing])
    mark_gaps_absent(s, actor, session, missing, now)
    before = {"signed_by": session.signed_by_id, "signature": session.trainer_signature_sha or None,
              "signed_at": session.signed_at.isoformat(timespec="seconds") if session.signed_at else None}
    session.trainer_signature, session.trainer_signature_svg, session.trainer_signature_sha = sig.strokes, sig.svg, sig.sha
    session.signed_by_id, session.signed_at, session.trainer_signature_regularised = actor.id, now, outside
    session.self_sign_secret, session.self_sign_until = None, None
    session.state = transition(session, "correct" if resign else "sign")
    after = {"signed_by": actor.id, "signature": sig.sha, "signed_at": now.isoformat(timespec="seconds")}
    _record(s, session, actor, "resign" if resign else "sign", reason, before, after)


# -- self-signing --------------------------------------------------------------------------

def open_self_sign(s: Session, actor, session: CourseSession, now: datetime | None = None) -> None:
    """Open phone signing for this session; the code shown then rotates (see timing.Rotation)."""
    import secrets

    now = now or timing.now()
    if session.locked or session.cancelled:
        raise AttendanceError("L'émargement n'est plus ouvert pour cette séance.")
    win = timing.window()
    start, end = win.bounds(session)
    if not start <= now < end:
        raise AttendanceError(f"L'émargement sur téléphone ouvre le {start:%d/%m/%Y} à {start:%H:%M} et ferme à "
                              f"{end:%H:%M}.")
    if session.self_sign_secret is None:
        session.self_sign_secret = secrets.token_hex(20)
    session.self_sign_until = end
    s.flush()


def self_sign(s: Session, actor, session: CourseSession, participant: Participant, given: SignatureInput, *,
              now: datetime | None = None, device_at: datetime | None = None) -> AttendanceMark:
    """A participant signs on their own phone (the code was checked when the page opened)."""
    from ..dates import PARIS

    now = now or timing.now()
    if session.locked or session.cancelled or session.self_sign_until is None or session.self_sign_until <= now:
        raise AttendanceError("L'émargement sur téléphone est fermé pour cette séance : adressez-vous au formateur.")
    if participant.cohort_id != session.cohort_id:
        raise AttendanceError("Vous ne figurez pas sur la liste de ce groupe.")
    if given.strokes is None and not (given.typed_name or given.typed_confirmed):
        raise AttendanceError(signatures.EMPTY)
    local = now.astimezone(PARIS).time().replace(second=0, microsecond=0)
    start = datetime.combine(session.day, session.starts_at, PARIS)
    late = now > start + LATE_AFTER and local < session.ends_at
    status, arrival = ("late", local) if late else ("present", None)
    existing = _load(s, session, participant)
    if existing is not None and existing.status_by_trainer and existing.status in ATTENDED:
        status, arrival = existing.status, existing.arrival  # what the trainer noted stands
    change = MarkInput(status, arrival, given.strokes, given.typed_name, given.typed_confirmed, via="self")
    return apply_mark(s, actor, session, participant, change, now=now, device_at=device_at)



def set_mark(s: Session, session: CourseSession, participant: Participant, status: str, arrival: time | None,
             actor, signature=None, via: str = "tablet", reason: str = "", now: datetime | None = None) -> AttendanceMark:
    """Shorthand for apply_mark (scripts, tests): `via` "paper" means signed on the paper sheet."""
    change = MarkInput(status, arrival, signature, paper=via == "paper", via="self" if via == "self" else "tablet")
    return apply_mark(s, actor, session, participant, change, reason=reason, now=now)


# -- offline sync and imports ----------------------------------------------------------------

def record_kept(s: Session, actor, session: CourseSession, participant: Participant | None, reason: str,
                before: dict, after: dict) -> None:
    """A change received but not applied (a later one won): kept in the history with both values."""
    _record(s, session, actor, "superseded", _reason(reason, True, "Motif manquant."), before, after,
            participant.id if participant else None)


def import_mark(s: Session, session: CourseSession, participant: Participant, values: dict, *,
                note: str = "", actor=None) -> AttendanceMark:
    """A mark as it stands on another instance (times and author kept). Its own history is imported
    with import_change; overwriting a different row already here is recorded with `note`."""
    if participant.cohort_id != session.cohort_id:
        raise AttendanceError("Cette personne ne fait pas partie de ce groupe.")
    if values["status"] not in STATUSES:
        raise AttendanceError(f"{participant.full_name} : statut de présence inconnu.")
    mark = _load(s, session, participant)
    before = snapshot(mark)
    if mark is None:
        mark = AttendanceMark(session_id=session.id, participant_id=participant.id, status=values["status"])
        s.add(mark)
    sig = None
    if values.get("signature"):
        sig = _signature(MarkInput("present", strokes=values["signature"]), participant)
    _clear_signature(mark)
    if sig is not None:
        mark.signature, mark.signature_kind, mark.signature_svg = sig.strokes, sig.kind, sig.svg
        mark.signature_sha, mark.has_signature = sig.sha, True
    mark.status, mark.arrival, mark.status_by_trainer = values["status"], values.get("arrival"), True
    mark.signed_at, mark.signed_via = values.get("signed_at"), values.get("signed_via")
    mark.regularised, mark.device_at = bool(values.get("regularised")), values.get("device_at")
    mark.updated_at, mark.updated_by_id = values["updated_at"], values.get("updated_by_id")
    s.flush()
    if before != {"status": None} and before != snapshot(mark):
        _record(s, session, actor, "import", _reason(note, True, "Motif manquant."), before, snapshot(mark),
                participant.id)
    return mark


def import_signature(s: Session, session: CourseSession, strokes, signed_by_id: int | None, signed_at: datetime,
                     state: str = "signed") -> None:
    """The trainer's signature as made on another instance (its history row is imported separately)."""
    try:
        sig = signatures.drawn(strokes, TRAINER_LABEL)
    except signatures.SignatureError as exc:
        raise AttendanceError(str(exc)) from None
    if session.locked and session.trainer_signature_sha == sig.sha:
        return
    session.trainer_signature, session.trainer_signature_svg, session.trainer_signature_sha = sig.strokes, sig.svg, sig.sha
    session.signed_by_id, session.signed_at = signed_by_id, signed_at
    session.state = state if state in ("signed", "corrected") else "signed"
    session.self_sign_secret, session.self_sign_until = None, None
    s.flush()


def import_change(s: Session, session: CourseSession, participant_id: int | None, *, kind: str, reason: str,
                  before: dict, after: dict, changed_by_id: int | None, changed_at: datetime) -> None:
    """A history row of another instance, appended to this instance's hash chain as it was written there."""
    _append(s, session, participant_id, changed_by_id, changed_at, str(kind)[:20], str(reason)[:MAX_REASON * 2],
            before, after)

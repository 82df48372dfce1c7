"""Export a cohort's attendance to a JSON file and import it on another instance (« salle sans Internet »).

The trainer's laptop runs the app in the room; afterwards its cohort's marks, signatures, the trainer's
signatures and the history are imported on the main server. Each exported element gets a stable id
(instance, element, last change), recorded on import like a device item: importing the same file twice
adds nothing, and a row changed on both sides follows the sheet's merge rule (the later change wins,
the other value stays in the history).
"""
from __future__ import annotations

import hashlib
import json
import uuid
from datetime import date, datetime, time
from pathlib import Path
from types import SimpleNamespace

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .. import db
from ..accounts.models import User
from ..cohorts.models import Cohort, Participant
from ..db import utcnow
from ..dates import french_datetime
from . import services, sync
from .models import AttendanceChange, AttendanceMark, CourseSession
from .services import AttendanceError, SessionSpec
from ..wording import pluralise

FORMAT, MAX_BYTES = "attendance-export/1", 20 * 1024 * 1024
NS = uuid.UUID("6f1c2b0e-3f4e-4d7a-9a51-5b0c1d2e3f40")


def _instance() -> str:
    return hashlib.sha256(("instance:" + current_app.config["SECRET_KEY"]).encode()).hexdigest()[:16]


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _row(values: dict) -> dict:
    return {"status": values["status"], "arrival": values["arrival"].strftime("%H:%M") if values["arrival"] else None,
            "signed": bool(values.get("signature")) or values.get("signed_via") == "paper"}


def export_cohort(s: Session, cohort: Cohort) -> dict:
    sessions = s.scalars(select(CourseSession).where(CourseSession.cohort_id == cohort.id)
                         .order_by(CourseSession.day, CourseSession.starts_at)).all()
    ids = [x.id for x in sessions]
    people = s.scalars(select(Participant).where(Participant.cohort_id == cohort.id).order_by(Participant.id)).all()
    emails = dict(s.execute(select(User.id, User.email)).all())
    marks = s.scalars(select(AttendanceMark).where(AttendanceMark.session_id.in_(ids)).order_by(AttendanceMark.id)).all()
    history = s.scalars(select(AttendanceChange).where(AttendanceChange.session_id.in_(ids))
                        .order_by(AttendanceChange.id)).all()
    return {"format": FORMAT, "instance": _instance(), "exported_at": utcnow().isoformat(),
            "cohort": {"name": cohort.name, "start_date": _iso(cohort.start_date)},
            "participants": [{"key": p.id, "full_name": p.full_name, "organisation": p.organisation,
                              "email": emails.get(p.user_id)} for p in people],
            "sessions": [{"key": x.id, "day": _iso(x.day), "half": x.half, "starts_at": _iso(x.starts_at),
                          "ends_at": _iso(x.ends_at), "place": x.place, "trainer_signature": x.trainer_signature,
                          "signed_at": _iso(x.signed_at), "signed_by": emails.get(x.signed_by_id), "state": x.state}
                         for x in sessions],
            "marks": [{"session": m.session_id, "participant": m.participant_id, "status": m.status,
                       "arrival": _iso(m.arrival), "signature": m.signature, "signed_at": _iso(m.signed_at),
                       "signed_via": m.signed_via, "updated_at": _iso(m.updated_at), "device_at": _iso(m.device_at),
                       "regularised": m.regularised,
                       "updated_by": emails.get(m.updated_by_id)} for m in marks],
            "history": [{"key": h.id, "session": h.session_id, "participant": h.participant_id,
                         "changed_at": _iso(h.changed_at), "changed_by": emails.get(h.changed_by_id),
                         "kind": h.kind, "reason": h.reason, "before": h.before, "after": h.after} for h in history]}


class Importer:
    """Maps the file's participants and sessions onto the target cohort, then applies each element once."""

    def __init__(self, s: Session, cohort: Cohort, data: dict):
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise AttendanceError("Ce fichier n'est pas un export d'émargement de l'application.")
        self.s, self.cohort, self.data, self.origin = s, cohort, data, str(data.get("instance", ""))[:32]
        self.users = {e: i for i, e in s.execute(select(User.id, User.email)).all()}
        self.counts = {"applied": 0, "superseded": 0, "refused": 0, "already": 0}
        self.refusals: list[str] = []

    def _id(self, *parts) -> str:
        return str(uuid.uuid5(NS, ":".join([self.origin, *map(str, parts)])))

    def participants(self) -> dict:
        people = self.s.scalars(select(Participant).where(Participant.cohort_id == self.cohort.id)).all()
        by_user = {p.user_id: p for p in people if p.user_id}
        by_name: dict[str, list] = {}
        for p in people:
            by_name.setdefault(p.full_name.casefold().strip(), []).append(p)
        out = {}
        for row in self.data.get("participants", []):
            uid = self.users.get(row.get("email"))
            found = [by_user[uid]] if uid in by_user else by_name.get(str(row.get("full_name", "")).casefold().strip(), [])
            if len(found) != 1:
                raise AttendanceError(f"Participant introuvable (ou en double) dans le groupe cible : "
                                      f"{row.get('full_name')}. Ajoutez-le au groupe, puis relancez l'import.")
            out[row["key"]] = found[0]
        return out

    def sessions(self) -> dict:
        existing = {(x.day, x.half): x for x in self.s.scalars(
            select(CourseSession).where(CourseSession.cohort_id == self.cohort.id))}
        out = {}
        for row in self.data.get("sessions", []):
            key = (date.fromisoformat(row["day"]), row["half"])
            if key not in existing:
                spec = SessionSpec(key[0], row["half"], time.fromisoformat(row["starts_at"]),
                                   time.fromisoformat(row["ends_at"]), str(row.get("place", ""))[:200])
                existing[key] = services.add_sessions(self.s, None, self.cohort, [spec], today=spec.day,
                                                      allow_past=True, confirmed=True)[0]
            out[row["key"]] = existing[key]
        return out

    def _once(self, item_id: str, kind: str, sess: CourseSession, pid: int | None, at: datetime, work) -> None:
        if sync._replayed(self.s, None, item_id):
            self.counts["already"] += 1
            return
        raw = {"id": item_id, "kind": kind}
        item = SimpleNamespace(session_id=sess.id, participant_id=pid, device_at=at)
        try:
            with self.s.begin_nested():
                outcome, message = work()
                sync._record(self.s, None, raw, item, outcome, message, utcnow())
        except (AttendanceError, IntegrityError) as exc:
            with self.s.begin_nested():
                sync._record(self.s, None, raw, item, "refused", str(exc), utcnow())
            outcome = "refused"
            self.refusals.append(f"{sess.day:%d/%m/%Y} {sess.half} : {exc}")
        self.counts[outcome] += 1

    def mark(self, row: dict, sess: CourseSession, person: Participant) -> None:
        at = datetime.fromisoformat(row["device_at"] or row["updated_at"])
        values = {"status": row["status"], "arrival": time.fromisoformat(row["arrival"]) if row["arrival"] else None,
                  "signature": row.get("signature"), "signed_at": _when(row.get("signed_at")),
                  "signed_via": row.get("signed_via"), "regularised": row.get("regularised"),
                  "device_at": _when(row.get("device_at")), "updated_at": datetime.fromisoformat(row["updated_at"]),
                  "updated_by_id": self.users.get(row.get("updated_by"))}

        def work():
            here = sync._svc_current_mark(self.s, sess, person)
            mine, theirs = _row(values), sync.snapshot(here)
            if here is None or (mine["status"], mine["arrival"]) == (theirs["status"], theirs["arrival"]):
                services.import_mark(self.s, sess, person, values)
                return "applied", ""
            if sync.made_at(here) > at:  # changed here later: this one stays in the history only
                note = (f"Import d'une autre instance : saisie du {french_datetime(at)} non appliquée, celle "
                        f"du {french_datetime(sync.made_at(here))} est plus récente. {sync.RULE}")
                services.record_kept(self.s, None, sess, person, note, {**mine, "at": at.isoformat()},
                                     {**theirs, "at": sync.made_at(here).isoformat()})
                return "superseded", note
            note = f"Import d'une autre instance : saisie du {french_datetime(at)}, plus récente. {sync.RULE}"
            services.import_mark(self.s, sess, person, values, note=note)
            return "applied", note
        self._once(self._id("mark", row["session"], row["participant"], row["updated_at"]), "import-mark", sess,
                   person.id, at, work)

    def history(self, row: dict, sess: CourseSession, person: Participant | None) -> None:
        at = datetime.fromisoformat(row["changed_at"])

        def work():
            services.import_change(self.s, sess, person.id if person else None, kind=row.get("kind") or "mark",
                                   reason=str(row["reason"]), before=row["before"], after=row["after"],
                                   changed_by_id=self.users.get(row.get("changed_by")), changed_at=at)
            return "applied", ""
        self._once(self._id("history", row["key"]), "import-history", sess, person.id if person else None, at, work)

    def trainer(self, row: dict, sess: CourseSession) -> None:
        at = datetime.fromisoformat(row["signed_at"])

        def work():
            services.import_signature(self.s, sess, row["trainer_signature"], self.users.get(row.get("signed_by")),
                                      at, row.get("state") or "signed")
            return "applied", ""
        self._once(self._id("trainer", row["key"], row["signed_at"]), "import-trainer", sess, None, at, work)

    def run(self) -> dict:
        people, sessions = self.participants(), self.sessions()
        for row in self.data.get("marks", []):
            self.mark(row, sessions[row["session"]], people[row["participant"]])
        for row in self.data.get("history", []):
            self.history(row, sessions[row["session"]], people.get(row.get("participant")))
        for row in self.data.get("sessions", []):
            if row.get("signed_at") and row.get("trainer_signature"):
                self.trainer(row, sessions[row["key"]])
        return self.counts


def import_file(s: Session, cohort: Cohort, path: Path) -> Importer:
    if path.stat().st_size > MAX_BYTES:
        raise AttendanceError("Fichier trop volumineux (20 Mo au plus).")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise AttendanceError("Fichier illisible : ce n'est pas un export JSON valide.") from None
    importer = Importer(s, cohort, data)
    try:
        importer.run()
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, AttendanceError):
            raise
        raise AttendanceError("Fichier incomplet ou modifié : import annulé, rien n'a été enregistré.") from None
    return importer


attendance_cli = AppGroup("attendance", help="Attendance sheets.")


def _cohort(cohort_id: int) -> Cohort:
    cohort = db.session().get(Cohort, cohort_id)
    if cohort is None:
        raise click.ClickException(f"Groupe {cohort_id} introuvable.")
    return cohort


@attendance_cli.command("export")
@click.option("--cohort", "cohort_id", type=int, required=True, help="Identifiant du groupe.")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def export_command(cohort_id: int, target: Path):
    """Write the cohort's attendance (marks, signatures, history) to a JSON file."""
    data = export_cohort(db.session(), _cohort(cohort_id))
    target.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    click.echo(f"Export écrit : {target} ({pluralise(len(data['marks']), 'émargement')}, "
               f"{pluralise(len(data['history']), 'ligne')} d'historique, {pluralise(len(data['sessions']), 'séance')}).")


@attendance_cli.command("import")
@click.option("--cohort", "cohort_id", type=int, required=True, help="Identifiant du groupe cible.")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_command(cohort_id: int, source: Path):
    """Import an attendance export into a cohort; importing the same file again adds nothing."""
    s = db.session()
    try:
        importer = import_file(s, _cohort(cohort_id), source)
    except AttendanceError as exc:
        s.rollback()
        raise click.ClickException(str(exc)) from None
    s.commit()
    c = importer.counts
    click.echo(f"Import terminé : {pluralise(c['applied'], 'élément enregistré')}, {pluralise(c['already'], 'déjà importé', 'déjà importés')}, "
               f"{pluralise(c['superseded'], 'écarté', 'écartés')} par une saisie plus récente (chacun reste dans l'historique), "
               f"{pluralise(c['refused'], 'refusé')}.")
    for line in importer.refusals:
        click.echo(f"  Refusé : {line}")


def register_cli(app) -> None:
    """Add export/import to the app's `attendance` command group (created here if nobody else made it)."""
    group = app.cli.commands.get("attendance")
    if group is None:
        app.cli.add_command(attendance_cli)
        return
    group.add_command(export_command)
    group.add_command(import_command)

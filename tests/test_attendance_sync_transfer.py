"""« Salle sans Internet »: the laptop's cohort attendance exported, then imported on the main server.

Source: a SQLite file (the laptop). Target: PostgreSQL when TRAINING_TEST_DATABASE_URL is set, else
another SQLite file. Marks, signatures, the trainer's signature and the history come out identical,
and importing the same file again adds nothing."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from training import db
from training.accounts.models import User
from training.accounts.services import create_user
from training.attendance.models import AttendanceChange, AttendanceMark, CourseSession
from training.attendance.sync import SyncItem
from training.cohorts.models import Participant
from training.cohorts.services import create_cohort
from tests.attendance_support import clock  # noqa: F401
from tests.conftest import PASSWORD, SIGNATURE, csrf_token

DAY = date(2026, 12, 1)
NAMES = ("Alice Arnaud", "Bruno Blanc", "Chloé Caron")


def _room(application, with_sessions: bool):
    with application.app_context():
        s = db.session()
        trainer = create_user(s, "formatrice@salle.test", "Fatou Formatrice", "trainer", PASSWORD)
        cohort = create_cohort(s, trainer, "Groupe du quartier", "complet", "Centre social", DAY,
                               DAY + timedelta(days=1), {"complet"})
        s.add_all([Participant(cohort_id=cohort.id, full_name=n, organisation="Habitat Sud") for n in NAMES])
        if with_sessions:
            from training.attendance.services import add_sessions, schedule_specs

            add_sessions(s, None, cohort, schedule_specs(DAY, 1, "Centre social", skip_weekends=False),
                         today=DAY, allow_past=True, confirmed=True)
        s.commit()
        return cohort.id


def _take_attendance_in_the_room(application, clock):  # noqa: F811
    """The trainer on the laptop: marks, tablet and paper signatures, signs, then corrects with a reason."""
    clock.set(2026, 12, 1, 11, 0)
    client = application.test_client()
    token = csrf_token(client, "/connexion")
    client.post("/connexion", data={"email": "formatrice@salle.test", "password": PASSWORD, "csrf_token": token})
    with application.app_context():
        s = db.session()
        sess = s.scalars(select(CourseSession).order_by(CourseSession.id)).first()
        people = {p.full_name: p.id for p in s.scalars(select(Participant))}
    url = f"/seances/{sess.id}"
    token = csrf_token(client, url)
    sig = json.dumps(SIGNATURE)
    client.post(f"{url}/marques/{people['Alice Arnaud']}", data={"status": "present", "signature": sig, "csrf_token": token})
    client.post(f"{url}/marques/{people['Bruno Blanc']}", data={"status": "present", "paper": "oui", "csrf_token": token})
    client.post(f"{url}/marques/{people['Chloé Caron']}", data={"status": "late", "arrival": "09:45", "signature": sig,
                                                              "csrf_token": token})
    client.post(f"{url}/signature-formateur", data={"signature": sig, "csrf_token": token})
    client.post(f"{url}/marques/{people['Bruno Blanc']}", data={"status": "absent", "reason": "Parti à 9 h, erreur de saisie",
                                                              "csrf_token": token})
    # one more mark sent by the offline tablet in the afternoon, with its device time
    clock.set(2026, 12, 1, 15, 30)
    token = client.get("/emargement/synchro/jeton").get_json()["csrf_token"]
    made = datetime(2026, 12, 1, 13, 50, tzinfo=timezone.utc).isoformat()  # 14:50 in Paris, then sent at 15:30
    afternoon = sess.id + 1
    r = client.post("/emargement/synchro", headers={"X-CSRFToken": token, "Content-Type": "application/json"},
                    data=json.dumps({"items": [{"id": "0b5c3f1e-1111-4222-8333-944455556666", "kind": "mark",
                                                "session_id": afternoon, "participant_id": people["Alice Arnaud"],
                                                "status": "present", "signature": SIGNATURE, "device_at": made}]}))
    assert r.get_json()["results"][0]["outcome"] == "applied"


def _sorted(rows) -> list:
    return sorted(rows, key=repr)  # rows hold None beside strings (the trainer's rows have no participant)


def _view(application) -> dict:
    """What an auditor compares: every mark, signature, trainer signature and history row, by name and date."""
    with application.app_context():
        s = db.session()
        names = {p.id: p.full_name for p in s.scalars(select(Participant))}
        emails = {u.id: u.email for u in s.scalars(select(User))}
        sessions = {x.id: x for x in s.scalars(select(CourseSession))}
        key = {i: (x.day.isoformat(), x.half) for i, x in sessions.items()}
        marks = _sorted((key[m.session_id], names[m.participant_id], m.status, str(m.arrival), m.signature,
                        m.signed_at and m.signed_at.isoformat(), m.signed_via, emails.get(m.updated_by_id))
                       for m in s.scalars(select(AttendanceMark)))
        signed = _sorted((key[i], x.trainer_signature, x.signed_at and x.signed_at.isoformat(), emails.get(x.signed_by_id))
                        for i, x in sessions.items())
        history = _sorted((key[h.session_id], names.get(h.participant_id), h.kind, h.reason, json.dumps(h.before, sort_keys=True),
                          json.dumps(h.after, sort_keys=True), h.changed_at.isoformat(), emails.get(h.changed_by_id))
                         for h in s.scalars(select(AttendanceChange)))
        return {"marks": marks, "sessions": signed, "history": history}


def _rows(application) -> tuple:
    with application.app_context():
        s = db.session()
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in
                     (AttendanceMark, AttendanceChange, CourseSession, SyncItem))


def test_export_import_identical_then_reimport_adds_nothing(make_app, tmp_path, clock):  # noqa: F811
    laptop = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'laptop.sqlite3'}")
    server = make_app()  # PostgreSQL when TRAINING_TEST_DATABASE_URL is set
    laptop_cohort = _room(laptop, with_sessions=True)
    server_cohort = _room(server, with_sessions=False)
    _take_attendance_in_the_room(laptop, clock)
    export = tmp_path / "groupe.json"
    out = laptop.test_cli_runner().invoke(args=["attendance", "export", "--cohort", str(laptop_cohort), str(export)])
    assert out.exit_code == 0, out.output
    assert "4\u00a0émargements, 6\u00a0lignes d'historique" in out.output
    runner = server.test_cli_runner()
    first = runner.invoke(args=["attendance", "import", "--cohort", str(server_cohort), str(export)])
    assert first.exit_code == 0, first.output
    assert "11\u00a0éléments enregistrés, 0\u00a0déjà importé" in first.output
    source = _view(laptop)
    assert source["history"] and any(m[4] for m in source["marks"])  # real signatures and history to compare
    assert _view(server) == source
    chain = runner.invoke(args=["attendance", "verify"])  # imported rows join the server's hash chain
    assert chain.exit_code == 0 and "intègre : 6\u00a0lignes vérifiées" in chain.output, chain.output
    before = _rows(server)
    again = runner.invoke(args=["attendance", "import", "--cohort", str(server_cohort), str(export)])
    assert again.exit_code == 0 and "0\u00a0élément enregistré, 11\u00a0déjà importés" in again.output
    assert _rows(server) == before and _view(server) == source


def test_import_refuses_unknown_people_and_broken_files_writing_nothing(make_app, tmp_path, clock):  # noqa: F811
    laptop = make_app(DATABASE_URL=f"sqlite:///{tmp_path / 'laptop.sqlite3'}")
    server = make_app()
    laptop_cohort = _room(laptop, with_sessions=True)
    with laptop.app_context():
        s = db.session()
        s.add(Participant(cohort_id=laptop_cohort, full_name="Nouvelle Venue", organisation="ADDAP"))
        s.commit()
    _take_attendance_in_the_room(laptop, clock)
    server_cohort = _room(server, with_sessions=False)
    export = tmp_path / "groupe.json"
    laptop.test_cli_runner().invoke(args=["attendance", "export", "--cohort", str(laptop_cohort), str(export)])
    runner = server.test_cli_runner()
    r = runner.invoke(args=["attendance", "import", "--cohort", str(server_cohort), str(export)])
    assert r.exit_code != 0 and "Participant introuvable (ou en double) dans le groupe cible : Nouvelle Venue" in r.output
    broken = tmp_path / "broken.json"
    broken.write_text("{ pas du json", encoding="utf-8")
    r = runner.invoke(args=["attendance", "import", "--cohort", str(server_cohort), str(broken)])
    assert r.exit_code != 0 and "Fichier illisible" in r.output
    data = json.loads(export.read_text(encoding="utf-8"))
    del data["marks"][0]["status"]
    data["participants"] = [p for p in data["participants"] if p["full_name"] != "Nouvelle Venue"]
    broken.write_text(json.dumps(data), encoding="utf-8")
    r = runner.invoke(args=["attendance", "import", "--cohort", str(server_cohort), str(broken)])
    assert r.exit_code != 0 and "rien n'a été enregistré" in r.output
    assert _rows(server) == (0, 0, 0, 0)

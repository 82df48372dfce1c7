"""Sessions and émargement as a trainer and participants would do them."""
from __future__ import annotations

import json
import re
from datetime import date, datetime, time, timedelta

from sqlalchemy import event, select

from training import db
from training.attendance.models import AttendanceChange, AttendanceMark, CourseSession
from training.attendance.queries import cohort_attendance
from training.cohorts.models import Cohort, Participant
from tests.attendance_support import clock  # noqa: F401
from tests.conftest import SIGNATURE, csrf_token

SIG = json.dumps(SIGNATURE)


def _setup(make_user, make_cohort, make_participant, make_sessions, days=2):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    people = [make_participant(cohort, n) for n in ("Alice Arnaud", "Bruno Blanc", "Chloé Caron")]
    sessions = make_sessions(cohort, days=days)
    return trainer, cohort, people, sessions


def test_schedule_past_and_overlap_messages(client, make_user, make_cohort, login, app, clock):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    token = csrf_token(client, f"/cohortes/{cohort.id}/seances")
    monday = date.today() + timedelta(days=30)
    monday += timedelta(days=(7 - monday.weekday()) % 7)
    future = monday.isoformat()
    r = client.post(f"/cohortes/{cohort.id}/seances", data={"kind": "programme", "first_day": future, "days": "2",
                                                           "csrf_token": token}, follow_redirects=True)
    assert "en dehors des dates du groupe" in r.get_data(as_text=True)  # asks for confirmation
    r = client.post(f"/cohortes/{cohort.id}/seances", data={"kind": "programme", "first_day": future, "days": "2",
                                                           "confirm": "oui", "csrf_token": token}, follow_redirects=True)
    assert "4\u00a0demi-journées programmées" in r.get_data(as_text=True)
    r = client.post(f"/cohortes/{cohort.id}/seances", data={"kind": "une", "day": future, "half": "matin",
                                                           "starts_at": "10:00", "ends_at": "11:00", "confirm": "oui",
                                                           "csrf_token": token},
                    follow_redirects=True)
    assert "chevauche" in r.get_data(as_text=True)
    r = client.post(f"/cohortes/{cohort.id}/seances", data={"kind": "une", "day": "2026-11-30", "half": "matin",
                                                           "starts_at": "09:00", "ends_at": "12:00", "csrf_token": token},
                    follow_redirects=True)
    assert "est passé" in r.get_data(as_text=True)
    r = client.post(f"/cohortes/{cohort.id}/seances", data={"kind": "une", "day": future, "half": "matin",
                                                           "starts_at": "12:00", "ends_at": "11:00", "csrf_token": token},
                    follow_redirects=True)
    assert "doit suivre" in r.get_data(as_text=True)
    with app.app_context():
        assert len(db.session().scalars(select(CourseSession)).all()) == 4  # nothing half-done


def test_marks_hours_and_joined_later(client, make_user, make_cohort, make_participant, make_sessions, login, app,
                                     clock):
    trainer, cohort, (alice, bruno, chloe), sessions = _setup(make_user, make_cohort, make_participant, make_sessions)
    login(trainer)
    token = csrf_token(client, f"/seances/{sessions[0].id}")
    for sess in sessions:
        clock.set(2026, sess.day.month, sess.day.day, sess.starts_at.hour, 15)
        client.post(f"/seances/{sess.id}/marques/{alice.id}", data={"status": "present", "signature": SIG, "csrf_token": token})
    clock.set(2026, 12, 1, 9, 15)
    r = client.post(f"/seances/{sessions[0].id}/marques/{bruno.id}", data={"status": "late", "csrf_token": token},
                    follow_redirects=True)
    assert "indiquez l&#39;heure d&#39;arrivée" in r.get_data(as_text=True)
    client.post(f"/seances/{sessions[0].id}/marques/{bruno.id}", data={"status": "late", "arrival": "10:30", "csrf_token": token})
    client.post(f"/seances/{sessions[1].id}/marques/{bruno.id}", data={"status": "excused", "csrf_token": token})
    with app.app_context():
        s = db.session()
        # Chloé joined the cohort after the first day: those sessions are not absences
        s.get(Participant, chloe.id).joined_at = datetime(2026, 12, 2, 8, 0).astimezone()
        s.commit()
        clock.set(2026, 12, 3, 9, 0)  # after the course: every session held
        table = cohort_attendance(s, s.get(Cohort, cohort.id))
        assert (table.rows[alice.id].attended_minutes, table.rows[alice.id].planned_minutes) == (840, 840)
        assert table.rows[bruno.id].attended_minutes == 120  # 10:30 -> 12:30
        assert table.rows[chloe.id].planned_minutes == 420  # only day 2
    html = client.get(f"/seances/{sessions[0].id}").get_data(as_text=True)
    assert "Non inscrit à cette date" in html and "En retard" in html and "<polyline" in html
    assert 'value="late" checked' in html


def test_two_co_trainers_never_lose_each_others_marks(app, make_user, make_cohort, make_participant, make_sessions, login,
                                                    clock):
    trainer, cohort, (alice, bruno, _c), sessions = _setup(make_user, make_cohort, make_participant, make_sessions, days=1)
    co = make_user("trainer")
    with app.app_context():
        s = db.session()
        row = s.get(Cohort, cohort.id)
        row.trainers.append(s.merge(co))
        s.commit()
    a, b = app.test_client(), app.test_client()
    for c, u in ((a, trainer), (b, co)):
        c.post("/connexion", data={"email": u.email, "password": "mot-de-passe-solide", "csrf_token": csrf_token(c, "/connexion")})
    sid = sessions[0].id
    ta, tb = csrf_token(a, f"/seances/{sid}"), csrf_token(b, f"/seances/{sid}")  # both have the sheet open
    a.post(f"/seances/{sid}/marques/{alice.id}", data={"status": "present", "csrf_token": ta})
    b.post(f"/seances/{sid}/marques/{bruno.id}", data={"status": "late", "arrival": "09:20", "csrf_token": tb})
    with app.app_context():
        marks = {m.participant_id: m.status for m in db.session().scalars(select(AttendanceMark))}
    assert marks == {alice.id: "present", bruno.id: "late"}


def _queries(app, client, path):
    engine = db.database(app).engine
    n = [0]

    def count(*_a, **_k):
        n[0] += 1
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return n[0]


def test_sheet_and_dashboard_query_counts_are_constant(client, make_user, make_cohort, make_participant, make_sessions,
                                                      enrol_user, login, app, clock):
    trainer, cohort, people, sessions = _setup(make_user, make_cohort, make_participant, make_sessions, days=1)
    trainee = make_user()
    enrol_user(cohort, trainee)
    login(trainer)
    sheet = _queries(app, client, f"/seances/{sessions[0].id}")
    dash = _queries(app, client, f"/cohortes/{cohort.id}/tableau-de-bord")
    for i in range(12):
        make_participant(cohort, f"Personne Supplémentaire {i}")
        enrol_user(cohort, make_user())
    more = make_sessions(cohort, first_day=date(2026, 12, 8), days=3)
    token = csrf_token(client, f"/seances/{more[0].id}")
    for sess in more:
        clock.set(2026, 12, sess.day.day, sess.starts_at.hour, 10)
        client.post(f"/seances/{sess.id}/marques/{people[0].id}", data={"status": "present", "signature": SIG,
                                                                          "from": "signer", "csrf_token": token})
    assert _queries(app, client, f"/seances/{sessions[0].id}") == sheet
    assert _queries(app, client, f"/cohortes/{cohort.id}/tableau-de-bord") == dash


def test_marks_entered_afterwards_from_the_paper_sheet(client, make_user, make_cohort, make_participant, make_sessions,
                                                      login, app, clock):
    trainer, cohort, (alice, _b, _c), sessions = _setup(make_user, make_cohort, make_participant, make_sessions, days=1)
    login(trainer)
    sid = sessions[0].id
    token = csrf_token(client, f"/seances/{sid}")
    client.post(f"/seances/{sid}/marques/{alice.id}", data={"status": "present", "paper": "oui", "csrf_token": token})
    with app.app_context():
        mark = db.session().scalar(select(AttendanceMark))
        assert mark.signed_via == "paper" and mark.signature is None and mark.signed_at is not None
    assert "Signé sur papier" in client.get(f"/seances/{sid}").get_data(as_text=True)
    import io

    from pypdf import PdfReader
    pdf = client.get(f"/seances/{sid}/emargement.pdf")
    text = " ".join(PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text().split())
    assert "Alice Arnaud" in text and "feuille papier" in text


def test_sheet_rows_kept_between_requests_follow_every_change(client, make_user, make_cohort, make_participant,
                                                              make_sessions, login, app, clock):
    """The rendered rows are kept per worker: a mark, a signature, a rename or an erasure shows at once."""
    from training.attendance.services import anonymise_signatures

    trainer, cohort, (alice, bruno, _chloe), sessions = _setup(make_user, make_cohort, make_participant,
                                                               make_sessions, days=1)
    login(trainer)
    url = f"/seances/{sessions[0].id}"

    def row(name_id):
        html = client.get(url).get_data(as_text=True)
        return re.search(rf'<li id="p{name_id}".*?</li>', html, re.S).group(0)

    assert "À renseigner" in row(alice.id)
    token = csrf_token(client, url)
    client.post(f"{url}/marques/{alice.id}", data={"status": "present", "signature": SIG, "csrf_token": token})
    assert "<polyline" in row(alice.id) and 'value="present" checked' in row(alice.id)
    client.post(f"{url}/marques/{bruno.id}", data={"status": "present", "typed_name": "Bruno Blanc", "typed_ok": "oui",
                                                  "csrf_token": token})
    assert "nom saisi" in row(bruno.id) and "Bruno Blanc" in row(bruno.id)
    with app.app_context():
        s = db.session()
        s.get(Participant, alice.id).full_name = "Alice Arnaud-Martin"
        anonymise_signatures(s, None, [bruno.id], "Personne anonymisée n° P9")
        s.commit()
    assert "Alice Arnaud-Martin" in row(alice.id)
    assert "Alice Arnaud-Martin" in row(alice.id) and "Alice Arnaud<" not in row(alice.id)
    assert "<text x=\"10\" y=\"60\">Personne anonymisée n° P9</text>" in row(bruno.id)

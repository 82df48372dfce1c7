"""A trainer manages cohorts and their roster: edit, archive, co-trainers, participants, CSV import, accounts."""
from __future__ import annotations

import io
import re

from sqlalchemy import func, select

from training import db
from training.attendance.models import AttendanceMark
from training.attendance.services import set_mark
from training.cohorts.models import Cohort, Participant
from tests.conftest import csrf_token


def _count(app, cohort_id):
    with app.app_context():
        return db.session().scalar(select(func.count(Participant.id)).where(Participant.cohort_id == cohort_id))


def test_create_edit_archive_and_co_trainers(client, make_user, login, app):
    trainer, co = make_user("trainer"), make_user("trainer", email="co@test.fr")
    login(trainer)
    token = csrf_token(client, "/cohortes/nouvelle")
    r = client.post("/cohortes/nouvelle", data={"name": "Gardiens Habitat Sud", "path_slug": "complet",
                                                "audience": "gardiens", "place": "Loge du bailleur",
                                                "start_date": "2026-12-01", "end_date": "2026-11-30", "csrf_token": token})
    assert "La date de fin précède" in r.get_data(as_text=True)
    r = client.post("/cohortes/nouvelle", data={"name": "Gardiens Habitat Sud", "path_slug": "complet",
                                                "audience": "gardiens", "place": "Loge du bailleur",
                                                "start_date": "2026-12-01", "end_date": "2026-12-01", "csrf_token": token})
    cid = int(r.headers["Location"].rsplit("/", 1)[1])
    r = client.post(f"/cohortes/{cid}/modifier", data={"name": "Gardiens HS", "path_slug": "complet", "audience": "mixte",
                                                      "place": "Centre social", "start_date": "2026-12-01",
                                                      "end_date": "2026-12-02", "csrf_token": token})
    assert r.status_code == 302
    client.post(f"/cohortes/{cid}/formateurs", data={"email": "inconnu@test.fr", "csrf_token": token})
    client.post(f"/cohortes/{cid}/formateurs", data={"email": "co@test.fr", "csrf_token": token})
    with app.app_context():
        c = db.session().get(Cohort, cid)
        assert (c.name, c.audience, c.place) == ("Gardiens HS", "mixte", "Centre social")
        assert {t.email for t in c.trainers} == {trainer.email, "co@test.fr"}
    client.post(f"/cohortes/{cid}/archive", data={"csrf_token": token})
    with app.app_context():
        c = db.session().get(Cohort, cid)
        assert c.archived_at is not None
        code = c.join_code
    assert client.get(f"/rejoindre/{code}").status_code == 404  # archived: no more sign-ups
    # the co-trainer now manages it
    client.post("/deconnexion", data={"csrf_token": token})
    login(co)
    assert client.get(f"/cohortes/{cid}/participants").status_code == 200


def test_add_participant_without_account_and_duplicates(client, make_user, make_cohort, login, app):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    token = csrf_token(client, f"/cohortes/{cohort.id}/participants")
    r = client.post(f"/cohortes/{cohort.id}/participants", data={"full_name": "Léa Martin", "organisation": "Habitat Sud",
                                                                "job": "Gardienne", "csrf_token": token})
    assert r.status_code == 302
    r = client.post(f"/cohortes/{cohort.id}/participants", data={"full_name": "  lea  MARTIN ", "csrf_token": token})
    assert r.status_code == 422 and "figure déjà dans ce groupe" in r.get_data(as_text=True)
    r = client.post(f"/cohortes/{cohort.id}/participants", data={"full_name": "x" * 161, "csrf_token": token})
    assert r.status_code == 422
    assert _count(app, cohort.id) == 1


def _upload(client, cohort, content: bytes, token):
    return client.post(f"/cohortes/{cohort.id}/participants/import",
                       data={"roster": (io.BytesIO(content), "liste.csv"), "csrf_token": token},
                       content_type="multipart/form-data")


def test_csv_import_excel_french_preview_then_all_or_nothing(client, make_user, make_cohort, login, app):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    token = csrf_token(client, f"/cohortes/{cohort.id}/participants")
    good = "Nom;Structure;Fonction\r\nJérôme Öztürk;Logirem;Gardien\r\nAïcha Benali;13 Habitat;Médiatrice\r\n".encode("cp1252")
    r = _upload(client, cohort, good, token)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Windows-1252" in html and "Jérôme Öztürk" in html
    assert _count(app, cohort.id) == 0  # preview writes nothing
    payload = re.search(r'name="payload" value="([^"]+)"', html).group(1)
    r = client.post(f"/cohortes/{cohort.id}/participants/import", data={"confirm": "oui", "payload": payload, "csrf_token": token})
    assert r.status_code == 302 and _count(app, cohort.id) == 2
    # a bad line: per-line errors, nothing imported, no confirm button
    bad = "nom,structure\nNadia Ferhat,ADDAP\n,Sans nom\nAïcha Benali,doublon\n".encode("utf-8")
    r = _upload(client, cohort, bad, token)
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Ligne 3 : le nom est obligatoire" in html and "Ligne 4 : Aïcha Benali figure déjà" in html
    assert 'name="confirm"' not in html
    # a tampered confirm with the bad file is refused as a whole
    import base64
    r = client.post(f"/cohortes/{cohort.id}/participants/import",
                    data={"confirm": "oui", "payload": base64.b64encode(bad).decode(), "csrf_token": token})
    assert _count(app, cohort.id) == 2
    r = _upload(client, cohort, b"Pas;De;Colonne\nx;y;z\n", token)
    assert "Ligne 1 : en-tête attendu" in r.get_data(as_text=True)


def test_give_account_later_keeps_attendance(client, make_user, make_cohort, make_participant, make_sessions, login, app):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    p = make_participant(cohort, "Karim Gardien")
    sessions = make_sessions(cohort, days=1)
    with app.app_context():
        s = db.session()
        set_mark(s, s.get(type(sessions[0]), sessions[0].id), s.get(Participant, p.id), "present", None, None)
        s.commit()
    login(trainer)
    token = csrf_token(client, f"/cohortes/{cohort.id}/participants")
    r = client.post(f"/cohortes/{cohort.id}/participants/{p.id}/compte", data={"email": "karim@test.fr", "csrf_token": token})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "/reinitialiser/" in html
    with app.app_context():
        s = db.session()
        part = s.get(Participant, p.id)
        assert part.user_id is not None
        assert s.scalar(select(AttendanceMark).where(AttendanceMark.participant_id == p.id)).status == "present"
    # a participant with marks cannot be removed
    client.post(f"/cohortes/{cohort.id}/participants/{p.id}/retirer", data={"csrf_token": token})
    assert _count(app, cohort.id) == 1


def test_roster_pages_are_hidden_from_others(client, make_user, make_cohort, login, enrol_user):
    owner, other_trainer, trainee = make_user("trainer"), make_user("trainer"), make_user()
    cohort = make_cohort(owner)
    enrol_user(cohort, trainee)
    paths = [f"/cohortes/{cohort.id}/participants", f"/cohortes/{cohort.id}/modifier",
             f"/cohortes/{cohort.id}/tableau-de-bord", f"/cohortes/{cohort.id}/seances"]
    for path in paths:
        assert client.get(path).status_code == 302  # anonymous: to the login page
    for user in (other_trainer, trainee):
        login(user)
        for path in paths:
            assert client.get(path).status_code == 404, (user.role, path)
        client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")})

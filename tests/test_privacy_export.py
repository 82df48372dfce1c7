"""A person's data, whole: the export covers every table that refers to a person, works without an
account, reads in French; « Anonymiser » erases the name everywhere the app shows it again."""
from __future__ import annotations

from sqlalchemy import select

from tests import test_documents_pdf as shared
from tests.attendance_support import clock  # noqa: F401
from tests.conftest import PASSWORD, csrf_token
from training import db
from training.cohorts.models import Participant
from training.db import Base
from training.privacy.export import SECTIONS

scenario = shared.scenario
PERSON_TABLES = {"user_account", "participant", "reflection"}


def test_every_column_referring_to_a_person_is_covered_by_the_export():
    """Add a table pointing at a user or a participant without exporting it, and this fails."""
    covered = {pair for section in SECTIONS for pair in section.covers}
    missing = []
    for table in Base.metadata.sorted_tables:
        for fk in table.foreign_keys:
            if fk.column.table.name in PERSON_TABLES and (table.name, fk.parent.name) not in covered:
                missing.append(f"{table.name}.{fk.parent.name} → {fk.column.table.name}")
    assert not missing, "Not in training/privacy/export.py SECTIONS: " + ", ".join(missing)


def _admin(client, make_user):
    admin = make_user("admin")
    client.post("/connexion", data={"email": admin.email, "password": PASSWORD,
                                    "csrf_token": csrf_token(client, "/connexion")})
    return admin


def test_export_holds_roster_marks_strokes_receipts_and_reads_in_french(app, client, make_user, scenario):
    _admin(client, make_user)
    data = client.get(f"/admin/utilisateurs/{scenario.users['alice'].id}/donnees").get_json()
    assert data["compte"]["nom"] == "Alice Dupré" and data["compte"]["rôle"] == "stagiaire"
    assert data["listes de groupe"][0]["structure"] == "Association Réseaux 13"
    marks = data["présences et signatures"]
    assert len(marks) == 4 and marks[0]["présence"] == "Présent"
    assert marks[0]["signé"] == "sur la tablette du formateur"
    assert marks[0]["tracé de la signature (traits, points x et y entre 0 et 1)"] == shared.SIGNATURE
    assert marks[3]["présence"] == "En retard" and marks[3]["heure d'arrivée"] == "14 h 30"
    trainer = client.get(f"/admin/utilisateurs/{scenario.trainer.id}/donnees").get_json()
    assert trainer["compte"]["rôle"] == "formateur"
    assert trainer["en tant que formateur"]["groupes animés"] == ["Groupe Marseille Nord"]
    assert trainer["en tant que formateur"]["feuilles signées"][0]["tracé de la signature"] == shared.SIGNATURE
    body = client.get(f"/admin/utilisateurs/{scenario.trainer.id}/donnees").get_data(as_text=True)
    assert '"trainer"' not in body and '"present"' not in body and '"tablet"' not in body


def test_export_of_a_participant_without_an_account(app, client, make_user, scenario):
    _admin(client, make_user)
    r = client.get(f"/cohortes/{scenario.cohort.id}/participants/{scenario.chantal}/donnees")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    data = r.get_json()
    assert data["compte"].startswith("aucun compte")
    assert data["listes de groupe"][0]["nom sur la liste"] == "Chantal Müller"
    assert [m["signé"] for m in data["présences et signatures"]] == ["non signé", "sur son propre téléphone"]
    # Not for the trainer, nor through another cohort's URL.
    other_cohort = shared_other_cohort(app, make_user)
    assert client.get(f"/cohortes/{other_cohort}/participants/{scenario.chantal}/donnees").status_code == 404


def shared_other_cohort(app, make_user):
    from datetime import date

    from training.cohorts.services import create_cohort

    with app.app_context():
        s = db.session()
        trainer = s.merge(make_user("trainer"))
        cohort = create_cohort(s, trainer, "Autre groupe", "complet", "", date(2026, 12, 1), date(2026, 12, 2),
                               {"complet"})
        s.commit()
        return cohort.id


def test_trainer_cannot_export(app, client, scenario):
    client.post("/connexion", data={"email": scenario.trainer.email, "password": PASSWORD,
                                    "csrf_token": csrf_token(client, "/connexion")})
    assert client.get(f"/admin/utilisateurs/{scenario.users['alice'].id}/donnees").status_code == 403
    assert client.get(f"/cohortes/{scenario.cohort.id}/participants/{scenario.chantal}/donnees").status_code == 404


def _pages(app, scenario):
    """What the trainer sees afterwards: roster, dashboard, attendance CSV and the next PDF sheet."""
    c = app.test_client()
    c.post("/connexion", data={"email": scenario.trainer.email, "password": PASSWORD,
                               "csrf_token": csrf_token(c, "/connexion")})
    cid = scenario.cohort.id
    texts = [c.get(f"/cohortes/{cid}/participants").get_data(as_text=True),
             c.get(f"/cohortes/{cid}/tableau-de-bord").get_data(as_text=True),
             c.get(f"/cohortes/{cid}/presences.csv").get_data(as_text=True)]
    from training.attendance.models import CourseSession

    with app.app_context():  # the sheets, with their signature pictures
        ids = db.session().scalars(select(CourseSession.id).where(CourseSession.cohort_id == cid)).all()
    texts += [c.get(f"/seances/{i}").get_data(as_text=True) for i in ids]
    return "\n".join(texts)


def test_anonymise_erases_name_and_organisation_everywhere(app, client, make_user, scenario):
    _admin(client, make_user)
    before = _pages(app, scenario)
    assert "Alice Dupré" in before and "Association Réseaux 13" in before
    page = client.get(f"/admin/utilisateurs/{scenario.users['alice'].id}").get_data(as_text=True)
    assert "restent tels qu'ils ont été émis" in page
    token = csrf_token(client, f"/admin/utilisateurs/{scenario.users['alice'].id}")
    client.post(f"/admin/utilisateurs/{scenario.users['alice'].id}/effacer",
                data={"csrf_token": token, "mode": "anonymiser", "confirm": "oui"})
    after = _pages(app, scenario)
    assert "Alice" not in after and "Dupré" not in after and "Association Réseaux 13" not in after
    assert f"Personne anonymisée n° {scenario.users['alice'].id}" in after
    assert "Bruno Œillet" in after  # nobody else touched


def test_anonymise_a_participant_without_an_account(app, client, make_user, scenario):
    _admin(client, make_user)
    pid = scenario.david
    url = f"/cohortes/{scenario.cohort.id}/participants/{pid}/anonymiser"
    page = client.get(url).get_data(as_text=True)
    assert "restent tels qu'ils ont été émis" in page
    client.post(url, data={"csrf_token": csrf_token(client, url)})  # unconfirmed: nothing happens
    assert "David Lefèvre" in _pages(app, scenario)
    client.post(url, data={"csrf_token": csrf_token(client, url), "confirm": "oui"})
    after = _pages(app, scenario)
    assert "Lefèvre" not in after and "Les Lilas" not in after and f"Personne anonymisée n° P{pid}" in after


def test_new_user_form_does_not_preselect_admin(client, make_user):
    _admin(client, make_user)
    html = client.get("/admin/utilisateurs/nouveau").get_data(as_text=True)
    assert 'value="trainee" selected' in html or "selected value=\"trainee\"" in html
    assert 'value="admin" selected' not in html and 'selected value="admin"' not in html


def test_anonymise_a_trainer_takes_their_typed_signature_off_the_sheets(app, client, make_user, scenario):
    from training.accounts.models import User
    from training.attendance.models import CourseSession
    from training.attendance.services import SignatureInput, sign_session

    with app.app_context():
        s = db.session()
        trainer = s.get(User, scenario.trainer.id)
        sess = s.get(CourseSession, scenario.sessions[0].id)
        sign_session(s, trainer, sess, SignatureInput(typed_name="Camille Formatrice", typed_confirmed=True),
                     reason="Signature saisie au clavier, tablette en panne", now=sess.signed_at)
        s.commit()
        assert "Camille Formatrice" in s.get(CourseSession, sess.id).trainer_signature_svg
    admin = _admin(client, make_user)
    url = f"/admin/utilisateurs/{scenario.trainer.id}"
    client.post(f"{url}/effacer", data={"csrf_token": csrf_token(client, url), "mode": "anonymiser", "confirm": "oui"})
    with app.app_context():
        sess = db.session().get(CourseSession, scenario.sessions[0].id)
        assert "Camille" not in sess.trainer_signature_svg and "Personne anonymisée" in sess.trainer_signature_svg
        assert sess.trainer_signature_sha and admin.id

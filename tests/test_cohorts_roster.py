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


def _preview(client, cohort, content: bytes, token):
    import html

    r = _upload(client, cohort, content, token)
    return r, html.unescape(r.get_data(as_text=True))


def test_csv_unbalanced_quote_is_a_bad_line_never_merged_into_a_name(client, make_user, make_cohort, login, app):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    token = csrf_token(client, f"/cohortes/{cohort.id}/participants")
    content = 'Nom;Structure\nLéa Martin;"Habitat Sud\nOmar Diallo;ADDAP 13\nSara Kone;Logirem\n'.encode()
    r, html = _preview(client, cohort, content, token)
    assert r.status_code == 422
    assert "Ligne 2 : guillemets mal fermés" in html
    assert "Omar Diallo" in html and "Sara Kone" in html  # the next lines are read as lines
    assert "Habitat Sud\nOmar" not in html and 'name="confirm"' not in html
    assert _count(app, cohort.id) == 0


def test_csv_oversized_field_nul_bytes_and_bad_header_are_refused_cleanly(client, make_user, make_cohort, login, app):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    token = csrf_token(client, f"/cohortes/{cohort.id}/participants")
    huge = ("Nom;Structure\nLéa Martin;" + "x" * 131_073 + "\nOmar Diallo;ADDAP\n").encode()
    r, html = _preview(client, cohort, huge, token)
    assert r.status_code == 422 and "Ligne 2 : ligne trop longue" in html and "Omar Diallo" in html
    quoted = ('Nom;Structure\n"' + "y" * 131_073 + '";ADDAP\n').encode()
    r, html = _preview(client, cohort, quoted, token)
    assert r.status_code == 422 and "Ligne 2 : ligne trop longue" in html
    r, html = _preview(client, cohort, b"Nom;Structure\nL\x00a Martin;ADDAP\n", token)
    assert r.status_code == 422 and "Ligne 2 : caractère de contrôle non permis" in html
    r, html = _preview(client, cohort, b'"Nom;Structure\nLea Martin;ADDAP\n', token)
    assert r.status_code == 422 and "Ligne 1 : guillemets mal fermés" in html and "en-tête attendu" in html
    assert _count(app, cohort.id) == 0


def test_csv_names_the_columns_it_ignores(client, make_user, make_cohort, login, app):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    token = csrf_token(client, f"/cohortes/{cohort.id}/participants")
    r, html = _preview(client, cohort, "Nom;Téléphone;Structure;Date de naissance\nLéa Martin;0600;ADDAP;1990\n"
                       .encode(), token)
    assert r.status_code == 200
    assert "Colonnes ignorées\u00a0: «\u00a0Téléphone\u00a0», «\u00a0Date de naissance\u00a0»" in html
    assert "0600" not in html


def test_csv_email_column_creates_accounts_with_one_time_links(client, make_user, make_cohort, login, app):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    existing = make_user(name="Inès Déjà", email="ines@exemple.fr")
    colleague = make_user("trainer", email="formateur@exemple.fr")
    login(trainer)
    token = csrf_token(client, f"/cohortes/{cohort.id}/participants")
    bad = "Nom;Courriel\nLéa Martin;lea@exemple\nPaul Roux;formateur@exemple.fr\n".encode()
    r, html = _preview(client, cohort, bad, token)
    assert r.status_code == 422
    assert "Ligne 2 : adresse électronique invalide" in html and "Ligne 3 : formateur@exemple.fr est l'adresse" in html
    good = "Nom;Adresse électronique;Structure\nLéa Martin;Lea@Exemple.fr;ADDAP\nInès Déjà;ines@exemple.fr;\nOmar Diallo;;Logirem\n"
    r, html = _preview(client, cohort, good.encode(), token)
    assert r.status_code == 200 and "1\u00a0compte sera créé" in html and "vous verrez les liens" in html
    payload = re.search(r'name="payload" value="([^"]+)"', html).group(1)
    r = client.post(f"/cohortes/{cohort.id}/participants/import", data={"confirm": "oui", "payload": payload,
                                                                        "csrf_token": token})
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "3 personnes importées" in html and "Ce lien ne sera plus affiché" in html
    links = re.findall(r"http://localhost/reinitialiser/[\w-]+", html)
    assert len(links) == 1 and "lea@exemple.fr" in html
    with app.app_context():
        s = db.session()
        rows = {p.full_name: p for p in s.scalars(select(Participant).where(Participant.cohort_id == cohort.id))}
        assert rows["Inès Déjà"].user_id == existing.id and rows["Omar Diallo"].user_id is None
        assert rows["Léa Martin"].user_id is not None and colleague.id not in {p.user_id for p in rows.values()}
    # The person opens the link, chooses a password and signs in to the cohort.
    person = app.test_client()
    page = person.get(links[0].replace("http://localhost", ""))
    assert page.status_code == 200
    path = links[0].replace("http://localhost", "")
    person.post(path, data={"new_password": "mon-mot-de-passe-1", "confirm": "mon-mot-de-passe-1",
                            "csrf_token": csrf_token(person, path)})
    r = person.post("/connexion", data={"email": "lea@exemple.fr", "password": "mon-mot-de-passe-1",
                                        "csrf_token": csrf_token(person, "/connexion")})
    assert r.status_code == 302
    assert person.get(path).status_code == 410  # used once


def test_csv_invitations_are_mailed_when_smtp_is_configured(make_app, make_user, make_cohort, monkeypatch):
    import smtplib

    sent = []

    class FakeSMTP:
        def __init__(self, host, port, timeout):
            assert (host, port) == ("smtp.exemple.fr", 25)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def send_message(self, msg):
            sent.append((msg["To"], msg.get_content()))

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    app = make_app(SMTP_HOST="smtp.exemple.fr", SMTP_FROM="formation@exemple.fr")
    client = app.test_client()
    with app.app_context():
        from training.accounts.services import create_user
        from training.cohorts.services import create_cohort
        from datetime import date
        s = db.session()
        trainer = create_user(s, "f@exemple.fr", "Formatrice", "trainer", "mot-de-passe-solide")
        cohort = create_cohort(s, trainer, "Groupe", "complet", "", date(2026, 12, 1), date(2026, 12, 2), {"complet"})
        s.commit()
    client.post("/connexion", data={"email": "f@exemple.fr", "password": "mot-de-passe-solide",
                                    "csrf_token": csrf_token(client, "/connexion")})
    token = csrf_token(client, f"/cohortes/{cohort.id}/participants")
    r = _upload(client, cohort, "Nom;E-mail\nLéa Martin;lea@exemple.fr\n".encode(), token)
    payload = re.search(r'name="payload" value="([^"]+)"', r.get_data(as_text=True)).group(1)
    html = client.post(f"/cohortes/{cohort.id}/participants/import",
                       data={"confirm": "oui", "payload": payload, "csrf_token": token}).get_data(as_text=True)
    assert "1 invitation envoyée par courriel" in html and "/reinitialiser/" not in html
    assert len(sent) == 1 and "lea@exemple.fr" in sent[0][0] and "/reinitialiser/" in sent[0][1]

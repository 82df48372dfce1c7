"""Reflections are private to their author; anonymous shares show no name anywhere."""
from __future__ import annotations

import logging
import re

from tests.conftest import csrf_token

SECRET = "Texte privé numéro 7741 sur la cage du bâtiment B"


def _submit(client, text=SECRET):
    token = csrf_token(client, "/exercices/alpha-chantier")
    page = client.get("/exercices/alpha-chantier").get_data(as_text=True)
    rev = re.search(r'name="revision" value="(\d+)"', page).group(1)
    return client.post("/exercices/alpha-chantier", data={"text": text, "action": "submit", "revision": rev,
                                                           "csrf_token": token})


def _pages_for(cohort_id):
    return ["/", "/exercices/alpha-chantier", "/journal", "/journal/telecharger", f"/cohortes/{cohort_id}",
            "/cohortes", "/admin/utilisateurs", "/modules/alpha", "/parcours/complet", "/quiz/alpha"]


def test_nobody_else_reads_a_private_reflection(app, make_user, make_cohort, enrol_user, caplog):
    caplog.set_level(logging.DEBUG)
    author = make_user("trainee", name="Auteur Privé")
    trainer, admin, peer = make_user("trainer"), make_user("admin"), make_user("trainee")
    cohort = make_cohort(trainer)
    for u in (author, peer):
        enrol_user(cohort, u)
    c = app.test_client()
    c.post("/connexion", data={"email": author.email, "password": "mot-de-passe-solide",
                               "csrf_token": csrf_token(c, "/connexion")})
    assert _submit(c).status_code == 302
    assert SECRET in c.get("/journal").get_data(as_text=True)
    for viewer in (trainer, admin, peer, None):
        v = app.test_client()
        if viewer:
            v.post("/connexion", data={"email": viewer.email, "password": "mot-de-passe-solide",
                                       "csrf_token": csrf_token(v, "/connexion")})
        for path in _pages_for(cohort.id):
            body = v.get(path, follow_redirects=True).get_data(as_text=True)
            assert SECRET not in body, (viewer and viewer.role, path)
    assert SECRET not in caplog.text


def test_anonymous_share_shows_text_without_name_and_can_be_withdrawn(app, make_user, make_cohort, enrol_user):
    app.config["SHARE_MIN_SUBMITTERS"] = 1  # the threshold itself is tested in test_perf_dashboard.py
    author = make_user("trainee", name="Ophélie Auteure", email="ophelie@test.fr")
    trainer, peer = make_user("trainer"), make_user("trainee")
    cohort = make_cohort(trainer)
    enrol_user(cohort, author)
    enrol_user(cohort, peer)
    c = app.test_client()
    c.post("/connexion", data={"email": author.email, "password": "mot-de-passe-solide",
                               "csrf_token": csrf_token(c, "/connexion")})
    _submit(c)
    token = csrf_token(c, "/exercices/alpha-chantier")
    assert c.post("/exercices/alpha-chantier/partage", data={"csrf_token": token, "cohort": str(cohort.id)}).status_code == 302
    outsider_trainer = make_user("trainer")
    for viewer, sees in ((trainer, True), (peer, True), (outsider_trainer, False)):
        v = app.test_client()
        v.post("/connexion", data={"email": viewer.email, "password": "mot-de-passe-solide",
                                   "csrf_token": csrf_token(v, "/connexion")})
        r = v.get(f"/cohortes/{cohort.id}")
        html = r.get_data(as_text=True)
        if sees:
            assert r.status_code == 200 and SECRET in html
            assert "Ophélie" not in html and "Auteure" not in html and "ophelie@" not in html
            assert f"user={author.id}" not in html and f'"{author.id}"' not in html.split("Réponses partagées")[1]
        else:
            assert r.status_code == 404
    c.post("/exercices/alpha-chantier/partage", data={"csrf_token": token, "cohort": ""})
    v = app.test_client()
    v.post("/connexion", data={"email": peer.email, "password": "mot-de-passe-solide",
                               "csrf_token": csrf_token(v, "/connexion")})
    assert SECRET not in v.get(f"/cohortes/{cohort.id}").get_data(as_text=True)


def test_cannot_share_into_a_cohort_one_is_not_in(app, make_user, make_cohort, client, login):
    author = make_user("trainee")
    other_cohort = make_cohort(make_user("trainer"))
    login(author)
    _submit(client)
    token = csrf_token(client, "/exercices/alpha-chantier")
    r = client.post("/exercices/alpha-chantier/partage", data={"csrf_token": token, "cohort": str(other_cohort.id)},
                    follow_redirects=True)
    assert "ne faites pas partie" in r.get_data(as_text=True)


def test_other_users_quiz_result_is_404(app, make_user, client, login):
    a, b = make_user(), make_user()
    login(a)
    html = client.get("/quiz/alpha").get_data(as_text=True)
    data = {k: re.search(rf'name="{k}" value="([^"]+)"', html).group(1) for k in ("csrf_token", "nonce", "fingerprint")}
    r = client.post("/quiz/alpha", data={**data, "q-q1": "a", "q-q2": "a", "q-q3": "vrai", "q-q4": "a", "q-q5": "a", "q-q6": "vrai"})
    result_url = r.headers["Location"]
    other = app.test_client()
    other.post("/connexion", data={"email": b.email, "password": "mot-de-passe-solide", "csrf_token": csrf_token(other, "/connexion")})
    assert other.get(result_url).status_code == 404

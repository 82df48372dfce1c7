"""Anonymous shares on the dashboard cannot be tied to their author (issue 9, item 7).

A share of an exercise appears only once SHARE_MIN_SUBMITTERS people of the cohort (3 by
default) have submitted that exercise; a share followed by a resubmission stays hidden until
its author shares the new version again.
"""
from __future__ import annotations

import re

from tests.conftest import PASSWORD, csrf_token

EX = "alpha-chantier"


def _client(app, user):
    c = app.test_client()
    c.post("/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(c, "/connexion")})
    return c


def _submit(c, text):
    page = c.get(f"/exercices/{EX}").get_data(as_text=True)
    rev = re.search(r'name="revision" value="(\d+)"', page).group(1)
    token = csrf_token(c, f"/exercices/{EX}")
    assert c.post(f"/exercices/{EX}", data={"text": text, "action": "submit", "revision": rev,
                                            "csrf_token": token}).status_code == 302


def _share(c, cohort_id):
    token = csrf_token(c, f"/exercices/{EX}")
    assert c.post(f"/exercices/{EX}/partage", data={"csrf_token": token, "cohort": str(cohort_id)}).status_code == 302


def _cohort(app, make_user, make_cohort, enrol_user, n=3):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    trainees = [make_user("trainee") for _ in range(n)]
    for t in trainees:
        enrol_user(cohort, t)
    return _client(app, trainer), cohort, [_client(app, t) for t in trainees]


def test_a_share_appears_only_once_three_people_submitted_the_exercise(app, make_user, make_cohort, enrol_user):
    trainer, cohort, (a, b, c) = _cohort(app, make_user, make_cohort, enrol_user)
    dashboard, detail = f"/cohortes/{cohort.id}/tableau-de-bord", f"/cohortes/{cohort.id}"
    _submit(a, "Partage numéro 5512 : la cage d'escalier sert de point de vente.")
    _share(a, cohort.id)
    assert "5512" not in trainer.get(dashboard).get_data(as_text=True)
    _submit(b, "Réponse numéro 6613 de la deuxième personne.")
    assert "5512" not in trainer.get(dashboard).get_data(as_text=True)
    assert "5512" not in b.get(detail).get_data(as_text=True)
    _submit(c, "Réponse privée de la troisième personne.")
    # three people submitted, but one share alone beside the grid could still be tied to its author
    assert "5512" not in trainer.get(dashboard).get_data(as_text=True)
    _share(b, cohort.id)
    assert "5512" not in trainer.get(dashboard).get_data(as_text=True)
    _submit(c, "Réponse numéro 7714 de la troisième personne.")
    _share(c, cohort.id)
    page = trainer.get(dashboard).get_data(as_text=True)
    assert all(n in page for n in ("5512", "6613", "7714")) and "privée" not in page
    assert "5512" in b.get(detail).get_data(as_text=True)
    assert "3 personnes du groupe au moins" in page and "par groupes de 3" in page
    assert "dont <strong>3</strong> partagées anonymement" in page


def test_shares_appear_by_whole_batches(app, make_user, make_cohort, enrol_user):
    trainer, cohort, people = _cohort(app, make_user, make_cohort, enrol_user, n=4)
    dashboard = f"/cohortes/{cohort.id}/tableau-de-bord"
    for i, person in enumerate(people):
        _submit(person, f"Partage numéro {8800 + i} sur le hall.")
        _share(person, cohort.id)
    page = trainer.get(dashboard).get_data(as_text=True)
    assert [str(8800 + i) in page for i in range(4)] == [True, True, True, False]  # the 4th waits for two more


def test_the_threshold_is_configurable(make_app, make_user, make_cohort, enrol_user):
    app = make_app(SHARE_MIN_SUBMITTERS=2)
    trainer, cohort, (a, b) = _cohort(app, make_user, make_cohort, enrol_user, n=2)
    _submit(a, "Partage numéro 7719 sur le hall.")
    _share(a, cohort.id)
    assert "7719" not in trainer.get(f"/cohortes/{cohort.id}/tableau-de-bord").get_data(as_text=True)
    _submit(b, "Une autre réponse, 8820.")
    assert "7719" not in trainer.get(f"/cohortes/{cohort.id}/tableau-de-bord").get_data(as_text=True)
    _share(b, cohort.id)
    page = trainer.get(f"/cohortes/{cohort.id}/tableau-de-bord").get_data(as_text=True)
    assert "7719" in page and "8820" in page


def test_a_resubmission_is_not_shared_until_its_author_confirms(app, make_user, make_cohort, enrol_user):
    trainer, cohort, (a, b, c) = _cohort(app, make_user, make_cohort, enrol_user)
    dashboard = f"/cohortes/{cohort.id}/tableau-de-bord"
    _submit(a, "Première version 4401 partagée.")
    _share(a, cohort.id)
    for person in (b, c):
        _submit(person, "Une autre personne.")
        _share(person, cohort.id)
    assert "4401" in trainer.get(dashboard).get_data(as_text=True)
    _submit(a, "Nouvelle version 9932, plus personnelle.")
    page = trainer.get(dashboard).get_data(as_text=True)
    assert "9932" not in page and "4401" not in page
    mine = a.get(f"/exercices/{EX}").get_data(as_text=True)
    assert "elle n'est pas partagée" in mine and "Partager anonymement la nouvelle version" in mine
    assert "nouvelle version non partagée" in a.get("/journal").get_data(as_text=True)
    _share(a, cohort.id)
    page = trainer.get(dashboard).get_data(as_text=True)
    assert "9932" in page and "4401" not in page
    assert "Votre réponse est partagée" in a.get(f"/exercices/{EX}").get_data(as_text=True)

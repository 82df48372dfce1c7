"""Joining a cohort is an action: the link shows the cohort, a POST with CSRF enrols; trainers and admins never."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from training import db
from training.cohorts.models import Cohort, Participant
from tests.conftest import csrf_token


def participants(app, cohort) -> int:
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(Participant)
                                   .where(Participant.cohort_id == cohort.id))


@pytest.fixture
def cohort(make_user, make_cohort):
    return make_cohort(make_user("trainer"), name="Groupe Nord")


def test_opening_the_link_shows_the_cohort_and_only_the_posted_confirmation_enrols(app, client, login, make_user,
                                                                                   cohort):
    login(make_user(name="Inès Stagiaire"))
    path = f"/rejoindre/{cohort.join_code}"
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Rejoindre le groupe «&nbsp;Groupe Nord&nbsp;»" in html
    assert "Rejoindre ce groupe</button>" in html and "Centre social" in html
    assert participants(app, cohort) == 0  # a link on another site enrols nobody
    assert client.post(path).status_code == 400  # no CSRF token: refused
    assert participants(app, cohort) == 0
    r = client.post(path, data={"csrf_token": csrf_token(client, path)})
    assert r.status_code == 302 and r.headers["Location"].endswith("/")
    assert "Vous avez rejoint le groupe «\u00a0Groupe Nord\u00a0»." in client.get("/").get_data(as_text=True)
    assert participants(app, cohort) == 1
    r = client.post(path, data={"csrf_token": csrf_token(client, path)}, follow_redirects=True)
    assert "Vous faites déjà partie du groupe" in r.get_data(as_text=True) and participants(app, cohort) == 1


@pytest.mark.parametrize("role", ["trainer", "admin"])
def test_a_trainer_or_an_admin_is_never_enrolled(app, client, login, make_user, cohort, role):
    login(make_user(role))
    path = f"/rejoindre/{cohort.join_code}"
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 403 and "Rejoindre ce groupe</button>" not in html
    assert "Les formateurs et les administrateurs ne peuvent pas rejoindre un groupe comme participants" in html
    r = client.post(path, data={"csrf_token": csrf_token(client, "/rejoindre")})
    assert r.status_code == 403 and "ne peuvent pas rejoindre" in r.get_data(as_text=True)
    r = client.post("/rejoindre", data={"code": cohort.join_code, "csrf_token": csrf_token(client, "/rejoindre")})
    assert r.status_code == 200 and "ne peuvent pas rejoindre" in r.get_data(as_text=True)
    assert participants(app, cohort) == 0


def test_a_visitor_without_an_account_still_signs_up_from_the_link(app, client, cohort):
    path = f"/rejoindre/{cohort.join_code}"
    r = client.post(path, data={"display_name": "Nouvelle Stagiaire", "email": "nouvelle@test.fr",
                                "organisation": "ADDAP", "password": "un-mot-de-passe-long",
                                "confirm": "un-mot-de-passe-long", "csrf_token": csrf_token(client, path)})
    assert r.status_code == 302 and participants(app, cohort) == 1
    with app.app_context():
        assert db.session().get(Cohort, cohort.id).join_code == cohort.join_code

"""A person's data: admin export without reflection text, anonymisation, deletion, retention purge."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from training import db
from training.accounts.models import User
from training.privacy.erase import purge_expired_reflections
from training.cohorts.models import Cohort
from training.learning.models import Reflection
from tests.conftest import PASSWORD, csrf_token

TEXT = "Ma réflexion confidentielle numéro 5521"


def _write(app, user):
    c = app.test_client()
    c.post("/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(c, "/connexion")})
    page = c.get("/exercices/alpha-chantier").get_data(as_text=True)
    rev = re.search(r'name="revision" value="(\d+)"', page).group(1)
    c.post("/exercices/alpha-chantier", data={"text": TEXT, "action": "submit", "revision": rev,
                                               "csrf_token": csrf_token(c, "/exercices/alpha-chantier")})
    return c


def test_export_has_everything_but_reflection_text(app, make_user, client, login):
    trainee = make_user(name="Bérénice Export")
    _write(app, trainee)
    login(make_user("admin"))
    r = client.get(f"/admin/utilisateurs/{trainee.id}/donnees")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    data = r.get_json()
    assert data["compte"]["nom"] == "Bérénice Export"
    assert data["réflexions"][0]["exercice"] == "alpha-chantier"
    assert TEXT not in r.get_data(as_text=True)


def test_anonymise_and_delete(app, make_user, client, login):
    trainee, other = make_user(name="Zoé Anonyme"), make_user()
    _write(app, trainee)
    login(make_user("admin"))
    token = csrf_token(client, f"/admin/utilisateurs/{trainee.id}")
    client.post(f"/admin/utilisateurs/{trainee.id}/effacer", data={"csrf_token": token, "mode": "anonymiser"})
    with app.app_context():
        assert db.session().get(User, trainee.id).display_name == "Zoé Anonyme"  # unconfirmed: nothing done
    client.post(f"/admin/utilisateurs/{trainee.id}/effacer", data={"csrf_token": token, "mode": "anonymiser", "confirm": "oui"})
    with app.app_context():
        u = db.session().get(User, trainee.id)
        assert "Zoé" not in u.display_name and not u.active and u.anonymised_at is not None
        assert db.session().scalar(select(Reflection).where(Reflection.user_id == trainee.id)) is None
    client.post(f"/admin/utilisateurs/{other.id}/effacer", data={"csrf_token": token, "mode": "supprimer", "confirm": "oui"})
    with app.app_context():
        assert db.session().get(User, other.id) is None


def test_retention_purge_after_cohort_end(app, make_user, make_cohort, enrol_user, client, login):
    trainee = make_user()
    cohort = make_cohort(make_user("trainer"))
    enrol_user(cohort, trainee)
    c = _write(app, trainee)
    assert "seront supprimées après le" in c.get("/journal").get_data(as_text=True)
    with app.app_context():
        s = db.session()
        end = s.get(Cohort, cohort.id).end_date
        assert purge_expired_reflections(s, 365, today=end + timedelta(days=365)) == 0
        assert purge_expired_reflections(s, 365, today=end + timedelta(days=366)) == 1
        s.commit()
        assert s.scalar(select(Reflection)) is None

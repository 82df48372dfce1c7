"""Admin management of users, reset links, own password change."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from training import db
from training.accounts.models import ResetToken, User
from tests.conftest import PASSWORD, csrf_token


def test_admin_creates_edits_deactivates_user(client, make_user, login, app):
    admin = make_user("admin")
    login(admin)
    token = csrf_token(client, "/admin/utilisateurs/nouveau")
    r = client.post("/admin/utilisateurs/nouveau", data={
        "display_name": "Nadia Nouvelle", "email": "nadia@test.fr", "organisation": "ADDAP",
        "role": "trainer", "password": "un-bon-mot-de-passe", "csrf_token": token})
    assert r.status_code == 302
    # duplicate e-mail: clear message, no second row
    r = client.post("/admin/utilisateurs/nouveau", data={
        "display_name": "Autre", "email": "NADIA@test.fr", "role": "trainee", "password": "un-bon-mot-de-passe",
        "csrf_token": token})
    assert "existe déjà" in r.get_data(as_text=True)
    # too long name
    r = client.post("/admin/utilisateurs/nouveau", data={
        "display_name": "x" * 121, "email": "long@test.fr", "role": "trainee", "password": "un-bon-mot-de-passe",
        "csrf_token": token})
    assert r.status_code == 200 and "Field cannot be longer" not in r.get_data(as_text=True)
    with app.app_context():
        nadia = db.session().scalar(select(User).where(User.email == "nadia@test.fr"))
        assert nadia.role == "trainer"
        assert db.session().scalar(select(User).where(User.email == "long@test.fr")) is None
    r = client.post(f"/admin/utilisateurs/{nadia.id}/actif", data={"csrf_token": token})
    assert r.status_code == 302
    with app.app_context():
        assert db.session().get(User, nadia.id).active is False


def test_deactivated_user_cannot_log_in(client, make_user, login, app):
    admin, user = make_user("admin"), make_user("trainee")
    login(admin)
    client.post(f"/admin/utilisateurs/{user.id}/actif", data={"csrf_token": csrf_token(client, "/admin/utilisateurs")})
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")})
    r = login(user)
    assert r.status_code == 401 and "désactivé" in r.get_data(as_text=True)


def test_reset_link_is_one_time_and_expires(client, make_user, login, app):
    admin, user = make_user("admin"), make_user("trainee")
    login(admin)
    r = client.post(f"/admin/utilisateurs/{user.id}/lien", data={"csrf_token": csrf_token(client, "/admin/utilisateurs")})
    link = re.search(r"<code>(http[^<]+)</code>", r.get_data(as_text=True)).group(1)
    path = link.split("localhost", 1)[1]
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")})
    token = csrf_token(client, path)
    r = client.post(path, data={"new_password": "nouveau-secret-1", "confirm": "nouveau-secret-1", "csrf_token": token})
    assert r.status_code == 302
    assert login(user, "nouveau-secret-1").status_code == 302
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")})
    r = client.get(path)
    assert r.status_code == 410 and "n'est plus valable" in r.get_data(as_text=True)
    # an expired link
    login(admin)
    r = client.post(f"/admin/utilisateurs/{user.id}/lien", data={"csrf_token": csrf_token(client, "/admin/utilisateurs")})
    path2 = re.search(r"<code>http://localhost([^<]+)</code>", r.get_data(as_text=True)).group(1)
    with app.app_context():
        s = db.session()
        for rt in s.scalars(select(ResetToken)):
            rt.expires_at = rt.expires_at - timedelta(days=10)
        s.commit()
    assert client.get(path2).status_code == 410


def test_user_changes_own_password_other_sessions_closed(app, make_user, login, client):
    user = make_user("trainee")
    other = app.test_client()
    token = csrf_token(other, "/connexion")
    other.post("/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert other.get("/journal").status_code == 200
    login(user)
    token = csrf_token(client, "/compte/mot-de-passe")
    r = client.post("/compte/mot-de-passe", data={"current_password": "faux", "new_password": "abcdefghijk",
                                                   "confirm": "abcdefghijk", "csrf_token": token})
    assert "incorrect" in r.get_data(as_text=True)
    r = client.post("/compte/mot-de-passe", data={"current_password": PASSWORD, "new_password": "abcdefghijk",
                                                   "confirm": "abcdefghijk", "csrf_token": token})
    assert r.status_code == 302
    assert client.get("/journal").status_code == 200  # this device stays signed in
    assert other.get("/journal").status_code == 302  # the other one is signed out

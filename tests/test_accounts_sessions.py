"""Logout and revocation are server-side: replayed session and remember-me cookies stop working."""
from __future__ import annotations

import re
import time
from email.utils import parsedate_to_datetime

from tests.conftest import PASSWORD, csrf_token


def _sign_in(app, user, remember=False):
    c = app.test_client()
    data = {"email": user.email, "password": PASSWORD, "csrf_token": csrf_token(c, "/connexion")}
    if remember:
        data["remember"] = "y"
    assert c.post("/connexion", data=data).status_code == 302
    return c


def _cookies(c):
    return {name: c.get_cookie(name).value for name in ("session", "remember_token") if c.get_cookie(name)}


def _replay(app, cookies):
    """A fresh browser holding only the copied cookies: is it signed in?"""
    c = app.test_client()
    for name, value in cookies.items():
        c.set_cookie(name, value)
    return c.get("/").status_code == 200


def _logout(c):
    return c.post("/deconnexion", data={"csrf_token": csrf_token(c, "/compte/mot-de-passe")})


def test_cookies_replayed_after_logout_no_longer_work(app, make_user):
    user = make_user()
    c = _sign_in(app, user, remember=True)
    stolen = _cookies(c)
    assert set(stolen) == {"session", "remember_token"} and _replay(app, stolen)
    assert _replay(app, {"remember_token": stolen["remember_token"]})
    _logout(c)
    assert c.get("/").status_code == 302
    assert not _replay(app, stolen)
    assert not _replay(app, {"session": stolen["session"]})
    assert not _replay(app, {"remember_token": stolen["remember_token"]})


def test_logout_ends_the_sessions_on_every_device(app, make_user):
    user = make_user()
    phone, laptop = _sign_in(app, user, remember=True), _sign_in(app, user)
    _logout(laptop)
    assert phone.get("/").status_code == 302


def test_password_change_ends_other_sessions_and_keeps_this_one(app, make_user):
    user = make_user()
    here, other = _sign_in(app, user), _sign_in(app, user, remember=True)
    stolen = _cookies(other)
    r = here.post("/compte/mot-de-passe", data={
        "current_password": PASSWORD, "new_password": "un-nouveau-mot-solide", "confirm": "un-nouveau-mot-solide",
        "csrf_token": csrf_token(here, "/compte/mot-de-passe")})
    assert r.status_code == 302
    assert here.get("/").status_code == 200
    assert other.get("/").status_code == 302
    assert not _replay(app, stolen)


def test_deactivation_and_sign_out_everywhere_by_an_admin(app, make_user):
    admin, user, other = make_user("admin"), make_user(), make_user()
    boss = _sign_in(app, admin)
    c = _sign_in(app, user, remember=True)
    stolen = _cookies(c)
    page = boss.get(f"/admin/utilisateurs/{user.id}").get_data(as_text=True)
    assert "Déconnecter partout" in page
    token = csrf_token(boss, f"/admin/utilisateurs/{user.id}")
    assert boss.post(f"/admin/utilisateurs/{user.id}/deconnecter", data={"csrf_token": token}).status_code == 302
    assert c.get("/").status_code == 302 and not _replay(app, stolen)
    # The person signs in again normally; then deactivation ends that session too.
    c = _sign_in(app, user, remember=True)
    stolen = _cookies(c)
    boss.post(f"/admin/utilisateurs/{user.id}/actif", data={"csrf_token": token})
    assert not _replay(app, stolen)
    # A GET never signs anyone out, and without the token nothing happens.
    d = _sign_in(app, other)
    boss.get(f"/admin/utilisateurs/{other.id}/deconnecter")
    boss.post(f"/admin/utilisateurs/{other.id}/deconnecter")
    assert d.get("/").status_code == 200


def test_remember_me_lasts_thirty_days_and_the_privacy_page_says_so(app, make_user, monkeypatch):
    user = make_user()
    c = app.test_client()
    r = c.post("/connexion", data={"email": user.email, "password": PASSWORD, "remember": "y",
                                   "csrf_token": csrf_token(c, "/connexion")})
    remember = [h for h in r.headers.getlist("Set-Cookie") if h.startswith("remember_token=")][0]
    expires = parsedate_to_datetime(re.search(r"Expires=([^;]+)", remember).group(1))
    assert 29.9 < (expires.timestamp() - time.time()) / 86400 <= 30
    stolen = _cookies(c)
    assert _replay(app, {"remember_token": stolen["remember_token"]})
    later = time.time() + 31 * 86400
    monkeypatch.setattr("training.security.time.time", lambda: later)
    assert not _replay(app, {"remember_token": stolen["remember_token"]})
    text = c.get("/confidentialite").get_data(as_text=True)
    assert "«&nbsp;Rester connecté&nbsp;»&nbsp;: 30&nbsp;jours" in text

"""Roles, CSRF, throttling, headers and cookies, size limits."""
from __future__ import annotations

from tests.conftest import PASSWORD, csrf_token


def test_anonymous_is_sent_to_login(client):
    for path in ["/", "/modules/alpha", "/journal", "/admin/utilisateurs", "/animation", "/cohortes"]:
        r = client.get(path)
        assert r.status_code == 302 and "/connexion" in r.headers["Location"], path


def test_each_role_reaches_what_it_may(client, make_user, login):
    pages = {"/admin/utilisateurs": {"admin"}, "/animation": {"admin", "trainer"},
             "/animation/modules/alpha": {"admin", "trainer"}, "/cohortes": {"admin", "trainer"},
             "/cohortes/nouvelle": {"admin", "trainer"}}
    for role in ("admin", "trainer", "trainee"):
        user = make_user(role)
        login(user)
        for path, allowed in pages.items():
            status = client.get(path).status_code
            assert status == (200 if role in allowed else 403), (role, path, status)
        assert client.get("/modules/alpha").status_code == 200
        client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")})


def test_facilitator_notes_never_reach_trainees(client, make_user, login):
    login(make_user("trainee"))
    html = client.get("/modules/alpha").get_data(as_text=True)
    assert "Note secrète du formateur" not in html
    assert client.get("/animation/modules/alpha").status_code == 403
    assert client.get("/animation/parcours/complet").status_code == 403


def test_post_without_csrf_is_refused(client, make_user, login):
    user = make_user("trainee")
    r = client.post("/connexion", data={"email": user.email, "password": PASSWORD})
    assert r.status_code == 400
    assert "jeton de sécurité" in r.get_data(as_text=True)
    login(user)
    r = client.post("/exercices/alpha-chantier", data={"text": "Bonjour", "action": "save"})
    assert r.status_code == 400


def test_wrong_password_then_lock(client, make_user, app):
    user = make_user("trainee")
    limit = app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    token = csrf_token(client, "/connexion")
    for _ in range(limit - 1):
        r = client.post("/connexion", data={"email": user.email, "password": "mauvais-mot", "csrf_token": token})
        assert r.status_code == 401
        assert "Adresse ou mot de passe incorrect" in r.get_data(as_text=True)
    r = client.post("/connexion", data={"email": user.email, "password": "mauvais-mot", "csrf_token": token})
    assert r.status_code == 429
    # Even the right password is refused while locked, with a clear message.
    r = client.post("/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 429
    assert "bloquée" in r.get_data(as_text=True)


def test_security_headers_and_cookie_flags(client, make_user, login):
    r = client.get("/connexion")
    csp = r.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["X-Content-Type-Options"] == "nosniff"
    assert r.headers["Referrer-Policy"] == "same-origin"
    r = login(make_user("trainee"))
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_secure_cookie_under_https(make_app, make_user):
    app = make_app(HTTPS=True)
    client = app.test_client()
    r = client.get("/connexion", base_url="https://localhost")
    assert "Secure" in r.headers["Set-Cookie"]
    assert "max-age" in r.headers["Strict-Transport-Security"]


def test_request_over_limit_gets_413(client, make_user, login):
    login(make_user("trainee"))
    r = client.post("/exercices/alpha-chantier", data={"text": "x" * (1024 * 1024 + 10)})
    assert r.status_code == 413
    assert "taille permise" in r.get_data(as_text=True)


def test_no_inline_script_in_pages(client, make_user, login):
    login(make_user("trainee"))
    for path in ["/", "/modules/alpha", "/exercices/alpha-chantier", "/quiz/alpha"]:
        html = client.get(path).get_data(as_text=True)
        assert "<script>" not in html and "onclick" not in html and "https://" not in html.split("<body>")[0]


def test_open_redirect_is_refused(client, make_user):
    user = make_user("trainee")
    token = csrf_token(client, "/connexion")
    r = client.post("/connexion?next=//evil.example/x", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert r.headers["Location"] == "/"

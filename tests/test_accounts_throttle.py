"""Login throttling: a room behind one address keeps working, spraying is paced, an owner's device
passes a lock an attacker caused, and parallel failures get no password check past the lock."""
from __future__ import annotations

import threading

import pytest

from training.accounts import services
from tests.conftest import PASSWORD, csrf_token

ROOM = {"REMOTE_ADDR": "192.0.2.10"}
ELSEWHERE = {"REMOTE_ADDR": "198.51.100.66"}


@pytest.fixture
def checks(monkeypatch):
    """Count the password checks (Argon2 verifications) made against each user's hash."""
    counted: dict[int | None, int] = {}
    real = services._verify

    def counting(user, password):
        counted[user.id if user else None] = counted.get(user.id if user else None, 0) + 1
        return real(user, password)

    monkeypatch.setattr(services, "_verify", counting)
    return counted


def _client(app, environ):
    c = app.test_client()
    c.environ_base.update(environ)
    return c


def _post_login(c, email, password):
    return c.post("/connexion", data={"email": email, "password": password,
                                      "csrf_token": csrf_token(c, "/connexion")})


def _logout(c):
    c.post("/deconnexion", data={"csrf_token": csrf_token(c, "/compte/mot-de-passe")})


def test_a_room_of_thirty_on_one_address_signs_in_despite_one_person_mistyping(app, make_user):
    people = [make_user() for _ in range(30)]
    mistyper = people[7]
    tablet = _client(app, ROOM)
    for _ in range(10):
        assert _post_login(tablet, mistyper.email, "mot-de-passe-faux").status_code == 401
    for person in people:
        c = _client(app, ROOM)  # each on their own phone, all behind the room's Wi-Fi
        r = _post_login(c, person.email, PASSWORD)
        assert r.status_code == 302, person.email
        assert c.get("/").status_code == 200


def test_spraying_across_accounts_is_paced_and_a_valid_login_does_not_reset_it(make_app, make_user, checks):
    app = make_app(LOGIN_ADDRESS_FAILURES_BEFORE_PACING=8, LOGIN_ADDRESS_PACE_SECONDS=600)
    targets = [make_user() for _ in range(5)]
    attacker = make_user(name="Compte Attaquant")
    c = _client(app, ROOM)
    refused = 0
    for _round in range(4):
        for target in targets:
            r = _post_login(c, target.email, "Printemps2026!")
            refused += r.status_code == 429 and "Patientez" in r.get_data(as_text=True)
        assert _post_login(c, attacker.email, PASSWORD).status_code == 302  # between rounds
        _logout(c)
    wrong_checks = sum(checks.get(t.id, 0) for t in targets)
    # 20 tries: 8 before pacing, then one turn per 600 s; the rest never reach a password check.
    assert wrong_checks == 9
    assert refused == 11
    # The pace holds for a new device on that address too, but not elsewhere.
    assert _post_login(_client(app, ROOM), targets[0].email, PASSWORD).status_code == 429
    assert _post_login(_client(app, ELSEWHERE), targets[0].email, PASSWORD).status_code == 302


def test_an_attacker_cannot_lock_an_owner_out_of_their_known_device(app, make_user):
    owner = make_user(name="Nadia Propriétaire")
    phone = _client(app, ROOM)
    assert _post_login(phone, owner.email, PASSWORD).status_code == 302
    _logout(phone)
    attacker = _client(app, ELSEWHERE)
    limit = app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    statuses = [_post_login(attacker, owner.email, "devine-le-mot").status_code for _ in range(limit + 2)]
    assert statuses[-1] == 429 and statuses.count(401) == limit - 1
    # Locked for the attacker, and for a device that never signed in to the account…
    r = _post_login(_client(app, ROOM), owner.email, PASSWORD)
    assert r.status_code == 429 and "bloquée" in r.get_data(as_text=True)
    # … but the owner's own phone passes.
    assert _post_login(phone, owner.email, PASSWORD).status_code == 302
    assert "Nadia Propriétaire" in phone.get("/").get_data(as_text=True)


def test_a_forged_known_device_cookie_does_not_pass_the_lock(app, make_user):
    owner = make_user()
    attacker = _client(app, ELSEWHERE)
    for _ in range(app.config["LOGIN_FAILURES_BEFORE_LOCK"]):
        _post_login(attacker, owner.email, "devine-le-mot")
    attacker.set_cookie("appareil_connu", "eyJkIjoieCIsInUiOlsxXX0.forged.signature")
    assert _post_login(attacker, owner.email, PASSWORD).status_code == 429


def test_parallel_wrong_passwords_past_the_lock_get_no_extra_check(app, make_user, checks):
    victim = make_user()
    limit = app.config["LOGIN_FAILURES_BEFORE_LOCK"]
    c = _client(app, ELSEWHERE)
    for _ in range(limit - 1):
        assert _post_login(c, victim.email, "encore-faux").status_code == 401
    assert checks[victim.id] == limit - 1
    clients = [_client(app, ELSEWHERE) for _ in range(8)]
    tokens = [csrf_token(x, "/connexion") for x in clients]
    barrier, statuses = threading.Barrier(len(clients)), []

    def attempt(x, token):
        barrier.wait()
        statuses.append(x.post("/connexion", data={"email": victim.email, "password": "parallele-faux",
                                                   "csrf_token": token}).status_code)

    threads = [threading.Thread(target=attempt, args=pair) for pair in zip(clients, tokens)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [429] * 8
    assert checks[victim.id] == limit  # exactly one of the eight reached the password check

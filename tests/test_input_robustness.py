"""No 500 whatever comes in: huge ids in every route, « ² » in numeric fields, control characters in
every text field, JSON that is not an object, lone surrogates, deep nesting, dates in year 9999."""
from __future__ import annotations

import json
import re

import pytest

from tests.conftest import csrf_token

HUGE = [2**63 + 1, 2**63 - 1, 2**31, 10**12]


def _path(rule, value):
    args = {name: (value if type(rule._converters[name]).__name__ == "BoundedIntConverter" else "x")
            for name in rule.arguments}
    return re.sub(r"<(?:[a-z]+:)?(\w+)>", lambda m: str(args[m.group(1)]), rule.rule)


def _int_rules(app):
    return [r for r in app.url_map.iter_rules() if any(
        type(c).__name__ == "BoundedIntConverter" for c in r._converters.values())]


@pytest.mark.parametrize("role", ["admin", "trainer"])
def test_ids_beyond_any_column_answer_404_in_every_route(app, make_user, login, client, role):
    login(make_user(role))
    rules = _int_rules(app)
    assert len(rules) >= 20  # the sweep covers the app, not a handful of routes
    for rule in rules:
        for value in HUGE:
            path = _path(rule, value)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                r = client.open(path, method=method)
                assert r.status_code == 404, (method, path, r.status_code)
                assert "Page introuvable" in r.get_data(as_text=True)
        # The largest id that can exist is looked up, and simply not found (or refused).
        path = _path(rule, 2**31 - 1)
        r = client.get(path) if "GET" in rule.methods else client.post(path)
        assert r.status_code < 500, (path, r.status_code)


def test_digits_that_int_refuses_are_not_ids(app, make_user, make_cohort, login, client):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    for path in ("/cohortes/²", "/cohortes/٣", "/fiches-actions/¹", "/source/²-³"):
        assert client.get(path).status_code == 404, path
    token = csrf_token(client, f"/cohortes/{cohort.id}/modifier")
    r = client.post(f"/cohortes/{cohort.id}/formateurs", data={"remove": "²", "csrf_token": token})
    assert r.status_code == 302
    r = client.post(f"/cohortes/{cohort.id}/formateurs", data={"remove": "9" * 30, "csrf_token": token})
    assert r.status_code == 302


def test_superscript_digits_in_a_trainee_numeric_field(app, make_user, login, client):
    login(make_user())
    path = "/positionnement/positionnement/debut"
    names = set(re.findall(r'name="(s-[\w-]+)"', client.get(path).get_data(as_text=True)))
    assert names
    for value in ("²", "٣", "9" * 40, "-1"):
        r = client.post(path, data={n: value for n in names} | {"csrf_token": csrf_token(client, path)})
        assert r.status_code in (200, 422), value
    assert _autosave(client, json.dumps({"text": "Un brouillon", "revision": None}).encode()).status_code == 200
    token = csrf_token(client, "/exercices/alpha-chantier")
    for value in ("²", "9" * 40):
        r = client.post("/exercices/alpha-chantier/partage", data={"cohort": value, "csrf_token": token})
        assert r.status_code == 302, value


def _autosave(client, body: bytes):
    token = csrf_token(client, "/exercices/alpha-chantier")
    return client.post("/exercices/alpha-chantier/brouillon", data=body, content_type="application/json",
                       headers={"X-CSRFToken": token})


def test_json_bodies_that_are_not_clean_objects_get_a_french_400(app, make_user, login, client):
    login(make_user())
    assert _autosave(client, json.dumps({"text": "Un brouillon", "revision": 0}).encode()).status_code == 200
    cases = {
        "lone surrogate": b'{"text": "avant \\ud800 apres", "revision": 0}',
        "list": b'[{"text": "x"}]',
        "string": b'"texte"',
        "deep": b'{"text": "x", "force": ' + b"[" * 5000 + b"]" * 5000 + b"}",
        "very deep": b"[" * 200_000 + b"]" * 200_000,
        "NUL": json.dumps({"text": "a\u0000b", "revision": 0}).encode(),
        "bell": json.dumps({"text": "a\u0007b", "revision": 0}).encode(),
        "broken": b'{"text": ',
    }
    for name, body in cases.items():
        r = _autosave(client, body)
        assert r.status_code == 400, name
        assert r.get_json()["error"].startswith(("Les données envoyées", "Le texte envoyé")), name
    # Line breaks and tabs stay allowed in a multi-line text.
    ok = _autosave(client, json.dumps({"text": "ligne 1\n\tligne 2\r\n", "revision": None}).encode())
    assert ok.status_code == 200


CONTROL = ["\x00", "\x07", "\x1b", "\x7f", "\x85"]


def test_control_characters_are_refused_in_every_form_field(app, make_user, make_cohort, login, client):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    path = f"/cohortes/{cohort.id}/participants"
    token = csrf_token(client, path)
    for char in CONTROL:
        r = client.post(path, data={"full_name": f"Léa{char}Martin", "csrf_token": token})
        assert r.status_code == 400, repr(char)
        assert "caractère invisible non permis" in r.get_data(as_text=True)
    # A line break is refused in a single-line field, with the field's own message.
    r = client.post(path, data={"full_name": "Léa\nMartin", "csrf_token": token})
    assert r.status_code == 422 and "retour à la ligne" in r.get_data(as_text=True)
    assert client.get(path).get_data(as_text=True).count("Léa") == 0
    # Query strings and paths too, on both engines (PostgreSQL refuses NUL in text).
    assert client.get("/reinitialiser/abc%00def").status_code == 404
    assert client.get("/connexion?next=%00").status_code == 400
    assert client.get("/pages/%07").status_code == 404


def test_control_characters_in_a_reflection_but_line_breaks_kept(app, make_user, login, client):
    login(make_user())
    page = client.get("/exercices/alpha-chantier").get_data(as_text=True)
    rev = re.search(r'name="revision" value="(\d+)"', page).group(1)
    data = {"text": "Premier paragraphe\u0000", "action": "save", "revision": rev,
            "csrf_token": csrf_token(client, "/exercices/alpha-chantier")}
    assert client.post("/exercices/alpha-chantier", data=data).status_code == 400
    for revision in ("²", "9" * 40):
        odd = dict(data, text="Brouillon", revision=revision)
        assert client.post("/exercices/alpha-chantier", data=odd).status_code < 500, revision
    page = client.get("/exercices/alpha-chantier").get_data(as_text=True)
    data["revision"] = re.search(r'name="revision" value="(\d+)"', page).group(1)
    data["text"] = "Premier paragraphe.\r\n\r\n\tSecond paragraphe."
    assert client.post("/exercices/alpha-chantier", data=data).status_code == 302
    assert "Second paragraphe." in client.get("/exercices/alpha-chantier").get_data(as_text=True)


@pytest.mark.parametrize("start,end", [("2026-12-01", "9999-12-31"), ("0001-01-01", "2026-12-02")])
def test_cohort_dates_out_of_range_are_refused(app, make_user, make_cohort, login, client, start, end):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    for path in ("/cohortes/nouvelle", f"/cohortes/{cohort.id}/modifier"):
        html = client.get(path).get_data(as_text=True)
        path_slug = re.search(r'<option[^>]*value="([^"]+)"', html).group(1)
        r = client.post(path, data={"name": "Groupe 9999", "path_slug": path_slug, "audience": "professionnels",
                                    "place": "", "start_date": start, "end_date": end,
                                    "csrf_token": csrf_token(client, path)})
        assert r.status_code in (200, 422), (path, r.status_code)
        assert "choisissez une année entre 2000 et 2100" in r.get_data(as_text=True)
    assert client.get("/cohortes").status_code == 200


def test_error_pages_are_french(client):
    r = client.get("/nulle-part")
    assert r.status_code == 404 and "Page introuvable" in r.get_data(as_text=True)
    assert '<html lang="fr">' in r.get_data(as_text=True)
    r = client.post("/connexion", data={"email": "a@b.fr", "password": "x"})
    assert r.status_code == 400 and "Requête incorrecte" in r.get_data(as_text=True)


def test_a_session_number_that_isdigit_accepts_but_int_refuses(client):
    """« ² » passes str.isdigit(): the phone-signing entry must still answer in French, not 500."""
    token = csrf_token(client, "/emarger")
    r = client.post("/emarger", data={"seance": "²", "code": "ABCDEF", "csrf_token": token})
    assert r.status_code == 400 and "numéro de séance" in r.get_data(as_text=True)

"""A trainee's flows: reading, reflections (drafts, versions, names, limits, conflicts), quizzes, positioning."""
from __future__ import annotations

import re

from sqlalchemy import event, select

from training import db
from training.learning.models import QuizAttempt, Reflection, ReflectionVersion
from tests.conftest import csrf_token


def _post_reflection(client, text, action="submit", revision=None, **extra):
    token = csrf_token(client, "/exercices/alpha-chantier")
    if revision is None:
        page = client.get("/exercices/alpha-chantier").get_data(as_text=True)
        revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
    return client.post("/exercices/alpha-chantier", data={"text": text, "action": action, "revision": revision,
                                                           "csrf_token": token, **extra})


def test_mark_sections_read_and_progress(client, make_user, login):
    login(make_user())
    token = csrf_token(client, "/modules/alpha")
    r = client.post("/modules/alpha/lu/quoi", data={"csrf_token": token})
    assert r.status_code == 302 and r.headers["Location"].endswith("#qui")
    html = client.get("/modules/alpha").get_data(as_text=True)
    assert "Section lue" in html
    assert client.post("/modules/alpha/lu/inconnue", data={"csrf_token": token}).status_code == 404


def test_debrief_only_after_submission_and_versions_kept(client, make_user, login, app):
    login(make_user())
    html = client.get("/exercices/alpha-chantier").get_data(as_text=True)
    assert "Repère secret numéro un" not in html
    assert "n'écrivez aucun nom de personne réelle" in html
    r = _post_reflection(client, "Ma première idée.", action="save")
    assert r.status_code == 302
    assert "Repère secret numéro un" not in client.get("/exercices/alpha-chantier").get_data(as_text=True)
    assert "Ma première idée." in client.get("/exercices/alpha-chantier").get_data(as_text=True)
    r = _post_reflection(client, "Ma réponse complète.")
    assert r.status_code == 302
    html = client.get("/exercices/alpha-chantier").get_data(as_text=True)
    assert "Repère secret numéro un" in html and "Ma réponse complète." in html
    _post_reflection(client, "Ma réponse complète.")  # double submit adds nothing
    _post_reflection(client, "Ma réponse révisée.")
    with app.app_context():
        bodies = db.session().scalars(select(ReflectionVersion.body).order_by(ReflectionVersion.number)).all()
    assert bodies == ["Ma réponse complète.", "Ma réponse révisée."]
    html = client.get("/exercices/alpha-chantier").get_data(as_text=True)
    assert "Version 1, soumise le" in html and "Version 2, soumise" not in html  # the current one is not « précédente »
    assert "Votre réponse soumise (version 2, le" in html


def test_empty_and_too_long_answers_lose_nothing(client, make_user, login, app):
    login(make_user())
    r = _post_reflection(client, "   ")
    assert r.status_code == 422 and "Votre réponse est vide" in r.get_data(as_text=True)
    long_text = "mot " * 2500
    r = _post_reflection(client, long_text)
    assert r.status_code == 422
    body = r.get_data(as_text=True)
    assert "de plus que la limite de 8\u202f000. Il est gardé en entier dans le champ" in body
    assert long_text.strip()[:200] in body  # the text is handed back, not lost


def test_possible_names_are_flagged_before_submitting(client, make_user, login, app):
    login(make_user())
    r = _post_reflection(client, "Hier, avec Kevin et sa mère Fatoumata, nous avons parlé du hall.")
    assert r.status_code == 302 and "noms=1" in r.headers["Location"]  # redirect after POST, then ask
    r = client.get(r.headers["Location"])
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Kevin" in html and "semble contenir des noms" in html
    with app.app_context():
        row = db.session().scalar(select(Reflection))
        assert row.submitted_at is None and "Kevin" in row.draft  # kept as a draft
    r = _post_reflection(client, "Hier, avec Kevin et sa mère Fatoumata, nous avons parlé du hall.", names_ok="y")
    assert r.status_code == 302
    with app.app_context():
        assert db.session().scalar(select(Reflection)).submitted_at is not None


def test_two_tabs_conflict_keeps_both_texts(client, make_user, login, app):
    login(make_user())
    _post_reflection(client, "Texte de l'onglet A", action="save", revision="0")
    r = _post_reflection(client, "Texte de l'onglet B", action="save", revision="0")
    html = r.get_data(as_text=True)
    assert r.status_code == 409
    assert "Texte de l&#39;onglet A" in html and "Texte de l&#39;onglet B" in html
    r = _post_reflection(client, "Texte de l'onglet B", action="save", revision="0", force="y")
    assert r.status_code == 302


def test_autosave_endpoint(client, make_user, login):
    login(make_user())
    token = csrf_token(client, "/exercices/alpha-chantier")
    headers = {"X-CSRFToken": token}
    r = client.post("/exercices/alpha-chantier/brouillon", json={"text": "Brouillon auto", "revision": 0}, headers=headers)
    assert r.status_code == 200 and r.get_json()["revision"] == 1
    r = client.post("/exercices/alpha-chantier/brouillon", json={"text": "Autre", "revision": 0}, headers=headers)
    assert r.status_code == 409 and r.get_json()["text"] == "Brouillon auto"
    r = client.post("/exercices/alpha-chantier/brouillon", json={"text": "x" * 9000, "revision": 1}, headers=headers)
    assert r.status_code == 422
    assert client.post("/exercices/alpha-chantier/brouillon", json={"text": "x"}).status_code == 400  # no CSRF


def test_delete_reflection_for_good(client, make_user, login, app):
    login(make_user())
    _post_reflection(client, "À supprimer.")
    token = csrf_token(client, "/exercices/alpha-chantier")
    client.post("/exercices/alpha-chantier/supprimer", data={"csrf_token": token})
    with app.app_context():
        assert db.session().scalar(select(Reflection)) is not None  # unconfirmed: kept
    client.post("/exercices/alpha-chantier/supprimer", data={"csrf_token": token, "confirm": "oui"})
    with app.app_context():
        assert db.session().scalar(select(Reflection)) is None
        assert db.session().scalar(select(ReflectionVersion)) is None


def test_journal_download_contains_situations_and_answers(client, make_user, login):
    login(make_user())
    _post_reflection(client, "Réponse pour le journal.")
    r = client.get("/journal/telecharger")
    assert r.status_code == 200 and "attachment" in r.headers["Content-Disposition"]
    body = r.get_data(as_text=True)
    assert "Réponse pour le journal." in body and "Une situation concrète (chantier)" in body


def _quiz_form(client):
    html = client.get("/quiz/alpha").get_data(as_text=True)
    return {"csrf_token": re.search(r'name="csrf_token" value="([^"]+)"', html).group(1),
            "nonce": re.search(r'name="nonce" value="([^"]+)"', html).group(1),
            "fingerprint": re.search(r'name="fingerprint" value="([^"]+)"', html).group(1)}


def test_quiz_attempts_feedback_double_post_and_bad_input(client, make_user, login, app):
    login(make_user())
    html = client.get("/quiz/alpha").get_data(as_text=True)
    assert html.count("<fieldset") == 6 and "<legend>" in html
    form = _quiz_form(client)
    answers = {"q-q1": "a", "q-q2": ["a"], "q-q3": "vrai", "q-q4": "b", "q-q5": "a", "q-q6": "vrai"}
    r = client.post("/quiz/alpha", data={**form, **answers})
    assert r.status_code == 302
    result = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "5/6" in result and "Non pour 4." in result and "Explication 4" in result and "rapport, <a class=\"source-link\" href=\"/source/1113-1125#l1113\">lignes 1113 à\u00a01125</a>" in result
    r2 = client.post("/quiz/alpha", data={**form, **answers})  # same form posted twice
    assert r2.headers["Location"] == r.headers["Location"]
    with app.app_context():
        assert len(db.session().scalars(select(QuizAttempt)).all()) == 1
    form = _quiz_form(client)
    r = client.post("/quiz/alpha", data={**form, **answers, "q-q1": "zzz"})
    assert r.status_code == 422 and "existe pas dans ce quiz" in r.get_data(as_text=True)
    r = client.post("/quiz/alpha", data={**form, "q-q1": "a"})
    assert r.status_code == 422 and "Répondez à toutes les questions" in r.get_data(as_text=True)
    r = client.post("/quiz/alpha", data={**form, **answers, "fingerprint": "ancien"})
    assert r.status_code == 409 and "a été modifié" in r.get_data(as_text=True)
    assert 'value="a" checked' in r.get_data(as_text=True)


def test_positioning_before_and_after(client, app, make_user, make_cohort, enrol_user, login):
    from datetime import date

    from training.cohorts.models import Cohort

    user = make_user()
    cohort = make_cohort(make_user("trainer"))
    enrol_user(cohort, user)
    with app.app_context():  # the group's last day is past: the end questionnaire is open
        c = db.session().get(Cohort, cohort.id)
        c.start_date, c.end_date = date(2020, 1, 6), date(2020, 1, 7)
        db.session().commit()
    login(user)
    token = csrf_token(client, "/positionnement/positionnement/debut")
    r = client.post("/positionnement/positionnement/debut", data={"csrf_token": token, "s-s01": "1"})
    assert r.status_code == 422 and "chacun des énoncés" in r.get_data(as_text=True)
    data = {f"s-s{i:02d}": "1" for i in range(1, 11)}
    assert client.post("/positionnement/positionnement/debut", data={"csrf_token": token, **data}).status_code == 302
    data = {f"s-s{i:02d}": "3" for i in range(1, 11)}
    assert client.post("/positionnement/positionnement/fin", data={"csrf_token": token, **data}).status_code == 302
    html = client.get("/positionnement/positionnement").get_data(as_text=True)
    assert html.count("+2") == 10 and "Pas du tout" in html and "Plutôt oui" in html


def test_module_complete_when_read_submitted_passed(client, make_user, login):
    login(make_user())
    token = csrf_token(client, "/modules/alpha")
    for sec in ["quoi", "qui", "effets", "comment", "methodes", "conditions", "exemples", "questionner", "a-retenir"]:
        client.post(f"/modules/alpha/lu/{sec}", data={"csrf_token": token})
    for ex in ["alpha-chantier", "alpha-guetteur"]:
        page = client.get(f"/exercices/{ex}").get_data(as_text=True)
        rev = re.search(r'name="revision" value="(\d+)"', page).group(1)
        client.post(f"/exercices/{ex}", data={"text": "Réponse.", "action": "submit", "revision": rev, "csrf_token": token})
    assert "module terminé" not in client.get("/modules/alpha").get_data(as_text=True)
    form = _quiz_form(client)
    client.post("/quiz/alpha", data={**form, "q-q1": "a", "q-q2": "a", "q-q3": "vrai", "q-q4": "a", "q-q5": "a", "q-q6": "vrai"})
    assert "module terminé" in client.get("/modules/alpha").get_data(as_text=True)
    assert "100&nbsp;%" in client.get("/parcours/complet").get_data(as_text=True)


def test_module_page_query_count_is_constant(client, make_user, login, app):
    login(make_user())
    token = csrf_token(client, "/modules/alpha")

    def count_queries():
        engine = db.database(app).engine
        n = [0]

        def before(*_a, **_k):
            n[0] += 1
        event.listen(engine, "before_cursor_execute", before)
        try:
            assert client.get("/modules/alpha").status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", before)
        return n[0]

    first = count_queries()
    for sec in ["quoi", "qui", "effets", "comment"]:
        client.post(f"/modules/alpha/lu/{sec}", data={"csrf_token": token})
    for _ in range(3):
        form = _quiz_form(client)
        client.post("/quiz/alpha", data={**form, "q-q1": "b", "q-q2": "a", "q-q3": "vrai", "q-q4": "a", "q-q5": "a", "q-q6": "vrai"})
    _post_reflection(client, "Une réponse.")
    assert count_queries() == first
    assert first <= 8, first

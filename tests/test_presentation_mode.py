"""Presentation mode in the room: the deck, its navigation without JavaScript, the group's syntheses, access."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event, select

from tests.conftest import PASSWORD, csrf_token
from training import db
from training.cohorts.models import Cohort
from training.learning.models import Reflection
from training.presentation.models import GroupSynthesis
from training.presentation.queries import syntheses_for

TOTAL = 8  # fixture module « alpha »: title, « À retenir », then 3 slides for each of its 2 exercises


def _deck(client, cohort, diapo=None):
    return client.get(f"/cohortes/{cohort.id}/presentation/alpha" + (f"?diapo={diapo}" if diapo is not None else ""))


def _post(client, cohort, text, exercise="alpha-chantier", **extra):
    token = csrf_token(client, f"/cohortes/{cohort.id}/presentation/alpha")
    return client.post(f"/cohortes/{cohort.id}/syntheses/{exercise}",
                       data={"body": text, "csrf_token": token, **extra})


def _rows(app):
    with app.app_context():
        return db.session().scalars(select(GroupSynthesis)).all()


def _visible_slides(html):
    return [int(n) for n, attrs in re.findall(r'<section class="slide[^"]*" id="diapo-(\d+)"([^>]*)>', html)
            if " hidden" not in attrs]


def _sign_in(client, user):
    token = csrf_token(client, "/connexion")
    client.post("/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": token})


@pytest.fixture
def trainer_cohort(make_user, make_cohort, login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    return trainer, cohort


def test_trainer_gets_the_whole_deck_in_large_type_without_inline_script(client, trainer_cohort):
    _, cohort = trainer_cohort
    r = _deck(client, cohort)
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert '<html lang="fr">' in html and "<main" in html
    assert 'href="/static/css/presentation.css"' in html and 'src="/static/js/presentation.js"' in html
    assert 'class="site-header"' not in html  # its own layout, not base.html's
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == [] and "style=" not in html and "onclick" not in html
    assert f'href="/cohortes/{cohort.id}/presentation">Quitter</a>' in html
    assert len(re.findall(r'<section class="slide ', html)) == TOTAL
    for text in ("Le cadre de vie (test)", "Un module de test construit sur la fiche 1.", "Distinguer les espaces",
                 "À retenir", "Un autre point.", "Une situation concrète (chantier).", "Décrivez ce que vous feriez",
                 "Qui cela concerne-t-il", "Repères pour le débriefing", "Repère trois",
                 "Une situation concrète (guetteur).", "Synthèse du groupe", "Pas de noms&nbsp;: la synthèse est anonyme"):
        assert text in html, text
    assert html.count('name="body"') == 2 and html.count('maxlength="4000"') == 2
    assert _visible_slides(html) == [1]
    response = client.get("/static/css/presentation.css")
    css = response.get_data(as_text=True)
    response.close()
    assert re.search(r"\.slides \{ font-size: 2\.[2-9]rem; \}", css)  # large type on wide screens


def test_navigation_without_javascript(client, trainer_cohort):
    _, cohort = trainer_cohort
    base = f"/cohortes/{cohort.id}/presentation/alpha"
    html = _deck(client, cohort, 2).get_data(as_text=True)
    assert f"Diapositive 2 / {TOTAL}" in html and _visible_slides(html) == [2]
    assert re.search(rf'data-nav="prev" rel="prev" href="{base}\?diapo=1">.*Précédent</a>', html)
    assert re.search(rf'data-nav="next" rel="next" href="{base}\?diapo=3">Suivant', html)
    first = _deck(client, cohort, 1).get_data(as_text=True)
    assert 'data-nav="prev" rel="prev" aria-disabled="true"' in first and f"Diapositive 1 / {TOTAL}" in first
    last = _deck(client, cohort, TOTAL).get_data(as_text=True)
    assert 'data-nav="next" rel="next" aria-disabled="true"' in last and _visible_slides(last) == [TOTAL]
    assert _visible_slides(_deck(client, cohort, 99).get_data(as_text=True)) == [TOTAL]
    assert _visible_slides(_deck(client, cohort, "x").get_data(as_text=True)) == [1]


def test_index_lists_modules_and_syntheses(client, trainer_cohort):
    _, cohort = trainer_cohort
    html = client.get(f"/cohortes/{cohort.id}/presentation").get_data(as_text=True)
    assert f'href="/cohortes/{cohort.id}/presentation/alpha">Présenter ce module</a>' in html
    assert "Exercice chantier" in html and "Exercice guetteur" in html and html.count("Aucune synthèse enregistrée") == 2
    _post(client, cohort, "Le groupe retient qu'il faut vérifier les faits avant de décider.")
    html = client.get(f"/cohortes/{cohort.id}/presentation").get_data(as_text=True)
    assert "vérifier les faits avant de décider" in html and html.count("Aucune synthèse enregistrée") == 1
    assert f'href="/cohortes/{cohort.id}/presentation/alpha?diapo=5">Modifier la synthèse</a>' in html


def test_save_then_update_a_synthesis(client, trainer_cohort, app):
    trainer, cohort = trainer_cohort
    r = _post(client, cohort, "Première synthèse : partir des faits, pas de la rumeur.")
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/cohortes/{cohort.id}/presentation/alpha?diapo=5")
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Synthèse du groupe enregistrée." in html and _visible_slides(html) == [5]
    assert "Première synthèse : partir des faits" in html and "Mettre à jour la synthèse" in html
    [row] = _rows(app)
    assert (row.cohort_id, row.exercise_slug, row.updated_by_id) == (cohort.id, "alpha-chantier", trainer.id)
    first_time = row.updated_at
    r = _post(client, cohort, "Synthèse revue :\r\nne pas rester seul.")
    assert r.status_code == 302
    [row] = _rows(app)
    assert row.body == "Synthèse revue :\nne pas rester seul." and row.updated_at >= first_time
    r = _post(client, cohort, "Autre exercice, autre synthèse.", exercise="alpha-guetteur")
    assert r.headers["Location"].endswith("?diapo=8") and len(_rows(app)) == 2


def test_possible_names_need_a_confirmation(client, trainer_cohort, app):
    _, cohort = trainer_cohort
    text = "Le groupe pense, comme Kevin et Fatoumata, que le lien compte."
    r = _post(client, cohort, text)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "semble contenir des noms de personnes" in html
    assert "<strong>Kevin, Fatoumata</strong>" in html and 'name="names_ok"' in html
    assert text in html and _visible_slides(html) == [5]  # nothing lost, back on the synthesis slide
    assert _rows(app) == []
    r = _post(client, cohort, text, names_ok="y")
    assert r.status_code == 302 and [x.body for x in _rows(app)] == [text]


def test_length_limit_and_empty_text_lose_nothing(client, trainer_cohort, app):
    _, cohort = trainer_cohort
    long_text = "point clé " * 400 + "fin"
    r = _post(client, cohort, long_text)
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "dépasse la limite de 4000\u00a0caractères (4003\u00a0caractères)" in html
    assert long_text in html and 'aria-invalid="true"' in html and _visible_slides(html) == [5]
    r = _post(client, cohort, "   ")
    assert r.status_code == 422 and "La synthèse est vide" in r.get_data(as_text=True)
    assert _rows(app) == []
    # Line breaks count once, as in the browser's counter.
    r = _post(client, cohort, "a\r\n" * 1999 + "bc")
    assert r.status_code == 302 and len(_rows(app)[0].body) == 4000


def test_exercise_or_module_outside_the_path_is_not_found(client, trainer_cohort, app):
    _, cohort = trainer_cohort
    assert client.get(f"/cohortes/{cohort.id}/presentation/inconnu").status_code == 404
    assert _post(client, cohort, "Texte.", exercise="inconnu").status_code == 404
    with app.app_context():  # the cohort's path no longer holds module « alpha »
        s = db.session()
        s.get(Cohort, cohort.id).path_slug = "ancien-parcours"
        s.commit()
    assert _deck(client, cohort).status_code == 404
    token = csrf_token(client, f"/cohortes/{cohort.id}/presentation")
    r = client.post(f"/cohortes/{cohort.id}/syntheses/alpha-chantier", data={"body": "Texte.", "csrf_token": token})
    assert r.status_code == 404 and _rows(app) == []
    assert "aucun module disponible" in client.get(f"/cohortes/{cohort.id}/presentation").get_data(as_text=True)


def test_others_get_404_and_visitors_the_login_page(app, client, make_user, make_cohort, enrol_user):
    owner = make_user("trainer")
    cohort = make_cohort(owner)
    trainee = make_user("trainee")
    enrol_user(cohort, trainee)
    other = make_user("trainer")
    make_cohort(other, "Autre groupe")
    urls = [f"/cohortes/{cohort.id}/presentation", f"/cohortes/{cohort.id}/presentation/alpha?diapo=4"]
    for url in urls:
        r = client.get(url)
        assert r.status_code == 302 and "/connexion" in r.headers["Location"]
    token = csrf_token(client, "/connexion")
    r = client.post(f"/cohortes/{cohort.id}/syntheses/alpha-chantier", data={"body": "Anonyme.", "csrf_token": token})
    assert r.status_code == 302 and "/connexion" in r.headers["Location"]
    for user in (other, trainee):
        c = app.test_client()
        _sign_in(c, user)
        for url in urls:
            assert c.get(url).status_code == 404, (user.role, url)
        token = csrf_token(c, "/rejoindre")
        r = c.post(f"/cohortes/{cohort.id}/syntheses/alpha-chantier", data={"body": "Intrusion.", "csrf_token": token})
        assert r.status_code == 404
    assert client.get("/cohortes/9999/presentation").status_code == 302
    assert _rows(app) == []
    admin = make_user("admin")
    c = app.test_client()
    _sign_in(c, admin)
    assert c.get(urls[1]).status_code == 200


def test_deck_holds_no_facilitator_notes_nor_trainee_reflections(app, client, make_user, make_cohort, enrol_user,
                                                                 login):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    trainee = make_user("trainee")
    enrol_user(cohort, trainee)
    c = app.test_client()
    _sign_in(c, trainee)
    token = csrf_token(c, "/exercices/alpha-chantier")
    secret = "Réflexion personnelle partagée, à ne jamais projeter."
    c.post("/exercices/alpha-chantier", data={"text": secret, "action": "submit", "revision": "0", "csrf_token": token})
    c.post("/exercices/alpha-chantier/partage", data={"cohort": str(cohort.id), "csrf_token": token})
    login(trainer)
    with app.app_context():  # the setup worked: submitted and shared with this cohort
        shared = db.session().scalar(select(Reflection.shared_cohort_id).where(Reflection.body == secret))
    assert shared == cohort.id
    with app.app_context():
        from training.content.views import registry

        notes = registry().facilitator["alpha"]
        paragraphs = [p for sec in notes.sections for p in re.findall(r"<p>(.*?)</p>", sec.html, re.DOTALL)]
    assert "Note secrète du formateur" in " ".join(paragraphs) and len(paragraphs) == 6
    for url in (f"/cohortes/{cohort.id}/presentation", f"/cohortes/{cohort.id}/presentation/alpha"):
        html = client.get(url).get_data(as_text=True)
        assert secret not in html
        for p in paragraphs:
            assert p not in html, p
        assert "/animation/modules/alpha" not in html


def test_syntheses_for_is_one_query(client, trainer_cohort, app):
    _, cohort = trainer_cohort
    _post(client, cohort, "Synthèse A.")
    _post(client, cohort, "Synthèse B.", exercise="alpha-guetteur")
    with app.app_context():
        s = db.session()
        c = s.get(Cohort, cohort.id)
        statements = []
        listener = lambda *args: statements.append(args[2])
        event.listen(db.database().engine, "before_cursor_execute", listener)
        try:
            found = syntheses_for(s, c)
        finally:
            event.remove(db.database().engine, "before_cursor_execute", listener)
    assert {k: v.body for k, v in found.items()} == {"alpha-chantier": "Synthèse A.", "alpha-guetteur": "Synthèse B."}
    assert len(statements) == 1

"""What a user notices on the pages: a favicon, the accessibility statement from every page, sources
that read well with a way back, the end questionnaire opening at the right time, quiz answers that
survive a lost session, one « plusieurs réponses possibles »."""
from __future__ import annotations

import re
from datetime import date
from html import unescape

from training import db
from training.cohorts.models import Cohort
from tests.conftest import csrf_token

NBSP = "\u00a0"


def test_favicon_is_served_locally(client):
    with client.get("/favicon.ico") as r:
        assert r.status_code == 200 and r.mimetype == "image/vnd.microsoft.icon" and r.data[:4] == b"\0\0\1\0"
    page = client.get("/connexion").get_data(as_text=True)
    assert 'rel="icon" href="/static/favicon.svg"' in page
    for name in ("favicon.svg", "favicon.png"):
        with client.get(f"/static/{name}") as r:
            assert r.status_code == 200 and r.data


def test_every_page_links_the_accessibility_statement(client, login, make_user):
    assert 'href="/accessibilite">Accessibilité&nbsp;: non conforme</a>' in client.get("/connexion").get_data(as_text=True)
    login(make_user())
    for path in ("/", "/modules/alpha", "/journal", "/fiches-actions", "/nulle-part"):
        assert 'href="/accessibilite"' in client.get(path).get_data(as_text=True), path
    page = client.get("/accessibilite").get_data(as_text=True)
    assert "<h1>Déclaration d'accessibilité</h1>" in page and "<strong>non conforme</strong>" in page
    for words in ("RGAA", "axe-core", "Pages vérifiées", "Limites connues", "Défenseur des droits",
                  "Libre réponse 71120", "saisir son nom"):
        assert words in page, words


def test_accessibility_contact_comes_from_the_configuration(make_app):
    page = make_app(ACCESSIBILITY_CONTACT="accessibilite@exemple.fr").test_client().get("/accessibilite")
    assert 'href="mailto:accessibilite@exemple.fr"' in page.get_data(as_text=True)


def test_source_page_reads_as_text_with_one_line_or_several_and_a_way_back(client, login, make_user):
    login(make_user())
    module = client.get("/modules/alpha").get_data(as_text=True)
    assert re.search(r'rapport, <a class="source-link"[^>]*>lignes? \d', module) and "rapport, l. " not in module
    one = client.get("/source/206-206").get_data(as_text=True)
    assert f"ligne{NBSP}206" in one and "lignes 206 à" not in one
    several = client.get("/source/322-325", headers={"Referer": "http://localhost/modules/alpha"})
    html = several.get_data(as_text=True)
    assert f"lignes 322 à{NBSP}325" in html
    assert '<a href="/modules/alpha" data-back>← Retour au passage</a>' in html
    assert "**" not in html and "<strong>" in client.get("/source/208-208").get_data(as_text=True)
    foreign = client.get("/source/322-325", headers={"Referer": "http://ailleurs.example/page"})
    assert "Retour au passage" not in foreign.get_data(as_text=True)


def test_sources_name_the_report_once(client, login, make_user):
    login(make_user())
    html = client.get("/exercices/alpha-chantier").get_data(as_text=True)
    source = html[html.index("Source&nbsp;:"):]
    source = source[:source.index("</p>")]
    assert source.count("rapport") == 1 and "l. " not in source


def test_end_questionnaire_opens_on_the_groups_last_day_and_says_when(app, client, login, make_user, make_cohort,
                                                                      enrol_user):
    user = make_user()
    cohort = make_cohort(make_user("trainer"))
    enrol_user(cohort, user)
    with app.app_context():
        c = db.session().get(Cohort, cohort.id)
        c.start_date, c.end_date = date(2999, 3, 2), date(2999, 3, 5)
        db.session().commit()
    login(user)
    page = client.get("/positionnement/positionnement/fin").get_data(as_text=True)
    assert "sera disponible le mardi 5 mars 2999, dernier jour de votre groupe" in page
    assert f"0{NBSP}module terminé sur 1" in page and 'name="s-s01"' not in page
    token = csrf_token(client, "/positionnement/positionnement/debut")
    answers = {f"s-s{i:02d}": "2" for i in range(1, 11)}
    assert client.post("/positionnement/positionnement/fin", data={"csrf_token": token, **answers}).status_code == 403
    assert client.post("/positionnement/positionnement/debut", data={"csrf_token": token, **answers}).status_code == 302
    with app.app_context():
        c = db.session().get(Cohort, cohort.id)
        c.start_date, c.end_date = date(2020, 3, 2), date(2020, 3, 5)
        db.session().commit()
    assert 'name="s-s01"' in client.get("/positionnement/positionnement/fin").get_data(as_text=True)
    assert client.post("/positionnement/positionnement/fin", data={"csrf_token": token, **answers}).status_code == 302


def test_quiz_posted_after_the_session_was_lost_keeps_the_answers(app, make_user):
    user = make_user()
    c = app.test_client()
    c.post("/connexion", data={"email": user.email, "password": "mot-de-passe-solide",
                               "csrf_token": csrf_token(c, "/connexion")})
    token = csrf_token(c, "/quiz/alpha")
    c.delete_cookie("session")  # the cookie is gone (browser closed, expired…)
    r = c.post("/quiz/alpha", data={"csrf_token": token, "q-q1": "a", "q-q2": ["a", "b"], "q-q3": "faux"})
    assert r.status_code == 303 and r.headers["Location"].startswith("/connexion?next=")
    login_page = c.get(r.headers["Location"]).get_data(as_text=True)
    assert "Vos réponses sont gardées" in unescape(login_page)
    r = c.post(r.headers["Location"], data={"email": user.email, "password": "mot-de-passe-solide",
                                            "csrf_token": csrf_token(c, "/connexion")})
    quiz = c.get(r.headers["Location"]).get_data(as_text=True)
    for checked in ('id="q-q1-a" name="q-q1" value="a" checked', 'id="q-q2-a" name="q-q2" value="a" checked',
                    'id="q-q2-b" name="q-q2" value="b" checked', 'id="q-q3-faux" name="q-q3" value="faux" checked'):
        assert checked in quiz, checked
    assert "Vos réponses ont été gardées" in unescape(quiz)


def test_a_quiz_question_says_plusieurs_reponses_possibles_once(client, login, make_user):
    login(make_user())
    html = client.get("/quiz/alpha").get_data(as_text=True).lower()
    assert html.count("plusieurs réponses possibles") == 1


def test_the_answer_box_has_no_maxlength_that_would_cut_a_paste(client, login, make_user):
    login(make_user())
    html = client.get("/exercices/alpha-chantier").get_data(as_text=True)
    assert 'data-max="8000"' in html and "maxlength=\"8000\"" not in html
    assert f"8{chr(0x202f)}000&nbsp;caractères au plus" in html

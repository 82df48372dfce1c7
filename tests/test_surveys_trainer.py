"""Satisfaction surveys, trainer side: links and answered flags, « à froid » date, results, mailing, access, CSV."""
from __future__ import annotations

import csv
import email
import email.policy
import io
import re
import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import event, select

from training import db
from training.cohorts.models import Cohort, Participant
from training.surveys.queries import survey_summary_csv, today_paris
from training.surveys.questions import CHAUD
from tests.conftest import PASSWORD, csrf_token
from tests.test_surveys_flow import GOOD, link_for, post_answers, set_dates


def manage_url(cohort):
    return f"/cohortes/{cohort.id}/questionnaires"


def personal_links(html):
    """{participant name: personal link} of the first table on the page (« à chaud »)."""
    table = html.split('<table class="survey-links">')[1].split("</table>")[0]
    return dict(re.findall(r'<th scope="row">([^<]+)</th>\s*<td><code class="survey-link">([^<]+)</code></td>', table))


def answered_flags(html):
    table = html.split('<table class="survey-links">')[1].split("</table>")[0]
    return dict(re.findall(r'<th scope="row">([^<]+)</th>.*?<td>(?:<span class="badge">)?(Oui|Non)', table, re.DOTALL))


@pytest.fixture
def setup(app, make_user, make_cohort, make_participant, enrol_user):
    trainer = make_user("trainer", name="Claire Formatrice")
    cohort = make_cohort(trainer, name="Groupe Nord")
    trainee = make_user(name="Inès Stagiaire")
    enrol_user(cohort, trainee)
    for name in ("Karim Gardien", "Luc Gardien", "Nadia Gardienne"):
        make_participant(cohort, name)
    set_dates(app, cohort, today_paris() - timedelta(days=2))
    return trainer, cohort, trainee


def participant_id(app, name):
    with app.app_context():
        return db.session().scalar(select(Participant.id).where(Participant.full_name == name))


def answer(app, name, **changes):
    client = app.test_client()
    assert post_answers(client, link_for(app, participant_id(app, name)), {**GOOD, **changes}).status_code == 302


def test_trainer_sees_personal_links_and_who_answered(app, client, login, setup):
    trainer, cohort, _ = setup
    login(trainer)
    html = client.get(manage_url(cohort)).get_data(as_text=True)
    links = personal_links(html)
    assert set(links) == {"Inès Stagiaire", "Karim Gardien", "Luc Gardien", "Nadia Gardienne"}
    karim = links["Karim Gardien"]
    assert karim.startswith("http://localhost/questionnaire/") and karim.endswith(
        link_for(app, participant_id(app, "Karim Gardien")))
    assert set(answered_flags(html).values()) == {"Non"}
    assert "Ouvert depuis le" in html and "Pas encore programmé" in html
    assert "Envoyer les liens par courriel" not in html  # no SMTP server configured
    # The link works for the caretaker, with no account and nobody logged in.
    other = app.test_client()
    assert post_answers(other, karim.removeprefix("http://localhost"), GOOD).status_code == 302
    html = client.get(manage_url(cohort)).get_data(as_text=True)
    assert answered_flags(html) == {"Inès Stagiaire": "Non", "Karim Gardien": "Oui", "Luc Gardien": "Non",
                                    "Nadia Gardienne": "Non"}
    assert "1 sur 4 a répondu" in html


def test_results_only_from_three_responses(app, client, login, setup):
    trainer, cohort, _ = setup
    login(trainer)
    answer(app, "Karim Gardien", animation="2", plus_utile="Le travail sur le hall du bâtiment B.")
    answer(app, "Luc Gardien", animation="4", plus_utile="")
    html = client.get(manage_url(cohort)).get_data(as_text=True)
    assert "2 réponses pour l'instant" in html and "à partir de 3&nbsp;réponses" in html
    assert "<svg" not in html and "hall du bâtiment B" not in html
    answer(app, "Nadia Gardienne", animation="4", plus_utile="Rencontrer les partenaires.")
    html = client.get(manage_url(cohort)).get_data(as_text=True)
    assert "<svg" in html and 'fill="#0b5d8a"' in html and "style=" not in html and "<script>" not in html
    assert html.count('<figure class="survey-chart">') == len(CHAUD.scale_questions)
    # Animation: one 2, two 4s -> mean 3,3; the longest bar is the full width, the shorter one half of it.
    chart = html.split("L&#39;animation était de qualité")[1].split("</svg>")[0]
    assert "Moyenne&nbsp;: 3,3 sur 5 · 3 réponses" in chart
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', chart)]
    assert widths == [0, 150.0, 0, 300.0, 0]
    # The table gives the same figures as text.
    row = re.search(r"<tr><th scope=\"row\">L&#39;animation.*?</tr>", html).group(0)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["0", "1", "0", "2", "0", "3,3"]
    # Free texts: listed without name nor date, and the empty answer is not listed.
    texts = html.split("Réponses libres")[1].split("</section>")[0]
    assert "Le travail sur le hall du bâtiment B." in texts and "Rencontrer les partenaires." in texts
    assert "Gardien" not in texts and str(today_paris().year) not in texts


def test_cold_survey_date_must_be_one_to_three_months_after_the_end(app, client, login, setup):
    trainer, cohort, _ = setup
    login(trainer)
    end = today_paris() - timedelta(days=2)
    url = manage_url(cohort)
    for bad in ((end + timedelta(days=20)).isoformat(), (end + timedelta(days=100)).isoformat(), "pas-une-date", ""):
        r = client.post(url, data={"action": "date", "cold_survey_on": bad, "csrf_token": csrf_token(client, url)})
        assert r.status_code == 422
        html = r.get_data(as_text=True)
        assert "entre un et trois mois après la fin" in html or "Indiquez une date valide" in html
    with app.app_context():
        assert db.session().get(Cohort, cohort.id).cold_survey_on is None
    good = end + timedelta(days=45)
    r = client.post(url, data={"action": "date", "cold_survey_on": good.isoformat(),
                               "csrf_token": csrf_token(client, url)}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "La date du questionnaire à froid est enregistrée." in html and "il s'ouvrira le" in html
    with app.app_context():
        assert db.session().get(Cohort, cohort.id).cold_survey_on == good


def test_page_is_only_for_the_cohort_trainers(app, client, login, setup, make_user):
    _, cohort, trainee = setup
    url = manage_url(cohort)
    r = client.get(url)
    assert r.status_code == 302 and "/connexion" in r.headers["Location"]
    assert client.post(url, data={"action": "send", "kind": "chaud"}).status_code in (302, 400)
    login(trainee)
    assert client.get(url).status_code == 404
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")})
    login(make_user("trainer"))
    assert client.get(url).status_code == 404
    r = client.post(url, data={"action": "date", "cold_survey_on": today_paris().isoformat(),
                               "csrf_token": csrf_token(client, "/")})
    assert r.status_code == 404
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")})
    login(make_user("admin"))
    assert client.get(url).status_code == 200
    assert client.get("/cohortes/99999/questionnaires").status_code == 404


def test_page_queries_do_not_grow_with_the_roster(app, client, login, setup, make_participant):
    trainer, cohort, _ = setup
    login(trainer)
    engine = db.database(app).engine
    seen = []

    def listener(*args):
        seen.append(1)

    event.listen(engine, "before_cursor_execute", listener)
    try:
        client.get(manage_url(cohort))
        few = len(seen)
        for n in range(6):
            make_participant(cohort, f"Personne {n}")
        answer(app, "Karim Gardien")
        seen.clear()
        client.get(manage_url(cohort))
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert len(seen) == few


def test_summary_csv_has_aggregates_and_no_free_text(app, setup):
    _, cohort, _ = setup
    for name, value in (("Karim Gardien", "5"), ("Luc Gardien", "4"), ("Nadia Gardienne", "4")):
        answer(app, name, objectifs=value, plus_utile=f"Texte libre de {name}")
    with app.app_context():
        text = survey_summary_csv(db.session(), db.session().get(Cohort, cohort.id))
    assert "Texte libre" not in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["question", "questionnaire", "réponses", "moyenne", "1", "2", "3", "4", "5"]
    first = rows[1]
    assert first == ["Les objectifs annoncés de la formation ont été atteints.", "à chaud", "3", "4,33",
                     "0", "0", "0", "2", "1"]
    cold = [r for r in rows[1:] if r[1] == "à froid"]
    assert cold and all(r[2] == "0" and r[3:] == [""] * 6 for r in cold)  # too few responses: count only
    assert len(rows) == 1 + len(CHAUD.scale_questions) + len(cold)


# -- mailing through a real local SMTP server ---------------------------------------------

class Collector:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(envelope)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    handler = Collector()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def test_links_are_mailed_to_participants_with_an_account_who_have_not_answered(make_app, setup, make_user,
                                                                                  enrol_user, smtp_server):
    trainer, cohort, trainee = setup
    handler, port = smtp_server
    answered = make_user(name="Paul Répondu", email="paul@test.fr")
    enrol_user(cohort, answered)
    mail_app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_FROM="formation@test.fr")
    answer(mail_app, "Paul Répondu")
    client = mail_app.test_client()
    client.post("/connexion", data={"email": trainer.email, "password": PASSWORD,
                                    "csrf_token": csrf_token(client, "/connexion")})
    url = manage_url(cohort)
    html = client.get(url).get_data(as_text=True)
    assert html.count("Envoyer les liens par courriel") == 1  # « à chaud » only: « à froid » is not open
    r = client.post(url, data={"action": "send", "kind": "chaud", "csrf_token": csrf_token(client, url)},
                    follow_redirects=True)
    assert "1 courriel envoyé aux participants qui n&#39;ont pas encore répondu." in r.get_data(as_text=True)
    assert len(handler.messages) == 1
    envelope = handler.messages[0]
    assert envelope.rcpt_tos == [trainee.email] and envelope.mail_from == "formation@test.fr"
    msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    body = msg.get_body().get_content()
    assert "questionnaire à chaud" in msg["Subject"] and "Bonjour Inès Stagiaire" in body
    assert "http://localhost" + link_for(mail_app, participant_id(mail_app, "Inès Stagiaire")) in body
    assert "anonymes" in body
    # « À froid » is not open yet: nothing is sent.
    r = client.post(url, data={"action": "send", "kind": "froid", "csrf_token": csrf_token(client, url)},
                    follow_redirects=True)
    assert "pas encore programmé" in r.get_data(as_text=True) and len(handler.messages) == 1


def test_unreachable_mail_server_is_reported_in_french(make_app, setup):
    trainer, cohort, _ = setup
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # nothing listens there any more
    mail_app = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_FROM="formation@test.fr")
    client = mail_app.test_client()
    client.post("/connexion", data={"email": trainer.email, "password": PASSWORD,
                                    "csrf_token": csrf_token(client, "/connexion")})
    url = manage_url(cohort)
    r = client.post(url, data={"action": "send", "kind": "chaud", "csrf_token": csrf_token(client, url)},
                    follow_redirects=True)
    assert "Le serveur de courriel n&#39;a pas pu être joint" in r.get_data(as_text=True)

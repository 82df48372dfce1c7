"""Satisfaction surveys, trainer side: who answered, coupons, « à froid » date, results by batches, mailing, access,
CSV."""
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
from training.accounts.models import User
from training.cohorts.models import Cohort, Participant
from training.surveys.queries import survey_summary_csv, today_paris
from training.surveys.questions import CHAUD
from tests.conftest import PASSWORD, csrf_token
from tests.test_surveys_flow import GOOD, link_for, post_answers, set_dates


def manage_url(cohort):
    return f"/cohortes/{cohort.id}/questionnaires"


def access_cells(html):
    """{participant name: how they reach the survey} in the first table on the page (« à chaud »)."""
    table = html.split('<table class="survey-links">')[1].split("</table>")[0]
    return {name: " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for name, cell in re.findall(r'<th scope="row">([^<]+)</th>\s*<td>(.*?)</td>', table, re.DOTALL)}


def print_coupons(client, cohort, kind="chaud", participant=""):
    url = manage_url(cohort)
    return client.post(url, data={"action": "coupons", "kind": kind, "participant": participant,
                                  "csrf_token": csrf_token(client, url)})


def coupon_links(html):
    """{name: path} of the coupons on a printed sheet."""
    return {name: path for name, path in re.findall(
        r'<li class="survey-coupon">\s*<p><strong>([^<]+)</strong>.*?<code class="survey-link">http://localhost([^<]+)</code>',
        html, re.DOTALL)}


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
    """`name` answers « à chaud »: signed in if they have an account, else with a fresh coupon."""
    client = app.test_client()
    with app.app_context():
        p = db.session().scalar(select(Participant).where(Participant.full_name == name))
        email_address = p.user_id and db.session().get(User, p.user_id).email
    if email_address:
        client.post("/connexion", data={"email": email_address, "password": PASSWORD,
                                        "csrf_token": csrf_token(client, "/connexion")})
        path = f"/questionnaires/{p.cohort_id}/chaud"
    else:
        path = link_for(app, p.id)
    assert post_answers(client, path, {**GOOD, **changes}).status_code == 302


def test_trainer_sees_who_answered_but_no_link_to_answer_with(app, client, login, setup):
    trainer, cohort, _ = setup
    login(trainer)
    html = client.get(manage_url(cohort)).get_data(as_text=True)
    assert "/questionnaire/" not in html and "/questionnaires/" not in html
    cells = access_cells(html)
    assert cells["Inès Stagiaire"] == "Sur sa page d'accueil (compte)"
    assert cells["Karim Gardien"].startswith("Pas encore de coupon")
    assert set(answered_flags(html).values()) == {"Non"}
    assert "Ouvert depuis le" in html and "Pas encore programmé" in html
    assert "Envoyer un rappel par courriel" not in html  # no SMTP server configured
    # Printing the coupons shows each code once, for the three participants without an account.
    sheet = print_coupons(client, cohort)
    assert sheet.status_code == 200 and sheet.headers["Cache-Control"] == "no-store"
    coupons = coupon_links(sheet.get_data(as_text=True))
    assert set(coupons) == {"Karim Gardien", "Luc Gardien", "Nadia Gardienne"}
    html = client.get(manage_url(cohort)).get_data(as_text=True)
    assert not any(path in html for path in coupons.values())
    assert access_cells(html)["Karim Gardien"].startswith(f"Coupon imprimé le")
    # The coupon works for the caretaker, with no account and nobody logged in, once.
    other = app.test_client()
    assert post_answers(other, coupons["Karim Gardien"], GOOD).status_code == 302
    assert other.get(coupons["Karim Gardien"]).status_code == 404
    html = client.get(manage_url(cohort)).get_data(as_text=True)
    assert answered_flags(html) == {"Inès Stagiaire": "Non", "Karim Gardien": "Oui", "Luc Gardien": "Non",
                                    "Nadia Gardienne": "Non"}
    assert access_cells(html)["Karim Gardien"] == "Coupon utilisé" and "1 sur 4 a répondu" in html
    # A new coupon for Luc voids the one printed before; nobody who answered gets one again.
    again = coupon_links(print_coupons(client, cohort, participant=str(participant_id(app, "Luc Gardien")))
                         .get_data(as_text=True))
    assert set(again) == {"Luc Gardien"} and again["Luc Gardien"] != coupons["Luc Gardien"]
    assert other.get(coupons["Luc Gardien"]).status_code == 404 and other.get(again["Luc Gardien"]).status_code == 200
    assert coupon_links(print_coupons(client, cohort).get_data(as_text=True)).keys() == {"Luc Gardien",
                                                                                          "Nadia Gardienne"}
    # « À froid » is not open: no coupon.
    r = print_coupons(client, cohort, "froid")
    assert r.status_code == 302


def test_results_from_five_responses_then_by_batches_of_five(app, client, login, setup, make_participant):
    trainer, cohort, _ = setup
    for name in ("Omar Gardien", "Sami Gardien", "Théo Gardien"):
        make_participant(cohort, name)
    login(trainer)
    for name, value in (("Karim Gardien", "2"), ("Luc Gardien", "4"), ("Nadia Gardienne", "4"), ("Omar Gardien", "4")):
        answer(app, name, animation=value, plus_utile=f"Le travail de {name} sur le hall du bâtiment B.")
    html = client.get(manage_url(cohort)).get_data(as_text=True)
    assert "Pas encore de résultats" in html and "à partir de\n    5&nbsp;réponses" in html
    assert "<svg" not in html and "hall du bâtiment B" not in html
    answer(app, "Sami Gardien", animation="4", plus_utile="")
    html = client.get(manage_url(cohort)).get_data(as_text=True)
    assert "<svg" in html and 'fill="#0b5d8a"' in html and "style=" not in html and "<script>" not in html
    assert html.count('<figure class="survey-chart">') == len(CHAUD.scale_questions)
    # Animation: one 2, four 4s -> mean 3,6; the longest bar is the full width, the shorter one a quarter of it.
    chart = html.split("L&#39;animation était de qualité")[1].split("</svg>")[0]
    assert "Moyenne&nbsp;: 3,6 sur 5 · 5 réponses" in chart
    widths = [float(w) for w in re.findall(r'<rect [^>]*width="([\d.]+)"', chart)]
    assert widths == [0, 75.0, 0, 300.0, 0]
    # The table gives the same figures as text.
    row = re.search(r"<tr><th scope=\"row\">L&#39;animation.*?</tr>", html).group(0)
    assert re.findall(r"<td>([^<]*)</td>", row) == ["0", "1", "0", "4", "0", "3,6"]
    # Free texts: listed without name nor date, and the empty answer is not listed.
    texts = html.split("Réponses libres")[1].split("</section>")[0]
    assert texts.count("sur le hall du bâtiment B.") == 4 and "<li" in texts
    assert "Gardien </li>" not in texts and str(today_paris().year) not in texts
    # A sixth answer waits for the next batch: the results do not move, its text is not shown.
    answer(app, "Théo Gardien", animation="1", plus_utile="Une réponse qui attend son groupe.")
    html = client.get(manage_url(cohort)).get_data(as_text=True)
    assert "Moyenne&nbsp;: 3,6 sur 5 · 5 réponses" in html and "attend son groupe" not in html
    assert "1 réponse plus récente\n    s'ajoutera aux résultats avec le prochain groupe de 5" in html


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


def test_summary_csv_has_aggregates_and_no_free_text(app, setup, make_participant):
    _, cohort, _ = setup
    make_participant(cohort, "Omar Gardien")
    for name, value in (("Karim Gardien", "5"), ("Luc Gardien", "4"), ("Nadia Gardienne", "4"),
                        ("Inès Stagiaire", "3"), ("Omar Gardien", "3")):
        answer(app, name, objectifs=value, plus_utile=f"Texte libre de {name}")
    with app.app_context():
        text = survey_summary_csv(db.session(), db.session().get(Cohort, cohort.id))
    assert "Texte libre" not in text
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0] == ["question", "questionnaire", "réponses", "moyenne", "1", "2", "3", "4", "5"]
    first = rows[1]
    assert first == ["Les objectifs annoncés de la formation ont été atteints.", "à chaud", "5", "3,80",
                     "0", "0", "2", "2", "1"]
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
    assert html.count("Envoyer un rappel par courriel") == 1  # « à chaud » only: « à froid » is not open
    r = client.post(url, data={"action": "send", "kind": "chaud", "csrf_token": csrf_token(client, url)},
                    follow_redirects=True)
    assert "1\u00a0courriel envoyé aux participants qui n&#39;ont pas encore répondu." in r.get_data(as_text=True)
    assert len(handler.messages) == 1
    envelope = handler.messages[0]
    assert envelope.rcpt_tos == [trainee.email] and envelope.mail_from == "formation@test.fr"
    msg = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
    body = msg.get_body().get_content()
    assert "questionnaire à chaud" in msg["Subject"] and "Bonjour Inès Stagiaire" in body
    assert f"http://localhost/questionnaires/{cohort.id}/chaud" in body and "connecté·e à votre compte" in body
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

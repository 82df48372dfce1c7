"""Satisfaction surveys, participant side: coupons and signed-in links, opening dates, answering once, anonymity,
home prompt."""
from __future__ import annotations

import logging
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, inspect, select

from training import db
from training.attendance.models import CourseSession
from training.cohorts.models import Cohort, Participant
from training.db import utcnow
from training.surveys.models import SurveyReceipt, SurveyResponse
from training.surveys.queries import today_paris
from training.surveys.questions import CHAUD, FROID, SURVEYS
from training.surveys.coupons import issue_coupons
from training.surveys.tokens import code_hash
from tests.conftest import csrf_token

GOOD = {"objectifs": "5", "utilite": "4", "animation": "5", "organisation": "3", "confiance": "4", "global": "5",
        "plus_utile": "Les études de cas sur les halls d'immeuble.", "ameliorer": ""}


def set_dates(app, cohort, end, cold=None):
    """Move a cohort in time: it ended on `end`, its « à froid » survey opens on `cold`."""
    with app.app_context():
        s = db.session()
        c = s.get(Cohort, cohort.id)
        c.start_date, c.end_date, c.cold_survey_on = end - timedelta(days=1), end, cold
        s.commit()
    # conftest's enrol_user merges the detached object back: keep it in step with the database.
    cohort.start_date, cohort.end_date, cohort.cold_survey_on = end - timedelta(days=1), end, cold


def link_for(app, participant_id, kind="chaud"):
    """A fresh paper coupon for a participant without an account (as the trainer prints it)."""
    with app.app_context():
        s = db.session()
        p = s.get(Participant, participant_id)
        [coupon] = issue_coupons(s, p.cohort, kind, [p], today_paris())
        s.commit()
        return f"/questionnaire/{coupon.code}"


def post_answers(client, path, answers):
    return client.post(path, data={**answers, "csrf_token": csrf_token(client, path)})


def counts(app):
    with app.app_context():
        s = db.session()
        return (s.scalar(select(func.count()).select_from(SurveyResponse)),
                s.scalar(select(func.count()).select_from(SurveyReceipt)))


@pytest.fixture
def ended(app, make_user, make_cohort, make_participant):
    """A cohort that ended three days ago, with a caretaker who has no account."""
    cohort = make_cohort(make_user("trainer"), name="Groupe Nord")
    set_dates(app, cohort, today_paris() - timedelta(days=3))
    caretaker = make_participant(cohort, "Karim Gardien")
    return cohort, caretaker


def test_standard_questions_are_complete_and_consistent():
    assert [q.slug for q in CHAUD.scale_questions] == ["objectifs", "utilite", "animation", "organisation",
                                                      "confiance", "global"]
    assert len(CHAUD.text_questions) == 2 and 4 <= len(FROID.scale_questions) <= 5 and FROID.text_questions
    for survey in SURVEYS.values():
        slugs = [q.slug for q in survey.questions]
        assert len(slugs) == len(set(slugs)) and "csrf_token" not in slugs
        for q in survey.questions:
            assert q.text[0].isupper() and q.text[-1] in ".?" and " ?" not in q.text


def test_coupon_codes_are_random_and_only_their_hash_is_kept(app, ended):
    _, caretaker = ended
    codes = {link_for(app, caretaker.id).rsplit("/", 1)[1] for _ in range(3)}
    assert len(codes) == 3 and all(re.fullmatch(r"[A-Za-z0-9_-]{22}", c) for c in codes)
    assert not any(str(caretaker.id) == c for c in codes)
    with app.app_context():
        from training.surveys.models import SurveyTicket
        [row] = db.session().scalars(select(SurveyTicket)).all()  # a new coupon replaces the earlier one
        assert row.token_hash in {code_hash(c) for c in codes} and row.token_hash not in codes
    for junk in ("", "a" * 15, "a" * 65, "é" * 22, "../" * 8):
        assert code_hash(junk) is None


def test_caretaker_without_account_answers_once_through_the_link(app, ended):
    cohort, caretaker = ended
    client = app.test_client()  # nobody logged in
    path = link_for(app, caretaker.id)
    page = client.get(path)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Questionnaire de satisfaction à chaud" in html and "Groupe Nord" in html
    assert "Pas du tout d&#39;accord" in html and "Tout à fait d&#39;accord" in html and "anonymes" in html
    assert "Karim" not in html
    r = post_answers(client, path, GOOD)
    assert r.status_code == 302 and r.headers["Location"].endswith("/questionnaires/merci")
    html = client.get(r.headers["Location"]).get_data(as_text=True)
    assert "Vos réponses sont enregistrées" in html and "Votre coupon a servi" in html
    # The coupon has served: opening it again shows it is spent.
    again = client.get(path)
    assert again.status_code == 404 and "plus valable" in again.get_data(as_text=True)
    with app.app_context():
        response = db.session().scalar(select(SurveyResponse))
        assert response.cohort_id == cohort.id and response.kind == "chaud"
        assert response.answers == {"objectifs": 5, "utilite": 4, "animation": 5, "organisation": 3, "confiance": 4,
                                    "global": 5, "plus_utile": "Les études de cas sur les halls d'immeuble."}
        assert response.answered_on == today_paris() and response.released is False
        receipt = db.session().scalar(select(SurveyReceipt))
        assert receipt.participant_id == caretaker.id and receipt.kind == "chaud"
    # A second post of the same coupon is refused and writes nothing more.
    r = client.post(path, data={**GOOD, "csrf_token": csrf_token(client, "/connexion")})
    assert r.status_code == 404
    assert counts(app) == (1, 1)


def test_a_trainee_answers_only_signed_in_as_themselves(app, ended, make_user, enrol_user, login, client):
    cohort, _ = ended
    set_dates(app, cohort, today_paris() - timedelta(days=40), cold=today_paris())
    trainee = make_user(name="Inès Stagiaire")
    enrol_user(cohort, trainee)
    path = f"/questionnaires/{cohort.id}/froid"
    anonymous = app.test_client().get(path)
    assert anonymous.status_code == 302 and "/connexion" in anonymous.headers["Location"]
    for other in (make_user(name="Autre Stagiaire"), cohort.trainers[0] if cohort.trainers else make_user("trainer"),
                  make_user("admin")):
        outsider = app.test_client()
        outsider.post("/connexion", data={"email": other.email, "password": "mot-de-passe-solide",
                                          "csrf_token": csrf_token(outsider, "/connexion")})
        assert outsider.get(path).status_code == 404, other.role
    login(trainee)
    assert "Questionnaire de satisfaction à froid" in client.get(path).get_data(as_text=True)
    answers = {q.slug: "4" for q in FROID.scale_questions}
    r = post_answers(client, path, answers)
    assert r.status_code == 302 and r.headers["Location"].endswith(path)
    with app.app_context():
        assert db.session().scalar(select(SurveyResponse.answers)) == {q.slug: 4 for q in FROID.scale_questions}
    assert "déjà répondu" in client.get(path).get_data(as_text=True)
    assert post_answers(client, f"/questionnaires/{cohort.id}/froid", answers).status_code == 409
    # Answering « à froid » leaves « à chaud » still to answer.
    assert "<textarea" in client.get(f"/questionnaires/{cohort.id}/chaud").get_data(as_text=True)
    assert client.get(f"/questionnaires/{cohort.id}/tiede").status_code == 404


def test_forged_or_unknown_links_are_not_found(app, ended):
    _, caretaker = ended
    client = app.test_client()
    good = link_for(app, caretaker.id)
    code = good.rsplit("/", 1)[1]
    for path in (f"/questionnaire/{caretaker.id}.chaud.{'A' * 24}", good[:-2] + ("xx" if not good.endswith("xx") else "yy"),
                 "/questionnaire/n-importe-quoi", "/questionnaire/" + code.swapcase(), "/questionnaire/" + "9" * 70):
        assert client.get(path).status_code == 404, path
    assert client.post("/questionnaire/" + code[::-1], data={**GOOD, "csrf_token": csrf_token(client, good)}
                       ).status_code == 404
    assert counts(app) == (0, 0)


def test_surveys_open_on_their_day_only(app, ended):
    cohort, caretaker = ended
    client = app.test_client()
    set_dates(app, cohort, today_paris() + timedelta(days=5))
    html = client.get(link_for(app, caretaker.id)).get_data(as_text=True)
    assert "sera ouvert à partir du" in html and "<textarea" not in html
    r = client.post(link_for(app, caretaker.id), data={**GOOD, "csrf_token": csrf_token(client, "/connexion")})
    assert r.status_code == 409 and "sera ouvert à partir du" in r.get_data(as_text=True)
    html = client.get(link_for(app, caretaker.id, "froid")).get_data(as_text=True)
    assert "pas encore programmé" in html
    set_dates(app, cohort, today_paris() - timedelta(days=10), cold=today_paris() + timedelta(days=20))
    assert "sera ouvert à partir du" in client.get(link_for(app, caretaker.id, "froid")).get_data(as_text=True)
    assert counts(app) == (0, 0)


def test_hot_survey_opens_on_the_last_session_not_cancelled(app, ended, make_sessions):
    cohort, caretaker = ended
    make_sessions(cohort, first_day=today_paris() - timedelta(days=3), days=1)
    later = make_sessions(cohort, first_day=today_paris() + timedelta(days=6), days=1)
    client = app.test_client()
    assert "sera ouvert à partir du" in client.get(link_for(app, caretaker.id)).get_data(as_text=True)
    with app.app_context():
        s = db.session()
        for sess in later:
            s.get(CourseSession, sess.id).cancelled_at = utcnow()
        s.commit()
    assert "<textarea" in client.get(link_for(app, caretaker.id)).get_data(as_text=True)


@pytest.mark.parametrize("change, message", [
    ({"animation": ""}, "Choisissez une réponse sur l'échelle."),
    ({"animation": "6"}, "pas sur l'échelle proposée (de 1 à 5)"),
    ({"global": "0"}, "pas sur l'échelle proposée (de 1 à 5)"),
    ({"utilite": "quatre"}, "pas sur l'échelle proposée (de 1 à 5)"),
    ({"ameliorer": "x" * 2001}, "Votre texte compte 2001 caractères\u00a0: 2000 au plus."),
])
def test_bad_answers_are_refused_in_french_and_nothing_is_written(app, ended, change, message):
    _, caretaker = ended
    client = app.test_client()
    path = link_for(app, caretaker.id)
    r = post_answers(client, path, {**GOOD, **change})
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert message.replace("'", "&#39;") in html and "Vos réponses ne sont pas enregistrées" in html
    assert "Les études de cas sur les halls d&#39;immeuble." in html  # what was typed is handed back
    assert counts(app) == (0, 0)


def test_text_limit_counts_line_breaks_once(app, ended):
    _, caretaker = ended
    client = app.test_client()
    text = ("a" * 99 + "\r\n") * 20  # 2020 as sent, 1999 once trimmed and counted as the browser counts
    assert post_answers(client, link_for(app, caretaker.id), {**GOOD, "ameliorer": text}).status_code == 302
    with app.app_context():
        stored = db.session().scalar(select(SurveyResponse.answers))["ameliorer"]
    assert len(stored) == 1999 and "\r" not in stored


def test_responses_cannot_be_linked_to_a_person(app, ended, caplog):
    _, caretaker = ended
    columns = {c["name"] for c in inspect(db.database(app).engine).get_columns("survey_response")}
    assert columns == {"id", "cohort_id", "kind", "answers", "answered_on", "released"}
    fks = inspect(db.database(app).engine).get_foreign_keys("survey_response")
    assert [fk["referred_table"] for fk in fks] == ["cohort"]
    client = app.test_client()
    with caplog.at_level(logging.DEBUG):
        post_answers(client, link_for(app, caretaker.id), {**GOOD, "ameliorer": "Texte libre très confidentiel"})
    assert counts(app) == (1, 1)
    assert "Texte libre très confidentiel" not in caplog.text and "halls d'immeuble" not in caplog.text
    if db.database(app).engine.dialect.name == "sqlite":  # no rowid keeping the order of arrival
        from sqlalchemy.exc import OperationalError
        with db.database(app).engine.connect() as conn, pytest.raises(OperationalError):
            conn.exec_driver_sql("SELECT rowid FROM survey_response")


def test_home_page_prompts_a_trainee_until_they_answer(app, client, login, ended, make_user, enrol_user,
                                                       make_cohort):
    cohort, _ = ended
    trainee = make_user()
    enrol_user(cohort, trainee)
    future = make_cohort(make_user("trainer"), name="Groupe à venir")
    set_dates(app, future, today_paris() + timedelta(days=30))
    enrol_user(future, trainee)
    login(trainee)
    html = client.get("/").get_data(as_text=True)
    assert html.count("Votre avis compte") == 1  # not for the cohort still to come
    path = re.search(r'questionnaire de satisfaction <a href="([^"]+)">à chaud du groupe «\u00a0Groupe Nord', html)
    assert path, html
    assert post_answers(client, path.group(1), GOOD).status_code == 302
    assert "Votre avis compte" not in client.get("/").get_data(as_text=True)
    # Once the « à froid » date comes, the prompt returns for that survey only.
    set_dates(app, cohort, today_paris() - timedelta(days=35), cold=today_paris())
    html = client.get("/").get_data(as_text=True)
    assert html.count("Votre avis compte") == 1 and "à froid du groupe" in html
    # Two months after it opened, the survey closes: no more reminder, and its link stops working.
    set_dates(app, cohort, today_paris() - timedelta(days=120), cold=today_paris() - timedelta(days=61))
    assert "Votre avis compte" not in client.get("/").get_data(as_text=True)
    closed = client.get(f"/questionnaires/{cohort.id}/froid")
    assert closed.status_code == 410 and "est clos depuis le" in closed.get_data(as_text=True)


def test_a_second_answer_is_stopped_by_the_unique_receipt(app, ended):
    from training.surveys import services

    _, caretaker = ended
    with app.app_context():
        s = db.session()
        participant = s.get(Participant, caretaker.id)
        services.record_answer(s, participant, "chaud", GOOD, today_paris(), 5)
        s.commit()
        with pytest.raises(services.AlreadyAnswered):
            services.record_answer(s, participant, "chaud", {**GOOD, "global": "1"}, today_paris(), 5)
        s.rollback()
    assert counts(app) == (1, 1)

"""Surveys under attack: a trainer who controls links cannot unmask anyone; links die with their survey and
their participant; nothing stored orders the answers."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from training import db
from training.cohorts.models import Participant
from training.surveys.models import SurveyResponse
from training.surveys.queries import today_paris
from tests.conftest import PASSWORD, csrf_token
from tests.test_surveys_flow import GOOD, link_for, post_answers, set_dates

SECRET = "Marqueur-confidentiel-de-la-troisieme-personne"


def signed_in(app, user):
    client = app.test_client()
    client.post("/connexion", data={"email": user.email, "password": PASSWORD,
                                    "csrf_token": csrf_token(client, "/connexion")})
    return client


def harvested_links(html):
    """Every survey-answering path a page shows (absolute or not)."""
    return set(re.findall(r"(?:http://localhost)?(/questionnaires?/[A-Za-z0-9_.\-]+(?:/[a-z]+)?)", html)) - {
        "/questionnaires/merci"}


def home_link_answer(app, user, answers) -> int | None:
    """`user` signs in, follows the survey link of their home page and answers; the status, None without link."""
    client = signed_in(app, user)
    found = re.search(r'questionnaire de satisfaction <a href="([^"]+)">', client.get("/").get_data(as_text=True))
    return post_answers(client, found.group(1), answers).status_code if found else None


def test_a_trainer_with_two_links_of_three_cannot_read_the_third_answer(app, make_user, make_cohort, enrol_user):
    """The attack of issue 9: cohort of 3, the trainer answers with two participants' links."""
    trainer = make_user("trainer", name="Claire Formatrice")
    cohort = make_cohort(trainer, name="Groupe Nord")
    trainees = [make_user(name=f"Stagiaire {n}") for n in ("Un", "Deux", "Trois")]
    for t in trainees:
        enrol_user(cohort, t)
    set_dates(app, cohort, today_paris() - timedelta(days=1))
    as_trainer = signed_in(app, trainer)
    page = f"/cohortes/{cohort.id}/questionnaires"
    stolen = harvested_links(as_trainer.get(page).get_data(as_text=True))
    # The trainer tries every link the page shows, and the signed-in address of the survey, with and
    # without their own session.
    for path in sorted(p for p in stolen if "chaud" in p)[:2] or [f"/questionnaires/{cohort.id}/chaud"]:
        for client, token_page in ((as_trainer, page), (app.test_client(), "/connexion")):
            client.post(path, data={**GOOD, "global": "1", "plus_utile": "Réponse du formateur",
                                    "csrf_token": csrf_token(client, token_page)})
    # The third participant answers through the link on their home page.
    assert home_link_answer(app, trainees[2], {**GOOD, "global": "2", "plus_utile": SECRET}) == 302
    html = as_trainer.get(page).get_data(as_text=True)
    assert SECRET not in html, "the trainer reads the third person's free text"
    assert "Réponse du formateur" not in html and "<svg" not in html
    # The two participants whose links the trainer went for can still answer.
    for t in trainees[:2]:
        assert home_link_answer(app, t, GOOD) == 302, "a participant whose link was used can no longer answer"
    html = as_trainer.get(page).get_data(as_text=True)
    assert SECRET not in html and "3 sur 3 ont répondu" in html
    with app.app_context():
        assert len(db.session().scalars(select(SurveyResponse)).all()) == 3  # none of them the trainer's


def test_coupons_the_trainer_keeps_do_not_reveal_the_holder_of_the_last_one(app, make_user, make_cohort,
                                                                           make_participant):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer, name="Groupe Nord")
    people = [make_participant(cohort, f"Gardien {n}") for n in ("Un", "Deux", "Trois")]
    set_dates(app, cohort, today_paris() - timedelta(days=1))
    kept = [link_for(app, p.id) for p in people]
    for path in kept[:2]:  # the trainer answers with two coupons before handing them out
        assert post_answers(app.test_client(), path, {**GOOD, "plus_utile": "Réponse du formateur"}).status_code == 302
    assert post_answers(app.test_client(), kept[2], {**GOOD, "plus_utile": SECRET}).status_code == 302
    html = signed_in(app, trainer).get(f"/cohortes/{cohort.id}/questionnaires").get_data(as_text=True)
    assert SECRET not in html and "Pas encore de résultats" in html
    # The two holders find their coupons spent, with the advice to report it.
    spent = app.test_client().get(kept[0])
    assert spent.status_code == 404 and "signalez-le" in spent.get_data(as_text=True)


def test_answers_are_rewritten_in_random_order_and_released_by_whole_batches(app, make_user, make_cohort,
                                                                            make_participant):
    cohort = make_cohort(make_user("trainer"))
    people = [make_participant(cohort, f"Personne {n}") for n in range(11)]
    set_dates(app, cohort, today_paris() - timedelta(days=1))
    ids_seen, released = [], []
    for n, p in enumerate(people, start=1):
        post_answers(app.test_client(), link_for(app, p.id), {**GOOD, "plus_utile": f"texte {n}"})
        with app.app_context():
            rows = db.session().execute(select(SurveyResponse.id, SurveyResponse.released)).all()
        ids_seen.append({r.id for r in rows if not r.released})
        released.append(sum(r.released for r in rows))
    assert released == [0, 0, 0, 0, 5, 5, 5, 5, 5, 10, 10]
    # Every pending answer gets a new id at each arrival: no id survives to be matched with a later state.
    assert all(not (a & b) for a, b in zip(ids_seen, ids_seen[1:]))


def test_links_die_with_their_survey_and_their_participant(app, make_user, make_cohort, make_participant,
                                                           enrol_user, login, client):
    trainer = make_user("trainer")
    first = make_cohort(trainer, name="Groupe Nord")
    set_dates(app, first, today_paris() - timedelta(days=1))
    caretaker = make_participant(first, "Karim Gardien")
    coupon = link_for(app, caretaker.id)
    login(trainer)
    url = f"/cohortes/{first.id}/participants/{caretaker.id}/retirer"
    client.post(url, data={"csrf_token": csrf_token(client, f"/cohortes/{first.id}/participants")})
    with app.app_context():
        assert db.session().get(Participant, caretaker.id) is None
    # Someone else, in another cohort with an open survey, may get the same id (SQLite reuses it).
    other = make_cohort(trainer, name="Groupe Sud")
    set_dates(app, other, today_paris() - timedelta(days=1))
    newcomer = make_participant(other, "Nadia Gardienne")
    if db.database(app).engine.dialect.name == "sqlite":
        assert newcomer.id == caretaker.id
    assert app.test_client().get(coupon).status_code == 404
    assert app.test_client().get(f"/questionnaire/{caretaker.id}.chaud.{'A' * 24}").status_code == 404
    # A trainee removed from a cohort loses its survey too.
    trainee = make_user()
    enrol_user(first, trainee)
    with app.app_context():
        pid = db.session().scalar(select(Participant.id).where(Participant.user_id == trainee.id))
    client.post(f"/cohortes/{first.id}/participants/{pid}/retirer",
                data={"csrf_token": csrf_token(client, f"/cohortes/{first.id}/participants")})
    assert signed_in(app, trainee).get(f"/questionnaires/{first.id}/chaud").status_code == 404
    # A coupon stops working when its survey closes.
    live = link_for(app, newcomer.id)
    assert app.test_client().get(live).status_code == 200
    set_dates(app, other, today_paris() - timedelta(days=70))
    closed = app.test_client().get(live)
    assert closed.status_code == 410 and "est clos depuis le" in closed.get_data(as_text=True)
    holder = app.test_client()
    assert holder.post(live, data={**GOOD, "csrf_token": csrf_token(holder, "/connexion")}).status_code == 410
    with app.app_context():
        assert db.session().scalars(select(SurveyResponse)).all() == []

"""Races and log hygiene against a real gunicorn: simultaneous create-if-missing requests give the
sequential result with no 5xx, and neither drafts nor URL secrets reach the server's log."""
from __future__ import annotations

import re
import threading
import uuid
from datetime import timedelta

import pytest
from sqlalchemy import select

from training import db
from training.accounts.services import issue_reset_token
from training.attendance.models import CourseSession
from tests.attendance_support import clock  # noqa: F401
from training.attendance.services import current_code, open_self_sign
from training.cohorts.models import Cohort
from training.learning.models import PositioningAnswer, QuizAttempt, Reflection, SectionRead
from training.presentation.models import GroupSynthesis
from training.surveys.queries import today_paris
from tests.live import Browser, LiveServer
from tests.test_surveys_flow import GOOD, link_for, set_dates

RACERS = 8


@pytest.fixture
def live(app, database_url, tmp_path):
    server = LiveServer(database_url, tmp_path / "gunicorn.log")
    yield server
    server.stop()


def at_once(*calls):
    """Run the callables in threads released together; their results in order."""
    barrier, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def quiz_form(html: str) -> dict:
    """The quiz's hidden fields and, for each question, its first choice."""
    fields = dict(re.findall(r'name="(nonce|fingerprint)" value="([^"]+)"', html))
    for name in dict.fromkeys(re.findall(r'name="(q-[^"]+)"', html)):
        fields[name] = re.search(rf'name="{re.escape(name)}" value="([^"]+)"', html).group(1)
    return fields


def test_simultaneous_creations_give_the_sequential_result_and_no_5xx(app, live, make_user, make_cohort,
                                                                        enrol_user):
    trainee, trainer, co_trainer = make_user(), make_user("trainer"), make_user("trainer")
    cohort = make_cohort(trainer)
    enrol_user(cohort, trainee)
    with app.app_context():
        s = db.session()
        c = s.get(Cohort, cohort.id)
        c.trainers.append(s.merge(co_trainer))
        s.commit()
    student = Browser(live).login(trainee.email)
    marker = uuid.uuid4().hex[:10]

    # 1. Eight autosaves of a never-started exercise, as eight tabs would send them (revision 0).
    token = student.token("/exercices/alpha-chantier")
    drafts = [f"Brouillon-course-{marker}-{n}" for n in range(RACERS)]
    saves = at_once(*[lambda d=d: student.post_json("/exercices/alpha-chantier/brouillon",
                                                    {"text": d, "revision": 0}, token) for d in drafts])
    codes = sorted(status for status, _ in saves)
    # One after another, the first save wins and the seven others are told of the conflict.
    assert codes == [200] + [409] * (RACERS - 1), codes
    winner = next(drafts[i] for i, (status, _) in enumerate(saves) if status == 200)
    with app.app_context():
        [row] = db.session().scalars(select(Reflection).where(Reflection.user_id == trainee.id)).all()
        assert (row.draft, row.revision) == (winner, 1)
    assert all(body["revision"] == 1 and body["text"] == winner for status, body in saves if status == 409)

    # 2. The same quiz form posted twice at once: one attempt, both answers lead to it.
    form = quiz_form(student.get("/quiz/alpha"))
    token = student.token("/quiz/alpha")
    posts = at_once(*[lambda: student.post("/quiz/alpha", form, token)] * 2)
    assert [status for status, _ in posts] == [302, 302]
    with app.app_context():
        attempts = db.session().scalars(select(QuizAttempt).where(QuizAttempt.user_id == trainee.id)).all()
        assert len(attempts) == 1 and attempts[0].nonce == form["nonce"]

    # 3. Two trainers save the group's synthesis of the same exercise at the same instant.
    room = [Browser(live).login(t.email) for t in (trainer, co_trainer)]
    texts = [f"Synthese-course-{marker}-{n} : le hall, les guetteurs." for n in range(2)]
    url = f"/cohortes/{cohort.id}/syntheses/alpha-chantier"
    tokens = [b.token(f"/cohortes/{cohort.id}/presentation") for b in room]
    results = at_once(*[lambda b=b, t=t, k=k: b.post(url, {"body": t}, k) for b, t, k in zip(room, texts, tokens)])
    assert [status for status, _ in results] == [302, 302]
    with app.app_context():
        [synthesis] = db.session().scalars(select(GroupSynthesis)).all()
        assert synthesis.body in texts

    # 4. A section marked read from four tabs, the positioning questionnaire sent twice at once.
    token = student.token("/modules/alpha")
    marks = at_once(*[lambda: student.post("/modules/alpha/lu/quoi", {}, token)] * 4)
    path = "/positionnement/positionnement/debut"
    answers = {f"s-{slug}": "2" for slug in re.findall(r'name="s-([^"]+)"', student.get(path))}
    token = student.token(path)
    sent = at_once(*[lambda: student.post(path, answers, token)] * 2)
    assert [s for s, _ in marks] == [302] * 4 and [s for s, _ in sent] == [302] * 2
    with app.app_context():
        s = db.session()
        assert len(s.scalars(select(SectionRead).where(SectionRead.user_id == trainee.id)).all()) == 1
        assert len(s.scalars(select(PositioningAnswer).where(PositioningAnswer.user_id == trainee.id)).all()) == 1

    requests = student.statuses + room[0].statuses + room[1].statuses
    assert not [s for s in requests if s >= 500]
    log = live.final_log()
    assert "POST /exercices/<slug>/brouillon" in log  # the access log is captured, with route patterns
    assert marker not in log and "Brouillon-course" not in log and "Synthese-course" not in log
    print(f"\nraces: {RACERS} autosaves, 2 quiz posts, 2 syntheses, 4 read marks, 2 positionings; "
          f"{len(requests)} requests, "
          f"{sum(s >= 500 for s in requests)} 5xx, {log.count(marker)} log hits")


def test_no_token_or_code_from_a_url_reaches_the_access_log(app, live, make_user, make_cohort, make_participant,
                                                            make_sessions, clock):
    admin, trainer = make_user("admin"), make_user("trainer")
    cohort = make_cohort(trainer)
    set_dates(app, cohort, today_paris() - timedelta(days=1))
    coupon = link_for(app, make_participant(cohort, "Karim Gardien").id)
    [first, *_] = make_sessions(cohort, first_day=today_paris(), days=1)
    with app.app_context():
        s = db.session()
        reset = issue_reset_token(s, s.merge(trainer), s.merge(admin), 48)
        session = s.get(CourseSession, first.id)
        clock.set(session.day.year, session.day.month, session.day.day, 9, 5)  # phone signing opens in the window
        open_self_sign(s, s.merge(trainer), session)
        self_sign = current_code(session)[0]
        join = s.get(Cohort, cohort.id).join_code
        s.commit()
    visitor = Browser(live)
    paths = {reset: f"/reinitialiser/{reset}", coupon.rsplit("/", 1)[1]: coupon, join: f"/rejoindre/{join}",
             self_sign: f"/emarger/seance/{first.id}?code={self_sign}"}
    for secret, path in paths.items():
        visitor.get(path)
        visitor.get(path + "?x=" + secret)
        visitor.get(path + "/suite")  # a path no route matches
    token = visitor.token(coupon)
    assert visitor.post(coupon, {**GOOD, "plus_utile": "Texte libre du coupon"}, token)[0] == 302
    log = live.final_log()
    for secret in paths:
        assert secret not in log, secret
    assert "Texte libre du coupon" not in log
    for pattern in ("/reinitialiser/<token>", "/questionnaire/<code>", "/rejoindre/<code>",
                    "/emarger/seance/<int:session_id>", '"GET /reinitialiser/…"'):
        assert pattern in log, pattern
    # Survey answers are logged without the address they came from.
    assert re.search(r'^- "POST /questionnaire/<code>" 302', log, re.MULTILINE), log[-1500:]

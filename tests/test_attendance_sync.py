"""The offline sheet's batch sync: idempotent by device id, refusals kept, co-trainer merge rule, limits."""
from __future__ import annotations

import html
import json
import uuid
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import func, select

from training import db
from training.attendance.models import AttendanceChange, AttendanceMark, CourseSession
from training.attendance.sync import SyncItem
import pytest

from tests.attendance_support import clock  # noqa: F401
from tests.conftest import SIGNATURE, csrf_token

URL = "/emargement/synchro"
DAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)  # 11:00 in Paris, during the morning session


@pytest.fixture(autouse=True)
def _at_eleven(clock):  # noqa: F811
    clock.set(2026, 12, 1, 11, 0)
    return clock


def _setup(make_user, make_cohort, make_participant, make_sessions, people=3):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    parts = [make_participant(cohort, f"Personne {chr(65 + i)}") for i in range(people)]
    sessions = make_sessions(cohort, first_day=DAY, days=1)
    return trainer, cohort, parts, sessions[0]


def _item(sess, participant=None, kind="mark", status="present", at=None, **extra):
    at = at or NOW - timedelta(minutes=30)
    item = {"id": str(uuid.uuid4()), "kind": kind, "session_id": sess.id, "device_at": at.isoformat()}
    if participant is not None:
        item.update(participant_id=participant.id, status=status)
    item.update(extra)
    return item


def _post(client, items, token=None, raw=None):
    token = token or client.get("/emargement/synchro/jeton").get_json()["csrf_token"]
    body = raw if raw is not None else json.dumps({"items": items})
    return client.post(URL, data=body, headers={"X-CSRFToken": token, "Content-Type": "application/json"})


def _count(app, model, **where):
    with app.app_context():
        q = select(func.count()).select_from(model)
        for k, v in where.items():
            q = q.where(getattr(model, k) == v)
        return db.session().scalar(q)


def test_sent_twice_recorded_once_with_device_time(client, app, make_user, make_cohort, make_participant,
                                                    make_sessions, login):
    trainer, cohort, (a, b, c), sess = _setup(make_user, make_cohort, make_participant, make_sessions)
    login(trainer)
    made = NOW.replace(microsecond=0) - timedelta(hours=1)
    items = [_item(sess, a, at=made, signature=SIGNATURE), _item(sess, b, status="absent", at=made),
             _item(sess, c, status="late", arrival="09:40", via="paper", at=made),
             _item(sess, kind="trainer_signature", at=made + timedelta(minutes=5), signature=SIGNATURE)]
    r = _post(client, items)
    assert r.status_code == 200
    assert [x["outcome"] for x in r.get_json()["results"]] == ["applied"] * 4
    again = _post(client, items).get_json()["results"]
    assert all(x["replayed"] and x["outcome"] == "applied" for x in again)
    assert _count(app, AttendanceMark) == 3 and _count(app, SyncItem) == 4
    with app.app_context():
        s = db.session()
        mark = s.scalar(select(AttendanceMark).where(AttendanceMark.participant_id == a.id))
        assert mark.signature and mark.signed_at == made and mark.signed_via == "tablet"
        late = s.scalar(select(AttendanceMark).where(AttendanceMark.participant_id == c.id))
        assert late.arrival.strftime("%H:%M") == "09:40" and late.signed_via == "paper"
        locked = s.get(CourseSession, sess.id)
        assert locked.signed_at == made + timedelta(minutes=5)
        log = s.scalars(select(SyncItem)).all()
        assert all(x.received_at - x.device_at >= timedelta(minutes=55) for x in log)
    journal = client.get(f"/seances/{sess.id}/synchro").get_json()
    assert len(journal["items"]) == 4 and "la plus récente l'emporte" in journal["rule"]


def test_locked_meanwhile_refused_with_reason_then_corrected(client, app, make_user, make_cohort, make_participant,
                                                              make_sessions, login, clock):  # noqa: F811
    trainer, cohort, (a, b, c), sess = _setup(make_user, make_cohort, make_participant, make_sessions)
    login(trainer)
    clock.set(2026, 12, 1, 10, 0)
    token = csrf_token(client, f"/seances/{sess.id}")
    for p in (a, b, c):
        client.post(f"/seances/{sess.id}/marques/{p.id}", data={"status": "present", "csrf_token": token})
    clock.set(2026, 12, 1, 10, 40)  # the co-trainer signs and locks the sheet while the tablet is offline
    client.post(f"/seances/{sess.id}/signature-formateur", data={"signature": json.dumps(SIGNATURE),
                                                                  "csrf_token": token})
    clock.set(2026, 12, 1, 11, 0)
    made = datetime(2026, 12, 1, 9, 20, tzinfo=timezone.utc)  # 10:20 in Paris: before the lock
    first = _item(sess, a, status="absent", at=made)
    res = _post(client, [first]).get_json()["results"][0]
    assert res["outcome"] == "refused" and "indiquez le motif" in res["message"]
    assert _post(client, [first]).get_json()["results"][0]["outcome"] == "refused"  # still refused, still kept
    with app.app_context():
        kept = db.session().scalar(select(SyncItem).where(SyncItem.item_id == first["id"]))
        assert kept.outcome == "refused" and kept.payload["status"] == "absent"
        assert db.session().scalar(select(AttendanceMark).where(AttendanceMark.participant_id == a.id)).status \
            == "present"
    fix = _item(sess, a, status="absent", reason="Parti avant la séance, vu avec la structure", at=made)
    assert _post(client, [fix]).get_json()["results"][0]["outcome"] == "applied"
    with app.app_context():
        kinds = db.session().scalars(select(AttendanceChange.kind).where(AttendanceChange.participant_id == a.id)
                                     .order_by(AttendanceChange.id)).all()
        assert kinds == ["mark", "correction"]
        assert db.session().get(CourseSession, sess.id).state == "corrected"


def test_co_trainer_same_row_later_wins_and_history_keeps_both(client, app, make_user, make_cohort,
                                                                 make_participant, make_sessions, login):
    trainer, cohort, (a, b, c), sess = _setup(make_user, make_cohort, make_participant, make_sessions)
    co = make_user("trainer", name="Colette Cotrainer")
    with app.app_context():
        from training.cohorts.models import Cohort

        s = db.session()
        row = s.get(Cohort, cohort.id)
        row.trainers.append(s.merge(co))
        s.commit()
    offline_at = NOW - timedelta(minutes=20)
    # the co-trainer, online, marks A absent and C excused now, after the tablet went offline
    login(co)
    token = csrf_token(client, f"/seances/{sess.id}")
    client.post(f"/seances/{sess.id}/marques/{a.id}", data={"status": "absent", "csrf_token": token})
    client.post(f"/seances/{sess.id}/marques/{c.id}", data={"status": "excused", "csrf_token": token})
    client.post("/deconnexion", data={"csrf_token": token})
    login(trainer)
    # the tablet: A present 20 min ago (earlier), B present (other row), C late made after the co-trainer
    items = [_item(sess, a, at=offline_at, signature=SIGNATURE), _item(sess, b, at=offline_at),
             _item(sess, c, status="late", arrival="09:30", at=NOW + timedelta(seconds=5))]
    results = _post(client, items).get_json()["results"]
    assert [r["outcome"] for r in results] == ["superseded", "applied", "applied"]
    assert "Colette Cotrainer" in results[0]["message"] and "plus récente" in results[0]["message"]
    with app.app_context():
        s = db.session()
        marks = {m.participant_id: m for m in s.scalars(select(AttendanceMark))}
        assert marks[a.id].status == "absent" and marks[b.id].status == "present" and marks[c.id].status == "late"
        hist = {h.participant_id: h for h in s.scalars(select(AttendanceChange).order_by(AttendanceChange.id))
                if "la plus récente l'emporte" in h.reason}
        assert set(hist) == {a.id, c.id}  # B's row never conflicted
        assert hist[a.id].kind == "superseded" and hist[a.id].before["at"] < hist[a.id].after["at"]
        assert (hist[a.id].before["status"], hist[a.id].after["status"]) == ("present", "absent")
        assert (hist[c.id].before["status"], hist[c.id].after["status"]) == ("excused", "late")
    page = html.unescape(client.get(f"/seances/{sess.id}").get_data(as_text=True))
    assert "la plus récente l'emporte" in page  # the history on the sheet says which rule was applied


def test_bad_input_answers_400_or_per_item_reason(client, app, make_user, make_cohort, make_participant,
                                                  make_sessions, login):
    trainer, cohort, (a, _b, _c), sess = _setup(make_user, make_cohort, make_participant, make_sessions)
    other_trainer = make_user("trainer")
    other_cohort = make_cohort(other_trainer, name="Autre groupe")
    login(trainer)
    token = client.get("/emargement/synchro/jeton").get_json()["csrf_token"]
    assert _post(client, None, token, raw="{not json").status_code == 400
    assert _post(client, None, token, raw="[" * 5000 + "]" * 5000).status_code == 400
    assert _post(client, None, token, raw=json.dumps({"items": [{"a": [[[[[[1]]]]]]}]})).status_code == 400
    assert _post(client, [_item(sess, a) for _ in range(201)], token).status_code == 400
    r = client.post(URL, data=json.dumps({"items": [_item(sess, a)]}), headers={"Content-Type": "application/json"})
    assert r.status_code == 400  # no CSRF token
    with app.app_context():
        foreign = CourseSession(cohort_id=other_cohort.id, day=DAY, half="matin",
                                starts_at=datetime(2026, 1, 1, 9).time(), ends_at=datetime(2026, 1, 1, 12).time())
        db.session().add(foreign)
        db.session().commit()
        foreign_id = foreign.id
    bad = [_item(sess, a, status="dancing"), _item(sess, a, arrival="25:99", status="late"),
           {**_item(sess, a), "session_id": foreign_id}, {**_item(sess, a), "extra": 1},
           _item(sess, a, at=NOW - timedelta(days=90)), {"id": "x"}]
    results = _post(client, bad, token).get_json()["results"]
    assert [r["outcome"] for r in results] == ["refused"] * 6
    assert "Statut de présence inconnu" in results[0]["message"] and "Heure invalide" in results[1]["message"]
    assert "introuvable" in results[2]["message"]
    assert _count(app, AttendanceMark) == 0 and _count(app, SyncItem) == 5
    client.post("/deconnexion", data={"csrf_token": token})
    assert client.get("/emargement/synchro/jeton").status_code == 401


def test_trainee_gets_404_and_sheet_cache_header_only_today_and_tomorrow(client, app, make_user, make_cohort,
                                                                         make_participant, make_sessions, login):
    trainer, cohort, (a, _b, _c), sess = _setup(make_user, make_cohort, make_participant, make_sessions)
    later = make_sessions(cohort, first_day=DAY + timedelta(days=7), days=1)[0]
    login(trainer)
    assert client.get(f"/seances/{sess.id}").headers.get("X-Offline-Cache") == "sheet"
    assert client.get(f"/seances/{sess.id}/signer/{a.id}").headers.get("X-Offline-Cache") == "sheet"
    assert "X-Offline-Cache" not in client.get(f"/seances/{later.id}").headers
    assert "X-Offline-Cache" not in client.get("/").headers
    sw = client.get("/sw.js")
    assert sw.status_code == 200 and "javascript" in sw.mimetype
    assert client.get("/manifest.webmanifest").get_json()["lang"] == "fr"
    trainee = make_user("trainee")
    client.post("/deconnexion", data={"csrf_token": csrf_token(client, "/")})
    login(trainee)
    assert client.get("/emargement/synchro/jeton").status_code == 404
    assert "Pas de connexion" in client.get("/hors-ligne").get_data(as_text=True)


def test_device_clock_behind_is_corrected_from_the_send_time(client, app, make_user, make_cohort, make_participant,
                                                             make_sessions, login):
    trainer, cohort, (a, _b, _c), sess = _setup(make_user, make_cohort, make_participant, make_sessions)
    login(trainer)
    real = NOW
    behind = timedelta(hours=3)  # the tablet's clock was never set
    item = _item(sess, a, at=real - behind - timedelta(minutes=10), signature=SIGNATURE)
    token = client.get("/emargement/synchro/jeton").get_json()["csrf_token"]
    r = client.post(URL, data=json.dumps({"items": [item], "sent_at": (real - behind).isoformat()}),
                    headers={"X-CSRFToken": token, "Content-Type": "application/json"})
    assert r.get_json()["results"][0]["outcome"] == "applied"
    with app.app_context():
        mark = db.session().scalar(select(AttendanceMark))
        assert abs(mark.signed_at - (real - timedelta(minutes=10))) < timedelta(seconds=30)
    far = {"items": [_item(sess, a)], "sent_at": (real - timedelta(days=5)).isoformat()}
    r = client.post(URL, data=json.dumps(far), headers={"X-CSRFToken": token, "Content-Type": "application/json"})
    assert r.status_code == 400 and "horloge" in r.get_json()["error"]


def test_queries_grow_by_a_fixed_cost_per_item_whatever_the_roster(client, app, make_user, make_cohort,
                                                                   make_participant, make_sessions, login):
    from sqlalchemy import event

    trainer, cohort, parts, sess = _setup(make_user, make_cohort, make_participant, make_sessions, people=31)
    login(trainer)
    token = client.get("/emargement/synchro/jeton").get_json()["csrf_token"]
    engine = db.database(app).engine

    def queries(people):
        seen = []

        def count(*_args):
            seen.append(1)
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert _post(client, [_item(sess, p, signature=SIGNATURE) for p in people], token).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    # per item: replay check, savepoints, the row, the door's hash-chain link, the history row, the receipt
    one, ten, twenty = queries(parts[:1]), queries(parts[1:11]), queries(parts[11:31])
    per_item = (twenty - ten) / 10
    chain_lock = 1 if engine.dialect.name == "postgresql" else 0  # pg_advisory_xact_lock before each history row
    assert per_item <= 16 + chain_lock and ten == one + 9 * per_item and twenty == one + 19 * per_item


def test_item_made_under_another_account_is_refused_and_kept(client, app, make_user, make_cohort, make_participant,
                                                             make_sessions, login):
    """A shared tablet: what one trainer queued is never sent under a co-trainer's name."""
    trainer, cohort, (a, b, _c), sess = _setup(make_user, make_cohort, make_participant, make_sessions)
    login(trainer)
    other = make_user("trainer")
    mine, theirs = _item(sess, a, user=trainer.id), _item(sess, b, user=other.id)
    results = _post(client, [mine, theirs]).get_json()["results"]
    assert [x["outcome"] for x in results] == ["applied", "refused"]
    assert "autre compte" in results[1]["message"]
    assert _count(app, AttendanceMark) == 1 and _count(app, SyncItem, outcome="refused") == 1
    bad = _post(client, [_item(sess, b, user="3")]).get_json()["results"][0]
    assert bad["outcome"] == "refused" and "compte invalide" in bad["message"]

"""In Chromium, a room without network: the trainer's tablet keeps the sheet, every mark and signature
reaches the server once when the network returns, and a refusal stays visible with its reason.

The network is cut both ways: `context.set_offline(True)` for the page, and the gunicorn server is
stopped, because Chromium's offline emulation does not reach a service worker's own fetches."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from datetime import datetime

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from tests.browser.conftest import ROOT, _free_port, login, shot
from tests.browser.test_browser_attendance import _draw
from tests.conftest import FIXTURE_CONTENT, PASSWORD

pytestmark = pytest.mark.browser
NAMES = [f"{first} {last}" for first, last in zip(
    ("Amina", "Bruno", "Chloé", "Driss", "Emma", "Farid", "Gaëlle", "Hugo", "Inès", "Jules", "Karima", "Louis"),
    ("Arnaud", "Blanc", "Caron", "Diallo", "Estève", "Fabre", "Garcia", "Henry", "Idir", "Jacob", "Kaci", "Lemoine"))]


# The tests run at any hour: the signing window covers the whole day of the session.
SIGN_ALL_DAY = {"SIGN_BEFORE_MINUTES": 1440, "SIGN_AFTER_MINUTES": 1440}
SIGN_ALL_DAY_ENV = {f"TRAINING_{k}": str(v) for k, v in SIGN_ALL_DAY.items()}


class Server:
    """A real gunicorn on its own SQLite file, which the test can stop (network gone) and restart."""

    def __init__(self, tmp):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.db_url = f"sqlite:///{tmp}/offline.sqlite3"
        self.log = tmp / "gunicorn.log"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINING_")}
        self.env.update(TRAINING_DATABASE_URL=self.db_url, TRAINING_SECRET_KEY="c" * 64,
                        TRAINING_CONTENT_ROOT=str(FIXTURE_CONTENT), TRAINING_BIND=f"127.0.0.1:{self.port}",
                        TRAINING_WORKERS="2", **SIGN_ALL_DAY_ENV)
        self.proc = None

    def start(self):
        self._err = self.log.open("ab")
        self.proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"],
                                     cwd=ROOT, env=self.env, stdout=subprocess.DEVNULL, stderr=self._err)
        for _ in range(300):
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=1):
                    return
            except OSError:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError("gunicorn did not start: " + self.log.read_text(errors="replace")[-2000:])

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self._err.close()


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """A trainer, a cohort of 12 participants without accounts, and four sessions today."""
    from training import create_app, db
    from training.accounts.services import create_user
    from datetime import time as hm

    from training.attendance.services import SessionSpec, add_sessions, schedule_specs
    from training.cohorts.models import Participant
    from training.cohorts.services import create_cohort, enrol
    from training.dates import PARIS

    server = Server(tmp_path_factory.mktemp("offline"))
    db.upgrade(server.db_url)
    app = create_app({"DATABASE_URL": server.db_url, "CONTENT_ROOT": str(FIXTURE_CONTENT), "SECRET_KEY": "c" * 64,
                      **SIGN_ALL_DAY})
    with app.app_context():
        s = db.session()
        trainer = create_user(s, "tablette@test.fr", "Tania Tablette", "trainer", PASSWORD)
        trainee = create_user(s, "stagiaire@test.fr", "Sami Stagiaire", "trainee", PASSWORD)
        today = datetime.now(PARIS).date()
        cohort = create_cohort(s, trainer, "Groupe sans réseau", "complet", "Maison de quartier", today, today,
                               {"complet"})
        s.add_all([Participant(cohort_id=cohort.id, full_name=n, organisation="Bailleur Habitat Sud", job="Gardien")
                   for n in NAMES])
        s.flush()
        enrol(s, cohort, trainee)
        co = create_user(s, "cotrainer@test.fr", "Colette Coanimatrice", "trainer", PASSWORD)
        cohort.trainers.append(co)
        evening = [SessionSpec(today, "apres-midi", hm(17, 30), hm(19, 0), "Maison de quartier"),
                   SessionSpec(today, "apres-midi", hm(19, 30), hm(21, 0), "Maison de quartier")]
        sessions = add_sessions(s, None, cohort, schedule_specs(today, 1, "Maison de quartier", skip_weekends=False)
                                + evening, today=today, allow_past=True, confirmed=True)
        s.commit()
        ids = [x.id for x in sessions]
    server.start()
    yield server, app, ids
    if server.proc.poll() is None:
        server.stop()
    db.database(app).engine.dispose()


def _counts(app, session_id):
    from training import db
    from training.attendance.models import AttendanceMark, CourseSession
    from training.attendance.sync import SyncItem

    with app.app_context():
        s = db.session()
        s.expire_all()
        marks = s.scalars(select(AttendanceMark).where(AttendanceMark.session_id == session_id)).all()
        items = s.scalar(select(func.count()).select_from(SyncItem).where(SyncItem.session_id == session_id))
        return marks, s.get(CourseSession, session_id), items


def _pending(page):
    return page.locator("[data-offline-count]")


def row(page, name):
    return page.locator("li.sheet-row", has_text=name)


def save_sheet(page):
    page.get_by_role("button", name="Enregistrer la feuille").first.click()


def _open_sheet_online(ctx, url, session_id):
    page = ctx.new_page()
    login(page, url, "tablette@test.fr", PASSWORD)
    page.goto(f"{url}/seances/{session_id}")
    try:
        page.wait_for_selector("html[data-offline-ready]", timeout=30000)
    except Exception:  # on a loaded machine the first load can lose its race with the worker's install
        page.reload()
        page.wait_for_selector("html[data-offline-ready]", timeout=60000)
    return page


def test_half_day_without_network_then_everything_once(browser, room):
    server, app, (session_id, *_rest) = room
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1024, "height": 768})
    page = _open_sheet_online(ctx, server.url, session_id)
    sheet = f"{server.url}/seances/{session_id}"
    # the Wi-Fi drops
    ctx.set_offline(True)
    server.stop()
    page.reload()
    assert page.locator("h1").inner_text().startswith("Émargement du")
    for i, name in enumerate(NAMES):
        row(page, name).locator("label.st-late" if i == 0 else "label.st-present").click()
        if i == 0:
            row(page, name).locator("input[type=time]").fill("09:20")
    row(page, "Sami Stagiaire").locator("label.st-absent").click()  # no row left « à renseigner »
    save_sheet(page)  # one save for the whole sheet: one queued item per row
    for name in NAMES:
        row(page, name).locator("[data-state=pending]").wait_for()
    expect(_pending(page)).to_contain_text("13 en attente d'envoi")
    for name in NAMES:
        row(page, name).get_by_role("link", name="Faire signer").click()
        page.locator("[data-signature-clear]").wait_for()  # the pad is ready
        _draw(page)
        page.click("text=Valider la signature")
        page.wait_for_url(re.compile(rf"/seances/{session_id}(#p\d+)?$"))
        row(page, name).locator("text=signature sur la tablette").wait_for()
    page.click("text=Signer et verrouiller")
    page.locator("[data-signature-clear]").wait_for()
    _draw(page)
    page.click("text=Valider la signature")
    page.wait_for_url(re.compile(rf"/seances/{session_id}$"))
    expect(_pending(page)).to_contain_text("26 en attente d'envoi")
    shot(page, "offline-sheet-pending")
    # the tablet is closed and reopened, still without network
    page.close()
    page = ctx.new_page()
    page.goto(sheet)
    expect(_pending(page)).to_contain_text("26 en attente d'envoi")
    expect(page.locator("[data-state=pending]")).to_have_count(26)
    marks, sess, _items = _counts(app, session_id)
    assert marks == [] and sess.signed_at is None  # nothing reached the server yet
    # the network returns: sent in order, each recorded once
    server.start()
    ctx.set_offline(False)
    expect(_pending(page)).to_have_attribute("data-pending", "0", timeout=30000)
    expect(page.locator("[data-state=done]")).to_have_count(26)
    assert page.locator("text=enregistré").count() >= 26
    shot(page, "offline-sheet-sent")
    marks, sess, items = _counts(app, session_id)
    signed = [m for m in marks if m.status != "absent"]
    assert len(marks) == 13 and len(signed) == 12 and all(m.has_signature and m.signed_via == "tablet" for m in signed)
    assert {m.status for m in signed} == {"present"} and sess.signed_at is not None and sess.trainer_signature_sha
    assert items == 26
    # the same queue sent again: answered as already applied, nothing doubled
    replay = page.evaluate("""async () => {
        const items = await OfflineQueue.all();
        const t = await (await fetch('/emargement/synchro/jeton')).json();
        const r = await fetch('/emargement/synchro', {method: 'POST', headers: {'Content-Type': 'application/json',
            'X-CSRFToken': t.csrf_token}, body: JSON.stringify({items: items.map(OfflineQueue.wire)})});
        return (await r.json()).results;
    }""")
    assert len(replay) == 26 and all(r["replayed"] and r["outcome"] == "applied" for r in replay)
    again, sess2, items2 = _counts(app, session_id)
    assert len(again) == 13 and items2 == 26 and sess2.signed_at == sess.signed_at
    assert [m.signed_at for m in again] == [m.signed_at for m in marks]
    # signing out empties the kept sheets and the queue
    page.click("text=Se déconnecter")
    page.wait_for_url(re.compile(r"/connexion"))
    left = page.evaluate("""async () => ({sheet: !!(await caches.match('/seances/' + %d)),
                                          queue: (await OfflineQueue.all()).length})""" % session_id)
    assert left == {"sheet": False, "queue": 0}
    ctx.close()


def test_sheet_locked_meanwhile_refusal_shown_then_resolved(browser, room):
    server, app, (_morning, session_id, *_rest) = room
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1024, "height": 768})
    from training import db
    from training.accounts.models import User
    from training.attendance.models import CourseSession
    from training.attendance.services import SignatureInput, set_mark, sign_session
    from training.cohorts.models import Participant

    with app.app_context():  # the co-trainer fills in the sheet online
        s = db.session()
        sess, co = s.get(CourseSession, session_id), s.scalar(select(User).where(User.email == "cotrainer@test.fr"))
        for person in s.scalars(select(Participant)):
            set_mark(s, sess, person, "present", None, co)
        s.commit()
    page = _open_sheet_online(ctx, server.url, session_id)
    ctx.set_offline(True)
    server.stop()
    page.reload()
    row(page, NAMES[3]).locator("label.st-absent").click()
    save_sheet(page)
    row(page, NAMES[3]).locator("[data-state=pending]").wait_for()
    with app.app_context():  # meanwhile, on the server, the co-trainer signs and locks the sheet
        s = db.session()
        co = s.scalar(select(User).where(User.email == "cotrainer@test.fr"))
        sign_session(s, co, s.get(CourseSession, session_id), SignatureInput([[[0.1, 0.1], [0.5, 0.5], [0.9, 0.2]]]))
        s.commit()
    server.start()
    ctx.set_offline(False)
    refused = row(page, NAMES[3]).locator("[data-state=refused]")
    refused.wait_for(timeout=30000)
    assert "La feuille est signée : indiquez le motif de la modification." in refused.inner_text()
    expect(_pending(page)).to_contain_text("1 refusée à revoir")
    shot(page, "offline-sheet-refused")
    page.reload()  # still there after a reload: never dropped
    mine = row(page, NAMES[3])
    mine.locator("[data-state=refused]").wait_for()
    mine.get_by_role("textbox", name="Motif de la rectification").fill("Absent ce matin, noté hors ligne")
    mine.get_by_role("button", name="Renvoyer comme rectification").click()
    mine.locator("[data-state=done]").wait_for(timeout=30000)
    marks, sess, _items = _counts(app, session_id)
    assert len([m for m in marks if m.status == "absent"]) == 1 and len(marks) == len(NAMES) + 1 and sess.state == "corrected"
    with app.app_context():
        from training.attendance.models import AttendanceChange

        reasons = db.session().scalars(select(AttendanceChange.reason).where(
            AttendanceChange.session_id == session_id, AttendanceChange.kind == "correction")).all()
        assert len(reasons) == 1 and reasons[0].startswith("Absent ce matin, noté hors ligne")
    ctx.close()


def test_shared_tablet_each_account_sends_only_what_it_made(browser, room):
    """Two trainers on one tablet: what one queued waits for that account, and the history names who made it."""
    server, app, (*_day, session_id, _last) = room
    from training import db
    from training.accounts.models import User
    from training.attendance.sync import SyncItem

    with app.app_context():
        s = db.session()
        me, co = (s.scalar(select(User.id).where(User.email == e)) for e in ("tablette@test.fr", "cotrainer@test.fr"))
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1024, "height": 768})
    page = _open_sheet_online(ctx, server.url, session_id)
    pids = [int(x[1:]) for x in page.locator("li.sheet-row").evaluate_all("rows => rows.map(r => r.id)")][:3]
    # the co-trainer's item (left from their earlier session), one of mine, one the service worker queued
    page.evaluate("""async ([sid, pids, me, co]) => {
        const item = (pid, user) => ({id: OfflineQueue.newId(), kind: 'mark', session_id: sid, participant_id: pid,
            device_at: new Date().toISOString(), status: 'present', state: 'pending', message: '', user: user});
        await OfflineQueue.add(item(pids[0], co));
        await OfflineQueue.add(item(pids[1], me));
        await OfflineQueue.add(item(pids[2], null));
    }""", [session_id, pids, me, co])
    page.reload()
    expect(_pending(page)).to_contain_text("1 saisie d'un autre compte, gardée jusqu'à sa reconnexion", timeout=30000)
    expect(_pending(page)).to_have_attribute("data-pending", "0")
    expect(page.locator("[data-state=done]")).to_have_count(2)
    marks, _sess, _items = _counts(app, session_id)
    assert sorted(m.participant_id for m in marks) == sorted(pids[1:])
    # signing out keeps the co-trainer's unsent item on the tablet
    page.click("text=Se déconnecter")
    page.wait_for_url(re.compile(r"/connexion"))
    assert page.evaluate("async () => (await OfflineQueue.all()).map(i => i.user)") == [co]
    # the co-trainer signs in on the same tablet: their item leaves, under their name
    login(page, server.url, "cotrainer@test.fr", PASSWORD)
    page.goto(f"{server.url}/seances/{session_id}")
    expect(page.locator("[data-state=done]")).to_have_count(1, timeout=30000)
    with app.app_context():
        s = db.session()
        made = s.scalar(select(SyncItem).where(SyncItem.session_id == session_id, SyncItem.participant_id == pids[0]))
        assert made.user_id == co and made.outcome == "applied"
    ctx.close()

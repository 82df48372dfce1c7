"""In Chromium, the offline sheet with a co-trainer online meanwhile, and a trainee who loses the network."""
from __future__ import annotations

import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from tests.browser.conftest import login, shot
from tests.browser.test_browser_offline import (NAMES, _counts, _open_sheet_online, _pending, room,  # noqa: F401
                                               row, save_sheet)
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def _co_trainer_marks(app, session_id, name, status):
    """The co-trainer, online on their own device, changes one row on the server."""
    from training import db
    from training.accounts.models import User
    from training.attendance.models import CourseSession
    from training.attendance.services import set_mark
    from training.cohorts.models import Participant

    with app.app_context():
        s = db.session()
        co = s.scalar(select(User).where(User.email == "cotrainer@test.fr"))
        person = s.scalar(select(Participant).where(Participant.full_name == name))
        set_mark(s, s.get(CourseSession, session_id), person, status, None, co)
        s.commit()


def test_co_trainer_online_while_tablet_offline_merged_by_the_stated_rule(browser, room):
    server, app, (_m, _a, session_id, _last) = room
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1024, "height": 768})
    page = _open_sheet_online(ctx, server.url, session_id)
    _co_trainer_marks(app, session_id, NAMES[1], "excused")  # before the tablet's change
    ctx.set_offline(True)
    server.stop()
    page.reload()
    for name in NAMES[:3]:
        row(page, name).locator("label.st-present").click()
    save_sheet(page)
    for name in NAMES[:3]:
        row(page, name).locator("[data-state=pending]").wait_for()
    time.sleep(1.1)
    _co_trainer_marks(app, session_id, NAMES[0], "absent")  # after the tablet's change
    server.start()
    ctx.set_offline(False)
    expect(_pending(page)).to_have_attribute("data-pending", "0", timeout=30000)
    first = row(page, NAMES[0]).locator("[data-state=done]")
    expect(first).to_contain_text("gardé dans l'historique, non appliqué")
    expect(first).to_contain_text("Colette Coanimatrice")
    expect(row(page, NAMES[1]).locator("[data-state=done]")).to_contain_text("elle l'emporte")
    expect(page.locator("text=la plus récente l'emporte").first).to_be_visible()  # the rule, on the sheet
    shot(page, "offline-sheet-merged")
    marks, _sess, _items = _counts(app, session_id)
    from training import db
    from training.attendance.models import AttendanceChange
    from training.cohorts.models import Participant

    with app.app_context():
        s = db.session()
        names = {p.id: p.full_name for p in s.scalars(select(Participant))}
        status = {names[m.participant_id]: m.status for m in marks}
        assert status == {NAMES[0]: "absent", NAMES[1]: "present", NAMES[2]: "present"}
        hist = {names[h.participant_id]: (h.before["status"], h.after["status"])
                for h in s.scalars(select(AttendanceChange).where(AttendanceChange.session_id == session_id))
                if "la plus récente l'emporte" in h.reason}
        assert hist == {NAMES[0]: ("present", "absent"), NAMES[1]: ("excused", "present")}  # both values kept
    page.reload()
    expect(page.locator("#h-hist")).to_be_visible()
    assert page.locator("section", has=page.locator("#h-hist")).inner_text().count("la plus récente l'emporte") == 2
    ctx.close()


def test_trainee_offline_gets_a_french_page_and_their_drafts(browser, room):
    server, _app, _ids = room
    ctx = browser.new_context(locale="fr-FR")
    page = ctx.new_page()
    login(page, server.url, "stagiaire@test.fr", PASSWORD)
    page.goto(server.url + "/exercices/alpha-chantier")
    assert page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.fill("#text", "Ce que j'ai observé au pied de l'immeuble.")
    ctx.set_offline(True)
    server.stop()
    page.fill("#text", "Ce que j'ai observé au pied de l'immeuble, écrit sans réseau.")
    page.goto(server.url + "/modules/alpha")
    expect(page.locator("h1")).to_have_text("Pas de connexion pour l'instant")
    shot(page, "offline-trainee-page")
    page.click("text=Voir mes brouillons gardés sur cet appareil")
    expect(page.locator("textarea")).to_have_value("Ce que j'ai observé au pied de l'immeuble, écrit sans réseau.")
    # nothing of the trainee's own pages was kept by the service worker
    assert page.evaluate("caches.open('sheets-v1').then(c => c.keys()).then(k => k.length)") == 0
    server.start()
    ctx.close()

"""In a real browser: a schedule, signatures drawn on the trainer's tablet and on a participant's phone."""
from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser


def _draw(page, selector="canvas.signature-pad"):
    box = page.locator(selector).bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.15, y + h * 0.6)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(x + w * (0.15 + i * 0.06), y + h * (0.6 - 0.3 * (i % 2)), steps=2)
    page.mouse.up()


def test_tablet_and_phone_signatures(browser, live_server):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1024, "height": 768})
    page = ctx.new_page()
    login(page, live_server, "formatrice@demo.test")
    page.goto(live_server + "/cohortes/1/seances")
    later = (date.today() + timedelta(days=21)).isoformat()  # the demo already has today's sessions
    page.fill("#first_day", later)
    page.fill("#days", "2")
    page.click("text=Créer le programme")
    page.wait_for_selector("text=demi-journée(s) programmée(s)")
    page.locator("table a").first.click()
    sheet_url = page.url
    # on the tablet: Samir signs with a finger (mouse here)
    page.locator("tr", has_text="Samir Stagiaire").get_by_role("link", name="Faire signer").click()
    _draw(page)
    page.click("text=Valider la signature")
    page.wait_for_selector("text=signature enregistrée")
    assert page.locator("tr", has_text="Samir Stagiaire").locator("svg.signature-thumb polyline").count() == 1
    # an empty signature is refused
    page.locator("tr", has_text="Léa Stagiaire").get_by_role("link", name="Faire signer").click()
    page.click("text=Valider la signature")
    page.goto(sheet_url)
    assert page.locator("tr", has_text="Léa Stagiaire").locator("svg").count() == 0
    # self-signing: the code and QR code, then Léa on her own phone
    page.click("text=Afficher le code d'émargement")
    code = page.locator(".self-code").inner_text().strip()
    shot(page, "attendance-code-tablet")
    session_id = re.search(r"/seances/(\d+)", sheet_url).group(1)
    phone = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"{live_server}/emarger/{session_id}/{code}")
    phone.select_option("#participant", label="Léa Stagiaire")
    _draw(phone)
    shot(phone, "attendance-self-sign-phone")
    phone.click("text=Valider ma signature")
    phone.wait_for_selector("text=Merci, Léa Stagiaire")
    phone.context.close()
    # the trainer signs and locks the sheet
    page.goto(sheet_url)
    assert page.locator("tr", has_text="Léa Stagiaire").locator("svg.signature-thumb polyline").count() == 1
    page.click("text=Signer et verrouiller la feuille")
    _draw(page)
    page.click("text=Valider la signature")
    page.wait_for_selector("text=Feuille signée et verrouillée")
    shot(page, "attendance-sheet-locked")
    ctx.close()

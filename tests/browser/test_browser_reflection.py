"""In a real browser: autosave of reflections, restore after reload and after a lost connection."""
from __future__ import annotations

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser


def test_autosave_and_restore_after_reload(page, live_server):
    login(page, live_server)
    page.goto(live_server + "/exercices/alpha-chantier")
    page.fill("#text", "Première phrase écrite entre deux visites.")
    page.locator("#text").blur()
    page.wait_for_selector("text=Brouillon enregistré")
    page.reload()
    assert page.input_value("#text") == "Première phrase écrite entre deux visites."
    # typed, then the page is reloaded before any server save: the browser copy comes back
    page.fill("#text", "Première phrase. Deuxième phrase tapée juste avant un rechargement.")
    page.reload()
    assert "Deuxième phrase" in page.input_value("#text")
    page.wait_for_selector("text=Brouillon enregistré")  # and it reaches the server
    page.context.clear_cookies()
    page.context.storage_state()
    login(page, live_server)
    page.goto(live_server + "/exercices/alpha-chantier")
    assert "Deuxième phrase" in page.input_value("#text")


def test_lost_connection_keeps_text(page, live_server):
    login(page, live_server, "stagiaire2@demo.test")
    page.goto(live_server + "/exercices/alpha-guetteur")
    page.context.set_offline(True)
    page.fill("#text", "Texte écrit sans réseau.")
    page.locator("#text").blur()
    page.wait_for_selector("text=Pas de connexion")
    assert page.evaluate("Object.keys(window.localStorage).length") == 1  # kept on the device
    page.context.set_offline(False)
    page.locator("#text").focus()
    page.locator("#text").blur()
    page.wait_for_selector("text=Brouillon enregistré")
    page.reload()
    assert page.input_value("#text") == "Texte écrit sans réseau."  # now from the server
    assert page.evaluate("Object.keys(window.localStorage).length") == 0


def test_submit_reveals_debrief_and_keyboard_only(page, live_server):
    login(page, live_server)
    page.goto(live_server + "/exercices/alpha-guetteur")
    assert page.locator("text=Repère secret numéro un").count() == 0
    page.fill("#text", "Je commencerais par écouter le jeune et par en parler à mon équipe.")
    page.keyboard.press("Tab")  # keyboard: leave the field, reach the buttons
    page.locator("button[value=submit]").focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("text=Repère secret numéro un")
    for width, name in ((390, "phone"), (1280, "desktop")):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"exercise-debrief-{name}")
    page.goto(live_server + "/modules/alpha")
    shot(page, "module-desktop")
    page.set_viewport_size({"width": 390, "height": 900})
    shot(page, "module-phone")

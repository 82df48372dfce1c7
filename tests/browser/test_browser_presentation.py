"""In a real browser: the presentation deck driven from the keyboard and a clicker, and its look on projectors."""
from __future__ import annotations

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser

TRAINER = "formatrice@demo.test"


def _current(page) -> str:
    ids = page.eval_on_selector_all(".slide", "els => els.filter(e => e.offsetParent !== null).map(e => e.id)")
    assert len(ids) == 1, ids  # exactly one slide visible
    return ids[0]


def test_keys_and_clicker_move_between_slides_without_reloading(page, live_server):
    login(page, live_server, TRAINER, "demo-formation")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.goto(live_server + "/cohortes/1/presentation")
    page.click("text=Présenter ce module")
    page.wait_for_url("**/cohortes/1/presentation/alpha")
    page.evaluate("window.__sameDocument = true")
    assert _current(page) == "diapo-1"
    assert page.eval_on_selector("#diapo-1", "e => parseFloat(getComputedStyle(e).fontSize)") >= 35  # 2.2rem
    shot(page, "presentation-title-1280x720")

    page.keyboard.press("ArrowRight")
    assert _current(page) == "diapo-2" and page.url.endswith("?diapo=2")
    assert page.inner_text("[data-position]") == "Diapositive 2 / 8"
    page.keyboard.press("PageDown")  # what a clicker sends
    assert _current(page) == "diapo-3" and page.url.endswith("?diapo=3")
    shot(page, "presentation-situation-1280x720")
    page.keyboard.press("PageUp")
    assert _current(page) == "diapo-2"
    page.keyboard.press("Space")
    page.keyboard.press("ArrowDown")
    assert _current(page) == "diapo-4"
    shot(page, "presentation-debrief-1280x720")
    page.keyboard.press("End")
    assert _current(page) == "diapo-8" and page.get_attribute("[data-nav=next]", "aria-disabled") == "true"
    page.keyboard.press("Home")
    assert _current(page) == "diapo-1"
    page.click("[data-nav=next]")
    assert _current(page) == "diapo-2"
    assert page.evaluate("window.__sameDocument") is True  # no page was reloaded

    # Keys typed in the synthesis stay in the text; Escape leaves the field, then keys move again.
    page.keyboard.press("End")
    page.click("#synthese-alpha-guetteur")
    page.keyboard.type("Le groupe retient : ")
    for key in ("ArrowLeft", "PageUp", "Backspace", "Home", "End", "Space", "f"):
        page.keyboard.press(key)
    assert _current(page) == "diapo-8"
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowLeft")
    assert _current(page) == "diapo-7"
    page.keyboard.press("ArrowRight")
    page.fill("#synthese-alpha-guetteur", "Le groupe retient qu'il y a toujours quelque chose à faire.")
    page.click("#diapo-8 button[type=submit]")
    page.wait_for_selector("text=Synthèse du groupe enregistrée.")
    assert page.url.endswith("?diapo=8") and _current(page) == "diapo-8"
    shot(page, "presentation-synthesis-1280x720")

    page.set_viewport_size({"width": 1920, "height": 1080})
    for n, name in ((1, "title"), (3, "situation"), (5, "synthesis")):
        page.goto(live_server + f"/cohortes/1/presentation/alpha?diapo={n}")
        assert _current(page) == f"diapo-{n}"
        shot(page, f"presentation-{name}-1920x1080")
    size = page.eval_on_selector("#diapo-5 .slide-heading", "e => parseFloat(getComputedStyle(e).fontSize)")
    body = page.eval_on_selector("#diapo-5 .notice", "e => parseFloat(getComputedStyle(e.parentNode).fontSize)")
    assert size >= 50 and body >= 35  # readable from the back of the room
    page.keyboard.press("PageUp")
    assert _current(page) == "diapo-4"

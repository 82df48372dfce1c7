"""Keyboard only, as someone who cannot use a mouse: sign in, read a module, answer a case study,
take a quiz. Every stop is reached with Tab, shows a visible focus, and is used with Enter or Space."""
from __future__ import annotations

import pytest

from tests.browser.conftest import shot

pytestmark = pytest.mark.browser

FOCUS_SHOWN = """() => { const e = document.activeElement, s = getComputedStyle(e);
  return (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2) || s.boxShadow !== 'none'; }"""


def tab_to(page, selector: str, limit: int = 200) -> None:
    """Press Tab until `selector` has the focus, and check that the focus can be seen there."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            assert page.evaluate(FOCUS_SHOWN), f"no visible focus on {selector}"
            return
    raise AssertionError(f"{selector} cannot be reached with Tab ({limit} presses)")


def test_module_exercise_and_quiz_with_the_keyboard_only(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server + "/connexion")
    tab_to(page, "#email")
    page.keyboard.type("stagiaire@demo.test")
    tab_to(page, "#password")
    page.keyboard.type("demo-formation")
    page.keyboard.press("Enter")
    page.wait_for_url(live_server + "/")

    tab_to(page, 'a[href="/parcours/complet"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/parcours/complet")
    tab_to(page, 'a[href="/modules/alpha"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/modules/alpha")

    tab_to(page, ".mark-read button")
    page.keyboard.press("Enter")
    page.wait_for_selector("#quoi .badge")  # « Section lue »
    tab_to(page, 'a[href="/exercices/alpha-chantier"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/exercices/alpha-chantier")

    tab_to(page, "#text")
    page.keyboard.type("Je prendrais le temps d'écouter les habitants avant de proposer une action collective.")
    tab_to(page, "button[value=submit]")
    page.keyboard.press("Enter")
    page.wait_for_selector("#debriefing")
    assert "Repères pour le débriefing" in page.inner_text("#debriefing")

    tab_to(page, 'main a[href="/modules/alpha"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/modules/alpha*")
    tab_to(page, 'a[href="/quiz/alpha"]')
    page.keyboard.press("Enter")
    page.wait_for_url("**/quiz/alpha")

    questions = page.locator("fieldset.question").count()
    for i in range(1, questions + 1):
        first = f"fieldset.question:nth-of-type({i}) .choice:first-of-type input"
        tab_to(page, first)
        page.keyboard.press("Space")  # ticks the focused radio button or box
        assert page.is_checked(first)
    shot(page, "keyboard-quiz-1280")
    tab_to(page, "form.quiz button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url("**/quiz/alpha/resultat/*")
    assert page.inner_text("h1").startswith("Votre résultat")


def test_a_long_paste_is_kept_whole_and_names_are_flagged_from_the_first_word(page, live_server):
    from tests.browser.conftest import login

    login(page, live_server)
    page.goto(live_server + "/exercices/alpha-guetteur")
    page.fill("#text", "x" * 8050)  # what a paste does: the whole text at once
    assert page.evaluate("document.querySelector('#text').value.length") == 8050
    counter = page.inner_text("[data-counter]")
    assert "8\u202f050 caractères sur 8\u202f000" in counter and "50 de trop" in counter, counter
    assert page.get_attribute("#text", "aria-invalid") == "true"
    page.fill("#text", "Mohamed Benali est venu nous voir.")
    assert "Mohamed, Benali" in page.inner_text("[data-names-warning]")
    assert "34 caractères sur 8\u202f000." == page.inner_text("[data-counter]")

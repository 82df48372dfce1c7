"""In a real browser: signatures drawn on the trainer's tablet and on a participant's phone, and the
12-participant sheet filled in at most 30 taps from opening it."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser
EXTRA = ["Anne Aubert", "Bilal Benali", "Claire Chevalier", "Denis Dumas", "Emma Estève", "Farid Fontaine",
         "Gaëlle Girard", "Hugo Hamel", "Inès Izard"]


def _draw(page, selector="canvas.signature-pad"):
    page.wait_for_load_state("load")
    box = page.locator(selector).bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + w * 0.15, y + h * 0.6)
    page.mouse.down()
    for i in range(1, 12):
        page.mouse.move(x + w * (0.15 + i * 0.06), y + h * (0.6 - 0.3 * (i % 2)), steps=2)
    page.mouse.up()
    page.wait_for_function("document.getElementById('signature').value.length > 10")  # the pad took the strokes


def _go(page, selector):
    """Click something that loads a new page, and wait until it has."""
    with page.expect_navigation():
        page.click(selector)


def _session_url(page, base, index):
    page.goto(base + "/cohortes/1/seances")
    rows = page.locator("table tbody tr")
    assert rows.count() >= 2, page.locator("main").inner_text()[:1500]
    with page.expect_navigation():
        rows.nth(index).locator("a").first.click()
    return page.url


def _add_roster(page, base):
    page.goto(base + "/cohortes/1/participants")
    if page.locator("td", has_text=EXTRA[-1]).count():
        return
    csv = "Nom;Structure;Fonction\n" + "\n".join(f"{n};Bailleur Sud;Gardien" for n in EXTRA) + "\n"
    page.set_input_files("input[type=file]", files=[{"name": "liste.csv", "mimeType": "text/csv",
                                                     "buffer": csv.encode()}])
    _go(page, "text=Voir l'aperçu")
    _go(page, "text=Importer ces 9 personnes")
    page.wait_for_selector(f"td:has-text('{EXTRA[-1]}')")


def test_tablet_and_phone_signatures(browser, live_server):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 1024, "height": 768})
    page = ctx.new_page()
    login(page, live_server, "formatrice@demo.test")
    sheet_url = _session_url(page, live_server, 1)  # today, afternoon
    # on the tablet: Samir signs with a finger (mouse here)
    with page.expect_navigation():
        page.locator("li.sheet-row", has_text="Samir Stagiaire").get_by_role("link", name="Faire signer").click()
    assert page.locator(".half-day").inner_text().endswith("après-midi · Groupe de démonstration") or \
        "après-midi" in page.locator(".half-day").inner_text()
    _draw(page)
    _go(page, "text=Valider la signature")
    assert "signature enregistrée" in page.locator(".flash").first.inner_text()
    assert page.locator("li.sheet-row", has_text="Samir Stagiaire").locator("svg.signature-thumb polyline").count() == 1
    # an empty signature is refused, with the same message everywhere
    with page.expect_navigation():
        page.locator("li.sheet-row", has_text="Léa Stagiaire").get_by_role("link", name="Faire signer").click()
    _go(page, "text=Valider la signature")
    page.wait_for_selector("text=La signature est vide")
    page.goto(sheet_url)
    assert page.locator("li.sheet-row", has_text="Léa Stagiaire").locator("svg").count() == 0
    # self-signing: the rotating code and its QR code, then Karim (no account) on his own phone
    _go(page, "text=Code d'émargement (QR)")
    code = page.locator(".self-code").inner_text().strip()
    shot(page, "attendance-code-tablet")
    session_id = re.search(r"/seances/(\d+)", sheet_url).group(1)
    phone = browser.new_context(locale="fr-FR", viewport={"width": 390, "height": 844}).new_page()
    phone.goto(f"{live_server}/emarger?seance={session_id}&code={code}")
    _go(phone, "text=Continuer")
    names = phone.locator("#participant option").all_inner_texts()
    assert "Karim G." in names and not any("Stagiaire" in n for n in names)  # accounts sign signed in
    phone.select_option("#participant", label="Karim G.")
    _draw(phone)
    shot(phone, "attendance-self-sign-phone")
    _go(phone, "text=Valider ma signature")
    phone.wait_for_selector("text=Merci, Karim Gardien")
    phone.context.close()
    page.goto(sheet_url)
    row = page.locator("li.sheet-row", has_text="Karim Gardien")
    assert row.locator("svg.signature-thumb polyline").count() == 1 and "téléphone" in row.inner_text()
    ctx.close()


def test_twelve_participants_sign_in_at_most_thirty_taps(browser, live_server):
    ctx = browser.new_context(locale="fr-FR", viewport={"width": 768, "height": 1024}, has_touch=True)
    page = ctx.new_page()
    login(page, live_server, "formatrice@demo.test")
    _add_roster(page, live_server)
    sheet_url = _session_url(page, live_server, 0)  # today, morning
    people = page.locator("li.sheet-row").count()
    assert people == 12 and page.locator(".todo-label").count() == people  # « à renseigner », none chosen
    shot(page, "attendance-sheet-768")
    sig = page.locator(".sig").first.bounding_box()
    assert sig["x"] + sig["width"] <= 768  # the signature column is on screen in portrait
    taps = 0

    def tap(selector):
        nonlocal taps
        _go(page, selector)
        taps += 1

    def draw():
        nonlocal taps
        _draw(page)
        taps += 1

    tap("text=Faire signer tout le monde")
    signed = 0
    while page.locator("h1", has_text="Signature de ").count():
        assert page.locator(".half-day").inner_text().startswith("Séance du ")
        draw()
        tap("text=Valider la signature")
        signed += 1
        assert signed <= people
    assert page.locator("h1", has_text="Signature du formateur").count() == 1
    draw()
    tap("text=Valider la signature")
    page.wait_for_selector("text=Feuille signée et verrouillée")
    assert signed == people and taps <= 30, (signed, taps)
    print(f"{signed} participants and the trainer signed in {taps} taps")
    assert page.locator("li.sheet-row svg.signature-thumb").count() == signed
    shot(page, "attendance-sheet-768-signed")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.goto(sheet_url)
    sig = page.locator(".sig").first.bounding_box()
    assert sig["x"] + sig["width"] <= 1024
    shot(page, "attendance-sheet-1024")
    page.set_viewport_size({"width": 390, "height": 844})
    shot(page, "attendance-sheet-390")
    ctx.close()

"""The offline bundle opened from file:// in Chromium with every non-file request aborted."""
from __future__ import annotations

import uuid
import zipfile

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser


@pytest.fixture
def bundle(app, tmp_path):
    from training.elearning.service import build_package, resolve

    with app.app_context():
        reg = app.extensions["training.content"]
        data = build_package(app.jinja_env, reg, resolve(reg, "complet"), "offline")
        quiz = reg.quizzes["alpha"]
    (tmp_path / "bundle.zip").write_bytes(data)
    folder = tmp_path / "cle-usb"
    zipfile.ZipFile(tmp_path / "bundle.zip").extractall(folder)
    return folder, quiz


@pytest.fixture
def offline_page(browser):
    context = browser.new_context(locale="fr-FR", accept_downloads=True)
    requests = []
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file://")
                  else route.abort())
    page = context.new_page()
    page.on("request", lambda r: requests.append(r.url))
    yield page, requests
    context.close()


def test_offline_bundle_reads_submits_and_passes_without_network(offline_page, bundle, tmp_path):
    page, requests = offline_page
    folder, quiz = bundle
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((folder / "index.html").as_uri())
    assert page.locator("h1").inner_text() == "Parcours de test"
    page.click("text=Le cadre de vie (test)")
    page.locator("[data-runtime-status]").filter(has_text="Aucune plateforme de formation détectée").wait_for()

    page.click("button[data-read=quoi]")
    assert page.locator("[data-read-done=quoi]").is_visible()
    with page.expect_popup() as popup:
        page.locator("#quoi .section-foot a.source-link").click()
    source = popup.value
    source.wait_for_load_state()
    assert "lignes 1097 à 1112" in source.content() and source.locator(".report-line").count() == 16
    source.close()

    marker = f"Réponse-{uuid.uuid4().hex[:8]}"
    assert not page.locator("[data-debrief=alpha-guetteur]").is_visible()
    page.fill("#text-alpha-guetteur", marker)
    page.click("form[data-exercise=alpha-guetteur] button[type=submit]")
    assert page.locator("[data-debrief=alpha-guetteur]").is_visible()
    assert "restent sur cet appareil" in page.locator("#confidentialite").inner_text()

    for q in quiz.questions:
        for c in q.choices:
            if c.correct:
                page.check(f"#q-{q.slug}-{c.slug}")
    page.click("[data-quiz-submit]")
    assert "Quiz réussi" in page.locator("[data-quiz-result]").inner_text()
    assert page.locator("[data-question] [data-feedback]:visible").count() >= len(quiz.questions)

    for width in (390, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.locator("#exercices").scroll_into_view_if_needed()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"offline-module-{width}.png"))
        assert page.evaluate("document.documentElement.scrollWidth") <= width

    # Progress is kept in this browser: a reload resumes.
    page.reload()
    assert page.locator("[data-read-done=quoi]").is_visible()
    assert page.locator("[data-debrief=alpha-guetteur]").is_visible()
    assert page.input_value("#text-alpha-guetteur") == marker
    assert "100\u00a0% (réussi)" in page.locator("[data-quiz-best]").inner_text()

    with page.expect_download() as download:
        page.click("[data-answers-download]")
    path = tmp_path / "reponses.txt"
    download.value.save_as(path)
    assert marker in path.read_text(encoding="utf-8")
    page.once("dialog", lambda d: d.accept())
    page.click("[data-answers-erase]")
    assert page.input_value("#text-alpha-guetteur") == ""
    assert marker not in page.evaluate("JSON.stringify(window.localStorage)")

    assert errors == []
    assert requests and all(u.startswith(("file://", "blob:")) for u in requests), requests

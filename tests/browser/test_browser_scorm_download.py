"""A trainer downloads a SCORM package from the module page of the running app."""
from __future__ import annotations

import zipfile

import pytest

from tests.browser.conftest import login, shot

pytestmark = pytest.mark.browser


def test_trainer_downloads_a_scorm_package_from_the_module_page(browser, live_server, tmp_path):
    context = browser.new_context(locale="fr-FR", accept_downloads=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, live_server, email="formatrice@demo.test")
    page.goto(live_server + "/modules/alpha")
    box = page.locator(".package-downloads")
    assert "ni notes d'animation ni données personnelles" in box.inner_text()
    shot(page, "module-package-buttons-390")
    with page.expect_download() as download:
        box.get_by_role("link", name="SCORM 2004").click()
    assert download.value.suggested_filename == "alpha-scorm2004.zip"
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    with zipfile.ZipFile(path) as z:
        assert b"2004 4th Edition" in z.read("imsmanifest.xml") and "alpha.html" in z.namelist()
    context.close()

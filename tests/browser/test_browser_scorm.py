"""Exported SCORM packages in a real SCORM runtime: scorm-again (vendored) on a host page, the package in an
iframe of the same origin. Assertions read what the runtime stored, not the events it fired."""
from __future__ import annotations

import functools
import http.server
import json
import re
import shutil
import threading
import uuid
import zipfile
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.browser
VENDOR = Path(__file__).resolve().parents[1] / "vendor" / "scorm-again"
HOST = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>LMS de test</title>
<script src="vendor/scorm12.min.js"></script><script src="vendor/scorm2004.min.js"></script></head>
<body><script>
window.launch = function (version, src, data) {
  var settings = {autocommit: false, lmsCommitUrl: false, logLevel: 5};
  var api = version === "1.2" ? new Scorm12API(settings) : new Scorm2004API(settings);
  if (data) { api.loadFromJSON(data, ""); }
  // Every value the runtime refuses (wrong format, read-only, out of range) is recorded here.
  window.refused = [];
  ["LMSSetValue", "SetValue"].forEach(function (name) {
    if (!api[name]) { return; }
    var original = api[name].bind(api);
    api[name] = function (key, value) {
      var ok = original(key, value);
      if (String(ok) !== "true") { window.refused.push(key + "=" + value); }
      return ok;
    };
  });
  if (version === "1.2") { window.API = api; } else { window.API_1484_11 = api; }
  var frame = document.createElement("iframe");
  frame.src = src; frame.style.width = "100%"; frame.style.height = "900px";
  if (src) { document.body.appendChild(frame); }
};
</script></body></html>"""

# The data model paths, per version, of what the tests read back from the runtime.
KEYS = {
    "1.2": {"api": "API", "status": "cmi.core.lesson_status", "raw": "cmi.core.score.raw",
            "min": "cmi.core.score.min", "max": "cmi.core.score.max", "location": "cmi.core.lesson_location",
            "limit": 4096, "time_re": r"^\d{2,4}:\d{2}:\d{2}(\.\d{1,2})?$"},
    "2004": {"api": "API_1484_11", "status": "cmi.success_status", "raw": "cmi.score.raw", "min": "cmi.score.min",
             "max": "cmi.score.max", "location": "cmi.location", "limit": 64000,
             "time_re": r"^PT(\d+H)?(\d+M)?(\d+(\.\d+)?S)?$"},
}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def lms(app, tmp_path):
    """Export module alpha in both versions, serve them with the host page on one origin."""
    from training.elearning.service import build_package, resolve

    root = tmp_path / "site"
    (root / "vendor").mkdir(parents=True)
    for name in ("scorm12.min.js", "scorm2004.min.js"):
        shutil.copy(VENDOR / name, root / "vendor" / name)
    (root / "host.html").write_text(HOST, encoding="utf-8")
    with app.app_context():
        reg = app.extensions["training.content"]
        for fmt, folder in (("scorm12", "pkg12"), ("scorm2004", "pkg2004")):
            zpath = tmp_path / f"{folder}.zip"
            zpath.write_bytes(build_package(app.jinja_env, reg, resolve(reg, "alpha"), fmt))
            zipfile.ZipFile(zpath).extractall(root / folder)
        quiz = reg.quizzes["alpha"]
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield {"url": f"http://127.0.0.1:{server.server_address[1]}", "quiz": quiz}
    server.shutdown()
    server.server_close()


def _launch(browser, lms, version, data=None):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(lms["url"] + "/host.html")
    folder = "pkg12" if version == "1.2" else "pkg2004"
    page.evaluate("([v, src, data]) => launch(v, src, data)", [version, f"{folder}/alpha.html", data])
    frame = page.frame_locator("iframe")
    frame.locator("[data-runtime-status]").filter(has_text=f"SCORM {version}").wait_for()
    return context, page, frame


def _get(page, version, key):
    return page.evaluate("([api, key]) => window[api].getCMIValue(key)", [KEYS[version]["api"], key])


def _answer_quiz(frame, quiz, right: bool):
    for q in quiz.questions:
        picks = [c for c in q.choices if c.correct == right] or [q.choices[0]]
        if q.type == "single":
            picks = picks[:1]
        for c in picks:
            frame.locator(f"#q-{q.slug}-{c.slug}").check()
    frame.locator("[data-quiz-submit]").click()


def _stored(page, version) -> str:
    """Everything the runtime holds and everything it would send on commit."""
    api = KEYS[version]["api"]
    return page.evaluate(f"""() => JSON.stringify(window.{api}.renderCMIToJSONObject())
        + JSON.stringify(window.{api}.renderCommitCMI(true))""")


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_package_runs_in_a_scorm_runtime_and_resumes(browser, lms, version):
    k = KEYS[version]
    marker = f"Marqueur-{uuid.uuid4().hex}"
    context, page, frame = _launch(browser, lms, version)
    assert _get(page, version, "cmi.completion_status" if version == "2004" else k["status"]) == "incomplete"

    sections = frame.locator("button[data-read]").count()
    for _ in range(sections):
        frame.locator("button[data-read]:visible").first.click()
    assert frame.locator("[data-read-done]:visible").count() == sections
    frame.locator("#text-alpha-chantier").fill(marker)
    frame.locator("form[data-exercise=alpha-chantier] button[type=submit]").click()
    frame.locator("[data-debrief=alpha-chantier]").wait_for()
    _answer_quiz(frame, lms["quiz"], right=True)
    assert "Quiz réussi" in frame.locator("[data-quiz-result]").inner_text()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"scorm-{version}-host.png"))

    assert _get(page, version, k["status"]) == "passed"
    if version == "2004":
        assert _get(page, version, "cmi.completion_status") == "completed"
        assert float(_get(page, version, "cmi.score.scaled")) == 1
    assert (_get(page, version, k["raw"]), _get(page, version, k["min"]), _get(page, version, k["max"])) == (
        "100", "0", "100")
    assert _get(page, version, k["location"]) == "quiz"
    # session_time is write-only for the SCO; read the value the runtime stored.
    stored_time = page.evaluate(f"() => window.{k['api']}.cmi.{'core' if version == '1.2' else 'session'}._session_time")
    assert re.match(k["time_re"], stored_time), stored_time
    suspend = _get(page, version, "cmi.suspend_data")
    assert 0 < len(suspend) <= k["limit"]
    assert json.loads(suspend)["e"] == "10"  # exercise 1 submitted: a yes, not its text
    stored = _stored(page, version)
    assert marker not in stored and marker not in suspend
    assert page.evaluate(f"() => window.{k['api']}.cmi.interactions.childArray.length") == 0

    assert page.evaluate("() => window.refused") == []
    page.evaluate("() => document.querySelector('iframe').remove()")  # the learner closes the module
    assert page.evaluate(f"() => window.{k['api']}.isTerminated()") is True
    assert marker not in _stored(page, version)
    data = page.evaluate(f"() => window.{k['api']}.renderCMIToJSONObject()")
    assert page.evaluate("() => window.localStorage.length") >= 1  # the text stayed on this device
    context.close()

    # A second launch on another device, fed what the LMS kept: it resumes where the first stopped.
    context, page, frame = _launch(browser, lms, version, data)
    assert frame.locator("body").get_attribute("data-resumed-at") == "quiz"
    assert frame.locator("[data-read-done]:visible").count() == sections
    assert frame.locator("[data-debrief=alpha-chantier]").is_visible()
    assert not frame.locator("[data-debrief=alpha-guetteur]").is_visible()
    assert frame.locator("#text-alpha-chantier").input_value() == ""  # the text never travelled
    assert "100\u00a0% (réussi)" in frame.locator("[data-quiz-best]").inner_text()
    assert _get(page, version, k["status"]) == "passed"
    assert page.evaluate("() => window.refused") == []
    context.close()


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_a_failed_quiz_gives_failed(browser, lms, version):
    k = KEYS[version]
    context, page, frame = _launch(browser, lms, version)
    _answer_quiz(frame, lms["quiz"], right=False)
    assert "Pas encore le seuil" in frame.locator("[data-quiz-result]").inner_text()
    assert _get(page, version, k["status"]) == "failed"
    assert _get(page, version, k["raw"]) == "0"
    if version == "2004":
        assert _get(page, version, "cmi.completion_status") == "completed"
    assert page.evaluate("() => window.refused") == []
    context.close()


def test_a_package_opened_in_a_new_window_finds_the_api_through_the_opener(browser, lms):
    context = browser.new_context(locale="fr-FR")
    page = context.new_page()
    page.goto(lms["url"] + "/host.html")
    page.evaluate("() => launch('1.2', '', null)")
    with page.expect_popup() as popup:
        page.evaluate("() => window.open('pkg12/alpha.html', 'module')")
    module = popup.value
    module.locator("[data-runtime-status]").filter(has_text="SCORM 1.2").wait_for()
    module.click("button[data-read=quoi]")
    assert page.evaluate("() => JSON.parse(API.cmi.suspend_data).r").startswith("1")
    assert page.evaluate("() => API.cmi.core.lesson_location") == "quoi"
    module.close(run_before_unload=True)
    page.wait_for_function("() => API.isTerminated()")
    context.close()

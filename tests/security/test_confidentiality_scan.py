"""Private text never reaches anyone else: markers in a private reflection, a draft and a survey
free text are searched in every response reachable by every other identity (pages, PDF text,
CSV, zip contents, JSON exports) and in the captured logs."""
from __future__ import annotations

import logging

import pytest

from tests.security.expectations import params_for
from tests.security.responses import body_text, fill_form
from tests.security.test_matrix import routes
from tests.security.world import IDENTITIES, PRIVATE_DRAFT, PRIVATE_REFLECTION, SURVEY_FREE_TEXT, build

MARKERS = (PRIVATE_REFLECTION, PRIVATE_DRAFT, SURVEY_FREE_TEXT)


@pytest.fixture(scope="module")
def scanned_world(sec_app):
    root = logging.getLogger()
    handler = _Capture()
    root.addHandler(handler)
    old = root.level
    root.setLevel(logging.DEBUG)
    w = build(sec_app)
    owner = w.client("owner")
    url = f"/questionnaires/{w.ids['cohort_id']}/chaud"
    page = owner.get(url, follow_redirects=True)
    action, data = fill_form(page.get_data(as_text=True), SURVEY_FREE_TEXT, "questionnaire", url)
    assert action, "the survey form was not found"
    owner.post(action, data=data)
    w.extra["log"] = handler
    yield w
    root.removeHandler(handler)
    root.setLevel(old)


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record):
        try:
            self.lines.append(record.getMessage())
        except Exception:  # a broken record must not hide the others
            self.lines.append(str(record.msg))
        if record.exc_text or record.exc_info:
            self.lines.append(logging.Formatter().formatException(record.exc_info) if record.exc_info else record.exc_text)


def test_private_markers_reach_no_one_else(sec_app, scanned_world, record_property):
    w = scanned_world
    leaks, scanned = [], 0
    for rule, methods in routes(sec_app):
        if "GET" not in methods:
            continue
        url = rule.build(params_for(rule.endpoint, set(rule.arguments), w.ids), append_unknown=False)[1]
        for ident in IDENTITIES:
            if ident == "owner":
                continue
            r = w.client(ident).get(url, follow_redirects=True)
            text = body_text(r.get_data(), r.content_type or "")
            r.close()
            scanned += 1
            for marker in MARKERS:
                if marker in text:
                    leaks.append(f"{marker} seen by {ident} at {url}")
    # The owner's own journal holds the reflection: the scan would miss a renamed marker otherwise.
    own = w.client("owner").get("/journal").get_data(as_text=True)
    assert PRIVATE_REFLECTION in own
    for line in w.extra["log"].lines:
        for marker in MARKERS:
            if marker in line:
                leaks.append(f"{marker} in the log: {line[:120]}")
    with sec_app.app_context():
        from sqlalchemy import text as sql

        from training import db
        answers = db.session().execute(sql("SELECT count(*) FROM survey_response")).scalar()
    assert answers == 1, "the owner's survey answer (with its free-text marker) was not recorded"
    record_property("responses_scanned", scanned)
    assert not leaks, "\n".join(leaks)

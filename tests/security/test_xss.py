"""XSS payloads in every text field a person can fill come back escaped on every page and document."""
from __future__ import annotations

import pytest

from tests.security.expectations import params_for
from tests.security.responses import UNESCAPED, body_text, fill_form
from tests.security.test_matrix import routes
from tests.security.world import IDENTITIES, build, csrf_from

PAYLOAD = '<script>alert(1)</script>"\'><img src=x onerror=alert(2)> javascript:alert(3)'


@pytest.fixture(scope="module")
def xss_world(sec_app):
    names = {k: f"{k} {PAYLOAD}" for k in ("owner", "peer", "outsider", "trainer", "other_trainer", "admin",
                                            "cohort", "place", "participant", "organisation")}
    w = build(sec_app, names=names)
    owner = w.client("owner")
    # A submitted reflection shared with the cohort, so its text shows to others.
    page = owner.get("/exercices/alpha-chantier").get_data(as_text=True)
    owner.post("/exercices/alpha-chantier/partage", data={"csrf_token": csrf_from(page), "cohort": str(w.ids["cohort_id"])})
    trainer = w.client("trainer")
    show = trainer.get(f"/cohortes/{w.ids['cohort_id']}/presentation/alpha").get_data(as_text=True)
    action, data = fill_form(show, PAYLOAD, "syntheses")
    if action:
        trainer.post(action, data=data)
    return w


def test_payloads_come_back_escaped_everywhere(sec_app, xss_world, record_property):
    w = xss_world
    problems, checked = [], 0
    for rule, methods in routes(sec_app):
        if "GET" not in methods or rule.endpoint == "static":
            continue
        url = rule.build(params_for(rule.endpoint, set(rule.arguments), w.ids), append_unknown=False)[1]
        for ident in IDENTITIES:
            r = w.client(ident).get(url, follow_redirects=True)
            data, ctype = r.get_data(), r.content_type or ""
            r.close()
            checked += 1
            if "html" in ctype and UNESCAPED.search(data.decode("utf-8", "replace")):
                problems.append(f"unescaped payload for {ident} at {url}")
            elif "html" not in ctype and data[:2] == b"PK":
                for line in body_text(data, ctype).split("--- ")[1:]:
                    name = line.split("\n", 1)[0]
                    if name.endswith((".html", ".htm")) and UNESCAPED.search(line):
                        problems.append(f"unescaped payload in {name} of {url}")
    record_property("responses_checked", checked)
    assert checked > 100
    assert not problems, "\n".join(problems)

"""A fuzz pass over every route's parameters: path values, form fields and JSON bodies never give a 5xx.

Generated with hypothesis from the URL map: each route is tried by four identities with
path parameters (huge, negative, non-ASCII, real ids), form fields taken from the route's own
page plus nasty values (« ² », control characters, NUL, years 9999, times with a zone, very
long text) and JSON bodies (lists, deep nesting, lone surrogates). Derandomised, so CI is
reproducible.
"""
from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.security.expectations import params_for
from tests.security.responses import forms_of
from tests.security.test_matrix import routes, token_of
from tests.security.world import build

IDENTITIES = ("anonymous", "owner", "trainer", "admin")
# Routes that end a session or a person: tried last, so the others keep their identities.
LAST = ("accounts.password", "accounts.user_toggle", "privacy.user_erase", "accounts.user_sign_out",
        "privacy.participant_anonymise", "accounts.logout", "cohorts.archive",
        "cohorts.participant_remove", "attendance.session_cancel")
EXAMPLES = 8

NASTY = ["", "0", "-1", "²", "١٢", "9" * 30, str(2 ** 63), "1e309", "NaN", "9999-12-31", "0001-01-01", "2026-02-30",
         "12:00+02:00", "25:61", "09:00:00.123456", "\x00", "a\x00b", "\x1b[31m", "\u202e", "\ufeff",
         "<script>alert(1)</script>", "'; DROP TABLE user_account; --", "x" * 200_000, "é" * 9000, "\r\n" * 50,
         "../../etc/passwd", "%00", "{{7*7}}", "[]", "{}", "null"]
text = st.one_of(st.sampled_from(NASTY), st.text(st.characters(blacklist_categories=("Cs",)), max_size=40))
path_int = st.one_of(st.sampled_from([0, 1, 2, 3, 2 ** 31, 2 ** 63, 2 ** 64 + 1, 10 ** 30]),
                     st.integers(min_value=0, max_value=10 ** 25))
path_text = st.one_of(st.sampled_from(["alpha", "x" * 500, "..", "%2e%2e", "é", "²", "a b", "nul\x00"]),
                      st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30))
json_value = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
                          lambda inner: st.lists(inner, max_size=4) | st.dictionaries(text, inner, max_size=4),
                          max_leaves=12)
RAW_JSON = ['{"text": "\\ud800", "revision": 1}', "[1, 2, 3]", "[" * 5000 + "]" * 5000, '{"text": 1e999}',
            '{"signature": ' + "[" * 3000 + "]" * 3000 + "}", "not json", '{"text": null, "revision": "²"}']


@pytest.fixture(scope="module")
def fuzz_world(sec_app):
    w = build(sec_app)
    w.extra["tokens"] = {ident: token_of(w.client(ident)) for ident in IDENTITIES}
    return w


def _build(rule, parts: dict) -> str:
    out = rule.rule
    for arg in rule.arguments:
        for conv in ("int:", "path:", ""):
            out = out.replace(f"<{conv}{arg}>", parts[arg])
    return out


def _form_fields(client, url: str) -> list[str]:
    r = client.get(url, follow_redirects=False)
    names: list[str] = []
    if "html" in (r.content_type or ""):
        for form in forms_of(r.get_data(as_text=True)):
            names += [n for n in form["fields"] if n != "csrf_token"]
    r.close()
    return names


def _ordered(app):
    all_routes = routes(app)
    return [r for r in all_routes if r[0].endpoint not in LAST] + [r for r in all_routes if r[0].endpoint in LAST]


def test_no_5xx_whatever_comes_in(sec_app, fuzz_world, record_property):
    w, errors, sent = fuzz_world, [], [0]
    for rule, methods in _ordered(sec_app):
        if rule.endpoint == "static":
            continue
        real = params_for(rule.endpoint, set(rule.arguments), w.ids)
        fields = _form_fields(w.client("trainer"), _build(rule, {k: quote(str(v), safe="") for k, v in real.items()})) \
            if "GET" in methods else []

        @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))
        @given(data=st.data())
        def attempt(data):
            ident = data.draw(st.sampled_from(IDENTITIES))
            values = {}
            for arg, value in real.items():
                fuzzed = path_int if isinstance(value, int) else path_text
                values[arg] = data.draw(st.one_of(st.just(value), fuzzed))
            url = _build(rule, {k: quote(str(v), safe="") for k, v in values.items()})
            client = w.client(ident)
            calls = []
            if "GET" in methods:
                calls.append(("GET", lambda: client.get(url)))
            if "POST" in methods:
                form = {name: data.draw(text) for name in fields + ["text", "status", "id", "day", "starts_at"]}
                form["csrf_token"] = w.extra["tokens"][ident]
                calls.append(("POST form", lambda: client.post(url, data=form)))
                if data.draw(st.booleans()):
                    body = data.draw(st.one_of(st.sampled_from(RAW_JSON), json_value.map(json.dumps)))
                    calls.append(("POST json", lambda: client.post(url, data=body, content_type="application/json",
                                                                   headers={"X-CSRFToken": w.extra["tokens"][ident]})))
            for label, call in calls:
                sent[0] += 1
                try:
                    resp = call()
                except Exception as exc:  # TESTING propagates what would be a 500
                    errors.append(f"{rule.endpoint} {label} as {ident}: {type(exc).__name__}: {str(exc)[:90]}")
                    continue
                if resp.status_code >= 500:
                    errors.append(f"{rule.endpoint} {label} as {ident} {url[:80]}: {resp.status_code}")
                resp.close()

        attempt()
    record_property("requests", sent[0])
    assert sent[0] > 500
    assert not errors, f"{len(errors)} server errors:\n" + "\n".join(sorted(set(errors))[:60])

"""The authorisation matrix, generated from the URL map: every route × seven identities, GET and POST.

Each route must have a line in `expectations.EXPECT`; path parameters are real objects that
belong to cohort 1 and its « owner » trainee, so every other identity asks for someone else's
object. Also checked here: CSRF refused on every POST, and no GET writes to the database.
"""
from __future__ import annotations

import pytest

from tests.security.conftest import diff, snapshot
from tests.security.expectations import ALLOWED, ANON_ONLY, EXPECT, JOIN, TOKEN, params_for
from tests.security.world import IDENTITIES, csrf_from

DENIED_SIGNED_IN = {403, 404}
# Issuing a document records it once in the verification register, keyed by its content: the only write
# a GET may make, checked below to be idempotent (the same document asked again writes nothing).
ISSUE_REGISTER = {"issued_document"}
# A quiz posted with an expired form is not lost: it is refused, then its ticks are carried to a fresh
# form (303), writing nothing. Every other POST answers 400.
CSRF_RECOVERY = {"learning.quiz_post"}


def routes(app):
    out = []
    for rule in app.url_map.iter_rules():
        methods = sorted(rule.methods - {"HEAD", "OPTIONS"})
        out.append((rule, methods))
    return sorted(out, key=lambda r: r[0].rule)


def url_for_rule(app, rule, ids, **override) -> str:
    values = params_for(rule.endpoint, set(rule.arguments), ids)
    values.update({k: v for k, v in override.items() if k in values})
    return rule.build(values, append_unknown=False)[1]


def is_denied(identity: str, response) -> bool:
    if identity == "anonymous":
        loc = response.headers.get("Location", "")
        return response.status_code == 401 or (response.status_code in (302, 303) and "/connexion" in loc) \
            or response.status_code in DENIED_SIGNED_IN
    return response.status_code in DENIED_SIGNED_IN


def token_of(client) -> str:
    for path in ("/compte/mot-de-passe", "/connexion"):
        token = csrf_from(client.get(path, follow_redirects=True).get_data(as_text=True))
        if token:
            return token
    raise AssertionError("no CSRF token reachable")


def test_every_route_has_an_expectation(sec_app):
    endpoints = {rule.endpoint for rule, _ in routes(sec_app)}
    missing = sorted(endpoints - set(EXPECT))
    assert not missing, f"routes without an expected answer in tests/security/expectations.py: {missing}"
    stale = sorted(set(EXPECT) - endpoints)
    assert not stale, f"expectations for routes that no longer exist: {stale}"
    for rule, methods in routes(sec_app):
        get_rule, post_rule = EXPECT[rule.endpoint]
        assert ("GET" in methods) == (get_rule is not None), f"{rule.endpoint}: GET expectation vs methods {methods}"
        assert ("POST" in methods) == (post_rule is not None), f"{rule.endpoint}: POST expectation vs methods {methods}"


def test_get_matrix_and_no_get_writes(sec_app, world, record_property):
    problems, sent = [], 0
    for rule, methods in routes(sec_app):
        if "GET" not in methods:
            continue
        expected = EXPECT[rule.endpoint][0]
        url = url_for_rule(sec_app, rule, world.ids)
        before = snapshot(sec_app)
        for ident in IDENTITIES:
            r = world.client(ident).get(url)
            r.close()
            sent += 1
            if r.status_code >= 500:
                problems.append(f"{ident} GET {url}: {r.status_code}")
                continue
            if expected == ANON_ONLY:
                continue  # served or redirected home: never an error
            allowed = ident in ALLOWED[expected]
            if allowed == is_denied(ident, r):
                problems.append(f"{ident} GET {url} ({rule.endpoint}): {r.status_code}, expected "
                                f"{'allowed' if allowed else 'denied'}")
        if expected in (TOKEN, JOIN):
            forged = url_for_rule(sec_app, rule, world.ids, token="A" * 40, code="ZZZZZZ")
            for ident in IDENTITIES:
                r = world.client(ident).get(forged)
                sent += 1
                if r.status_code not in (400, 404, 410) and not (r.status_code == 200 and "expir" in r.get_data(as_text=True)):
                    problems.append(f"{ident} GET forged {forged}: {r.status_code}")
        after = snapshot(sec_app)
        changed = [t for t in diff(before, after) if t not in ISSUE_REGISTER]
        if changed:
            problems.append(f"GET {url} ({rule.endpoint}) changed tables {changed}")
        if diff(before, after):  # a document was registered: asking again must write nothing
            world.client("admin").get(url).close()
            again = diff(after, snapshot(sec_app))
            if again:
                problems.append(f"GET {url} again changed tables {again}")
    record_property("requests", sent)
    assert not problems, "\n".join(problems)


def test_post_refused_for_every_identity_not_allowed(sec_app, world):
    problems = []
    tokens = {ident: token_of(world.client(ident)) for ident in IDENTITIES}
    for rule, methods in routes(sec_app):
        if "POST" not in methods:
            continue
        expected = EXPECT[rule.endpoint][1]
        if expected in (ANON_ONLY, TOKEN):
            continue
        url = url_for_rule(sec_app, rule, world.ids)
        for ident in IDENTITIES:
            if ident in ALLOWED[expected]:
                continue
            before = snapshot(sec_app)
            r = world.client(ident).post(url, data={"csrf_token": tokens[ident], "text": "x", "status": "present"})
            if not is_denied(ident, r):
                problems.append(f"{ident} POST {url} ({rule.endpoint}): {r.status_code}, expected denied")
            changed = diff(before, snapshot(sec_app))
            if changed:
                problems.append(f"{ident} POST {url} refused yet changed {changed}")
    assert not problems, "\n".join(problems)


def test_csrf_refused_on_every_post(sec_app, world):
    problems = []
    for rule, methods in routes(sec_app):
        if "POST" not in methods:
            continue
        url = url_for_rule(sec_app, rule, world.ids)
        before = snapshot(sec_app)
        for ident in IDENTITIES:
            for data in ({}, {"csrf_token": "forged-token"}):
                r = world.client(ident).post(url, data=data)
                if r.status_code != 400 and not (r.status_code == 303 and rule.endpoint in CSRF_RECOVERY):
                    problems.append(f"{ident} POST {url} without a valid CSRF token: {r.status_code}")
        changed = diff(before, snapshot(sec_app))
        if changed:
            problems.append(f"POST {url} without CSRF changed {changed}")
    assert not problems, "\n".join(problems)


def test_post_not_refused_for_those_allowed(sec_app, world):
    """Runs last in this module: allowed POSTs change state (an empty form may still archive a cohort)."""
    from tests.security.test_fuzz import LAST

    problems = []
    ordered = [r for r in routes(sec_app) if r[0].endpoint not in LAST] + \
        [r for r in routes(sec_app) if r[0].endpoint in LAST]
    for rule, methods in ordered:
        if "POST" not in methods:
            continue
        expected = EXPECT[rule.endpoint][1]
        url = url_for_rule(sec_app, rule, world.ids)
        allowed = sorted(ALLOWED[expected] - {"anonymous"})
        for ident in (allowed[:1] if rule.endpoint in LAST else allowed):  # the first one may remove the object
            client = world.client(ident)
            r = client.post(url, data={"csrf_token": token_of(client)})
            if r.status_code >= 500 or (expected not in (TOKEN, ANON_ONLY) and is_denied(ident, r)):
                problems.append(f"{ident} POST {url} ({rule.endpoint}): {r.status_code}, expected allowed")
    assert not problems, "\n".join(problems)

"""Access-log redaction: the route pattern instead of the path, so that no token, code or id in a URL
(reset links, survey coupons, join codes, self-sign codes) is ever written to a log.

The app notes the matched route in the WSGI environ (`init_app`), and logs its own exceptions
with it; gunicorn's logger class below logs that pattern. A path no route matches is cut after
its first segment. Query strings, referers, headers and environ atoms are dropped. Survey
answers are logged without the address, so the log cannot tell whose device answered when.
"""
from __future__ import annotations

import re

from flask import Flask, request
from gunicorn.glogging import Logger

ROUTE_KEY = "training.route"
ANONYMOUS_ENDPOINTS = {"surveys.answer", "surveys.answer_signed_in"}


def init_app(app: Flask) -> None:
    @app.before_request
    def _note_route():
        rule = request.url_rule
        request.environ[ROUTE_KEY] = (rule.rule, rule.endpoint) if rule is not None else None

    def log_exception(exc_info) -> None:  # Flask's own names request.path: a token may be in it
        app.logger.error("Exception on %s [%s]", redacted_path(request.environ), request.method, exc_info=exc_info)

    app.log_exception = log_exception


def redacted_path(environ) -> str:
    """The route pattern of the request (`/questionnaire/<code>`), or its first segment and `/…`."""
    found = environ.get(ROUTE_KEY)
    if found:
        return found[0]
    path = environ.get("PATH_INFO") or "/"
    head, sep, _rest = path.lstrip("/").partition("/")
    return "/" + head[:40] + ("/…" if sep else "")


def safe_atoms(atoms: dict, environ) -> dict:
    """Gunicorn's atoms with every path-bearing or header value replaced."""
    path = redacted_path(environ)
    found = environ.get(ROUTE_KEY)
    kept = {k: v for k, v in atoms.items() if not (k.startswith("{") and k[-2:] in ("}i", "}o", "}e"))}
    kept.update(U=path, q="-", f="-", r=f"{environ.get('REQUEST_METHOD', '-')} {path} "
                                        f"{environ.get('SERVER_PROTOCOL', '-')}")
    if found and found[1] in ANONYMOUS_ENDPOINTS:
        kept["h"] = "-"
    return kept


_PATH_TAIL = re.compile(r"(/[^/\s?\"']*)(?:[/?][^\s\"']*)")


def scrub(value):
    """A log argument with every path cut after its first segment (`/reinitialiser/…`)."""
    return _PATH_TAIL.sub(r"\1/…", value) if isinstance(value, str) else value


class RedactingLogger(Logger):
    """gunicorn logger_class: neither the access log nor gunicorn's own messages (its debug lines
    name each request's path, its errors the request line) hold a secret carried by a URL."""

    def atoms(self, resp, req, environ, request_time):
        return safe_atoms(super().atoms(resp, req, environ, request_time), environ)

    def critical(self, msg, *args, **kwargs):
        super().critical(msg, *map(scrub, args), **kwargs)

    def error(self, msg, *args, **kwargs):
        super().error(msg, *map(scrub, args), **kwargs)

    def warning(self, msg, *args, **kwargs):
        super().warning(msg, *map(scrub, args), **kwargs)

    def info(self, msg, *args, **kwargs):
        super().info(msg, *map(scrub, args), **kwargs)

    def debug(self, msg, *args, **kwargs):
        super().debug(msg, *map(scrub, args), **kwargs)

    def exception(self, msg, *args, **kwargs):
        super().exception(msg, *map(scrub, args), **kwargs)

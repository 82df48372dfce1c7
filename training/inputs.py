"""Input that can never reach a 500: bounded ids, ASCII-only numbers, no control characters.

One guard runs before every view and refuses, with a French 400 (or 404 for a path), what no
field of this app accepts: NUL and other control characters (tab and line breaks stay allowed:
single-line form fields refuse them on their own, see `training.forms`), lone surrogates, and
JSON bodies that are not an object or nest deeper than any form of the app needs.
"""
from __future__ import annotations

import json
import re

from flask import Flask, abort, jsonify, request
from werkzeug.routing import IntegerConverter

# Every id column is a 32-bit INTEGER on PostgreSQL: a larger id cannot exist.
MAX_ID = 2**31 - 1
MAX_JSON_DEPTH = 8

# C0 controls except tab, line feed and carriage return; DEL; C1 controls; lone surrogates;
# the two Unicode non-characters that some decoders produce.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
_SINGLE_LINE_FORBIDDEN = re.compile("[\t\n\r]")

CONTROL_MESSAGE = ("Le texte envoyé contient un caractère invisible non permis (caractère de contrôle, "
                   "par exemple un octet nul). Retirez-le, puis réessayez.")
JSON_MESSAGE = "Les données envoyées ne sont pas lisibles (objet JSON attendu)."


def _at_most(limit: int) -> str:
    """A regular expression matching the ASCII decimal numbers from 0 to `limit`, and nothing else."""
    digits = str(limit)
    parts = [f"[0-9]{{1,{len(digits) - 1}}}"] if len(digits) > 1 else []
    for i, d in enumerate(digits):
        if d != "0":
            rest = len(digits) - i - 1
            parts.append(digits[:i] + f"[0-{int(d) - 1}]" + (f"[0-9]{{{rest}}}" if rest else ""))
    parts.append(digits)
    return "(?:" + "|".join(parts) + ")"


class BoundedIntConverter(IntegerConverter):
    """`<int:…>` for the whole app: ASCII digits up to MAX_ID, else the path matches no route (404).

    The bound is in the regular expression itself: a converter that refuses after matching
    would let a sibling rule for another method answer 405 instead.
    """

    regex = _at_most(MAX_ID)

    def __init__(self, map, fixed_digits=0, min=None, max=None, signed=False):  # werkzeug's parameter names
        bound = MAX_ID if max is None or max > MAX_ID else max
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=bound, signed=False)


def parse_id(raw: object) -> int | None:
    """A form or query value as an id: ASCII digits within MAX_ID, else None (never raises)."""
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 10:
        return None
    value = int(raw)
    return value if value <= MAX_ID else None


def parse_small_int(raw: object, lowest: int, highest: int) -> int | None:
    """An ASCII integer between lowest and highest (included), else None; « ² » or « ٣ » are refused."""
    if not isinstance(raw, str):
        return None
    raw = raw.strip()
    if not raw or len(raw) > 12 or not (raw.isascii() and raw.lstrip("-").isdigit()):
        return None
    value = int(raw)
    return value if lowest <= value <= highest else None


def has_forbidden(text: str, single_line: bool = False) -> bool:
    return bool(_FORBIDDEN.search(text) or (single_line and _SINGLE_LINE_FORBIDDEN.search(text)))


def _json_ok(value, depth: int = 0) -> bool:
    """True when every string (keys included) is clean and nesting stays under MAX_JSON_DEPTH."""
    if depth > MAX_JSON_DEPTH:
        return False
    if isinstance(value, str):
        return not has_forbidden(value)
    if isinstance(value, dict):
        return all(_json_ok(k, depth + 1) and _json_ok(v, depth + 1) for k, v in value.items())
    if isinstance(value, list):
        return all(_json_ok(v, depth + 1) for v in value)
    return True


def _json_refusal(message: str):
    response = jsonify(error=message)
    response.status_code = 400
    return response


def _check_json():
    raw = request.get_data(cache=True)
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):
        return _json_refusal(JSON_MESSAGE)
    if not isinstance(body, dict):
        return _json_refusal(JSON_MESSAGE)
    if not _json_ok(body):
        return _json_refusal(CONTROL_MESSAGE)
    return None


def guard_request():
    """Before every view: refuse control characters in the path, query, form and JSON body."""
    if request.endpoint == "static":
        return None
    if any(isinstance(v, str) and has_forbidden(v) for v in (request.view_args or {}).values()):
        abort(404)
    pairs = list(request.args.items(multi=True))
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        if request.is_json:
            refused = _check_json()
            if refused is not None:
                return refused
        else:
            pairs += list(request.form.items(multi=True))
    if any(has_forbidden(k) or has_forbidden(v) for k, v in pairs):
        from .errors import page

        return page(400, CONTROL_MESSAGE)
    return None


def init_app(app: Flask) -> None:
    """Register the converter before any route is added, and the guard before every view."""
    app.url_map.converters["int"] = BoundedIntConverter
    app.before_request(guard_request)

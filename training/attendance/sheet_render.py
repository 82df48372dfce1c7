"""The rows of the attendance sheet as HTML, each kept per worker while nothing it shows changes.

A 30-row sheet is mostly the same rows request after request; rendering each row through Jinja
was most of the page's time. A row's HTML depends only on the values in `row_key` (the macro in
`_sheet_row.html` reads nothing else), so the key is made of those values themselves, not of a
version number: a row whose name, mark or signature changed in any way has a new key and is
rendered again. The cache is bounded (least recently used rows leave first) and holds only what
the trainers of this worker's sheets already see.
"""
from __future__ import annotations

from collections import OrderedDict
from threading import Lock

from flask import current_app
from markupsafe import Markup

from .models import STATUSES, VIA

MAX_ROWS = 4000  # about 2 KB each
_rows: OrderedDict = OrderedDict()
_lock = Lock()


def row_key(row, sess) -> tuple:
    """Every value the row's macro reads; two rows with the same key render the same HTML."""
    p, m = row.participant, row.mark
    mark = None if m is None else (m.id, m.version, m.status, m.arrival, m.signed_via, m.has_signature,
                                   m.signature_svg, m.signature_kind, m.regularised, m.signed_at)
    return (sess.id, bool(sess.cancelled_at), p.id, p.full_name, p.organisation, p.job, row.counts, row.to_fill,
            mark)


def rows_html(rows, sess) -> list[Markup]:
    macro = current_app.jinja_env.get_template("attendance/_sheet_row.html").module.sheet_row
    out = []
    for row in rows:
        key = (macro, *row_key(row, sess))  # a reloaded template, or another app, has another macro
        with _lock:
            html = _rows.get(key)
            if html is not None:
                _rows.move_to_end(key)
        if html is None:
            html = Markup(macro(row, sess, STATUSES, VIA))
            with _lock:
                _rows[key] = html
                while len(_rows) > MAX_ROWS:
                    _rows.popitem(last=False)
        out.append(html)
    return out


def clear() -> None:
    with _lock:
        _rows.clear()

"""Markdown to sanitised HTML, with French typography and links to the source report."""
from __future__ import annotations

import re
import threading
from html import escape as html_escape
from html import unescape as html_unescape

import markdown
from markupsafe import Markup
import nh3

SOURCE_REF = re.compile(r"report:(\d+)-(\d+)")

_ALLOWED_TAGS = {
    "p", "h3", "h4", "ul", "ol", "li", "strong", "em", "blockquote", "table", "thead",
    "tbody", "tr", "th", "td", "a", "code", "pre", "br", "hr", "sup", "sub", "abbr",
}
_ALLOWED_ATTRS = {"a": {"href", "class", "title"}, "th": {"scope"}, "abbr": {"title"}}

_TAG_SPLIT = re.compile(r"(<[^>]+>)")
NBSP = "\u00a0"
NNBSP = "\u202f"


_local = threading.local()


def _md() -> markdown.Markdown:
    """One converter per thread, reset between blocks: building one costs more than converting a block."""
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(extensions=["tables", "sane_lists"], output_format="html")
    return md.reset()


def source_href(first: int, last: int) -> str:
    return f"/source/{first}-{last}#l{first}"


def lines_label(first: int, last: int) -> str:
    """« ligne 206 », « lignes 322 à 325 »."""
    return f"ligne{NBSP}{first}" if first == last else f"lignes {first} à{NBSP}{last}"


def report_line_html(text: str) -> str:
    """One line of the report as text: escaped, its **emphasis** in bold, stray markers dropped."""
    escaped = html_escape(text, quote=False)
    bold = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", escaped)
    return typography(bold.replace("**", ""))


def _link_sources(html: str) -> str:
    def repl(m: re.Match) -> str:
        first, last = m.group(1), m.group(2)
        label = f"rapport, {lines_label(int(first), int(last))}"
        return (f'<a class="source-link" href="{source_href(int(first), int(last))}" '
                f'title="Voir le passage du rapport">{label}</a>')
    return SOURCE_REF.sub(repl, html)


def typography(text: str) -> str:
    """French spacing: non-breaking spaces inside guillemets and before high punctuation."""
    text = re.sub(r"«[ \u00a0]*", "«" + NBSP, text)
    text = re.sub(r"[ \u00a0]*»", NBSP + "»", text)
    text = re.sub(r"[ \u00a0]+([;!?])", NNBSP + r"\1", text)
    text = re.sub(r"[ \u00a0]+:", NBSP + ":", text)
    return text


def _typeset(html: str) -> str:
    parts = _TAG_SPLIT.split(html)
    in_code = 0
    out = []
    for part in parts:
        if part.startswith("<"):
            low = part.lower()
            if low.startswith(("<code", "<pre")):
                in_code += 1
            elif low.startswith(("</code", "</pre")):
                in_code = max(0, in_code - 1)
            out.append(part)
        else:
            out.append(part if in_code else typography(part))
    return "".join(out)


def _table_label(table: str) -> str:
    heads = [html_unescape(re.sub(r"<[^>]+>", "", h)).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)[:3]]
    return html_escape("Tableau : " + ", ".join(h for h in heads if h) if any(heads) else "Tableau")


def _accessible_tables(html: str) -> str:
    """Header cells scoped; each table in a frame that the keyboard can reach and scroll when it is
    wider than a phone, named after its columns so that two frames on a page differ."""
    html = html.replace("<th>", '<th scope="col">')
    return re.sub(r"<table>.*?</table>", lambda m: (
        f'<div class="table-wrap" tabindex="0" role="region" aria-label="{_table_label(m.group(0))}">'
        f"{m.group(0)}</div>"), html, flags=re.S)


def name_tables(html: str, context: str) -> Markup:
    """Put `context` (a section's title) in front of the names of the block's table frames, for a
    page that shows several blocks whose tables have the same columns (axe: landmark-unique)."""
    return Markup(str(html).replace('aria-label="Tableau', f'aria-label="{html_escape(context)} — tableau'))


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRS,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def render_block(text: str) -> str:
    """Render a Markdown block: sanitised first, then typography and our own markup."""
    html = sanitise(_md().convert(text))
    html = _typeset(html)
    html = _link_sources(html)
    return _accessible_tables(html)


def render_inline(text: str) -> str:
    """Render one line of Markdown without the surrounding paragraph."""
    html = render_block(text).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


# -- frozen pages: content HTML rendered once per worker, the user's state added per request ----

SLOT_MARK, SLOT_SEP = "\x00", "\x01"


def slot(kind: str, *args: object) -> Markup:
    """A placeholder, in a frozen template, for something that depends on the user or the request."""
    return Markup(SLOT_MARK + SLOT_SEP.join((kind, *map(str, args))) + SLOT_MARK)


class FrozenHtml:
    """HTML split into literal parts and slots; `fill` joins them with per-request values.

    A filler is a string, or a callable (a Jinja macro, say) taking the slot's arguments.

    Content is frozen once the app has started (it is loaded and validated at start-up), so
    its HTML, typography, source links and URLs are computed once per worker.
    """

    def __init__(self, html: str):
        pieces = html.split(SLOT_MARK)
        self.literals = pieces[0::2]
        self.slots = [tuple(p.split(SLOT_SEP)) for p in pieces[1::2]]

    def fill(self, fillers: dict | None = None) -> Markup:
        if not self.slots:
            return Markup(self.literals[0])
        out = [self.literals[0]]
        for (kind, *args), literal in zip(self.slots, self.literals[1:]):
            value = fillers[kind]
            out.append(value(*args) if callable(value) else value)
            out.append(literal)
        return Markup("".join(out))


def frozen(template: str, key: str, **context) -> FrozenHtml:
    """Render `template` once per app and key (a content slug), then serve it from memory.

    The template may use only content objects passed in `context` and URLs: never the user,
    the session or the request (use `slot` for those).
    """
    from flask import current_app, render_template, request

    cache = current_app.extensions.setdefault("training.frozen", {})
    cache_key = (template, key, request.script_root)
    page = cache.get(cache_key)
    if page is None:
        page = cache[cache_key] = FrozenHtml(render_template(template, slot=slot, **context))
    return page

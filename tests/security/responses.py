"""Read any response as text, whatever it is: HTML, JSON, CSV, PDF (its extracted text) or a zip (each member)."""
from __future__ import annotations

import io
import re
import zipfile
from html.parser import HTMLParser


def body_text(data: bytes, content_type: str) -> str:
    if data[:4] == b"%PDF":
        return pdf_text(data)
    if data[:2] == b"PK":
        out = []
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                out.append(f"--- {name}\n" + body_text(z.read(name), ""))
        return "\n".join(out)
    return data.decode("utf-8", errors="replace")


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


class _Forms(HTMLParser):
    """Collect the forms of a page: action, method and the named fields with a plausible value."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action"), "method": (a.get("method") or "get").lower(), "fields": {}})
        elif self.forms and tag in ("input", "textarea", "select") and a.get("name"):
            fields = self.forms[-1]["fields"]
            kind = a.get("type", tag)
            if kind in ("radio", "checkbox"):
                fields.setdefault(a["name"], a.get("value", "on"))
            else:
                fields.setdefault(a["name"], a.get("value") or "")
        elif self.forms and tag == "option" and a.get("value"):
            pass


def forms_of(html: str) -> list[dict]:
    p = _Forms()
    p.feed(html)
    return p.forms


def fill_form(html: str, text: str, action_contains: str = "", page_url: str = "") -> tuple[str | None, dict]:
    """The first POST form whose action contains `action_contains`, every empty text field set to `text`.

    A form without an action posts to its page (`page_url`)."""
    for form in forms_of(html):
        form["action"] = form["action"] or page_url
        if form["method"] != "post" or action_contains not in form["action"]:
            continue
        data = {k: (v if v else text) for k, v in form["fields"].items()}
        return form["action"], data
    return None, {}


UNESCAPED = re.compile(r"<script>alert\(|<img src=x onerror|href=\"javascript:", re.I)

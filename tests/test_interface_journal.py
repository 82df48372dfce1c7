"""The journal a trainee can open: a PDF laid out like the other documents, a web page, Markdown."""
from __future__ import annotations

import io
import subprocess
import sys

from pypdf import PdfReader

from tests.conftest import csrf_token
from tests.test_learning_trainee import _post_reflection

ANSWER = "Je passerais par le gardien pour rencontrer les locataires <b>sans</b> les exposer."


def test_the_journal_page_offers_pdf_first_then_html_then_markdown(client, make_user, login):
    login(make_user())
    html = client.get("/journal").get_data(as_text=True)
    pdf, web, md = (html.index(f'href="/journal/telecharger{f}"') for f in ("/pdf", "/html", ""))
    assert pdf < web < md


def test_pdf_journal_holds_the_situation_every_version_and_page_numbers(client, make_user, login):
    login(make_user(name="Amina Test"))
    _post_reflection(client, "Première version de ma réponse.")
    _post_reflection(client, ANSWER)
    r = client.get("/journal/telecharger/pdf")
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    assert 'filename="mon-journal-de-formation.pdf"' in r.headers["Content-Disposition"]
    reader = PdfReader(io.BytesIO(r.data))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Journal de formation d'Amina Test" in text
    assert "Une situation concrète (chantier)" in text and "Consigne" in text
    assert "version 1" in text and "version 2" in text and "sans" in text and "<b>" in text  # text, not markup
    assert f"Page 1 / {len(reader.pages)}" in text
    assert reader.metadata.title == "Journal de formation d'Amina Test"


def test_html_journal_opens_anywhere_and_escapes_what_the_trainee_wrote(client, make_user, login):
    login(make_user())
    _post_reflection(client, ANSWER)
    r = client.get("/journal/telecharger/html")
    assert r.status_code == 200 and r.mimetype == "text/html"
    page = r.get_data(as_text=True)
    assert page.startswith("<!doctype html>") and '<html lang="fr">' in page
    assert "&lt;b&gt;sans&lt;/b&gt;" in page and "<b>sans</b>" not in page
    assert "Une situation concrète (chantier)" in page
    assert "<link" not in page and "<script" not in page  # nothing to fetch: it opens offline


def test_markdown_stays_and_an_unknown_format_is_404(client, make_user, login):
    login(make_user())
    _post_reflection(client, ANSWER)
    r = client.get("/journal/telecharger")
    assert r.mimetype == "text/markdown" and ANSWER in r.get_data(as_text=True)
    assert 'filename="mon-journal-de-formation.md"' in r.headers["Content-Disposition"]
    assert client.get("/journal/telecharger/docx").status_code == 404


def test_each_trainee_downloads_only_their_own_journal(app, make_user):
    author, other = make_user(), make_user()
    a, b = app.test_client(), app.test_client()
    for c, u in ((a, author), (b, other)):
        c.post("/connexion", data={"email": u.email, "password": "mot-de-passe-solide",
                                   "csrf_token": csrf_token(c, "/connexion")})
    _post_reflection(a, ANSWER)
    for path in ("/journal/telecharger/html", "/journal/telecharger"):
        assert "gardien pour rencontrer" not in b.get(path).get_data(as_text=True)
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(b.get("/journal/telecharger/pdf").data)).pages)
    assert "gardien pour rencontrer" not in text and "aucune réflexion" in text


def test_fpdf_is_loaded_only_when_a_pdf_is_asked_for():
    code = "import sys, training.learning.journal; print('fpdf' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"

"""Documents as PDF: attendance sheets (signed and paper), attestations, fonts, signatures, access, no schedule."""
from __future__ import annotations

import io
import re
import subprocess
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from types import MappingProxyType

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from tests.conftest import PASSWORD, SIGNATURE, csrf_token
from training import db
from training.attendance.models import CourseSession
from training.attendance.services import SignatureInput, cancel_session, set_mark, sign_session
from training.dates import PARIS
from tests.attendance_support import clock  # noqa: F401
from training.cohorts.models import Participant

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


@dataclass
class Scenario:
    trainer: object
    cohort: object
    sessions: list  # day 1 morning, day 1 afternoon, day 2 morning, day 2 afternoon
    alice: object  # account; present ×3 then one hour late: 13 h of 14 h
    bruno: object  # account; excused, absent, present, late
    chantal: object  # no account; present without signature, then nothing recorded
    david: object  # no account; joined on day 2
    users: dict


def _participant(s, cohort_id, user_id=None, name=None):
    q = select(Participant).where(Participant.cohort_id == cohort_id)
    q = q.where(Participant.user_id == user_id) if user_id else q.where(Participant.full_name == name)
    return s.scalar(q)


@pytest.fixture
def scenario(app, clock, make_user, make_cohort, enrol_user, make_participant, make_sessions) -> Scenario:
    trainer = make_user("trainer", name="Camille Formatrice")
    cohort = make_cohort(trainer, name="Groupe Marseille Nord")
    alice, bruno = make_user(name="Alice Dupré"), make_user(name="Bruno Œillet")
    enrol_user(cohort, alice)
    enrol_user(cohort, bruno)
    make_participant(cohort, "Chantal Müller", organisation="Bailleur Habitat Sud", job="Gardienne")
    make_participant(cohort, "David Lefèvre", organisation="Centre social « Les Lilas »", job="Médiateur")
    sessions = make_sessions(cohort)
    with app.app_context():
        s = db.session()
        trainer_row = s.merge(trainer)
        sess = [s.get(CourseSession, x.id) for x in sessions]
        a, b = _participant(s, cohort.id, alice.id), _participant(s, cohort.id, bruno.id)
        c, d = _participant(s, cohort.id, name="Chantal Müller"), _participant(s, cohort.id, name="David Lefèvre")
        a.organisation, a.job = "Association Réseaux 13", "Éducatrice spécialisée"
        b.organisation, b.job = "ADDAP 13", "Animateur de prévention"
        d.joined_at = datetime(2026, 12, 2, 7, 0, tzinfo=timezone.utc)
        during = {x.id: datetime.combine(x.day, x.starts_at, PARIS) + timedelta(minutes=12) for x in sess}

        def mark(x, p, status, arrival=None, sig=None, via="tablet"):
            set_mark(s, x, p, status, arrival, trainer_row, sig, via=via, now=during[x.id])
        for x in sess[:3]:
            mark(x, a, "present", sig=SIGNATURE)
        mark(sess[3], a, "late", time(14, 30), SIGNATURE)
        mark(sess[0], b, "excused")
        mark(sess[1], b, "absent")
        mark(sess[2], b, "present", sig=SIGNATURE)
        mark(sess[3], b, "late", time(13, 45), SIGNATURE)
        mark(sess[0], c, "present")
        mark(sess[1], c, "present", sig=SIGNATURE, via="self")
        mark(sess[2], d, "present", sig=SIGNATURE)
        mark(sess[3], d, "present", sig=SIGNATURE)
        sign_session(s, trainer_row, sess[0], SignatureInput(SIGNATURE), now=during[sess[0].id])
        s.commit()
        ids = {"alice": a.id, "bruno": b.id, "chantal": c.id, "david": d.id}
    clock.set(2026, 12, 3, 10, 0)  # the course is over: every session was held
    return Scenario(trainer, cohort, sessions, ids["alice"], ids["bruno"], ids["chantal"], ids["david"],
                    {"alice": alice, "bruno": bruno})


def pdf_pages(response) -> list[str]:
    """Text of each page, with line breaks and non-breaking spaces made plain spaces for matching."""
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(response.data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def snapshot(data: bytes, name: str) -> Path:
    """First page as a PNG in test-artifacts/, to look at the layout."""
    ARTIFACTS.mkdir(exist_ok=True)
    source = ARTIFACTS / f"{name}.pdf"
    source.write_bytes(data)
    subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "1", "-singlefile", str(source),
                    str(ARTIFACTS / name)], check=True, timeout=60)
    source.unlink()
    png = ARTIFACTS / f"{name}.png"
    assert png.stat().st_size > 5000  # something was drawn
    return png


def test_cohort_sheet_shows_each_session_with_statuses_and_signatures(client, login, scenario):
    login(scenario.trainer)
    r = client.get(f"/cohortes/{scenario.cohort.id}/emargement.pdf")
    assert "attachment" in r.headers["Content-Disposition"] and "emargement-groupe-marseille-nord.pdf" in \
        r.headers["Content-Disposition"]
    assert r.headers["Cache-Control"] == "no-store"  # names and signatures
    pages = pdf_pages(r)
    snapshot(r.data, "documents-emargement")
    assert len(pages) == 4  # one page per half-day for four people
    first, second, third, fourth = pages
    for page in pages:
        assert "Parcours de test" in page and "Groupe Marseille Nord" in page and "Centre social" in page
        assert "Camille Formatrice" in page and "Page 1 / 1" in page
        assert "Alice Dupré" in page and "Bruno Œillet" in page and "Chantal Müller" in page
    assert "mardi 1er décembre 2026" in first and "Matin, de 9 h 00 à 12 h 30 (3 h 30)" in first
    assert "Absence excusée" in first and "Non inscrit à cette date" in first
    assert "Signé par Camille Formatrice, le mardi 1er décembre 2026 à 9 h 12" in first
    assert "Présent signé le mardi 1er décembre 2026 à 9 h 12 sur tablette" in first
    assert "Chantal Müller Bailleur Habitat Sud Gardienne Présent non signé" in first  # no signature: said so
    assert "Feuille non signée" not in first
    assert "Après-midi, de 13 h 30 à 17 h 00" in second and "Absent" in second
    assert "Feuille non signée" in second and "signé le mardi 1er décembre 2026 à 13 h 42" in second
    assert "sur téléphone" in second
    assert "Non inscrit à cette date" not in third and "À renseigner" in third
    assert "En retard" in fourth and "arrivée à 14 h 30" in fourth and "arrivée à 13 h 45" in fourth
    assert "Bilan de la séance : 1 présent, 2 en retard, 1 à renseigner." in fourth


def _line_segments(data: bytes, page: int = 0) -> int:
    content = PdfReader(io.BytesIO(data)).pages[page].get_contents().get_data().decode("latin-1")
    return len(re.findall(r"\d l\b", content))


def test_signatures_are_drawn_as_vector_strokes(client, login, scenario, app):
    login(scenario.trainer)
    signed = client.get(f"/seances/{scenario.sessions[0].id}/emargement.pdf").data
    paper = client.get(f"/seances/{scenario.sessions[0].id}/feuille-papier.pdf").data
    # Page 1 of the signed sheet: Alice's signature and the trainer's, 4 segments each, beyond
    # the rules and cross-outs that the paper sheet draws as well.
    extra = _line_segments(signed) - _line_segments(paper)
    assert extra >= 2 * (len(SIGNATURE[0]) - 1)
    from training.documents.pdf import DocumentPDF

    pdf = DocumentPDF()
    pdf.add_page()
    pdf.draw_signature(SIGNATURE, 10, 20, 60, 20)
    content = PdfReader(io.BytesIO(bytes(pdf.output()))).pages[0].get_contents().get_data().decode("latin-1")
    points = [tuple(map(float, m)) for m in re.findall(r"([\d.]+) ([\d.]+) [ml]\b", content)]
    drawn = [(x, y) for x, y in points if y > 50]  # not the footer rule at the bottom
    assert len(drawn) == len(SIGNATURE[0])
    # The strokes sit inside the box, in points (1 mm = 2.835 pt), with the y axis flipped.
    for x, y in drawn:
        assert 10 * 2.835 <= x <= 70 * 2.835 and (297 - 40) * 2.835 <= y <= (297 - 20) * 2.835


def test_single_session_sheet_and_fonts(client, login, scenario):
    login(scenario.trainer)
    r = client.get(f"/seances/{scenario.sessions[3].id}/emargement.pdf")
    [page] = pdf_pages(r)
    assert "mercredi 2 décembre 2026" in page and "David Lefèvre" in page
    assert "Centre social « Les Lilas »" in page and "Bruno Œillet" in page  # accents, « », œ
    fonts = {f for p in PdfReader(io.BytesIO(r.data)).pages for f in _font_names(p)}
    assert fonts and all("DejaVu" in f for f in fonts)


def _font_names(page) -> set[str]:
    resources = page["/Resources"]["/Font"]
    return {str(resources[k].get_object()["/BaseFont"]) for k in resources}


def test_paper_sheet_has_names_and_empty_columns(client, login, scenario):
    login(scenario.trainer)
    r = client.get(f"/seances/{scenario.sessions[0].id}/feuille-papier.pdf")
    [page] = pdf_pages(r)
    snapshot(r.data, "documents-feuille-papier")
    assert "Feuille d'émargement (papier)" in page and "Statut (P / R / E / A)" in page
    assert "Alice Dupré" in page and "Association Réseaux 13" in page and "Nom et signature du formateur" in page
    assert "Présent" not in page and "Absence excusée" not in page and "Signé par" not in page
    assert "Non inscrit à cette date" in page  # David joined on day 2


def test_long_roster_repeats_header_and_numbers_pages(client, login, scenario, make_participant):
    for n in range(25):
        make_participant(scenario.cohort, f"Participant supplémentaire {n:02d}")
    login(scenario.trainer)
    pages = pdf_pages(client.get(f"/seances/{scenario.sessions[0].id}/emargement.pdf"))
    assert len(pages) == 2
    for n, page in enumerate(pages, 1):
        assert f"Page {n} / 2" in page and "Groupe Marseille Nord" in page and "Signature" in page
        assert "mardi 1er décembre 2026" in page
    assert "Signé par Camille Formatrice" in pages[1]


def test_attestation_states_hours_attended_out_of_planned(client, login, scenario):
    login(scenario.trainer)
    r = client.get(f"/cohortes/{scenario.cohort.id}/attestations/{scenario.alice}.pdf")
    [page] = pdf_pages(r)
    snapshot(r.data, "documents-attestation")
    assert "Formation Intervention sociale à l'épreuve des trafics" in page
    assert "Attestation d'assiduité" in page and "et de fin de formation" in page
    assert "Alice Dupré" in page and "Association Réseaux 13 — Éducatrice spécialisée" in page
    assert "Bruno" not in page
    assert "Parcours de test" in page and "du 1er décembre 2026 au 2 décembre 2026" in page
    assert "Le cadre de vie (test)" in page  # no fiche-action 11 in the test content: the modules
    assert "13 h suivies sur 14 h prévues, soit 92 % du temps de formation." in page
    assert "Séances suivies (4 sur 4 prévues)" in page
    assert "mercredi 2 décembre 2026, après-midi, 13 h 30 – 17 h 00, arrivée à 14 h 30 : 2 h 30" in page
    assert "Fait à Centre social, le" in page and "Cachet et signature" in page
    assert re.search(r"Code de vérification : [A-Z0-9]{5}-[A-Z0-9]{5}", page)


def test_attestation_counts_only_sessions_after_joining(client, login, scenario):
    login(scenario.trainer)
    [page] = pdf_pages(client.get(f"/cohortes/{scenario.cohort.id}/attestations/{scenario.david}.pdf"))
    assert "7 h suivies sur 7 h prévues, soit 100 %" in page and "Séances suivies (2 sur 2 prévues)" in page
    [page] = pdf_pages(client.get(f"/cohortes/{scenario.cohort.id}/attestations/{scenario.bruno}.pdf"))
    assert "6 h 45 suivies sur 14 h prévues, soit 48 %" in page and "(2 sur 4 prévues)" in page


def test_attestation_lists_the_objectives_of_fiche_action_11(client, login, scenario, app):
    from training.content.model import FicheAction, Section

    html = ("<ul>\n<li>Acquérir des connaissances sur les usages &amp; les trafics.</li>\n"
            "<li>Transformer les <em>expériences</em> en compétences.</li>\n</ul>")
    fiche = FicheAction(11, "Formation", (), (Section("objectifs", "Objectifs", "objectifs", (), html),))
    reg = app.extensions["training.content"]
    app.extensions["training.content"] = replace(reg, fiches_actions=MappingProxyType({11: fiche}))
    login(scenario.trainer)
    [page] = pdf_pages(client.get(f"/cohortes/{scenario.cohort.id}/attestations/{scenario.alice}.pdf"))
    assert "Objectifs de la formation" in page
    assert "Acquérir des connaissances sur les usages & les trafics." in page
    assert "Transformer les expériences en compétences." in page and "<em>" not in page
    assert "Le cadre de vie (test)" not in page


def test_all_attestations_in_one_pdf(client, login, scenario):
    login(scenario.trainer)
    r = client.get(f"/cohortes/{scenario.cohort.id}/attestations.pdf")
    pages = pdf_pages(r)
    snapshot(r.data, "documents-attestations")
    names = [next(n for n in ("Alice Dupré", "Bruno Œillet", "Chantal Müller", "David Lefèvre") if n in p)
             for p in pages]
    assert names == ["Alice Dupré", "Bruno Œillet", "Chantal Müller", "David Lefèvre"]
    assert all("Page 1 / 1" in p for p in pages)


def test_cancelled_sessions_stay_marked_cancelled_and_count_for_nobody(client, login, scenario, app):
    with app.app_context():
        s = db.session()
        cancel_session(s, s.merge(scenario.trainer), s.get(CourseSession, scenario.sessions[1].id), confirmed=True,
                       reason="Salle inondée")
        s.commit()
    login(scenario.trainer)
    pages = pdf_pages(client.get(f"/cohortes/{scenario.cohort.id}/emargement.pdf"))
    assert len(pages) == 4
    assert "Séance annulée le" in pages[1] and "motif : Salle inondée" in pages[1]
    assert "Rectifications" in pages[1] and "séance annulée" in pages[1]
    [page] = pdf_pages(client.get(f"/cohortes/{scenario.cohort.id}/attestations/{scenario.alice}.pdf"))
    assert "9 h 30 suivies sur 10 h 30 prévues" in page
    r = client.get(f"/seances/{scenario.sessions[1].id}/feuille-papier.pdf")
    assert r.status_code == 302
    assert "Cette séance est annulée" in client.get(r.headers["Location"]).get_data(as_text=True)
    [page] = pdf_pages(client.get(f"/seances/{scenario.sessions[1].id}/emargement.pdf"))
    assert "Séance annulée le" in page


# -- access ------------------------------------------------------------------------------

def document_urls(sc: Scenario) -> list[str]:
    c, first = sc.cohort.id, sc.sessions[0].id
    return [f"/seances/{first}/emargement.pdf", f"/seances/{first}/feuille-papier.pdf",
            f"/cohortes/{c}/emargement.pdf", f"/cohortes/{c}/attestations/{sc.alice}.pdf",
            f"/cohortes/{c}/attestations.pdf", f"/cohortes/{c}/presences.csv", f"/cohortes/{c}/dossier-qualite.zip"]


def signed_in(app, user):
    """A separate browser signed in as `user`."""
    browser = app.test_client()
    token = csrf_token(browser, "/connexion")
    r = browser.post("/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    assert r.status_code == 302
    return browser


def test_only_the_cohort_trainers_and_admins_get_documents(app, client, scenario, make_user, make_cohort):
    urls = document_urls(scenario)
    for url in urls:
        r = client.get(url)
        assert r.status_code == 302 and "/connexion" in r.headers["Location"], url
    trainee = signed_in(app, scenario.users["alice"])  # a trainee of this very cohort
    assert [trainee.get(u).status_code for u in urls] == [404] * len(urls)
    other = make_user("trainer")
    make_cohort(other, name="Autre groupe")
    other_trainer = signed_in(app, other)
    assert [other_trainer.get(u).status_code for u in urls] == [404] * len(urls)
    admin = signed_in(app, make_user("admin"))
    assert [admin.get(u).status_code for u in urls] == [200] * len(urls)
    own = signed_in(app, scenario.trainer)
    assert [own.get(u).status_code for u in urls] == [200] * len(urls)


def test_unknown_or_foreign_objects_are_404(client, login, scenario, make_user, make_cohort, make_participant,
                                            make_sessions):
    other_cohort = make_cohort(scenario.trainer, name="Second groupe")
    stranger = make_participant(other_cohort, "Personne Ailleurs")
    make_sessions(other_cohort)
    login(scenario.trainer)
    c = scenario.cohort.id
    for url in ("/seances/99999/emargement.pdf", "/seances/99999/feuille-papier.pdf",
                "/cohortes/99999/emargement.pdf", "/cohortes/99999/attestations.pdf",
                f"/cohortes/{c}/attestations/99999.pdf", f"/cohortes/{c}/attestations/{stranger.id}.pdf",
                "/cohortes/99999/presences.csv", "/cohortes/99999/dossier-qualite.zip"):
        assert client.get(url).status_code == 404, url
    assert client.get(f"/cohortes/{other_cohort.id}/attestations/{stranger.id}.pdf").status_code == 200


def test_no_document_before_any_session(client, login, make_user, make_cohort, enrol_user):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer, name="Groupe sans calendrier")
    trainee = make_user()
    enrol_user(cohort, trainee)
    login(trainer)
    with client.application.app_context():
        pid = db.session().scalar(select(Participant.id))
    for url in (f"/cohortes/{cohort.id}/emargement.pdf", f"/cohortes/{cohort.id}/attestations.pdf",
                f"/cohortes/{cohort.id}/attestations/{pid}.pdf", f"/cohortes/{cohort.id}/presences.csv",
                f"/cohortes/{cohort.id}/dossier-qualite.zip"):
        r = client.get(url)
        assert r.status_code == 302 and r.headers["Location"].endswith(f"/cohortes/{cohort.id}"), url
        html = client.get(r.headers["Location"]).get_data(as_text=True)
        assert "Aucune séance n&#39;est encore programmée pour ce groupe" in html, url

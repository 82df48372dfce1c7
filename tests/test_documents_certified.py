"""The training body's identity, the certificat de réalisation, verifiable documents and the history's hash chain."""
from __future__ import annotations

import hashlib
import io
import re

from pypdf import PdfReader
from sqlalchemy import event, select, text as sql

from tests import test_documents_pdf as shared
from tests.attendance_support import SIG, clock, post, text  # noqa: F401
from tests.conftest import csrf_token
from training import db
from training.attendance.models import AttendanceChange

scenario = shared.scenario
snapshot = shared.snapshot
PNG = b"\x89PNG\r\n\x1a\n" + bytes.fromhex("0000000d49484452000000010000000108060000001f15c489"
                                              "0000000d4944415478da63f8cfc0f01f0005000201a5b1e3b0000000004945"
                                              "4e44ae426082")
BODY = {"name": "Association Prévention Sud", "address": "12 rue des Lilas\n13003 Marseille", "city": "Marseille",
        "siret": "732 829 320 00074", "nda": "93131234513", "signatory_name": "Nadia Benali",
        "signatory_title": "Directrice"}


def _pages(data: bytes) -> list[str]:
    return [" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages]


def _set_body(app, make_user, **extra):
    admin = app.test_client()
    user = make_user("admin")
    token = csrf_token(admin, "/connexion")
    admin.post("/connexion", data={"email": user.email, "password": "mot-de-passe-solide", "csrf_token": token})
    token = csrf_token(admin, "/admin/organisme")
    return admin, admin.post("/admin/organisme", data={**BODY, **extra, "csrf_token": token},
                             content_type="multipart/form-data", follow_redirects=True)


def test_admin_page_checks_identifiers_and_images_and_keeps_history(app, make_user, client, login):
    admin, r = _set_body(app, make_user, siret="73282932000075")
    assert r.status_code == 400 and "Ce SIRET n'est pas valide" in text(r)
    _admin, r = _set_body(app, make_user, nda="1234")
    assert "11 chiffres" in text(r)
    _admin, r = _set_body(app, make_user, logo=(io.BytesIO(b"GIF89a not an image"), "logo.gif"))
    assert "choisissez une image PNG ou JPEG" in text(r)
    _admin, r = _set_body(app, make_user, logo=(io.BytesIO(PNG + b"\0" * 400_000), "logo.png"))
    assert "dépasse" in text(r)
    _admin, r = _set_body(app, make_user, logo=(io.BytesIO(PNG), "logo.png"), stamp=(io.BytesIO(PNG), "t.png"))
    assert "Coordonnées de l'organisme enregistrées" in text(r) and "73282932000074" in text(r)
    _admin, r = _set_body(app, make_user, signatory_name="Paul Martin")
    page = text(r)
    assert "Historique des modifications" in page and page.count("Association Prévention Sud") >= 3
    assert "Paul Martin" in page and "Nadia Benali" in page
    trainer = make_user("trainer")
    login(trainer)
    assert client.get("/admin/organisme").status_code in (403, 404)


def test_certificate_names_body_siret_nda_participant_and_hours(app, client, login, scenario, make_user):
    _set_body(app, make_user)
    login(scenario.trainer)
    r = client.get(f"/cohortes/{scenario.cohort.id}/certificats/{scenario.alice}.pdf")
    assert r.status_code == 200 and "certificat-realisation-alice-dupre.pdf" in r.headers["Content-Disposition"]
    [page] = _pages(r.data)
    snapshot(r.data, "documents-certificat-realisation")
    for words in ("Certificat de réalisation", "Association Prévention Sud", "SIRET 73282932000074",
                  "numéro de déclaration d'activité 93131234513", "Nadia Benali, Directrice", "Alice Dupré",
                  "action de formation", "du 1er décembre 2026 au 2 décembre 2026", "durée réalisée de 13 h",
                  "Fait à Marseille, le", "Cachet et signature", "Code de vérification"):
        assert words in page, words
    assert "Bruno" not in page
    pages = _pages(client.get(f"/cohortes/{scenario.cohort.id}/certificats.pdf").data)
    assert len(pages) == 4 and "6 h 45" in pages[1]
    [attestation] = _pages(client.get(f"/cohortes/{scenario.cohort.id}/attestations/{scenario.alice}.pdf").data)
    assert "Association Prévention Sud" in attestation and "SIRET" in attestation


def test_attestations_only_for_sessions_held(client, login, app, make_user, make_cohort, make_participant,
                                             make_sessions, clock):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    p = make_participant(cohort, "Zoé Durand")
    make_sessions(cohort, days=2)
    clock.set(2026, 11, 30, 18, 0)  # the day before the course
    login(trainer)
    r = client.get(f"/cohortes/{cohort.id}/attestations/{p.id}.pdf", follow_redirects=True)
    assert "Aucune séance n'a encore eu lieu" in text(r)
    clock.set(2026, 12, 1, 15, 0)  # half the course held
    [page] = _pages(client.get(f"/cohortes/{cohort.id}/attestations/{p.id}.pdf").data)
    assert "sur 7 h prévues" in page and "le 1er décembre 2026" in page and "2 décembre" not in page.split("Fait")[0]
    sessions = text(client.get(f"/cohortes/{cohort.id}/seances"))
    assert "À venir" in sessions and "dont 2 tenues" in sessions


def test_roster_and_dashboard_link_each_persons_documents(client, login, scenario):
    login(scenario.trainer)
    for path in (f"/cohortes/{scenario.cohort.id}/participants", f"/cohortes/{scenario.cohort.id}/tableau-de-bord"):
        page = text(client.get(path))
        assert f"/cohortes/{scenario.cohort.id}/attestations/{scenario.alice}.pdf" in page, path
        assert f"/cohortes/{scenario.cohort.id}/certificats/{scenario.alice}.pdf" in page, path


def test_verification_page_confirms_a_real_document_and_refuses_a_tampered_code(app, client, login, scenario):
    login(scenario.trainer)
    r = client.get(f"/seances/{scenario.sessions[0].id}/emargement.pdf")
    again = client.get(f"/seances/{scenario.sessions[0].id}/emargement.pdf")
    assert again.data == r.data  # same content, same document: recorded once
    [page] = _pages(r.data)
    code = re.search(r"Code de vérification : ([A-Z0-9]{5}-[A-Z0-9]{5})", page).group(1)
    public = app.test_client()
    answer = public.get(f"/verifier?code={code}")
    shown = text(answer)
    assert answer.status_code == 200 and "Document authentique" in shown
    assert hashlib.sha256(r.data).hexdigest() in shown and "<dd>Feuille d'émargement</dd>" in shown
    assert "Groupe Marseille Nord" in shown and "1er décembre 2026" in shown
    for name in ("Alice", "Bruno", "Chantal", "David", "Camille"):
        assert name not in shown
    assert re.search(r"<dt>Participants</dt><dd>4</dd>", shown) and re.search(r"<dt>Signatures</dt><dd>2</dd>", shown)  # Alice and the trainer
    tampered = code[:-1] + ("A" if code[-1] != "A" else "B")
    r = public.get(f"/verifier?code={tampered}")
    assert r.status_code == 404 and "Aucun document ne correspond à ce code" in text(r)
    assert "bon format" in text(public.get("/verifier?code=%C2%B2"))
    nul = public.get("/verifier?code=AB%00")  # the app-wide guard refuses control characters first
    assert nul.status_code == 400 and "caractère" in text(nul)


def test_attendance_verify_detects_a_history_row_changed_in_the_database(app, scenario, runner):
    result = runner.invoke(args=["attendance", "verify"])
    assert result.exit_code == 0 and "Historique des présences intègre" in result.output
    with app.app_context():
        s = db.session()
        row = s.scalars(select(AttendanceChange).order_by(AttendanceChange.id)).all()[3]
        s.execute(sql("UPDATE attendance_change SET reason = 'réécrit' WHERE id = :i"), {"i": row.id})
        s.commit()
    result = runner.invoke(args=["attendance", "verify"])
    assert result.exit_code == 1 and f"ligne n° {row.id} : le contenu ne correspond plus" in result.output


def _count(app, client, path: str) -> int:
    engine = db.database(app).engine
    n = [0]

    def count(*_a, **_k):
        n[0] += 1
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(path).status_code == 200, path
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return n[0]


def test_sheet_and_documents_take_constant_queries(app, client, login, scenario, make_participant, make_sessions,
                                                   clock):
    from datetime import date

    login(scenario.trainer)
    c, first = scenario.cohort.id, scenario.sessions[0].id
    paths = [f"/seances/{first}", f"/seances/{first}/emargement.pdf", f"/cohortes/{c}/emargement.pdf",
             f"/cohortes/{c}/attestations.pdf", f"/cohortes/{c}/certificats.pdf",
             f"/cohortes/{c}/attestations/{scenario.alice}.pdf", f"/cohortes/{c}/presences.csv"]
    before = [_count(app, client, p) for p in paths]
    more = [make_participant(scenario.cohort, f"Personne Supplémentaire {i}") for i in range(8)]
    extra = make_sessions(scenario.cohort, first_day=date(2026, 12, 3), days=1)
    clock.set(2026, 12, 3, 9, 10)
    token = csrf_token(client, f"/seances/{first}")
    for sess in extra:
        clock.set(2026, 12, 3, sess.starts_at.hour, 10)
        for p in more:
            client.post(f"/seances/{sess.id}/marques/{p.id}", data={"status": "present", "signature": SIG,
                                                                    "from": "signer", "csrf_token": token})
    clock.set(2026, 12, 4, 10, 0)
    after = [_count(app, client, p) for p in paths]
    assert after == before

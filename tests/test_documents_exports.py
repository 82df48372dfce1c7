"""Documents as data: the attendance CSV, the evidence bundle and its anonymous positioning summary."""
from __future__ import annotations

import csv
import io
import zipfile

from sqlalchemy import event

from tests import test_documents_pdf as shared
from tests.attendance_support import clock  # noqa: F401
from training import db
from training.learning.services import save_positioning

scenario = shared.scenario  # the fixture both files build on
pdf_pages = shared.pdf_pages

HEADER = ["Participant", "Structure", "Date", "Demi-journée", "Début", "Fin", "Durée", "Lieu", "Formateurs",
          "Statut", "Arrivée", "Minutes de présence", "Signature", "Séance"]


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM French Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_attendance_csv_has_one_row_per_participant_and_counted_session(client, login, scenario):
    login(scenario.trainer)
    r = client.get(f"/cohortes/{scenario.cohort.id}/presences.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    assert "presences-groupe-marseille-nord.csv" in r.headers["Content-Disposition"]
    rows = read_csv(r.data)
    assert rows[0] == HEADER
    by_person: dict[str, list[list[str]]] = {}
    for row in rows[1:]:
        by_person.setdefault(row[0], []).append(row)
    assert {k: len(v) for k, v in by_person.items()} == {"Alice Dupré": 4, "Bruno Œillet": 4, "Chantal Müller": 4,
                                                         "David Lefèvre": 2}  # David joined on day 2
    assert by_person["Alice Dupré"][3] == ["Alice Dupré", "Association Réseaux 13", "02/12/2026", "Après-midi",
                                           "13:30", "17:00", "3:30", "Centre social", "Camille Formatrice",
                                           "En retard", "14:30", "150", "tablette", "tenue"]
    assert by_person["Alice Dupré"][0][2:4] + by_person["Alice Dupré"][0][9:] == \
        ["01/12/2026", "Matin", "Présent", "", "210", "tablette", "tenue"]
    assert [r[9:] for r in by_person["Bruno Œillet"][:2]] == [["Absence excusée", "", "0", "non signé", "tenue"],
                                                             ["Absent", "", "0", "non signé", "tenue"]]
    assert [r[9:] for r in by_person["Chantal Müller"]] == [["Présent", "", "210", "non signé", "tenue"],
                                                           ["Présent", "", "210", "téléphone", "tenue"],
                                                           ["À renseigner", "", "0", "non signé", "tenue"],
                                                           ["À renseigner", "", "0", "non signé", "tenue"]]
    assert [r[2] for r in by_person["David Lefèvre"]] == ["02/12/2026", "02/12/2026"]
    minutes = sum(int(r[11]) for r in by_person["Alice Dupré"])
    assert minutes == 13 * 60  # the same hours as the attestation


def test_csv_neutralises_spreadsheet_formulas(client, login, scenario, make_participant):
    make_participant(scenario.cohort, "=HYPERLINK(\"http://x\")", organisation="+33 Structure")
    login(scenario.trainer)
    rows = read_csv(client.get(f"/cohortes/{scenario.cohort.id}/presences.csv").data)
    injected = [r for r in rows if "HYPERLINK" in r[0]]
    assert injected and all(r[0].startswith("'=") and r[1] == "'+33 Structure" for r in injected)


def _answer(app, user, phase: str, value: int) -> None:
    with app.app_context():
        s = db.session()
        questionnaire = app.extensions["training.content"].positionings["positionnement"]
        save_positioning(s, s.merge(user), questionnaire, phase, {st.slug: value for st in questionnaire.statements})
        s.commit()


def test_evidence_bundle_holds_every_proof(client, login, scenario, app, make_user):
    _answer(app, scenario.users["alice"], "debut", 2)
    _answer(app, scenario.users["alice"], "fin", 4)
    _answer(app, scenario.users["bruno"], "debut", 1)
    _answer(app, make_user(name="Hors Groupe"), "debut", 4)  # not of this cohort: not counted
    login(scenario.trainer)
    r = client.get(f"/cohortes/{scenario.cohort.id}/dossier-qualite.zip")
    assert r.status_code == 200 and r.mimetype == "application/zip"
    assert r.headers["Cache-Control"] == "no-store"
    assert "dossier-qualite-groupe-marseille-nord.zip" in r.headers["Content-Disposition"]
    bundle = zipfile.ZipFile(io.BytesIO(r.data))
    assert sorted(bundle.namelist()) == [
        "LISEZMOI.txt", "attestations/alice-dupre.pdf", "attestations/bruno-oeillet.pdf",
        "attestations/chantal-muller.pdf", "attestations/david-lefevre.pdf", "certificats/alice-dupre.pdf",
        "certificats/bruno-oeillet.pdf", "certificats/chantal-muller.pdf", "certificats/david-lefevre.pdf",
        "emargement.pdf",
        "positionnement.csv", "presences.csv", "satisfaction.csv"]
    assert all(name.isascii() for name in bundle.namelist())

    class Response:  # what pdf_pages expects
        status_code, mimetype = 200, "application/pdf"

        def __init__(self, data):
            self.data = data

    sheets = pdf_pages(Response(bundle.read("emargement.pdf")))
    assert len(sheets) == 4 and "Feuille non signée" in sheets[1]
    [attestation] = pdf_pages(Response(bundle.read("attestations/alice-dupre.pdf")))
    assert "Alice Dupré" in attestation and "13 h suivies sur 14 h prévues" in attestation
    assert read_csv(bundle.read("presences.csv"))[0] == HEADER

    positioning = bundle.read("positionnement.csv")
    rows = read_csv(positioning)
    assert rows[0][0] == "Énoncé" and len(rows) == 11  # ten statements
    assert rows[1] == ["s01", "savoirs", "Je sais faire la chose numéro 1.", "2", "1,50", "1", "4,00"]
    text = positioning.decode("utf-8-sig")
    for name in ("Alice", "Dupré", "Bruno", "Œillet", "Hors Groupe", "@test.fr"):
        assert name not in text

    satisfaction = bundle.read("satisfaction.csv")
    assert satisfaction.startswith(b"\xef\xbb\xbf") and b";" in satisfaction
    raw = bundle.read("LISEZMOI.txt")
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # opens right in any Windows editor
    readme = " ".join(raw.decode("utf-8-sig").split())
    for words in ("emargement.pdf", "attestations/", "certificats/", "Vérification", "presences.csv", "positionnement.csv", "satisfaction.csv",
                  "indicateur 8", "indicateur 11", "indicateur 12", "indicateur 30", "Groupe Marseille Nord"):
        assert words in readme, words


def _queries(app, client, url: str) -> int:
    """How many SQL statements a GET of `url` runs; it must succeed."""
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    engine = db.database(app).engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_bundle_takes_the_same_number_of_queries_however_long_the_course(client, login, app, make_user,
                                                                          make_cohort, enrol_user, make_sessions):
    trainer = make_user("trainer")
    login(trainer)
    counts = []
    for days in (1, 3):
        cohort = make_cohort(trainer, name=f"Groupe de {days} jours")
        for _ in range(days):
            enrol_user(cohort, make_user())
        make_sessions(cohort, days=days)
        counts.append(_queries(app, client, f"/cohortes/{cohort.id}/dossier-qualite.zip"))
    assert counts[0] == counts[1], counts

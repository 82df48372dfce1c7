"""A signed sheet is a record: corrections with reasons, the signing window, no empty signature, gaps,
dates that make sense, bad input answered in French, and two trainers at the same instant."""
from __future__ import annotations

import io
import json
import threading
import time as _time
import zipfile

from pypdf import PdfReader
from sqlalchemy import select

from tests.attendance_support import SIG, clock, post, room, text  # noqa: F401
from training import db
from training.attendance.models import AttendanceChange, AttendanceMark, CourseSession
from training.attendance.services import MarkInput, apply_mark

EMPTY = "La signature est vide : signez dans le cadre avant de valider."


def _pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(data)).pages)


def _sign_all(client, room, sid):
    for p in room.people:
        post(client, f"/seances/{sid}/marques/{p.id}", {"status": "present", "signature": SIG, "from": "signer"})
    return post(client, f"/seances/{sid}/signature-formateur", {"signature": SIG})


def test_signed_sheet_changes_only_with_a_reason_and_each_is_recorded(client, login, app, room, clock):
    login(room.trainer)
    sid = room.sessions[0].id
    assert "Feuille signée et verrouillée" in text(_sign_all(client, room, sid))
    move = {"day": "2026-12-01", "half": "matin", "starts_at": "09:30", "ends_at": "12:30", "confirm": "oui"}
    assert "indiquez le motif" in text(post(client, f"/seances/{sid}/deplacer", move)).lower()
    assert "cochez « Je confirme »" in text(post(client, f"/seances/{sid}/deplacer", {**move, "confirm": "",
                                                                                      "reason": "x"}))
    assert "cochez « Je confirme »" in text(post(client, f"/seances/{sid}/annuler", {"reason": "Grève"}))
    assert "motif" in text(post(client, f"/seances/{sid}/signature-formateur", {"signature": SIG}))
    with app.app_context():
        sess = db.session().get(CourseSession, sid)
        assert (sess.starts_at.hour, sess.starts_at.minute, sess.cancelled_at) == (9, 0, None)
    r = post(client, f"/seances/{sid}/deplacer", {**move, "reason": "Début retardé d'une demi-heure (bus)"})
    assert "Séance déplacée" in text(r)
    r = post(client, f"/seances/{sid}/signature-formateur", {"signature": SIG, "reason": "Signature tracée de travers"})
    assert "Feuille signée" in text(r)
    r = post(client, f"/seances/{sid}/annuler", {"reason": "Intervenant absent, séance reportée", "confirm": "oui"})
    assert "Séance annulée" in text(r) and "Intervenant absent" in text(r)
    with app.app_context():
        kinds = [(c.kind, c.reason[:10]) for c in db.session().scalars(
            select(AttendanceChange).where(AttendanceChange.kind.in_(("move", "resign", "cancel")))
            .order_by(AttendanceChange.id))]
    assert kinds == [("move", "Début reta"), ("resign", "Signature "), ("cancel", "Intervenan")]
    page = text(client.get(f"/seances/{sid}"))
    assert "Rectifications" in page and "séance déplacée" in page and "nouvelle signature du formateur" in page
    clock.set(2026, 12, 3, 10, 0)
    pdf = client.get(f"/seances/{sid}/emargement.pdf").data
    from tests.test_documents_pdf import snapshot
    snapshot(pdf, "documents-emargement-rectifie")
    sheet = _pdf_text(pdf)
    assert "Séance annulée le" in sheet and "Intervenant absent, séance reportée" in sheet
    assert "Alice Arnaud Bailleur Habitat Sud Gardien Présent signé le mardi 1er décembre 2026" in sheet  # kept
    assert "Rectifications" in sheet and "Début retardé d'une demi-heure (bus)" in sheet
    bundle = zipfile.ZipFile(io.BytesIO(client.get(f"/cohortes/{room.cohort.id}/dossier-qualite.zip").data))
    sheets = _pdf_text(bundle.read("emargement.pdf"))
    assert "Séance annulée le" in sheets and "Signature tracée de travers" in sheets
    csv = bundle.read("presences.csv").decode("utf-8-sig")
    assert "annulée : Intervenant absent, séance reportée" in csv


def test_future_session_is_refused_then_recorded_as_regularisation(client, login, app, room, clock):
    login(room.trainer)
    later, alice = room.sessions[3], room.people[0]  # Wednesday afternoon; it is Tuesday 9:05
    r = post(client, f"/seances/{later.id}/marques/{alice.id}", {"status": "present", "signature": SIG, "from": "signer"})
    assert "Hors du créneau d'émargement" in text(r) and "motif de la régularisation" in text(r)
    r = post(client, f"/seances/{later.id}/signature-formateur", {"signature": SIG})
    assert "Hors du créneau d'émargement" in text(r)
    r = post(client, f"/seances/{later.id}/marques/{alice.id}", {"status": "present", "signature": SIG, "from": "signer",
                                                                 "reason": "Signature reportée de la feuille papier"})
    assert "signature enregistrée" in text(r)
    with app.app_context():
        mark = db.session().scalar(select(AttendanceMark).where(AttendanceMark.session_id == later.id))
        assert mark.regularised and mark.signed_via == "correction"
        assert db.session().get(CourseSession, later.id).signed_at is None
    page = text(client.get(f"/seances/{later.id}"))
    assert "rectification · régularisation" in page and "séance à venir" in page
    clock.set(2026, 12, 1, 20, 0)  # same day, long after the morning's end: outside the window too
    r = post(client, f"/seances/{room.sessions[0].id}/marques/{alice.id}", {"status": "present", "signature": SIG,
                                                                            "from": "signer"})
    assert "Hors du créneau" in text(r)


def test_no_empty_signature_on_any_path(client, login, app, room):
    login(room.trainer)
    sid, alice = room.sessions[0].id, room.people[0]
    dot = json.dumps([[[0.5, 0.5], [0.501, 0.5], [0.5, 0.501], [0.5, 0.5]]])
    for pad in ("", "[]", dot, json.dumps([[[0.5, 0.5]]])):
        r = post(client, f"/seances/{sid}/marques/{alice.id}", {"status": "present", "signature": pad, "from": "signer"})
        assert EMPTY in text(r), pad
        r = post(client, f"/seances/{sid}/marques/{alice.id}", {"status": "present", "signature": pad})
        assert EMPTY in text(r), pad
        r = post(client, f"/seances/{sid}/signature-formateur", {"signature": pad})
        assert EMPTY in text(r), pad
    with app.app_context():
        assert db.session().scalars(select(AttendanceMark)).all() == []
        s = db.session()
        try:
            apply_mark(s, None, s.get(CourseSession, sid), alice, MarkInput("present", strokes=[]))
        except ValueError as exc:
            assert str(exc) == EMPTY
        else:
            raise AssertionError("empty pad accepted")


def test_typed_signature_is_an_accessible_alternative(client, login, app, room):
    login(room.trainer)
    sid, alice = room.sessions[0].id, room.people[0]
    r = post(client, f"/seances/{sid}/marques/{alice.id}", {"status": "present", "from": "signer", "signature": "",
                                                            "typed_name": "Alice Arnaud"})
    assert "cochez la case" in text(r)
    r = post(client, f"/seances/{sid}/marques/{alice.id}", {"status": "present", "from": "signer", "signature": "",
                                                            "typed_name": "alice  arnaud", "typed_ok": "oui"})
    assert "signature enregistrée" in text(r) and "nom saisi" in text(r)
    with app.app_context():
        mark = db.session().scalar(select(AttendanceMark))
        assert mark.signature_kind == "typed" and mark.has_signature and mark.signature is None


def test_locking_with_rows_to_fill_asks_what_to_do(client, login, app, room):
    login(room.trainer)
    sid, alice = room.sessions[0].id, room.people[0]
    page = text(client.get(f"/seances/{sid}"))
    assert page.count("À renseigner") == 3 and 'checked' not in page.split("sheet-rows")[1].split("</ol>")[0]
    post(client, f"/seances/{sid}/marques/{alice.id}", {"status": "present", "signature": SIG, "from": "signer"})
    r = post(client, f"/seances/{sid}/signature-formateur", {"signature": SIG})
    assert "2 lignes encore à renseigner : Bruno Blanc, Chloé Caron" in text(r)
    assert "Les marquer absentes et signer" in text(r)
    with app.app_context():
        assert db.session().get(CourseSession, sid).signed_at is None
    r = post(client, f"/seances/{sid}/signature-formateur", {"signature": SIG, "gaps": "absent"})
    assert "Feuille signée et verrouillée" in text(r)
    with app.app_context():
        statuses = sorted(m.status for m in db.session().scalars(select(AttendanceMark)))
    assert statuses == ["absent", "absent", "present"]


def test_all_present_then_one_save_for_the_sheet(client, login, app, room):
    login(room.trainer)
    sid = room.sessions[0].id
    a, b, c = room.people
    r = post(client, f"/seances/{sid}/feuille", {"all_present": "1", f"p{b.id}-status": "late",
                                                 f"p{b.id}-arrival": "09:40", f"p{b.id}-version": "0"})
    assert "3 lignes enregistrées" in text(r)
    with app.app_context():
        got = {m.participant_id: (m.status, m.arrival and m.arrival.strftime("%H:%M"))
               for m in db.session().scalars(select(AttendanceMark))}
    assert got == {a.id: ("present", None), b.id: ("late", "09:40"), c.id: ("present", None)}


def test_stale_row_from_another_trainer_is_refused_and_the_winner_shown(client, login, app, room, make_user):
    login(room.trainer)
    sid = room.sessions[0].id
    a, b, _c = room.people
    post(client, f"/seances/{sid}/feuille", {f"p{a.id}-status": "present", f"p{a.id}-version": "0"})
    # a second sheet still shows version 0 for Alice and 0 for Bruno
    r = post(client, f"/seances/{sid}/feuille", {f"p{a.id}-status": "absent", f"p{a.id}-version": "0",
                                                 f"p{b.id}-status": "excused", f"p{b.id}-version": "0"})
    page = text(r)
    assert "Alice Arnaud : la ligne a été modifiée entre-temps" in page and "(« présent »)" in page
    assert "1 ligne enregistrée" in page
    with app.app_context():
        got = {m.participant_id: m.status for m in db.session().scalars(select(AttendanceMark))}
    assert got == {a.id: "present", b.id: "excused"}


def test_dates_that_make_sense(client, login, app, room):
    login(room.trainer)
    cid = room.cohort.id
    one = {"kind": "une", "half": "matin", "starts_at": "09:00", "ends_at": "12:00"}
    r = post(client, f"/cohortes/{cid}/seances", {**one, "day": "2026-12-05"})  # a Saturday, outside the dates
    assert "samedi" in text(r) and "en dehors des dates du groupe" in text(r) and "Je confirme" in text(r)
    r = post(client, f"/cohortes/{cid}/seances", {**one, "day": "2026-12-03", "starts_at": "13:30",
                                                  "ends_at": "16:00"})
    assert "la séance du matin commence après 13 h" in text(r)
    r = post(client, f"/cohortes/{cid}/seances", {**one, "day": "2026-12-03", "half": "apres-midi",
                                                  "starts_at": "10:00", "ends_at": "12:00", "confirm": "oui"})
    assert "1 demi-journée programmée" in text(r)
    assert "précède l'année" in text(post(client, f"/cohortes/{cid}/seances", {**one, "day": "2025-12-01",
                                                                              "past": "oui", "confirm": "oui"}))
    assert "trop lointain" in text(post(client, f"/cohortes/{cid}/seances", {**one, "day": "2031-01-06",
                                                                            "confirm": "oui"}))
    with app.app_context():
        assert len(db.session().scalars(select(CourseSession)).all()) == 5


def test_bad_input_gets_a_french_message_never_a_500(client, login, app, room):
    login(room.trainer)
    cid, sid, alice = room.cohort.id, room.sessions[0].id, room.people[0]
    one = {"kind": "une", "half": "matin", "day": "2026-12-03", "confirm": "oui"}
    cases = [
        (f"/cohortes/{cid}/seances", {**one, "starts_at": "09:00+02:00", "ends_at": "12:00"}, "sans fuseau horaire"),
        (f"/cohortes/{cid}/seances", {**one, "day": "9999-12-31", "starts_at": "09:00", "ends_at": "12:00"},
         "n'est pas plausible"),
        (f"/cohortes/{cid}/seances", {"kind": "programme", "first_day": "2026-12-03", "days": "²"}, "nombre entier"),
        (f"/cohortes/{cid}/seances", {"kind": "programme", "first_day": "2026-12-03", "days": "9" * 400},
         "nombre entier"),
        (f"/seances/{sid}/marques/{alice.id}", {"status": "present", "from": "signer", "signature": "[" * 5000},
         "Signature illisible"),
        (f"/seances/{sid}/marques/{alice.id}", {"status": "present", "from": "signer",
                                                "signature": json.dumps([[[1e308, 0.5]] * 3])}, "Signature illisible"),
        (f"/seances/{sid}/marques/{alice.id}", {"status": "present", "from": "signer", "signature": "x" * 300_000},
         "trop volumineuse"),
        (f"/seances/{sid}/marques/{alice.id}", {"status": "late", "arrival": "25:99"}, "Heure d'arrivée invalide"),
        (f"/seances/{sid}/feuille", {f"p{alice.id}-status": "late", f"p{alice.id}-arrival": "10:00Z"},
         "Heure d'arrivée invalide"),
        (f"/seances/{sid}/deplacer", {"day": "2026-13-45", "half": "matin"}, "Date invalide"),
    ]
    for path, data, message in cases:
        r = post(client, path, data, follow=False)
        assert r.status_code in (302, 400), (path, r.status_code)
        assert message in text(client.get(r.headers["Location"])) if r.status_code == 302 else message in text(r)
    assert client.get(f"/seances/{2**40}").status_code == 404
    with app.app_context():
        assert db.session().scalars(select(AttendanceMark)).all() == []


def test_two_trainers_creating_the_same_first_mark_at_once(app, room):
    """The second insert waits for the first, then goes on as if it came after: no error, no lost row."""
    with app.app_context():
        maker = db.database(app).sessionmaker
        first, second = maker(), maker()
        s1 = first.get(CourseSession, room.sessions[0].id)
        s2 = second.get(CourseSession, room.sessions[0].id)
        p1, p2 = (x.get(type(room.people[0]), room.people[0].id) for x in (first, second))
        apply_mark(first, None, s1, p1, MarkInput("present"))  # not committed yet
        outcome = {}

        def other():
            try:
                apply_mark(second, None, s2, p2, MarkInput("late", s2.starts_at.replace(minute=20)))
                second.commit()
                outcome["ok"] = True
            except Exception as exc:  # noqa: BLE001 - reported below
                outcome["error"] = repr(exc)
                second.rollback()
        thread = threading.Thread(target=other)
        thread.start()
        _time.sleep(0.5)
        first.commit()
        thread.join(30)
        first.close()
        second.close()
        assert outcome == {"ok": True}
        marks = db.session().scalars(select(AttendanceMark)).all()
        assert [(m.status, m.version) for m in marks] == [("late", 2)]  # sequential: created, then changed
        kinds = [c.kind for c in db.session().scalars(select(AttendanceChange).order_by(AttendanceChange.id))]
        assert kinds == ["mark", "mark"]


def test_a_mark_made_offline_during_the_session_is_on_time_when_synced_later(app, room, clock):
    """The offline sheet passes the device's time: judged against the window and dating the signature."""
    from datetime import datetime, timedelta

    from training.dates import PARIS
    from tests.conftest import SIGNATURE

    clock.set(2026, 12, 1, 19, 0)  # synced in the evening
    with app.app_context():
        s = db.session()
        sess, alice = s.get(CourseSession, room.sessions[0].id), s.get(type(room.people[0]), room.people[0].id)
        made = datetime(2026, 12, 1, 9, 20, tzinfo=PARIS)
        mark = apply_mark(s, None, sess, alice, MarkInput("present", strokes=SIGNATURE), device_at=made)
        # signed when drawn on the device (issue 14: documents show that time); received now (SyncItem)
        assert not mark.regularised and mark.device_at == made and mark.signed_at == made
        assert mark.updated_at == clock.at
        try:
            apply_mark(s, None, sess, alice, MarkInput("absent"), device_at=clock.at + timedelta(hours=2))
        except ValueError as exc:
            assert "l'heure de l'appareil est dans le futur" in str(exc)
        else:
            raise AssertionError("a device time in the future was accepted")

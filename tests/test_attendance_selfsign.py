"""Self-signing that proves who signs: own account, short list for the others, rotating codes, throttling."""
from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from tests.attendance_support import SIG, clock, post, room, text  # noqa: F401
from tests.conftest import PASSWORD, csrf_token
from training import db
from training.attendance.models import AttendanceMark, CourseSession
from training.cohorts.models import Participant


def _open_code(client, sid) -> str:
    r = post(client, f"/seances/{sid}/code", {})
    page = text(r)
    assert "lundi" in page or "mardi" in page  # the half-day it is for
    return re.search(r'class="self-code">([A-Z0-9]{6})<', page).group(1)


def _phone(app, sid, code, user=None):
    phone = app.test_client()
    if user is not None:
        token = csrf_token(phone, "/connexion")
        phone.post("/connexion", data={"email": user.email, "password": PASSWORD, "csrf_token": token})
    r = post(phone, "/emarger", {"seance": str(sid), "code": code})
    return phone, r


def test_signed_in_trainee_signs_as_self_without_a_list(app, client, login, room, make_user, enrol_user):
    trainee = make_user(name="Samir Stagiaire")
    enrol_user(room.cohort, trainee)
    login(room.trainer)
    sid = room.sessions[0].id
    code = _open_code(client, sid)
    assert "mardi 1er décembre, matin" in text(client.get(f"/seances/{sid}/code"))  # reload: same page, no 405
    phone, r = _phone(app, sid, code, trainee)
    page = text(r)
    assert "Vous signez en tant que <strong>Samir Stagiaire</strong>" in page and "mardi 1er décembre, matin" in page
    assert 'name="participant"' not in page and "Alice" not in page
    r = post(phone, f"/emarger/seance/{sid}", {"signature": SIG})
    assert "Merci, Samir Stagiaire" in text(r)
    with app.app_context():
        mark = db.session().scalar(select(AttendanceMark).join(Participant).where(Participant.user_id == trainee.id))
        assert mark.signed_via == "self" and mark.has_signature and mark.status == "present"


def test_name_list_only_for_accountless_not_yet_signed_with_short_names(app, client, login, room, make_user,
                                                                      enrol_user):
    trainee = make_user(name="Samir Stagiaire")
    enrol_user(room.cohort, trainee)
    login(room.trainer)
    sid, alice, bruno, _c = room.sessions[0].id, *room.people
    post(client, f"/seances/{sid}/marques/{alice.id}", {"status": "present", "signature": SIG, "from": "signer"})
    post(client, f"/seances/{sid}/marques/{bruno.id}", {"status": "excused"})
    code = _open_code(client, sid)
    phone, r = _phone(app, sid, code)
    page = text(r)
    options = re.findall(r'<option value="\d+">([^<]+)</option>', page)
    assert options == ["Bruno B.", "Chloé C."]  # not Alice (signed), not Samir (has an account), no surnames
    bruno_id = re.search(r'<option value="(\d+)">Bruno B.</option>', page).group(1)
    r = post(phone, f"/emarger/seance/{sid}", {"participant": bruno_id, "signature": SIG})
    assert "Le formateur a déjà noté votre présence pour cette séance : adressez-vous à lui." in text(r)
    with app.app_context():
        assert db.session().scalar(select(AttendanceMark).where(AttendanceMark.participant_id == bruno.id)).status \
            == "excused"
    r = post(phone, f"/emarger/seance/{sid}", {"participant": str(alice.id), "signature": SIG})
    assert "Choisissez votre nom" in text(r)


def test_rotated_code_works_during_grace_then_is_refused(app, client, login, room, clock):
    login(room.trainer)
    sid = room.sessions[0].id
    code = _open_code(client, sid)
    clock.at += timedelta(seconds=45)  # rotated once, still within the 30 s grace of that rotation
    _phone_client, r = _phone(app, sid, code)
    assert "Choisissez votre nom" in text(r)
    clock.at += timedelta(seconds=60)
    _phone_client, r = _phone(app, sid, code)
    assert r.status_code == 400 and "Code d'émargement invalide ou expiré" in text(r)
    fresh = re.search(r'class="self-code">([A-Z0-9]{6})<', text(client.get(f"/seances/{sid}/code"))).group(1)
    assert fresh != code
    _phone_client, r = _phone(app, sid, fresh)
    assert "Choisissez votre nom" in text(r)


def test_twenty_wrong_codes_from_one_address_are_throttled(app, client, login, room, clock):
    login(room.trainer)
    sid = room.sessions[0].id
    code = _open_code(client, sid)
    phone = app.test_client()
    answers = [text(post(phone, "/emarger", {"seance": str(sid), "code": f"ZZZZ{i:02d}"})) for i in range(20)]
    assert sum("Code d'émargement invalide" in a for a in answers) == 10
    assert all("Trop de codes erronés : patientez une minute" in a for a in answers[10:])
    assert "Trop de codes erronés" in text(post(phone, "/emarger", {"seance": str(sid), "code": code}))
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert "Choisissez votre nom" in text(post(other, "/emarger", {"seance": str(sid), "code": code}))
    clock.at += timedelta(seconds=61)
    code = re.search(r'class="self-code">([A-Z0-9]{6})<', text(client.get(f"/seances/{sid}/code"))).group(1)
    assert "Choisissez votre nom" in text(post(phone, "/emarger", {"seance": str(sid), "code": code}))


def test_trainer_sees_provenance_and_voids_a_self_signature(app, client, login, room):
    login(room.trainer)
    sid, alice, _b, chloe = room.sessions[0].id, *room.people
    post(client, f"/seances/{sid}/marques/{alice.id}", {"status": "present", "signature": SIG, "from": "signer"})
    code = _open_code(client, sid)
    phone, _r = _phone(app, sid, code)
    post(phone, f"/emarger/seance/{sid}", {"participant": str(chloe.id), "signature": SIG})
    page = text(client.get(f"/seances/{sid}"))
    assert "tablette" in page and "téléphone" in page and "le 1er décembre 2026 à 9 h 05" in page
    r = post(client, f"/seances/{sid}/annuler-signature", {"participant": str(chloe.id), "reason": ""})
    assert "Indiquez le motif de l'annulation" in text(r)
    r = post(client, f"/seances/{sid}/annuler-signature", {"participant": str(chloe.id),
                                                           "reason": "Chloé était absente : signature faite par un tiers"})
    assert "Signature de Chloé Caron annulée" in text(r)
    with app.app_context():
        assert db.session().scalar(select(AttendanceMark).where(AttendanceMark.participant_id == chloe.id)) is None
    assert "signature annulée" in text(client.get(f"/seances/{sid}"))


def test_phone_signing_closes_when_the_trainer_signs(app, client, login, room):
    login(room.trainer)
    sid = room.sessions[0].id
    code = _open_code(client, sid)
    phone, _r = _phone(app, sid, code)
    for p in room.people:
        post(client, f"/seances/{sid}/marques/{p.id}", {"status": "absent"})
    post(client, f"/seances/{sid}/signature-formateur", {"signature": SIG})
    with app.app_context():
        assert db.session().get(CourseSession, sid).self_sign_secret is None
    r = post(phone, f"/emarger/seance/{sid}", {"participant": str(room.people[0].id), "signature": SIG})
    assert "Saisissez le code" in text(r) or "fermé" in text(r)


def test_a_late_arrival_noted_by_the_trainer_stands_when_the_participant_signs(app, client, login, room, clock):
    login(room.trainer)
    sid, alice = room.sessions[0].id, room.people[0]
    post(client, f"/seances/{sid}/marques/{alice.id}", {"status": "late", "arrival": "09:40"})
    clock.set(2026, 12, 1, 9, 50)
    code = _open_code(client, sid)
    phone, _r = _phone(app, sid, code)
    assert "Merci, Alice Arnaud" in text(post(phone, f"/emarger/seance/{sid}", {"participant": str(alice.id),
                                                                                "signature": SIG}))
    with app.app_context():
        mark = db.session().scalar(select(AttendanceMark).where(AttendanceMark.participant_id == alice.id))
        assert (mark.status, mark.arrival.strftime("%H:%M"), mark.signed_via, mark.status_by_trainer) == \
            ("late", "09:40", "self", True)

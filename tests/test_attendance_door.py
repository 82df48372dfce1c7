"""The single door: only the attendance service changes sessions and marks; the sheet's state machine."""
from __future__ import annotations

import ast
from pathlib import Path

from sqlalchemy import select

from tests.attendance_support import SIG, clock, post, room, text  # noqa: F401
from training import db
from training.attendance.models import AttendanceChange, AttendanceMark, CourseSession

ROOT = Path(__file__).resolve().parent.parent / "training"
DOOR = ROOT / "attendance" / "services.py"
MODELS = ("CourseSession", "AttendanceMark")


def _columns() -> set[str]:
    """Attribute names that belong to these two models and to no other model of the app."""
    import importlib

    from training.db import Base

    for models in ROOT.rglob("models.py"):  # every model of the app, so shared names are known
        importlib.import_module("training." + ".".join(models.relative_to(ROOT).with_suffix("").parts))
    mine, others = set(), set()
    for mapper in Base.registry.mappers:
        names = {a.key for a in mapper.attrs}
        (mine if mapper.class_.__name__ in MODELS else others).update(names)
    return mine - others - {"id"}


def _offences(path: Path, columns: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
        for t in targets:
            for sub in ast.walk(t):
                if isinstance(sub, ast.Attribute) and sub.attr in columns:
                    found.append(f"{path.relative_to(ROOT)}:{sub.lineno} assigns .{sub.attr}")
        if isinstance(node, ast.Call):
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name in MODELS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} creates {name}")
            if name in ("update", "delete", "insert", "setattr") and any(
                    isinstance(a, ast.Name) and a.id in MODELS for a in node.args):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}({MODELS})")
    return found


def test_only_the_attendance_service_changes_sessions_and_marks():
    columns = _columns()
    assert {"status", "signature", "cancelled_at", "signed_at", "trainer_signature", "half"} <= columns
    offences = [o for path in ROOT.rglob("*.py") if path != DOOR and "migrations" not in path.parts
                for o in _offences(path, columns)]
    assert offences == []
    assert _offences(DOOR, columns)  # the scan does see assignments where they are


def test_the_scan_catches_an_assignment_elsewhere(tmp_path):
    bad = ROOT / "attendance" / "_probe_door_test.py"
    bad.write_text("def f(mark):\n    mark.status = 'present'\n", encoding="utf-8")
    try:
        assert _offences(bad, _columns()) == ["attendance/_probe_door_test.py:2 assigns .status"]
    finally:
        bad.unlink()


def test_sheet_goes_open_signed_corrected(client, login, app, room):
    login(room.trainer)
    sid, alice = room.sessions[0].id, room.people[0]
    post(client, f"/seances/{sid}/marques/{alice.id}", {"status": "present", "signature": SIG, "from": "signer"})
    for p in room.people[1:]:
        post(client, f"/seances/{sid}/marques/{p.id}", {"status": "absent"})
    with app.app_context():
        assert db.session().get(CourseSession, sid).state == "open"
    r = post(client, f"/seances/{sid}/signature-formateur", {"signature": SIG})
    assert "Feuille signée et verrouillée" in text(r) and "feuille signée" in text(r)
    r = post(client, f"/seances/{sid}/feuille", {f"p{alice.id}-status": "late", f"p{alice.id}-arrival": "09:30",
                                                 f"p{alice.id}-version": "1", "reason": ""})
    assert "indiquez le motif de la modification" in text(r)
    r = post(client, f"/seances/{sid}/feuille", {f"p{alice.id}-status": "late", f"p{alice.id}-arrival": "09:30",
                                                 f"p{alice.id}-version": "1", "reason": "Arrivée notée à tort"})
    assert "1 ligne enregistrée" in text(r) and "signée puis rectifiée" in text(r)
    assert "Rectifications" in text(r) and "Arrivée notée à tort" in text(r)
    with app.app_context():
        s = db.session()
        assert s.get(CourseSession, sid).state == "corrected"
        mark = s.scalar(select(AttendanceMark).where(AttendanceMark.participant_id == alice.id,
                                                     AttendanceMark.session_id == sid))
        assert mark.status == "late" and mark.version == 2
        kinds = [c.kind for c in s.scalars(select(AttendanceChange).order_by(AttendanceChange.id))]
        assert kinds == ["mark", "mark", "mark", "sign", "correction"]

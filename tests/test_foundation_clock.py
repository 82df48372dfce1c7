"""The app's calendar day is France's: no code asks the machine for a naive "today" or "now".

A server on UTC is still on the previous day between midnight and 1 or 2 a.m. in Paris; a demo cohort
created then started "yesterday", and its sessions could not be signed. Every date comes from
`dates.paris_today()`, an aware `datetime.now(PARIS)` or the attendance clock.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] / "training"
NAIVE = {("date", "today"), ("datetime", "today"), ("datetime", "utcnow"), ("datetime", "now")}


def _naive_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            owner = node.func.value
            name = owner.id if isinstance(owner, ast.Name) else owner.attr if isinstance(owner, ast.Attribute) else None
            if (name, node.func.attr) in NAIVE and not (node.func.attr == "now" and (node.args or node.keywords)):
                yield node.lineno


def test_no_naive_today_or_now_in_the_app():
    found = [f"{path.relative_to(ROOT.parent)}:{line}" for path in sorted(ROOT.rglob("*.py"))
             for line in _naive_calls(ast.parse(path.read_text(), str(path)))]
    assert found == [], "naive date.today()/datetime.now(): " + ", ".join(found)


def test_the_scan_finds_a_naive_call():
    assert list(_naive_calls(ast.parse("from datetime import date\nx = date.today()\n"))) == [2]
    assert list(_naive_calls(ast.parse("import datetime\nx = datetime.datetime.now()\n"))) == [2]
    assert list(_naive_calls(ast.parse("x = datetime.now(PARIS)\n"))) == []


def test_demo_cohort_starts_on_the_paris_day(app, monkeypatch):
    """At 0 h 30 in Paris (23 h 30 UTC the day before) the demo cohort starts on the Paris day.

    The clock is set away from the real date, so a machine-date "today" cannot pass by chance."""
    from datetime import date, datetime, timezone

    import training.dates as dates
    from sqlalchemy import select

    from training.cohorts.models import Cohort

    class Clock(datetime):
        @classmethod
        def now(cls, tz=None):
            return datetime(2027, 3, 27, 23, 30, tzinfo=timezone.utc).astimezone(tz)

    monkeypatch.setattr(dates, "datetime", Clock)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        from training import db

        cohort = db.session().scalar(select(Cohort).where(Cohort.name == "Groupe de démonstration"))
        assert cohort.start_date == date(2027, 3, 28)

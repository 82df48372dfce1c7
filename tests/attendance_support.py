"""Shared helpers for the attendance and documents tests: a movable clock and a ready cohort."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

import pytest

from tests.conftest import SIGNATURE, csrf_token
from training.dates import PARIS

SIG = json.dumps(SIGNATURE)


class Clock:
    def __init__(self, at: datetime):
        self.at = at

    def set(self, *args) -> None:
        self.at = datetime(*args, tzinfo=PARIS)

    def __call__(self) -> datetime:
        return self.at


@pytest.fixture
def clock(monkeypatch):
    """The attendance clock, on the first morning of the test cohort unless moved."""
    c = Clock(datetime(2026, 12, 1, 9, 5, tzinfo=PARIS))
    monkeypatch.setattr("training.attendance.timing.now", c)
    _ACTIVE.append(c.at)  # the test day as it starts (the clock may move on within the test)
    yield c
    _ACTIVE.pop()


# People join the roster at the test clock's time, not the real one: after midnight in Paris the real
# date would put them after the sessions of the test day. Installed once (SQLAlchemy caches the
# default in compiled statements); without a clock fixture it is the real time.
_ACTIVE: list = []


def _joined_at(ctx):
    from datetime import timezone

    return _ACTIVE[-1] if _ACTIVE else datetime.now(timezone.utc)


def _install_joined_at_default() -> None:
    from training.cohorts.models import Participant

    Participant.__table__.c.joined_at.default.arg = _joined_at


_install_joined_at_default()


@dataclass
class Room:
    trainer: object
    cohort: object
    people: list
    sessions: list


@pytest.fixture
def room(clock, make_user, make_cohort, make_participant, make_sessions) -> Room:
    trainer = make_user("trainer", name="Camille Formatrice")
    cohort = make_cohort(trainer)
    people = [make_participant(cohort, n) for n in ("Alice Arnaud", "Bruno Blanc", "Chloé Caron")]
    return Room(trainer, cohort, people, make_sessions(cohort, days=2))


def post(client, path: str, data: dict, follow: bool = True):
    token = csrf_token(client, "/emarger")
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=follow)


def text(response) -> str:
    """The page as a person reads it: entities decoded, French non-breaking spaces as plain spaces."""
    import html

    return html.unescape(response.get_data(as_text=True)).replace("\u00a0", " ").replace("\u202f", " ")

"""The attendance table of a cohort, and hours attended, in a fixed number of queries."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time

from sqlalchemy import select
from sqlalchemy.orm import Session, undefer

from ..cohorts.models import Cohort, Participant
from ..dates import PARIS
from .models import AttendanceMark, CourseSession


def _minutes(t: time) -> int:
    return t.hour * 60 + t.minute


def attended_minutes(session: CourseSession, mark: AttendanceMark | None) -> int:
    """Present: the whole session; late: from arrival to end; otherwise nothing."""
    if mark is None or session.cancelled_at is not None:
        return 0
    if mark.status == "present":
        return session.minutes
    if mark.status == "late" and mark.arrival is not None:
        start = max(_minutes(mark.arrival), _minutes(session.starts_at))
        return max(0, _minutes(session.ends_at) - start)
    return 0


def counts_for(session: CourseSession, participant: Participant) -> bool:
    """A session concerns a participant unless cancelled or held before they joined the cohort."""
    if session.cancelled_at is not None:
        return False
    joined = participant.joined_at.astimezone(PARIS).date()
    return session.day >= joined


def enrolled_on(session: CourseSession, participant: Participant) -> bool:
    """On the roster on the session's day, cancelled or not: the row the sheet prints for them."""
    return session.day >= participant.joined_at.astimezone(PARIS).date()


def held(session: CourseSession, at: datetime | None = None) -> bool:
    """Held: begun and not cancelled. Future sessions are « à venir » and count nowhere."""
    from .timing import now, session_started

    return session_started(session, at or now())


@dataclass
class ParticipantAttendance:
    participant: Participant
    planned_minutes: int = 0
    attended_minutes: int = 0
    sessions_counted: int = 0
    sessions_attended: int = 0  # present or late

    @property
    def rate(self) -> float | None:
        return self.attended_minutes / self.planned_minutes if self.planned_minutes else None


@dataclass
class CohortAttendance:
    cohort: Cohort
    sessions: list[CourseSession]
    participants: list[Participant]
    marks: dict[tuple[int, int], AttendanceMark] = field(default_factory=dict)  # (session_id, participant_id)
    rows: dict[int, ParticipantAttendance] = field(default_factory=dict)  # participant_id

    def mark(self, session: CourseSession, participant: Participant) -> AttendanceMark | None:
        return self.marks.get((session.id, participant.id))

    at: datetime | None = None

    @property
    def active_sessions(self) -> list[CourseSession]:
        return [s for s in self.sessions if s.cancelled_at is None]

    @property
    def held_sessions(self) -> list[CourseSession]:
        return [s for s in self.sessions if held(s, self.at)]

    def is_held(self, session: CourseSession) -> bool:
        return held(session, self.at)

    @property
    def rate(self) -> float | None:
        planned = sum(r.planned_minutes for r in self.rows.values())
        return sum(r.attended_minutes for r in self.rows.values()) / planned if planned else None


def cohort_attendance(s: Session, cohort: Cohort, strokes: bool = False, at: datetime | None = None) -> CohortAttendance:
    """Sessions, participants and marks of a cohort, with hours of sessions held: three queries.

    Drawn strokes are loaded only with `strokes=True` (the PDFs draw them); pages use the SVG
    rendered when the signature was made.
    """
    from .timing import now

    at = at or now()
    q = select(CourseSession).where(CourseSession.cohort_id == cohort.id).order_by(CourseSession.day,
                                                                                   CourseSession.starts_at)
    mq = select(AttendanceMark)
    if strokes:
        q, mq = q.options(undefer(CourseSession.trainer_signature)), mq.options(undefer(AttendanceMark.signature))
    sessions = list(s.scalars(q))
    participants = list(s.scalars(select(Participant).where(Participant.cohort_id == cohort.id)
                                  .order_by(Participant.full_name, Participant.id)))
    marks = {}
    if sessions:
        for m in s.scalars(mq.where(AttendanceMark.session_id.in_([x.id for x in sessions]))):
            marks[(m.session_id, m.participant_id)] = m
    table = CohortAttendance(cohort, sessions, participants, marks, at=at)
    for p in participants:
        row = ParticipantAttendance(p)
        for sess in sessions:
            if not counts_for(sess, p) or not held(sess, at):
                continue
            row.sessions_counted += 1
            row.planned_minutes += sess.minutes
            got = attended_minutes(sess, marks.get((sess.id, p.id)))
            row.attended_minutes += got
            row.sessions_attended += 1 if got else 0
        table.rows[p.id] = row
    return table


def format_minutes(minutes: int) -> str:
    """French hours: 210 -> « 3 h 30 », 180 -> « 3 h »."""
    h, m = divmod(minutes, 60)
    return f"{h} h {m:02d}" if m else f"{h} h"


def half_day_label(session: CourseSession) -> str:
    """« lundi 7 décembre, matin »: which half-day a signing page is for."""
    from ..dates import DAYS, MONTHS
    from .models import HALVES

    d = session.day
    day = "1er" if d.day == 1 else str(d.day)
    return f"{DAYS[d.weekday()]} {day} {MONTHS[d.month - 1]}, {HALVES[session.half].lower()}"


def session_label(session: CourseSession) -> str:
    from ..dates import french_date
    from .models import HALVES

    return (f"{french_date(session.day, weekday=True)}, {HALVES[session.half].lower()}, "
            f"{session.starts_at.hour} h {session.starts_at.minute:02d} – {session.ends_at.hour} h {session.ends_at.minute:02d}")

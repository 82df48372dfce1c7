"""The cohort dashboard: progress per participant and module, attendance, positioning, reflection counts.

Loaded in a fixed number of queries whatever the number of participants, sessions or modules,
with aggregates computed in SQL: no attendance mark, signature or reflection text is loaded.
Reflections appear only as counts, plus what their authors shared anonymously.
"""
from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, lazyload

from ..attendance.models import AttendanceMark, CourseSession
from ..attendance.queries import CohortAttendance, ParticipantAttendance, attended_minutes
from ..content.model import Registry
from ..dates import PARIS
from ..learning.models import PositioningAnswer, QuizAttempt, Reflection, SectionRead
from .models import Cohort, Participant


@dataclass
class Cell:
    sections_read: int = 0
    exercises_done: int = 0
    best_score: int | None = None
    passed: bool = False


@dataclass
class Dashboard:
    cohort: Cohort
    modules: list
    attendance: CohortAttendance
    cells: dict[tuple[int, str], Cell] = field(default_factory=dict)  # (participant_id, module_slug)
    positioning: dict[int, dict[str, float]] = field(default_factory=dict)  # participant_id -> phase -> mean
    reflections_submitted: int = 0

    def cell(self, participant: Participant, module) -> Cell:
        return self.cells.get((participant.id, module.slug), Cell())

    def progress_texts(self, participant: Participant, quiz_totals: dict[str, int]) -> list[str]:
        """« sections read/total · exercises submitted/total · best score/total ✓ », one per module."""
        if participant.user_id is None:
            return ["—"] * len(self.modules)
        out = []
        for m in self.modules:
            c = self.cells.get((participant.id, m.slug)) or Cell()
            quiz = "—" if c.best_score is None else f"{c.best_score}/{quiz_totals[m.slug]}{' ✓' if c.passed else ''}"
            out.append(f"{c.sections_read}/{len(m.sections)} · {c.exercises_done}/{len(m.exercise_slugs)} · {quiz}")
        return out

    @property
    def participants(self) -> list[Participant]:
        return self.attendance.participants

    def positioning_mean(self, phase: str) -> float | None:
        values = [p[phase] for p in self.positioning.values() if phase in p]
        return sum(values) / len(values) if values else None


@dataclass(frozen=True)
class _Times:
    """The columns of a session that hours need (not its signature)."""

    id: int
    day: object
    starts_at: object
    ends_at: object
    cancelled_at: object

    @property
    def minutes(self) -> int:
        return (self.ends_at.hour * 60 + self.ends_at.minute) - (self.starts_at.hour * 60 + self.starts_at.minute)


@dataclass(frozen=True)
class _Mark:
    status: str
    arrival: object


def attendance_summary(s: Session, cohort: Cohort) -> CohortAttendance:
    """Hours per participant in three queries; marks come as (session, participant, status, arrival).

    Planned minutes are suffix sums over the sessions by day (a session counts from the day a
    participant joined), so the work is one pass over the marks, not participants × sessions.
    """
    sessions = [_Times(*row) for row in s.execute(
        select(CourseSession.id, CourseSession.day, CourseSession.starts_at, CourseSession.ends_at,
               CourseSession.cancelled_at).where(CourseSession.cohort_id == cohort.id)
        .order_by(CourseSession.day, CourseSession.starts_at))]
    participants = list(s.scalars(select(Participant).options(lazyload(Participant.cohort))
                                  .where(Participant.cohort_id == cohort.id)
                                  .order_by(Participant.full_name, Participant.id)))
    table = CohortAttendance(cohort, sessions, participants)
    active = [x for x in sessions if x.cancelled_at is None]
    days = [x.day for x in active]
    minutes_after, count_after = [0] * (len(active) + 1), [0] * (len(active) + 1)
    for i in range(len(active) - 1, -1, -1):
        minutes_after[i] = minutes_after[i + 1] + active[i].minutes
        count_after[i] = count_after[i + 1] + 1
    joined = {p.id: p.joined_at.astimezone(PARIS).date() for p in participants}
    for p in participants:
        first = bisect_left(days, joined[p.id])
        table.rows[p.id] = ParticipantAttendance(p, planned_minutes=minutes_after[first],
                                                 sessions_counted=count_after[first])
    by_id = {x.id: x for x in sessions}
    minutes = {x.id: x.minutes for x in sessions}
    for sid, pid, status, arrival in s.execute(
            select(AttendanceMark.session_id, AttendanceMark.participant_id, AttendanceMark.status,
                   AttendanceMark.arrival)
            .join(CourseSession, CourseSession.id == AttendanceMark.session_id)
            .where(CourseSession.cohort_id == cohort.id, AttendanceMark.status.in_(("present", "late")))):
        row, sess = table.rows.get(pid), by_id[sid]
        if row is not None and sess.cancelled_at is None and sess.day >= joined[pid]:
            got = minutes[sid] if status == "present" else attended_minutes(sess, _Mark(status, arrival))
            row.attended_minutes += got
            row.sessions_attended += 1 if got else 0
    return table


def _reflection_counts(s: Session, dash: Dashboard, reg: Registry, by_user: dict) -> None:
    exercise_module = {e.slug: e.module_slug for e in reg.exercises.values()}
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for uid, slug in s.execute(select(Reflection.user_id, Reflection.exercise_slug)
                               .where(Reflection.user_id.in_(list(by_user)), Reflection.submitted_at.is_not(None))):
        dash.reflections_submitted += 1
        if slug in exercise_module:
            counts[(by_user[uid].id, exercise_module[slug])] += 1
    for key, n in counts.items():
        dash.cells.setdefault(key, Cell()).exercises_done = n


def _quiz_and_reads(s: Session, dash: Dashboard, reg: Registry, by_user: dict) -> None:
    users = list(by_user)
    for uid, module_slug, n in s.execute(select(SectionRead.user_id, SectionRead.module_slug, func.count())
                                         .where(SectionRead.user_id.in_(users))
                                         .group_by(SectionRead.user_id, SectionRead.module_slug)):
        dash.cells.setdefault((by_user[uid].id, module_slug), Cell()).sections_read = n
    quiz_module = {q.slug: q.module_slug for q in reg.quizzes.values()}
    for uid, quiz_slug, best, passed in s.execute(
            select(QuizAttempt.user_id, QuizAttempt.quiz_slug, func.max(QuizAttempt.score),
                   func.max(case((QuizAttempt.passed, 1), else_=0)))
            .where(QuizAttempt.user_id.in_(users)).group_by(QuizAttempt.user_id, QuizAttempt.quiz_slug)):
        if quiz_slug in quiz_module:
            c = dash.cells.setdefault((by_user[uid].id, quiz_module[quiz_slug]), Cell())
            c.best_score, c.passed = best, bool(passed)


def build_dashboard(s: Session, cohort: Cohort, reg: Registry) -> Dashboard:
    path = reg.paths.get(cohort.path_slug)
    modules = [reg.modules[m] for m in path.module_slugs] if path else []
    dash = Dashboard(cohort, modules, attendance_summary(s, cohort))
    by_user = {p.user_id: p for p in dash.participants if p.user_id is not None}
    if not by_user:
        return dash
    _quiz_and_reads(s, dash, reg, by_user)
    _reflection_counts(s, dash, reg, by_user)
    if path and path.positioning_slug:
        for uid, phase, answers in s.execute(select(PositioningAnswer.user_id, PositioningAnswer.phase,
                                                    PositioningAnswer.answers)
                                             .where(PositioningAnswer.user_id.in_(list(by_user)),
                                                    PositioningAnswer.questionnaire_slug == path.positioning_slug)):
            values = [v for v in answers.values() if isinstance(v, int)]
            if values:
                dash.positioning.setdefault(by_user[uid].id, {})[phase] = sum(values) / len(values)
    return dash

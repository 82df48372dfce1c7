"""The cohort dashboard: progress per participant and module, attendance, positioning, reflection counts.

Loaded in a fixed number of queries whatever the number of participants, sessions or modules.
Reflections appear only as counts, plus what their authors shared anonymously.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..attendance.queries import CohortAttendance, cohort_attendance
from ..content.model import Registry
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
    reflections_shared: int = 0

    def cell(self, participant: Participant, module) -> Cell:
        return self.cells.get((participant.id, module.slug), Cell())

    @property
    def participants(self) -> list[Participant]:
        return self.attendance.participants

    def positioning_mean(self, phase: str) -> float | None:
        values = [p[phase] for p in self.positioning.values() if phase in p]
        return sum(values) / len(values) if values else None


def build_dashboard(s: Session, cohort: Cohort, reg: Registry) -> Dashboard:
    path = reg.paths.get(cohort.path_slug)
    modules = [reg.modules[m] for m in path.module_slugs] if path else []
    table = cohort_attendance(s, cohort)
    dash = Dashboard(cohort, modules, table)
    by_user = {p.user_id: p for p in table.participants if p.user_id is not None}
    if not by_user:
        return dash
    users = list(by_user)
    for uid, module_slug, n in s.execute(select(SectionRead.user_id, SectionRead.module_slug, func.count())
                                         .where(SectionRead.user_id.in_(users))
                                         .group_by(SectionRead.user_id, SectionRead.module_slug)):
        dash.cells.setdefault((by_user[uid].id, module_slug), Cell()).sections_read = n
    exercise_module = {e.slug: e.module_slug for e in reg.exercises.values()}
    counts: dict[tuple[int, str], int] = defaultdict(int)
    for uid, slug, shared in s.execute(select(Reflection.user_id, Reflection.exercise_slug, Reflection.shared_cohort_id)
                                       .where(Reflection.user_id.in_(users), Reflection.submitted_at.is_not(None))):
        dash.reflections_submitted += 1
        dash.reflections_shared += 1 if shared == cohort.id else 0
        if slug in exercise_module:
            counts[(by_user[uid].id, exercise_module[slug])] += 1
    for key, n in counts.items():
        dash.cells.setdefault(key, Cell()).exercises_done = n
    quiz_module = {q.slug: q.module_slug for q in reg.quizzes.values()}
    for uid, quiz_slug, best, passed in s.execute(
            select(QuizAttempt.user_id, QuizAttempt.quiz_slug, func.max(QuizAttempt.score),
                   func.max(case((QuizAttempt.passed, 1), else_=0)))
            .where(QuizAttempt.user_id.in_(users)).group_by(QuizAttempt.user_id, QuizAttempt.quiz_slug)):
        if quiz_slug in quiz_module:
            c = dash.cells.setdefault((by_user[uid].id, quiz_module[quiz_slug]), Cell())
            c.best_score, c.passed = best, bool(passed)
    if path and path.positioning_slug:
        for uid, phase, answers in s.execute(select(PositioningAnswer.user_id, PositioningAnswer.phase,
                                                    PositioningAnswer.answers)
                                             .where(PositioningAnswer.user_id.in_(users),
                                                    PositioningAnswer.questionnaire_slug == path.positioning_slug)):
            values = [v for v in answers.values() if isinstance(v, int)]
            if values:
                dash.positioning.setdefault(by_user[uid].id, {})[phase] = sum(values) / len(values)
    return dash

"""Read-side queries for a trainee's progress, in a fixed number of queries per page."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import Integer, bindparam, case, cast, func, literal, select, union_all
from sqlalchemy.orm import Session, lazyload

from ..cohorts.models import Cohort, Participant
from ..content.model import LearningPath, Module, Registry
from .models import PositioningAnswer, QuizAttempt, Reflection, SectionRead


@dataclass
class ModuleProgress:
    module: Module
    sections_read: int
    sections_total: int
    exercises_done: int
    exercises_total: int
    best_score: int | None
    quiz_total: int
    quiz_passed: bool

    @property
    def complete(self) -> bool:
        return (self.sections_read >= self.sections_total and self.exercises_done >= self.exercises_total
                and self.quiz_passed)

    @property
    def percent(self) -> int:
        steps = self.sections_total + self.exercises_total + 1
        done = min(self.sections_read, self.sections_total) + min(self.exercises_done, self.exercises_total)
        return round(100 * (done + (1 if self.quiz_passed else 0)) / steps)


@dataclass
class Snapshot:
    """Everything about one user's learning, loaded in one query."""

    reads: set[tuple[str, str]] = field(default_factory=set)
    submitted: set[str] = field(default_factory=set)
    best: dict[str, tuple[int, bool]] = field(default_factory=dict)
    positioning: set[tuple[str, str]] = field(default_factory=set)


def _snapshot_statement():
    """One UNION ALL over the four tables, built once: (kind, slug, detail, score, passed)."""
    uid = bindparam("uid")
    no_int = cast(literal(None), Integer)
    return union_all(
        select(literal("r"), SectionRead.module_slug, SectionRead.section_slug, no_int, no_int)
        .where(SectionRead.user_id == uid),
        select(literal("s"), Reflection.exercise_slug, literal(""), no_int, no_int)
        .where(Reflection.user_id == uid, Reflection.submitted_at.is_not(None)),
        select(literal("q"), QuizAttempt.quiz_slug, literal(""), func.max(QuizAttempt.score),
               func.max(case((QuizAttempt.passed, 1), else_=0)))
        .where(QuizAttempt.user_id == uid).group_by(QuizAttempt.quiz_slug),
        select(literal("p"), PositioningAnswer.questionnaire_slug, PositioningAnswer.phase, no_int, no_int)
        .where(PositioningAnswer.user_id == uid))


_SNAPSHOT = _snapshot_statement()


def snapshot(s: Session, user_id: int) -> Snapshot:
    """Reads, submitted exercises, best quiz scores and positioning phases: one query."""
    snap = Snapshot()
    for kind, slug, detail, score, passed in s.execute(_SNAPSHOT, {"uid": user_id}):
        if kind == "r":
            snap.reads.add((slug, detail))
        elif kind == "s":
            snap.submitted.add(slug)
        elif kind == "q":
            snap.best[slug] = (score, bool(passed))
        else:
            snap.positioning.add((slug, detail))
    return snap


def required_exercises(reg: Registry, module: Module, audiences: tuple[str, ...] | None) -> list[str]:
    """Exercises that count for completion: those written for the audiences of the path."""
    exercises = reg.exercises_of(module)
    if audiences:
        exercises = tuple(e for e in exercises if set(e.audiences) & set(audiences)) or exercises
    return [e.slug for e in exercises]


def module_progress(reg: Registry, module: Module, snap: Snapshot,
                    audiences: tuple[str, ...] | None = None) -> ModuleProgress:
    required = required_exercises(reg, module, audiences)
    quiz = reg.quizzes[module.quiz_slug]
    best = snap.best.get(quiz.slug)
    return ModuleProgress(
        module=module,
        sections_read=sum(1 for sec in module.sections if (module.slug, sec.slug) in snap.reads),
        sections_total=len(module.sections),
        exercises_done=sum(1 for e in required if e in snap.submitted),
        exercises_total=len(required),
        best_score=best[0] if best else None, quiz_total=len(quiz.questions),
        quiz_passed=bool(best and best[1]))


@dataclass
class PathProgress:
    path: LearningPath
    modules: list[ModuleProgress]
    cohort: Cohort | None
    positioning_done: set[str]

    @property
    def percent(self) -> int:
        return round(sum(m.percent for m in self.modules) / len(self.modules)) if self.modules else 0

    @property
    def completed(self) -> int:
        return sum(1 for m in self.modules if m.complete)

    @property
    def next_module(self) -> ModuleProgress | None:
        return next((m for m in self.modules if not m.complete), None)


def path_progress(reg: Registry, path: LearningPath, snap: Snapshot, cohort: Cohort | None = None) -> PathProgress:
    modules = [module_progress(reg, reg.modules[m], snap, path.audiences) for m in path.module_slugs]
    done = {phase for slug, phase in snap.positioning if slug == path.positioning_slug}
    return PathProgress(path, modules, cohort, done)


@dataclass
class EndGate:
    """Whether the end-of-course positioning may be answered, and from which day if not yet."""

    open: bool
    opens_on: date | None
    completed: int
    total: int


def end_positioning_gate(reg: Registry, snap: Snapshot, cohorts: list[Cohort], slug: str, today: date) -> EndGate:
    """Open once the modules of a path using this questionnaire are all done, or from the last day of
    the trainee's group on that path; always open to review answers already given."""
    paths = {p.slug: p for p in reg.paths.values() if p.positioning_slug == slug}
    mine = [c for c in cohorts if c.path_slug in paths and c.archived_at is None]
    candidates = [paths[c.path_slug] for c in mine] or list(paths.values())
    progress = [path_progress(reg, p, snap) for p in candidates]
    best = max(progress, key=lambda p: p.completed / max(1, len(p.modules)), default=None)
    completed, total = (best.completed, len(best.modules)) if best else (0, 0)
    opens_on = min((c.end_date for c in mine), default=None)
    is_open = ((slug, "fin") in snap.positioning or any(p.modules and p.next_module is None for p in progress)
               or (opens_on is not None and today >= opens_on))
    return EndGate(is_open, opens_on, completed, total)


def user_cohorts(s: Session, user_id: int) -> list[Cohort]:
    return list(s.scalars(select(Cohort).options(lazyload(Cohort.trainers))
                          .join(Participant, Participant.cohort_id == Cohort.id)
                          .where(Participant.user_id == user_id).order_by(Cohort.start_date.desc())))


def home_overview(s: Session, user, reg: Registry) -> dict:
    """What the home page shows: paths with progress for a trainee, cohorts for trainers."""
    from ..cohorts.queries import cohorts_for_trainer

    out: dict = {"paths": [], "cohorts": [], "managed": []}
    if user.role in ("trainer", "admin"):
        out["managed"] = cohorts_for_trainer(s, user)
    cohorts = user_cohorts(s, user.id)
    snap = snapshot(s, user.id)
    seen = set()
    for c in cohorts:
        if c.path_slug in reg.paths and c.path_slug not in seen and c.archived_at is None:
            out["paths"].append(path_progress(reg, reg.paths[c.path_slug], snap, c))
            seen.add(c.path_slug)
    if not out["paths"]:
        out["paths"] = [path_progress(reg, p, snap) for p in reg.paths.values()]
    out["cohorts"] = cohorts
    return out

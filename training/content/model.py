"""Immutable records of the course content, built once at start-up by the loader."""
from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Mapping

AUDIENCES = ("professionnels", "gardiens")
AUDIENCE_LABELS = {"professionnels": "Professionnels", "gardiens": "Gardiens d'immeubles"}


@dataclass(frozen=True)
class SourceRange:
    first: int
    last: int

    @property
    def ref(self) -> str:
        return f"{self.first}-{self.last}"

    def __str__(self) -> str:
        return f"report:{self.first}-{self.last}"


@dataclass(frozen=True)
class Section:
    slug: str
    title: str
    kind: str
    sources: tuple[SourceRange, ...]
    html: str


@dataclass(frozen=True)
class Exercise:
    slug: str
    module_slug: str
    title: str
    audiences: tuple[str, ...]
    duration_minutes: int
    sources: tuple[SourceRange, ...]
    situation_html: str
    consigne_html: str
    questions: tuple[str, ...]  # sanitised inline HTML
    # Debrief points are only handed to a trainee after submission (see learning views).
    debrief: tuple[str, ...]


@dataclass(frozen=True)
class FacilitatorNotes:
    """Trainer-only notes; kept apart from Module so learner views never receive them."""

    module_slug: str
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Module:
    slug: str
    title: str
    summary: str
    fiche: int | None
    audiences: tuple[str, ...]
    duration_minutes: int
    objectives: tuple[str, ...]
    sources: tuple[SourceRange, ...]
    fiches_actions: tuple[int, ...]
    exercise_slugs: tuple[str, ...]
    quiz_slug: str
    sections: tuple[Section, ...]

    @property
    def key_points(self) -> Section:
        return self.sections[-1]


@dataclass(frozen=True)
class Choice:
    slug: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class Question:
    slug: str
    type: str
    prompt: str
    explanation: str
    sources: tuple[SourceRange, ...]
    choices: tuple[Choice, ...]

    @property
    def correct_slugs(self) -> frozenset[str]:
        return frozenset(c.slug for c in self.choices if c.correct)


@dataclass(frozen=True)
class Quiz:
    slug: str
    module_slug: str
    title: str
    pass_mark: int
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Statement:
    slug: str
    dimension: str
    text: str
    sources: tuple[SourceRange, ...]


POSITIONING_SCALE = ("Pas du tout", "Plutôt non", "Plutôt oui", "Tout à fait")


@dataclass(frozen=True)
class Positioning:
    slug: str
    title: str
    intro: str
    statements: tuple[Statement, ...]


@dataclass(frozen=True)
class RunStep:
    """One timed sequence of a path's run sheet (feuille de route), for the facilitator guide."""

    start: str  # "HH:MM"
    minutes: int
    title: str
    material: str
    trainer_html: str  # what the trainer does and says, sanitised inline HTML
    groups: str
    exercise_slugs: tuple[str, ...]


@dataclass(frozen=True)
class ScheduleSlot:
    label: str
    module_slugs: tuple[str, ...]
    steps: tuple[RunStep, ...] = ()  # optional run sheet of the half-day

    @property
    def run_minutes(self) -> int:
        return sum(step.minutes for step in self.steps)

    @property
    def run_span(self) -> str:
        """« 09:00–12:15 » for a half-day with a run sheet, or "" without one."""
        if not self.steps:
            return ""
        hours, mins = (int(x) for x in self.steps[0].start.split(":"))
        end = hours * 60 + mins + self.run_minutes
        return f"{self.steps[0].start}–{end // 60:02d}:{end % 60:02d}"


@dataclass(frozen=True)
class LearningPath:
    slug: str
    title: str
    audiences: tuple[str, ...]
    module_slugs: tuple[str, ...]
    positioning_slug: str
    schedule: tuple[ScheduleSlot, ...]
    intro_html: str


@dataclass(frozen=True)
class FicheAction:
    number: int
    title: str
    sources: tuple[SourceRange, ...]
    sections: tuple[Section, ...]

    @property
    def slug(self) -> str:
        return f"fa-{self.number:02d}"


@dataclass(frozen=True)
class Page:
    slug: str
    title: str
    sources: tuple[SourceRange, ...]
    sections: tuple[Section, ...]


@dataclass(frozen=True)
class Report:
    """The source report, one string per line (line 1 is index 0)."""

    lines: tuple[str, ...]

    def passage(self, first: int, last: int) -> tuple[str, ...]:
        return self.lines[first - 1 : last]


def _frozen(d: dict) -> Mapping:
    return MappingProxyType(dict(d))


@dataclass(frozen=True)
class Registry:
    """Everything the content folders hold, validated; read-only for the app's lifetime."""

    modules: Mapping[str, Module]
    exercises: Mapping[str, Exercise]
    facilitator: Mapping[str, FacilitatorNotes]
    quizzes: Mapping[str, Quiz]
    positionings: Mapping[str, Positioning]
    paths: Mapping[str, LearningPath]
    fiches_actions: Mapping[int, FicheAction]
    pages: Mapping[str, Page]
    report: Report
    # module slugs citing each fiche-action, for the back links of the library
    fiche_action_modules: Mapping[int, tuple[str, ...]] = field(default_factory=dict)

    @classmethod
    def build(cls, **parts) -> "Registry":
        frozen = {k: (_frozen(v) if isinstance(v, dict) else v) for k, v in parts.items()}
        return cls(**frozen)

    def exercises_of(self, module: Module) -> tuple[Exercise, ...]:
        return tuple(self.exercises[s] for s in module.exercise_slugs)

    def paths_with(self, module_slug: str) -> tuple[LearningPath, ...]:
        return tuple(p for p in self.paths.values() if module_slug in p.module_slugs)

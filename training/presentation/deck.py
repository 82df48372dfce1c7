"""The slides of a module's deck, and which modules and exercises a cohort's path holds."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort

from ..cohorts.models import Cohort
from ..content.model import Exercise, Module, Registry

# Slides per exercise: situation and questions, debriefing points, the group's synthesis.
PER_EXERCISE = 3
OPENING = 2  # title, then « À retenir »


@dataclass(frozen=True)
class Slide:
    number: int
    kind: str  # "title", "key-points", "situation", "debrief", "synthesis"
    exercise: Exercise | None = None


def build_deck(module: Module, exercises: tuple[Exercise, ...]) -> list[Slide]:
    """Title, key points, then situation, debrief and synthesis slides for each exercise."""
    slides = [Slide(1, "title"), Slide(2, "key-points")]
    for ex in exercises:
        for kind in ("situation", "debrief", "synthesis"):
            slides.append(Slide(len(slides) + 1, kind, ex))
    return slides


def synthesis_slide(module: Module, exercise: Exercise) -> int:
    """Number of the « Synthèse du groupe » slide of `exercise` in its module's deck."""
    return OPENING + PER_EXERCISE * (module.exercise_slugs.index(exercise.slug) + 1)


def path_modules(reg: Registry, cohort: Cohort) -> list[Module]:
    """The modules of the cohort's path, in the path's order (none if the path left the content)."""
    path = reg.paths.get(cohort.path_slug)
    if path is None:
        return []
    return [reg.modules[slug] for slug in path.module_slugs if slug in reg.modules]


def path_module_or_404(reg: Registry, cohort: Cohort, module_slug: str) -> Module:
    for module in path_modules(reg, cohort):
        if module.slug == module_slug:
            return module
    abort(404)


def path_exercise_or_404(reg: Registry, cohort: Cohort, exercise_slug: str) -> Exercise:
    for module in path_modules(reg, cohort):
        if exercise_slug in module.exercise_slugs:
            return reg.exercises[exercise_slug]
    abort(404)

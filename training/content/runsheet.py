"""The optional run sheet (feuille de route) of a path's half-days: `[[schedule.steps]]` tables.

Each step starts when the previous one ends, so the sheet is one continuous timetable per
half-day; the gap between two half-days is the lunch break."""
from __future__ import annotations

import re

from . import parsing as p
from .model import RunStep
from .render import render_inline

TIME = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)$")
STEP_SPEC = {
    "start": (str, True, lambda v: None if TIME.match(v) else "doit être une heure « HH:MM »"),
    "minutes": (int, True, p.int_check(5, 240)),
    "title": (str, True, p.text_check(2, 120)),
    "material": (str, True, p.text_check(1, 400)),
    "trainer": (str, True, p.text_check(10, 1500)),
    "groups": (str, True, p.text_check(2, 200)),
    "exercises": (list, False, p.str_list_check(1, 4)),
}
MARKER = "[[schedule.steps]]"


def minutes_of(clock: str) -> int:
    hours, mins = clock.split(":")
    return int(hours) * 60 + int(mins)


def clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def build_steps(src: p.Source, raw_steps, first_index: int, line_of_nth) -> tuple[RunStep, ...]:
    """Check the steps of one half-day; `first_index` numbers them across the whole file."""
    if not isinstance(raw_steps, list):
        src.error(line_of_nth(MARKER, first_index), "parcours : « steps » doit être une liste de [[schedule.steps]]")
        return ()
    steps: list[RunStep] = []
    for k, raw in enumerate(raw_steps):
        line = line_of_nth(MARKER, first_index + k)
        if not isinstance(raw, dict):
            src.error(line, "parcours : chaque [[schedule.steps]] doit être une table")
            continue
        f = p.fields(raw, STEP_SPEC, src, lambda _key, line=line: line, f"séquence {first_index + k + 1}")
        if not p.complete(f, STEP_SPEC):
            continue
        if steps and minutes_of(f["start"]) != minutes_of(steps[-1].start) + steps[-1].minutes:
            expected = clock(minutes_of(steps[-1].start) + steps[-1].minutes)
            src.error(line, f"parcours : la séquence « {f['title']} » doit commencer à {expected}, "
                            "à la fin de la précédente")
        steps.append(RunStep(start=f["start"], minutes=f["minutes"], title=f["title"], material=f["material"],
                             trainer_html=render_inline(f["trainer"]), groups=f["groups"],
                             exercise_slugs=tuple(f.get("exercises", ()))))
    return tuple(steps)

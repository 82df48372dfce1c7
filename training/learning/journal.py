"""A trainee's journal: all their reflections with the situations, as a file they keep."""
from __future__ import annotations

import re
from dataclasses import dataclass
from html import unescape

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..content.model import Exercise, Registry
from ..dates import french_datetime
from .models import Reflection, ReflectionVersion


@dataclass
class Entry:
    exercise: Exercise | None
    reflection: Reflection
    versions: list[ReflectionVersion]


def journal_entries(s: Session, user, reg: Registry) -> list[Entry]:
    reflections = list(s.scalars(select(Reflection).where(Reflection.user_id == user.id)
                                 .order_by(Reflection.created_at)))
    ids = [r.id for r in reflections]
    by_ref: dict[int, list[ReflectionVersion]] = {i: [] for i in ids}
    if ids:
        for v in s.scalars(select(ReflectionVersion).where(ReflectionVersion.reflection_id.in_(ids))
                           .order_by(ReflectionVersion.number)):
            by_ref[v.reflection_id].append(v)
    return [Entry(reg.exercises.get(r.exercise_slug), r, by_ref[r.id]) for r in reflections]


def _plain(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", html)).strip()


def journal_text(user, entries: list[Entry]) -> str:
    out = [f"# Journal de formation de {user.display_name}", "",
           "« Intervention sociale à l'épreuve des trafics ». Ce fichier contient toutes vos réflexions, "
           "avec les situations auxquelles elles répondent. Il est à vous : conservez-le en lieu sûr.", ""]
    for e in entries:
        title = e.exercise.title if e.exercise else e.reflection.exercise_slug
        out += [f"## {title}", ""]
        if e.exercise:
            out += ["### Situation", "", _plain(e.exercise.situation_html), "",
                    "### Consigne", "", _plain(e.exercise.consigne_html), ""]
        for v in e.versions:
            out += [f"### Réponse soumise (version {v.number}, {french_datetime(v.submitted_at)})", "", v.body, ""]
        if e.reflection.draft and e.reflection.draft != e.reflection.body:
            out += ["### Brouillon non soumis", "", e.reflection.draft, ""]
    return "\n".join(out)

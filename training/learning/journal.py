"""A trainee's journal: all their reflections with the situations, as a file they keep (PDF, HTML, Markdown)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from html import unescape

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..content.model import Exercise, Registry
from ..dates import french_date, french_datetime
from ..wording import elide
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


INTRO = ("« Intervention sociale à l'épreuve des trafics ». Ce fichier contient toutes vos réflexions, "
         "avec les situations auxquelles elles répondent. Il est à vous : conservez-le en lieu sûr.")


def journal_title(user) -> str:
    return f"Journal de formation {elide(user.display_name)}"


def version_heading(v: ReflectionVersion) -> str:
    return f"Réponse soumise (version {v.number}, {french_datetime(v.submitted_at)})"


def unsent_draft(e: Entry) -> str | None:
    r = e.reflection
    return r.draft if r.draft and r.draft != r.body else None


def journal_text(user, entries: list[Entry]) -> str:
    out = [f"# {journal_title(user)}", "", INTRO, ""]
    for e in entries:
        title = e.exercise.title if e.exercise else e.reflection.exercise_slug
        out += [f"## {title}", ""]
        if e.exercise:
            out += ["### Situation", "", _plain(e.exercise.situation_html), "",
                    "### Consigne", "", _plain(e.exercise.consigne_html), ""]
        for v in e.versions:
            out += [f"### {version_heading(v)}", "", v.body, ""]
        if unsent_draft(e):
            out += ["### Brouillon non soumis", "", unsent_draft(e), ""]
    return "\n".join(out)


def journal_pdf(user, entries: list[Entry], issued_on: date) -> bytes:
    """The journal laid out like the other documents (A4, DejaVu, running header, « Page x / y »)."""
    from ..documents.pdf import MUTED, RULE, DocumentPDF, render  # fpdf2 loads only when a PDF is asked for

    title = journal_title(user)

    from fpdf.enums import XPos, YPos

    def header(pdf: DocumentPDF) -> None:
        pdf.set_font("DejaVu", "", 8)
        pdf.set_text_color(*MUTED)
        pdf.cell(pdf.epw, 5, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_draw_color(*RULE)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
        pdf.set_y(pdf.get_y() + 4)

    def build(pdf: DocumentPDF) -> None:
        pdf.set_margins(20, 12, 20)
        pdf.start_section(header)
        pdf.write_block(pdf.epw, title, size=18, bold=True, line_h=9)
        pdf.write_block(pdf.epw, f"Téléchargé le {french_date(issued_on)}", size=9, color=MUTED)
        pdf.ln(3)
        pdf.write_block(pdf.epw, INTRO, size=10)
        if not entries:
            pdf.ln(4)
            pdf.write_block(pdf.epw, "Vous n'avez encore écrit aucune réflexion.", size=10)
        for e in entries:
            _pdf_entry(pdf, e)

    return render(build, title=title)


def _pdf_entry(pdf, e: Entry) -> None:
    from ..documents.pdf import MUTED

    pdf.ln(6)
    pdf.ensure_room(30)
    pdf.write_block(pdf.epw, e.exercise.title if e.exercise else e.reflection.exercise_slug, size=13, bold=True,
                    line_h=6.5)
    blocks = []
    if e.exercise:
        blocks += [("Situation", _plain(e.exercise.situation_html)), ("Consigne", _plain(e.exercise.consigne_html))]
    blocks += [(version_heading(v), v.body) for v in e.versions]
    if unsent_draft(e):
        blocks.append(("Brouillon non soumis", unsent_draft(e)))
    for heading, body in blocks:
        pdf.ln(2)
        pdf.ensure_room(14)
        pdf.write_block(pdf.epw, heading, size=10, bold=True, color=MUTED)
        pdf.write_block(pdf.epw, body, size=10, line_h=5)

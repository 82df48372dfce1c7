"""Attestations d'assiduité et de fin de formation: one participant's, or a whole cohort's in one PDF."""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date

from fpdf.enums import XPos, YPos

from ..attendance.queries import CohortAttendance, attended_minutes, counts_for, session_label
from ..cohorts.models import Cohort, Participant
from ..content.model import Registry
from ..dates import french_date
from .issue import Identity
from .pdf import FONT, MUTED, NBSP, RULE, TEXT, DocumentPDF, french_time, hours, render
from .sheets import path_title, trainer_names
from ..wording import pluralise

OBJECTIVES_FICHE = 11  # fiche-action 11 describes the training itself and its four objectives
MARGIN = 20.0


@dataclass
class AttestationData:
    title: str
    cohort: Cohort
    table: CohortAttendance
    objectives_label: str
    objectives: list[str]
    issued_on: date
    body: Identity


def _plain(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", fragment)).split())


def training_objectives(reg: Registry, cohort: Cohort) -> tuple[str, list[str]]:
    """The objectives of fiche-action 11, or failing that the titles of the path's modules."""
    fiche = reg.fiches_actions.get(OBJECTIVES_FICHE)
    section = next((x for x in fiche.sections if x.kind == "objectifs"), None) if fiche else None
    if section is not None:
        items = [t for t in (_plain(li) for li in re.findall(r"<li[^>]*>(.*?)</li>", section.html, re.DOTALL)) if t]
        if items:
            return "Objectifs de la formation", items
    path = reg.paths.get(cohort.path_slug)
    titles = [reg.modules[m].title for m in path.module_slugs if m in reg.modules] if path else []
    return "Contenus de la formation", titles


def attestation_data(reg: Registry, table: CohortAttendance, issued_on: date, body: Identity) -> AttestationData:
    label, objectives = training_objectives(reg, table.cohort)
    return AttestationData(path_title(reg, table.cohort), table.cohort, table, label, objectives, issued_on, body)


def attestations_pdf(data: AttestationData, participants: list[Participant], stamp=None) -> bytes:
    """One attestation per participant, each numbered from its own first page."""
    def build(pdf: DocumentPDF) -> None:
        pdf.set_margins(MARGIN, 12, MARGIN)
        for participant in participants:
            pdf.start_section(_header)
            _body(pdf, data, participant)
    title = "Attestation d'assiduité et de fin de formation"
    if len(participants) == 1:
        title += f" — {participants[0].full_name}"
    return render(build, title=title, stamp=stamp)


def body_header(pdf: DocumentPDF, body: Identity) -> None:
    """The training body at the top of an attestation or a certificate: logo, name, address, numbers."""
    pdf.set_xy(pdf.l_margin, 12)
    left = pdf.l_margin
    if body.logo:
        pdf.image_bytes(body.logo, pdf.l_margin, 10, w=24, h=16)
        left += 28
    pdf.set_xy(left, 11)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(pdf.epw - (left - pdf.l_margin), 5, body.name, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*MUTED)
    ids = " · ".join(x for x in (f"SIRET{NBSP}{body.siret}" if body.siret else "",
                                 f"Déclaration d'activité n°{NBSP}{body.nda}" if body.nda else "") if x)
    for line in [" ".join(body.address.split())] + [ids]:
        if line:
            pdf.cell(pdf.epw - (left - pdf.l_margin), 4, line, new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_text_color(*TEXT)
    pdf.set_y(max(pdf.get_y(), 27))


def _header(pdf: DocumentPDF) -> None:
    body = pdf.stamp.body if pdf.stamp is not None else Identity(pdf.body_name)
    body_header(pdf, body)
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.get_y() + 1, pdf.w - pdf.r_margin, pdf.get_y() + 1)
    pdf.ln(6)


def _heading(pdf: DocumentPDF, text: str) -> None:
    pdf.ensure_room(14)
    pdf.ln(3)
    pdf.write_block(pdf.epw, text, size=11, bold=True, line_h=6)
    pdf.ln(0.5)


def _bullets(pdf: DocumentPDF, items: list[str], size: float = 9.5) -> None:
    for item in items:
        pdf.set_x(pdf.l_margin + 2)
        pdf.set_font(FONT, "", size)
        pdf.cell(4, size * 0.5, "•")
        pdf.multi_cell(pdf.epw - 6, size * 0.5, item, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.ln(0.6)


def _dates(data: AttestationData) -> str:
    days = [x.day for x in data.table.held_sessions]
    if not days:
        return "—"
    first, last = min(days), max(days)
    return f"le {french_date(first)}" if first == last else f"du {french_date(first)} au {french_date(last)}"


def _attended(data: AttestationData, participant: Participant) -> list[str]:
    lines = []
    for sess in data.table.held_sessions:
        if not counts_for(sess, participant):
            continue
        mark = data.table.mark(sess, participant)
        got = attended_minutes(sess, mark)
        if got:
            late = f", arrivée à {french_time(mark.arrival)}" if mark.status == "late" and mark.arrival else ""
            lines.append(f"{session_label(sess)}{late}{NBSP}: {hours(got)}")
    return lines


def _body(pdf: DocumentPDF, data: AttestationData, participant: Participant) -> None:
    pdf.write_block(pdf.epw, "Attestation d'assiduité", size=17, bold=True, line_h=8, align="C")
    pdf.write_block(pdf.epw, "et de fin de formation", size=13, bold=True, line_h=7, align="C")
    pdf.ln(5)
    pdf.write_block(pdf.epw, f"L'organisme «{NBSP}{data.body.name}{NBSP}» atteste que", size=10)
    pdf.ln(2)
    pdf.write_block(pdf.epw, participant.full_name, size=14, bold=True, line_h=7)
    where = " — ".join(x for x in (participant.organisation, participant.job) if x)
    if where:
        pdf.write_block(pdf.epw, where, size=10, color=MUTED)
    pdf.ln(2)
    pdf.write_block(pdf.epw, "a suivi la formation", size=10)
    pdf.write_block(pdf.epw, data.title, size=12, bold=True, line_h=6)
    pdf.ln(2)
    for label, value in (("Groupe", data.cohort.name), ("Dates", _dates(data)),
                         ("Lieu", data.cohort.place),
                         (pluralise(len(data.cohort.trainers), "Formateur", number=False), trainer_names(data.cohort))):
        pdf.labelled(pdf.l_margin, pdf.epw, label, value, 30, size=9.5)
        pdf.ln(0.8)
    if data.objectives:
        _heading(pdf, data.objectives_label)
        _bullets(pdf, data.objectives)
    _attendance(pdf, data, participant)
    _signature(pdf, data)


def _attendance(pdf: DocumentPDF, data: AttestationData, participant: Participant) -> None:
    row = data.table.rows[participant.id]
    _heading(pdf, "Assiduité")
    text = f"{hours(row.attended_minutes)} suivies sur {hours(row.planned_minutes)} prévues"
    if row.rate is not None:
        # Rounded down: an attestation never overstates attendance.
        text += f", soit {int(row.rate * 100)}{NBSP}% du temps de formation"
    pdf.write_block(pdf.epw, text + ".", size=10.5, bold=True, line_h=5.5)
    pdf.ln(1)
    attended = _attended(data, participant)
    plural = "s" if row.sessions_counted > 1 else ""
    pdf.write_block(pdf.epw, f"Séances suivies ({len(attended)} sur {row.sessions_counted} prévue{plural}){NBSP}:",
                    size=9.5)
    pdf.ln(0.5)
    if attended:
        _bullets(pdf, attended, size=9)
    else:
        pdf.write_block(pdf.epw, "Aucune séance suivie.", size=9, color=MUTED)


def _signature(pdf: DocumentPDF, data: AttestationData) -> None:
    signatory_block(pdf, data.body, data.body.city or data.cohort.place, data.issued_on)


def signatory_block(pdf: DocumentPDF, body: Identity, place: str, issued_on: date) -> None:
    """« Fait à … le … », the signatory, the stamp, and the verification code with its QR code."""
    pdf.ensure_room(58)
    pdf.ln(6)
    pdf.write_block(pdf.epw, f"Fait à {place or '…………………………'}, le {french_date(issued_on)}.", size=10)
    pdf.ln(4)
    y = pdf.get_y()
    half = pdf.epw / 2
    pdf.set_font(FONT, "", 10)
    who = ", ".join(x for x in (body.signatory_name, body.signatory_title) if x)
    pdf.set_xy(pdf.l_margin + half, y)
    pdf.multi_cell(half, 5, who or f"Nom et fonction du signataire{NBSP}:", align="L", new_x=XPos.LEFT,
                   new_y=YPos.NEXT)
    pdf.set_font(FONT, "", 8.5)
    pdf.cell(half, 5, "Cachet et signature", new_x=XPos.LEFT, new_y=YPos.NEXT)
    pdf.set_draw_color(*RULE)
    top = pdf.get_y()
    pdf.rect(pdf.l_margin + half, top, half, 26)
    if body.stamp:
        pdf.image_bytes(body.stamp, pdf.l_margin + half + 2, top + 1, w=half - 4, h=24)
    pdf.verification(pdf.l_margin, y + 4, half - 4)
    pdf.set_xy(pdf.l_margin, top + 28)

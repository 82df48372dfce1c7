"""Certificat de réalisation, after the Ministry of Labour's model: one per participant, or all in one PDF.

Hours are those actually followed (sessions held, from the attendance marks); the document is
dated the day it is issued.
"""
from __future__ import annotations

from ..cohorts.models import Participant
from ..dates import french_date
from .attestations import AttestationData, body_header, signatory_block
from .pdf import FONT, MUTED, NBSP, DocumentPDF, hours, render

NATURES = ("action de formation", "bilan de compétences", "action de validation des acquis de l'expérience",
           "action de formation par apprentissage")
KEEPING = ("Sans préjudice des délais imposés par les règles fiscales, comptables ou commerciales, je m'engage à "
           "conserver l'ensemble des pièces justificatives qui ont permis d'établir le présent certificat pendant "
           "une durée de 3 ans à compter de la fin de l'année du dernier paiement. En cas de cofinancement des "
           "fonds européens, la durée de conservation est étendue conformément aux obligations conventionnelles "
           "spécifiques.")


def certificates_pdf(data: AttestationData, participants: list[Participant], stamp=None) -> bytes:
    def build(pdf: DocumentPDF) -> None:
        pdf.set_margins(20, 12, 20)
        for participant in participants:
            pdf.start_section(lambda p: body_header(p, data.body))
            _body(pdf, data, participant)
    title = "Certificat de réalisation"
    if len(participants) == 1:
        title += f" — {participants[0].full_name}"
    return render(build, title=title, stamp=stamp)


def _period(data: AttestationData, participant: Participant) -> str:
    days = [x.day for x in data.table.held_sessions]
    if not days:
        return "—"
    first, last = min(days), max(days)
    return f"le {french_date(first)}" if first == last else f"du {french_date(first)} au {french_date(last)}"


def _body(pdf: DocumentPDF, data: AttestationData, participant: Participant) -> None:
    body = data.body
    row = data.table.rows[participant.id]
    pdf.ln(4)
    pdf.write_block(pdf.epw, "Certificat de réalisation", size=17, bold=True, line_h=8, align="C")
    pdf.ln(5)
    signatory = body.signatory_name or "…………………………"
    title = f", {body.signatory_title}" if body.signatory_title else ""
    pdf.write_block(pdf.epw, f"Je soussigné(e) {signatory}{title}, représentant(e) légal(e) du dispensateur de "
                    f"l'action concourant au développement des compétences «{NBSP}{body.name}{NBSP}»"
                    + (f" (SIRET{NBSP}{body.siret})" if body.siret else "")
                    + (f", enregistré sous le numéro de déclaration d'activité {body.nda}" if body.nda else "")
                    + f", atteste que{NBSP}:", size=10, line_h=5.2)
    pdf.ln(3)
    pdf.write_block(pdf.epw, participant.full_name, size=14, bold=True, line_h=7)
    if participant.organisation:
        pdf.write_block(pdf.epw, f"salarié(e) de la structure {participant.organisation}", size=10, color=MUTED)
    pdf.ln(2)
    pdf.write_block(pdf.epw, "a suivi l'action", size=10)
    pdf.write_block(pdf.epw, data.title, size=12, bold=True, line_h=6)
    pdf.ln(2)
    pdf.write_block(pdf.epw, f"Nature de l'action concourant au développement des compétences{NBSP}:", size=10)
    for i, nature in enumerate(NATURES):
        pdf.set_x(pdf.l_margin + 4)
        pdf.set_font(FONT, "", 10)
        pdf.cell(6, 5.5, "☒" if i == 0 else "☐")
        pdf.cell(pdf.epw - 10, 5.5, nature, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.write_block(pdf.epw, f"qui s'est déroulée {_period(data, participant)}, pour une durée réalisée de "
                    f"{hours(row.attended_minutes)} (sur {hours(row.planned_minutes)} prévues, séances tenues "
                    "uniquement), calculée d'après les feuilles d'émargement.", size=10, line_h=5.2)
    pdf.ln(3)
    pdf.write_block(pdf.epw, KEEPING, size=8, color=MUTED, line_h=4)
    signatory_block(pdf, body, body.city or data.cohort.place, data.issued_on)

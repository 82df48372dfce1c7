"""Attendance sheets (feuilles d'émargement): signed sheets drawn from the stored marks, and paper sheets."""
from __future__ import annotations

from dataclasses import dataclass

from fpdf.enums import XPos, YPos
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..attendance.models import HALVES, STATUSES, AttendanceMark, CourseSession
from ..attendance.queries import CohortAttendance, cohort_attendance, counts_for
from ..cohorts.models import Cohort, Participant
from ..content.model import Registry
from ..dates import PARIS, french_date, french_datetime
from .pdf import FONT, MUTED, NBSP, ORGANISATION, RULE, SHADE, TEXT, DocumentPDF, french_time, hours, render

ROW_H, PAPER_ROW_H, HEADING_H = 14.0, 15.0, 7.0
BLANK_PAPER_ROWS = 3  # for someone missing from the roster, added afterwards by the trainer
COLUMNS = (("N°", 9), ("Participant", 45), ("Structure / fonction", 43), ("Statut", 37), ("Signature", 52))
PAPER_STATUS = "Statut (P / R / E / A)"
VIA = {"tablet": "sur tablette", "self": "sur téléphone", "paper": "sur papier"}
TALLY = {"present": ("présent", "présents"), "late": ("en retard", "en retard"),
         "excused": ("absence excusée", "absences excusées"), "absent": ("absent", "absents"),
         None: ("non renseigné", "non renseignés")}
FALLBACK_TITLE = "Intervention sociale à l'épreuve des trafics"


@dataclass
class SheetData:
    """What every sheet of a cohort shows, loaded in a fixed number of queries."""

    title: str
    cohort: Cohort
    trainers: str
    table: CohortAttendance
    signers: dict[int, User]
    module_titles: dict[str, str]


def path_title(reg: Registry, cohort: Cohort) -> str:
    path = reg.paths.get(cohort.path_slug)
    return path.title if path else FALLBACK_TITLE


def trainer_names(cohort: Cohort) -> str:
    return ", ".join(t.display_name for t in cohort.trainers)


def load_sheets(s: Session, cohort: Cohort, reg: Registry) -> SheetData:
    table = cohort_attendance(s, cohort)
    ids = {x.signed_by_id for x in table.sessions if x.signed_by_id is not None}
    signers = {u.id: u for u in s.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    return SheetData(path_title(reg, cohort), cohort, trainer_names(cohort), table, signers,
                     {slug: m.title for slug, m in reg.modules.items()})


def sessions_sheets_pdf(data: SheetData, sessions: list[CourseSession]) -> bytes:
    """One signed sheet per session (one or more pages each), in the given order."""
    def build(pdf: DocumentPDF) -> None:
        for sess in sessions:
            _sheet(pdf, data, sess, paper=False)
    return render(build, title=f"Feuilles d'émargement — {data.cohort.name}")


def paper_sheet_pdf(data: SheetData, sess: CourseSession) -> bytes:
    """The same sheet with names filled in and empty status and signature columns."""
    return render(lambda pdf: _sheet(pdf, data, sess, paper=True),
                  title=f"Feuille d'émargement papier — {data.cohort.name}")


# -- layout ------------------------------------------------------------------------------

def _sheet(pdf: DocumentPDF, data: SheetData, sess: CourseSession, paper: bool) -> None:
    pdf.table_heading = None
    pdf.start_section(lambda p: _header(p, data, sess, paper))
    pdf.table_heading = lambda p: _headings(p, paper)
    _headings(pdf, paper)
    for number, participant in enumerate(data.table.participants, 1):
        _row(pdf, number, participant, sess, data.table.mark(sess, participant), paper)
    if paper:
        for number in range(len(data.table.participants) + 1, len(data.table.participants) + 1 + BLANK_PAPER_ROWS):
            _row(pdf, number, None, sess, None, paper)
    pdf.table_heading = None
    _closing(pdf, data, sess, paper)


def _header(pdf: DocumentPDF, data: SheetData, sess: CourseSession, paper: bool) -> None:
    pdf.set_xy(pdf.l_margin, 9)
    pdf.set_font(FONT, "B", 15)
    pdf.cell(pdf.epw * 0.55, 8, "Feuille d'émargement" + (" (papier)" if paper else ""))
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*MUTED)
    pdf.cell(pdf.epw * 0.45, 8, ORGANISATION, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.write_block(pdf.epw, data.title, size=11, bold=True, line_h=5.5)
    pdf.ln(1)
    top, half = pdf.get_y(), pdf.epw / 2
    when = (f"{HALVES[sess.half]}, de {french_time(sess.starts_at)} à {french_time(sess.ends_at)} "
            f"({hours(sess.minutes)})")
    for label, value in (("Groupe", data.cohort.name), ("Lieu", sess.place or data.cohort.place),
                         ("Formateur(s)", data.trainers)):
        pdf.labelled(pdf.l_margin, half - 4, label, value, 27)
    left_end = pdf.get_y()
    pdf.set_y(top)
    modules = ", ".join(data.module_titles.get(m, m) for m in sess.module_slugs)
    right = [("Date", french_date(sess.day, weekday=True)), ("Horaires", when)] + ([("Contenu", modules)] if modules else [])
    for label, value in right:
        pdf.labelled(pdf.l_margin + half, half, label, value, 21)
    pdf.set_y(max(left_end, pdf.get_y()) + 1.5)
    if sess.cancelled_at is not None:
        pdf.write_block(pdf.epw, f"Séance annulée le {french_date(sess.cancelled_at)}{NBSP}: elle ne compte "
                        "dans les heures de personne.", size=9.5, bold=True)
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(2.5)


def _headings(pdf: DocumentPDF, paper: bool) -> None:
    pdf.set_font(FONT, "B", 8.5)
    pdf.set_fill_color(*SHADE)
    pdf.set_draw_color(*RULE)
    x, y = pdf.l_margin, pdf.get_y()
    for label, w in COLUMNS:
        pdf.set_xy(x, y)
        pdf.cell(w, HEADING_H, PAPER_STATUS if paper and label == "Statut" else label, border=1, fill=True,
                 align="C")
        x += w
    pdf.set_xy(pdf.l_margin, y + HEADING_H)


def _status_parts(sess: CourseSession, participant: Participant, mark: AttendanceMark | None, paper: bool):
    if not counts_for(sess, participant):
        return [("Non inscrit à cette date", 8.5, False, MUTED)]
    if paper:
        return []
    if mark is None:
        return [("Non renseigné", 8.5, False, MUTED)]
    parts = [(STATUSES[mark.status], 9, True, TEXT)]
    if mark.status == "late" and mark.arrival is not None:
        parts.append((f"arrivée à {french_time(mark.arrival)}", 8.5, False, TEXT))
    if mark.signed_at is not None and mark.signature:
        signed = f"signé à {french_time(mark.signed_at.astimezone(PARIS).time())}"
        parts.append((f"{signed} {VIA.get(mark.signed_via or '', '')}".strip(), 7, False, MUTED))
    elif mark.signed_via == "paper" and mark.status in ("present", "late"):
        parts.append(("signé sur la feuille papier (conservée par le formateur)", 7, False, MUTED))
    return parts


def _row(pdf: DocumentPDF, number: int, participant: Participant | None, sess: CourseSession,
         mark: AttendanceMark | None, paper: bool) -> None:
    if participant is None:
        cells = [[(str(number), 8.5, False, MUTED)], [], [], []]
    else:
        cells = [[(str(number), 8.5, False, MUTED)], [(participant.full_name, 9.5, True, TEXT)],
                 [(participant.organisation, 8.5, False, TEXT), (participant.job, 8, False, MUTED)],
                 _status_parts(sess, participant, mark, paper)]
    widths = [w for _, w in COLUMNS]  # one more than cells: the signature column is drawn apart
    height = max([PAPER_ROW_H if paper else ROW_H] + [pdf.parts_height(w, c) for w, c in zip(widths, cells, strict=False)])
    pdf.ensure_room(height)
    x, y = pdf.l_margin, pdf.get_y()
    pdf.set_draw_color(*RULE)
    for w, parts in zip(widths, cells, strict=False):
        pdf.rect(x, y, w, height)
        pdf.text_in_box(x, y, w, parts)
        x += w
    sign_w = widths[-1]
    pdf.rect(x, y, sign_w, height)
    if participant is not None and not counts_for(sess, participant):
        pdf.cross_out(x, y, sign_w, height)
    elif not paper and mark is not None:
        if mark.signature and mark.status in ("present", "late"):
            pdf.draw_signature(mark.signature, x + 2, y + 1.5, sign_w - 4, height - 3)
        elif mark.status in ("excused", "absent"):
            pdf.cross_out(x, y, sign_w, height)
    pdf.set_xy(pdf.l_margin, y + height)


def _tally(data: SheetData, sess: CourseSession) -> str:
    counts: dict[str | None, int] = {}
    for p in data.table.participants:
        if counts_for(sess, p):
            mark = data.table.mark(sess, p)
            key = mark.status if mark is not None else None
            counts[key] = counts.get(key, 0) + 1
    words = [f"{n} {TALLY[k][n > 1]}" for k, n in sorted(counts.items(), key=lambda kv: list(TALLY).index(kv[0]))]
    return f"Bilan de la séance{NBSP}: " + (", ".join(words) if words else "aucun participant inscrit") + "."


def _closing(pdf: DocumentPDF, data: SheetData, sess: CourseSession, paper: bool) -> None:
    box_w, box_h = 92.0, 34.0
    pdf.ensure_room(box_h + 5)
    y = pdf.get_y() + 5
    text_w = pdf.epw - box_w - 6
    pdf.set_xy(pdf.l_margin, y)
    if paper:
        pdf.write_block(text_w, f"Statut{NBSP}: P = présent, R = en retard (noter l'heure d'arrivée), "
                        "E = absence excusée, A = absent.", size=8.5)
        pdf.set_x(pdf.l_margin)
        pdf.write_block(text_w, "Feuille de secours, à utiliser si la tablette ne fonctionne pas. Ressaisir les "
                        "présences dans l'application et conserver l'original signé.", size=8.5, color=MUTED)
    else:
        pdf.write_block(text_w, _tally(data, sess), size=8.5)
        pdf.set_x(pdf.l_margin)
        pdf.write_block(text_w, "Signatures enregistrées avec leur heure et reproduites ici telles qu'elles "
                        "ont été tracées.", size=8, color=MUTED)
    _trainer_box(pdf, data, sess, paper, pdf.w - pdf.r_margin - box_w, y, box_w, box_h)
    pdf.set_xy(pdf.l_margin, y + box_h)


def _trainer_box(pdf: DocumentPDF, data: SheetData, sess: CourseSession, paper: bool,
                 x: float, y: float, w: float, h: float) -> None:
    """The trainer's signature with their name and the time of signing, or « Feuille non signée »."""
    pdf.set_draw_color(*RULE)
    pdf.rect(x, y, w, h)
    pdf.set_xy(x + 1.5, y + 1.5)
    pdf.set_font(FONT, "B", 8.5)
    pdf.cell(w - 3, 4, "Nom et signature du formateur" if paper else "Signature du formateur")
    if paper:
        return
    if sess.trainer_signature:
        signer = data.signers.get(sess.signed_by_id) if sess.signed_by_id is not None else None
        pdf.draw_signature(sess.trainer_signature, x + 3, y + 6, w - 6, h - 15)
        pdf.set_xy(x + 1.5, y + h - 8.5)
        pdf.set_font(FONT, "", 7.5)
        name = signer.display_name if signer is not None else "le formateur"
        pdf.multi_cell(w - 3, 3.5, f"Signé par {name}, le {french_datetime(sess.signed_at)}", align="L")
    else:
        pdf.set_xy(x, y + h / 2 - 3)
        pdf.set_font(FONT, "B", 12)
        pdf.set_text_color(*MUTED)
        pdf.cell(w, 6, "Feuille non signée", align="C")
        pdf.set_text_color(*TEXT)

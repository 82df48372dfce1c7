"""Attendance sheets (feuilles d'émargement): signed sheets drawn from the stored marks, and paper sheets."""
from __future__ import annotations

from dataclasses import dataclass

from fpdf.enums import XPos, YPos
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..attendance.describe import change_text
from ..attendance.models import ATTENDED, HALVES, STATUSES, AttendanceChange, AttendanceMark, CourseSession
from ..attendance.queries import CohortAttendance, cohort_attendance, enrolled_on
from ..cohorts.models import Cohort, Participant
from ..content.model import Registry
from ..dates import french_date, french_datetime
from .issue import Identity
from .pdf import FONT, MUTED, NBSP, RULE, SHADE, TEXT, DocumentPDF, french_time, hours, render, signed_on
from ..wording import pluralise

ROW_H, PAPER_ROW_H, HEADING_H = 14.0, 15.0, 7.0
BLANK_PAPER_ROWS = 3  # for someone missing from the roster, added afterwards by the trainer
COLUMNS = (("N°", 9), ("Participant", 45), ("Structure / fonction", 43), ("Statut", 37), ("Signature", 52))
PAPER_STATUS = "Statut (P / R / E / A)"
VIA = {"tablet": "sur tablette", "self": "sur téléphone", "paper": "sur papier", "correction": "par rectification"}
TALLY = {"present": ("présent", "présents"), "late": ("en retard", "en retard"),
         "excused": ("absence excusée", "absences excusées"), "absent": ("absent", "absents"),
         None: ("à renseigner", "à renseigner")}
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
    body: Identity
    changes: dict[int, list[tuple[AttendanceChange, str | None, str | None]]]  # session id -> rectifications

    @property
    def documented_sessions(self) -> list[CourseSession]:
        """Sessions held, and cancelled ones (shown « annulée »); never future ones."""
        return [x for x in self.table.sessions if self.table.is_held(x) or x.cancelled_at is not None]

    def signature_count(self, sessions: list[CourseSession]) -> int:
        ids = {x.id for x in sessions}
        marks = sum(1 for (sid, _p), m in self.table.marks.items() if sid in ids and (m.has_signature or m.signed_via))
        return marks + sum(1 for x in sessions if x.signed_at is not None)


def path_title(reg: Registry, cohort: Cohort) -> str:
    path = reg.paths.get(cohort.path_slug)
    return path.title if path else FALLBACK_TITLE


def trainer_names(cohort: Cohort) -> str:
    return ", ".join(t.display_name for t in cohort.trainers)


def load_sheets(s: Session, cohort: Cohort, reg: Registry, body: Identity | None = None) -> SheetData:
    """Everything the sheets print, in a fixed number of queries."""
    from .issue import identity

    table = cohort_attendance(s, cohort, strokes=True)
    ids = {x.signed_by_id for x in table.sessions if x.signed_by_id is not None}
    signers = {u.id: u for u in s.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    changes: dict[int, list] = {}
    if table.sessions:
        rows = s.execute(select(AttendanceChange, User.display_name, Participant.full_name)
                         .outerjoin(User, User.id == AttendanceChange.changed_by_id)
                         .outerjoin(Participant, Participant.id == AttendanceChange.participant_id)
                         .where(AttendanceChange.session_id.in_([x.id for x in table.sessions]),
                                AttendanceChange.kind.not_in(("mark", "sign")))
                         .order_by(AttendanceChange.id))
        for change, who, name in rows:
            changes.setdefault(change.session_id, []).append((change, who, name))
    return SheetData(path_title(reg, cohort), cohort, trainer_names(cohort), table, signers,
                     {slug: m.title for slug, m in reg.modules.items()}, body or identity(s), changes)


def sessions_sheets_pdf(data: SheetData, sessions: list[CourseSession], stamp=None) -> bytes:
    """One signed sheet per session (one or more pages each), in the given order."""
    def build(pdf: DocumentPDF) -> None:
        for sess in sessions:
            _sheet(pdf, data, sess, paper=False)
    return render(build, title=f"Feuilles d'émargement — {data.cohort.name}", stamp=stamp)


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
    if not paper:
        _rectifications(pdf, data.changes.get(sess.id, []))


def _header(pdf: DocumentPDF, data: SheetData, sess: CourseSession, paper: bool) -> None:
    pdf.set_xy(pdf.l_margin, 9)
    pdf.set_font(FONT, "B", 15)
    pdf.cell(pdf.epw * 0.55, 8, "Feuille d'émargement" + (" (papier)" if paper else ""))
    pdf.set_font(FONT, "", 7.5)
    pdf.set_text_color(*MUTED)
    pdf.cell(pdf.epw * 0.45, 5, data.body.name, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    ids = " · ".join(x for x in (f"SIRET{NBSP}{data.body.siret}" if data.body.siret else "",
                                 f"NDA{NBSP}{data.body.nda}" if data.body.nda else "") if x)
    pdf.set_xy(pdf.l_margin + pdf.epw * 0.55, 14)
    pdf.cell(pdf.epw * 0.45, 3.5, ids, align="R", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_xy(pdf.l_margin, 17.5)
    pdf.set_text_color(*TEXT)
    pdf.write_block(pdf.epw, data.title, size=11, bold=True, line_h=5.5)
    pdf.ln(1)
    top, half = pdf.get_y(), pdf.epw / 2
    when = (f"{HALVES[sess.half]}, de {french_time(sess.starts_at)} à {french_time(sess.ends_at)} "
            f"({hours(sess.minutes)})")
    for label, value in (("Groupe", data.cohort.name), ("Lieu", sess.place or data.cohort.place),
                         (pluralise(len(data.cohort.trainers), "Formateur", number=False), data.trainers)):
        pdf.labelled(pdf.l_margin, half - 4, label, value, 27)
    left_end = pdf.get_y()
    pdf.set_y(top)
    modules = ", ".join(data.module_titles.get(m, m) for m in sess.module_slugs)
    right = [("Date", french_date(sess.day, weekday=True)), ("Horaires", when)] + ([("Contenu", modules)] if modules else [])
    for label, value in right:
        pdf.labelled(pdf.l_margin + half, half, label, value, 21)
    pdf.set_y(max(left_end, pdf.get_y()) + 1.5)
    if sess.cancelled_at is not None:
        why = f" — motif{NBSP}: {sess.cancel_reason}" if sess.cancel_reason else ""
        pdf.write_block(pdf.epw, f"Séance annulée le {french_datetime(sess.cancelled_at)}{why}. Elle ne compte "
                        "dans les heures de personne ; les émargements saisis sont conservés.", size=9.5, bold=True)
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
    if not enrolled_on(sess, participant):
        return [("Non inscrit à cette date", 8.5, False, MUTED)]
    if paper:
        return []
    if mark is None:
        return [("À renseigner", 8.5, True, MUTED)]
    parts = [(STATUSES[mark.status], 9, True, TEXT)]
    if mark.status == "late" and mark.arrival is not None:
        parts.append((f"arrivée à {french_time(mark.arrival)}", 8.5, False, TEXT))
    if mark.signed_at is not None and mark.has_signature:
        how = VIA.get(mark.signed_via or "", "") + (" (nom saisi)" if mark.signature_kind == "typed" else "")
        how += " — régularisation" if mark.regularised else ""
        parts.append((f"signé le {signed_on(mark.signed_at)} {how}".strip(), 7, False, MUTED))
    elif mark.signed_via == "paper" and mark.status in ATTENDED:
        parts.append((f"signé sur la feuille papier (conservée par le formateur), saisi le "
                      f"{signed_on(mark.signed_at)}", 7, False, MUTED))
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
    if participant is not None and not enrolled_on(sess, participant):
        pdf.cross_out(x, y, sign_w, height)
    elif not paper and participant is not None:
        if mark is not None and mark.has_signature and mark.status in ATTENDED:
            if mark.signature:
                pdf.draw_signature(mark.signature, x + 2, y + 1.5, sign_w - 4, height - 3)
            else:
                pdf.text_in_box(x, y + height / 2 - 3, sign_w, [(mark.signature_typed, 10, False, (25, 35, 110))])
        elif mark is not None and mark.status in ("excused", "absent"):
            pdf.cross_out(x, y, sign_w, height)
        elif mark is None or mark.signed_via != "paper":
            pdf.strike(x, y, sign_w, height)
    pdf.set_xy(pdf.l_margin, y + height)


def _tally(data: SheetData, sess: CourseSession) -> str:
    counts: dict[str | None, int] = {}
    for p in data.table.participants:
        if enrolled_on(sess, p):
            mark = data.table.mark(sess, p)
            key = mark.status if mark is not None else None
            counts[key] = counts.get(key, 0) + 1
    words = [f"{n} {TALLY[k][n > 1]}" for k, n in sorted(counts.items(), key=lambda kv: list(TALLY).index(kv[0]))]
    return f"Bilan de la séance{NBSP}: " + (", ".join(words) if words else "aucun participant inscrit") + "."


def _closing(pdf: DocumentPDF, data: SheetData, sess: CourseSession, paper: bool) -> None:
    box_w, box_h = 92.0, 36.0
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
        pdf.write_block(text_w, "Signatures enregistrées avec leur date et leur heure, reproduites ici telles qu'elles "
                        "ont été tracées.", size=8, color=MUTED)
        pdf.verification(pdf.l_margin, pdf.get_y() + 1.5, text_w)
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
    if sess.signed_at is not None:
        signer = data.signers.get(sess.signed_by_id) if sess.signed_by_id is not None else None
        if sess.trainer_signature:
            pdf.draw_signature(sess.trainer_signature, x + 3, y + 6, w - 6, h - 15)
        pdf.set_xy(x + 1.5, y + h - 8.5)
        pdf.set_font(FONT, "", 7.5)
        name = signer.display_name if signer is not None else "le formateur"
        late = " (régularisation)" if sess.trainer_signature_regularised else ""
        pdf.multi_cell(w - 3, 3.5, f"Signé par {name}, le {signed_on(sess.signed_at)}{late}", align="L")
    else:
        pdf.set_xy(x, y + h / 2 - 3)
        pdf.set_font(FONT, "B", 12)
        pdf.set_text_color(*MUTED)
        pdf.cell(w, 6, "Feuille non signée", align="C")
        pdf.set_text_color(*TEXT)


def _rectifications(pdf: DocumentPDF, changes: list) -> None:
    """The history of this sheet after the fact: who, when, what before and after, why."""
    if not changes:
        return
    pdf.ensure_room(16)
    pdf.ln(4)
    pdf.write_block(pdf.epw, "Rectifications", size=10, bold=True, line_h=5)
    for change, who, name in changes:
        pdf.ensure_room(10)
        subject = name or "la séance"
        pdf.write_block(pdf.epw, f"Le {french_datetime(change.changed_at)}, par {who or 'un formateur'} — {subject}"
                        f"{NBSP}: {change_text(change)}. Motif{NBSP}: {change.reason or '—'}", size=7.5, line_h=3.6)
        pdf.ln(0.6)

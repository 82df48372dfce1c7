"""The PDF base of every document: A4, embedded DejaVu fonts, running header, « Page x / y », signatures.

A document is a series of sections (one attendance sheet, one attestation), each numbered from
page 1. Totals per section are only known once everything is laid out, so `render` lays the
document out twice: the first pass counts the pages, the second prints them.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import time
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from ..attendance.queries import format_minutes
from ..content.render import typography

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
ORGANISATION = "Formation Intervention sociale à l'épreuve des trafics"
NBSP = "\u00a0"

INK = (25, 35, 110)  # signatures in pen blue, so they stand out from the printed text
TEXT = (20, 20, 20)
MUTED = (95, 95, 95)
RULE = (150, 150, 150)
SHADE = (236, 236, 236)
# Signature pads capture a box about three times wider than tall; strokes are normalised to
# 0..1 on each axis, so they are drawn back into a box of that shape to keep their proportions.
SIGNATURE_RATIO = 3.0

Header = Callable[["DocumentPDF"], None]


class DocumentPDF(FPDF):
    """A4 document in DejaVu Sans with a per-section running header and page numbers."""

    def __init__(self, orientation: str = "P", section_totals: dict[int, int] | None = None, stamp=None,
                 measured: dict | None = None, counting: bool = False):
        super().__init__(orientation=orientation, unit="mm", format="A4")
        # Wrapped lines by (width, text, size, bold): a name or an organisation is measured once per
        # document, not once per session sheet, and the printing pass reuses the counting pass's.
        self.measured = {} if measured is None else measured
        self.counting = counting  # the pass that only counts pages draws no signature, image or QR code
        self.stamp = stamp  # issue.Stamp: body, verification code and link, issue time
        self.body_name = stamp.body.name if stamp is not None else ORGANISATION
        if stamp is not None:
            self.set_creation_date(stamp.issued_at)  # the same content gives the same bytes
        self.add_font(FONT, "", FONT_DIR / "DejaVuSans.ttf")
        self.add_font(FONT, "B", FONT_DIR / "DejaVuSans-Bold.ttf")
        self.set_lang("fr-FR")
        self.set_creator(ORGANISATION)
        self.set_author(self.body_name)
        self.set_margins(12, 12, 12)
        self.set_auto_page_break(True, margin=16)
        self.set_font(FONT, size=10)
        self.set_text_color(*TEXT)
        self.section_totals = section_totals or {}
        self.section_pages: dict[int, int] = {}
        self.running_header: Header | None = None
        self.table_heading: Header | None = None  # repeated under the header while a table runs
        self._pending_header: Header | None = None
        self._new_section = True
        self._section = 0
        self._section_first_page = 1

    def close_fonts(self) -> None:
        """fontTools reads the font files lazily and keeps them open: close them once done."""
        for font in self.fonts.values():
            ttfont = getattr(font, "ttfont", None)
            if ttfont is not None:
                ttfont.close()

    # -- sections and page furniture -------------------------------------------------------

    def start_section(self, header: Header | None) -> None:
        """Begin a standalone part (a sheet, an attestation) on a new page, numbered from 1."""
        self._pending_header, self._new_section = header, True
        self.add_page()

    def header(self) -> None:
        # Called by fpdf on each new page, after the previous page's footer: the right moment
        # to switch sections.
        if self._new_section:
            self._section += 1
            self._section_first_page = self.page
            self.running_header, self._pending_header, self._new_section = self._pending_header, None, False
        self.section_pages[self._section] = self.page - self._section_first_page + 1
        if self.running_header is not None:
            self.running_header(self)
        if self.table_heading is not None:
            self.table_heading(self)

    def footer(self) -> None:
        number = self.page - self._section_first_page + 1
        total = self.section_totals.get(self._section, number)
        self.set_y(-12)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.set_font(FONT, size=7.5)
        self.set_text_color(*MUTED)
        if self.stamp is not None:
            self.cell(self.epw * 0.4, 5, self.body_name[:70])
            self.cell(self.epw * 0.4, 5, f"Vérification{NBSP}: {self.stamp.code}", align="C")
            self.cell(self.epw * 0.2, 5, f"Page {number} / {total}", align="R")
        else:
            self.cell(self.epw / 2, 5, self.body_name)
            self.cell(self.epw / 2, 5, f"Page {number} / {total}", align="R")
        self.set_text_color(*TEXT)

    # -- text helpers ----------------------------------------------------------------------

    def text_lines(self, w: float, text: str, size: float, bold: bool = False) -> list[str]:
        if not text:
            return []
        key = (w, text, size, bold)
        self.set_font(FONT, "B" if bold else "", size)  # callers rely on the font being set, as before
        lines = self.measured.get(key)
        if lines is None:
            lines = self.measured[key] = self.multi_cell(w, 1, typography(text), dry_run=True, output="LINES")
        return lines

    def write_block(self, w: float, text: str, size: float = 10, bold: bool = False, line_h: float | None = None,
                    color: tuple[int, int, int] = TEXT, align: str = "L") -> None:
        """A paragraph at the current position, wrapping within `w`; the cursor goes below it."""
        self.set_font(FONT, "B" if bold else "", size)
        self.set_text_color(*color)
        self.multi_cell(w, line_h or size * 0.5, typography(text), align=align, new_x=XPos.LMARGIN,
                        new_y=YPos.NEXT)
        self.set_text_color(*TEXT)

    def text_in_box(self, x: float, y: float, w: float, parts: Sequence[tuple[str, float, bool, tuple]],
                    pad: float = 1.5) -> float:
        """Lines of (text, size, bold, colour) from the top of a box, wrapped; returns the height used."""
        cursor = y + pad
        if self.counting:  # the height alone, from the measured lines, when the box cannot break the page
            height = sum(len(self.text_lines(w - 2 * pad, t, size, bold)) * size * 0.45 for t, size, bold, _ in parts if t)
            if cursor + height <= self.page_break_trigger:
                self.set_xy(x + pad, cursor + height)
                return height + 2 * pad
        for text, size, bold, color in parts:
            if not text:
                continue
            self.set_font(FONT, "B" if bold else "", size)
            self.set_text_color(*color)
            self.set_xy(x + pad, cursor)
            self.multi_cell(w - 2 * pad, size * 0.45, typography(text), align="L")
            cursor = self.get_y()
        self.set_text_color(*TEXT)
        return cursor - y + pad

    def labelled(self, x: float, w: float, label: str, value: str, label_w: float, size: float = 9) -> None:
        """« Label : value » at the current line, the value wrapping under itself."""
        y = self.get_y()
        self.set_xy(x, y)
        self.set_font(FONT, "B", size)
        self.cell(label_w, size * 0.5, f"{label}{NBSP}:")
        self.set_font(FONT, "", size)
        self.multi_cell(w - label_w, size * 0.5, typography(value) or "—", align="L", new_x=XPos.LEFT,
                        new_y=YPos.NEXT)

    def ensure_room(self, height: float) -> None:
        """Start a new page (with its header) unless `height` still fits above the bottom margin."""
        if self.get_y() + height > self.page_break_trigger:
            self.add_page()

    def parts_height(self, w: float, parts: Sequence[tuple[str, float, bool, tuple]], pad: float = 1.5) -> float:
        lines = sum(len(self.text_lines(w - 2 * pad, t, size, bold)) * size * 0.45 for t, size, bold, _ in parts if t)
        return lines + 2 * pad

    # -- drawing ---------------------------------------------------------------------------

    def draw_signature(self, strokes: list | None, x: float, y: float, w: float, h: float) -> None:
        """Draw normalised strokes ([[[x, y], …], …], 0..1) as vector lines centred in the box."""
        if not strokes or self.counting:
            return
        box_w, box_h = w, w / SIGNATURE_RATIO
        if box_h > h:
            box_w, box_h = h * SIGNATURE_RATIO, h
        left, top = x + (w - box_w) / 2, y + (h - box_h) / 2
        with self.local_context(draw_color=INK, line_width=0.35):
            for stroke in strokes:
                points = [(left + px * box_w, top + py * box_h) for px, py in stroke]
                if len(points) == 1:  # a dot
                    (px, py), = points
                    self.line(px, py, px + 0.3, py)
                elif points:
                    self.polyline(points)

    def qr(self, data: str, x: float, y: float, size: float) -> None:
        """A QR code drawn as vector squares (no image library needed)."""
        import segno

        if self.counting:
            return
        matrix = segno.make(data, error="m").matrix
        cell = size / len(matrix)
        with self.local_context(fill_color=(0, 0, 0)):
            for row_i, row in enumerate(matrix):
                for col_i, bit in enumerate(row):
                    if bit:
                        self.rect(x + col_i * cell, y + row_i * cell, cell, cell, style="F")

    def verification(self, x: float, y: float, w: float) -> float:
        """The QR code and the words to verify the document; returns the height used."""
        if self.stamp is None:
            return 0.0
        size = 20.0
        self.qr(self.stamp.url, x, y, size)
        self.set_xy(x + size + 2, y + 1)
        self.set_font(FONT, "B", 8)
        self.cell(w - size - 2, 4, f"Code de vérification{NBSP}: {self.stamp.code}", new_x=XPos.LEFT, new_y=YPos.NEXT)
        self.set_font(FONT, "", 7)
        self.set_text_color(*MUTED)
        self.multi_cell(w - size - 2, 3.2, f"Pour vérifier ce document, scannez le QR code ou saisissez le code sur "
                        f"{self.stamp.url.split('?')[0]}", align="L")
        self.set_text_color(*TEXT)
        return size

    def image_bytes(self, data: bytes | None, x: float, y: float, w: float = 0, h: float = 0) -> None:
        import io

        if data and not self.counting:
            self.image(io.BytesIO(data), x=x, y=y, w=w, h=h, keep_aspect_ratio=True)

    def strike(self, x: float, y: float, w: float, h: float) -> None:
        """Both diagonals and « non signé », as on a paper sheet."""
        with self.local_context(draw_color=RULE, line_width=0.2):
            self.line(x + 2, y + h - 2, x + w - 2, y + 2)
        self.set_font(FONT, "B", 8)
        self.set_text_color(*MUTED)
        label_w = self.get_string_width("non signé") + 3
        self.set_xy(x + (w - label_w) / 2, y + h / 2 - 2)
        with self.local_context(fill_color=(255, 255, 255)):
            self.cell(label_w, 4, "non signé", align="C", fill=True)
        self.set_text_color(*TEXT)

    def cross_out(self, x: float, y: float, w: float, h: float) -> None:
        """A light diagonal, as on paper, so that nobody signs in this box afterwards."""
        with self.local_context(draw_color=RULE, line_width=0.2):
            self.line(x + 2, y + h - 2, x + w - 2, y + 2)


def french_time(value: time) -> str:
    return f"{value.hour}{NBSP}h{NBSP}{value.minute:02d}"


def hours(minutes: int) -> str:
    """« 3 h 30 » kept on one line."""
    return format_minutes(minutes).replace(" ", NBSP)


def _give_back_memory() -> None:
    """Hand the heap freed by a long document back to the system where glibc allows it. Measured on
    the cohort's 60-page émargement, this returns about 8 MB of the 70 MB a worker grows by: most
    of it stays in Python's own arenas (see README « Performance »)."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc: nothing to do
        pass


def render(build: Callable[[DocumentPDF], None], orientation: str = "P", title: str = "", stamp=None) -> bytes:
    """Lay the document out once to count each section's pages, then again to print it."""
    counting = DocumentPDF(orientation, stamp=stamp, counting=True)
    try:
        build(counting)
    finally:
        counting.close_fonts()
    pdf = DocumentPDF(orientation, section_totals=dict(counting.section_pages), stamp=stamp,
                      measured=counting.measured)
    try:
        pdf.set_title(title)
        build(pdf)
        return bytes(pdf.output())
    finally:
        pdf.close_fonts()
        del pdf, counting
        _give_back_memory()


def signed_on(value) -> str:
    """« mardi 1er décembre 2026 à 9 h 12 »: the date and time of a signature, as every document prints it."""
    from ..dates import PARIS, french_date

    local = value.astimezone(PARIS)
    return f"{french_date(local, weekday=True)} à {local.hour}{NBSP}h{NBSP}{local.minute:02d}"

"""Pages that show content as it is: the report's passages, the library, pages, facilitator guide."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, render_template, request
from flask_login import login_required
from markupsafe import Markup

from ..permissions import require
from .model import Registry
from .render import lines_label, report_line_html

bp = Blueprint("content", __name__, template_folder="templates")
CONTEXT_LINES = 3


def registry() -> Registry:
    return current_app.extensions["training.content"]


def get_module_or_404(slug: str):
    module = registry().modules.get(slug)
    if module is None:
        abort(404)
    return module


@bp.get("/source/<int:first>-<int:last>")
@login_required
def source(first: int, last: int):
    report = registry().report
    if not 1 <= first <= last <= len(report.lines) or last - first > 400:
        abort(404)
    start, end = max(1, first - CONTEXT_LINES), min(len(report.lines), last + CONTEXT_LINES)
    lines = [(n, Markup(report_line_html(report.lines[n - 1]))) for n in range(start, end + 1)]
    return render_template("content/source.html", lines=lines, first=first, last=last,
                           label=lines_label(first, last), back=_back_url())


def _back_url() -> str | None:
    """The page of this site that linked here (the Referrer-Policy is same-origin), as a local path."""
    ref = urlsplit(request.referrer or "")
    if ref.netloc != request.host or not ref.path.startswith("/") or ref.path.startswith("/source/"):
        return None
    return ref.path + (f"?{ref.query}" if ref.query else "")


@bp.get("/fiches-actions")
@login_required
def library():
    return render_template("content/library.html", reg=registry())


@bp.get("/fiches-actions/<int:number>")
@login_required
def fiche_action(number: int):
    reg = registry()
    fa = reg.fiches_actions.get(number)
    if fa is None:
        abort(404)
    modules = [reg.modules[s] for s in reg.fiche_action_modules.get(number, ())]
    return render_template("content/fiche_action.html", fa=fa, modules=modules)


@bp.get("/pages/<slug>")
@login_required
def page(slug: str):
    pg = registry().pages.get(slug)
    if pg is None:
        abort(404)
    return render_template("content/page.html", page=pg)


@bp.get("/animation")
@login_required
def guide_index():
    require("view_facilitator_notes", status=403)
    return render_template("content/guide_index.html", reg=registry())


@bp.get("/animation/modules/<slug>")
@login_required
def facilitator(slug: str):
    require("view_facilitator_notes", status=403)
    module = get_module_or_404(slug)
    reg = registry()
    return render_template("content/facilitator.html", module=module, notes=reg.facilitator[slug],
                           exercises=reg.exercises_of(module))


@bp.get("/animation/parcours/<slug>")
@login_required
def path_guide(slug: str):
    require("view_facilitator_notes", status=403)
    reg = registry()
    path = reg.paths.get(slug)
    if path is None:
        abort(404)
    return render_template("content/path_guide.html", path=path, reg=reg)

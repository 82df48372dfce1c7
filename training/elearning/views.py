"""Download of a package by a trainer or an admin: a read, so a GET."""
from __future__ import annotations

from flask import Response, abort, current_app, flash, redirect, url_for
from flask_login import login_required

from ..content.views import registry
from ..permissions import require
from . import bp
from .archive import ExportError
from .service import build_package, resolve

FORMAT_SLUGS = {"scorm12": "scorm12", "scorm2004": "scorm2004", "hors-ligne": "offline"}


def _download(kind: str, slug: str, fmt_slug: str):
    fmt = FORMAT_SLUGS.get(fmt_slug)
    reg = registry()
    if fmt is None or slug not in (reg.modules if kind == "module" else reg.paths):
        abort(404)
    require("export_package")
    target = resolve(reg, f"{kind}:{slug}")
    try:
        data = build_package(current_app.jinja_env, reg, target, fmt)
    except ExportError as exc:  # the loaded content was checked at start-up: a bug, said plainly
        flash(f"Le paquet n'a pas pu être construit : {exc}", "error")
        return redirect(url_for("learning.module" if kind == "module" else "learning.path", slug=slug))
    name = f"{slug}-{fmt_slug}.zip"
    return Response(data, mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


@bp.get("/modules/<slug>/paquet/<fmt>")
@login_required
def module_package(slug: str, fmt: str):
    return _download("module", slug, fmt)


@bp.get("/parcours/<slug>/paquet/<fmt>")
@login_required
def path_package(slug: str, fmt: str):
    return _download("parcours", slug, fmt)

"""Trainee pages: paths, module reader, reflective exercises, quizzes, positioning, journal."""
from __future__ import annotations

import secrets

from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import db
from ..inputs import parse_id
from ..content.render import frozen
from ..content.views import get_module_or_404, registry
from ..permissions import require
from . import bp
from .forms import EmptyForm, ReflectionForm
from .queries import module_progress, path_progress, snapshot, user_cohorts
from .services import (Conflict, LearningError, delete_reflection, get_reflection, mark_read, possible_names,
                       save_draft, share, submit, versions)


def get_exercise_or_404(slug: str):
    exercise = registry().exercises.get(slug)
    if exercise is None:
        abort(404)
    return exercise


@bp.get("/parcours/<slug>")
@login_required
def path(slug: str):
    reg = registry()
    lp = reg.paths.get(slug)
    if lp is None:
        abort(404)
    progress = path_progress(reg, lp, snapshot(db.session(), current_user.id))
    return render_template("learning/path.html", lp=lp, progress=progress, reg=reg)


@bp.get("/modules/<slug>")
@login_required
def module(slug: str):
    m = get_module_or_404(slug)
    reg = registry()
    snap = snapshot(db.session(), current_user.id)
    slugs = [p for lp in reg.paths_with(slug) for p in lp.module_slugs]
    position = slugs.index(slug) if slug in slugs else -1
    prev_slug = slugs[position - 1] if position > 0 else None
    next_slug = slugs[position + 1] if 0 <= position < len(slugs) - 1 else None
    page = frozen("learning/_module_frozen.html", m.slug, m=m, exercises=reg.exercises_of(m),
                  prev=reg.modules.get(prev_slug or ""), next=reg.modules.get(next_slug or ""),
                  fiches=[reg.fiches_actions[n] for n in m.fiches_actions])
    return render_template("learning/module.html", m=m, page=page, snap=snap,
                           progress=module_progress(reg, m, snap))


@bp.post("/modules/<slug>/lu/<section>")
@login_required
def read(slug: str, section: str):
    m = get_module_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    s = db.session()
    try:
        mark_read(s, current_user, m, section)
    except LearningError:
        abort(404)
    s.commit()
    if request.accept_mimetypes.best == "application/json":
        return jsonify(ok=True)
    nxt = next((sec for sec in m.sections if (m.slug, sec.slug) not in snapshot(s, current_user.id).reads), None)
    return redirect(url_for(".module", slug=slug, _anchor=(nxt or m.sections[-1]).slug))


def _exercise_page(exercise, form, reflection, status: int = 200, names=None, conflict=None):
    s = db.session()
    history = versions(s, reflection) if reflection else []
    brief = frozen("learning/_exercise_frozen.html", exercise.slug, ex=exercise,
                   m=registry().modules[exercise.module_slug])
    return render_template(
        "learning/exercise.html", ex=exercise, brief=brief, form=form,
        # The newest version is the submitted answer shown with the debrief; the older ones are « précédentes ».
        reflection=reflection, current=history[0] if history else None, versions=history[1:],
        cohorts=user_cohorts(s, current_user.id), names=names or [], conflict=conflict,
        max_chars=current_app.config["REFLECTION_MAX_CHARS"], empty=EmptyForm()), status


@bp.get("/exercices/<slug>")
@login_required
def exercise(slug: str):
    ex = get_exercise_or_404(slug)
    r = get_reflection(db.session(), current_user, ex)
    form = ReflectionForm(text=(r.draft or r.body) if r else "", revision=r.revision if r else 0)
    # After a submission held back for possible names (see exercise_post), show them again.
    names = possible_names(r.draft or "") if r and request.args.get("noms") else None
    return _exercise_page(ex, form, r, names=names)


@bp.post("/exercices/<slug>")
@login_required
def exercise_post(slug: str):
    ex = get_exercise_or_404(slug)
    s = db.session()
    form = ReflectionForm()
    r = get_reflection(s, current_user, ex)
    if not form.validate_on_submit():
        return _exercise_page(ex, form, r, 400)
    max_chars = current_app.config["REFLECTION_MAX_CHARS"]
    text, base, force = form.text.data or "", form.revision.data, bool(form.force.data)
    try:
        if form.action.data == "submit":
            names = possible_names(text)
            if names and not form.names_ok.data:
                save_draft(s, current_user, ex, text, base, max_chars, force)
                s.commit()  # kept as a draft; the page reached by a redirect asks about the names
                return redirect(url_for(".exercise", slug=slug, noms=1, _anchor="reponse"))
            r = submit(s, current_user, ex, text, base, max_chars, force)
            message = "Votre réponse est enregistrée. Comparez-la maintenant aux repères du débriefing."
        else:
            r = save_draft(s, current_user, ex, text, base, max_chars, force)
            message = "Brouillon enregistré."
    except Conflict as exc:
        s.rollback()
        return _exercise_page(ex, form, exc.reflection, 409, conflict=exc.reflection)
    except LearningError as exc:
        s.rollback()
        form.text.errors.append(str(exc))
        return _exercise_page(ex, form, get_reflection(s, current_user, ex), 422)
    s.commit()
    flash(message, "success")
    return redirect(url_for(".exercise", slug=slug, _anchor="debriefing" if r.submitted_at else "reponse"))


@bp.post("/exercices/<slug>/brouillon")
@login_required
def autosave(slug: str):
    """JSON endpoint for the autosave script; conflicts answer 409 with the stored text."""
    ex = get_exercise_or_404(slug)
    s = db.session()
    data = request.get_json(silent=True) or {}
    text, base = data.get("text"), data.get("revision")
    if not isinstance(text, str) or not (base is None or isinstance(base, int)):
        return jsonify(error="Requête incomplète."), 400
    try:
        r = save_draft(s, current_user, ex, text, base, current_app.config["REFLECTION_MAX_CHARS"],
                       force=bool(data.get("force")))
    except Conflict as exc:
        s.rollback()
        return jsonify(error=str(exc), revision=exc.reflection.revision, text=exc.reflection.draft), 409
    except LearningError as exc:
        s.rollback()
        return jsonify(error=str(exc)), 422
    s.commit()
    return jsonify(revision=r.revision, saved_at=r.updated_at.isoformat())


@bp.post("/exercices/<slug>/supprimer")
@login_required
def delete(slug: str):
    ex = get_exercise_or_404(slug)
    s = db.session()
    r = get_reflection(s, current_user, ex)
    require("edit_reflection", r)
    if EmptyForm().validate_on_submit() and request.form.get("confirm") == "oui":
        delete_reflection(s, current_user, r)
        s.commit()
        flash("Votre réflexion et toutes ses versions ont été supprimées définitivement.", "success")
    else:
        flash("Cochez la case de confirmation pour supprimer votre réflexion.", "error")
    return redirect(url_for(".exercise", slug=slug))


@bp.post("/exercices/<slug>/partage")
@login_required
def share_toggle(slug: str):
    ex = get_exercise_or_404(slug)
    s = db.session()
    r = get_reflection(s, current_user, ex)
    require("edit_reflection", r)
    if not EmptyForm().validate_on_submit():
        abort(400)
    raw = request.form.get("cohort", "")
    cohort_id = parse_id(raw)
    try:
        share(s, current_user, r, cohort_id, {c.id for c in user_cohorts(s, current_user.id)})
    except LearningError as exc:
        flash(str(exc), "error")
    else:
        s.commit()
        flash("Votre réponse est partagée anonymement avec le groupe." if cohort_id
              else "Le partage est retiré : votre réponse est de nouveau privée.", "success")
    return redirect(url_for(".exercise", slug=slug, _anchor="partage"))


@bp.get("/journal")
@login_required
def journal():
    from ..privacy.erase import retention_deadline
    from .journal import journal_entries

    s = db.session()
    deadline = retention_deadline(s, current_user.id, current_app.config["REFLECTION_RETENTION_DAYS"])
    return render_template("learning/journal.html", entries=journal_entries(s, current_user, registry()),
                           deadline=deadline)


JOURNAL_FILES = {"pdf": "application/pdf", "html": "text/html; charset=utf-8", "md": "text/markdown; charset=utf-8"}


@bp.get("/journal/telecharger", defaults={"fmt": "md"})
@bp.get("/journal/telecharger/<fmt>")
@login_required
def journal_download(fmt: str):
    """The journal as a PDF, a web page to open in any browser, or Markdown text."""
    from ..dates import french_date, paris_today
    from ..db import utcnow
    from .journal import journal_entries, journal_pdf, journal_text, journal_title

    if fmt not in JOURNAL_FILES:
        abort(404)
    entries = journal_entries(db.session(), current_user, registry())
    if fmt == "pdf":
        body = journal_pdf(current_user, entries, paris_today())
    elif fmt == "html":
        body = render_template("learning/journal_file.html", entries=entries, title=journal_title(current_user),
                               issued_on=french_date(utcnow()))
    else:
        body = journal_text(current_user, entries)
    return current_app.response_class(body, mimetype=JOURNAL_FILES[fmt], headers={
        "Content-Disposition": f'attachment; filename="mon-journal-de-formation.{fmt}"', "Cache-Control": "no-store"})


def new_nonce() -> str:
    return secrets.token_urlsafe(18)

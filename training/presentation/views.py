"""Routes of the presentation feature: the cohort's decks, a module's deck, the group's syntheses."""
from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import db
from ..cohorts.views import get_managed_cohort_or_404
from ..content.views import registry
from . import bp, services
from .deck import (
    build_deck,
    path_exercise_or_404,
    path_module_or_404,
    path_modules,
    synthesis_slide,
)
from .forms import SynthesisForm
from .queries import syntheses_for
from .services import MAX_CHARS, PossibleNames, SynthesisError


@bp.get("/cohortes/<int:cohort_id>/presentation")
@login_required
def index(cohort_id: int):
    cohort = get_managed_cohort_or_404(cohort_id)
    reg = registry()
    return render_template("presentation/index.html", cohort=cohort, path=reg.paths.get(cohort.path_slug),
                           modules=[(m, reg.exercises_of(m), len(build_deck(m, reg.exercises_of(m))))
                                    for m in path_modules(reg, cohort)],
                           syntheses=syntheses_for(db.session(), cohort), synthesis_slide=synthesis_slide)


def _deck_page(cohort, module, current: int, pending: dict | None = None, status: int = 200):
    """The whole deck, `current` shown; `pending` holds a refused synthesis to hand back."""
    reg = registry()
    slides = build_deck(module, reg.exercises_of(module))
    current = min(max(current, 1), len(slides))
    return render_template("presentation/deck.html", cohort=cohort, module=module, slides=slides,
                           current=current, syntheses=syntheses_for(db.session(), cohort),
                           pending=pending or {}, max_chars=MAX_CHARS), status


@bp.get("/cohortes/<int:cohort_id>/presentation/<module_slug>")
@login_required
def show(cohort_id: int, module_slug: str):
    cohort = get_managed_cohort_or_404(cohort_id)
    module = path_module_or_404(registry(), cohort, module_slug)
    return _deck_page(cohort, module, request.args.get("diapo", 1, type=int))


@bp.post("/cohortes/<int:cohort_id>/syntheses/<exercise_slug>")
@login_required
def save_synthesis(cohort_id: int, exercise_slug: str):
    cohort = get_managed_cohort_or_404(cohort_id)
    reg = registry()
    exercise = path_exercise_or_404(reg, cohort, exercise_slug)
    module = reg.modules[exercise.module_slug]
    slide = synthesis_slide(module, exercise)
    form = SynthesisForm()
    text = form.body.data or ""
    pending = {"slug": exercise.slug, "text": text, "names": [], "error": ""}
    if not form.validate_on_submit():
        pending["error"] = " ".join(form.body.errors) or "Le formulaire n'est pas valide\u00a0: réessayez."
        return _deck_page(cohort, module, slide, pending, 422)
    s = db.session()
    try:
        services.save_synthesis(s, cohort, exercise, text, current_user, names_confirmed=bool(form.names_ok.data))
    except PossibleNames as exc:
        pending["names"] = exc.names
        return _deck_page(cohort, module, slide, pending, 200)
    except SynthesisError as exc:
        pending["error"] = str(exc)
        return _deck_page(cohort, module, slide, pending, 422)
    s.commit()
    flash("Synthèse du groupe enregistrée.", "success")
    return redirect(url_for(".show", cohort_id=cohort.id, module_slug=module.slug, diapo=slide))

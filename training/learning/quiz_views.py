"""Quiz and positioning pages."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import db
from ..content.model import POSITIONING_SCALE
from ..content.render import frozen
from ..content.views import registry
from . import bp
from .forms import EmptyForm
from .models import PositioningAnswer, QuizAttempt
from .services import PHASES, LearningError, quiz_fingerprint, record_attempt, save_positioning
from .views import new_nonce


def get_quiz_or_404(slug: str):
    quiz = registry().quizzes.get(slug)
    if quiz is None:
        abort(404)
    return quiz


def _attempts(quiz_slug: str) -> list[QuizAttempt]:
    return list(db.session().scalars(select(QuizAttempt).where(
        QuizAttempt.user_id == current_user.id, QuizAttempt.quiz_slug == quiz_slug)
        .order_by(QuizAttempt.created_at.desc())))


def _quiz_page(quiz, chosen=None, error=None, status=200):
    attempts = _attempts(quiz.slug)
    best = max(attempts, key=lambda a: (a.score, a.created_at), default=None)
    page = frozen("learning/_quiz_frozen.html", quiz.slug, quiz=quiz, m=registry().modules[quiz.module_slug],
                  fingerprint=quiz_fingerprint(quiz))
    return render_template("learning/quiz.html", quiz=quiz, page=page, nonce=new_nonce(), chosen=chosen or {},
                           error=error, attempts=attempts, best=best), status


@bp.get("/quiz/<slug>")
@login_required
def quiz(slug: str):
    return _quiz_page(get_quiz_or_404(slug))


@bp.post("/quiz/<slug>")
@login_required
def quiz_post(slug: str):
    q = get_quiz_or_404(slug)
    if not EmptyForm().validate_on_submit():
        abort(400)
    answers = {k[2:]: request.form.getlist(k)[:10] for k in request.form if k.startswith("q-")}
    if len(answers) > 50 or any(len(c) > 60 for v in answers.values() for c in v):
        abort(400)
    if request.form.get("fingerprint") != quiz_fingerprint(q):
        valid = {qq.slug: {c.slug for c in qq.choices} for qq in q.questions}
        kept = {k: [c for c in v if c in valid.get(k, ())] for k, v in answers.items() if k in valid}
        return _quiz_page(q, kept, "Ce quiz a été modifié depuis l'ouverture de la page. Vos réponses encore "
                                   "valables sont reprises ci-dessous : vérifiez-les puis validez.", 409)
    s = db.session()
    try:
        result = record_attempt(s, current_user, q, answers, request.form.get("nonce", ""))
    except LearningError as exc:
        s.rollback()
        return _quiz_page(q, answers, str(exc), 422)
    s.commit()
    if result.duplicate:
        flash("Ces réponses avaient déjà été enregistrées : voici leur résultat.", "info")
    return redirect(url_for(".quiz_result", slug=slug, attempt_id=result.attempt.id))


@bp.get("/quiz/<slug>/resultat/<int:attempt_id>")
@login_required
def quiz_result(slug: str, attempt_id: int):
    q = get_quiz_or_404(slug)
    attempt = db.session().get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id or attempt.quiz_slug != slug:
        abort(404)
    return render_template("learning/quiz_result.html", quiz=q, attempt=attempt,
                           m=registry().modules[q.module_slug], attempts=_attempts(slug))


def _positioning(slug: str):
    pos = registry().positionings.get(slug)
    if pos is None:
        abort(404)
    return pos


def _answers(slug: str) -> dict[str, PositioningAnswer]:
    rows = db.session().scalars(select(PositioningAnswer).where(
        PositioningAnswer.user_id == current_user.id, PositioningAnswer.questionnaire_slug == slug))
    return {r.phase: r for r in rows}


@bp.route("/positionnement/<slug>/<phase>", methods=["GET", "POST"])
@login_required
def positioning(slug: str, phase: str):
    pos = _positioning(slug)
    if phase not in PHASES:
        abort(404)
    existing = _answers(slug).get(phase)
    values = dict(existing.answers) if existing else {}
    error = None
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        raw = {st.slug: request.form.get(f"s-{st.slug}", "") for st in pos.statements}
        values = {k: int(v) for k, v in raw.items() if v.isdigit()}
        s = db.session()
        try:
            save_positioning(s, current_user, pos, phase, values)
        except LearningError as exc:
            error = str(exc)
        else:
            s.commit()
            flash("Vos réponses sont enregistrées.", "success")
            return redirect(url_for(".positioning_compare", slug=slug))
    return render_template("learning/positioning.html", pos=pos, phase=phase, phase_label=PHASES[phase],
                           values=values, scale=POSITIONING_SCALE, error=error, form=EmptyForm()), \
        (422 if error else 200)


@bp.get("/positionnement/<slug>")
@login_required
def positioning_compare(slug: str):
    pos = _positioning(slug)
    answers = _answers(slug)
    return render_template("learning/positioning_compare.html", pos=pos, scale=POSITIONING_SCALE,
                           before=answers.get("debut"), after=answers.get("fin"))

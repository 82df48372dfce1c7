"""Quiz and positioning pages."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import db
from ..inputs import parse_small_int
from ..content.model import POSITIONING_SCALE
from ..content.render import frozen
from ..content.views import registry
from . import bp
from .forms import EmptyForm
from ..dates import paris_today
from .models import PositioningAnswer, QuizAttempt
from .queries import end_positioning_gate, snapshot, user_cohorts
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


def _posted_answers(values, quiz) -> dict[str, list[str]]:
    """`q-<question>` fields as the form sends them, kept to the quiz's own questions and choices."""
    valid = {qq.slug: {c.slug for c in qq.choices} for qq in quiz.questions}
    return {k[2:]: [c for c in values.getlist(k)[:10] if c in valid[k[2:]]]
            for k in values if k.startswith("q-") and k[2:] in valid}


@bp.get("/quiz/<slug>")
@login_required
def quiz(slug: str):
    q = get_quiz_or_404(slug)
    if request.args.get("reprise"):  # answers carried over a lost session (see keep_quiz_answers)
        return _quiz_page(q, _posted_answers(request.args, q),
                          "Vos réponses ont été gardées et sont cochées ci-dessous : vérifiez-les puis validez.")
    return _quiz_page(q)


def keep_quiz_answers():
    """A quiz posted without a valid session: carry the answers to a GET of the quiz (through the
    sign-in page when the session is gone), so that nothing ticked is lost."""
    q = get_quiz_or_404(request.view_args["slug"])
    answers = _posted_answers(request.form, q)
    target = url_for(".quiz", slug=q.slug, reprise=1, **{f"q-{k}": v for k, v in answers.items()})
    if current_user.is_authenticated:
        flash("Le formulaire avait expiré : validez de nouveau vos réponses.", "info")
        return redirect(target, 303)
    flash("Votre session a expiré : reconnectez-vous. Vos réponses sont gardées, "
          "vous les retrouverez cochées sur le quiz.", "info")
    return redirect(url_for("accounts.login", next=target), 303)


@bp.record_once
def _register_recovery(state) -> None:
    state.app.extensions.setdefault("training.csrf_recovery", {})["learning.quiz_post"] = keep_quiz_answers


@bp.post("/quiz/<slug>")
def quiz_post(slug: str):
    q = get_quiz_or_404(slug)
    if not current_user.is_authenticated:
        return keep_quiz_answers()
    if not EmptyForm().validate_on_submit():
        abort(400)
    answers = {k[2:]: request.form.getlist(k)[:10] for k in request.form if k.startswith("q-")}
    if len(answers) > 50 or any(len(c) > 60 for v in answers.values() for c in v):
        abort(400)
    if request.form.get("fingerprint") != quiz_fingerprint(q):
        return _quiz_page(q, _posted_answers(request.form, q), "Ce quiz a été modifié depuis l'ouverture de la page. Vos réponses encore "
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
    gate = _end_gate(slug) if phase == "fin" else None
    if gate is not None and not gate.open:
        return render_template("learning/positioning.html", pos=pos, phase=phase, phase_label=PHASES[phase],
                               gate=gate), (403 if request.method == "POST" else 200)
    if request.method == "POST":
        if not EmptyForm().validate_on_submit():
            abort(400)
        raw = {st.slug: request.form.get(f"s-{st.slug}", "") for st in pos.statements}
        values = {k: n for k, v in raw.items() if (n := parse_small_int(v, 0, 100)) is not None}
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


def _end_gate(slug: str):
    s = db.session()
    return end_positioning_gate(registry(), snapshot(s, current_user.id), user_cohorts(s, current_user.id), slug,
                                paris_today())


@bp.get("/positionnement/<slug>")
@login_required
def positioning_compare(slug: str):
    pos = _positioning(slug)
    answers = _answers(slug)
    return render_template("learning/positioning_compare.html", pos=pos, scale=POSITIONING_SCALE,
                           before=answers.get("debut"), after=answers.get("fin"), gate=_end_gate(slug))

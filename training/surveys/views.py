"""Survey answering: signed in as the participant (link on their home page or in their mail), or
with a one-time paper coupon for someone without an account."""
from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from .. import db
from ..cohorts.models import Cohort, Participant
from . import bp
from .coupons import find_coupon
from .queries import cohort_statuses, min_responses, today_paris
from .questions import SCALE_LABELS, SURVEYS, TEXT_MAX_CHARS, Survey
from .services import ALREADY, InvalidAnswers, SurveyError, has_answered, not_open_message, record_answer

THANKS = "Merci\u00a0! Vos réponses sont enregistrées, sans votre nom."


def get_own_participant_or_404(cohort_id: int, kind: str) -> Participant:
    """The signed-in user's place on the cohort's roster; 404 for anyone else (trainers included)."""
    participant = db.session().scalar(select(Participant).where(Participant.cohort_id == cohort_id,
                                                               Participant.user_id == current_user.id))
    if participant is None or kind not in SURVEYS:
        abort(404)
    return participant


def _notice(survey: Survey, cohort: Cohort, text: str, status: int):
    return render_template("surveys/notice.html", survey=survey, cohort=cohort, text=text), status


def _answer_page(participant: Participant, kind: str, done_url: str):
    """The questionnaire for one participant: shown, checked, recorded once; refused when not open."""
    s, survey, cohort, today = db.session(), SURVEYS[kind], participant.cohort, today_paris()
    status = cohort_statuses(s, cohort)[kind]
    if not status.is_open(today):
        return _notice(survey, cohort, not_open_message(kind, status, today),
                       410 if status.is_closed(today) else (200 if request.method == "GET" else 409))
    if has_answered(s, participant, kind):
        return _notice(survey, cohort, ALREADY, 200 if request.method == "GET" else 409)
    values, errors, message = {}, {}, None
    if request.method == "POST":  # the CSRF token is checked app-wide before we get here
        values = {q.slug: request.form.get(q.slug, "") for q in survey.questions}
        try:
            record_answer(s, participant, kind, values, today, min_responses())
        except InvalidAnswers as exc:
            s.rollback()
            errors, message = exc.errors, str(exc)
        except SurveyError as exc:
            s.rollback()
            return _notice(survey, cohort, str(exc), 409)
        else:
            s.commit()
            flash(THANKS, "success")
            return redirect(done_url)
    return render_template("surveys/answer.html", survey=survey, cohort=cohort, values=values, errors=errors,
                           message=message, scale=SCALE_LABELS, text_max=TEXT_MAX_CHARS,
                           minimum=current_app.config["SURVEY_MIN_RESPONSES"]), (422 if errors else 200)


@bp.route("/questionnaires/<int:cohort_id>/<kind>", methods=["GET", "POST"])
@login_required
def answer_signed_in(cohort_id: int, kind: str):
    participant = get_own_participant_or_404(cohort_id, kind)
    return _answer_page(participant, kind, url_for(".answer_signed_in", cohort_id=cohort_id, kind=kind))


@bp.route("/questionnaire/<code>", methods=["GET", "POST"])
def answer(code: str):
    """A paper coupon: works once, for its survey, while its participant is on the roster."""
    coupon = find_coupon(db.session(), code)
    if coupon is None:
        return render_template("surveys/coupon_invalid.html"), 404
    participant = db.session().get(Participant, coupon.participant_id)
    return _answer_page(participant, coupon.kind, url_for(".thanks"))


@bp.get("/questionnaires/merci")
def thanks():
    return render_template("surveys/thanks.html")

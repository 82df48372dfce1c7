"""Survey pages: answering through a personal link (no account needed), and the trainer's follow-up page."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from .. import db
from ..cohorts.models import Cohort, Participant
from ..cohorts.views import get_managed_cohort_or_404
from . import bp
from .forms import ColdDateForm, SendLinksForm
from .mail import mail_recipients, send_survey_links
from .queries import (KindStatus, KindSummary, MIN_RESPONSES, cohort_statuses, cohort_summaries, roster,
                      today_paris)
from .questions import SCALE_LABELS, SURVEYS, TEXT_MAX_CHARS, Survey
from .services import (InvalidAnswers, SurveyError, cold_survey_window, has_answered, not_open_message,
                       record_answer, schedule_cold_survey)
from .tokens import make_token, read_token

THANKS = "Merci\u00a0! Vos réponses sont enregistrées, sans votre nom."
ALREADY = "Vous avez déjà répondu à ce questionnaire, merci\u00a0!"


def get_participant_or_404(token: str) -> tuple[Participant, str]:
    found = read_token(token)
    participant = db.session().get(Participant, found[0]) if found else None
    if participant is None:
        abort(404)
    return participant, found[1]


def _notice(survey: Survey, cohort: Cohort, text: str, status: int):
    return render_template("surveys/notice.html", survey=survey, cohort=cohort, text=text), status


@bp.route("/questionnaire/<token>", methods=["GET", "POST"])
def answer(token: str):
    participant, kind = get_participant_or_404(token)
    s, survey, cohort = db.session(), SURVEYS[kind], participant.cohort
    refused = 200 if request.method == "GET" else 409
    status = cohort_statuses(s, cohort)[kind]
    if not status.is_open(today_paris()):
        return _notice(survey, cohort, not_open_message(kind, status.opens_on), refused)
    if has_answered(s, participant, kind):
        return _notice(survey, cohort, ALREADY, refused)
    values, errors, message = {}, {}, None
    if request.method == "POST":  # the CSRF token is checked app-wide before we get here
        values = {q.slug: request.form.get(q.slug, "") for q in survey.questions}
        try:
            record_answer(s, participant, kind, values, today_paris())
        except InvalidAnswers as exc:
            errors, message = exc.errors, str(exc)
        except SurveyError as exc:
            return _notice(survey, cohort, str(exc), 409)
        else:
            s.commit()
            flash(THANKS, "success")
            return redirect(url_for(".answer", token=token))
    return render_template("surveys/answer.html", survey=survey, cohort=cohort, values=values, errors=errors,
                           message=message, scale=SCALE_LABELS, text_max=TEXT_MAX_CHARS), \
        (422 if errors else 200)


# -- the trainer's page --------------------------------------------------------------------

@dataclass(frozen=True)
class KindView:
    kind: str
    survey: Survey
    status: KindStatus
    is_open: bool
    summary: KindSummary
    answered: int  # how many participants answered, from the receipts


@bp.route("/cohortes/<int:cohort_id>/questionnaires", methods=["GET", "POST"])
@login_required
def manage(cohort_id: int):
    cohort = get_managed_cohort_or_404(cohort_id)
    action = request.form.get("action") if request.method == "POST" else None
    date_form = ColdDateForm(obj=cohort, formdata=None if action != "date" else request.form)
    if request.method == "POST":
        if action == "send":
            _send_links(cohort)
            return redirect(url_for(".manage", cohort_id=cohort.id))
        if action != "date":
            abort(400)
        if _schedule(cohort, date_form):
            return redirect(url_for(".manage", cohort_id=cohort.id))
    return _render_manage(cohort, date_form), (422 if date_form.errors else 200)


def _schedule(cohort: Cohort, form: ColdDateForm) -> bool:
    if not form.validate():
        return False
    try:
        schedule_cold_survey(cohort, form.cold_survey_on.data)
    except SurveyError as exc:
        form.cold_survey_on.errors = [*form.cold_survey_on.errors, str(exc)]
        return False
    db.session().commit()
    flash("La date du questionnaire à froid est enregistrée.", "success")
    return True


def _send_links(cohort: Cohort) -> None:
    form = SendLinksForm()
    if not form.validate():
        abort(400)
    s, kind = db.session(), form.kind.data
    status = cohort_statuses(s, cohort)[kind]
    if not status.is_open(today_paris()):
        flash(not_open_message(kind, status.opens_on) + " Les liens pourront être envoyés à partir de ce jour.",
              "error")
        return
    links = [(r, url_for(".answer", token=make_token(r.participant_id, kind), _external=True))
             for r in mail_recipients(s, cohort, kind)]
    try:
        result = send_survey_links(current_app.config, cohort.name, kind, links)
    except SurveyError as exc:
        flash(str(exc), "error")
        return
    if not links:
        flash("Aucun courriel à envoyer\u00a0: les participants ayant un compte ont tous répondu.", "success")
        return
    sent = f"{result.sent} courriel{'s' if result.sent > 1 else ''} envoyé{'s' if result.sent > 1 else ''}"
    if result.failed:
        flash(f"{sent}\u00a0; {result.failed} adresse(s) refusée(s) par le serveur de courriel\u00a0: "
              "transmettez-leur le lien vous-même.", "error")
    else:
        flash(f"{sent} aux participants qui n'ont pas encore répondu.", "success")


def _render_manage(cohort: Cohort, date_form: ColdDateForm):
    s, today = db.session(), today_paris()
    statuses, summaries = cohort_statuses(s, cohort), cohort_summaries(s, cohort)
    rows = roster(s, cohort)
    kinds = [KindView(k, SURVEYS[k], statuses[k], statuses[k].is_open(today), summaries[k],
                      sum(k in r.answered for r in rows)) for k in SURVEYS]
    return render_template("surveys/manage.html", cohort=cohort, kinds=kinds, rows=rows,
                           date_form=date_form, window=cold_survey_window(cohort),
                           mail_enabled=bool(current_app.config["SMTP_HOST"]), min_responses=MIN_RESPONSES,
                           scale=SCALE_LABELS)

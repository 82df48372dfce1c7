"""The trainer's survey page: opening dates, who answered, paper coupons, mailing, results in batches."""
from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import login_required

from .. import db
from ..cohorts.models import Cohort
from ..cohorts.views import get_managed_cohort_or_404
from . import bp
from .coupons import coupon_candidates, issue_coupons
from .forms import ColdDateForm, SendLinksForm
from .mail import mail_recipients, send_survey_links
from .queries import KindStatus, KindSummary, cohort_statuses, cohort_summaries, roster, today_paris
from .questions import SCALE_LABELS, SURVEYS, Survey
from .services import SurveyError, cold_survey_window, not_open_message, schedule_cold_survey
from ..wording import pluralise


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
        if action == "coupons":
            return _coupons(cohort)
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


def _open_kind(cohort: Cohort, then: str) -> str | None:
    """The posted survey kind if it is open today; otherwise flash why and return None."""
    form = SendLinksForm()
    if not form.validate():
        abort(400)
    kind, today = form.kind.data, today_paris()
    status = cohort_statuses(db.session(), cohort)[kind]
    if not status.is_open(today):
        flash(f"{not_open_message(kind, status, today)} {then}", "error")
        return None
    return kind


def _coupons(cohort: Cohort):
    """Issue and show, this once, the coupons of participants without an account (or of one of them).

    The page is the POST's answer, not a redirect: the codes are stored nowhere in clear, not even
    in the session cookie, so they cannot be shown again.
    """
    kind = _open_kind(cohort, "Les coupons pourront être imprimés à partir de ce jour.")
    raw = request.form.get("participant", "")
    if kind is None or (raw and not (raw.isascii() and raw.isdigit() and len(raw) < 12)):
        return redirect(url_for(".manage", cohort_id=cohort.id))
    s, today = db.session(), today_paris()
    issued = issue_coupons(s, cohort, kind, coupon_candidates(s, cohort, kind, int(raw) if raw else None), today)
    s.commit()
    if not issued:
        flash("Aucun coupon à imprimer\u00a0: les participants sans compte ont tous répondu.", "success")
        return redirect(url_for(".manage", cohort_id=cohort.id))
    response = current_app.make_response(render_template(
        "surveys/coupons.html", cohort=cohort, survey=SURVEYS[kind], issued=issued,
        closes_on=cohort_statuses(s, cohort)[kind].closes_on))
    response.headers["Cache-Control"] = "no-store"
    return response


def _send_links(cohort: Cohort) -> None:
    kind = _open_kind(cohort, "Les liens pourront être envoyés à partir de ce jour.")
    if kind is None:
        return
    s = db.session()
    url = url_for(".answer_signed_in", cohort_id=cohort.id, kind=kind, _external=True)
    links = [(r, url) for r in mail_recipients(s, cohort, kind)]
    try:
        result = send_survey_links(current_app.config, cohort.name, kind, links)
    except SurveyError as exc:
        flash(str(exc), "error")
        return
    if not links:
        flash("Aucun courriel à envoyer\u00a0: les participants ayant un compte ont tous répondu.", "success")
        return
    sent = pluralise(result.sent, "courriel envoyé")
    if result.failed:
        flash(f"{sent}\u00a0; {pluralise(result.failed, 'adresse refusée')} par le serveur de courriel\u00a0: "
              "le lien reste sur leur page d'accueil.", "error")
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
                           mail_enabled=bool(current_app.config["SMTP_HOST"]),
                           min_responses=current_app.config["SURVEY_MIN_RESPONSES"], scale=SCALE_LABELS)

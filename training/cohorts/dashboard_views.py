"""The cohort dashboard page."""
from __future__ import annotations

from flask import current_app, render_template
from flask_login import login_required

from .. import db
from ..content.views import registry
from . import bp
from .dashboard import build_dashboard
from .queries import shared_reflections
from .views import get_managed_cohort_or_404


@bp.get("/cohortes/<int:cohort_id>/tableau-de-bord")
@login_required
def dashboard(cohort_id: int):
    cohort = get_managed_cohort_or_404(cohort_id)
    s = db.session()
    reg = registry()
    dash = build_dashboard(s, cohort, reg)
    quiz_totals = {m.slug: len(reg.quizzes[m.quiz_slug].questions) for m in dash.modules}
    return render_template("cohorts/dashboard.html", cohort=cohort, dash=dash, quiz_totals=quiz_totals,
                           shares=shared_reflections(s, cohort, current_app.config["SHARE_MIN_SUBMITTERS"]),
                           reg=reg, min_submitters=current_app.config["SHARE_MIN_SUBMITTERS"])

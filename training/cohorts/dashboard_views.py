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
    return render_template("cohorts/dashboard.html", cohort=cohort, dash=build_dashboard(s, cohort, reg),
                           shares=shared_reflections(s, cohort, current_app.config["SHARE_MIN_SUBMITTERS"]),
                           reg=reg, min_submitters=current_app.config["SHARE_MIN_SUBMITTERS"])

"""Reading the groups' syntheses, for the presentation pages and the cohort page."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..cohorts.models import Cohort
from .models import GroupSynthesis


def syntheses_for(s: Session, cohort: Cohort) -> dict[str, GroupSynthesis]:
    """Every recorded synthesis of the cohort, by exercise slug, in one query."""
    rows = s.scalars(select(GroupSynthesis).where(GroupSynthesis.cohort_id == cohort.id))
    return {row.exercise_slug: row for row in rows}

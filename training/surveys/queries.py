"""Survey reads: when each survey opens, who still has to answer, and anonymous aggregated results."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, timedelta, datetime

from flask import url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..attendance.models import CourseSession
from ..cohorts.models import Cohort, Participant
from ..dates import PARIS
from .models import KINDS, SurveyReceipt, SurveyResponse
from .questions import SCALE_VALUES, SURVEYS, Question, Survey
from .tokens import make_token

NBSP = "\u00a0"
# Below this many responses, results could point at a person: they are not shown at all.
MIN_RESPONSES = 3


def today_paris() -> date:
    return datetime.now(PARIS).date()


def french_decimal(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}".replace(".", ",")


# -- opening dates -----------------------------------------------------------------------

@dataclass(frozen=True)
class KindStatus:
    kind: str
    opens_on: date | None  # None: « à froid » date not scheduled yet

    def is_open(self, today: date) -> bool:
        return self.opens_on is not None and today >= self.opens_on


def last_session_days(s: Session, cohort_ids: list[int]) -> dict[int, date]:
    """Day of the last non-cancelled session of each cohort that has one: one query."""
    if not cohort_ids:
        return {}
    rows = s.execute(select(CourseSession.cohort_id, func.max(CourseSession.day))
                     .where(CourseSession.cohort_id.in_(cohort_ids), CourseSession.cancelled_at.is_(None))
                     .group_by(CourseSession.cohort_id))
    return {cohort_id: day for cohort_id, day in rows}


def statuses_for(cohort: Cohort, last_day: date | None) -> dict[str, KindStatus]:
    """« À chaud » opens on the last session's day (or the end date); « à froid » on its scheduled date."""
    return {"chaud": KindStatus("chaud", last_day or cohort.end_date),
            "froid": KindStatus("froid", cohort.cold_survey_on)}


def cohort_statuses(s: Session, cohort: Cohort) -> dict[str, KindStatus]:
    return statuses_for(cohort, last_session_days(s, [cohort.id]).get(cohort.id))


# -- who answered ------------------------------------------------------------------------

@dataclass
class RosterRow:
    participant: Participant
    answered: set[str] = field(default_factory=set)  # kinds answered; never what

    def token(self, kind: str) -> str:
        return make_token(self.participant.id, kind)


def roster(s: Session, cohort: Cohort) -> list[RosterRow]:
    """Participants of a cohort with the kinds they have answered: two queries."""
    participants = s.scalars(select(Participant).where(Participant.cohort_id == cohort.id)
                             .order_by(Participant.full_name, Participant.id)).all()
    rows = {p.id: RosterRow(p) for p in participants}
    if rows:
        for pid, kind in s.execute(select(SurveyReceipt.participant_id, SurveyReceipt.kind)
                                   .where(SurveyReceipt.participant_id.in_(list(rows)))):
            rows[pid].answered.add(kind)
    return list(rows.values())


PROMPT_DAYS = 60


def pending_surveys(s: Session, user, today: date | None = None) -> list[tuple[str, str]]:
    """(label, url path) of each open survey of the user's cohorts that they have not answered yet.

    Three queries whatever the number of cohorts. Needs a request context (the paths come from url_for).
    """
    today = today or today_paris()
    participants = s.scalars(select(Participant).where(Participant.user_id == user.id)
                             .order_by(Participant.id)).all()
    if not participants:
        return []
    last_days = last_session_days(s, sorted({p.cohort_id for p in participants}))
    answered = {(pid, kind) for pid, kind in s.execute(
        select(SurveyReceipt.participant_id, SurveyReceipt.kind)
        .where(SurveyReceipt.participant_id.in_([p.id for p in participants])))}
    out = []
    for p in participants:
        for kind, status in statuses_for(p.cohort, last_days.get(p.cohort_id)).items():
            # The home page stops reminding PROMPT_DAYS after opening; the personal link keeps working.
            if (status.is_open(today) and today <= status.opens_on + timedelta(days=PROMPT_DAYS)
                    and (p.id, kind) not in answered):
                label = f"{KINDS[kind]} du groupe «{NBSP}{p.cohort.name}{NBSP}»"
                out.append((label, url_for("surveys.answer", token=make_token(p.id, kind))))
    return out


# -- anonymous results -------------------------------------------------------------------

@dataclass(frozen=True)
class QuestionStats:
    question: Question
    counts: dict[int, int]  # scale value -> number of answers

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def mean(self) -> float | None:
        return sum(v * n for v, n in self.counts.items()) / self.total if self.total else None

    @property
    def peak(self) -> int:
        return max(self.counts.values(), default=0)


@dataclass(frozen=True)
class KindSummary:
    """Results of one survey for one cohort. Below MIN_RESPONSES only the count is filled in."""

    survey: Survey
    responses: int
    scales: tuple[QuestionStats, ...] = ()
    texts: tuple[tuple[Question, tuple[str, ...]], ...] = ()

    @property
    def shown(self) -> bool:
        return self.responses >= MIN_RESPONSES


def _summarise(survey: Survey, answers: list[dict]) -> KindSummary:
    if len(answers) < MIN_RESPONSES:
        return KindSummary(survey, len(answers))
    scales = []
    for q in survey.scale_questions:
        counts = dict.fromkeys(SCALE_VALUES, 0)
        for a in answers:
            v = a.get(q.slug)
            if isinstance(v, int) and v in counts:
                counts[v] += 1
        scales.append(QuestionStats(q, counts))
    texts = []
    for q in survey.text_questions:
        # Sorted, not in arrival order, so that the order cannot be matched with who answered when.
        values = sorted((a[q.slug] for a in answers if isinstance(a.get(q.slug), str) and a[q.slug].strip()),
                        key=str.casefold)
        texts.append((q, tuple(values)))
    return KindSummary(survey, len(answers), tuple(scales), tuple(texts))


def cohort_summaries(s: Session, cohort: Cohort) -> dict[str, KindSummary]:
    """Aggregated results of both surveys of a cohort: one query."""
    by_kind: dict[str, list[dict]] = {kind: [] for kind in SURVEYS}
    for kind, answers in s.execute(select(SurveyResponse.kind, SurveyResponse.answers)
                                   .where(SurveyResponse.cohort_id == cohort.id)):
        if kind in by_kind and isinstance(answers, dict):
            by_kind[kind].append(answers)
    return {kind: _summarise(SURVEYS[kind], answers) for kind, answers in by_kind.items()}


CSV_HEADER = ["question", "questionnaire", "réponses", "moyenne", *(str(v) for v in SCALE_VALUES)]


def survey_summary_csv(s: Session, cohort: Cohort) -> str:
    """CSV text (`;`, French decimal comma) of the aggregated scale results of both surveys.

    One row per scale question: question text, survey (« à chaud » / « à froid »), number of
    responses, mean, then how many answered 1 to 5. No free text. Below MIN_RESPONSES
    responses, only the count is given (mean and distribution left empty), as on the trainer's page.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_HEADER)
    for kind, summary in cohort_summaries(s, cohort).items():
        stats = {st.question.slug: st for st in summary.scales}
        for q in summary.survey.scale_questions:
            st = stats.get(q.slug)
            if st is None:
                writer.writerow([q.text, KINDS[kind], summary.responses, "", *([""] * len(SCALE_VALUES))])
            else:
                writer.writerow([q.text, KINDS[kind], summary.responses, french_decimal(st.mean, 2),
                                 *(st.counts[v] for v in SCALE_VALUES)])
    return out.getvalue()

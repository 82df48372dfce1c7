"""Survey reads: when each survey opens, who still has to answer, and anonymous aggregated results."""
from __future__ import annotations

import csv
import io
import random
from dataclasses import dataclass, field
from datetime import date, timedelta, datetime

from flask import current_app, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..attendance.models import CourseSession
from ..cohorts.models import Cohort, Participant
from ..dates import PARIS
from .coupons import coupon_days
from .models import KINDS, SurveyReceipt, SurveyResponse
from .questions import SCALE_VALUES, SURVEYS, Question, Survey

NBSP = "\u00a0"
# A survey takes answers for this many days from its opening; then its links stop working.
OPEN_DAYS = 60


def today_paris() -> date:
    return datetime.now(PARIS).date()


def french_decimal(value: float | None, digits: int = 1) -> str:
    return "" if value is None else f"{value:.{digits}f}".replace(".", ",")


# -- opening dates -----------------------------------------------------------------------

@dataclass(frozen=True)
class KindStatus:
    kind: str
    opens_on: date | None  # None: « à froid » date not scheduled yet

    @property
    def closes_on(self) -> date | None:
        """Last day answers are taken."""
        return self.opens_on + timedelta(days=OPEN_DAYS) if self.opens_on else None

    def is_open(self, today: date) -> bool:
        return self.opens_on is not None and self.opens_on <= today <= self.closes_on

    def is_closed(self, today: date) -> bool:
        return self.closes_on is not None and today > self.closes_on


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
    coupons: dict[str, date] = field(default_factory=dict)  # kind -> day its live coupon was issued


def roster(s: Session, cohort: Cohort) -> list[RosterRow]:
    """Participants of a cohort with the kinds they have answered and their live coupons: three queries."""
    participants = s.scalars(select(Participant).where(Participant.cohort_id == cohort.id)
                             .order_by(Participant.full_name, Participant.id)).all()
    rows = {p.id: RosterRow(p) for p in participants}
    if rows:
        for pid, kind in s.execute(select(SurveyReceipt.participant_id, SurveyReceipt.kind)
                                   .where(SurveyReceipt.participant_id.in_(list(rows)))):
            rows[pid].answered.add(kind)
        for (pid, kind), day in coupon_days(s, list(rows)).items():
            rows[pid].coupons[kind] = day
    return list(rows.values())


def pending_surveys(s: Session, user, today: date | None = None) -> list[tuple[str, str]]:
    """(label, url path) of each open survey of the user's cohorts that they have not answered yet.

    The path is the same for every participant of the cohort: it works only signed in as one of them.

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
            if status.is_open(today) and (p.id, kind) not in answered:
                label = f"{KINDS[kind]} du groupe «{NBSP}{p.cohort.name}{NBSP}»"
                out.append((label, url_for("surveys.answer_signed_in", cohort_id=p.cohort_id, kind=kind)))
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
    """Results of one survey for one cohort, over its released answers only (whole batches of
    `minimum`); below `minimum` only the counts are filled in."""

    survey: Survey
    responses: int  # released answers, the ones the results are made of
    waiting: int  # answers given since the last batch was released
    minimum: int
    scales: tuple[QuestionStats, ...] = ()
    texts: tuple[tuple[Question, tuple[str, ...]], ...] = ()

    @property
    def shown(self) -> bool:
        return self.responses >= self.minimum


def min_responses() -> int:
    return current_app.config["SURVEY_MIN_RESPONSES"]


def _summarise(survey: Survey, answers: list[dict], waiting: int, minimum: int) -> KindSummary:
    if len(answers) < minimum:
        return KindSummary(survey, len(answers), waiting, minimum)
    scales = []
    for q in survey.scale_questions:
        counts = dict.fromkeys(SCALE_VALUES, 0)
        for a in answers:
            v = a.get(q.slug)
            if isinstance(v, int) and v in counts:
                counts[v] += 1
        scales.append(QuestionStats(q, counts))
    texts = []
    shuffle = random.SystemRandom().shuffle
    for q in survey.text_questions:
        # Shuffled on every reading, each question on its own: neither arrival order nor the texts
        # of the other questions can be matched with one person's answers.
        values = [a[q.slug] for a in answers if isinstance(a.get(q.slug), str) and a[q.slug].strip()]
        shuffle(values)
        texts.append((q, tuple(values)))
    return KindSummary(survey, len(answers), waiting, minimum, tuple(scales), tuple(texts))


def cohort_summaries(s: Session, cohort: Cohort, minimum: int | None = None) -> dict[str, KindSummary]:
    """Aggregated results of both surveys of a cohort, over released answers: one query."""
    minimum = minimum or min_responses()
    by_kind: dict[str, list[dict]] = {kind: [] for kind in SURVEYS}
    waiting = dict.fromkeys(SURVEYS, 0)
    for kind, answers, released in s.execute(select(SurveyResponse.kind, SurveyResponse.answers,
                                                    SurveyResponse.released)
                                             .where(SurveyResponse.cohort_id == cohort.id)):
        if kind in by_kind and isinstance(answers, dict):
            if released:
                by_kind[kind].append(answers)
            else:
                waiting[kind] += 1
    return {kind: _summarise(SURVEYS[kind], answers, waiting[kind], minimum) for kind, answers in by_kind.items()}


CSV_HEADER = ["question", "questionnaire", "réponses", "moyenne", *(str(v) for v in SCALE_VALUES)]


def survey_summary_csv(s: Session, cohort: Cohort, minimum: int | None = None) -> str:
    """CSV text (`;`, French decimal comma) of the aggregated scale results of both surveys.

    One row per scale question: question text, survey (« à chaud » / « à froid »), number of
    released responses, mean, then how many answered 1 to 5. No free text. Below the minimum
    number of responses, only the count is given (mean and distribution left empty), as on the trainer's page.
    """
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(CSV_HEADER)
    for kind, summary in cohort_summaries(s, cohort, minimum).items():
        stats = {st.question.slug: st for st in summary.scales}
        for q in summary.survey.scale_questions:
            st = stats.get(q.slug)
            if st is None:
                writer.writerow([q.text, KINDS[kind], summary.responses, "", *([""] * len(SCALE_VALUES))])
            else:
                writer.writerow([q.text, KINDS[kind], summary.responses, french_decimal(st.mean, 2),
                                 *(st.counts[v] for v in SCALE_VALUES)])
    return out.getvalue()

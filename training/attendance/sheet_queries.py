"""What the sheet of one session shows, in a fixed number of queries whatever the roster size."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..accounts.models import User
from ..cohorts.models import Cohort, Participant
from .models import ATTENDED, AttendanceChange, AttendanceMark, CourseSession
from .queries import counts_for, held


@dataclass
class SheetRow:
    participant: Participant
    mark: AttendanceMark | None
    counts: bool

    @property
    def to_fill(self) -> bool:
        return self.counts and self.mark is None

    @property
    def can_sign(self) -> bool:
        return self.counts and not (self.mark is not None and (self.mark.has_signature or self.mark.signed_via == "paper"
                                                             or self.mark.status not in ATTENDED))


@dataclass
class SheetPage:
    rows: list[SheetRow]
    history: list[tuple[AttendanceChange, str | None, str | None]]
    signer: User | None
    held: bool
    tally: dict[str, int] = field(default_factory=dict)

    @property
    def gaps(self) -> int:
        return sum(1 for r in self.rows if r.to_fill)

    @property
    def corrections(self):
        """Every change but plain marks and first signatures; a mark with a reason (say, the offline
        merge rule applied) is part of the record too."""
        return [h for h in self.history if h[0].kind not in ("mark", "sign") or h[0].reason]


def _rows(s: Session, sess: CourseSession) -> list[SheetRow]:
    participants = s.scalars(select(Participant).where(Participant.cohort_id == sess.cohort_id)
                             .order_by(Participant.full_name, Participant.id)).all()
    marks = {m.participant_id: m for m in s.scalars(select(AttendanceMark).where(AttendanceMark.session_id == sess.id))}
    return [SheetRow(p, marks.get(p.id), counts_for(sess, p)) for p in participants]


def sheet_page(s: Session, sess: CourseSession, cohort: Cohort) -> SheetPage:
    rows = _rows(s, sess)
    history = s.execute(select(AttendanceChange, User.display_name, Participant.full_name)
                        .outerjoin(User, User.id == AttendanceChange.changed_by_id)
                        .outerjoin(Participant, Participant.id == AttendanceChange.participant_id)
                        .where(AttendanceChange.session_id == sess.id)
                        .order_by(AttendanceChange.id.desc())).all()
    signer = s.get(User, sess.signed_by_id) if sess.signed_by_id else None
    tally: dict[str, int] = {}
    for r in rows:
        if r.counts:
            key = r.mark.status if r.mark else "todo"
            tally[key] = tally.get(key, 0) + 1
    return SheetPage(rows, [tuple(h) for h in history], signer, held(sess), tally)


def next_to_sign(s: Session, sess: CourseSession, cohort: Cohort) -> Participant | None:
    """The next participant, in roster order, who still has to sign this session."""
    return next((r.participant for r in _rows(s, sess) if r.can_sign), None)

"""Everything stored about a person, as JSON with French keys and readable values.

Each `Section` names the columns (table, column) through which it finds the person; a test
walks Base.metadata and fails when a column referring to a user or a participant is covered
by no section, so a new table cannot escape the export. Reflection text, survey answers and
secret tokens are deliberately left out, and the export says why.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from ..accounts.models import ROLE_LABELS, LoginFailure, ResetToken, User
from ..attendance.describe import change_text
from ..attendance.models import HALVES, STATUSES, AttendanceChange, AttendanceMark, CourseSession
from ..cohorts.models import Cohort, Participant, cohort_trainer
from ..dates import french_date, french_datetime
from ..db import Base
from ..learning.models import PositioningAnswer, QuizAttempt, Reflection, ReflectionVersion, SectionRead
from ..learning.services import PHASES
from ..presentation.models import GroupSynthesis
from ..surveys.models import KINDS, SurveyReceipt

VIA = {"tablet": "sur la tablette du formateur", "self": "sur son propre téléphone", "paper": "sur papier"}
NOT_EXPORTED = "non exporté : seul l'auteur peut lire et télécharger ses réflexions (« Mon journal »)"


def yes_no(value) -> str:
    return "oui" if value else "non"


@dataclass(frozen=True)
class Who:
    """The person: their account (if any) and every roster row that is theirs."""

    user: User | None
    participant_ids: tuple[int, ...]

    @property
    def user_id(self) -> int:
        return self.user.id if self.user else -1


@dataclass(frozen=True)
class Section:
    key: str
    covers: tuple[tuple[str, str], ...]  # (table, column) through which the person is found
    rows: Callable[[Session, Who], object]


def _account(s: Session, who: Who):
    u = who.user
    if u is None:
        return "aucun compte : personne inscrite sur la liste d'un groupe seulement"
    return {"nom": u.display_name, "adresse électronique": u.email, "structure": u.organisation,
            "rôle": ROLE_LABELS[u.role].lower(), "compte actif": yes_no(u.active),
            "créé le": french_datetime(u.created_at), "dernière connexion": french_datetime(u.last_login_at),
            "anonymisé le": french_datetime(u.anonymised_at),
            "mot de passe": "non exporté : seule son empreinte chiffrée est conservée"}


def _rosters(s: Session, who: Who):
    rows = s.execute(select(Participant, Cohort).join(Cohort, Cohort.id == Participant.cohort_id)
                     .where(Participant.id.in_(who.participant_ids)).order_by(Cohort.start_date)).all()
    return [{"groupe": c.name, "du": french_date(c.start_date), "au": french_date(c.end_date),
             "nom sur la liste": p.full_name, "structure": p.organisation, "fonction": p.job,
             "inscrit le": french_datetime(p.joined_at)} for p, c in rows]


def _marks(s: Session, who: Who):
    rows = s.execute(select(AttendanceMark, CourseSession, Cohort.name)
                     .join(CourseSession, CourseSession.id == AttendanceMark.session_id)
                     .join(Cohort, Cohort.id == CourseSession.cohort_id)
                     .where(AttendanceMark.participant_id.in_(who.participant_ids))
                     .order_by(CourseSession.day, CourseSession.starts_at)).all()
    return [{"groupe": name, "jour": french_date(sess.day, weekday=True), "demi-journée": HALVES[sess.half].lower(),
             "présence": STATUSES.get(m.status, m.status), "heure d'arrivée": f"{m.arrival.hour} h {m.arrival.minute:02d}" if m.arrival else "",
             "signé le": french_datetime(m.signed_at), "signé": VIA.get(m.signed_via, "non signé"),
             "tracé de la signature (traits, points x et y entre 0 et 1)": m.signature or [],
             "signature par nom tapé": m.signature_typed}
            for m, sess, name in rows]


def _changes(s: Session, who: Who):
    rows = s.scalars(select(AttendanceChange).where(or_(
        AttendanceChange.participant_id.in_(who.participant_ids), AttendanceChange.changed_by_id == who.user_id))
        .order_by(AttendanceChange.changed_at)).all()
    return [{"le": french_datetime(c.changed_at), "motif": c.reason, "modification": change_text(c),
             "modifié par cette personne": yes_no(c.changed_by_id == who.user_id and who.user is not None),
             "concerne cette personne": yes_no(c.participant_id in who.participant_ids)} for c in rows]


def _sync_items(s: Session, who: Who):
    """What an offline tablet sent about this person, or what this trainer's tablet sent."""
    from ..attendance.sync import SyncItem

    rows = s.scalars(select(SyncItem).where(or_(SyncItem.participant_id.in_(who.participant_ids),
                                                SyncItem.user_id == who.user_id)).order_by(SyncItem.id)).all()
    return [{"faite sur l'appareil le": french_datetime(x.device_at), "reçue le": french_datetime(x.received_at),
             "type": x.kind, "résultat": x.outcome, "message": x.message,
             "présence": STATUSES.get(x.payload.get("status"), ""), "motif": x.payload.get("reason", ""),
             "tracé de la signature": x.payload.get("signature") or [],
             "envoyée par cette personne": yes_no(x.user_id == who.user_id and who.user is not None),
             "concerne cette personne": yes_no(x.participant_id in who.participant_ids)} for x in rows]


def _body_changes(s: Session, who: Who):
    from ..organisation.models import TrainingBody

    rows = s.execute(select(TrainingBody.name, TrainingBody.changed_at)
                     .where(TrainingBody.changed_by_id == who.user_id).order_by(TrainingBody.id)).all()
    return [{"organisme": name, "modifié le": french_datetime(at)} for name, at in rows]


def _receipts(s: Session, who: Who):
    rows = s.scalars(select(SurveyReceipt).where(SurveyReceipt.participant_id.in_(who.participant_ids))).all()
    return [{"questionnaire": f"satisfaction {KINDS.get(r.kind, r.kind)}", "répondu le": french_date(r.answered_on),
             "réponses": "non exportées : elles sont anonymes et ne sont reliées à personne"} for r in rows]


def _tickets(s: Session, who: Who):
    """Paper survey coupons issued to the person (the security-core branch adds the table): date only."""
    table = Base.metadata.tables.get("survey_ticket")
    if table is None:
        return []
    rows = s.execute(select(table.c.kind, table.c.issued_on).where(table.c.participant_id.in_(who.participant_ids)))
    return [{"questionnaire": f"satisfaction {KINDS.get(kind, kind)}", "coupon papier remis le": french_date(on),
             "code": "non exporté : seule son empreinte est conservée"} for kind, on in rows]


def _reads(s: Session, who: Who):
    return [{"module": r.module_slug, "section": r.section_slug, "lue le": french_datetime(r.read_at)}
            for r in s.scalars(select(SectionRead).where(SectionRead.user_id == who.user_id)
                               .order_by(SectionRead.read_at))]


def _reflections(s: Session, who: Who):
    versions = dict(s.execute(select(ReflectionVersion.reflection_id, func.count()).join(
        Reflection, Reflection.id == ReflectionVersion.reflection_id).where(Reflection.user_id == who.user_id)
        .group_by(ReflectionVersion.reflection_id)).all())
    return [{"exercice": r.exercise_slug, "commencée le": french_datetime(r.created_at),
             "modifiée le": french_datetime(r.updated_at), "soumise le": french_datetime(r.submitted_at),
             "versions soumises": versions.get(r.id, 0), "partagée anonymement": yes_no(r.shared_cohort_id),
             "texte": NOT_EXPORTED}
            for r in s.scalars(select(Reflection).where(Reflection.user_id == who.user_id))]


def _quizzes(s: Session, who: Who):
    return [{"quiz": a.quiz_slug, "score": a.score, "sur": a.max_score, "réussi": yes_no(a.passed),
             "le": french_datetime(a.created_at), "réponses choisies": a.answers}
            for a in s.scalars(select(QuizAttempt).where(QuizAttempt.user_id == who.user_id)
                               .order_by(QuizAttempt.created_at))]


def _positioning(s: Session, who: Who):
    return [{"questionnaire": p.questionnaire_slug, "étape": PHASES.get(p.phase, p.phase).lower(),
             "le": french_datetime(p.created_at), "réponses (1 à 4 par affirmation)": p.answers}
            for p in s.scalars(select(PositioningAnswer).where(PositioningAnswer.user_id == who.user_id))]


def _trainer(s: Session, who: Who):
    cohorts = s.scalars(select(Cohort.name).join(cohort_trainer, cohort_trainer.c.cohort_id == Cohort.id)
                        .where(cohort_trainer.c.user_id == who.user_id)).all()
    signed = s.execute(select(CourseSession, Cohort.name).join(Cohort, Cohort.id == CourseSession.cohort_id)
                       .where(CourseSession.signed_by_id == who.user_id).order_by(CourseSession.day)).all()
    marked = s.scalar(select(func.count()).select_from(AttendanceMark).where(AttendanceMark.updated_by_id == who.user_id))
    syntheses = s.execute(select(GroupSynthesis.exercise_slug, GroupSynthesis.updated_at)
                          .where(GroupSynthesis.updated_by_id == who.user_id)).all()
    return {"groupes animés": list(cohorts),
            "feuilles signées": [{"groupe": name, "jour": french_date(x.day), "demi-journée": HALVES[x.half].lower(),
                                  "signée le": french_datetime(x.signed_at),
                                  "tracé de la signature": x.trainer_signature or []} for x, name in signed],
            "présences saisies pour d'autres personnes": marked or 0,
            "synthèses de groupe modifiées": [{"exercice": e, "le": french_datetime(at)} for e, at in syntheses]}


def _security(s: Session, who: Who):
    if who.user is None:
        return {}
    links = s.scalars(select(ResetToken).where(or_(ResetToken.user_id == who.user_id,
                                                   ResetToken.created_by_id == who.user_id))).all()
    failures = s.scalar(select(func.sum(LoginFailure.count)).where(or_(
        LoginFailure.key == f"account:{who.user.email}", LoginFailure.key.like(f"device:%:{who.user_id}"))))
    return {"liens de mot de passe reçus": [{"créé le": french_datetime(t.created_at), "expire le": french_datetime(t.expires_at),
                                              "utilisé le": french_datetime(t.used_at)} for t in links if t.user_id == who.user_id],
            "liens de mot de passe remis à d'autres": sum(1 for t in links if t.created_by_id == who.user_id),
            "tentatives de connexion récentes comptées": failures or 0,
            "lien lui-même": "non exporté : seule son empreinte est conservée"}


SECTIONS = (
    Section("compte", (("user_account", "id"),), _account),
    Section("listes de groupe", (("participant", "user_id"),), _rosters),
    Section("présences et signatures", (("attendance_mark", "participant_id"),), _marks),
    Section("modifications de feuilles signées", (("attendance_change", "participant_id"),
                                                  ("attendance_change", "changed_by_id")), _changes),
    Section("saisies hors connexion reçues", (("attendance_sync_item", "participant_id"),
                                              ("attendance_sync_item", "user_id")), _sync_items),
    Section("questionnaires de satisfaction", (("survey_receipt", "participant_id"),), _receipts),
    Section("coupons papier de questionnaire", (("survey_ticket", "participant_id"),), _tickets),
    Section("sections lues", (("section_read", "user_id"),), _reads),
    Section("réflexions", (("reflection", "user_id"), ("reflection_version", "reflection_id")), _reflections),
    Section("quiz", (("quiz_attempt", "user_id"),), _quizzes),
    Section("positionnement", (("positioning_answer", "user_id"),), _positioning),
    Section("en tant que formateur", (("cohort_trainer", "user_id"), ("course_session", "signed_by_id"),
                                      ("attendance_mark", "updated_by_id"), ("group_synthesis", "updated_by_id")),
            _trainer),
    Section("identité de l'organisme modifiée", (("training_body", "changed_by_id"),), _body_changes),
    Section("sécurité du compte", (("reset_token", "user_id"), ("reset_token", "created_by_id")), _security),
)


def export_who(s: Session, who: Who) -> dict:
    return {section.key: section.rows(s, who) for section in SECTIONS}


def export_person(s: Session, user: User) -> dict:
    """Everything held about a user with an account."""
    ids = tuple(s.scalars(select(Participant.id).where(Participant.user_id == user.id)))
    return export_who(s, Who(user, ids))


def export_participant(s: Session, participant: Participant) -> dict:
    """Everything held about someone on a roster; the whole account's data if they have one."""
    if participant.user_id is not None:
        return export_person(s, s.get(User, participant.user_id))
    return export_who(s, Who(None, (participant.id,)))

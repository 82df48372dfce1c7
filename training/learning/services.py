"""Learning services: reading marks, reflections (drafts, versions, shares), quizzes, positioning.

Services take the session and the acting user; they never read the request. Reflection
text is never logged, nor put in an exception message.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..content.model import Exercise, Module, Positioning, Quiz
from ..dates import french_number
from ..db import get_or_create, insert_missing, utcnow
from .models import PositioningAnswer, QuizAttempt, Reflection, ReflectionVersion, SectionRead


class LearningError(ValueError):
    """A refused learning operation; the message is French, for the trainee."""


class Conflict(LearningError):
    """The reflection changed elsewhere (another tab) since the form was loaded."""

    def __init__(self, reflection: Reflection):
        super().__init__("Ce texte a été modifié depuis un autre onglet ou un autre appareil.")
        self.reflection = reflection


# -- reading -----------------------------------------------------------------------------

def mark_read(s: Session, user, module: Module, section_slug: str) -> None:
    if section_slug not in {sec.slug for sec in module.sections}:
        raise LearningError("Section inconnue.")
    insert_missing(s, SectionRead, {"user_id": user.id, "module_slug": module.slug, "section_slug": section_slug},
                   ["user_id", "module_slug", "section_slug"])


# -- reflections -------------------------------------------------------------------------

def get_reflection(s: Session, user, exercise: Exercise) -> Reflection | None:
    return s.scalar(select(Reflection).where(Reflection.user_id == user.id,
                                             Reflection.exercise_slug == exercise.slug))


def _check_text(text: str, max_chars: int, allow_empty: bool) -> str:
    text = text.replace("\r\n", "\n")
    if len(text) > max_chars:
        raise LearningError(f"Votre texte compte {french_number(len(text))} caractères, "
                            f"{french_number(len(text) - max_chars)} de plus que la limite de "
                            f"{french_number(max_chars)}. Il est gardé en entier dans le champ : "
                            f"raccourcissez-le, puis enregistrez.")
    if not allow_empty and not text.strip():
        raise LearningError("Votre réponse est vide : écrivez quelques lignes avant de soumettre.")
    return text


def save_draft(s: Session, user, exercise: Exercise, text: str, base_revision: int | None,
               max_chars: int, force: bool = False) -> Reflection:
    """Store a draft. Raise Conflict if base_revision is stale (unless force).

    The reflection is created if missing and locked until the transaction ends, so that
    simultaneous saves (several tabs, a retried autosave) behave as if made one after another.
    """
    text = _check_text(text, max_chars, allow_empty=True)
    r = get_or_create(s, Reflection, {"user_id": user.id, "exercise_slug": exercise.slug},
                      {"draft": "", "body": "", "revision": 0})
    # A conflict protects text saved elsewhere; a row just created (revision 0) holds none, whatever
    # revision a confused or forged client sends.
    if not force and base_revision is not None and base_revision != r.revision and r.draft != text and r.revision:
        raise Conflict(r)
    if r.draft != text:
        r.draft = text
        r.revision += 1
        r.updated_at = utcnow()
    s.flush()
    return r


def submit(s: Session, user, exercise: Exercise, text: str, base_revision: int | None,
           max_chars: int, force: bool = False) -> Reflection:
    """Submit an answer: a new version is kept; a double submit of the same text adds nothing."""
    text = _check_text(text, max_chars, allow_empty=False)
    r = save_draft(s, user, exercise, text, base_revision, max_chars, force)
    if r.submitted_at is not None and r.body == text:
        return r  # double submit: nothing new to keep
    number = 1 + len(s.scalars(select(ReflectionVersion.id).where(
        ReflectionVersion.reflection_id == r.id)).all())
    now = utcnow()
    s.add(ReflectionVersion(reflection_id=r.id, number=number, body=text, submitted_at=now))
    r.body, r.submitted_at, r.updated_at = text, now, now
    return r


def versions(s: Session, reflection: Reflection) -> list[ReflectionVersion]:
    return list(s.scalars(select(ReflectionVersion).where(ReflectionVersion.reflection_id == reflection.id)
                          .order_by(ReflectionVersion.number.desc())))


def delete_reflection(s: Session, user, reflection: Reflection) -> None:
    """Delete a reflection and all its versions, for good."""
    if reflection.user_id != user.id:
        raise LearningError("Cette réflexion ne vous appartient pas.")
    s.execute(delete(ReflectionVersion).where(ReflectionVersion.reflection_id == reflection.id))
    s.delete(reflection)


def share(s: Session, user, reflection: Reflection, cohort_id: int | None, cohort_ids: set[int]) -> None:
    """Share anonymously with one of the user's cohorts, or withdraw (cohort_id None)."""
    if reflection.user_id != user.id:
        raise LearningError("Cette réflexion ne vous appartient pas.")
    if cohort_id is None:
        reflection.shared_cohort_id, reflection.shared_at = None, None
        return
    if reflection.submitted_at is None:
        raise LearningError("Soumettez votre réponse avant de la partager.")
    if cohort_id not in cohort_ids:
        raise LearningError("Vous ne faites pas partie de ce groupe.")
    reflection.shared_cohort_id, reflection.shared_at = cohort_id, utcnow()


# Words often capitalised in the middle of a French sentence without being a person's name.
_NOT_NAMES = {
    "Je", "Il", "Elle", "On", "Nous", "Vous", "Ils", "Elles", "Le", "La", "Les", "Un", "Une", "Des",
    "Marseille", "France", "État", "Etat", "Police", "Mairie", "Ville", "CAF", "TAT", "RdRD", "ASE",
    "PJJ", "MILDECA", "ARS", "Monsieur", "Madame", "Ce", "Cette", "Mais", "Et", "Ou", "Si", "Quand",
    "Dans", "Pour", "Avec", "Sur", "En", "Au", "Aux", "Du", "De", "À", "Qui", "Que", "Quoi", "Comment",
    "Pourquoi", "Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche",
}
_CAPITALISED = re.compile(r"[A-ZÀÂÉÈÊÎÔÛÇ][a-zàâäéèêëîïôöûüç]{2,}")


def _looks_like_name(word: str) -> bool:
    return bool(_CAPITALISED.fullmatch(word)) and word not in _NOT_NAMES


def possible_names(text: str) -> list[str]:
    """Capitalised words that may be people's names (a hint, not a verdict).

    Mid-sentence, any capitalised word counts. A sentence's first word is capitalised anyway, so it
    counts only when a capitalised word follows it: a first name and a surname (« Mohamed Benali est
    venu »). The same rule runs in static/js/app.js.
    """
    found: list[str] = []
    for sentence in re.split(r"(?<=[.!?…])\s+|\n+", text):
        words = [w.strip("«»\"'(),;:!?.…") for w in sentence.strip().split()]
        for i, w in enumerate(words):
            named = _looks_like_name(w) and (i > 0 or (len(words) > 1 and _looks_like_name(words[1])))
            if named and w not in found:
                found.append(w)
    return found[:8]


# -- quizzes -----------------------------------------------------------------------------

def quiz_fingerprint(quiz: Quiz) -> str:
    """Changes whenever the questions or choices change, to detect a stale form."""
    parts = [f"{q.slug}:{','.join(c.slug for c in q.choices)}:{','.join(sorted(q.correct_slugs))}"
             for q in quiz.questions]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class QuizResult:
    attempt: QuizAttempt
    duplicate: bool = False


def grade(quiz: Quiz, answers: dict[str, list[str]]) -> tuple[int, dict[str, bool]]:
    """Score one point per question answered exactly right. Raise on unknown ids."""
    per_question: dict[str, bool] = {}
    known = {q.slug: q for q in quiz.questions}
    for slug in answers:
        if slug not in known:
            raise LearningError("Réponse à une question inconnue : le formulaire ne correspond pas au quiz.")
    for q in quiz.questions:
        chosen = answers.get(q.slug, [])
        valid = {c.slug for c in q.choices}
        if any(c not in valid for c in chosen):
            raise LearningError("Un choix envoyé n'existe pas dans ce quiz. Rechargez la page et réessayez.")
        if q.type != "multiple" and len(chosen) > 1:
            raise LearningError("Une seule réponse est attendue pour certaines questions.")
        per_question[q.slug] = set(chosen) == set(q.correct_slugs)
    return sum(per_question.values()), per_question


def record_attempt(s: Session, user, quiz: Quiz, answers: dict[str, list[str]], nonce: str) -> QuizResult:
    """Grade and store an attempt; the same form posted twice (even at the same instant) returns
    the first attempt. A nonce already used by someone else is refused."""
    if not nonce or len(nonce) > 40:
        raise LearningError("Formulaire incomplet : rechargez la page du quiz.")
    earlier = s.scalar(select(QuizAttempt).where(QuizAttempt.nonce == nonce, QuizAttempt.user_id == user.id))
    if earlier:
        return QuizResult(earlier, duplicate=True)
    unanswered = [q for q in quiz.questions if not answers.get(q.slug)]
    if unanswered:
        raise LearningError(f"Répondez à toutes les questions avant de valider ({len(unanswered)} sans réponse).")
    score, _ = grade(quiz, answers)
    total = len(quiz.questions)
    inserted = insert_missing(s, QuizAttempt, {
        "user_id": user.id, "quiz_slug": quiz.slug, "answers": answers, "score": score, "max_score": total,
        "passed": score * 100 >= quiz.pass_mark * total, "nonce": nonce}, ["nonce"])
    attempt = s.scalar(select(QuizAttempt).where(QuizAttempt.nonce == nonce, QuizAttempt.user_id == user.id))
    if attempt is None:  # the nonce belongs to someone else's attempt
        raise LearningError("Ce formulaire a déjà servi : rechargez la page du quiz.")
    return QuizResult(attempt, duplicate=not inserted)


# -- positioning -------------------------------------------------------------------------

PHASES = {"debut": "Début de formation", "fin": "Fin de formation"}


def save_positioning(s: Session, user, questionnaire: Positioning, phase: str, answers: dict[str, int]) -> None:
    if phase not in PHASES:
        raise LearningError("Étape inconnue.")
    expected = {st.slug for st in questionnaire.statements}
    if set(answers) != expected:
        raise LearningError("Situez-vous sur chacun des énoncés avant d'enregistrer.")
    if any(v not in (1, 2, 3, 4) for v in answers.values()):
        raise LearningError("Une réponse n'est pas sur l'échelle proposée.")
    row = get_or_create(s, PositioningAnswer, {"user_id": user.id, "questionnaire_slug": questionnaire.slug,
                                               "phase": phase}, {"answers": answers})
    row.answers, row.created_at = answers, utcnow()

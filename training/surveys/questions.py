"""The standard satisfaction questionnaires « à chaud » and « à froid », as read-only records."""
from __future__ import annotations

from dataclasses import dataclass

NBSP = "\u00a0"
TEXT_MAX_CHARS = 2000
SCALE_VALUES = (1, 2, 3, 4, 5)
SCALE_LABELS = {
    1: "Pas du tout d'accord",
    2: "Plutôt pas d'accord",
    3: "Ni d'accord ni pas d'accord",
    4: "Plutôt d'accord",
    5: "Tout à fait d'accord",
}


@dataclass(frozen=True)
class Question:
    slug: str
    text: str
    type: str  # "scale" (1-5, required) or "text" (free, optional)
    hint: str = ""

    @property
    def is_scale(self) -> bool:
        return self.type == "scale"


@dataclass(frozen=True)
class Survey:
    kind: str  # "chaud" or "froid", as in models.KINDS
    title: str
    intro: str
    questions: tuple[Question, ...]

    @property
    def scale_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.is_scale)

    @property
    def text_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if not q.is_scale)


_TEXT_HINT = (f"Facultatif, {TEXT_MAX_CHARS} caractères au plus. N'indiquez ni votre nom ni celui "
              "d'autres personnes.")


def _scale(slug: str, text: str) -> Question:
    return Question(slug, text, "scale")


def _text(slug: str, text: str) -> Question:
    return Question(slug, text, "text", _TEXT_HINT)


CHAUD = Survey(
    kind="chaud",
    title="Questionnaire de satisfaction à chaud",
    intro=("Ce questionnaire porte sur la formation que vous venez de suivre. Il prend environ cinq minutes. "
           "Indiquez pour chaque affirmation votre degré d'accord."),
    questions=(
        _scale("objectifs", "Les objectifs annoncés de la formation ont été atteints."),
        _scale("utilite", "Les contenus sont utiles pour ma pratique professionnelle."),
        _scale("animation", "L'animation était de qualité (clarté des apports, écoute, place laissée aux échanges)."),
        _scale("organisation", "L'organisation et le rythme de la formation m'ont convenu."),
        _scale("confiance", "Je me sens davantage en mesure d'agir face aux situations liées aux trafics "
                            "dans mon travail."),
        _scale("global", "Dans l'ensemble, cette formation a répondu à mes attentes."),
        _text("plus_utile", f"Qu'est-ce qui vous a été le plus utile{NBSP}?"),
        _text("ameliorer", f"Que faudrait-il améliorer{NBSP}?"),
    ),
)

FROID = Survey(
    kind="froid",
    title="Questionnaire de satisfaction à froid",
    intro=("Quelques semaines après la formation, ce questionnaire mesure ce qu'elle a changé dans votre "
           "travail. Il prend environ cinq minutes. Indiquez pour chaque affirmation votre degré d'accord."),
    questions=(
        _scale("mise_en_oeuvre", "J'ai mis en œuvre dans mon travail des éléments appris pendant la formation."),
        _scale("pratique", "Ma pratique professionnelle a évolué depuis la formation."),
        _scale("partenaires", "J'ai pris contact avec des partenaires présentés pendant la formation."),
        _scale("aisance", "Je suis plus à l'aise pour aborder les situations liées aux trafics avec mon équipe "
                          "et les personnes que j'accompagne."),
        _scale("utilite_durable", "La formation reste utile pour mon travail aujourd'hui."),
        _text("situation", f"Pouvez-vous décrire une situation où la formation vous a servi{NBSP}?"),
        _text("besoins", f"De quoi auriez-vous besoin aujourd'hui pour aller plus loin{NBSP}?"),
    ),
)

SURVEYS: dict[str, Survey] = {"chaud": CHAUD, "froid": FROID}

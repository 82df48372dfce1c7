"""Builders for the TOML quiz files: graded quizzes and positioning questionnaires."""
from __future__ import annotations

from . import parsing as p
from .model import Choice, Positioning, Question, Quiz, Statement
from .render import render_inline

QUIZ_SPEC = {
    "kind": (str, True, None),
    "id": (str, True, p.slug_check),
    "module": (str, True, p.slug_check),
    "title": (str, True, p.text_check(3, 120)),
    "pass_mark": (int, False, p.int_check(1, 100)),
    "questions": (list, True, None),
}
QUESTION_SPEC = {
    "id": (str, True, p.slug_check),
    "type": (str, True, lambda v: None if v in ("single", "multiple", "truefalse")
             else "doit valoir single, multiple ou truefalse"),
    "prompt": (str, True, p.text_check(5, 600)),
    "explanation": (str, True, p.text_check(5, 1500)),
    "sources": (list, True, None),
    "choices": (list, True, None),
}
CHOICE_SPEC = {
    "id": (str, True, p.slug_check),
    "text": (str, True, p.text_check(1, 400)),
    "correct": (bool, True, None),
    "feedback": (str, True, p.text_check(3, 1000)),
}
POSITIONING_SPEC = {
    "kind": (str, True, None),
    "id": (str, True, p.slug_check),
    "title": (str, True, p.text_check(3, 120)),
    "intro": (str, True, p.text_check(10, 1500)),
    "statements": (list, True, None),
}
STATEMENT_SPEC = {
    "id": (str, True, p.slug_check),
    "dimension": (str, True, lambda v: None if v in ("savoirs", "posture") else "doit valoir savoirs ou posture"),
    "text": (str, True, p.text_check(10, 300)),
    "sources": (list, True, None),
}
DEFAULT_PASS_MARK = 70


def _marker_lines(src: p.Source, marker: str) -> list[int]:
    return [i for i, ln in enumerate(src.text.splitlines(), start=1) if ln.strip() == marker]


def build_quiz_file(src: p.Source, stem: str) -> Quiz | Positioning | None:
    if not p.load_toml(src):
        return None
    kind = src.front.get("kind")
    if kind == "quiz":
        return _quiz(src, stem)
    if kind == "positioning":
        return _positioning(src, stem)
    src.error(src.key_line("kind"), "« kind » doit valoir « quiz » ou « positioning »")
    return None


def _unique(items: list, src: p.Source, lines: list[int], what: str) -> None:
    seen: set = set()
    for i, item in enumerate(items):
        if item in seen:
            src.error(lines[i] if i < len(lines) else 1, f"{what} en double : « {item} »")
        seen.add(item)


def _quiz(src: p.Source, stem: str) -> Quiz | None:
    f = p.fields(src.front, QUIZ_SPEC, src, src.key_line, "quiz")
    if f.get("id") and f["id"] != stem:
        src.error(src.key_line("id"), "quiz : l'id doit être le nom du fichier")
    q_lines = _marker_lines(src, "[[questions]]")
    c_lines = _marker_lines(src, "[[questions.choices]]")
    raw_questions = f.get("questions", [])
    if not 6 <= len(raw_questions) <= 10:
        src.error(src.key_line("id"), f"quiz : 6 à 10 questions attendues (ici {len(raw_questions)})")
    questions = []
    choice_index = 0
    for i, raw in enumerate(raw_questions):
        line = q_lines[i] if i < len(q_lines) else 1
        n_choices = len(raw.get("choices", [])) if isinstance(raw, dict) else 0
        question = _question(src, raw, line, c_lines[choice_index:choice_index + n_choices], i + 1)
        choice_index += n_choices
        if question:
            questions.append(question)
    _unique([q.slug for q in questions], src, q_lines, "identifiant de question")
    if not p.complete(f, QUIZ_SPEC) or len(questions) != len(raw_questions):
        return None
    return Quiz(slug=f["id"], module_slug=f["module"], title=f["title"],
                pass_mark=f.get("pass_mark", DEFAULT_PASS_MARK), questions=tuple(questions))


def _question(src: p.Source, raw, line: int, choice_lines: list[int], n: int) -> Question | None:
    what = f"question {n}"
    if not isinstance(raw, dict):
        src.error(line, f"{what} : table [[questions]] attendue")
        return None
    f = p.fields(raw, QUESTION_SPEC, src, lambda _k: line, what)
    choices = []
    for j, rc in enumerate(f.get("choices", [])):
        cline = choice_lines[j] if j < len(choice_lines) else line
        if not isinstance(rc, dict):
            src.error(cline, f"{what}, choix {j + 1} : table [[questions.choices]] attendue")
            continue
        c = p.fields(rc, CHOICE_SPEC, src, lambda _k, cline=cline: cline, f"{what}, choix {j + 1}")
        if p.complete(c, CHOICE_SPEC):
            p.check_inline_ranges(c["feedback"], src, cline, f"{what}, choix {j + 1}")
            choices.append(Choice(c["id"], render_inline(c["text"]), c["correct"], render_inline(c["feedback"])))
    _unique([c.slug for c in choices], src, choice_lines, f"{what} : identifiant de choix")
    if not p.complete(f, QUESTION_SPEC):
        return None
    _check_choices(src, f["type"], choices, line, what)
    p.check_inline_ranges(f["explanation"], src, line, what)
    return Question(slug=f["id"], type=f["type"], prompt=render_inline(f["prompt"]),
                    explanation=render_inline(f["explanation"]),
                    sources=p.parse_ranges(f["sources"], src, line, what), choices=tuple(choices))


def _check_choices(src: p.Source, qtype: str, choices: list[Choice], line: int, what: str) -> None:
    n_correct = sum(c.correct for c in choices)
    if not 2 <= len(choices) <= 6:
        src.error(line, f"{what} : 2 à 6 choix attendus (ici {len(choices)})")
    if qtype in ("single", "truefalse") and n_correct != 1:
        src.error(line, f"{what} : une seule bonne réponse attendue pour le type {qtype} (ici {n_correct})")
    if qtype == "multiple" and n_correct < 1:
        src.error(line, f"{what} : au moins une bonne réponse attendue")
    if qtype == "truefalse" and sorted(c.slug for c in choices) != ["faux", "vrai"]:
        src.error(line, f"{what} : un vrai/faux a exactement les choix « vrai » et « faux »")


def _positioning(src: p.Source, stem: str) -> Positioning | None:
    f = p.fields(src.front, POSITIONING_SPEC, src, src.key_line, "positionnement")
    if f.get("id") and f["id"] != stem:
        src.error(src.key_line("id"), "positionnement : l'id doit être le nom du fichier")
    lines = _marker_lines(src, "[[statements]]")
    raw_statements = f.get("statements", [])
    if not 10 <= len(raw_statements) <= 15:
        src.error(src.key_line("id"), f"positionnement : 10 à 15 énoncés attendus (ici {len(raw_statements)})")
    statements = []
    for i, raw in enumerate(raw_statements):
        line = lines[i] if i < len(lines) else 1
        if not isinstance(raw, dict):
            src.error(line, f"énoncé {i + 1} : table [[statements]] attendue")
            continue
        s = p.fields(raw, STATEMENT_SPEC, src, lambda _k, line=line: line, f"énoncé {i + 1}")
        if p.complete(s, STATEMENT_SPEC):
            statements.append(Statement(s["id"], s["dimension"], render_inline(s["text"]),
                                        p.parse_ranges(s["sources"], src, line, f"énoncé {i + 1}")))
    _unique([s.slug for s in statements], src, lines, "identifiant d'énoncé")
    if not p.complete(f, POSITIONING_SPEC) or len(statements) != len(raw_statements):
        return None
    return Positioning(slug=f["id"], title=f["title"], intro=render_inline(f["intro"]),
                       statements=tuple(statements))

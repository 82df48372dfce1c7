"""Quality of the course as a trainer and a trainee meet it: quizzes that cannot be guessed,
feedback that explains, a caretakers' day that fits in one day, exercise durations that fit
their slot in the facilitator notes."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from training.content.loader import load_content

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "source" / "rapport-tat-2016.txt"
TAG = re.compile(r"<[^>]+>")


@pytest.fixture(scope="module")
def reg():
    return load_content(ROOT, REPORT)


def _questions(reg):
    return [(quiz.slug, q) for quiz in reg.quizzes.values() for q in quiz.questions]


def longest_is_correct_share(reg) -> tuple[int, int]:
    """(single-choice questions whose right answer is strictly the longest choice, all single-choice)."""
    singles = [q for _, q in _questions(reg) if q.type == "single"]
    hits = 0
    for q in singles:
        right = next(c for c in q.choices if c.correct)
        if all(len(right.text) > len(c.text) for c in q.choices if c is not right):
            hits += 1
    return hits, len(singles)


def truefalse_share(reg) -> tuple[int, int]:
    qs = _questions(reg)
    return sum(q.type == "truefalse" for _, q in qs), len(qs)


_BARE = re.compile(r"^\s*(oui|non|exact|faux|vrai|correct|bonne réponse|mauvaise réponse|c'est cela|non plus)"
                   r"\s*[.!:,;]?\s*$", re.I)


def bare_feedbacks(reg) -> list[str]:
    """Feedback that says only « Oui »/« Non » (or the like) and a source: no reason given."""
    bad = []
    for quiz_slug, q in _questions(reg):
        for c in q.choices:
            text = TAG.sub(" ", c.feedback)
            text = re.sub(r"\(?\s*(?:report:\d+-\d+|Source)[^)]*\)?", " ", text)
            words = re.findall(r"\w+", text)
            if _BARE.match(text) or len(words) < 6:
                bad.append(f"{quiz_slug}/{q.slug}/{c.slug}: {c.feedback[:60]}")
    return bad


def run_sheet_minutes(reg, path_slug: str) -> int:
    path = reg.paths[path_slug]
    return sum(step.minutes for slot in path.schedule for step in slot.steps)


_ROW = re.compile(r"^\|\s*(\d+)\s*min\s*\|(.*)$")


def _plain(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[«»\"*]", " ", text.replace("’", "'"))).strip().lower()


def slot_mismatches(reg) -> list[str]:
    """Exercises whose duration differs from the row that names them (by id or by title) in the
    facilitator notes' timetable (« Déroulé de la demi-journée »), or that no row names."""
    bad = []
    for module in reg.modules.values():
        text = (ROOT / "modules" / module.slug / "facilitator.md").read_text(encoding="utf-8")
        table = text.split("## Déroulé de la demi-journée", 1)[1].split("\n## ", 1)[0]
        rows = [(int(m.group(1)), _plain(m.group(2))) for m in map(_ROW.match, table.splitlines()) if m]
        for ex in reg.exercises_of(module):
            title = _plain(ex.title)
            short = title.split(" : ")[0] if len(title.split(" : ")[0]) >= 12 else title
            named = [mins for mins, row in rows if ex.slug in row or title in row or short in row]
            if not named:
                bad.append(f"{ex.slug}: aucun créneau ne le nomme dans {module.slug}/facilitator.md")
            elif any(mins != ex.duration_minutes for mins in named):
                bad.append(f"{ex.slug}: {ex.duration_minutes} min, créneau de {' / '.join(map(str, named))} min")
    return bad


def test_right_answer_is_the_longest_in_at_most_a_quarter_of_single_choice_questions(reg):
    hits, total = longest_is_correct_share(reg)
    assert total and hits / total <= 0.25, f"{hits}/{total} single-choice questions: the longest choice is right"


def test_true_false_questions_are_under_a_fifth(reg):
    tf, total = truefalse_share(reg)
    assert tf / total < 0.20, f"{tf}/{total} true/false questions"


def test_every_feedback_gives_a_reason(reg):
    bad = bare_feedbacks(reg)
    assert not bad, "Feedback without a reason:\n" + "\n".join(bad[:30])


def test_caretakers_day_run_sheet_fits_in_one_day(reg):
    minutes = run_sheet_minutes(reg, "gardiens")
    assert 360 <= minutes <= 450, f"run sheet of the caretakers' day: {minutes} min"
    assert len(reg.paths["gardiens"].schedule) == 2  # one morning, one afternoon


def _timetable(module_slug: str) -> list[int]:
    text = (ROOT / "modules" / module_slug / "facilitator.md").read_text(encoding="utf-8")
    table = text.split("## Déroulé de la demi-journée", 1)[1].split("\n## ", 1)[0]
    return [int(m.group(1)) for m in map(_ROW.match, table.splitlines()) if m]


def test_caretakers_modules_and_facilitator_notes_follow_the_run_sheet(reg):
    for slot in reg.paths["gardiens"].schedule:
        assert slot.steps, f"{slot.label}: no run sheet"
        assert sum(reg.modules[m].duration_minutes for m in slot.module_slugs) == slot.run_minutes
        assert [m for ms in (_timetable(m) for m in slot.module_slugs) for m in ms] == \
            [step.minutes for step in slot.steps], f"{slot.label}: facilitator timetable differs from the run sheet"
        for step in slot.steps:
            for ex in step.exercise_slugs:
                assert reg.exercises[ex].duration_minutes == step.minutes, ex
    quizzes = [reg.quizzes[reg.modules[m].quiz_slug] for m in reg.paths["gardiens"].module_slugs]
    prompts = " ".join(q.prompt for quiz in quizzes for q in quiz.questions)
    assert not re.search(r"\b(19|20)\d\d\b|Marseille|\d+ ?%", prompts), "trivia in the caretakers' quizzes"


@pytest.fixture
def app(make_app):
    return make_app(CONTENT_ROOT=str(ROOT))


def test_trainer_prints_the_caretakers_day_as_one_timed_day(client, login, make_user):
    login(make_user("trainer"))
    html = client.get("/animation/parcours/gardiens").get_data(as_text=True)
    assert "09:00–12:15, soit 195\u00a0min" in html or "09:00–12:15, soit 195 min" in html
    assert "13:30–16:35" in html and "Feuille de route" in html
    assert html.count("<tr>") >= 17 + 2  # every sequence of the run sheet is printed
    assert "Quelqu'un dans l'escalier" in html.replace("&#39;", "'").replace("’", "'")
    assert "Accueil et règles du groupe" in html and html.count("Accueil et règles du groupe") == 2  # sheet + morning notes


def test_every_exercise_duration_matches_its_slot_in_the_facilitator_notes(reg):
    bad = slot_mismatches(reg)
    assert not bad, "\n".join(bad)
    totals = {m.slug: (m.duration_minutes, sum(_timetable(m.slug))) for m in reg.modules.values()}
    assert all(a == b for a, b in totals.values()), totals  # the timetable adds up to the module's duration


def test_content_check_names_a_run_sheet_that_is_not_continuous_or_cites_a_foreign_exercise(tmp_path):
    import shutil

    from training.content.parsing import ContentInvalid

    for folder in ("modules", "quizzes"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    path = tmp_path / "modules" / "paths" / "gardiens.md"
    text = path.read_text(encoding="utf-8")
    text = text.replace('start = "09:20"', 'start = "09:25"', 1)
    text = text.replace('exercises = ["gardiens-hall"]', 'exercises = ["cadre-de-vie-chantier"]', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ContentInvalid) as exc:
        load_content(tmp_path, REPORT)
    errors = "\n".join(map(str, exc.value.errors))
    assert "modules/paths/gardiens.md" in errors
    assert "« Échauffement » doit commencer à 09:20" in errors
    assert "« cadre-de-vie-chantier »" in errors


def test_fiches_actions_publish_no_personal_email_address(client, login, make_user):
    """The report printed named people's own addresses; the library keeps only the structures' ones."""
    login(make_user("trainee"))
    structural = {"association.reseaux.13@wanadoo.fr", "busserine@wanadoo.fr", "incitta.asso@gmail.com",
                  "sante-prevention@mairie-marseille.fr"}
    found = set()
    for number in range(1, 12):
        html = client.get(f"/fiches-actions/{number}").get_data(as_text=True)
        found |= set(re.findall(r"[\w.+-]+@[\w-]+\.[\w.-]+\w", html))
    assert found and found <= structural, found - structural


def test_updates_since_2016_are_dated_and_sourced_on_the_resources_page(client, login, make_user):
    login(make_user("trainee"))
    html = client.get("/pages/ressources").get_data(as_text=True).replace("\u00a0", " ")
    assert html.count("Mise à jour au 1er décembre 2026") >= 6
    for fact in ("Code de la justice pénale des mineurs", "30 septembre 2021", "amende forfaitaire délictuelle",
                 "Observatoire français des drogues et des tendances addictives", "Engagements Quartiers 2030",
                 "Métropole Aix-Marseille-Provence", "2005-347 du 14 avril 2005"):
        assert fact in html, fact
    assert "ordonnance du 2 février 1945" in html  # the 2016 frame stays, as the report's

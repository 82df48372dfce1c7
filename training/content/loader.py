"""Walks the content folders, builds every record, checks cross-references, returns the Registry."""
from __future__ import annotations

from pathlib import Path

from . import parsing as p
from .documents import (build_exercise, build_facilitator, build_fiche_action, build_module, build_page,
                        build_path, exercise_headings_in_notes)
from .model import Positioning, Quiz, Registry, Report
from .quizzes import build_quiz_file

WORDLIST = "wordlist.txt"


def load_report(path: Path) -> Report:
    return Report(tuple(path.read_text(encoding="utf-8").splitlines()))


class _Walk:
    def __init__(self, root: Path, report: Report):
        self.root = root
        self.report = report
        self.errors: list[p.ContentError] = []
        self.modules: dict = {}
        self.exercises: dict = {}
        self.facilitator: dict = {}
        self.quizzes: dict = {}
        self.positionings: dict = {}
        self.paths: dict = {}
        self.library: dict = {}
        self.pages: dict = {}
        self.notes_headings: dict[str, tuple[p.Source, list]] = {}

    def source(self, path: Path) -> p.Source:
        return p.Source(path, str(path.relative_to(self.root)), self.errors, len(self.report.lines))

    def stray(self, path: Path, hint: str) -> None:
        self.errors.append(p.ContentError(str(path.relative_to(self.root)), 1, f"fichier inattendu ({hint})"))

    def walk_modules(self, folder: Path) -> None:
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(".") or entry.name in ("README.md", WORDLIST):
                continue
            if entry.is_file():
                self.stray(entry, "un module est un dossier contenant module.md")
            elif entry.name == "paths":
                self.walk_flat(entry, ".md", self.add_path)
            elif entry.name == "library":
                self.walk_flat(entry, ".md", self.add_fiche_action)
            elif entry.name == "pages":
                self.walk_flat(entry, ".md", self.add_page)
            else:
                self.walk_module(entry)

    def walk_flat(self, folder: Path, ext: str, add) -> None:
        for entry in sorted(folder.iterdir()):
            if entry.name == WORDLIST or entry.name.startswith("."):
                continue
            if entry.is_file() and entry.suffix == ext:
                add(entry)
            else:
                self.stray(entry, f"seuls des fichiers {ext} sont attendus ici")

    def walk_module(self, folder: Path) -> None:
        slug = folder.name
        expected = {"module.md", "facilitator.md", "exercises", WORDLIST}
        for entry in sorted(folder.iterdir()):
            if entry.name not in expected and not entry.name.startswith("."):
                self.stray(entry, "un dossier de module contient module.md, facilitator.md, exercises/ et wordlist.txt")
        module_file = folder / "module.md"
        if not module_file.is_file():
            self.errors.append(p.ContentError(str(folder.relative_to(self.root)), 1, "module.md manquant"))
            return
        module = build_module(self.source(module_file), slug)
        if module:
            self.put(self.modules, module.slug, module, module_file)
        notes_file = folder / "facilitator.md"
        if notes_file.is_file():
            src = self.source(notes_file)
            notes = build_facilitator(src, slug)
            if notes:
                self.facilitator[slug] = notes
                self.notes_headings[slug] = (src, exercise_headings_in_notes(src.text))
        else:
            self.errors.append(p.ContentError(str(module_file.relative_to(self.root)), 1,
                                              "facilitator.md (notes d'animation) manquant"))
        ex_folder = folder / "exercises"
        if ex_folder.is_dir():
            self.walk_flat(ex_folder, ".md", lambda path: self.add_exercise(path, slug))

    def put(self, table: dict, key, value, path: Path) -> None:
        if key in table:
            self.errors.append(p.ContentError(str(path.relative_to(self.root)), 1, f"identifiant en double : « {key} »"))
        table[key] = value

    def add_exercise(self, path: Path, module_slug: str) -> None:
        ex = build_exercise(self.source(path), module_slug, path.stem)
        if ex:
            self.put(self.exercises, ex.slug, ex, path)

    def add_path(self, path: Path) -> None:
        lp = build_path(self.source(path), path.stem)
        if lp:
            self.put(self.paths, lp.slug, (lp, path), path)

    def add_fiche_action(self, path: Path) -> None:
        fa = build_fiche_action(self.source(path), path.stem)
        if fa:
            self.put(self.library, fa.number, fa, path)

    def add_page(self, path: Path) -> None:
        page = build_page(self.source(path), path.stem)
        if page:
            self.put(self.pages, page.slug, page, path)

    def walk_quizzes(self, folder: Path) -> None:
        for entry in sorted(folder.iterdir()):
            if entry.name.startswith(".") or entry.name == WORDLIST:
                continue
            if not (entry.is_file() and entry.suffix == ".toml"):
                self.stray(entry, "seuls des fichiers .toml sont attendus dans quizzes/")
                continue
            item = build_quiz_file(self.source(entry), entry.stem)
            if isinstance(item, Quiz):
                self.put(self.quizzes, item.slug, (item, entry), entry)
            elif isinstance(item, Positioning):
                self.put(self.positionings, item.slug, item, entry)


def _cross_check(w: _Walk) -> dict[int, tuple[str, ...]]:
    def err(path: Path, line: int, msg: str) -> None:
        w.errors.append(p.ContentError(str(path.relative_to(w.root)), line, msg))

    back: dict[int, list[str]] = {}
    for module in w.modules.values():
        path = w.root / "modules" / module.slug / "module.md"
        src = w.source(path)
        src.front_lines = path.read_text(encoding="utf-8").splitlines()[1:]
        for slug in module.exercise_slugs:
            if slug not in w.exercises or w.exercises[slug].module_slug != module.slug:
                err(path, src.key_line("exercises"), f"exercice « {slug} » introuvable dans {module.slug}/exercises/")
        quiz = w.quizzes.get(module.quiz_slug)
        if not quiz:
            err(path, src.key_line("quiz"), f"quiz « {module.quiz_slug} » introuvable dans quizzes/")
        elif quiz[0].module_slug != module.slug:
            err(path, src.key_line("quiz"), f"le quiz « {module.quiz_slug} » appartient à un autre module")
        for n in module.fiches_actions:
            if n not in w.library:
                err(path, src.key_line("fiches_actions"), f"fiche-action n° {n} introuvable dans library/")
            back.setdefault(n, []).append(module.slug)
        if module.slug in w.notes_headings:
            notes_src, headings = w.notes_headings[module.slug]
            named = {h for _, h in headings}
            for line, h in headings:
                if h not in module.exercise_slugs:
                    notes_src.error(line, f"« {h} » n'est pas un exercice de ce module")
            for slug in module.exercise_slugs:
                if slug not in named:
                    notes_src.error(1, f"« Conduite des exercices » n'a pas de « ### {slug} »")
    for slug, ex in w.exercises.items():
        module = w.modules.get(ex.module_slug)
        if module and slug not in module.exercise_slugs:
            err(w.root / "modules" / ex.module_slug / "exercises" / f"{slug}.md", 1,
                f"l'exercice n'est pas listé dans « exercises » de {ex.module_slug}/module.md")
    for quiz, path in w.quizzes.values():
        if quiz.module_slug not in w.modules:
            err(path, 1, f"module « {quiz.module_slug} » introuvable")
    for lp, path in w.paths.values():
        _check_path(w, lp, path, err)
    return {n: tuple(v) for n, v in back.items()}


def _check_path(w: _Walk, lp, path: Path, err) -> None:
    for slug in lp.module_slugs:
        if slug not in w.modules:
            err(path, 1, f"parcours : module « {slug} » introuvable")
    if lp.positioning_slug and lp.positioning_slug not in w.positionings:
        err(path, 1, f"parcours : questionnaire de positionnement « {lp.positioning_slug} » introuvable")
    scheduled = [m for slot in lp.schedule for m in slot.module_slugs]
    if set(scheduled) != set(lp.module_slugs):
        err(path, 1, "parcours : le programme (schedule) doit placer chaque module du parcours, et eux seuls")
    for slot in lp.schedule:
        for step in slot.steps:
            for ex_slug in step.exercise_slugs:
                ex = w.exercises.get(ex_slug)
                if ex is None or ex.module_slug not in slot.module_slugs:
                    err(path, 1, f"parcours : la séquence « {step.title} » cite l'exercice « {ex_slug} », "
                                 f"qui n'est pas un exercice des modules du créneau « {slot.label} »")
                elif not set(lp.audiences) & set(ex.audiences):
                    err(path, 1, f"parcours : l'exercice « {ex_slug} » n'est pas destiné au public du parcours")


def load_content(root: Path, report_path: Path) -> Registry:
    """Load and validate `root/modules` and `root/quizzes`; raise ContentInvalid with every error."""
    report = load_report(report_path)
    w = _Walk(root, report)
    for name, walker in (("modules", w.walk_modules), ("quizzes", w.walk_quizzes)):
        folder = root / name
        if folder.is_dir():
            walker(folder)
        else:
            w.errors.append(p.ContentError(name, 0, "dossier introuvable"))
    back = _cross_check(w)
    if w.errors:
        raise p.ContentInvalid(w.errors)
    return Registry.build(
        modules=w.modules, exercises=w.exercises, facilitator=w.facilitator,
        quizzes={k: v[0] for k, v in w.quizzes.items()}, positionings=w.positionings,
        paths={k: v[0] for k, v in w.paths.items()}, fiches_actions=w.library, pages=w.pages,
        report=report, fiche_action_modules=back)

"""Builders for the Markdown content files: modules, exercises, facilitator notes, paths, library, pages."""
from __future__ import annotations

import re

from . import parsing as p
from .model import (AUDIENCES, Exercise, FacilitatorNotes, FicheAction, LearningPath, Module, Page,
                    ScheduleSlot, Section)
from .render import render_block, render_inline
from .runsheet import build_steps

FICHE_KINDS = ("quoi", "qui", "effets", "comment", "methodes", "conditions", "exemples", "questionner")
SECTION_KINDS = (*FICHE_KINDS, "retenir", "contenu")
LIBRARY_KINDS = ("probleme", "acteurs", "objectifs", "questions", "contacts")
EXERCISE_HEADINGS = ("Situation", "Consigne", "Questions", "Repères pour le débriefing")
FACILITATOR_HEADINGS = ("Déroulé de la demi-journée", "Conduite des exercices",
                        "Réactions attendues et points de vigilance", "Messages clés",
                        "Adapter pour les gardiens d'immeubles")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(.*)$")

MODULE_SPEC = {
    "id": (str, True, p.slug_check),
    "title": (str, True, p.text_check(3, 120)),
    "summary": (str, True, p.text_check(10, 300)),
    "fiche": (int, False, p.int_check(1, 6)),
    "audiences": (list, True, p.str_list_check(1, 2, AUDIENCES)),
    "duration_minutes": (int, True, p.int_check(30, 960)),
    "objectives": (list, True, p.str_list_check(3, 5)),
    "sources": (list, True, None),
    "fiches_actions": (list, True, None),
    "exercises": (list, True, p.str_list_check(2, 12)),
    "quiz": (str, True, p.slug_check),
}
EXERCISE_SPEC = {
    "id": (str, True, p.slug_check),
    "title": (str, True, p.text_check(3, 120)),
    "audiences": (list, True, p.str_list_check(1, 2, AUDIENCES)),
    "duration_minutes": (int, True, p.int_check(5, 240)),
    "sources": (list, True, None),
}
PATH_SPEC = {
    "id": (str, True, p.slug_check),
    "title": (str, True, p.text_check(3, 120)),
    "audiences": (list, True, p.str_list_check(1, 2, AUDIENCES)),
    "modules": (list, True, p.str_list_check(1, 30)),
    "positioning": (str, True, None),
    "schedule": (list, True, None),
}
SLOT_SPEC = {
    "label": (str, True, p.text_check(2, 80)),
    "modules": (list, True, p.str_list_check(1, 10)),
    "steps": (list, False, None),  # the run sheet, see runsheet.py
}
LIBRARY_SPEC = {
    "number": (int, True, p.int_check(1, 99)),
    "title": (str, True, p.text_check(3, 160)),
    "sources": (list, True, None),
}
PAGE_SPEC = {"id": (str, True, p.slug_check), "title": (str, True, p.text_check(3, 120)),
             "sources": (list, True, None)}


def _text(lines: list[str]) -> str:
    return "\n".join(lines).strip()


def _sections(src: p.Source, raws: list[p.RawSection], allowed_kinds: tuple[str, ...]) -> tuple[Section, ...]:
    seen: set[str] = set()
    out = []
    for raw in raws:
        slug = raw.attrs.get("id", "")
        kind = raw.attrs.get("kind", "contenu")
        if slug in seen:
            src.error(raw.line, f"identifiant de section en double : « {slug} »")
        seen.add(slug)
        if kind not in allowed_kinds:
            src.error(raw.line, f"type de section inconnu « {kind} » (permis : {', '.join(allowed_kinds)})")
        body = _text(raw.body)
        if not body:
            src.error(raw.line, f"la section « {raw.title} » est vide")
        for k, line in enumerate(raw.body, start=raw.line + 1):
            p.check_inline_ranges(line, src, k, "renvoi au rapport")
        out.append(Section(slug, raw.title, kind, raw.ranges, render_block(body)))
    return tuple(out)


def _kinds_in_order(src: p.Source, sections: tuple[Section, ...], kinds: tuple[str, ...], line: int) -> None:
    got = [s.kind for s in sections if s.kind in kinds]
    if got != list(kinds):
        missing = [k for k in kinds if k not in got]
        detail = f"manquantes : {', '.join(missing)}" if missing else "ordre ou doublon incorrect"
        src.error(line, f"les sections doivent couvrir, dans l'ordre, {', '.join(kinds)} ({detail})")


def build_module(src: p.Source, folder: str) -> Module | None:
    if not p.split_front_matter(src):
        return None
    f = p.fields(src.front, MODULE_SPEC, src, src.key_line, "module")
    if f.get("id") and f["id"] != folder:
        src.error(src.key_line("id"), f"module : l'id « {f['id']} » doit être le nom du dossier « {folder} »")
    preamble, raws = p.split_sections(src, with_attrs=True)
    if _text(preamble):
        src.error(src.body_start, "du texte précède la première section « ## … »")
    sections = _sections(src, raws, SECTION_KINDS)
    if not sections:
        src.error(src.body_start, "le module n'a aucune section « ## … »")
        return None
    if f.get("fiche"):
        _kinds_in_order(src, sections, FICHE_KINDS, src.key_line("fiche"))
    retenir = [s for s in sections if s.kind == "retenir"]
    if len(retenir) != 1 or sections[-1].kind != "retenir":
        src.error(raws[-1].line, "le module doit finir par une seule section kind=retenir")
    else:
        items = [ln for ln in raws[-1].body if LIST_ITEM.match(ln)]
        if not 1 <= len(items) <= 5:
            src.error(raws[-1].line, f"« À retenir » doit être une liste de 1 à 5 lignes (ici {len(items)})")
    fa = f.get("fiches_actions", [])
    if not all(isinstance(n, int) and not isinstance(n, bool) for n in fa):
        src.error(src.key_line("fiches_actions"), "module : « fiches_actions » doit être une liste de numéros")
        fa = []
    if not p.complete(f, MODULE_SPEC) or ("fiche" in src.front and "fiche" not in f):
        return None
    return Module(
        slug=f["id"], title=f["title"], summary=f["summary"], fiche=f.get("fiche"),
        audiences=tuple(f["audiences"]), duration_minutes=f["duration_minutes"],
        objectives=tuple(f["objectives"]),
        sources=p.parse_ranges(f["sources"], src, src.key_line("sources"), "module"),
        fiches_actions=tuple(fa), exercise_slugs=tuple(f["exercises"]), quiz_slug=f["quiz"],
        sections=sections)


def _list_items(src: p.Source, raw: p.RawSection) -> list[tuple[int, str]]:
    items: list[tuple[int, str]] = []
    for k, line in enumerate(raw.body, start=raw.line + 1):
        m = LIST_ITEM.match(line)
        if m:
            items.append((k, m.group(1).strip()))
        elif line.strip() and items:
            items[-1] = (items[-1][0], items[-1][1] + " " + line.strip())
        elif line.strip():
            src.error(k, f"« {raw.title} » doit être une liste (« - » ou « 1. »)")
    return items


def build_exercise(src: p.Source, module_slug: str, stem: str) -> Exercise | None:
    if not p.split_front_matter(src):
        return None
    f = p.fields(src.front, EXERCISE_SPEC, src, src.key_line, "exercice")
    if f.get("id") and (f["id"] != stem or not f["id"].startswith(module_slug + "-")):
        src.error(src.key_line("id"), f"exercice : l'id doit être le nom du fichier et commencer par « {module_slug}- »")
    preamble, raws = p.split_sections(src, with_attrs=False)
    titles = tuple(r.title for r in raws)
    if titles != EXERCISE_HEADINGS:
        src.error(raws[0].line if raws else src.body_start,
                  f"l'exercice doit avoir les titres « ## » {' · '.join(EXERCISE_HEADINGS)}, dans cet ordre")
        return None
    situation, consigne, questions_raw, debrief_raw = raws
    for raw in (situation, consigne):
        if not _text(raw.body):
            src.error(raw.line, f"la partie « {raw.title} » est vide")
    questions = _list_items(src, questions_raw)
    if not 2 <= len(questions) <= 4:
        src.error(questions_raw.line, f"2 à 4 questions attendues (ici {len(questions)})")
    debrief = _list_items(src, debrief_raw)
    if len(debrief) < 3:
        src.error(debrief_raw.line, f"au moins 3 repères de débriefing attendus (ici {len(debrief)})")
    for line, item in debrief:
        if not p.check_inline_ranges(item, src, line, "repère"):
            src.error(line, "chaque repère de débriefing doit citer une plage report:début-fin")
    for raw in raws:
        for k, line in enumerate(raw.body, start=raw.line + 1):
            if raw is not debrief_raw:
                p.check_inline_ranges(line, src, k, "renvoi au rapport")
    if not p.complete(f, EXERCISE_SPEC):
        return None
    return Exercise(
        slug=f["id"], module_slug=module_slug, title=f["title"], audiences=tuple(f["audiences"]),
        duration_minutes=f["duration_minutes"],
        sources=p.parse_ranges(f["sources"], src, src.key_line("sources"), "exercice"),
        situation_html=render_block(_text(situation.body)), consigne_html=render_block(_text(consigne.body)),
        questions=tuple(render_inline(q) for _, q in questions),
        debrief=tuple(render_inline(d) for _, d in debrief))


def build_facilitator(src: p.Source, module_slug: str) -> FacilitatorNotes | None:
    if not p.split_front_matter(src):
        return None
    f = p.fields(src.front, {"module": (str, True, None)}, src, src.key_line, "notes d'animation")
    if f.get("module") and f["module"] != module_slug:
        src.error(src.key_line("module"), f"notes d'animation : « module » doit valoir « {module_slug} »")
    _, raws = p.split_sections(src, with_attrs=False)
    if tuple(r.title for r in raws) != FACILITATOR_HEADINGS:
        src.error(raws[0].line if raws else src.body_start,
                  f"les notes d'animation doivent avoir les titres « ## » {' · '.join(FACILITATOR_HEADINGS)}, dans cet ordre")
        return None
    sections = []
    for i, raw in enumerate(raws):
        body = _text(raw.body)
        if not body:
            src.error(raw.line, f"la partie « {raw.title} » est vide")
        sections.append(Section(f"partie-{i + 1}", raw.title, "contenu", (), render_block(body)))
    return FacilitatorNotes(module_slug, tuple(sections))


def exercise_headings_in_notes(src_text: str) -> list[tuple[int, str]]:
    """The `### <exercise-id>` headings under « Conduite des exercices », with their lines."""
    out, inside = [], False
    for i, line in enumerate(src_text.splitlines(), start=1):
        if line.startswith("## "):
            inside = line[3:].strip() == "Conduite des exercices"
        elif inside and line.startswith("### "):
            out.append((i, line[4:].strip()))
    return out


def build_path(src: p.Source, stem: str) -> LearningPath | None:
    if not p.split_front_matter(src):
        return None
    f = p.fields(src.front, PATH_SPEC, src, src.key_line, "parcours")
    if f.get("id") and f["id"] != stem:
        src.error(src.key_line("id"), "parcours : l'id doit être le nom du fichier")
    slots, n_steps = [], 0
    for i, slot in enumerate(f.get("schedule", [])):
        line = src.key_line("schedule")
        if not isinstance(slot, dict):
            src.error(line, "parcours : chaque [[schedule]] doit être une table")
            continue
        s = p.fields(slot, SLOT_SPEC, src, lambda _k, i=i: _nth_line(src, "[[schedule]]", i), f"créneau {i + 1}")
        steps = build_steps(src, s.get("steps", []), n_steps, lambda marker, n: _nth_line(src, marker, n))
        n_steps += len(s.get("steps", [])) if isinstance(s.get("steps"), list) else 0
        if p.complete(s, SLOT_SPEC):
            slots.append(ScheduleSlot(s["label"], tuple(s["modules"]), steps))
    if not p.complete(f, PATH_SPEC):
        return None
    return LearningPath(slug=f["id"], title=f["title"], audiences=tuple(f["audiences"]),
                        module_slugs=tuple(f["modules"]), positioning_slug=f["positioning"],
                        schedule=tuple(slots), intro_html=render_block(_text(src.body)))


def _nth_line(src: p.Source, marker: str, n: int) -> int:
    hits = [i for i, ln in enumerate(src.front_lines, start=2) if ln.strip() == marker]
    return hits[n] if n < len(hits) else 1


def build_fiche_action(src: p.Source, stem: str) -> FicheAction | None:
    if not p.split_front_matter(src):
        return None
    f = p.fields(src.front, LIBRARY_SPEC, src, src.key_line, "fiche-action")
    if f.get("number") and stem != f"fa-{f['number']:02d}":
        src.error(src.key_line("number"), f"fiche-action : le fichier doit s'appeler fa-{f['number']:02d}.md")
    _, raws = p.split_sections(src, with_attrs=True)
    sections = _sections(src, raws, LIBRARY_KINDS)
    _kinds_in_order(src, sections, LIBRARY_KINDS, src.body_start)
    if not p.complete(f, LIBRARY_SPEC):
        return None
    return FicheAction(number=f["number"], title=f["title"],
                       sources=p.parse_ranges(f["sources"], src, src.key_line("sources"), "fiche-action"),
                       sections=sections)


def build_page(src: p.Source, stem: str) -> Page | None:
    if not p.split_front_matter(src):
        return None
    f = p.fields(src.front, PAGE_SPEC, src, src.key_line, "page")
    if f.get("id") and f["id"] != stem:
        src.error(src.key_line("id"), "page : l'id doit être le nom du fichier")
    _, raws = p.split_sections(src, with_attrs=True)
    sections = _sections(src, raws, SECTION_KINDS)
    if not p.complete(f, PAGE_SPEC):
        return None
    return Page(slug=f["id"], title=f["title"],
                sources=p.parse_ranges(f["sources"], src, src.key_line("sources"), "page"), sections=sections)

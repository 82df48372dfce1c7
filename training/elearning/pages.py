"""Render the package's pages from the loaded content objects with the package templates.

Every page goes through `localise`: the report links the content renders for the web app
(`/source/F-L#lF`, see content.render.source_href) become package files showing the cited
lines only, and any outside link is reduced to its text, so no request leaves the package.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from ..content.model import Module, Registry
from ..content.render import source_href

SOURCE_LINK = re.compile(r'href="/source/(\d+)-(\d+)(?:#l\d+)?"')
OUTSIDE_LINK = re.compile(r'<a\b[^>]*href="(?:https?:)?//[^"]*"[^>]*>(.*?)</a>', re.S)
PACKAGE_LINK = re.compile(r'(?:href|src)="([^"#]+)')


@dataclass
class Page:
    """One rendered file and the report passages it cites."""

    name: str
    html: str
    cited: set[tuple[int, int]] = field(default_factory=set)

    @property
    def links(self) -> set[str]:
        return {m for m in PACKAGE_LINK.findall(self.html) if not m.startswith(("javascript:", "data:"))}


def localise(name: str, html: str) -> Page:
    prefix = "../" * name.count("/")
    cited: set[tuple[int, int]] = set()

    def to_file(m: re.Match) -> str:
        first, last = int(m.group(1)), int(m.group(2))
        cited.add((first, last))
        return f'href="{prefix}sources/{first}-{last}.html" target="_blank"'

    html = OUTSIDE_LINK.sub(r"\1", html)
    return Page(name, SOURCE_LINK.sub(to_file, html), cited)


def module_config(course: str, m: Module, reg: Registry) -> str:
    """What the runtime needs: slugs, the pass mark and the right answers (scored in the browser)."""
    quiz = reg.quizzes.get(m.quiz_slug)
    data = {
        "course": course, "module": m.slug, "sections": [s.slug for s in m.sections],
        "exercises": list(m.exercise_slugs),
        "quiz": None if quiz is None else {
            "pass": quiz.pass_mark,
            "questions": [{"slug": q.slug, "correct": sorted(q.correct_slugs)} for q in quiz.questions]},
    }
    # Safe inside <script type="application/json">: no "</" can close the element.
    return json.dumps(data, ensure_ascii=False, sort_keys=True).replace("</", "<\\/")


def render_module(env, reg: Registry, course: str, m: Module, nav: dict, offline: bool) -> Page:
    template = env.get_template("elearning/module.html")
    html = template.render(m=m, exercises=reg.exercises_of(m), quiz=reg.quizzes.get(m.quiz_slug), nav=nav,
                           offline=offline, config=module_config(course, m, reg), source_href=source_href,
                           root="")
    return localise(f"{m.slug}.html", html)


def render_source(env, reg: Registry, first: int, last: int) -> Page:
    lines = [(n, reg.report.lines[n - 1]) for n in range(first, last + 1)]
    html = env.get_template("elearning/source.html").render(lines=lines, first=first, last=last, root="../")
    return localise(f"sources/{first}-{last}.html", html)


def render_index(env, title: str, intro_html: str, modules: list[Module]) -> Page:
    html = env.get_template("elearning/index.html").render(title=title, intro_html=intro_html, modules=modules,
                                                           root="")
    return localise("index.html", html)

"""What the benchmark measures: each target is a request a real user makes, built per user and iteration."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from . import seed


@dataclass
class Target:
    name: str
    who: str  # "trainee", "trainer", "anonymous" or "hello"
    make: Callable  # (user, i) -> (method, path, form, json_body)
    heavy: bool = False  # fewer connections, shorter runs, first round only (PDF, export, login)
    large: bool = True  # also measured on the large dataset


def _get(path: str):
    return lambda u, i: ("GET", path, None, None)


def _login(u, i):
    u.cookies = dict(u.anon)  # every request is a fresh login, never an already signed-in session
    return "POST", "/connexion", {"email": u.login_email, "password": seed.PASSWORD}, None


def scorm_path(app) -> str | None:
    """The download of the full path's SCORM 2004 package, as a trainer clicks it on the path page."""
    if "elearning.path_package" not in app.view_functions:
        return None
    with app.test_request_context():
        from flask import url_for

        return url_for("elearning.path_package", slug=seed.PATH, fmt="scorm2004")


def targets(reg, scorm: str | None) -> list[Target]:
    path = reg.paths[seed.PATH]
    module = reg.modules[path.module_slugs[0]]
    exercises = module.exercise_slugs
    draft_ex, submit_ex = exercises[-1], exercises[0]
    out = [
        Target("hello world (reference)", "hello", _get("/")),
        Target("20 KB Jinja page (reference)", "hello", _get("/page")),
        Target("signed-in static page (floor)", "trainee", _get("/confidentialite")),
        Target("module page", "trainee", _get(f"/modules/{module.slug}")),
        Target("home", "trainee", _get("/")),
        Target("quiz page", "trainee", _get(f"/quiz/{module.quiz_slug}")),
        Target("exercise page", "trainee", _get(f"/exercices/{submit_ex}")),
        Target("autosave POST", "trainee", lambda u, i: (
            "POST", f"/exercices/{draft_ex}/brouillon", None,
            json.dumps({"text": f"brouillon numéro {i} de {u.email}", "revision": None}).encode())),
        Target("reflection submit", "trainee", lambda u, i: (
            "POST", f"/exercices/{submit_ex}", {"text": f"réponse numéro {i} : une situation décrite sans nom.",
                                                "revision": "0", "force": "y", "action": "submit"}, None)),
        Target("dashboard, 30 × 8 modules", "trainer", _get("/cohortes/1/tableau-de-bord")),
        Target("attendance sheet, 30 signed", "trainer", _get("/seances/1")),
        Target("PDF émargement of the cohort", "trainer", _get("/cohortes/1/emargement.pdf"), heavy=True,
               large=False),
        Target("login", "anonymous", _login, heavy=True, large=False),
    ]
    if scorm:
        out.insert(-1, Target("SCORM export, full path", "trainer", _get(scorm), heavy=True, large=False))
    return out

"""What the benchmark measures: each target is a request a real user makes, built per user and iteration."""
from __future__ import annotations

import importlib.util
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
    """The SCORM export of the full path, once training.elearning exists."""
    if importlib.util.find_spec("training.elearning") is None:
        return None
    for rule in app.url_map.iter_rules():
        if "scorm" in rule.rule.lower() and "GET" in rule.methods:
            values = {a: seed.PATH if a in ("slug", "path_slug") else 1 for a in rule.arguments}
            try:
                with app.test_request_context():
                    from flask import url_for
                    return url_for(rule.endpoint, **values)
            except Exception:  # an export whose URL needs what we cannot guess: left out, and said so
                return None
    return None


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

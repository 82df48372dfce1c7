"""Every main page of every role at a phone, tablet and desktop width: no sideways scroll, no serious
or critical axe-core violation, one h1, and a screenshot of each in test-artifacts/gallery/ with an
index page.

Pages come from the PAGES table: add a row to cover a new page. A path may hold `{cohort}`,
`{session}`, `{participant}` (the demo cohort's first session and its caretaker without an
account) and `{attempt}` (the trainee's quiz attempt made before the visit).
"""
from __future__ import annotations

import html
import json
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT, login, serve

pytestmark = pytest.mark.browser

AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
GALLERY = ARTIFACTS / "gallery"
WIDTHS = (390, 768, 1280)
BLOCKING = {"serious", "critical"}
ACCOUNTS = {"stagiaire": "stagiaire@demo.test", "formatrice": "formatrice@demo.test", "admin": "admin@demo.test"}


class Page(NamedTuple):
    role: str  # "anonyme", or a key of ACCOUNTS
    name: str  # file name of the screenshots
    path: str
    title: str  # what the index says


PAGES = (
    Page("anonyme", "connexion", "/connexion", "Connexion"),
    Page("anonyme", "confidentialite", "/confidentialite", "Confidentialité"),
    Page("anonyme", "accessibilite", "/accessibilite", "Accessibilité"),
    Page("anonyme", "inscription", "/rejoindre/{join_code}", "Créer son compte avec le lien du groupe"),
    Page("anonyme", "emarger", "/emarger", "Émarger avec un code"),
    Page("anonyme", "reinitialisation-invalide", "/reinitialiser/inconnu", "Lien de réinitialisation invalide"),
    Page("anonyme", "introuvable", "/nulle-part", "Page introuvable (404)"),
    Page("anonyme", "verifier", "/verifier", "Vérifier un document"),
    Page("stagiaire", "accueil", "/", "Accueil du stagiaire"),
    Page("stagiaire", "parcours", "/parcours/parcours-complet", "Parcours complet"),
    Page("stagiaire", "parcours-gardiens", "/parcours/gardiens", "Parcours des gardiens d'immeubles"),
    Page("stagiaire", "module", "/modules/comprendre", "Module"),
    Page("stagiaire", "module-gardiens", "/modules/gardiens", "Module des gardiens"),
    Page("stagiaire", "exercice", "/exercices/comprendre-quatre-domaines", "Étude de cas, réponse soumise"),
    Page("stagiaire", "quiz", "/quiz/comprendre", "Quiz"),
    Page("stagiaire", "quiz-resultat", "/quiz/comprendre/resultat/{attempt}", "Résultat du quiz"),
    Page("stagiaire", "positionnement", "/positionnement/positionnement/debut", "Positionnement de début"),
    Page("stagiaire", "positionnement-fin", "/positionnement/positionnement/fin", "Positionnement de fin, pas encore ouvert"),
    Page("stagiaire", "positionnement-comparaison", "/positionnement/positionnement", "Positionnement comparé"),
    Page("stagiaire", "journal", "/journal", "Mon journal"),
    Page("stagiaire", "fiches-actions", "/fiches-actions", "Fiches-actions"),
    Page("stagiaire", "fiche-action", "/fiches-actions/2", "Une fiche-action"),
    Page("stagiaire", "ressources", "/pages/ressources", "Ressources"),
    Page("stagiaire", "source", "/source/322-325", "Passage du rapport"),
    Page("stagiaire", "rejoindre", "/rejoindre", "Rejoindre un groupe"),
    Page("stagiaire", "mot-de-passe", "/compte/mot-de-passe", "Changer de mot de passe"),
    Page("formatrice", "accueil", "/", "Accueil du formateur"),
    Page("formatrice", "groupes", "/cohortes", "Groupes"),
    Page("formatrice", "groupe", "/cohortes/{cohort}", "Un groupe"),
    Page("formatrice", "groupe-nouveau", "/cohortes/nouvelle", "Créer un groupe"),
    Page("formatrice", "groupe-modifier", "/cohortes/{cohort}/modifier", "Modifier un groupe"),
    Page("formatrice", "participants", "/cohortes/{cohort}/participants", "Participants"),
    Page("formatrice", "tableau-de-bord", "/cohortes/{cohort}/tableau-de-bord", "Tableau de bord"),
    Page("formatrice", "seances", "/cohortes/{cohort}/seances", "Séances"),
    Page("formatrice", "feuille", "/seances/{session}", "Feuille d'émargement"),
    Page("formatrice", "signer", "/seances/{session}/signer/{participant}", "Signature d'un participant"),
    Page("formatrice", "code-emargement", "/seances/{session}/code", "Code d'émargement sur téléphone"),
    Page("formatrice", "signature-formateur", "/seances/{session}/signature-formateur", "Signature du formateur"),
    Page("formatrice", "presentation", "/cohortes/{cohort}/presentation", "Mode présentation"),
    Page("formatrice", "presentation-module", "/cohortes/{cohort}/presentation/comprendre", "Diapositives d'un module"),
    Page("formatrice", "questionnaires", "/cohortes/{cohort}/questionnaires", "Questionnaires de satisfaction"),
    Page("formatrice", "guide", "/animation", "Guide d'animation"),
    Page("formatrice", "notes-module", "/animation/modules/comprendre", "Notes d'animation d'un module"),
    Page("formatrice", "guide-gardiens", "/animation/parcours/gardiens", "Guide du parcours des gardiens"),
    Page("admin", "accueil", "/", "Accueil de l'administrateur"),
    Page("admin", "comptes", "/admin/utilisateurs", "Comptes"),
    Page("admin", "compte-nouveau", "/admin/utilisateurs/nouveau", "Créer un compte"),
    Page("admin", "compte", "/admin/utilisateurs/2", "Un compte"),
    Page("admin", "organisme", "/admin/organisme", "Organisme de formation"),
)

AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
}"""


@pytest.fixture(scope="module")
def course_server(tmp_path_factory):
    """The real course, so the pages are those trainees read today (the caretakers' path included)."""
    with serve(tmp_path_factory.mktemp("gallery"), ROOT) as url:
        yield url


@pytest.fixture(scope="module")
def gallery():
    GALLERY.mkdir(parents=True, exist_ok=True)
    for old in GALLERY.glob("*.png"):
        old.unlink()
    shots: list[tuple[Page, int, str]] = []
    findings: list[dict] = []  # every axe violation, whatever its impact, for the index's figures
    yield shots, findings
    _write_index(shots, findings)


def _write_index(shots, findings) -> None:
    rows = []
    for page, width, file in shots:
        rows.append(f'<figure><figcaption>{html.escape(page.role)} · {html.escape(page.title)} · {width} px '
                    f'<code>{html.escape(page.path)}</code></figcaption>'
                    f'<a href="{file}"><img src="{file}" alt="" loading="lazy" width="{min(width, 400)}"></a></figure>')
    impacts = {i: sum(1 for f in findings if f["impact"] == i) for i in ("critical", "serious", "moderate", "minor")}
    rules = sorted({f"{f['id']} ({f['impact']})" for f in findings})
    (GALLERY / "axe.json").write_text(json.dumps({"runs": len(shots), "by_impact": impacts, "rules": rules,
                                                  "violations": findings}, ensure_ascii=False, indent=1))
    (GALLERY / "index.html").write_text(
        '<!doctype html><html lang="fr"><meta charset="utf-8"><title>Galerie des pages</title>'
        '<style>body{font-family:sans-serif}figure{display:inline-block;vertical-align:top;margin:1rem}'
        'img{border:1px solid #999;height:auto}</style>'
        f'<h1>Galerie : {len({(p.role, p.name) for p, _, _ in shots})} pages, {len(shots)} captures</h1>'
        f'<p>axe-core, {len(shots)} analyses : {html.escape(json.dumps(impacts))} ; règles : '
        f'{html.escape(", ".join(rules) or "aucune")}</p>'
        + "\n".join(rows) + "</html>", encoding="utf-8")


def _values(pg, url: str, role: str) -> dict:
    """The ids a path needs, read the way a user would find them."""
    values = {"cohort": 1, "session": 1, "participant": 3, "join_code": ""}
    if role == "stagiaire":
        pg.goto(url + "/quiz/comprendre")
        for question in pg.locator("fieldset.question").all():
            question.locator(".choice input").first.check()
        pg.click("text=Valider mes réponses")
        pg.wait_for_url("**/resultat/*")
        values["attempt"] = int(pg.url.rsplit("/", 1)[1])
        pg.goto(url + "/exercices/comprendre-quatre-domaines")
        pg.fill("#text", "Je décrirais la situation aux partenaires, puis nous chercherions ensemble un cadre.")
        pg.click("button[value=submit]")
        pg.wait_for_selector("#debriefing")  # submitted: the page shows the debrief
    return values


def _check(pg, page: Page, width: int, findings: list[dict]) -> list[str]:
    problems = []
    sizes = pg.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    if sizes[0] > sizes[1]:
        wide = pg.evaluate("""w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 1)
            .slice(-3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))""", sizes[1])
        problems.append(f"{page.role}/{page.name} @ {width}px scrolls sideways: {sizes[0]} > {sizes[1]} ({wide})")
    if width == WIDTHS[0] and pg.locator("h1").count() != 1:  # axe ranks a missing h1 only « moderate »
        problems.append(f"{page.role}/{page.name} has {pg.locator('h1').count()} h1 instead of one")
    if not pg.evaluate("() => typeof axe !== 'undefined'"):
        pg.add_script_tag(path=str(AXE))
    for v in pg.evaluate(AXE_RUN):
        findings.append({"page": f"{page.role}/{page.name}", "width": width, **v})
        if v["impact"] in BLOCKING:
            problems.append(f"{page.role}/{page.name} @ {width}px axe {v['impact']} {v['id']}: {v['help']} {v['nodes']}")
    return problems


@pytest.mark.parametrize("role", ["anonyme", "stagiaire", "formatrice", "admin"])
def test_every_page_fits_each_width_without_serious_axe_violation(browser, course_server, gallery, role):
    shots, findings = gallery
    context = browser.new_context(locale="fr-FR", bypass_csp=True)  # lets the test inject axe-core
    pg = context.new_page()
    try:
        if role in ACCOUNTS:
            login(pg, course_server, ACCOUNTS[role], "demo-formation")
        values = _values(pg, course_server, role)
        if role == "anonyme":
            values["join_code"] = _join_code(browser, course_server)
        problems: list[str] = []
        for page in (p for p in PAGES if p.role == role):
            path = page.path.format(**values)
            pg.goto(course_server + path)
            for width in WIDTHS:
                pg.set_viewport_size({"width": width, "height": 900})
                file = f"{role}-{page.name}-{width}.png"
                pg.screenshot(path=str(GALLERY / file), full_page=True)
                shots.append((page, width, file))
                problems += _check(pg, page, width, findings)
    finally:
        context.close()
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def _join_code(browser, url: str) -> str:
    """The demo cohort's join code, as its trainer reads it on the cohort's page."""
    context = browser.new_context(locale="fr-FR")
    pg = context.new_page()
    try:
        login(pg, url, ACCOUNTS["formatrice"], "demo-formation")
        pg.goto(url + "/cohortes/1")
        return pg.inner_text("strong.code").strip()
    finally:
        context.close()

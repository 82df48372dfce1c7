"""The real course: structure, sources, typography and spelling of every content file."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from training.content.loader import load_content

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "source" / "rapport-tat-2016.txt"


@pytest.fixture(scope="module")
def reg():
    return load_content(ROOT, REPORT)


def test_report_copy_matches_shared_source():
    shared = ROOT.parent / "shared" / "source" / "000_8f6e0924e9eea6d2.txt"
    if shared.is_file():
        assert shared.read_bytes() == REPORT.read_bytes()


def test_course_has_the_modules_paths_and_library(reg):
    assert {"comprendre", "cadre-de-vie", "economie-debrouille", "scolarisation-insertion",
            "positionnement-professionnel", "adolescence-sante", "expertise-habitants", "agir-methode",
            "gardiens"} <= set(reg.modules)
    assert sorted(m.fiche for m in reg.modules.values() if m.fiche) == [1, 2, 3, 4, 5, 6]
    assert sorted(reg.fiches_actions) == list(range(1, 12))
    assert set(reg.paths) == {"parcours-complet", "gardiens"}
    assert reg.paths["parcours-complet"].positioning_slug in reg.positionings
    assert "ressources" in reg.pages
    for m in reg.modules.values():
        assert len(m.exercise_slugs) >= 2 and 6 <= len(reg.quizzes[m.quiz_slug].questions) <= 10
        assert m.slug in reg.facilitator
    gardiens = [e for e in reg.exercises.values() if "gardiens" in e.audiences]
    assert len(gardiens) >= 5


def test_quotations_in_modules_are_verbatim_from_the_report(reg):
    """Every « … » quotation of 25+ characters in a blockquote is found word for word in the report."""
    report = re.sub(r"\s+", " ", " ".join(reg.report.lines))
    report = report.replace("’", "'")
    missing = []
    for path in (ROOT / "modules").rglob("*.md"):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.startswith(">") or line.lstrip("> ").startswith("—"):
                continue  # only quoted words, not their attribution
            for quote in re.findall(r"«\s*(.+?)\s*»", line):
                q = quote.replace("*", "").replace("’", "'").replace("“", "« ").replace("”", " »")
                q = re.sub(r"\s+", " ", q).strip(" .…")
                q = re.sub(r"\s*\[sic\]", "", q)
                parts = [p.strip(" .,") for p in re.split(r"\[…\]|\(…\)|…", q) if len(p.strip()) >= 25]
                for part in parts:
                    if part not in report:
                        missing.append(f"{path.relative_to(ROOT)}: {part[:80]}")
    assert not missing, "\n".join(missing[:20])


def _prose(path: Path, ids: set[str]) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".toml":
        text = "\n".join(re.findall(r'^\s*(?:title|prompt|explanation|text|feedback|intro)\s*=\s*"(.*)"\s*$', text, re.M))
    else:
        text = re.sub(r"\A\+\+\+.*?\n\+\+\+", lambda m: "\n".join(re.findall(r'"([^"]*)"', m.group(0))), text, flags=re.S)
    text = re.sub(r"\{#[^}]*\}", " ", text)
    text = re.sub(r"report:\d+-\d+", " ", text)
    text = re.sub(r"https?://\S+|\S+@\S+|www\.\S+", " ", text)
    text = re.sub(r"^\s*\|?[-:| ]+\|?\s*$", " ", text, flags=re.M)  # table rules
    # identifiers of modules, exercises and quizzes are not prose
    return re.sub(r"[a-z0-9]+(?:-[a-z0-9]+)+", lambda m: " " if m.group(0) in ids else m.group(0), text)


def _wordlist() -> set[str]:
    words = set()
    for wl in list((ROOT / "modules").rglob("wordlist.txt")) + list((ROOT / "quizzes").glob("wordlist.txt")):
        words |= {w.strip() for w in wl.read_text(encoding="utf-8").splitlines() if w.strip()}
    return words


@pytest.mark.skipif(shutil.which("hunspell") is None, reason="hunspell not installed (scripts/test installs it)")
def test_spelling_of_all_content(tmp_path, reg):
    ids = set(reg.modules) | set(reg.exercises) | set(reg.quizzes) | set(reg.paths) | set(reg.positionings)
    words = tmp_path / "words.dic"
    wl = sorted(_wordlist())
    words.write_text(f"{len(wl)}\n" + "\n".join(wl) + "\n", encoding="utf-8")
    files = sorted(p for p in list((ROOT / "modules").rglob("*.md")) + list((ROOT / "quizzes").glob("*.toml"))
                   if p.name != "README.md")
    problems = []
    for path in files:
        r = subprocess.run(["hunspell", "-d", "fr_FR", "-p", str(words), "-l"], input=_prose(path, ids),
                           capture_output=True, text=True, check=True)
        bad = sorted({w for w in r.stdout.split() if w not in wl})
        if bad:
            problems.append(f"{path.relative_to(ROOT)}: {', '.join(bad)}")
    assert not problems, "Unknown words (fix, or add to the folder's wordlist.txt):\n" + "\n".join(problems)


def test_french_typography(reg):
    """Spaces inside guillemets and before high punctuation, in the authored text."""
    bad = []
    for path in (ROOT / "modules").rglob("*.md"):
        if path.name == "README.md":
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            clean = re.sub(r"report:\d+-\d+|https?://\S+|\{#[^}]*\}|`[^`]*`|\d+:\d+", "", line)
            if re.search(r"«[^\s\u00a0]|[^\s\u00a0]»|\w[;!?](?!\w)", clean):
                bad.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()[:90]}")
    assert not bad, "\n".join(bad[:30])

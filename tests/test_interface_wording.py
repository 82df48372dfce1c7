"""French as a person writes it: counts agreed with their noun, « d'Amina », « 2,4 », « 9 h 00 »."""
from __future__ import annotations

import re
from html import unescape
from datetime import datetime, time, timezone

from training.dates import french_datetime, french_number, french_time
from training.wording import elide, pluralise
from tests.conftest import csrf_token

NBSP, NNBSP = "\u00a0", "\u202f"


def test_counts_take_the_singular_below_two_and_the_plural_from_two():
    assert pluralise(0, "participant") == f"0{NBSP}participant"
    assert pluralise(1, "participant") == f"1{NBSP}participant"
    assert pluralise(7, "participant") == f"7{NBSP}participants"
    assert pluralise(3, "module terminé") == f"3{NBSP}modules terminés"
    assert pluralise(2, "demi-journée programmée") == f"2{NBSP}demi-journées programmées"
    assert pluralise(2, "réponse partagée anonymement", "réponses partagées anonymement").endswith("anonymement")
    assert pluralise(5, "partagée", number=False) == "partagées"


def test_de_elides_before_a_vowel_only():
    assert elide("Amina") == "d'Amina" and elide("Élodie") == "d'Élodie" and elide("Karim") == "de Karim"
    assert elide("Hamid") == "de Hamid"  # an h is left alone: « de » is never wrong before a name


def test_numbers_and_times_are_written_the_french_way():
    assert french_number(2.4) == "2,4" and french_number(3.0) == "3" and french_number(8000) == f"8{NNBSP}000"
    assert french_time(time(9, 0)) == f"9{NBSP}h{NBSP}00" and french_time(time(14, 5)) == f"14{NBSP}h{NBSP}05"
    assert french_datetime(datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)) == f"7 décembre 2026 à 9{NBSP}h{NBSP}00"


def test_no_parenthesised_plural_on_the_trainer_pages(app, client, login, make_user, make_cohort, enrol_user,
                                                      make_participant):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    make_participant(cohort, "Amina Belkacem")
    login(trainer)
    roster = unescape(client.get(f"/cohortes/{cohort.id}/participants").get_data(as_text=True))
    assert f"1{NBSP}participant</caption>" in roster
    assert "Adresse électronique d'Amina Belkacem" in roster and "de Amina" not in roster
    detail = client.get(f"/cohortes/{cohort.id}").get_data(as_text=True)
    assert f"1{NBSP}participant" in detail and "Formateur&nbsp;: " in detail and "Formateur(s)" not in detail
    enrol_user(cohort, make_user("trainee"))
    make_participant(cohort, "Karim Gardien")
    for path in (f"/cohortes/{cohort.id}", f"/cohortes/{cohort.id}/participants", f"/cohortes/{cohort.id}/tableau-de-bord"):
        html = client.get(path).get_data(as_text=True)
        assert f"3{NBSP}participants" in html or ">3</strong> participants" in html, path
        assert not re.search(r"\w\((s|e|es)\)", html), path


def test_adding_a_person_says_so_without_gender_marks(client, login, make_user, make_cohort):
    trainer = make_user("trainer")
    cohort = make_cohort(trainer)
    login(trainer)
    path = f"/cohortes/{cohort.id}/participants"
    r = client.post(path, data={"csrf_token": csrf_token(client, path), "full_name": "Inès Martin",
                                "organisation": "", "job": ""}, follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "Inès Martin fait maintenant partie du groupe." in html and "(e)" not in html


def test_an_empty_date_is_missing_and_a_garbled_one_invalid(client, login, make_user):
    login(make_user("trainer"))
    token = csrf_token(client, "/cohortes/nouvelle")
    data = {"csrf_token": token, "name": "Groupe", "path_slug": "complet", "audience": "", "place": "Salle",
            "start_date": "", "end_date": "2026-13-45"}
    html = client.post("/cohortes/nouvelle", data=data).get_data(as_text=True)
    assert "Date obligatoire." in html
    assert "Date invalide" in html and "jj/mm/aaaa" in html and "Not a valid" not in html


def test_no_parenthesised_plural_anywhere_in_the_app():
    """« 3 ligne(s) enregistrée(s) » reads as a machine's: every count goes through `pluralise`.

    Scans the text of templates (outside Jinja tags), the string literals of scripts and every
    string literal of the Python code. The certificat de réalisation keeps « Je soussigné(e) »,
    the wording of the Ministry's model.
    """
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "training"
    mark = re.compile(r"[a-zà-ÿ]\((s|e|es|x)\)")
    js_string = re.compile(r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'')
    found = []
    for path in sorted(root.rglob("*")):
        if path.suffix == ".html":
            texts = [re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", " ", path.read_text(), flags=re.S)]
        elif path.suffix == ".js":
            texts = js_string.findall(path.read_text())
        elif path.suffix == ".py" and path.name != "certificates.py":
            texts = [n.value for n in ast.walk(ast.parse(path.read_text()))
                     if isinstance(n, ast.Constant) and isinstance(n.value, str) and "word(s)" not in n.value]
        else:
            continue
        found += [f"{path.relative_to(root)}: {m.group(0)}" for text in texts for m in mark.finditer(text)]
    assert found == [], found

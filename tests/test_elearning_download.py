"""Downloads for trainers and admins from the module and path pages; bad input on the command line."""
from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_CONTENT

ROOT = Path(__file__).resolve().parent.parent


def test_trainer_downloads_packages_from_module_and_path_pages(app, client, login, make_user, tmp_path):
    trainer = make_user("trainer", name="Fatou Formatrice", email="fatou.formatrice@test.fr")
    login(trainer)
    page = client.get("/modules/alpha").get_data(as_text=True)
    assert "Paquets e-learning de ce module" in page
    for fmt in ("scorm12", "scorm2004", "hors-ligne"):
        assert f'href="/modules/alpha/paquet/{fmt}"' in page
    assert 'href="/parcours/complet/paquet/scorm2004"' in client.get("/parcours/complet").get_data(as_text=True)

    response = client.get("/parcours/complet/paquet/scorm2004")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert 'filename="complet-scorm2004.zip"' in response.headers["Content-Disposition"]
    files = zipfile.ZipFile(io.BytesIO(response.data))
    everything = b"".join(files.read(n) for n in files.namelist())
    assert b"Fatou" not in everything and b"fatou.formatrice" not in everything and b"Formatrice" not in everything
    # The same bytes as the command line gives.
    out = tmp_path / "cli.zip"
    assert app.test_cli_runner().invoke(args=["export", "scorm", "parcours:complet", "--version", "2004",
                                              "-o", str(out)]).exit_code == 0
    assert out.read_bytes() == response.data
    offline = client.get("/modules/alpha/paquet/hors-ligne")
    assert offline.status_code == 200 and "index.html" in zipfile.ZipFile(io.BytesIO(offline.data)).namelist()


def test_trainees_and_strangers_get_no_package(client, login, make_user):
    assert client.get("/modules/alpha/paquet/scorm12").status_code == 302  # to the login page
    login(make_user("trainee"))
    assert "Paquets e-learning" not in client.get("/modules/alpha").get_data(as_text=True)
    assert "Paquets e-learning" not in client.get("/parcours/complet").get_data(as_text=True)
    assert client.get("/modules/alpha/paquet/scorm12").status_code == 404
    assert client.get("/parcours/complet/paquet/hors-ligne").status_code == 404


def test_admin_may_download_and_unknown_ids_or_formats_are_404(client, login, make_user):
    login(make_user("admin"))
    assert client.get("/modules/alpha/paquet/scorm12").status_code == 200
    assert client.get("/modules/inconnu/paquet/scorm12").status_code == 404
    assert client.get("/modules/alpha/paquet/scorm3").status_code == 404
    assert client.get("/parcours/alpha/paquet/scorm12").status_code == 404


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("args, message", [
    (["scorm", "inconnu"], "aucun module ni parcours ne porte l'identifiant « inconnu »"),
    (["scorm", "alpha", "--version", "3"], "version SCORM « 3 » inconnue : choisissez 1.2 ou 2004"),
    (["scorm", "alpha", "--version", "2004.4"], "choisissez 1.2 ou 2004"),
    (["offline", "chapitre:alpha"], "préfixe inconnu"),
])
def test_bad_input_gives_a_message_a_non_zero_exit_and_no_file(runner, tmp_path, args, message):
    out = tmp_path / "out"
    out.mkdir()
    result = runner.invoke(args=["export", *args, "-o", str(out / "paquet.zip")])
    assert result.exit_code == 1
    assert message in result.output and "Traceback" not in result.output
    assert _leftovers(out) == []


def test_an_unwritable_output_leaves_nothing(runner, tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    blocker = folder / "fichier.txt"
    blocker.write_text("pas un dossier")
    result = runner.invoke(args=["export", "scorm", "alpha", "-o", str(blocker / "paquet.zip")])
    assert result.exit_code == 1 and "impossible d'écrire" in result.output
    result = runner.invoke(args=["export", "offline", "alpha", "-o", str(folder / "absent" / "paquet.zip")])
    assert result.exit_code == 1 and "impossible d'écrire" in result.output
    result = runner.invoke(args=["export", "offline", "alpha", "-o", str(folder)])
    assert result.exit_code == 1 and "est un dossier" in result.output
    assert _leftovers(folder) == ["fichier.txt"]


def test_an_existing_file_is_replaced_whole(runner, tmp_path):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "paquet.zip"
    out.write_bytes(b"ancien")
    assert runner.invoke(args=["export", "scorm", "alpha", "-o", str(out)]).exit_code == 0
    assert zipfile.is_zipfile(out) and _leftovers(out.parent) == ["paquet.zip"]


def test_failing_content_stops_the_export(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    module = root / "modules" / "alpha" / "module.md"
    module.write_text(module.read_text(encoding="utf-8").replace('quiz = "alpha"', 'quiz = "absent"'),
                      encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINING_")}
    env.update(TRAINING_CONTENT_ROOT=str(root), TRAINING_SECRET_KEY="c" * 64,
               TRAINING_DATABASE_URL=f"sqlite:///{tmp_path}/db.sqlite3")
    result = subprocess.run([sys.executable, "-m", "flask", "--app", "training", "export", "scorm", "alpha",
                             "-o", str(out / "paquet.zip")], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode != 0
    assert "quiz « absent » introuvable" in result.stderr and "Traceback" not in result.stderr
    assert _leftovers(out) == []


def test_an_id_naming_a_module_and_a_path_must_be_qualified(make_app, tmp_path):
    runner = make_app(CONTENT_ROOT=str(ROOT)).test_cli_runner()
    out = tmp_path / "g.zip"
    result = runner.invoke(args=["export", "offline", "gardiens", "-o", str(out)])
    assert result.exit_code == 1 and "précisez module:gardiens ou parcours:gardiens" in result.output
    assert not out.exists()
    assert runner.invoke(args=["export", "offline", "parcours:gardiens", "-o", str(out)]).exit_code == 0
    assert "index.html" in zipfile.ZipFile(out).namelist()

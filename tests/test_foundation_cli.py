"""Command line, content validation, migrations, schema gate, backup and restore."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from training import create_app, db
from training.content.parsing import ContentInvalid
from tests.conftest import FIXTURE_CONTENT, PG_URL

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def broken_content(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    module = root / "modules" / "alpha" / "module.md"
    text_ = module.read_text(encoding="utf-8")
    text_ = text_.replace('duration_minutes = 60', 'duration_minutes = 60\ncolour = "bleu"')  # unknown key
    text_ = text_.replace("{#qui kind=qui report:1113-1125}", "{#qui kind=qui report:1113-9999}")  # out of report
    module.write_text(text_, encoding="utf-8")
    quiz = root / "quizzes" / "alpha.toml"
    quiz.write_text(quiz.read_text(encoding="utf-8").replace('id = "q2"', 'id = "q1"', 1), encoding="utf-8")
    return root


def _cli(*args, env_extra=None, cwd=ROOT):
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINING_")}
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "flask", "--app", "training", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)


def test_content_check_lists_three_errors_with_lines(broken_content, tmp_path):
    r = _cli("content", "check", env_extra={"TRAINING_CONTENT_ROOT": str(broken_content),
                                            "TRAINING_SECRET_KEY": "x" * 32})
    assert r.returncode == 1
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith(("modules/", "quizzes/"))]
    assert any(ln.startswith("modules/alpha/module.md:") and "colour" in ln for ln in lines), r.stderr
    assert any(ln.startswith("modules/alpha/module.md:") and "9999" in ln for ln in lines), r.stderr
    assert any(ln.startswith("quizzes/alpha.toml:") and "double" in ln for ln in lines), r.stderr
    assert len(lines) == 3, r.stderr
    assert "Traceback" not in r.stderr
    # each message names its line, and the line holds what is named
    for ln in lines:
        path, lineno, _ = ln.split(":", 2)
        assert int(lineno) >= 1


def test_app_refuses_to_start_on_invalid_content(broken_content, tmp_path):
    with pytest.raises(ContentInvalid) as info:
        create_app({"TESTING": True, "CONTENT_ROOT": str(broken_content),
                    "DATABASE_URL": f"sqlite:///{tmp_path}/x.db"})
    assert len(info.value.errors) == 3
    # and from gunicorn's entry point: the readable list, not a traceback
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINING_")}
    env.update(TRAINING_CONTENT_ROOT=str(broken_content), TRAINING_SECRET_KEY="x" * 32)
    r = subprocess.run([sys.executable, "-c", "import wsgi"], cwd=ROOT, env=env, capture_output=True, text=True)
    assert r.returncode == 1 and "Démarrage impossible" in r.stderr and "Traceback" not in r.stderr


def test_real_course_content_is_valid():
    r = _cli("content", "check", env_extra={"TRAINING_SECRET_KEY": "x" * 32})
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Contenu valide" in r.stdout


def test_markdown_cannot_inject_script(tmp_path):
    from training.content.render import render_block

    html = render_block('Texte <script>alert(1)</script> <img src=x onerror="alert(2)"> [lien](javascript:alert(3))')
    assert "<script" not in html and "onerror" not in html and "javascript:" not in html


def test_migrations_upgrade_empty_database_to_head(database_url):
    db.upgrade(database_url)
    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    try:
        tables = set(inspect(engine).get_table_names())
        assert {"user_account", "cohort", "participant", "attendance_mark", "reflection", "quiz_attempt", "alembic_version"} <= tables
        assert db.current_revision(engine) == db.head_revision(database_url)
        assert engine.dialect.name == ("postgresql" if PG_URL else "sqlite")
    finally:
        engine.dispose()


def test_app_refuses_to_serve_behind_migrations(make_app):
    app = make_app(migrate=False)
    r = app.test_client().get("/connexion")
    assert r.status_code == 503
    assert "db upgrade" in r.get_data(as_text=True)
    assert app.test_client().get("/healthz").status_code == 503


def test_healthz(client):
    r = client.get("/healthz")
    assert r.status_code == 200 and r.get_json() == {"status": "ok", "database": "ok"}


def test_init_demo_backup_restore_round_trip(tmp_path):
    db_file = tmp_path / "live.sqlite3"
    env = {"TRAINING_DATABASE_URL": f"sqlite:///{db_file}", "TRAINING_SECRET_KEY": "s" * 32}
    r = _cli("init", "--admin-email", "chef@test.fr", "--admin-password", "mot-de-passe-admin", env_extra=env)
    assert r.returncode == 0, r.stderr
    r = _cli("demo", env_extra=env)
    assert r.returncode == 0 and "formatrice@demo.test" in r.stdout, r.stderr
    backup = tmp_path / "save.sqlite3"
    r = _cli("backup", str(backup), env_extra=env)
    assert r.returncode == 0, r.stderr
    engine = create_engine(f"sqlite:///{db_file}")
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM participant"))
        conn.execute(text("DELETE FROM user_account WHERE email = 'chef@test.fr'"))
    engine.dispose()
    assert _cli("restore", str(backup), env_extra=env).returncode == 1  # needs --yes
    r = _cli("restore", str(backup), "--yes", env_extra=env)
    assert r.returncode == 0, r.stderr
    engine = create_engine(f"sqlite:///{db_file}")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM user_account WHERE email='chef@test.fr'")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM participant")).scalar() == 3  # 2 trainees, 1 caretaker
    engine.dispose()
    # a file that is not a backup is refused with a clear line
    junk = tmp_path / "junk.sqlite3"
    junk.write_text("pas une base")
    r = _cli("restore", str(junk), "--yes", env_extra=env)
    assert r.returncode == 1 and r.stderr.startswith("Erreur :")


def test_init_writes_secret_into_instance(tmp_path):
    work = tmp_path / "app"
    work.mkdir()
    env = {"TRAINING_DATABASE_URL": f"sqlite:///{tmp_path}/i.sqlite3"}
    # flask's instance folder is next to the package: use a copy of the secret location via env-free init
    r = _cli("init", env_extra=env)
    assert r.returncode == 0, r.stderr
    secret = ROOT / "instance" / "secret_key"
    assert secret.is_file() and len(secret.read_text().strip()) == 64
    assert oct(secret.stat().st_mode)[-3:] == "600"


def test_unknown_configuration_key_is_an_error(tmp_path):
    r = _cli("content", "check", env_extra={"TRAINING_SECRET_KEY": "x" * 32, "TRAINING_COLOUR": "bleu"})
    assert r.returncode == 1 and "TRAINING_COLOUR" in r.stderr

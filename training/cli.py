"""Command line: init, db upgrade, create-user, demo, content check, backup and restore."""
from __future__ import annotations

import os
import shutil
import sqlite3
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from . import db
from .accounts.services import AccountError, create_user
from .config import write_secret
from .dates import paris_today
from .wording import pluralise


def init_app(app: Flask) -> None:
    app.cli.add_command(init_command)
    app.cli.add_command(create_user_command)
    app.cli.add_command(demo_command)
    app.cli.add_command(backup_command)
    app.cli.add_command(restore_command)
    app.cli.add_command(content_group)
    app.cli.add_command(db_group)
    app.cli.add_command(purge_command)
    from .attendance.cli import attendance_group

    app.cli.add_command(attendance_group)
    from .attendance.transfer import register_cli as _attendance_transfer
    _attendance_transfer(app)


def _fail(message: str) -> None:
    click.echo(f"Erreur : {message}", err=True)
    sys.exit(1)


@click.command("init")
@click.option("--admin-email", envvar="TRAINING_ADMIN_EMAIL", help="Adresse du premier administrateur.")
@click.option("--admin-name", envvar="TRAINING_ADMIN_NAME", default="Administrateur")
@click.option("--admin-password", envvar="TRAINING_ADMIN_PASSWORD")
@with_appcontext
def init_command(admin_email, admin_name, admin_password):
    """Create the instance folder and secret, migrate, and create the first admin."""
    Path(current_app.instance_path).mkdir(parents=True, exist_ok=True)
    if write_secret(current_app.instance_path):
        click.echo(f"Clé secrète créée dans {current_app.instance_path}/secret_key")
    db.upgrade(current_app.config["DATABASE_URL"])
    click.echo("Base de données à jour.")
    if admin_email:
        if not admin_password:
            _fail("--admin-password (ou TRAINING_ADMIN_PASSWORD) est requis avec --admin-email.")
        _create(admin_email, admin_name, "admin", admin_password, exist_ok=True)


@click.command("create-user")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", type=click.Choice(["admin", "trainer", "trainee"]), required=True)
@click.option("--password", envvar="TRAINING_NEW_USER_PASSWORD", required=True)
@with_appcontext
def create_user_command(email, name, role, password):
    """Create a user account."""
    _create(email, name, role, password)


def _create(email, name, role, password, exist_ok=False):
    from sqlalchemy import select

    from .accounts.models import User
    from .accounts.services import normalise_email

    s = db.session()
    if exist_ok and s.scalar(select(User.id).where(User.email == normalise_email(email))) is not None:
        click.echo(f"Le compte {email} existe déjà : inchangé.")
        return
    try:
        user = create_user(s, email, name, role, password)
    except AccountError as exc:
        _fail(str(exc))
    s.commit()
    click.echo(f"Compte créé : {user.email} ({user.role_label}).")


DEMO_PASSWORD = "demo-formation"
DEMO_USERS = (("admin@demo.test", "Alice Admin", "admin"),
              ("formatrice@demo.test", "Fatima Formatrice", "trainer"),
              ("stagiaire@demo.test", "Samir Stagiaire", "trainee"),
              ("stagiaire2@demo.test", "Léa Stagiaire", "trainee"))


@click.command("demo")
@with_appcontext
def demo_command():
    """Create demo accounts and a demo cohort (idempotent)."""
    from sqlalchemy import select

    from .accounts.models import User
    from .cohorts.models import Cohort
    from .cohorts.services import create_cohort, enrol

    s = db.session()
    users = {}
    for email, name, role in DEMO_USERS:
        user = s.scalar(select(User).where(User.email == email))
        users[role if role != "trainee" or "trainee" not in users else email] = user or create_user(
            s, email, name, role, DEMO_PASSWORD, "Démonstration")
    cohort = s.scalar(select(Cohort).where(Cohort.name == "Groupe de démonstration"))
    if cohort is None:
        start = paris_today()
        paths = list(current_app.extensions["training.content"].paths)
        path = "parcours-complet" if "parcours-complet" in paths else paths[0]
        cohort = create_cohort(s, users["trainer"], "Groupe de démonstration", path,
                               "Centre social (démonstration)", start, start + timedelta(days=3), set(paths))
    for email, _name, role in DEMO_USERS:
        if role == "trainee":
            enrol(s, cohort, s.scalar(select(User).where(User.email == email)))
    _demo_room(s, cohort)
    s.commit()
    click.echo("Données de démonstration prêtes. Comptes (mot de passe « %s ») :" % DEMO_PASSWORD)
    for email, _name, role in DEMO_USERS:
        click.echo(f"  {email:24} {role}")
    click.echo(f"  Code du groupe de démonstration : {cohort.join_code}")


def _demo_room(s, cohort) -> None:
    """A caretaker without an account and a two-day schedule, so the trainer side can be tried at once."""
    from sqlalchemy import select

    from .attendance.models import CourseSession
    from .attendance.services import add_sessions, schedule_specs
    from .cohorts.models import Participant
    from .cohorts.roster import add_participant

    if not s.scalar(select(Participant.id).where(Participant.cohort_id == cohort.id, Participant.user_id.is_(None))):
        add_participant(s, cohort, "Karim Gardien", "Bailleur (démonstration)", "Gardien d'immeuble")
    if not s.scalar(select(CourseSession.id).where(CourseSession.cohort_id == cohort.id)):
        add_sessions(s, None, cohort, schedule_specs(cohort.start_date, 2, cohort.place, skip_weekends=False),
                     today=cohort.start_date, allow_past=True, confirmed=True)


content_group = AppGroup("content", help="Course content.")


@content_group.command("check")
@with_appcontext
def content_check():
    """Validate modules/ and quizzes/ (the app already refused to start if they were invalid)."""
    reg = current_app.extensions["training.content"]
    click.echo(f"Contenu valide : {len(reg.modules)} modules, {len(reg.exercises)} exercices, "
               f"{len(reg.quizzes)} quiz, {pluralise(len(reg.positionings), 'questionnaire de positionnement', 'questionnaires de positionnement')}, "
               f"{len(reg.paths)} parcours, {pluralise(len(reg.fiches_actions), 'fiche-action', 'fiches-actions')}, "
               f"{pluralise(len(reg.pages), 'page')}.")


db_group = AppGroup("db", help="Database schema.")


@db_group.command("upgrade")
@with_appcontext
def db_upgrade():
    """Apply the migrations up to the code's version."""
    db.upgrade(current_app.config["DATABASE_URL"])
    click.echo("Base de données à jour.")


def _sqlite_path() -> Path:
    url = current_app.config["DATABASE_URL"]
    if not url.startswith("sqlite:///"):
        _fail("backup/restore intégrés ne concernent que SQLite ; pour PostgreSQL, utilisez pg_dump et pg_restore.")
    return Path(url[len("sqlite:///"):])


@click.command("backup")
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@with_appcontext
def backup_command(target: Path):
    """Copy the live SQLite database consistently (online backup API) to TARGET."""
    source = _sqlite_path()
    if target.exists():
        _fail(f"{target} existe déjà : choisissez un autre nom.")
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()
    click.echo(f"Sauvegarde écrite : {target}")


@click.command("restore")
@click.argument("backup", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--yes", is_flag=True, help="Confirmer le remplacement de la base actuelle.")
@with_appcontext
def restore_command(backup: Path, yes: bool):
    """Replace the SQLite database with BACKUP (stop the server first)."""
    target = _sqlite_path()
    if not yes:
        _fail("la restauration remplace la base actuelle : relancez avec --yes après avoir arrêté le serveur.")
    check = sqlite3.connect(backup)
    try:
        ok = check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        tables = {r[0] for r in check.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        _fail(f"{backup} n'est pas une base SQLite lisible ({exc}).")
    finally:
        check.close()
    if not ok or "alembic_version" not in tables:
        _fail(f"{backup} n'est pas une sauvegarde valide de cette application.")
    db.database().engine.dispose()
    fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".restore")
    os.close(fd)
    src, dst = sqlite3.connect(backup), sqlite3.connect(tmp)
    try:
        with dst:
            src.backup(dst)
    finally:
        src.close()
        dst.close()
    for suffix in ("-wal", "-shm"):
        Path(str(target) + suffix).unlink(missing_ok=True)
    shutil.move(tmp, target)
    click.echo(f"Base restaurée depuis {backup}.")


@click.command("purge-reflections")
@with_appcontext
def purge_command():
    """Delete reflections whose retention period after the cohort's end has run out (run daily)."""
    from .privacy.erase import purge_expired_reflections

    s = db.session()
    n = purge_expired_reflections(s, current_app.config["REFLECTION_RETENTION_DAYS"])
    s.commit()
    click.echo(f"{pluralise(n, 'réflexion supprimée')} au terme de {'sa' if n < 2 else 'leur'} durée de conservation.")

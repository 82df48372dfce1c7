"""`flask --app training attendance verify`: check the hash chain of the attendance history."""
from __future__ import annotations

import sys

import click
from flask.cli import AppGroup, with_appcontext

from .. import db
from .history import verify_chain
from ..wording import pluralise

attendance_group = AppGroup("attendance", help="Émargement : contrôles.")


@attendance_group.command("verify")
@with_appcontext
def verify_command():
    """Recompute the chained hashes of the attendance history and report any row changed outside the app."""
    report = verify_chain(db.session())
    if report.ok:
        click.echo(f"Historique des présences intègre : {pluralise(report.checked, 'ligne vérifiée')}.")
        return
    click.echo(f"Historique des présences altéré : {pluralise(len(report.broken), 'anomalie')} sur "
               f"{pluralise(report.checked, 'ligne')}.", err=True)
    for row_id, why in report.broken:
        click.echo(f"  ligne n° {row_id} : {why}", err=True)
    sys.exit(1)

"""`flask export scorm ID [--version 1.2|2004] -o FILE.zip` and `flask export offline ID -o FILE.zip`.

The app has loaded and checked the content before any command runs (it refuses to start on
invalid content), so every export is gated by the content check and reflects the files as
they are now.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from .archive import ExportError, write_atomic
from .service import FORMATS, VERSIONS, build_package, resolve
from ..wording import pluralise

export_group = AppGroup("export", help="Paquets e-learning (SCORM, hors ligne).")
OUTPUT = click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
                      help="Fichier .zip à écrire.")


def _export(ident: str, fmt: str, output: Path) -> None:
    started = time.perf_counter()
    try:
        reg = current_app.extensions["training.content"]
        target = resolve(reg, ident)
        data = build_package(current_app.jinja_env, reg, target, fmt)
        write_atomic(output, data)
    except ExportError as exc:
        click.echo(f"Erreur : {exc}", err=True)
        sys.exit(1)
    click.echo(f"Paquet {FORMATS[fmt]} écrit : {output} ({pluralise(len(target.modules), 'module')}, "
               f"{len(data) // 1024} Kio, {time.perf_counter() - started:.2f} s).")


@export_group.command("scorm")
@click.argument("ident", metavar="MODULE_OU_PARCOURS")
@click.option("--version", "version", default="1.2", show_default=True, help="1.2 ou 2004 (4e édition).")
@OUTPUT
@with_appcontext
def export_scorm(ident: str, version: str, output: Path):
    """Write a SCORM package of a module or of a learning path."""
    if version not in VERSIONS:
        click.echo(f"Erreur : version SCORM « {version} » inconnue : choisissez 1.2 ou 2004.", err=True)
        sys.exit(1)
    _export(ident, VERSIONS[version], output)


@export_group.command("offline")
@click.argument("ident", metavar="MODULE_OU_PARCOURS")
@OUTPUT
@with_appcontext
def export_offline(ident: str, output: Path):
    """Write an offline bundle (static pages that open from a USB key) of a module or a path."""
    _export(ident, "offline", output)

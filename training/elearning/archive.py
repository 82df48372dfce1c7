"""Deterministic zips (fixed timestamps, sorted entries) and writes that never leave a partial file."""
from __future__ import annotations

import io
import os
import tempfile
import zipfile
from pathlib import Path

FIXED_TIME = (2016, 6, 1, 0, 0, 0)  # the report's month: any fixed date keeps zips byte-identical


class ExportError(Exception):
    """A French message for the trainer or the command line; nothing was written."""


def zip_bytes(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, FIXED_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[name], compresslevel=6)
    return buf.getvalue()


def write_atomic(target: Path, data: bytes) -> None:
    """Write to a temporary file beside `target`, then rename: the file is complete or absent."""
    if target.is_dir():
        raise ExportError(f"{target} est un dossier : donnez un nom de fichier, par exemple {target}/paquet.zip.")
    directory = target.parent if str(target.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{target.name}.", suffix=".part")
    except OSError as exc:
        raise ExportError(f"impossible d'écrire dans {directory} ({exc.strerror}).") from None
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise ExportError(f"impossible d'écrire {target} ({exc.strerror}).") from None

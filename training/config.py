"""Configuration as a closed set: code defaults, then instance/config.py, then TRAINING_* variables."""
from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SECRET_FILE = "secret_key"


class ConfigError(Exception):
    """The configuration cannot be used; the message says which key and why, in French."""


DEFAULTS: dict[str, Any] = {
    "SECRET_KEY": "",
    "DATABASE_URL": "",  # empty: SQLite file in the instance folder
    "CONTENT_ROOT": str(PROJECT_ROOT),
    "REPORT_PATH": str(PROJECT_ROOT / "source" / "rapport-tat-2016.txt"),
    "HTTPS": False,  # behind a TLS reverse proxy: Secure cookies and HSTS
    "PROXY_HOPS": 0,  # number of trusted reverse proxies setting X-Forwarded-*
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    "LOGIN_FAILURES_BEFORE_DELAY": 3,
    "LOGIN_FAILURES_BEFORE_LOCK": 12,  # per account, from devices that never signed in to it
    "LOGIN_ADDRESS_FAILURES_BEFORE_PACING": 50,  # per address: then one check every PACE seconds
    "LOGIN_ADDRESS_PACE_SECONDS": 5,
    "LOGIN_LOCK_MINUTES": 15,
    "LOGIN_DELAY_SECONDS": 1.0,
    "RESET_LINK_HOURS": 48,
    "REMEMBER_DAYS": 30,  # « rester connecté », stated on the privacy page
    "KNOWN_DEVICE_DAYS": 180,  # the cookie that lets a device pass an account's lock
    "REFLECTION_MAX_CHARS": 8000,
    "REFLECTION_RETENTION_DAYS": 365,
    "SURVEY_MIN_RESPONSES": 5,  # survey results appear from this many answers, then by batches of as many
    "SHARE_MIN_SUBMITTERS": 3,  # anonymous shares of an exercise appear once this many of the cohort submitted it
    "AUDIT_RETENTION_YEARS": 5,
    "ACCESSIBILITY_CONTACT": "",  # address named on the accessibility page; empty: the organiser is named
    "SMTP_HOST": "",  # empty: no mail is sent; trainers hand over links themselves
    "SMTP_PORT": 25,
    "SMTP_FROM": "",
    "SMTP_USER": "",
    "SMTP_PASSWORD": "",
    "SMTP_STARTTLS": False,
    "SIGN_BEFORE_MINUTES": 30,  # signatures accepted from this long before a session starts…
    "SIGN_AFTER_MINUTES": 120,  # …until this long after it ends (on its day); otherwise a régularisation
    "SELF_SIGN_ROTATE_SECONDS": 30,  # the code shown in the room changes this often
    "SELF_SIGN_GRACE_SECONDS": 30,  # a code still works this long after it rotated
    "SELF_SIGN_MAX_FAILURES": 10,  # wrong codes per address and session per minute, then a pause
    "SCHEMA_CHECK": True,
    "TESTING": False,
    "DEBUG": False,
}

# TRAINING_* variables read by gunicorn.conf.py and the CLI, not by the app's config.
OTHER_ENV = {"BIND", "WORKERS", "FORWARDED_ALLOW_IPS", "ADMIN_EMAIL", "ADMIN_NAME", "ADMIN_PASSWORD",
             "NEW_USER_PASSWORD"}

def _coerce(key: str, raw: str) -> Any:
    default = DEFAULTS[key]
    try:
        if isinstance(default, bool):
            if raw.lower() in ("1", "true", "yes", "oui", "on"):
                return True
            if raw.lower() in ("0", "false", "no", "non", "off", ""):
                return False
            raise ValueError(raw)
        if isinstance(default, int):
            return int(raw)
        if isinstance(default, float):
            return float(raw)
    except ValueError:
        raise ConfigError(f"TRAINING_{key} : valeur « {raw} » invalide ({type(default).__name__} attendu)") from None
    return raw


def _from_instance(app: Flask) -> dict[str, Any]:
    path = Path(app.instance_path) / "config.py"
    if not path.is_file():
        return {}
    scope: dict[str, Any] = {}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), scope)  # operator-owned file
    return {k: v for k, v in scope.items() if k.isupper()}


def load_config(app: Flask, test_config: dict[str, Any] | None) -> None:
    """Fill app.config from the layers; raise ConfigError on an unknown key or missing secret."""
    values = dict(DEFAULTS)
    layers = [("instance/config.py", _from_instance(app)),
              ("environnement", {k[9:]: _coerce(k[9:], v) for k, v in os.environ.items()
                                 if k.startswith("TRAINING_") and k[9:] in DEFAULTS
                                 and not k.startswith("TRAINING_TEST_")}),
              ("test", test_config or {})]
    for where, layer in layers:
        unknown = sorted(set(layer) - set(DEFAULTS))
        if unknown:
            word = "clé de configuration inconnue" if len(unknown) < 2 else "clés de configuration inconnues"
            raise ConfigError(f"{word} dans {where} : {', '.join(unknown)}")
        values.update(layer)
    for key in os.environ:
        if (key.startswith("TRAINING_") and key[9:] not in DEFAULTS and key[9:] not in OTHER_ENV
                and not key.startswith("TRAINING_TEST_")):
            raise ConfigError(f"variable d'environnement inconnue : {key}")
    if not isinstance(values["SURVEY_MIN_RESPONSES"], int) or values["SURVEY_MIN_RESPONSES"] < 3:
        raise ConfigError("SURVEY_MIN_RESPONSES : 3 au moins, sans quoi une réponse isolée serait lisible")
    if not values["SECRET_KEY"]:
        values["SECRET_KEY"] = read_secret(app)
    if not values["SECRET_KEY"] and values["TESTING"]:
        values["SECRET_KEY"] = secrets.token_hex(32)
    # Without a secret the CLI still works (`init` writes one); serving is refused by
    # security.require_secret and by wsgi.py.
    if not values["DATABASE_URL"]:
        values["DATABASE_URL"] = "sqlite:///" + str(Path(app.instance_path) / "training.sqlite3")
    app.config.update(values)
    https = bool(values["HTTPS"])
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True, SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=https,
        REMEMBER_COOKIE_DURATION=timedelta(days=values["REMEMBER_DAYS"]),
        PERMANENT_SESSION_LIFETIME=timedelta(days=values["REMEMBER_DAYS"]),
        REMEMBER_COOKIE_HTTPONLY=True, REMEMBER_COOKIE_SAMESITE="Lax", REMEMBER_COOKIE_SECURE=https,
        # Forms stay valid for a whole session: a trainee may write for a long time.
        WTF_CSRF_TIME_LIMIT=None, WTF_I18N_ENABLED=False, SEND_FILE_MAX_AGE_DEFAULT=3600,
    )


NO_SECRET_MESSAGE = ("aucune clé secrète : lancez « flask --app training init » "
                     "ou définissez TRAINING_SECRET_KEY")


def read_secret(app: Flask) -> str:
    path = Path(app.instance_path) / SECRET_FILE
    return path.read_text(encoding="utf-8").strip() if path.is_file() else ""


def write_secret(instance_path: str) -> bool:
    """Create instance/secret_key (mode 600) if absent; True if a new key was written."""
    path = Path(instance_path) / SECRET_FILE
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(secrets.token_hex(32))
    return True

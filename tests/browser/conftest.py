"""A real gunicorn on 127.0.0.1 with a migrated SQLite database, and Debian's headless Chromium."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import FIXTURE_CONTENT

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(tmp: Path, content_root: Path):
    """A migrated database with the demo data, served by gunicorn; yields the base URL."""
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINING_")}
    env.update(TRAINING_DATABASE_URL=f"sqlite:///{tmp}/live.sqlite3", TRAINING_SECRET_KEY="b" * 64,
               TRAINING_CONTENT_ROOT=str(content_root), TRAINING_BIND=f"127.0.0.1:{port}", TRAINING_WORKERS="2",
               # signatures are accepted all day long for today's sessions, whatever the hour the tests run
               TRAINING_SIGN_BEFORE_MINUTES="1440", TRAINING_SIGN_AFTER_MINUTES="1440")
    flask = [sys.executable, "-m", "flask", "--app", "training"]
    subprocess.run([*flask, "init"], cwd=ROOT, env=env, check=True, capture_output=True)
    subprocess.run([*flask, "demo"], cwd=ROOT, env=env, check=True, capture_output=True)
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "wsgi:app"], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):  # up to 30 s on a loaded machine
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=1):
                break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        raise RuntimeError("gunicorn did not start: " + proc.stderr.read().decode()[-2000:])
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    proc.stderr.close()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    with serve(tmp_path_factory.mktemp("live"), FIXTURE_CONTENT) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (scripts/test installs it)")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="fr-FR")
    pg = context.new_page()
    yield pg
    context.close()


def login(page, url, email="stagiaire@demo.test", password="demo-formation"):
    page.goto(url + "/connexion")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url(url + "/")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)

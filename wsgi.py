"""WSGI entry point for gunicorn: `gunicorn -c gunicorn.conf.py wsgi:app`."""
import sys

from training import create_app
from training.config import NO_SECRET_MESSAGE

app = create_app()
if not app.config["SECRET_KEY"]:
    print(f"Démarrage impossible : {NO_SECRET_MESSAGE}", file=sys.stderr)
    sys.exit(1)

"""The reference apps: Flask's hello world, and a 20 KB Jinja page, served by the same gunicorn settings."""
from flask import Flask, render_template_string

app = Flask(__name__)

PAGE = """<!doctype html><html lang="fr"><head><title>{{ title }}</title></head><body><main>
{% for i in range(rows) %}<section id="s{{ i }}"><h2>{{ title }} {{ i }}</h2><p>{{ text }}</p></section>
{% endfor %}</main></body></html>"""


@app.get("/")
def hello():
    return "Hello, World!"


@app.get("/healthz")
def healthz():
    return {"status": "ok"}


@app.get("/page")
def page():
    return render_template_string(PAGE, title="Page de référence", rows=100,
                                  text="Une page de vingt kilo-octets rendue par Jinja, sans base de données.")

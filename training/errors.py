"""Error pages in French for every status the app produces."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError

MESSAGES = {
    400: ("Requête incorrecte", "La demande n'a pas pu être comprise. Revenez en arrière et réessayez."),
    403: ("Accès refusé", "Votre compte ne permet pas d'accéder à cette page."),
    404: ("Page introuvable", "Cette page n'existe pas ou vous n'y avez pas accès."),
    405: ("Action non permise", "Cette action n'est pas possible à cette adresse."),
    413: ("Envoi trop volumineux", "Les données envoyées dépassent la taille permise (1 Mo). "
          "Raccourcissez le texte ou le fichier, puis réessayez."),
    429: ("Trop de tentatives", "Patientez quelques minutes avant de réessayer."),
    500: ("Erreur du serveur", "Une erreur inattendue s'est produite. Rien de ce que vous aviez "
          "déjà enregistré n'est perdu ; réessayez dans un instant."),
}


def page(code: int, detail: str | None = None):
    """The French error page for `code`, with an optional more precise explanation."""
    title, text = MESSAGES[code]
    return render_template("errors/error.html", code=code, title=title, text=detail or text), code


def init_app(app: Flask) -> None:
    for code in MESSAGES:
        app.register_error_handler(code, lambda exc, code=code: page(code))

    @app.errorhandler(CSRFError)
    def _csrf(exc):
        # A page may know how to keep what was posted (a quiz's ticked answers) rather than lose it.
        recover = app.extensions.get("training.csrf_recovery", {}).get(request.endpoint)
        if recover is not None:
            return recover()
        return page(400, "Le formulaire a expiré ou n'est pas valide (jeton de sécurité manquant). "
                          "Rechargez la page : ce que vous aviez saisi dans un brouillon enregistré est conservé.")

"""A change of the history in French words, for the sheet page and the « Rectifications » block of the PDF."""
from __future__ import annotations

from datetime import date

from .models import HALVES, STATUSES, VIA

KINDS = {"mark": "saisie", "correction": "rectification", "regularisation": "régularisation",
         "void": "signature annulée", "move": "séance déplacée", "cancel": "séance annulée",
         "restore": "séance rétablie", "sign": "signature du formateur", "resign": "nouvelle signature du formateur",
         "anonymise": "nom effacé (anonymisation)", "superseded": "saisie hors ligne non appliquée",
         "import": "import d'une autre instance"}


def _mark(d: dict) -> str:
    if not d or d.get("status") is None:
        return "à renseigner"
    text = STATUSES.get(d["status"], d["status"]).lower()
    if d.get("arrival"):
        text += f" ({d['arrival'].replace(':', ' h ')})"
    if d.get("signature"):
        text += f", signé ({VIA.get(d.get('via') or '', '')}, empreinte {d['signature'][:8]})"
    elif d.get("via") == "paper":
        text += ", signé sur papier"
    else:
        text += ", non signé"
    return text


def _session(d: dict) -> str:
    if not d:
        return "—"
    day = date.fromisoformat(d["day"]).strftime("%d/%m/%Y") if d.get("day") else "?"
    text = f"{day}, {HALVES.get(d.get('half', ''), '').lower()}, {d.get('starts_at', '')}–{d.get('ends_at', '')}"
    if d.get("place"):
        text += f", {d['place']}"
    return text + (", annulée" if d.get("cancelled") else "")


def change_text(change) -> str:
    kind = KINDS.get(change.kind, change.kind)
    if change.kind in ("move", "cancel", "restore"):
        return f"{kind} : {_session(change.before)} → {_session(change.after)}"
    if change.kind in ("sign", "resign"):
        before = (change.before or {}).get("signature")
        after = (change.after or {}).get("signature") or ""
        return f"{kind} : {('empreinte ' + before[:8]) if before else 'aucune'} → empreinte {after[:8]}"
    return f"{kind} : {_mark(change.before)} → {_mark(change.after)}"

"""Signatures: validating drawn strokes, refusing an empty pad, fingerprinting, and rendering the SVG once.

A drawn signature is a list of strokes [[[x, y], …], …] with 0 <= x, y <= 1. A typed signature
(the accessible alternative to drawing) is the person's name typed in and a ticked box.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from html import escape

MAX_STROKES, MAX_POINTS, MAX_RAW = 200, 5000, 200_000
MIN_POINTS, MIN_EXTENT = 3, 0.03  # fewer points, or a smaller spread, is a dot, not a signature
EMPTY = "La signature est vide : signez dans le cadre avant de valider."
UNREADABLE = "Signature illisible : recommencez."


class SignatureError(ValueError):
    """The signature cannot be accepted; the message is French."""


@dataclass(frozen=True)
class Signature:
    kind: str  # "drawn" or "typed"
    strokes: list | None
    typed: str
    svg: str
    sha: str


def parse_raw(raw: str | None):
    """The JSON posted by the pad, bounded in size and depth before it is decoded."""
    if raw is None:
        return None
    if len(raw) > MAX_RAW:
        raise SignatureError("Signature trop volumineuse : recommencez.")
    if raw.count("[") > MAX_POINTS + MAX_STROKES + 1 or _depth(raw) > 3:
        raise SignatureError(UNREADABLE)
    if not raw.strip():
        return ""
    try:
        return json.loads(raw)
    except (ValueError, RecursionError):
        raise SignatureError(UNREADABLE) from None


def _depth(raw: str) -> int:
    depth = deepest = 0
    for ch in raw:
        if ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def _point(pt) -> list[float]:
    if (not isinstance(pt, list) or len(pt) != 2
            or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in pt)
            or not all(0 <= v <= 1 for v in pt)):
        raise SignatureError(UNREADABLE)
    return [round(float(pt[0]), 4), round(float(pt[1]), 4)]


def clean_strokes(strokes) -> list:
    """Validated strokes; SignatureError(EMPTY) for an empty pad or a mere dot."""
    if strokes in (None, "", []):
        raise SignatureError(EMPTY)
    if not isinstance(strokes, list) or len(strokes) > MAX_STROKES:
        raise SignatureError(UNREADABLE)
    out, total = [], 0
    for stroke in strokes:
        if not isinstance(stroke, list) or len(stroke) > MAX_POINTS:
            raise SignatureError(UNREADABLE)
        pts = [_point(pt) for pt in stroke]
        total += len(pts)
        if pts:
            out.append(pts)
    if total > MAX_POINTS:
        raise SignatureError("Signature trop complexe : recommencez plus simplement.")
    xs = [p[0] for s in out for p in s]
    ys = [p[1] for s in out for p in s]
    if total < MIN_POINTS or max(max(xs) - min(xs), max(ys) - min(ys)) < MIN_EXTENT:
        raise SignatureError(EMPTY)
    return out


def strokes_svg(strokes: list, label: str) -> str:
    lines = "".join('<polyline points="' + " ".join(f"{x * 300:.1f},{y * 100:.1f}" for x, y in stroke) + '"/>'
                    for stroke in strokes)
    return (f'<svg class="signature-thumb" viewBox="0 0 300 100" role="img" aria-label="{escape(label)}" '
            f'preserveAspectRatio="none">{lines}</svg>')


def typed_svg(name: str, label: str) -> str:
    return (f'<svg class="signature-thumb typed" viewBox="0 0 300 100" role="img" aria-label="{escape(label)}">'
            f'<text x="10" y="60">{escape(name)}</text></svg>')


def fingerprint(payload) -> str:
    return hashlib.sha256(json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()).hexdigest()


def drawn(strokes, label: str) -> Signature:
    clean = clean_strokes(strokes)
    return Signature("drawn", clean, "", strokes_svg(clean, label), fingerprint(clean))


def typed(name: str, confirmed: bool, expected: str, label: str) -> Signature:
    """The accessible alternative: the person types their name and ticks the box."""
    name = " ".join((name or "").split())[:160]
    if not name or not confirmed:
        raise SignatureError("Pour signer sans dessiner, saisissez votre nom et cochez la case de confirmation.")
    if name.casefold() != " ".join(expected.split()).casefold():
        raise SignatureError(f"Le nom saisi ne correspond pas : saisissez « {expected} ».")
    return Signature("typed", None, name, typed_svg(name, label), fingerprint({"typed": name}))

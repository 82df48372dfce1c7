"""Low-level parsing of content files: front matter, headings, typed fields; errors with lines."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from .model import SourceRange

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RANGE = re.compile(r"^report:(\d+)-(\d+)$")
H2 = re.compile(r"^##(?!#)\s*(.*?)\s*$")
ATTRS = re.compile(r"^(.*?)\s*\{([^{}]*)\}\s*$")
TOML_LINE = re.compile(r"at line (\d+)")


@dataclass(frozen=True)
class ContentError:
    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentInvalid(Exception):
    """Raised with every error found, so the whole list is reported at once."""

    def __init__(self, errors: list[ContentError]):
        self.errors = sorted(errors, key=lambda e: (e.path, e.line))
        super().__init__("\n".join(str(e) for e in self.errors))


@dataclass
class Source:
    """One content file being read, collecting its errors."""

    path: Path
    rel: str
    errors: list[ContentError]
    report_lines: int
    text: str = ""
    front: dict = field(default_factory=dict)
    front_lines: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    body_start: int = 1  # file line number of body[0]

    def error(self, line: int, message: str) -> None:
        self.errors.append(ContentError(self.rel, line, message))

    def key_line(self, key: str, default: int = 1) -> int:
        pattern = re.compile(rf"^\s*{re.escape(key)}\s*=")
        for i, line in enumerate(self.front_lines, start=2):
            if pattern.match(line):
                return i
        return default


def read_text(src: Source) -> bool:
    try:
        src.text = src.path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        src.error(1, f"le fichier n'est pas en UTF-8 ({exc.reason})")
        return False
    return True


def split_front_matter(src: Source) -> bool:
    """Split `+++` TOML front matter from the Markdown body; False if unusable."""
    if not read_text(src):
        return False
    lines = src.text.splitlines()
    if not lines or lines[0].strip() != "+++":
        src.error(1, "le fichier doit commencer par une ligne « +++ » ouvrant l'en-tête TOML")
        return False
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "+++")
    except StopIteration:
        src.error(1, "l'en-tête TOML n'est pas refermé par une ligne « +++ »")
        return False
    src.front_lines = lines[1:end]
    src.body = lines[end + 1:]
    src.body_start = end + 2
    try:
        src.front = tomllib.loads("\n".join(src.front_lines))
    except tomllib.TOMLDecodeError as exc:
        m = TOML_LINE.search(str(exc))
        line = int(m.group(1)) + 1 if m else 1
        src.error(line, f"en-tête TOML invalide : {exc}")
        return False
    return True


def load_toml(src: Source) -> bool:
    if not read_text(src):
        return False
    src.front_lines = ["", *src.text.splitlines()]  # key_line() counts from line 2
    try:
        src.front = tomllib.loads(src.text)
    except tomllib.TOMLDecodeError as exc:
        m = TOML_LINE.search(str(exc))
        src.error(int(m.group(1)) if m else 1, f"TOML invalide : {exc}")
        return False
    return True


def parse_ranges(values: Any, src: Source, line: int, what: str, required: bool = True) -> tuple[SourceRange, ...]:
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        src.error(line, f"{what} : une liste de plages « report:début-fin » est attendue")
        return ()
    if required and not values:
        src.error(line, f"{what} : au moins une plage « report:début-fin » est requise")
    out = []
    for v in values:
        r = check_range(v, src, line, what)
        if r:
            out.append(r)
    return tuple(out)


def check_range(value: str, src: Source, line: int, what: str) -> SourceRange | None:
    m = RANGE.match(value.strip())
    if not m:
        src.error(line, f"{what} : « {value} » n'est pas une plage de la forme report:début-fin")
        return None
    first, last = int(m.group(1)), int(m.group(2))
    if first < 1 or last > src.report_lines or first > last:
        src.error(line, f"{what} : la plage {value} sort du rapport (lignes 1 à {src.report_lines}) ou est inversée")
        return None
    return SourceRange(first, last)


def check_inline_ranges(text: str, src: Source, line: int, what: str) -> int:
    """Validate every report:a-b written inside a text; return how many were found."""
    found = 0
    for m in re.finditer(r"report:\S*", text):
        token = m.group(0).rstrip(").,;»")
        check_range(token, src, line, what)
        found += 1
    return found


Check = Callable[[Any], str | None]


def fields(data: dict, spec: dict[str, tuple[type, bool, Check | None]], src: Source,
           line_of: Callable[[str], int], what: str) -> dict:
    """Check keys and types of a table against a spec {key: (type, required, check)}."""
    out: dict = {}
    for key in data:
        if key not in spec:
            src.error(line_of(key), f"{what} : clé inconnue « {key} » (clés permises : {', '.join(spec)})")
    for key, (typ, required, check) in spec.items():
        if key not in data:
            if required:
                src.error(line_of(key), f"{what} : clé obligatoire « {key} » absente")
            continue
        value = data[key]
        if typ is int and isinstance(value, bool) or not isinstance(value, typ):
            src.error(line_of(key), f"{what} : « {key} » doit être {_TYPE_NAMES[typ]}")
            continue
        if check:
            problem = check(value)
            if problem:
                src.error(line_of(key), f"{what} : « {key} » {problem}")
                continue
        out[key] = value
    return out


_TYPE_NAMES = {str: "un texte entre guillemets", int: "un nombre entier", bool: "true ou false",
               list: "une liste [ … ]", dict: "une table"}


def slug_check(value: str) -> str | None:
    return None if SLUG.match(value) else "doit être en minuscules, chiffres et tirets (ex. cadre-de-vie)"


def text_check(lo: int, hi: int) -> Check:
    def check(value: str) -> str | None:
        n = len(value.strip())
        return None if lo <= n <= hi else f"doit compter de {lo} à {hi} caractères (ici {n})"
    return check


def int_check(lo: int, hi: int) -> Check:
    def check(value: int) -> str | None:
        return None if lo <= value <= hi else f"doit être compris entre {lo} et {hi}"
    return check


def str_list_check(lo: int, hi: int, allowed: tuple[str, ...] | None = None) -> Check:
    def check(value: list) -> str | None:
        if not all(isinstance(v, str) and v.strip() for v in value):
            return "doit être une liste de textes non vides"
        if not lo <= len(value) <= hi:
            return f"doit compter de {lo} à {hi} éléments (ici {len(value)})"
        if allowed:
            bad = [v for v in value if v not in allowed]
            if bad:
                return f"contient des valeurs inconnues {bad} (permises : {', '.join(allowed)})"
        if len(set(value)) != len(value):
            return "contient des doublons"
        return None
    return check


@dataclass
class RawSection:
    title: str
    attrs: dict
    ranges: tuple[SourceRange, ...]
    line: int
    body: list[str]


def split_sections(src: Source, with_attrs: bool) -> tuple[list[str], list[RawSection]]:
    """Split the body at level-2 headings; return the preamble lines and the sections."""
    preamble: list[str] = []
    sections: list[RawSection] = []
    in_fence = False
    for offset, line in enumerate(src.body):
        lineno = src.body_start + offset
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
        if not in_fence and re.match(r"^#(?!#)\s", line):
            src.error(lineno, "titre de niveau 1 (« # ») interdit : le titre vient de l'en-tête")
            continue
        m = None if in_fence else H2.match(line)
        if not m:
            (sections[-1].body if sections else preamble).append(line)
            continue
        sections.append(_heading(m.group(1), lineno, src, with_attrs))
    return preamble, sections


def _heading(text: str, lineno: int, src: Source, with_attrs: bool) -> RawSection:
    m = ATTRS.match(text)
    if not with_attrs:
        if m:
            src.error(lineno, "ce titre ne prend pas de bloc d'attributs { … }")
        return RawSection(text, {}, (), lineno, [])
    if not m:
        src.error(lineno, "titre de section sans bloc d'attributs {#identifiant report:début-fin}")
        return RawSection(text, {}, (), lineno, [])
    title, raw = m.group(1).strip(), m.group(2).split()
    attrs: dict = {}
    ranges = []
    cited = False
    for token in raw:
        if token.startswith("#"):
            attrs["id"] = token[1:]
        elif token.startswith("report:"):
            cited = True
            r = check_range(token, src, lineno, "section")
            if r:
                ranges.append(r)
        elif "=" in token:
            k, v = token.split("=", 1)
            attrs[k] = v
        else:
            src.error(lineno, f"attribut de section incompris : « {token} »")
    if "id" not in attrs or not SLUG.match(attrs["id"]):
        src.error(lineno, "la section doit avoir un identifiant #en-minuscules-et-tirets")
    if not cited:
        src.error(lineno, "la section doit citer au moins une plage report:début-fin")
    return RawSection(title, attrs, tuple(ranges), lineno, [])


def complete(values: dict, spec: dict) -> bool:
    """True when every required key of the spec passed its checks."""
    return all(key in values for key, (_t, required, _c) in spec.items() if required)

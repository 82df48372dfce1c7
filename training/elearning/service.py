"""Build SCORM 1.2, SCORM 2004 (4th edition) and offline packages of a module or a learning path."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..content.model import Module, Registry
from .archive import ExportError, zip_bytes
from .manifest import Sco, build_manifest
from .pages import Page, render_index, render_module, render_source

RUNTIME = Path(__file__).parent / "runtime"
ASSETS = {"assets/app.css": Path(__file__).parents[1] / "static" / "css" / "app.css",
          "assets/package.css": RUNTIME / "package.css", "assets/runtime.js": RUNTIME / "runtime.js"}
FORMATS = {"scorm12": "SCORM 1.2", "scorm2004": "SCORM 2004 (4e édition)", "offline": "hors ligne"}
VERSIONS = {"1.2": "scorm12", "2004": "scorm2004"}


@dataclass(frozen=True)
class Target:
    kind: str  # "module" or "parcours"
    slug: str
    title: str
    intro_html: str
    modules: tuple[Module, ...]

    @property
    def ident(self) -> str:
        return f"tat-{self.kind}-{self.slug}"


def resolve(reg: Registry, ident: str) -> Target:
    """`alpha`, `module:alpha` or `parcours:complet`; an id naming both must be qualified."""
    kind, _, slug = ident.rpartition(":")
    if kind not in ("", "module", "parcours"):
        raise ExportError(f"« {ident} » : préfixe inconnu, utilisez module:{slug} ou parcours:{slug}.")
    in_modules, in_paths = slug in reg.modules and kind != "parcours", slug in reg.paths and kind != "module"
    if in_modules and in_paths:
        raise ExportError(f"« {slug} » désigne à la fois un module et un parcours : "
                          f"précisez module:{slug} ou parcours:{slug}.")
    if in_paths:
        lp = reg.paths[slug]
        return Target("parcours", slug, lp.title, lp.intro_html, tuple(reg.modules[s] for s in lp.module_slugs))
    if in_modules:
        m = reg.modules[slug]
        return Target("module", slug, m.title, "", (m,))
    raise ExportError(f"aucun module ni parcours ne porte l'identifiant « {ident} ». "
                      f"Modules : {', '.join(sorted(reg.modules))}. Parcours : {', '.join(sorted(reg.paths))}.")


def filename(target: Target, fmt: str) -> str:
    return f"{target.slug}-{'hors-ligne' if fmt == 'offline' else fmt}.zip"


def _pages(env, reg: Registry, target: Target, offline: bool) -> tuple[list[Page], dict[str, set[str]]]:
    """Module pages and the source pages they cite; for each module, every file its page uses."""
    pages, uses = [], {}
    mods = target.modules
    for i, m in enumerate(mods):
        nav = {"prev": mods[i - 1] if i > 0 else None, "next": mods[i + 1] if i + 1 < len(mods) else None}
        page = render_module(env, reg, target.ident, m, nav, offline)
        sources = [render_source(env, reg, first, last) for first, last in sorted(page.cited)]
        uses[m.slug] = {page.name} | {s.name for s in sources} | set(ASSETS)
        pages.append(page)
        pages.extend(sources)
    return pages, uses


def package_files(env, reg: Registry, target: Target, fmt: str) -> dict[str, bytes]:
    if fmt not in FORMATS:
        raise ExportError(f"format « {fmt} » inconnu : choisissez SCORM 1.2, SCORM 2004 ou hors ligne.")
    offline = fmt == "offline"
    pages, uses = _pages(env, reg, target, offline)
    if offline:
        index = render_index(env, target.title, target.intro_html, list(target.modules))
        have = {p.name for p in pages}
        pages.append(index)
        pages.extend(render_source(env, reg, f, last) for f, last in sorted(index.cited)
                     if f"sources/{f}-{last}.html" not in have)
    files = {p.name: p.html.encode("utf-8") for p in pages}
    files.update({name: path.read_bytes() for name, path in ASSETS.items()})
    if not offline:
        scos = [Sco(m.slug, m.title, f"{m.slug}.html", tuple(sorted(uses[m.slug]))) for m in target.modules]
        files["imsmanifest.xml"] = build_manifest(env, fmt, target.ident, target.title, scos)
    _check_links(pages, files)
    return files


def _check_links(pages: list[Page], files: dict[str, bytes]) -> None:
    """A page linking to a file the package lacks is a bug here, never something to ship."""
    for page in pages:
        base = page.name.rsplit("/", 1)[0] + "/" if "/" in page.name else ""
        for link in page.links:
            name = link[3:] if link.startswith("../") else base + link
            if name not in files:
                raise ExportError(f"{page.name} renvoie vers {link}, absent du paquet.")


def build_package(env, reg: Registry, target: Target, fmt: str) -> bytes:
    return zip_bytes(package_files(env, reg, target, fmt))

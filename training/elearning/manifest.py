"""imsmanifest.xml for SCORM 1.2 and SCORM 2004 4th edition: one organisation, one SCO per module."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sco:
    slug: str
    title: str
    href: str
    files: tuple[str, ...]


TEMPLATES = {"scorm12": "elearning/imsmanifest_12.xml", "scorm2004": "elearning/imsmanifest_2004.xml"}


def build_manifest(env, fmt: str, ident: str, title: str, scos: list[Sco]) -> bytes:
    xml = env.get_template(TEMPLATES[fmt]).render(ident=ident, title=title, scos=scos)
    return xml.encode("utf-8")

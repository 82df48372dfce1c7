"""E-learning exports from the command line: manifests against the SCORM XSDs, every file listed and
present, byte-identical zips, nothing trainer-only, no outside request, only the cited report lines."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from markupsafe import escape

ROOT = Path(__file__).resolve().parent.parent
XSD = ROOT / "tests" / "vendor" / "scorm-xsd"
SCHEMAS = {
    "1.2": ("scorm12", [("http://www.imsproject.org/xsd/imscp_rootv1p1p2", "imscp_rootv1p1p2.xsd"),
                        ("http://www.adlnet.org/xsd/adlcp_rootv1p2", "adlcp_rootv1p2.xsd")]),
    "2004": ("scorm2004-4th", [("http://www.imsglobal.org/xsd/imscp_v1p1", "imscp_v1p1.xsd"),
                               ("http://www.adlnet.org/xsd/adlcp_v1p3", "adlcp_v1p3.xsd"),
                               ("http://www.imsglobal.org/xsd/imsss", "imsss_v1p0.xsd")]),
}
NAMESPACES = {"1.2": "http://www.imsproject.org/xsd/imscp_rootv1p1p2", "2004": "http://www.imsglobal.org/xsd/imscp_v1p1"}


def schema(version: str) -> etree.XMLSchema:
    """The official XSDs, imported side by side by a wrapper so both namespaces are checked strictly."""
    folder, imports = SCHEMAS[version]
    base = (XSD / folder).resolve()
    wrapper = '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">' + "".join(
        f'<xs:import namespace="{ns}" schemaLocation="{(base / f).as_uri()}"/>' for ns, f in imports) + "</xs:schema>"
    return etree.XMLSchema(etree.fromstring(wrapper.encode(), base_url=base.as_uri() + "/"))


def export(runner, kind: str, ident: str, out: Path, *extra: str):
    return runner.invoke(args=["export", kind, ident, "-o", str(out), *extra])


def read_zip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {name: z.read(name) for name in z.namelist()}


def check_manifest(files: dict[str, bytes], version: str, module_slugs) -> None:
    doc = etree.fromstring(files["imsmanifest.xml"])
    xsd = schema(version)
    assert xsd.validate(doc), xsd.error_log
    # Rules the XSDs cannot express: references resolve, one SCO per module, nothing missing or unlisted.
    ns = {"cp": NAMESPACES[version]}
    assert doc.findtext("cp:metadata/cp:schema", namespaces=ns) == "ADL SCORM"
    assert doc.findtext("cp:metadata/cp:schemaversion", namespaces=ns) == (
        "1.2" if version == "1.2" else "2004 4th Edition")
    orgs = doc.findall("cp:organizations/cp:organization", ns)
    assert len(orgs) == 1 and doc.find("cp:organizations", ns).get("default") == orgs[0].get("identifier")
    resources = {r.get("identifier"): r for r in doc.findall("cp:resources/cp:resource", ns)}
    items = orgs[0].findall("cp:item", ns)
    assert [i.get("identifier") for i in items] == [f"item-{s}" for s in module_slugs]
    scorm_type = "{http://www.adlnet.org/xsd/%s}%s" % (
        ("adlcp_rootv1p2", "scormtype") if version == "1.2" else ("adlcp_v1p3", "scormType"))
    listed = set()
    for item in items:
        res = resources[item.get("identifierref")]
        assert res.get(scorm_type) == "sco" and res.get("href") in files
        hrefs = [f.get("href") for f in res.findall("cp:file", ns)]
        assert res.get("href") in hrefs
        listed.update(hrefs)
    assert all(h in files for h in listed), sorted(set(listed) - set(files))
    assert set(files) - {"imsmanifest.xml"} == listed


@pytest.mark.parametrize("version", ["1.2", "2004"])
def test_module_scorm_package_validates_and_lists_every_file(runner, tmp_path, version):
    out = tmp_path / "alpha.zip"
    result = export(runner, "scorm", "alpha", out, "--version", version)
    assert result.exit_code == 0, result.output
    assert "Paquet SCORM" in result.output
    files = read_zip(out)
    check_manifest(files, version, ["alpha"])
    page = files["alpha.html"].decode()
    assert "Le cadre de vie (test)" in page and 'src="assets/runtime.js"' in page


@pytest.fixture
def course_runner(make_app):
    """The real course (modules/ and quizzes/ of the repository), not the test fixture."""
    return make_app(CONTENT_ROOT=str(ROOT)).test_cli_runner()


def test_full_course_packages(course_runner, tmp_path):
    app = course_runner.app
    reg = app.extensions["training.content"]
    path = reg.paths["parcours-complet"]
    zips = {}
    for kind, extra, name in (("scorm", ("--version", "1.2"), "s12"), ("scorm", ("--version", "2004"), "s04"),
                              ("offline", (), "off")):
        out = tmp_path / f"{name}.zip"
        result = export(course_runner, kind, "parcours-complet", out, *extra)
        assert result.exit_code == 0, result.output
        zips[name] = read_zip(out)
    check_manifest(zips["s12"], "1.2", path.module_slugs)
    check_manifest(zips["s04"], "2004", path.module_slugs)
    # The content pages are the same files in both SCORM versions; only the manifest differs.
    assert {k: v for k, v in zips["s12"].items() if k != "imsmanifest.xml"} == {
        k: v for k, v in zips["s04"].items() if k != "imsmanifest.xml"}
    offline_index = zips["off"]["index.html"].decode()
    assert all(f'href="{slug}.html"' in offline_index for slug in path.module_slugs)
    for name, files in zips.items():
        assert_nothing_trainer_only(reg, files)
        assert_no_outside_request(files)
        # The offline start page shows the path's introduction, with its own citations.
        assert_only_cited_lines(reg, [reg.modules[s] for s in path.module_slugs], files,
                                path.intro_html if name == "off" else "")


def _text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def assert_nothing_trainer_only(reg, files: dict[str, bytes]) -> None:
    everything = " ".join(_text_of(v.decode("utf-8", "replace")) for v in files.values())
    learner = " ".join([_text_of(s.html) for m in reg.modules.values() for s in m.sections]
                       + [_text_of(" ".join([e.situation_html, e.consigne_html, *e.questions, *e.debrief]))
                          for e in reg.exercises.values()] + [" ".join(reg.report.lines)]
                       + [_text_of(lp.intro_html) for lp in reg.paths.values()]
                       + [_text_of(" ".join([q.prompt, q.explanation, *(c.text + " " + c.feedback for c in q.choices)]))
                          for quiz in reg.quizzes.values() for q in quiz.questions])
    phrases = []
    for notes in reg.facilitator.values():
        for sec in notes.sections:
            phrases += [p for p in re.split(r"(?<=[.!?:;])\s+", _text_of(sec.html)) if len(p) > 40]
    phrases = [p for p in phrases if p not in learner]  # notes may quote what trainees read too
    assert len(phrases) > 20
    leaked = [p for p in phrases if p in everything]
    assert not leaked, leaked[:3]
    assert "Notes d'animation" not in everything and "/animation/" not in everything


URL = re.compile(rb"(?:https?:)?//[\w.-]+\.\w")
TARGET = re.compile(rb"""(?:\b(?:href|src|action|formaction|poster|data|srcset|xmlns(?::\w+)?)\s*=\s*["']?|url\(\s*["']?|@import\s+["']?)([^"'\s)>]*)""")


def assert_no_outside_request(files: dict[str, bytes]) -> None:
    """No request target (attribute, CSS url or import, script string) leaves the package. Report lines
    may mention an address as text; the manifest may only name its XML namespaces."""
    for name, data in files.items():
        targets = TARGET.findall(data)
        if name.endswith((".js", ".css")):
            targets += URL.findall(data)
        outside = [t for t in targets if URL.match(t) or t.startswith((b"http:", b"https:"))]
        if name == "imsmanifest.xml":
            namespaces = set(re.findall(rb'xmlns(?::\w+)?="([^"]+)"', data))
            assert set(re.findall(rb"https?://[^\s\"<]+", data)) <= namespaces
            outside = [t for t in outside if t not in namespaces]
        assert not outside, (name, outside[:3])


def assert_only_cited_lines(reg, modules, files: dict[str, bytes], intro_html: str = "") -> None:
    """Source pages are exactly the passages the packaged content cites, each with those lines only."""
    cited = {(int(a), int(b)) for a, b in re.findall(r"/source/(\d+)-(\d+)", intro_html)}
    for m in modules:
        quiz = reg.quizzes[m.quiz_slug]
        ranges = [r for s in m.sections for r in s.sources]
        ranges += [r for ex in reg.exercises_of(m) for r in ex.sources] + [r for q in quiz.questions for r in q.sources]
        cited |= {(r.first, r.last) for r in ranges}
        html = " ".join([s.html for s in m.sections] + [
            " ".join([ex.situation_html, ex.consigne_html, *ex.questions, *ex.debrief]) for ex in reg.exercises_of(m)]
            + [" ".join([q.prompt, q.explanation, *(c.feedback for c in q.choices), *(c.text for c in q.choices)])
               for q in quiz.questions])
        cited |= {(int(a), int(b)) for a, b in re.findall(r"/source/(\d+)-(\d+)", html)}
    pages = {n for n in files if n.startswith("sources/")}
    assert pages == {f"sources/{a}-{b}.html" for a, b in cited}
    for name in pages:
        first, last = map(int, re.match(r"sources/(\d+)-(\d+)\.html", name).groups())
        numbers = [int(n) for n in re.findall(r'id="l(\d+)"', files[name].decode())]
        assert numbers == list(range(first, last + 1)), name
        page = files[name].decode()
        assert all(str(escape(reg.report.lines[n - 1])) in page for n in (first, last)), name


def test_same_content_gives_byte_identical_zips(runner, make_app, tmp_path):
    first, second, third = tmp_path / "1.zip", tmp_path / "2.zip", tmp_path / "3.zip"
    assert export(runner, "scorm", "alpha", first, "--version", "2004").exit_code == 0
    assert export(runner, "scorm", "alpha", second, "--version", "2004").exit_code == 0
    other_app_runner = make_app().test_cli_runner()
    assert export(other_app_runner, "scorm", "alpha", third, "--version", "2004").exit_code == 0
    assert first.read_bytes() == second.read_bytes() == third.read_bytes()
    with zipfile.ZipFile(first) as z:
        names = z.namelist()
        assert names == sorted(names)
        assert {i.date_time for i in z.infolist()} == {(2016, 6, 1, 0, 0, 0)}
    off1, off2 = tmp_path / "o1.zip", tmp_path / "o2.zip"
    assert export(runner, "offline", "complet", off1).exit_code == 0
    assert export(runner, "offline", "parcours:complet", off2).exit_code == 0
    assert off1.read_bytes() == off2.read_bytes()


def test_a_content_change_shows_in_the_next_export(make_app, tmp_path):
    import shutil

    from tests.conftest import FIXTURE_CONTENT

    root = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, root)
    before = tmp_path / "before.zip"
    assert export(make_app(CONTENT_ROOT=str(root)).test_cli_runner(), "offline", "alpha", before).exit_code == 0
    module = root / "modules" / "alpha" / "module.md"
    module.write_text(module.read_text(encoding="utf-8").replace("Des nuisances.", "Des nuisances sonores."),
                      encoding="utf-8")
    after = tmp_path / "after.zip"
    assert export(make_app(CONTENT_ROOT=str(root)).test_cli_runner(), "offline", "alpha", after).exit_code == 0
    assert "Des nuisances sonores." not in read_zip(before)["alpha.html"].decode()
    assert "Des nuisances sonores." in read_zip(after)["alpha.html"].decode()


def test_fixture_packages_hold_nothing_trainer_only(runner, app, tmp_path):
    reg = app.extensions["training.content"]
    for kind, extra in (("scorm", ("--version", "1.2")), ("offline", ())):
        out = tmp_path / f"{kind}.zip"
        assert export(runner, kind, "complet", out, *extra).exit_code == 0
        files = read_zip(out)
        notes = _text_of(reg.facilitator["alpha"].sections[0].html)
        assert notes[:40] not in " ".join(_text_of(v.decode()) for v in files.values())
        assert_no_outside_request(files)
        assert_only_cited_lines(reg, [reg.modules["alpha"]], files,
                                reg.paths["complet"].intro_html if kind == "offline" else "")


def test_every_module_and_path_of_the_course_exports_cleanly(course_runner):
    """Every manifest the real course can produce validates; nothing trainer-only or outside in any."""
    from training.elearning.service import package_files, resolve

    app = course_runner.app
    reg = app.extensions["training.content"]
    idents = [f"module:{s}" for s in reg.modules] + [f"parcours:{s}" for s in reg.paths]
    with app.app_context():
        for ident in idents:
            target = resolve(reg, ident)
            slugs = [m.slug for m in target.modules]
            for fmt, version in (("scorm12", "1.2"), ("scorm2004", "2004")):
                files = package_files(app.jinja_env, reg, target, fmt)
                check_manifest(files, version, slugs)
                assert_no_outside_request(files)
            assert_nothing_trainer_only(reg, files)
            offline = package_files(app.jinja_env, reg, target, "offline")
            assert_no_outside_request(offline)
            assert_only_cited_lines(reg, target.modules, offline, target.intro_html)

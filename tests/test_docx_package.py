"""Every .docx is planmaker's own minimal package, as clean as a clerk's own Word file:
only the styles it uses, no theme (WPS reported its Calibri/Cambria faces as missing), no
thumbnail, a core.xml with each element once in its namespace, app.xml naming planmaker."""

from __future__ import annotations

import collections
import zipfile

import pytest
from lxml import etree

from conftest import EXAMPLES, run_cli
from planmaker import __version__
from planmaker.office.docx_package import docx_bytes

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CORE_NAMESPACES = {"http://purl.org/dc/elements/1.1/", "http://purl.org/dc/terms/",
                   "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"}
NAMES = "名称,类别,等级,性质,地址\n第一人民医院,综合医院,三级,公立,人民路1号\n"


@pytest.fixture(scope="module")
def packages(tmp_path_factory):
    root = tmp_path_factory.mktemp("packages")
    names = root / "名单.csv"
    names.write_text(NAMES, encoding="utf-8")
    found = []
    for example in ("guangxi-2020", "county-conduct"):
        out = root / example
        result = run_cli("build", EXAMPLES / example / "plan.yaml", "-o", out, "--institutions", names,
                         "--workers", "1")
        assert result.exit_code == 0, result.output
        found += sorted(out.rglob("*.docx"))
    templates = sorted((EXAMPLES.parent / "templates" / "annexes").glob("*.docx"))
    return found + templates


@pytest.mark.slow
def test_only_what_the_document_uses(packages):
    for path in packages:
        with zipfile.ZipFile(path) as package:
            names = set(package.namelist())
            assert not names & {"docProps/thumbnail.jpeg", "word/stylesWithEffects.xml", "word/webSettings.xml"}, path
            assert not any(n.startswith(("word/theme/", "customXml/")) for n in names), path
            styles = etree.fromstring(package.read("word/styles.xml"))
            assert styles.find(f"{W}latentStyles") is None
            used = set()
            for name in names - {"word/styles.xml"}:
                if name.startswith("word/") and name.endswith(".xml"):
                    tree = etree.fromstring(package.read(name))
                    used |= {e.get(f"{W}val") for tag in ("pStyle", "rStyle", "tblStyle") for e in tree.iter(f"{W}{tag}")}
            for style in styles.iter(f"{W}style"):
                sid = style.get(f"{W}styleId")
                based = {e.get(f"{W}val") for s in styles.iter(f"{W}style") for e in s.iter(f"{W}basedOn")}
                assert style.get(f"{W}default") == "1" or sid in used | based, (path.name, sid)
            assert b"Theme=" not in package.read("word/styles.xml"), path
            assert len(package.read("word/styles.xml")) < 8000, path


def test_core_and_app_properties(packages):
    for path in packages:
        with zipfile.ZipFile(path) as package:
            core = etree.fromstring(package.read("docProps/core.xml"))
            app = package.read("docProps/app.xml").decode("utf-8")
        tags = collections.Counter(etree.QName(e).localname for e in core)
        assert max(tags.values()) == 1, (path, tags)
        assert {etree.QName(e).namespace for e in core} <= CORE_NAMESPACES, path
        title = core.findtext("{http://purl.org/dc/elements/1.1/}title")
        assert title, path
        assert f"<Application>planmaker/{__version__}</Application>" in app, path
        if "templates" not in path.parts:
            assert core.findtext("{http://purl.org/dc/elements/1.1/}creator"), path


def test_every_run_names_its_chinese_face_and_every_grid_its_cells(packages):
    for path in packages:
        with zipfile.ZipFile(path) as package:
            body = etree.fromstring(package.read("word/document.xml"))
        for run in body.iter(f"{W}r"):
            text = "".join(t.text or "" for t in run.iter(f"{W}t"))
            if text.strip():
                fonts = run.find(f"{W}rPr/{W}rFonts")
                assert fonts is not None and fonts.get(f"{W}eastAsia"), (path.name, text)
        for table in body.iter(f"{W}tbl"):
            assert table.find(f"{W}tblGrid/{W}gridCol") is not None, path
            for cell in table.iter(f"{W}tc"):
                assert cell.find(f"{W}tcPr/{W}tcW") is not None, path


def test_the_plan_is_tens_of_kilobytes(packages):
    plans = [p for p in packages if p.name.endswith("方案.docx")]
    assert plans
    for path in plans:
        assert path.stat().st_size < 60_000, (path, path.stat().st_size)


def test_the_package_is_the_same_for_the_same_document(tmp_path, monkeypatch):
    import datetime as dt
    import io
    import time

    from planmaker.office.plan_docx import new_document

    document = new_document()
    document.add_paragraph("正文")
    when = dt.datetime(2021, 8, 20)
    first = docx_bytes(document, "标题", "柳州市卫生健康委员会", when)
    later = time.time() + 86_400  # the clock does not reach the package (it once did, in the zip's entries)
    monkeypatch.setattr(time, "time", lambda: later)
    assert first == docx_bytes(document, "标题", "柳州市卫生健康委员会", when)
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        fonts = package.read("word/fontTable.xml").decode("utf-8")
    assert '<w:font w:name="仿宋_GB2312"><w:charset w:val="86"/>' in fonts

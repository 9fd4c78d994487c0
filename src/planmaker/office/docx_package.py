"""A .docx package of planmaker's own: what the document uses and nothing else.

python-docx saves from its default template, which is another program's
document: every built-in style Word knows (350 KB) and their copy with effects
(438 KB), a theme whose fonts are Calibri and Cambria with empty East Asian
faces (WPS reports them as missing), a thumbnail of a blank page, and
properties claiming Microsoft Word wrote the file.  Here the saved package is
rewritten: the styles the document names (and those they are based on, and
the defaults), explicit fonts where the template pointed to the theme, no
theme, a font table of the faces the runs name, and core and extended
properties written once, from the plan (no clock: the same plan gives the
same bytes).
"""

from __future__ import annotations

import datetime as dt
import functools
import posixpath
from typing import Any, cast
from xml.sax.saxutils import escape

from lxml import etree

from planmaker.base.versions import versions
from planmaker.office.ooxml import core_text, stable_package

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
W = f"{{{W_NS}}}"
OFFICE_RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
# parts a document never needs: what Word and the template carried along
DROPPED_RELATIONS = {OFFICE_RELS + kind for kind in ("theme", "webSettings", "customXml", "metadata/thumbnail",
                                                     "glossaryDocument", "people", "commentsExtended")} | {
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects",
    "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility",
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/thumbnail",
    "http://schemas.microsoft.com/office/2006/relationships/ui/extensibility",
}
CORE = "docProps/core.xml"
APP = "docProps/app.xml"
LATIN = "Times New Roman"
# where the template's styles named theme fonts: the faces of GB/T 9704 (body 仿宋, headings 黑体)
THEME_FACES = {"minor": {"latin": LATIN, "ea": "仿宋_GB2312"}, "major": {"latin": LATIN, "ea": "黑体"}}
_THEME_ATTRS = {"asciiTheme": ("ascii", "latin"), "hAnsiTheme": ("hAnsi", "latin"),
                "eastAsiaTheme": ("eastAsia", "ea"), "cstheme": ("cs", "latin")}
_STYLE_REFS = ("pStyle", "rStyle", "tblStyle", "numStyleLink", "styleLink")
_SETTINGS_DROPPED = ("rsids", "savePreviewPicture", "attachedTemplate", "clrSchemeMapping")


def docx_bytes(document, title: str, author: str, when: dt.datetime) -> bytes:
    """A python-docx document saved as planmaker's own package, byte for byte the same for the same plan."""
    return _minimal(_saved_parts(document), core_text(title), core_text(author), when)


class _PartsWriter:
    """python-docx's writer of a package's members, into a dict: zipping every part of the template
    (styles.xml alone is 350 KB) only to unzip it again here was a tenth of a plan's build."""

    def __init__(self) -> None:
        self.parts: dict[str, bytes] = {}

    def write(self, uri, blob: bytes) -> None:
        self.parts[uri.membername] = blob


def _saved_parts(document) -> dict[str, bytes]:
    """{member: bytes} of ``document`` as ``document.save`` writes them, in its order."""
    from docx.opc.phys_pkg import PhysPkgWriter
    from docx.opc.pkgwriter import PackageWriter

    package = document.part.package
    for part in package.parts:
        part.before_marshal()
    parts = _PartsWriter()
    writer = cast(PhysPkgWriter, parts)  # all PackageWriter calls of it is write(uri, blob)
    PackageWriter._write_content_types_stream(writer, package.parts)
    PackageWriter._write_pkg_rels(writer, package.rels)
    PackageWriter._write_parts(writer, package.parts)
    return parts.parts


def _minimal(parts: dict[str, bytes], title: str, author: str, when: dt.datetime) -> bytes:
    """The package of ``parts`` with only what its document uses, the same bytes for the same document
    (office/ooxml.py)."""
    kept = _reachable(parts)
    parts = {name: body for name, body in parts.items() if name in kept}
    for name in _word_xml(parts):
        if name != "word/styles.xml":
            parts[name] = _without_theme_fonts(parts[name])
    # numbering.xml names list styles of its own: it counts only when the document numbers a paragraph
    if "word/styles.xml" in parts:
        styles = parts["word/styles.xml"]
        named = _named_styles([parts[name] for name in _word_xml(parts)
                               if name not in ("word/styles.xml", "word/numbering.xml")])
        parts["word/styles.xml"] = _styles(styles, named)
        if "word/numbering.xml" in parts and _uses_numbering(parts):
            parts["word/styles.xml"] = _styles(styles, named | _named_styles([parts["word/numbering.xml"]]))
    if "word/numbering.xml" in parts and not _uses_numbering(parts):
        parts.pop("word/numbering.xml")
    _drop_dangling_relations(parts)
    parts["[Content_Types].xml"] = _content_types(parts)
    xml_parts = [parts[name] for name in _word_xml(parts)]
    if "word/settings.xml" in parts:
        parts["word/settings.xml"] = _settings(parts["word/settings.xml"])
    if "word/fontTable.xml" in parts:
        parts["word/fontTable.xml"] = _font_table(xml_parts)
    parts[CORE] = core_xml(title, author, when)
    parts[APP] = app_xml()
    return stable_package(((name, parts[name]) for name in _ordered(parts)), when)


def _word_xml(parts: dict[str, bytes]) -> list[str]:
    return [name for name in parts if name.startswith("word/") and name.endswith(".xml")
            and name != "word/fontTable.xml"]


def _without_theme_fonts(body: bytes) -> bytes:
    if b"Theme=" not in body and b"cstheme=" not in body:
        return body
    root = etree.fromstring(body)
    for fonts in root.iter(f"{W}rFonts"):
        _explicit_fonts(fonts)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _rels_name(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def _relations(parts: dict[str, bytes], part: str):
    """(element, target part) for each internal relationship of ``part`` ('' is the package)."""
    rels = _rels_name(part) if part else "_rels/.rels"
    if rels not in parts:
        return None, []
    root = etree.fromstring(parts[rels])
    folder = posixpath.dirname(part)
    found: list[tuple[Any, str | None]] = []
    for rel in root:
        if rel.get("TargetMode") == "External":
            found.append((rel, None))
            continue
        target = rel.get("Target")
        found.append((rel, posixpath.normpath(target.lstrip("/") if target.startswith("/")
                                              else posixpath.join(folder, target))))
    return root, found


def _reachable(parts: dict[str, bytes]) -> set[str]:
    """The parts reached from the package's relationships, through the kept relationship types."""
    kept = {"[Content_Types].xml"}
    todo = [""]
    while todo:
        part = todo.pop()
        _root, relations = _relations(parts, part)
        if _root is not None:
            kept.add(_rels_name(part) if part else "_rels/.rels")
        for rel, target in relations:
            if target and rel.get("Type") not in DROPPED_RELATIONS and target in parts and target not in kept:
                kept.add(target)
                todo.append(target)
    return kept


def _uses_numbering(parts: dict[str, bytes]) -> bool:
    return any(b"<w:numPr" in body or b"numStyleLink" in body
               for name, body in parts.items() if name.startswith("word/") and name != "word/numbering.xml")


def _part_of(rels: str) -> str:
    """The part a relationships part belongs to ('' for the package's own)."""
    folder, name = posixpath.split(rels)
    return posixpath.join(posixpath.dirname(folder), name[:-len(".rels")]) if name != ".rels" else ""


_PACKAGE_RELS = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"


def _drop_dangling_relations(parts: dict[str, bytes]) -> None:
    for rels in [name for name in parts if name.endswith(".rels")]:
        part = _part_of(rels)
        root, relations = _relations(parts, part)
        for rel, target in relations:
            if target is not None and target not in parts and target not in (CORE, APP):
                root.remove(rel)
        if part == "":
            present = {rel.get("Target").lstrip("/") for rel in root}
            for target, rel_type in ((CORE, _PACKAGE_RELS), (APP, OFFICE_RELS + "extended-properties")):
                if target not in present:
                    rel = etree.SubElement(root, f"{{{REL_NS}}}Relationship")
                    rel.set("Id", "rId" + posixpath.basename(target).split(".")[0])
                    rel.set("Type", rel_type)
                    rel.set("Target", target)
        parts[rels] = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_CORE_TYPE = "application/vnd.openxmlformats-package.core-properties+xml"
_APP_TYPE = "application/vnd.openxmlformats-officedocument.extended-properties+xml"


def _content_types(parts: dict[str, bytes]) -> bytes:
    root = etree.fromstring(parts["[Content_Types].xml"])
    names = set(parts) | {CORE, APP}
    extensions = {posixpath.splitext(name)[1].lstrip(".").lower() for name in names}
    overridden = set()
    for entry in list(root):
        if entry.tag == f"{{{CT_NS}}}Default" and entry.get("Extension").lower() not in extensions:
            root.remove(entry)
        elif entry.tag == f"{{{CT_NS}}}Override":
            part = entry.get("PartName").lstrip("/")
            if part not in names:
                root.remove(entry)
            overridden.add(part)
    for part, kind in ((CORE, _CORE_TYPE), (APP, _APP_TYPE)):
        if part not in overridden:
            entry = etree.SubElement(root, f"{{{CT_NS}}}Override")
            entry.set("PartName", "/" + part)
            entry.set("ContentType", kind)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _named_styles(xml_parts: list[bytes]) -> frozenset[str]:
    """The styles the parts name (paragraph, run, table, list)."""
    named: set[str] = set()
    for body in xml_parts:
        tree = etree.fromstring(body)
        for ref in _STYLE_REFS:
            named.update(v for e in tree.iter(f"{W}{ref}") if (v := e.get(f"{W}val")) is not None)
    return frozenset(named)


# The styles part is python-docx's template (350 KB) with planmaker's few changes: the same bytes in
# nearly every document of a build, so its pruning is done once for each set of named styles.
@functools.lru_cache(maxsize=16)  # 16 × (350 KB + its result) at most
def _styles(styles: bytes, named: frozenset[str]) -> bytes:
    """The styles part with the theme's fonts made explicit and only the styles ``named``, the defaults
    and the styles these are based on or name in turn."""
    root = etree.fromstring(_without_theme_fonts(styles))
    by_id = {s.get(f"{W}styleId"): s for s in root.iter(f"{W}style")}
    wanted = {sid for sid, s in by_id.items() if s.get(f"{W}default") == "1"} | (named & set(by_id))
    todo = list(wanted)
    while todo:  # and the styles they are based on, or that they name in turn
        style = by_id[todo.pop()]
        for ref in style.iter(f"{W}basedOn", *(f"{W}{r}" for r in _STYLE_REFS)):
            sid = ref.get(f"{W}val")
            if sid in by_id and sid not in wanted:
                wanted.add(sid)
                todo.append(sid)
    for sid, style in by_id.items():
        if sid not in wanted:
            root.remove(style)
        else:
            for ref in style.findall(f"{W}next") + style.findall(f"{W}link"):
                if ref.get(f"{W}val") not in wanted:
                    style.remove(ref)
            for tag in ("rsid", "uiPriority", "unhideWhenUsed", "semiHidden"):
                for old in style.findall(f"{W}{tag}"):
                    style.remove(old)
    for latent in root.findall(f"{W}latentStyles"):
        root.remove(latent)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _explicit_fonts(fonts) -> None:
    """Theme font references (there is no theme) become the faces themselves."""
    for attr, (plain, script) in _THEME_ATTRS.items():
        theme = fonts.get(f"{W}{attr}")
        if theme is None:
            continue
        del fonts.attrib[f"{W}{attr}"]
        if fonts.get(f"{W}{plain}") is None:
            fonts.set(f"{W}{plain}", THEME_FACES["major" if theme.startswith("major") else "minor"][script])


def _settings(settings: bytes) -> bytes:
    root = etree.fromstring(settings)
    for tag in _SETTINGS_DROPPED:
        for old in root.findall(f"{W}{tag}"):
            root.remove(old)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


_FONT_ATTRS = tuple(f"{W}{a}" for a in ("ascii", "hAnsi", "eastAsia", "cs"))


def _font_table(xml_parts: list[bytes]) -> bytes:
    """The faces the runs and styles name; a Chinese face with the GB2312 character set (hex 86)."""
    faces: set[str] = set()
    for body in xml_parts:
        for fonts in etree.fromstring(body).iter(f"{W}rFonts"):
            faces.update(v for v in (fonts.get(a) for a in _FONT_ATTRS) if v)
    entries = []
    for face in sorted(faces):
        chinese = not face.isascii()
        entries.append(f'<w:font w:name="{escape(face, {chr(34): "&quot;"})}"><w:charset w:val="{"86" if chinese else "00"}"/>'
                       f'<w:family w:val="{"modern" if chinese else "roman"}"/>'
                       f'<w:pitch w:val="{"fixed" if chinese else "variable"}"/></w:font>')
    return (f"<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n<w:fonts xmlns:w=\"{W_NS}\">"
            + "".join(entries) + "</w:fonts>").encode("utf-8")


def core_xml(title: str, author: str, when: dt.datetime) -> bytes:
    """Title, author (the issuer), created and modified from the plan: each element once, in its namespace."""
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
            'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            f"<dc:title>{escape(title)}</dc:title><dc:creator>{escape(author)}</dc:creator>"
            f"<cp:lastModifiedBy>{escape(author)}</cp:lastModifiedBy><cp:revision>1</cp:revision>"
            f'<dcterms:created xsi:type="dcterms:W3CDTF">{stamp}</dcterms:created>'
            f'<dcterms:modified xsi:type="dcterms:W3CDTF">{stamp}</dcterms:modified>'
            "</cp:coreProperties>").encode()


def app_xml() -> bytes:
    """The application that wrote the file: planmaker and its version (as LibreOffice writes its own)."""
    return ("<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
            f"<Application>planmaker/{versions()['planmaker']}</Application><DocSecurity>0</DocSecurity>"
            "</Properties>").encode()


_FIRST = ("[Content_Types].xml", "_rels/.rels", CORE, APP, "word/document.xml", "word/_rels/document.xml.rels")


def _ordered(parts: dict[str, bytes]) -> list[str]:
    """The content types first (some readers want them there), then the main parts, then the rest by name."""
    return [name for name in _FIRST if name in parts] + sorted(n for n in parts if n not in _FIRST)

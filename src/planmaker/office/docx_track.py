"""Word's tracked changes (w:ins, w:del) made on a document's XML, and its text read as Word shows it.

Every change is marked with the author and time given, so that the clerk can accept or reject
each one in Word, WPS or LibreOffice; in ``apply`` mode the same edits are made without marks.
The text of a paragraph is read either with tracked changes accepted (what the document says
now) or rejected (what it said before them): a merge is checked by rejecting its own changes.
"""

from __future__ import annotations

import copy
import difflib
import re

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


P, TBL, TR, TC, RUN, T, DEL_TEXT = w("p"), w("tbl"), w("tr"), w("tc"), w("r"), w("t"), w("delText")
INS, DEL, PPR, RPR, TRPR, TAB, BR, CR = w("ins"), w("del"), w("pPr"), w("rPr"), w("trPr"), w("tab"), w("br"), w("cr")
ACCEPT, REJECT = "accept", "reject"
# What a run may hold for its text to be rewritten character by character.
_PLAIN_RUN = {RPR, T, TAB, BR, CR, w("lastRenderedPageBreak"), w("softHyphen"), w("noBreakHyphen")}
_SKIPPED = {PPR, RPR, TRPR, w("tcPr"), w("tblPr"), w("tblGrid"), w("txbxContent"),
            "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
_TRACKED_MARK = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


class Marks:
    """How the changes are written: tracked (``track``) or applied (``apply``), by whom and when."""

    def __init__(self, tracked: bool, author: str, date: str, first_id: int):
        assert _TRACKED_MARK.match(date), date
        self.tracked, self.author, self.date = tracked, author, date
        self._next = first_id

    def mark(self, tag: str):
        element = etree.Element(tag)
        element.set(w("id"), str(self._next))
        element.set(w("author"), self.author)
        element.set(w("date"), self.date)
        self._next += 1
        return element


def first_free_id(root) -> int:
    """Above every w:id already in the document (tracked changes, bookmarks, comments)."""
    ids = [int(v) for v in root.xpath("//@w:id", namespaces={"w": W}) if str(v).isdigit()]
    return max(ids, default=0) + 1


# ------------------------------------------------------------------ reading

def text(element, view=ACCEPT) -> str:
    """The text of a paragraph (or a cell, row, table: paragraphs joined by line breaks)."""
    if element.tag == P:
        parts: list[str] = []
        _collect(element, view, parts)
        return "".join(parts)
    return "\n".join(text(p, view) for p in visible_paragraphs(element, view))


def _hides(tag: str, mark, view) -> bool:
    """Whether this view leaves out what a w:ins or w:del holds.  ``view`` is ACCEPT, REJECT,
    or a w:id: the changes from that one on rejected (a merge's own), those before accepted."""
    if view not in (ACCEPT, REJECT):
        view = REJECT if _id(mark) >= view else ACCEPT
    return (tag == DEL and view == ACCEPT) or (tag == INS and view == REJECT)


def _id(mark) -> int:
    value = mark.get(w("id"), "")
    return int(value) if value.isdigit() else -1


def _collect(element, view, parts: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIPPED or (tag in (INS, DEL) and _hides(tag, child, view)):
            continue
        if tag == T or (tag == DEL_TEXT and not _hides(DEL, child.getparent().getparent(), view)):
            parts.append(child.text or "")
        elif tag == TAB:
            parts.append("\t")
        elif tag in (BR, CR):
            parts.append("\n")
        elif tag == w("moveFrom") and view == ACCEPT or tag == w("moveTo") and view == REJECT:
            continue
        else:
            _collect(child, view, parts)


def visible(element, view=ACCEPT) -> bool:
    """Whether a paragraph or row is there in this view (not inserted, when rejecting; not
    deleted with all its text, when accepting)."""
    props = element.find(PPR) if element.tag == P else element.find(TRPR)
    if props is not None and element.tag == P:
        props = props.find(RPR)
    if props is None:
        return True
    inserted, deleted = props.find(INS), props.find(DEL)
    if inserted is not None and _hides(INS, inserted, view):
        return False
    if deleted is not None and _hides(DEL, deleted, view):
        return bool(text(element, view)) if element.tag == P else False
    return True


def items(container, view=ACCEPT) -> list:
    """The paragraphs and tables directly in a body or a cell, as this view shows them."""
    return [child for child in container if (child.tag == P and visible(child, view)) or child.tag == TBL]


def rows(table, view=ACCEPT) -> list:
    return [row for row in table.iter(TR) if row.getparent() is table and visible(row, view)]


def cells(row) -> list:
    return [cell for cell in row if cell.tag == TC]


def visible_paragraphs(element, view=ACCEPT) -> list:
    """Every paragraph under ``element``, in document order, as this view shows them."""
    found = []
    for p in element.iter(P):
        if not visible(p, view):
            continue
        row = next(p.iterancestors(TR), None)
        if row is not None and not visible(row, view):
            continue
        found.append(p)
    return found


# ------------------------------------------------------------------ editing

def plain(p) -> bool:
    """A paragraph of plain runs only, whose text can be rewritten character by character."""
    for child in p:
        if child.tag == RUN:
            if any(part.tag not in _PLAIN_RUN for part in child):
                return False
        elif child.tag not in (PPR, w("bookmarkStart"), w("bookmarkEnd"), w("proofErr")):
            return False
    return not p.xpath("./w:r//@r:id | ./w:r//@r:embed", namespaces={"r": R, "w": W})


def accept_own(p, author: str) -> None:
    """Accept, in one paragraph, the changes ``author`` (an earlier merge) left there: the clerk
    saw them as the text, and the paragraph's new changes are made against that."""
    for mark in p.xpath("./w:ins | ./w:del", namespaces={"w": W}):
        if mark.get(w("author")) != author:
            continue
        if mark.tag == INS:
            for child in list(mark):
                mark.addprevious(child)
        mark.getparent().remove(mark)
    for mark in p.xpath("./w:pPr/w:rPr/w:ins", namespaces={"w": W}):
        if mark.get(w("author")) == author:
            mark.getparent().remove(mark)


def _atoms(p) -> list[tuple[int, str]]:
    """(run number, character) for each character of a plain paragraph."""
    found: list[tuple[int, str]] = []
    for number, run in enumerate(child for child in p if child.tag == RUN):
        for part in run:
            if part.tag == T:
                found.extend((number, ch) for ch in part.text or "")
            elif part.tag == TAB:
                found.append((number, "\t"))
            elif part.tag in (BR, CR):
                found.append((number, "\n"))
    return found


def retext(p, new: str, marks: Marks) -> None:
    """Rewrite a plain paragraph's text to ``new``, keeping each kept character's run (its
    formatting); a new character takes the formatting of the one before it."""
    runs = [child for child in p if child.tag == RUN]
    atoms = _atoms(p)
    old = "".join(ch for _, ch in atoms)
    properties = [run.find(RPR) for run in runs]
    segments: list[tuple[str, int, str]] = []  # (op, run number, text)
    for tag, i0, i1, j0, j1 in _opcodes(old, new):
        if tag in ("equal", "delete", "replace"):
            op = "=" if tag == "equal" else "-"
            segments.extend((op, number, ch) for number, ch in atoms[i0:i1])
        if tag in ("insert", "replace"):
            anchor = atoms[i0 - 1][0] if i0 > 0 else atoms[0][0] if atoms else -1
            segments.extend(("+", anchor, ch) for ch in new[j0:j1])
    made = []
    for op, number, chars in _grouped(segments):
        if op == "-" and not marks.tracked:
            continue
        run = _run(properties[number] if number >= 0 else None, chars, deleted=op == "-")
        if op != "=" and marks.tracked:
            wrapper = marks.mark(DEL if op == "-" else INS)
            wrapper.append(run)
            run = wrapper
        made.append(run)
    at = list(p).index(runs[0]) if runs else len(p)
    for run in runs:
        p.remove(run)
    for offset, element in enumerate(made):
        p.insert(at + offset, element)


_TOKEN = re.compile(r"\d+|[A-Za-z]+|.", re.S)


def _opcodes(old: str, new: str):
    """difflib's opcodes by character offsets, compared a number or a word at a time: 2021→2022
    is one number changed, as a reader sees it, not its last digit."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    a_at, b_at = [0], [0]
    for token in a:
        a_at.append(a_at[-1] + len(token))
    for token in b:
        b_at.append(b_at[-1] + len(token))
    for tag, i0, i1, j0, j1 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        yield tag, a_at[i0], a_at[i1], b_at[j0], b_at[j1]


def _grouped(segments):
    group: list[str] = []
    key = None
    for op, number, ch in segments:
        if (op, number) != key and group:
            assert key is not None
            yield key[0], key[1], "".join(group)
            group = []
        key = (op, number)
        group.append(ch)
    if group and key is not None:
        yield key[0], key[1], "".join(group)


def _run(properties, chars: str, deleted: bool = False):
    run = etree.Element(RUN)
    if properties is not None:
        run.append(copy.deepcopy(properties))
    for piece in re.split(r"([\t\n])", chars):
        if piece == "\t":
            run.append(etree.Element(TAB))
        elif piece == "\n":
            run.append(etree.Element(BR))
        elif piece:
            t = etree.SubElement(run, DEL_TEXT if deleted else T)
            t.text = piece
            t.set(XML_SPACE, "preserve")
    return run


def _mark_paragraph(p, tag: str, marks: Marks) -> None:
    """Mark a paragraph's own mark (its pilcrow) as inserted or deleted."""
    props = p.find(PPR)
    if props is None:
        props = etree.Element(PPR)
        p.insert(0, props)
    run_props = props.find(RPR)
    if run_props is None:
        run_props = etree.Element(RPR)
        later = props.find(w("sectPr")) if props.find(w("sectPr")) is not None else props.find(w("pPrChange"))
        if later is not None:
            later.addprevious(run_props)
        else:
            props.append(run_props)
    run_props.insert(0, marks.mark(tag))


def _wrap_runs(p, tag: str, marks: Marks) -> None:
    for run in [child for child in p if child.tag == RUN]:
        if tag == DEL:
            for t in run.iter(T):
                t.tag = DEL_TEXT
            for t in run.iter(w("instrText")):
                t.tag = w("delInstrText")
        wrapper = marks.mark(tag)
        run.addprevious(wrapper)
        wrapper.append(run)


def inserted(element, marks: Marks):
    """A copy of ``element`` (a paragraph, row or table of the new version) marked as inserted."""
    made = copy.deepcopy(element)
    for section in made.xpath(".//w:pPr/w:sectPr", namespaces={"w": W}):
        section.getparent().remove(section)  # the clerk's file has its own sections
    if not marks.tracked:
        return made
    for p in made.iter(P):
        _wrap_runs(p, INS, marks)
        _mark_paragraph(p, INS, marks)
    for row in made.iter(TR):
        _mark_row(row, INS, marks)
    return made


def delete(element, marks: Marks) -> None:
    """Delete a paragraph, row or table: marked as deleted, or (applied) taken out."""
    if not marks.tracked:
        parent = element.getparent()
        parent.remove(element)
        if parent.tag == TC and parent.find(P) is None and parent.find(TBL) is None:
            etree.SubElement(parent, P)  # a cell holds at least one paragraph
        return
    for p in element.iter(P):
        _wrap_runs(p, DEL, marks)
        _mark_paragraph(p, DEL, marks)
    for row in element.iter(TR):
        _mark_row(row, DEL, marks)


def _mark_row(row, tag: str, marks: Marks) -> None:
    props = row.find(TRPR)
    if props is None:
        props = etree.Element(TRPR)
        at = 1 if len(row) and row[0].tag in (w("tblPrEx"),) else 0
        row.insert(at, props)
    props.append(marks.mark(tag))


def portable(element) -> bool:
    """Whether ``element`` of the new version can be copied into the clerk's file as it is:
    it refers to no part of its own package (pictures, links) but for its section's headers and
    footers, which are not copied (see ``inserted``)."""
    return not element.xpath(".//@r:id[not(ancestor::w:sectPr)] | .//@r:embed", namespaces={"r": R, "w": W})


def breaks_section(element) -> bool:
    return bool(element.xpath("./w:pPr/w:sectPr", namespaces={"w": W}))

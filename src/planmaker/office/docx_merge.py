"""Carrying a regenerated .docx into the clerk's edited copy: a three-way merge, paragraph by
paragraph and table cell by cell, written as Word tracked changes.

The body's paragraphs and tables are aligned by their text (base/merge3.py).  A paragraph the
clerk did not touch takes the new text, character by character into the clerk's runs, so the
clerk's formatting stays; what the clerk added, deleted or rewrote stays; what the new version
added or removed is added or removed at the aligned place; where both changed one paragraph the
clerk's stays and the new one is inserted after it.  Tables are merged row by row and cell by
cell the same way.  The result is checked before it is returned: rejecting every change the
merge made must give back the clerk's text exactly, or the merge is refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from planmaker.base import merge3
from planmaker.office import docx_track as track
from planmaker.office.docx_track import TBL, Marks, P
from planmaker.office.merging import MergeRefused, MergeResult, first_words, read_part, replace_parts

DOCUMENT = "word/document.xml"
MIN_ALIGNED = 0.5  # of the base's paragraphs that must still be found in the clerk's copy


@dataclass
class _Merge:
    marks: Marks
    changes: int = 0
    conflicts: list[str] = field(default_factory=list)
    placed: list = field(default_factory=list)  # the elements inserted (held, so lxml keeps them the same)

    def conflict(self, words: str) -> None:
        self.conflicts.append(first_words(words))


def _body(data: bytes, who: str):
    xml = read_part(data, DOCUMENT, who)
    try:
        root = etree.fromstring(xml, etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False))
    except etree.XMLSyntaxError as exc:
        raise MergeRefused(f"{who}的正文不是有效的 XML（{exc}）") from None
    body = root.find(track.w("body"))
    if body is None:
        raise MergeRefused(f"{who}没有正文")
    return root, body


def merge_docx(base: bytes, ours: bytes, theirs: bytes, tracked: bool, author: str, date: str) -> MergeResult:
    """``ours`` with what changed from ``base`` to ``theirs`` carried into it (see the module)."""
    _, base_body = _body(base, "上次生成的版本")
    ours_root, ours_body = _body(ours, "您修改后的文件")
    _, theirs_body = _body(theirs, "新生成的版本")
    before = [track.text(p) for p in track.visible_paragraphs(ours_body)]
    _refuse_if_unaligned(base_body, ours_body)
    first = track.first_free_id(ours_root)
    merge = _Merge(Marks(tracked, author, date, first))
    _merge_blocks(merge, base_body, ours_body, theirs_body)
    if merge.changes == 0:
        return MergeResult(ours, 0, merge.conflicts)
    if tracked:  # rejecting this merge's changes shows the clerk's file as the clerk saw it
        after = [track.text(p, first) for p in track.visible_paragraphs(ours_body, first)]
        if after != before:  # never: but the clerk's text must survive whatever this module does
            raise MergeRefused("合并后无法还原您修改后的文字")
    xml = etree.tostring(ours_root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return MergeResult(replace_parts(ours, {DOCUMENT: xml}), merge.changes, merge.conflicts)


def _refuse_if_unaligned(base_body, ours_body) -> None:
    base_texts = [track.text(p) for p in track.visible_paragraphs(base_body) if track.text(p).strip()]
    ours_texts = [track.text(p) for p in track.visible_paragraphs(ours_body) if track.text(p).strip()]
    if len(base_texts) < 4:
        return
    found = sum(1 for i, j in merge3.pair(base_texts, ours_texts) if i is not None and j is not None)
    if found < MIN_ALIGNED * len(base_texts):
        raise MergeRefused(f"您的文件改动过大（上次生成的 {len(base_texts)} 段中只对得上 {found} 段），无法逐段合并")


def _merge_blocks(merge: _Merge, base_box, ours_box, theirs_box) -> None:
    """Merge the paragraphs and tables directly in a body or a cell."""
    base, ours, theirs = track.items(base_box), track.items(ours_box), track.items(theirs_box)
    steps = merge3.merge([_key(e) for e in base], [_key(e) for e in ours], [_key(e) for e in theirs])
    cursor = None  # the last element placed in ours_box
    for step in steps:
        b = base[step.base] if step.base is not None else None
        o = ours[step.ours] if step.ours is not None else None
        t = theirs[step.theirs] if step.theirs is not None else None
        if step.action == merge3.INSERT:
            cursor = _insert(merge, ours_box, cursor, t)
            continue
        if step.action == merge3.GONE:
            merge.conflict(track.text(t) if t is not None else "")
            continue
        assert o is not None
        if b is not None and t is not None and b.tag == o.tag == t.tag == TBL and step.action != merge3.KEEP:
            _merge_tables(merge, b, o, t)
        elif step.action == merge3.UPDATE:
            _update(merge, o, t)
        elif step.action == merge3.DROP:
            _drop(merge, o)
        elif step.action == merge3.CONFLICT:
            merge.conflict(track.text(o))
            if t is not None:
                _insert(merge, ours_box, o, t)
        cursor = _last(merge, o)


def _key(element) -> str:
    if element.tag == P:
        return track.text(element)
    return "\x00table\x00" + "\x01".join(track.text(row) for row in track.rows(element))


def _last(merge: _Merge, element):
    """What a following insertion goes after: past the insertions already placed after it."""
    while element.getnext() is not None and any(element.getnext() is e for e in merge.placed[-50:]):
        element = element.getnext()
    return element


def _insert(merge: _Merge, box, cursor, element):
    if element is None or not track.portable(element):
        if element is not None:
            merge.conflict(track.text(element))  # a picture or a link: left out, reported
        return cursor
    made = track.inserted(element, merge.marks)
    merge.placed.append(made)
    if cursor is not None:
        _last(merge, cursor).addnext(made)
    else:
        first = next((child for child in box if child.tag in (P, TBL)), None)
        if first is not None:
            first.addprevious(made)
        else:
            end = box.find(track.w("sectPr"))
            if end is not None:
                end.addprevious(made)
            else:
                box.append(made)
    merge.changes += 1
    return made


def _update(merge: _Merge, ours, theirs) -> None:
    if ours.tag == theirs.tag == P:
        track.accept_own(ours, merge.marks.author)
    if ours.tag == theirs.tag == P and track.plain(ours):
        track.retext(ours, track.text(theirs), merge.marks)
        merge.changes += 1
    else:  # not plain text (a field, a link) or a paragraph become a table: beside it, reported
        merge.conflict(track.text(ours))
        _insert(merge, ours.getparent(), ours, theirs)


def _drop(merge: _Merge, ours) -> None:
    if ours.tag == P:
        track.accept_own(ours, merge.marks.author)
    if track.breaks_section(ours) or (ours.tag == P and not track.plain(ours)):
        merge.conflict(track.text(ours))
        return
    track.delete(ours, merge.marks)
    merge.changes += 1


def _merge_tables(merge: _Merge, base, ours, theirs) -> None:
    """Row by row, then cell by cell where a row has as many cells in all three."""
    base_rows, ours_rows, theirs_rows = track.rows(base), track.rows(ours), track.rows(theirs)
    keys = [[track.text(r) for r in rows] for rows in (base_rows, ours_rows, theirs_rows)]
    cursor = None
    for step in merge3.merge(*keys):
        b = base_rows[step.base] if step.base is not None else None
        o = ours_rows[step.ours] if step.ours is not None else None
        t = theirs_rows[step.theirs] if step.theirs is not None else None
        if step.action == merge3.INSERT:
            assert t is not None
            made = track.inserted(t, merge.marks)
            (cursor.addnext(made) if cursor is not None else _first_row_slot(ours, made))
            merge.changes += 1
            cursor = made
            continue
        if step.action == merge3.GONE or o is None:
            merge.conflict(track.text(t) if t is not None else "")
            continue
        cursor = o
        if step.action == merge3.KEEP:
            continue
        if step.action == merge3.DROP:
            track.delete(o, merge.marks)
            merge.changes += 1
        elif b is not None and t is not None and len(track.cells(b)) == len(track.cells(o)) == len(track.cells(t)):
            for cb, co, ct in zip(track.cells(b), track.cells(o), track.cells(t)):
                _merge_blocks(merge, cb, co, ct)
        else:  # the row's cells were split or joined: the clerk's row stays
            merge.conflict(track.text(o))


def _first_row_slot(table, row) -> None:
    first = next((child for child in table if child.tag == track.TR), None)
    if first is not None:
        first.addprevious(row)
    else:
        table.append(row)


__all__ = ["MergeRefused", "MergeResult", "merge_docx"]

"""Rendering the annex templates (docxtpl) into finished, reproducible .docx files."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import jinja2
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxtpl import DocxTemplate, Listing
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from planmaker.base.errors import InputError
from planmaker.office import gbt9704
from planmaker.office.ooxml import set_core_properties, stable_zip
from planmaker.plan.templating import unsafe_message

DITTO = "〃"  # in a template or a context, a cell that continues the cell above


def _environment() -> SandboxedEnvironment:
    # autoescape: a name with & or < must come out as typed, not break the XML
    return SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=True)


def lines(text: str) -> Listing:
    """Text whose line breaks become line breaks in the cell."""
    return Listing(text)


def render_template(path: Path, context: dict[str, Any], title: str, author: str, when: dt.datetime) -> bytes:
    template = DocxTemplate(str(path))
    try:
        template.render(context, jinja_env=_environment(), autoescape=True)
    except SecurityError as exc:
        raise InputError.single(unsafe_message(exc), path) from None
    except jinja2.TemplateError as exc:
        message = getattr(exc, "message", None) or str(exc)
        raise InputError.single(f"附件模板渲染失败：{message}", path) from None
    merge_ditto_cells(template.docx)
    gbt9704.paper_defaults(template.docx)
    set_core_properties(template.docx, title, author, when)
    buffer = io.BytesIO()
    template.save(buffer)
    return stable_zip(buffer.getvalue(), when)


def _grid_cells(row):
    """(grid column, tc element) for each cell of a table row, spans accounted."""
    column = 0
    for tc in row.findall(qn("w:tc")):
        yield column, tc
        span = tc.find(f"{qn('w:tcPr')}/{qn('w:gridSpan')}")
        column += int(span.get(qn("w:val"))) if span is not None else 1


def _set_vmerge(tc, value: str | None) -> None:
    tc_pr = tc.find(qn("w:tcPr"))
    if tc_pr is None:
        tc_pr = OxmlElement("w:tcPr")
        tc.insert(0, tc_pr)
    merge = tc_pr.find(qn("w:vMerge"))
    if merge is None:
        merge = OxmlElement("w:vMerge")
        # schema order inside tcPr: tcW, gridSpan, (hMerge), vMerge, …
        anchor = tc_pr.find(qn("w:gridSpan"))
        if anchor is None:
            anchor = tc_pr.find(qn("w:tcW"))
        if anchor is not None:
            anchor.addnext(merge)
        else:
            tc_pr.insert(0, merge)
    if value:
        merge.set(qn("w:val"), value)


def merge_ditto_cells(document) -> None:
    """Merge every cell whose whole text is 〃 into the cell above it.

    Templates and contexts write 〃 (“same as above”, as clerks do on paper)
    where a group name or an item spans several rows; the merge happens here,
    after rendering, so that the template stays a plain table a clerk can edit.
    """
    for table in document.element.body.iter(qn("w:tbl")):
        above: dict[int, Any] = {}
        for row in table.findall(qn("w:tr")):
            for column, tc in _grid_cells(row):
                text = "".join(t.text or "" for t in tc.iter(qn("w:t"))).strip()
                if text == DITTO and column in above:
                    head = above[column]
                    _set_vmerge(head, "restart")
                    _set_vmerge(tc, None)
                    for t in tc.iter(qn("w:t")):
                        t.text = ""
                else:
                    above[column] = tc

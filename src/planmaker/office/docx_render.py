"""Rendering the annex templates (docxtpl) into finished, reproducible .docx files."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Protocol

import jinja2
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docxtpl import DocxTemplate, Listing
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from planmaker.base.errors import InputError
from planmaker.base.zipguard import check_zip
from planmaker.inputs.validation import did_you_mean
from planmaker.office import cell_text, gbt9704
from planmaker.office.docx_grid import (
    cell_at,
    continues_merge,
    grid_cells,
    row_height_twips,
    type_height,
    without_outer_rules,
)
from planmaker.office.docx_merges import keep_short_merges_whole
from planmaker.office.docx_package import docx_bytes
from planmaker.plan.sandbox import Sandbox, TemplateProblem, budget
from planmaker.plan.templating import template_failure, undefined_name, unsafe_message

DITTO = "〃"  # in a template or a context, a cell that continues the cell above


@functools.cache  # one environment, so that its compiled templates serve every rendering
def _environment() -> SandboxedEnvironment:
    # autoescape: a name with & or < must come out as typed, not break the XML.
    # The same budget as campaign text (plan/sandbox.py).
    return Sandbox(undefined=jinja2.StrictUndefined, autoescape=True)


# A template's XML may grow as it renders (a row per task), but not without end.
MAX_RENDERED_CHARS = 5_000_000  # a checklist's XML is some 100 KB; a row per item of a long list, a few MB


def lines(text: str) -> Listing:
    """Text whose line breaks become line breaks in the cell."""
    return Listing(text)


class TemplateContext(Protocol):
    """A typed context (office.annex_forms) that becomes the template's mapping when it is rendered."""

    def template_context(self) -> dict[str, object]: ...


def render_template(path: Path, data: Mapping[str, object] | TemplateContext, title: str, author: str,
                    when: dt.datetime, lay_out: Callable[[Any], None] | None = None) -> bytes:
    """The rendered .docx; ``lay_out`` finishes the rendered document (python-docx)
    before the rest, e.g. sets the widths of columns a template loops over."""
    context = data if isinstance(data, Mapping) else data.template_context()
    template = open_template(path)
    try:
        with budget(MAX_RENDERED_CHARS):
            template.render(context, jinja_env=_environment(), autoescape=True)
    except SecurityError as exc:
        raise InputError.single(unsafe_message(exc), path) from None
    except TemplateProblem as exc:
        raise InputError.refused(f"附件模板渲染失败：{exc}", path) from None
    except jinja2.UndefinedError as exc:
        raise InputError.single(f"附件模板引用了未定义的变量：{_undefined(exc, template, context)}", path,
                                field=_field_of(exc, template)) from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError.single(f"附件模板语法错误：{exc.message}", path, exc.lineno) from None
    except Exception as exc:
        if getattr(exc, "passes_through", False):
            raise
        raise InputError.refused(f"附件模板渲染失败：{template_failure(exc)}", path) from None
    if lay_out is not None:
        lay_out(template.docx)
    merge_ditto_cells(template.docx)
    gbt9704.paper_defaults(template.docx)
    let_tall_rows_split(template.docx)
    keep_sign_off_with_table(template.docx)
    keep_short_merges_whole(template.docx)
    return docx_bytes(template.docx, title, author, when)


_CHECKED: set[tuple[str, int, int]] = set()
_MISSING = re.compile(r"has no attribute '([^']+)'|'([^']+)' is undefined")


def _field_of(exc: jinja2.UndefinedError, template: DocxTemplate) -> str | None:
    """The variable as the template writes it ({{ institution.nmae }} → institution.nmae)."""
    match = _MISSING.search(str(exc))
    if not match:
        return None
    if match.group(2):
        return match.group(2)
    try:
        xml = template.get_xml()
    except Exception:
        return match.group(1)
    found = re.search(rf"([A-Za-z_][\w.]*)\.{re.escape(match.group(1))}\b", xml)
    return f"{found.group(1)}.{match.group(1)}" if found else match.group(1)


def _undefined(exc: jinja2.UndefinedError, template: DocxTemplate, context: Mapping[str, object]) -> str:
    """What is undefined, and what the template could have written instead."""
    written = _field_of(exc, template)
    if not written:
        return undefined_name(exc)
    owner, _, attribute = written.rpartition(".")
    value = context.get(owner) if owner else None
    if isinstance(value, dict):
        return f"{written}{did_you_mean(attribute, value)}（{owner} 的可用字段：{'、'.join(map(str, value))}）"
    return f"{written}{did_you_mean(written, list(context))}"


def open_template(path: Path) -> DocxTemplate:
    """The .docx template, refused by size and compression before it is read
    (checked once per version of the file: a batch renders the same one often)."""
    try:
        stat = Path(path).stat()
        key = (str(path), stat.st_mtime_ns, stat.st_size)
    except OSError:
        key = None
    if key is None or key not in _CHECKED:
        check_zip(path, "附件模板")
        if key is not None:
            _CHECKED.add(key)
    try:
        template = DocxTemplate(str(path))
        template.init_docx()
        return template
    except Exception:
        raise InputError.refused("附件模板不是有效的 .docx 文件（文件损坏，或不是 Word 文档）；"
                                "请在 Word 或 WPS 中打开后另存为 .docx 再试", path) from None


def _set_vmerge(tc, value: str | None) -> None:
    tc_pr = tc.get_or_add_tcPr()
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
            for column, tc in grid_cells(row):
                text = "".join(t.text or "" for t in tc.iter(qn("w:t"))).strip()
                if text == DITTO and column in above:
                    head = above[column]
                    _set_vmerge(head, "restart")
                    _set_vmerge(tc, None)
                    for t in tc.iter(qn("w:t")):
                        t.text = ""
                else:
                    above[column] = tc


TALL_ROW_SHARE = 0.4  # of the type area's height


def let_tall_rows_split(document) -> None:
    """A row the template keeps whole (cantSplit) may split when it is tall.

    A task with a long body makes a row most of a page high; kept whole, it
    leaves the page under the table's title empty.  Its height is estimated
    from its text, each cell's width and font size."""
    height = type_height(document)
    for row in document.element.body.iter(qn("w:tr")):
        keep = row.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}")
        if keep is not None and row_height_twips(row) > TALL_ROW_SHARE * height:
            keep.getparent().remove(keep)


def keep_sign_off_with_table(document) -> None:
    """The notes and sign-off lines after a table (注, 填表人, 检查人, 自查日期)
    never stand alone on a page: they go over together with the table's last row.

    Keep-with-next cannot do it: LibreOffice ignores it on a table that is
    already split across pages.  So the last row and the lines after the table
    become one row that cannot split: a cell spanning the table's width holds
    the last row (as a table of the same columns) and the lines under it.
    When the last row continues a merged cell (a group's name), the rows the
    merge spans go with it, so that the name still stands beside them all.
    Done on the rendered document, where the last row is known."""
    body = document.element.body
    height = type_height(document)
    for table in body.findall(qn("w:tbl")):
        rows = table.findall(qn("w:tr"))
        following = []
        for sibling in table.itersiblings():
            if sibling.tag != qn("w:p") or sibling.find(f"{qn('w:pPr')}/{qn('w:sectPr')}") is not None:
                break
            following.append(sibling)
        while following and not _text_of(following[-1]).strip():
            following.pop()
        if len(rows) < 2 or not following:
            continue
        table.append(_row_with_sign_off(table, _tail(rows, height), following))


def _continue_open(tc) -> None:
    """The cell goes on from the merged cell above it, as a merge that runs on does: no rule over it."""
    tc_pr = tc.get_or_add_tcPr()
    borders = tc_pr.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        # schema order inside tcPr: tcW, gridSpan, vMerge, tcBorders, shd, noWrap, tcMar, …, vAlign
        later = [tc_pr.find(qn(t)) for t in ("w:shd", "w:noWrap", "w:tcMar", "w:textDirection", "w:tcFitText",
                                              "w:vAlign", "w:hideMark")]
        later = [e for e in later if e is not None]
        if later:
            later[0].addprevious(borders)
        else:
            tc_pr.append(borders)
    top = OxmlElement("w:top")
    top.set(qn("w:val"), "nil")
    borders.insert(0, top)


def _text_of(element) -> str:
    return "".join(t.text or "" for t in element.iter(qn("w:t")))


TAIL_SHARE = 0.25  # of the type area's height: the most that goes over to a new page with the sign-off lines


def _tail(rows: list, type_height: int) -> list:
    """The rows that go over with the sign-off lines: the last, and the rows above it that
    its merged cells span, as many merges whole as are short enough to go as one row."""
    starts = set()
    for column, _ in grid_cells(rows[-1]):
        k = len(rows) - 1
        while k > 1 and continues_merge(cell_at(rows[k], column)):
            k -= 1
        starts.add(k)
    one_line = gbt9704.TABLE_PT * 1.3 * 20
    for start in sorted(starts):
        tail = rows[start:]
        if start >= 1 and sum(max(row_height_twips(row), one_line) for row in tail) <= TAIL_SHARE * type_height:
            return tail
    return rows[-1:]


def _row_with_sign_off(table, tail: list, following):
    grid = table.find(qn("w:tblGrid"))
    widths = [int(col.get(qn("w:w"))) for col in grid.findall(qn("w:gridCol"))]
    inner = OxmlElement("w:tbl")
    tbl_pr = copy.deepcopy(table.find(qn("w:tblPr")))
    for tag in ("w:tblInd", "w:jc"):
        for old in tbl_pr.findall(qn(tag)):
            tbl_pr.remove(old)
    # the rule above the tail is the outer table's (the row before, or the header repeated on a new page)
    without_outer_rules(tbl_pr)
    inner.append(tbl_pr)
    inner.append(copy.deepcopy(grid))
    for column, tc in list(grid_cells(tail[0])):
        if continues_merge(tc):
            # its merge starts above (the rows it spans are too tall to go over): the cell
            # goes on from it, without a rule between, over the tail's rows the merge spans
            if len(tail) > 1 and continues_merge(cell_at(tail[1], column)):
                _set_vmerge(tc, "restart")
            else:
                tc_pr = tc.find(qn("w:tcPr"))
                tc_pr.remove(tc_pr.find(qn("w:vMerge")))
            _continue_open(tc)
    for row in tail:
        inner.append(row)  # moved out of the outer table
    row = OxmlElement("w:tr")
    tr_pr = OxmlElement("w:trPr")
    tr_pr.append(OxmlElement("w:cantSplit"))
    row.append(tr_pr)
    cell = OxmlElement("w:tc")
    tc_pr = OxmlElement("w:tcPr")
    width = OxmlElement("w:tcW")
    width.set(qn("w:w"), str(sum(widths)))
    width.set(qn("w:type"), "dxa")
    tc_pr.append(width)
    if len(widths) > 1:
        span = OxmlElement("w:gridSpan")
        span.set(qn("w:val"), str(len(widths)))
        tc_pr.append(span)
    borders = OxmlElement("w:tcBorders")
    for side in ("top", "left", "bottom", "right"):
        edge = OxmlElement(f"w:{side}")
        edge.set(qn("w:val"), "nil")
        borders.append(edge)
    tc_pr.append(borders)
    tc_pr.append(cell_text.no_margins("w:tcMar"))  # the inner table stands on the outer one's rules
    cell.append(tc_pr)
    cell.append(inner)
    for paragraph in following:
        cell.append(paragraph)  # moved from after the table into the cell
    row.append(cell)
    return row

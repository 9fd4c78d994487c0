"""Write the starting versions of the annex templates (templates/annexes/*.docx).

The .docx files are the source of truth once written: clerks may open and
edit them in Word (the {{ … }}, {%tr … %} and {%tc … %} tags are docxtpl's).  Run this
script only to recreate them from scratch (all, or the ones named):

    python scripts/make_annex_templates.py [tasks checklist stats selfcheck ledger]
"""

from __future__ import annotations

import sys
from pathlib import Path

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from planmaker.office import gbt9704 as gb
from planmaker.office.cell_text import cell_margins
from planmaker.office.docx_package import docx_bytes
from planmaker.office.ooxml import EPOCH
from planmaker.office.plan_docx import new_document

OUT = Path(__file__).resolve().parent.parent / "templates" / "annexes"
TABLE_PT = gb.TABLE_PT
DITTO = "〃"  # a cell that says “same as above” is merged with the cell above


def para(document, text="", font=gb.FANGSONG, size=gb.BODY_PT, align=WD_ALIGN_PARAGRAPH.LEFT, indent=0):
    paragraph = document.add_paragraph()
    gb.body_format(paragraph, indent_chars=indent, align=align)
    if text:
        gb.add_run(paragraph, text, font, size)
    return paragraph


def heading(document):
    """附件N at the top left in 黑体, then the centred title in 小标宋."""
    para(document, "{%p if annex_label %}")
    para(document, "{{ annex_label }}", gb.HEITI).paragraph_format.keep_with_next = True
    para(document, "{%p endif %}")
    title = para(document, "{{ title }}", gb.XIAOBIAOSONG, gb.TITLE_PT, WD_ALIGN_PARAGRAPH.CENTER)
    title.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    title.paragraph_format.line_spacing = Pt(gb.TITLE_PT * 1.5)
    title.paragraph_format.keep_with_next = True
    # off the line grid, which would give each title line two grid lines
    gb.no_grid(title)


def cell_text(cell, text, size=TABLE_PT, font=gb.FANGSONG, align=WD_ALIGN_PARAGRAPH.CENTER):
    paragraph = cell.paragraphs[0]
    paragraph.alignment = align
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.SINGLE
    fmt.space_before = fmt.space_after = Pt(0)
    # table text keeps its own single spacing instead of the page's 22-line grid
    snap = OxmlElement("w:snapToGrid")
    snap.set(qn("w:val"), "0")
    p_pr = paragraph._p.get_or_add_pPr()
    # schema order: snapToGrid precedes spacing, ind and jc
    later = [p_pr.find(qn(tag)) for tag in ("w:spacing", "w:ind", "w:jc", "w:rPr")]
    later = [e for e in later if e is not None]
    if later:
        later[0].addprevious(snap)
    else:
        p_pr.append(snap)
    if text:
        gb.add_run(paragraph, text, font, size)
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def table(document, widths_mm):
    tbl = document.add_table(rows=0, cols=len(widths_mm))
    tbl.style = document.styles["Table Grid"]
    tbl.alignment = WD_TABLE_ALIGNMENT.CENTER
    tbl.autofit = False
    for column, width in zip(tbl.columns, widths_mm):
        column.width = Mm(width)
    # no line of a cell touches its rules: room above and below the text, as beside it
    tbl_pr = tbl._tbl.tblPr
    margins = cell_margins()
    later = [tbl_pr.find(qn(tag)) for tag in ("w:tblLook", "w:tblCaption", "w:tblDescription")]
    later = [e for e in later if e is not None]
    if later:
        later[0].addprevious(margins)
    else:
        tbl_pr.append(margins)
    return tbl


def row_on_paper(tr, header: bool) -> None:
    """A row never splits across pages; a header row repeats on every page the table runs on to."""
    tr_pr = tr.get_or_add_trPr()
    for tag, wanted in (("w:cantSplit", True), ("w:tblHeader", header)):
        if wanted and tr_pr.find(qn(tag)) is None:
            tr_pr.append(OxmlElement(tag))


def row(tbl, texts, widths_mm, spans=None, header=False, aligns=None, writing=False):
    """One row; ``spans`` merges cells, e.g. {1: 2} makes cell 1 span two columns;
    a row to be ``writing`` in by hand is at least two handwriting lines high."""
    added = tbl.add_row()
    row_on_paper(added._tr, header)
    if writing:
        added.height = Mm(gb.HANDWRITING_ROW_MM)
        added.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
    cells = added.cells
    for cell, width in zip(cells, widths_mm):
        cell.width = Mm(width)
    spans = spans or {}
    column, written = 0, []
    for i, text in enumerate(texts):
        cell = cells[column]
        span = spans.get(i, 1)
        if span > 1:
            cell = cell.merge(cells[column + span - 1])
        align = (aligns or {}).get(i, WD_ALIGN_PARAGRAPH.CENTER)
        cell_text(cell, text, font=gb.HEITI if header else gb.FANGSONG, align=align)
        written.append(cell)
        column += span
    return written


def tag_row(tbl, tag):
    cells = tbl.add_row().cells
    cell_text(cells[0], tag)


def save(document, name):
    OUT.mkdir(parents=True, exist_ok=True)
    # the package planmaker writes for every document: only what the template uses, no clock
    (OUT / name).write_bytes(docx_bytes(document, "{{ title }}", "planmaker", EPOCH))
    print("wrote", OUT / name)


def tasks_template():
    document = new_document()
    heading(document)
    para(document).paragraph_format.keep_with_next = True  # the title goes over with the table
    widths = gb.TASK_COLUMNS_MM
    tbl = table(document, widths)
    row(tbl, ["序号", "重点任务", "牵头部门", "配合部门"], widths, header=True)
    tag_row(tbl, "{%tr for row in rows %}")
    row(tbl, ["{{ row.number }}", "{{ row.task }}", "{{ row.lead }}", "{{ row.cooperate }}"], widths,
        aligns={1: WD_ALIGN_PARAGRAPH.JUSTIFY})
    tag_row(tbl, "{%tr endfor %}")
    save(document, "tasks.docx")

    document = new_document()
    heading(document)
    para(document).paragraph_format.keep_with_next = True
    widths = gb.TASK_DEADLINE_COLUMNS_MM
    tbl = table(document, widths)
    row(tbl, ["序号", "重点任务", "牵头部门", "配合部门", "完成时限"], widths, header=True)
    tag_row(tbl, "{%tr for row in rows %}")
    row(tbl, ["{{ row.number }}", "{{ row.task }}", "{{ row.lead }}", "{{ row.cooperate }}", "{{ row.deadline }}"],
        widths, aligns={1: WD_ALIGN_PARAGRAPH.JUSTIFY})
    tag_row(tbl, "{%tr endfor %}")
    save(document, "tasks-deadline.docx")


def checklist_template():
    document = new_document()
    heading(document)
    para(document, "医疗机构名称：{{ institution.name }}    地址：{{ institution.address }}", size=TABLE_PT + 2)
    para(document, "联系人：{{ institution.contact }}    联系电话：{{ institution.phone }}", size=TABLE_PT + 2)
    para(document, "医疗机构类别：", size=TABLE_PT + 2)
    para(document, "{% for c in categories %}{{ c.name }}{{ c.box }}  {% endfor %}等级（{% for g in grades %}"
                   "{{ g.name }}{{ g.box }}{% endfor %}）  性质（{% for o in ownerships %}{{ o.name }}{{ o.box }}  "
                   "{% endfor %}）", size=TABLE_PT + 2)
    widths = gb.CHECKLIST_COLUMNS_MM
    tbl = table(document, widths)
    row(tbl, ["{{ columns[0] }}", "{{ columns[1] }}", "{{ columns[2] }}", "{{ columns[3] }}"], widths,
        spans={1: 2}, header=True)
    tag_row(tbl, "{%tr for row in rows %}")
    tag_row(tbl, "{%tr if row.sub %}")
    row(tbl, ["{{ row.group }}", "{{ row.item }}", "{{ row.sub }}", "{{ row.answer }}", "{{ row.note }}"], widths,
        aligns={1: WD_ALIGN_PARAGRAPH.LEFT})
    tag_row(tbl, "{%tr else %}")
    row(tbl, ["{{ row.group }}", "{{ row.item }}", "{{ row.answer }}", "{{ row.note }}"], widths, spans={1: 2},
        aligns={1: WD_ALIGN_PARAGRAPH.LEFT})
    tag_row(tbl, "{%tr endif %}")
    tag_row(tbl, "{%tr endfor %}")
    para(document, "{{ note }}", size=TABLE_PT + 2)
    para(document, "{%p for line in signatures %}")
    para(document, "{{ line }}", size=TABLE_PT + 2)
    para(document, "{%p endfor %}")
    save(document, "checklist.docx")


def stats_template():
    """Statistics form two: group | item | sub | value columns | unit (landscape)."""
    document = new_document()
    gb.set_page(document.sections[0], landscape=True)
    heading(document)
    para(document, "{{ jurisdiction }}                    {{ period }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    widths = _loop_widths("stats.docx")
    tbl = table(document, widths)
    row(tbl, ["{{ label_header[0] }}", "{{ label_header[1] }}", "{% colspan columns|length %}{{ value_header }}",
              "单位"], widths, spans={1: 2, 2: 3}, header=True)
    row(tbl, [DITTO, DITTO, *_value_loop("column", "columns"), DITTO], widths, spans={1: 2}, header=True)
    tag_row(tbl, "{%tr for row in rows %}")
    tag_row(tbl, "{%tr if row.sub %}")
    row(tbl, ["{{ row.group }}", "{{ row.item }}", "{{ row.sub }}", *_value_loop("value", "row.cells"),
              "{{ row.unit }}"], widths, aligns={1: WD_ALIGN_PARAGRAPH.LEFT})
    tag_row(tbl, "{%tr else %}")
    row(tbl, ["{{ row.group }}", "{{ row.item }}", *_value_loop("value", "row.cells"), "{{ row.unit }}"], widths,
        spans={1: 2}, aligns={1: WD_ALIGN_PARAGRAPH.LEFT})
    tag_row(tbl, "{%tr endif %}")
    tag_row(tbl, "{%tr endfor %}")
    para(document)
    para(document, "{{ footer }}")
    save(document, "stats.docx")

    """Statistics form one: group | category | value columns (portrait)."""
    document = new_document()
    heading(document)
    para(document, "{{ jurisdiction }}                {{ period }}", align=WD_ALIGN_PARAGRAPH.CENTER)
    widths = _loop_widths("stats-simple.docx")
    tbl = table(document, widths)
    row(tbl, ["{{ label_header[0] }}", *_value_loop("column", "columns")], widths, spans={0: 2}, header=True)
    tag_row(tbl, "{%tr for row in rows %}")
    row(tbl, ["{{ row.group }}", "{{ row.item }}", *_value_loop("value", "row.cells")], widths,
        aligns={1: WD_ALIGN_PARAGRAPH.LEFT})
    tag_row(tbl, "{%tr endfor %}")
    para(document)
    para(document, "{{ footer }}")
    save(document, "stats-simple.docx")


def _value_loop(name, items):
    """The value columns as docxtpl renders them: one cell repeated for each of ``items``
    (the cells holding the {%tc %} tags vanish)."""
    return [f"{{%tc for {name} in {items} %}}", f"{{{{ {name} }}}}", "{%tc endfor %}"]


def _loop_widths(template):
    """The template's columns: the labels and unit as printed, the value columns' share in
    three for the loop (its two tag cells and the repeated cell); the rendered form's grid is
    set from the layout (planmaker.kinds.stats), however many value columns it has."""
    labels = gb.STATS_LABEL_COLUMNS_MM[template]
    unit = gb.STATS_UNIT_COLUMN_MM[template]
    return [*labels, *[gb.stats_values_mm(template) / 3] * 3, *([unit] if unit else [])]


def selfcheck_template():
    """Self-inspection checklist: the institution answers each listed problem about itself."""
    document = new_document()
    heading(document)
    para(document, "单位名称（盖章）：{{ institution.name }}", size=TABLE_PT + 2)
    para(document, "联系人：{{ institution.contact }}    联系电话：{{ institution.phone }}", size=TABLE_PT + 2)
    widths = gb.SELFCHECK_COLUMNS_MM
    tbl = table(document, widths)
    row(tbl, ["序号", "问题类别", "自查内容", "是否存在", "问题描述", "整改措施"], widths, header=True)
    tag_row(tbl, "{%tr for row in rows %}")
    row(tbl, ["{{ row.number }}", "{{ row.group }}", "{{ row.item }}", "{{ row.answer }}", "", ""], widths,
        aligns={2: WD_ALIGN_PARAGRAPH.JUSTIFY}, writing=True)
    tag_row(tbl, "{%tr endfor %}")
    para(document, "{{ note }}", size=TABLE_PT + 2)
    para(document, "{%p for line in signatures %}")
    para(document, "{{ line }}", size=TABLE_PT + 2)
    para(document, "{%p endfor %}")
    save(document, "selfcheck.docx")


def ledger_template():
    """Rectification ledger (整改台账), landscape: each problem, its fix, who, by when, closed or not."""
    document = new_document()
    gb.set_page(document.sections[0], landscape=True)
    heading(document)
    para(document, "填报单位（盖章）：{{ institution.name }}    联系人：{{ institution.contact }}    "
                   "联系电话：{{ institution.phone }}", size=TABLE_PT + 2)
    widths = gb.LEDGER_COLUMNS_MM
    tbl = table(document, widths)
    row(tbl, ["序号", "问题类别", "问题", "整改措施", "责任部门", "责任人", "整改时限", "完成情况（销号）"], widths,
        header=True)
    tag_row(tbl, "{%tr for row in rows %}")
    row(tbl, ["{{ row.number }}", "{{ row.group }}", "{{ row.item }}", "", "", "", "", ""], widths,
        aligns={2: WD_ALIGN_PARAGRAPH.JUSTIFY}, writing=True)
    tag_row(tbl, "{%tr endfor %}")
    para(document, "完成情况填写：{{ statuses }}。", size=TABLE_PT + 2)
    para(document, "{{ note }}", size=TABLE_PT + 2)
    para(document, "{%p for line in signatures %}")
    para(document, "{{ line }}", size=TABLE_PT + 2)
    para(document, "{%p endfor %}")
    save(document, "ledger.docx")


MAKERS = {"tasks": tasks_template, "checklist": checklist_template, "stats": stats_template,
          "selfcheck": selfcheck_template, "ledger": ledger_template}


if __name__ == "__main__":
    for name in sys.argv[1:] or MAKERS:
        MAKERS[name]()

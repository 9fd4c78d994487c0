"""office.annex_forms on its own: the typed contexts kinds hand to office, and the mapping docxtpl gets."""

import datetime as dt
import io

import docx

from planmaker.office.annex_forms import InstitutionLines, LedgerForm, ProblemRow, TaskRow, TaskTable
from planmaker.office.docx_batch import slots
from planmaker.office.docx_render import lines, render_template
from planmaker.office.xlsx_problems import SheetHeader
from planmaker.plan.annexes import template_path


def _ledger(institution: InstitutionLines) -> LedgerForm:
    rows = (ProblemRow("1", "收费", "超标准收费"), ProblemRow("2", "〃", "分解收费"), ProblemRow("3", "", ""))
    return LedgerForm(annex_label="附件2", title=lines("整改台账"), institution=institution, note="注：",
                      signatures=("填表人：",), statuses="未整改、已整改销号", rows=rows)


def test_a_form_becomes_the_mapping_its_template_reads():
    form = _ledger(InstitutionLines("某医院", "某路1号", "张三", "123"))
    context = form.template_context()
    assert context["institution"] == {"name": "某医院", "address": "某路1号", "contact": "张三", "phone": "123"}
    assert context["rows"][1] == {"number": "2", "group": "〃", "item": "分解收费"}
    assert context["signatures"] == ["填表人："] and context["statuses"] == "未整改、已整改销号"


def test_markers_pass_into_the_mapping_untouched():
    """The batch prepares a template with markers that refuse to be copied or looked at: the mapping holds
    the very same objects."""
    marks = slots(["name", "address", "contact", "phone"])
    context = _ledger(InstitutionLines.from_fields(marks)).template_context()
    assert all(context["institution"][key] is marks[key] for key in marks)


def test_the_sheet_header_is_decided_on_the_real_values():
    header = SheetHeader.of(InstitutionLines("  某某市第一人民医院  ", "", " " * 12, "0856-1234567"))
    assert (header.name, header.contact, header.phone) == ("某某市第一人民医院", None, "0856-1234567")
    assert header.wide == (True, True, False)  # name, phone, contact: longer than 8 characters set flush left
    assert SheetHeader.from_fields(header.fields()) == header


def test_a_typed_context_renders_through_its_template():
    table = TaskTable("附件1", lines("任务分工"), (TaskRow("1", "开展自查", lines("县卫生健康局"), lines(""), ""),))
    data = render_template(template_path("tasks.docx"), table, "任务分工", "作者", dt.datetime(2021, 9, 1))
    text = "\n".join(cell.text for t in docx.Document(io.BytesIO(data)).tables for row in t.rows for cell in row.cells)
    assert "开展自查" in text and "县卫生健康局" in text

"""The plan .docx follows GB/T 9704-2012, checked on the file itself."""

import datetime as dt

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from conftest import EXAMPLES, docx_paragraphs, files_of_kind, run_cli, write_plan
from planmaker.office.plan_docx import plan_docx
from planmaker.plan.document import AnnexNote, Document, Paragraph, Signature

GOOD = (EXAMPLES / "liuzhou-2021" / "plan.yaml").read_text(encoding="utf-8")


def east_asia(run) -> str:
    return run._element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia"))


def plan_document(out):
    return docx.Document(str(files_of_kind(out, "plan")[0]))


def test_page_setup(liuzhou_out):
    section = plan_document(liuzhou_out).sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.top_margin.mm) == 37 and round(section.bottom_margin.mm) == 35
    assert round(section.left_margin.mm) == 28 and round(section.right_margin.mm) == 26
    type_area = section.page_width - section.left_margin - section.right_margin
    assert abs(type_area - Mm(156)) < Mm(0.5)


def test_title_body_and_heading_fonts(liuzhou_out):
    document = plan_document(liuzhou_out)
    title = document.paragraphs[0]
    assert title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert {east_asia(r) for r in title.runs} == {"方正小标宋简体"}
    assert {r.font.size for r in title.runs} == {Pt(22)}
    # a long title is broken into balanced lines inside one paragraph
    lines = title.text.split("\n")
    assert len(lines) == 2 and abs(len(lines[0]) - len(lines[1])) <= 8

    by_text = {p.text: p for p in document.paragraphs}
    body = by_text["全市各级各类医疗机构。"]
    assert east_asia(body.runs[0]) == "仿宋_GB2312" and body.runs[0].font.size == Pt(16)
    assert body.paragraph_format.first_line_indent == Pt(32)
    assert body.runs[0]._element.rPr.find(qn("w:rFonts")).get(qn("w:ascii")) == "Times New Roman"

    level1 = by_text["一、工作目标"]
    assert east_asia(level1.runs[0]) == "黑体"

    runin = next(p for p in document.paragraphs if p.text.startswith("（一）治理违法违规开展医疗检查行为。对未取得"))
    lead, rest = runin.runs[0], runin.runs[1]
    assert lead.text == "（一）治理违法违规开展医疗检查行为。" and east_asia(lead) == "楷体_GB2312"
    assert rest.text.startswith("对未取得") and east_asia(rest) == "仿宋_GB2312"


def test_every_run_has_an_east_asian_font(liuzhou_out):
    document = plan_document(liuzhou_out)
    for paragraph in document.paragraphs:
        for run in paragraph.runs:
            if run.text:
                assert east_asia(run), paragraph.text


def test_signature_right_aligned_and_page_numbers(liuzhou_out):
    document = plan_document(liuzhou_out)
    issuer, date = document.paragraphs[-2], document.paragraphs[-1]
    assert issuer.text == "柳州市卫生健康委员会" and date.text == "2021年8月20日"
    assert issuer.alignment == date.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    # the issuer is centred over the date: the shorter date is indented more
    assert date.paragraph_format.right_indent > issuer.paragraph_format.right_indent
    section = document.sections[0]
    for footer in (section.footer, section.even_page_footer):
        xml = footer._element.xml
        assert "PAGE" in xml and "— " in footer.paragraphs[0].text and " —" in footer.paragraphs[0].text
        assert {east_asia(r) for r in footer.paragraphs[0].runs} == {"宋体"}
    assert section.footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.RIGHT
    assert section.even_page_footer.paragraphs[0].alignment == WD_ALIGN_PARAGRAPH.LEFT


def test_dropping_a_task_keeps_the_numbering_consecutive(tmp_path):
    plan = write_plan(tmp_path, GOOD + "tasks:\n  drop: [informed-consent]\n")
    out = tmp_path / "out"
    assert run_cli("build", plan, "-o", out).exit_code == 0
    texts = docx_paragraphs(files_of_kind(out, "plan")[0])
    start = texts.index("三、工作任务")
    end = texts.index("四、实施步骤")
    tasks = texts[start + 1:end]
    assert [t[:3] for t in tasks] == ["（一）", "（二）", "（三）", "（四）"]
    assert not any("知情同意原则" in t for t in tasks)
    assert tasks[2].startswith("（三）治理可能诱导过度检查")


def test_added_task_and_changed_target(tmp_path):
    extra = (
        "params: {coverage_other: 80}\n"
        "tasks:\n  add:\n    - id: ads\n      after: baseless-exams\n      title: 治理违法医疗广告\n"
        "      text: 查处{{ j.whole }}违法发布医疗广告行为。\n      lead: [market]\n"
    )
    plan = write_plan(tmp_path, GOOD + extra)
    out = tmp_path / "out"
    assert run_cli("build", plan, "-o", out).exit_code == 0
    texts = docx_paragraphs(files_of_kind(out, "plan")[0])
    assert "（三）治理违法医疗广告。查处全市违法发布医疗广告行为。" in texts
    assert any("覆盖80%以上" in t for t in texts)
    assert any(t.startswith("（六）治理违反规划配置大型医用设备行为") for t in texts)


def test_unset_dates_render_as_blanks(tmp_path):
    text = "\n".join(line for line in GOOD.splitlines()
                     if not line.strip().startswith(("signed:", "final_report:")))
    plan = write_plan(tmp_path, text)
    out = tmp_path / "out"
    assert run_cli("build", plan, "-o", out).exit_code == 0
    texts = docx_paragraphs(files_of_kind(out, "plan")[0])
    assert texts[-1] == "20__年__月__日"
    assert any("于2021年10月1日及20__年__月__日前" in t for t in texts)


def test_annex_note_layout():
    plan = Document("测试方案", [Paragraph("正文。"), AnnexNote(("任务分工表", "工作检查表"))],
                    Signature("某某县卫生健康局", "2021年8月20日"))
    data = plan_docx(plan, dt.datetime(2021, 8, 20))
    import io
    document = docx.Document(io.BytesIO(data))
    texts = [p.text for p in document.paragraphs]
    first = texts.index("附件：1.任务分工表")
    assert texts[first + 1] == "2.工作检查表"
    second = document.paragraphs[first + 1]
    assert second.paragraph_format.left_indent == Pt(16 * 5)


def test_heading_levels_three_and_four_numbering():
    from planmaker.base.numbering import chinese_number, heading_number
    assert [heading_number(1, 11), heading_number(2, 20), heading_number(3, 3), heading_number(4, 2)] == \
        ["十一、", "（二十）", "3.", "（2）"]
    assert chinese_number(10) == "十" and chinese_number(21) == "二十一"


@pytest.mark.parametrize("title, words", [
    ("凉山彝族自治州2021年医疗机构突出问题专项整治实施方案", ["医疗机构"]),
    ("雅安市大处方、泛耗材和不合理医疗检查专项整治工作方案", ["不合理", "泛耗材"]),
    ("柳州市2021年开展不合理医疗检查专项治理行动工作方案", ["不合理", "医疗检查"]),
])
def test_title_lines_keep_words_whole(title, words):
    from planmaker.office.gbt9704 import balance_title

    lines = balance_title(title)
    assert len(lines) == 2 and "".join(lines) == title
    for word in words:
        assert any(word in line for line in lines), (word, lines)

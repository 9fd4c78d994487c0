"""The plan .docx follows GB/T 9704-2012, checked on the file itself."""

import datetime as dt
import io

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from conftest import EXAMPLES, docx_paragraphs, files_of_kind, run_cli, write_plan
from planmaker.office.plan_docx import plan_docx
from planmaker.plan.document import AnnexNote, Document, Heading, Paragraph, Signature

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
    assert run_cli("build", plan, "-o", out, "--only", "plan").exit_code == 0
    texts = docx_paragraphs(files_of_kind(out, "plan")[0])
    start = texts.index("三、工作任务")
    end = texts.index("四、实施步骤")
    tasks = [t for t in texts[start + 1:end] if t.startswith("（")]
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
    assert run_cli("build", plan, "-o", out, "--only", "plan").exit_code == 0
    texts = docx_paragraphs(files_of_kind(out, "plan")[0])
    assert "（三）治理违法医疗广告。查处全市违法发布医疗广告行为。" in texts
    assert any("覆盖80%以上" in t for t in texts)
    assert any(t.startswith("（六）治理违反规划配置大型医用设备行为") for t in texts)


def test_unset_dates_render_as_blanks(tmp_path):
    text = "\n".join(line for line in GOOD.splitlines()
                     if not line.strip().startswith(("signed:", "final_report:")))
    plan = write_plan(tmp_path, text)
    out = tmp_path / "out"
    assert run_cli("build", plan, "-o", out, "--only", "plan").exit_code == 0
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
    first = texts.index("附件：1．任务分工表")
    assert texts[first + 1] == "2．工作检查表"
    # GB/T 9704 7.3.4: wrapped lines start under the first character of the
    # name, and the names (hence the numbers) line up: hanging indents
    one, two = (document.paragraphs[i].paragraph_format for i in (first, first + 1))
    # 附件：1． in the condensed body runs: four and a half cells, less 0.25 pt a character
    prefix = 4.5 * 16 - 5 * 0.25
    assert one.left_indent == two.left_indent
    assert one.left_indent.pt == pytest.approx(16 * 2 + prefix, abs=0.05)
    assert one.first_line_indent.pt == pytest.approx(-prefix, abs=0.05)
    assert two.first_line_indent.pt == pytest.approx(-(1.5 * 16 - 2 * 0.25), abs=0.05)
    # the note and the signature go over to a new page with the body's last lines
    tail = document.paragraphs[texts.index("正文。"):]
    assert all(p.paragraph_format.keep_with_next for p in tail[:-1])


def test_single_annex_note_has_no_number():
    plan = Document("测试方案", [Paragraph("正文。"), AnnexNote(("任务分工表",))], None)
    texts = [p.text for p in docx.Document(io.BytesIO(plan_docx(plan, dt.datetime(2021, 8, 20)))).paragraphs]
    assert "附件：任务分工表" in texts


def test_runs_are_simplified_chinese_and_punctuation_may_hang():
    plan = Document("测试方案", [Heading(1, "一、", "工作目标"), Paragraph("正文。")], None)
    document = docx.Document(io.BytesIO(plan_docx(plan, dt.datetime(2021, 8, 20))))
    body = document.element.body
    langs = {lang.get(qn("w:eastAsia")) for lang in body.iter(qn("w:lang"))}
    assert langs == {"zh-CN"} and len(list(body.iter(qn("w:r")))) == len(list(body.iter(qn("w:lang"))))
    # punctuation may hang: LibreOffice then carries a character over with a mark that does not
    # fit, where without it the mark is dropped; Word hangs it in the margin
    assert all(p._p.pPr.find(qn("w:overflowPunct")).get(qn("w:val")) == "1" for p in document.paragraphs)
    # a heading on a line of its own keeps with the text under it
    assert document.paragraphs[2].paragraph_format.keep_with_next
    # the title leaves the line grid: its own exact spacing, no blank line inside
    title = document.paragraphs[0]
    assert title._p.pPr.find(qn("w:snapToGrid")).get(qn("w:val")) == "0"
    assert title.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY


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


def test_masthead_and_imprint_when_the_plan_asks(tmp_path):
    """版头 (GB/T 9704 7.2): the red 发文机关标志, the 发文字号 with 〔〕 and the red line under it;
    版记 (7.4): 抄送, 印发机关 and 印发日期 between lines.  Neither unless the plan file asks."""
    extra = ("number: 柳卫发〔2021〕12号\nmasthead: {}\n"
             "imprint:\n  cc: [自治区卫生健康委, 各县区人民政府]\n  date: 2021-08-23\n")
    plan = write_plan(tmp_path, GOOD + extra)
    out = tmp_path / "out"
    assert run_cli("build", plan, "-o", out, "--only", "plan").exit_code == 0
    document = docx.Document(str(files_of_kind(out, "plan")[0]))
    spacer, mark = document.paragraphs[:2]
    # 7.2.4: the mark's top 35 mm below the type area's top: an empty line exactly that high above it
    assert spacer.text == "" and abs(spacer.paragraph_format.line_spacing - Mm(35)) < Mm(0.1)
    assert mark.text == "柳州市卫生健康委员会文件" and mark.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert {str(r.font.color.rgb) for r in mark.runs} == {"FF0000"} and east_asia(mark.runs[0]) == "方正小标宋简体"
    number = next(p for p in document.paragraphs if p.text == "柳卫发〔2021〕12号")
    assert number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    line = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert line.get(qn("w:color")) == "FF0000" and line.get(qn("w:val")) == "single"
    texts = [p.text for p in document.paragraphs]
    assert texts.index("柳卫发〔2021〕12号") < texts.index("柳州市2021年开展不合理\n医疗检查专项治理行动工作方案")
    imprint = document.tables[-1]
    rows = [row.cells[0].text for row in imprint.rows]
    assert rows == ["抄送：自治区卫生健康委，各县区人民政府。", "柳州市卫生健康委员会办公室\t2021年8月23日印发"]
    borders = imprint._tbl.tblPr.find(qn("w:tblBorders"))
    assert [borders.find(qn(f"w:{side}")).get(qn("w:val")) for side in ("top", "insideH", "bottom")] == ["single"] * 3
    # at the foot of the type area, its text one character (4号) in from the margin, where the lines start
    place = imprint._tbl.tblPr.find(qn("w:tblpPr"))
    assert (place.get(qn("w:vertAnchor")), place.get(qn("w:tblpYSpec"))) == ("margin", "bottom")
    assert (place.get(qn("w:horzAnchor")), int(place.get(qn("w:tblpX")))) == ("page", document.sections[-1].left_margin.twips + 14 * 20)
    # which holds while the document says compatibility mode 14 (Word 2013's mode 15 measures to the border)
    mode = document.settings.element.find(f"{qn('w:compat')}/{qn('w:compatSetting')}[@{qn('w:name')}='compatibilityMode']")
    assert mode.get(qn("w:val")) == "14"

    plain = tmp_path / "plain"
    assert run_cli("build", write_plan(tmp_path, GOOD), "-o", plain, "--only", "plan").exit_code == 0
    document = docx.Document(str(files_of_kind(plain, "plan")[0]))
    assert not document.tables and "FF0000" not in document.element.xml


def test_signers_stand_right_of_the_number_when_the_plan_names_them(tmp_path):
    """GB/T 9704 7.2.6: 签发人 one character in from the right (“签发人：” in 仿宋, the name in 楷体),
    the 发文字号 one character in from the left, on the line of the last 签发人."""
    extra = "number: 柳卫发〔2021〕12号\nmasthead:\n  signers: [张三, 李四五]\n"
    out = tmp_path / "out"
    assert run_cli("build", write_plan(tmp_path, GOOD + extra), "-o", out, "--only", "plan").exit_code == 0
    document = docx.Document(str(files_of_kind(out, "plan")[0]))
    first, last = (p for p in document.paragraphs if "签发人" in p.text)
    assert first.text == "\t签发人：张三" and last.text == "柳卫发〔2021〕12号\t签发人：李四五"
    assert last.paragraph_format.left_indent == Pt(16) and last.alignment == WD_ALIGN_PARAGRAPH.LEFT
    assert east_asia(last.runs[-1]) == "楷体_GB2312" and east_asia(last.runs[-2]) == "仿宋_GB2312"
    assert last._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom")).get(qn("w:color")) == "FF0000"
    stop = last.paragraph_format.tab_stops[0].position
    # the widest name (李四五) ends one character from the right
    assert abs(stop - (Mm(156) - Pt(16 * (1 + 3 + 4)))) < Pt(0.1)


def test_joint_masthead_stacks_the_issuers_with_wenjian_beside(tmp_path):
    extra = "number: 柳卫发〔2021〕12号\nmasthead:\n  issuers: [柳州市卫生健康委员会, 柳州市医疗保障局]\n"
    out = tmp_path / "out"
    assert run_cli("build", write_plan(tmp_path, GOOD + extra), "-o", out, "--only", "plan").exit_code == 0
    document = docx.Document(str(files_of_kind(out, "plan")[0]))
    names, suffix = document.tables[0].rows[0].cells
    assert [p.text for p in names.paragraphs] == ["柳州市卫生健康委员会", "柳州市医疗保障局"]
    assert suffix.text == "文件"
    assert all(str(r.font.color.rgb) == "FF0000" for p in names.paragraphs + suffix.paragraphs for r in p.runs)
    # the names spread to one width (7.2.3), 文件 centred on them
    assert {p.alignment for p in names.paragraphs} == {WD_ALIGN_PARAGRAPH.DISTRIBUTE}

"""The importer's small rules: a run-in heading and a paragraph of text, a table a page break cut, a
PDF's table rows among its paragraphs."""

from __future__ import annotations

import pytest

from planmaker.importer.campaign import UNTITLED, _bare
from planmaker.importer.converted import TABLE_MARK, _go_on
from planmaker.importer.outline import body_text, split_runin
from planmaker.importer.source import pdf_paragraphs


@pytest.mark.parametrize(("text", "heading", "rest"), [
    ("加强组织领导。各地要成立专班。", "加强组织领导。", "各地要成立专班。"),
    ("医德医风建设建档行动（责任科室：医务科）1．具体措施：完善考评制度。", "医德医风建设建档行动（责任科室：医务科）",
     "1．具体措施：完善考评制度。"),
    ("各地要加强组织领导，明确责任分工，确保各项工作按时完成，不得推诿扯皮", "各地要加强组织领导，明确责任分工，确保各项工作按时完成，不得推诿扯皮", ""),
])
def test_a_point_is_split_where_its_heading_ends(text, heading, rest):
    assert split_runin(text) == (heading, rest)


def test_a_paragraph_of_text_is_no_heading():
    assert body_text("各地要加强组织领导，明确责任分工，确保各项工作按时完成，不得推诿扯皮")
    assert not body_text("高度重视，加强组织领导")                     # a heading may have a comma
    assert not body_text("严厉打击各类违法违规执业行为和医疗机构违规收费行为并依法处理到位")  # long, but one phrase
    assert _bare("加强组织领导。") == "加强组织领导" and _bare("工作安排：") == "工作安排：" and _bare("。") == "。"
    assert UNTITLED.startswith("{#") and UNTITLED.endswith("#}")     # a Jinja comment: prints nothing


def test_a_row_the_page_break_went_through_is_one_row():
    table = [("序号", "重点任务"), ("1", "开展第1项重点整治任务，建立问题")]
    _go_on(table, [("", "清单并逐项整改"), ("2", "开展第2项")])
    assert table == [("序号", "重点任务"), ("1", "开展第1项重点整治任务，建立问题\n清单并逐项整改"), ("2", "开展第2项")]


def test_a_pdf_table_sits_among_its_paragraphs():
    text = f"附件1\n监测点基本情况表\n{TABLE_MARK}1\n附件2\n数据表\n{TABLE_MARK}2\n"
    paras = pdf_paragraphs(text, [[("序号", "服务人口\n（万人）"), ("1", "")], [("项目", "数量"), ("门诊", "")]])
    assert [(p.line, p.text, p.table) for p in paras] == [
        (1, "附件1", 0), (2, "监测点基本情况表", 0), (3, "序号\t服务人口（万人）", 1), (3, "1\t", 1),
        (4, "附件2", 0), (5, "数据表", 0), (6, "项目\t数量", 2), (6, "门诊\t", 2)]
    assert paras[2].cells == ("序号", "服务人口（万人）")

"""The annexes of seed 003, item by item, and the bundle that binds them."""

import re

import docx
import pytest
from docx.oxml.ns import qn
from openpyxl import load_workbook

from conftest import EXAMPLES, docx_text, files_of_kind, manifest, run_cli, run_into, seed_text, squash, write_plan

# guangxi's build is made once, on one worker
pytestmark = pytest.mark.xdist_group("annexes")

SEED = seed_text("003")


def seed_annex(n: int) -> str:
    parts = re.split(r"\s附件(\d)\n", SEED)
    return dict(zip(parts[1::2], parts[2::2]))[str(n)]


@pytest.fixture(scope="module")
def guangxi_out(tmp_path_factory):
    return run_into(tmp_path_factory, "guangxi", "build", EXAMPLES / "guangxi-2020" / "plan.yaml")


def annex_file(out, number: int, suffix=".docx"):
    entries = [f for f in manifest(out)["files"]
               if f.get("annex") == number and "institution" not in f and f["path"].endswith(suffix)]
    assert len(entries) == 1, entries
    return out / entries[0]["path"]


def table_rows(path):
    """Each table row as the list of its distinct cells' texts (merged cells once)."""
    document = docx.Document(str(path))
    rows = []
    for table in document.tables:
        for row in table.rows:
            if len(row.cells) and row.cells[0].tables and len({id(c._tc) for c in row.cells}) == 1:
                # the last rows, kept with the sign-off lines in one row that cannot split
                rows.extend(r for t in row.cells[0].tables for r in _rows_of(t))
                continue
            if len(row.cells) and row.cells[-1].tables:
                # an item's rows kept on one page: the group's cell, then the item's rows in a table
                left = [c for c in _cells(row) if c != row.cells[-1].text]
                rows.extend(left + r for r in _rows_of(row.cells[-1].tables[0]))
                continue
            rows.append(_cells(row))
    return rows


def _rows_of(table):
    return [_cells(row) for row in table.rows]


def _cells(row):
    cells, seen = [], set()
    for cell in row.cells:
        if id(cell._tc) not in seen:
            seen.add(id(cell._tc))
            cells.append(cell.text)
    return cells


def test_plan_matches_seed_003_main_text(guangxi_out):
    import difflib
    (plan,) = files_of_kind(guangxi_out, "plan")
    main = SEED.split(" 附件1")[0]
    text = docx_text(plan)
    score = difflib.SequenceMatcher(None, squash(text), squash(main), autojunk=False).ratio()
    assert score >= 0.95, score
    # a full-width point: “1.2020年” would read as the number 1.2020; the annex is named after the plan's
    # own title, with the full name (the seed's “广西……行动方案任务分工” followed neither)
    assert "附件：1．2020年广西壮族自治区医疗卫生领域突出问题专项整治方案任务分工" in text
    assert "工作量化统计表二" in text.split("附件：")[1]
    # the plan holds the main text alone: no annex table in it
    assert not docx.Document(str(plan)).tables


def test_task_table_rows_match_annex_1(guangxi_out):
    rows = table_rows(annex_file(guangxi_out, 1))
    assert rows[0] == ["序号", "重点任务", "牵头部门", "配合部门"]
    body = rows[1:]
    assert [r[0] for r in body] == ["1", "2", "3", "4"]
    # each department in full at its first mention in the table (a document of its own), short after;
    # a name longer than the column breaks where its words meet, the place before the department
    assert [r[2] for r in body] == ["广西壮族\n自治区\n医疗保障局", "自治区医保局", "自治区\n卫生健康委", "自治区\n卫生健康委"]
    assert body[0][3].split("\n") == ["广西壮族", "自治区", "卫生健康", "委员会", "广西壮族", "自治区", "中医药管理局"]
    assert body[2][3].split("\n") == ["自治区医保局", "自治区", "中医药局"]
    seed_tasks = re.findall(r"\n\t\d\n\t(.+)", seed_annex(1))
    for ours, theirs in zip(body, seed_tasks):
        assert ours[1].startswith(theirs[:20])
    book = load_workbook(annex_file(guangxi_out, 1, ".xlsx"))
    sheet = book.active
    assert [c.value for c in sheet[2]] == ["序号", "重点任务", "牵头部门", "配合部门"]
    # one name a line; a name wider than its column breaks where its words meet
    assert sheet["C3"].value == "广西壮族\n自治区\n医疗保障局"
    assert sheet["D3"].value == "广西壮族自治区\n卫生健康委员会\n广西壮族自治区\n中医药管理局"


def test_task_table_speaks_for_the_jurisdiction_built(tmp_path):
    text = (EXAMPLES / "guangxi-2020" / "plan.yaml").read_text(encoding="utf-8").replace(
        "profile: guangxi", "profile: liuzhou")
    plan = write_plan(tmp_path, text)
    out = tmp_path / "out"
    assert run_cli("build", plan, "-o", out, "--only", "tasks").exit_code == 0
    rows = table_rows(annex_file(out, 1))
    assert [r[2] for r in rows[1:]] == ["柳州市\n医疗保障局", "市医保局", "市卫生健康委", "市卫生健康委"]


def test_seed_001_campaign_gets_a_task_table(liuzhou_out):
    rows = table_rows(annex_file(liuzhou_out, 1))
    assert len(rows) == 6 and rows[1][2] == "柳州市\n卫生健康\n委员会"
    assert "柳州市\n市场监督\n管理局" in rows[1][3]
    # the only annex: “附件” on its page as in the plan's note, without a number (GB/T 9704 7.3.4)
    assert docx_text(annex_file(liuzhou_out, 1)).startswith("附件\n")
    plan = docx_text(files_of_kind(liuzhou_out, "plan")[0])
    assert "附件：柳州市2021年开展不合理医疗检查专项治理行动工作方案任务分工" in plan
    # the body names what is attached, and nothing that is not
    assert "见附件" in plan and "附表" not in plan


SEED_SUBS = {6: ["免疫细胞治疗", "其他"], 30: ["医师", "护士"], 31: ["医师", "护士"],
             32: ["医师", "护士", "其他人员"], 33: ["行政处罚", "移送司法机关"]}


def test_checklist_items_and_sub_items_match_annex_2(guangxi_out):
    seed_items = re.findall(r"^\t(\d+)\.(.+)$", seed_annex(2), flags=re.M)
    assert len(seed_items) == 33
    rows = table_rows(annex_file(guangxi_out, 2))
    assert rows[0] == ["项目", "检查内容", "检查结果", "备注"]
    items, subs, answers = {}, {}, {}
    current = None
    for row in rows[1:]:
        match = re.match(r"(\d+)\.(.+)", row[1]) if len(row) > 1 else None
        if match:
            current = int(match.group(1))
            items[current] = match.group(2)
        if len(row) == 5:  # group | item | sub | answer | note
            subs.setdefault(current, []).append(row[2])
        answers.setdefault(current, []).append(row[-2])
    assert [(str(n), t) for n, t in sorted(items.items())] == [(n, t.strip()) for n, t in seed_items]
    assert subs == SEED_SUBS
    assert answers[1] == ["抽查______人，\n违法违规______人"]
    assert answers[3] == ["有□ 无□"]
    # the seed's spaces to write in print as underlined blanks
    assert answers[28] == ["有□ 无□，\n罚款______万元，\n没收______"]
    assert answers[32] == ["有□ 无□，\n______人"] * 3
    text = docx_text(annex_file(guangxi_out, 2))
    for expected in ("每家抽查20人。不足者，全查", "注：此表供检查时使用。", "陪同检查人：", "检查人：",
                     "检查时间：   年  月  日", "医疗机构名称：", "联系电话：", "社会办医□", "未定级□"):
        assert expected in text, expected
    groups = {r[0] for r in rows[1:] if r[0]}
    # the last item's rows, gone over with the sign-off lines, continue the group above them (no 〃)
    assert groups == {"是否存在违法违规行为情况", "受到行政处罚机构情况", "受到处理人员情况"}


def test_group_and_item_cells_are_merged_vertically(guangxi_out):
    document = docx.Document(str(annex_file(guangxi_out, 2)))
    table = document.tables[0]
    merges = [tc.find(qn("w:tcPr")).find(qn("w:vMerge")) for tc in table._tbl.iter(qn("w:tc"))
              if tc.find(qn("w:tcPr")) is not None]
    restarts = [m for m in merges if m is not None and m.get(qn("w:val")) == "restart"]
    # three groups, plus items 6, 30, 31, 32 and 33 over their sub-items, plus the last group
    # again over item 33's rows, which go over with the sign-off lines
    assert len(restarts) == 3 + 5 + 1
    # the ditto marks were merges; the rows kept with the sign-off lines go on from the group above:
    # an empty cell without a rule over it, as a merged cell that runs on, and no 〃 printed
    kept = document.tables[0].rows[-1].cells[0].tables[0]
    assert [c.text for c in kept.rows[0].cells][:2] == ["", "33.合计"] and len(kept.rows) == 2
    top = kept.rows[0].cells[0]._tc.tcPr.find(qn("w:tcBorders")).find(qn("w:top"))
    assert top.get(qn("w:val")) == "nil"
    # nor a second rule over them: the rule above is the outer table's
    assert kept._tbl.tblPr.find(qn("w:tblBorders")).find(qn("w:top")).get(qn("w:val")) == "nil"
    assert "〃" not in docx_text(annex_file(guangxi_out, 2))


SEED_FORM1_ROWS = ["综合医院", "专科医院", "中医类医院", "妇幼保健院", "其他二级以上公立医疗机构",
                   "一级医院、社区卫生服务中心、中心卫生院、乡（镇）卫生院等", "诊所、医务室、卫生站等", "其他",
                   "综合医院", "专科医院", "中医类医院", "其他二级以上社会办医疗机构", "独立设置的体检中心",
                   "血液透析中心、医学检验实验室等其他独立设置的医疗机构", "一级医院、门诊部、诊所等其他类型机构"]


def test_statistics_form_one_matches_annex_3(guangxi_out):
    rows = table_rows(annex_file(guangxi_out, 3))
    assert rows[0] == ["机构类型", "辖区内总数", "检查数量"]
    assert [r[1] for r in rows[1:]] == SEED_FORM1_ROWS
    # the last group goes over with the sign-off lines whole, its name merged beside its rows
    assert list(dict.fromkeys(r[0] for r in rows[1:])) == ["二级以上公立医疗机构", "其他类型公立医疗机构",
                                               "二级以上社会办医疗机构", "其他社会办医疗机构"]
    assert "〃" not in docx_text(annex_file(guangxi_out, 3))
    text = docx_text(annex_file(guangxi_out, 3))
    # sent down to the cities, it leaves the reporting unit to be written, as the seed's “    市”
    assert "____________市" in text and "2020年9月-12月" in text and "填表人：" in text


def test_statistics_form_two_matches_annex_4(guangxi_out):
    seed = seed_annex(4)
    seed_units = re.findall(r"^\t(起|人|个|条|万元)$", seed, flags=re.M)
    path = annex_file(guangxi_out, 4)
    rows = table_rows(path)
    assert rows[0] == ["项目", "检查内容", "数量", "单位"]
    # the headers break as the seed's do
    assert rows[1][-5:-1] == ["二级以上\n公立医疗\n机构", "其他类型\n公立医疗\n机构", "二级以上\n社会办医疗\n机构",
                              "其他社会办\n医疗机构"]
    units = [r[-1] for r in rows[2:]]
    assert units == seed_units and len(units) == 41
    flat = squash(docx_text(path))
    for line in re.findall(r"^\t([^\t\n]{2,})$", seed, flags=re.M):
        if line not in ("起", "人", "个", "条", "万元"):
            assert squash(line) in flat, line
    section = docx.Document(str(path)).sections[0]
    assert section.page_width > section.page_height  # landscape


def test_bundle_binds_plan_and_annexes_each_on_a_new_page(guangxi_out):
    (bundle,) = files_of_kind(guangxi_out, "bundle")
    document = docx.Document(str(bundle))
    text = [p.text for p in document.paragraphs]
    labels = [t for t in text if re.fullmatch(r"附件\d", t)]
    assert labels == ["附件1", "附件2", "附件3", "附件4"]
    assert len(document.sections) == 5
    assert document.sections[0].page_width < document.sections[0].page_height
    assert document.sections[4].page_width > document.sections[4].page_height
    assert len(document.tables) == 4
    (plan,) = files_of_kind(guangxi_out, "plan")
    assert squash(docx_text(bundle)).startswith(squash(docx_text(plan))[:200])


def test_manifest_kinds_and_only(guangxi_out, tmp_path):
    kinds = {f["kind"] for f in manifest(guangxi_out)["files"]}
    assert kinds == {"plan", "preview", "tasks", "checklist", "stats", "bundle", "calendar"}
    out = tmp_path / "only"
    assert run_cli("build", EXAMPLES / "guangxi-2020" / "plan.yaml", "-o", out, "--only", "stats").exit_code == 0
    entries = manifest(out)["files"]
    assert {f["kind"] for f in entries} == {"stats"} and len(entries) == 4


def test_an_item_and_its_sub_items_go_over_to_a_new_page_together(guangxi_out):
    """32.移送司法机关 and its rows (医师, 护士, 其他人员) are one row that cannot split, so that no page
    starts with a lone 护士 row, its item on the page before; the group's cell stays merged beside it."""
    document = docx.Document(str(annex_file(guangxi_out, 2)))
    outer = document.tables[0]._tbl
    kept = [tr for tr in outer.findall(qn("w:tr")) if tr.find(f"{qn('w:tc')}/{qn('w:tbl')}") is not None]
    inner = {"".join(t.text or "" for t in tr.iter(qn("w:t")))[:8]: tr for tr in kept}
    block = next(tr for text, tr in inner.items() if text.startswith("32."))
    assert block.find(f"{qn('w:trPr')}/{qn('w:cantSplit')}") is not None
    cell = block.findall(qn("w:tc"))[-1]
    rows = cell.find(qn("w:tbl")).findall(qn("w:tr"))
    subs = ["".join(t.text for t in tr.findall(qn("w:tc"))[1].iter(qn("w:t"))) for tr in rows]
    assert subs == ["医师", "护士", "其他人员"]
    group = block.findall(qn("w:tc"))[0].find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
    assert group is not None  # the group's name, merged over its rows, beside the block
    # the inner table draws no rules on its edges: the outer cell's are there
    borders = cell.find(qn("w:tbl")).find(f"{qn('w:tblPr')}/{qn('w:tblBorders')}")
    assert [borders.find(qn(f"w:{side}")).get(qn("w:val")) for side in ("top", "left", "bottom", "right")] == ["nil"] * 4

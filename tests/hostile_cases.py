"""The corpus of hostile inputs (issue 14): plans, profiles, campaigns, templates,
institution lists, forms, command lines and file-system faults, each made
afresh in a temporary folder by a small function.  test_hostile_corpus.py runs
them all and checks that none gives a traceback or hangs, and that none
changes a file the command should not touch."""

from __future__ import annotations

import errno
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from template_bombs import ALLOCATING, BOMBS, campaign_with_checklist, campaign_with_text
from zipbombs import zip_bomb

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
LIUZHOU = (EXAMPLES / "liuzhou-2021" / "plan.yaml").read_text(encoding="utf-8")
GUANGXI = EXAMPLES / "guangxi-2020" / "plan.yaml"
PROFILE = (ROOT / "profiles" / "liuzhou.yaml").read_text(encoding="utf-8")
HEADER = ["名称", "地址", "类别", "等级", "性质", "联系人", "联系电话"]
ROW = ["甲医院", "某路1号", "综合医院", "二级", "公立", "张三", "0772-1234567"]


@dataclass
class Case:
    id: str
    make: Callable[[Path], list[str]]  # makes the inputs in the folder, returns the command line
    exits: tuple[int, ...]  # the exit codes that are right
    says: str = ""  # a phrase the output must hold
    writes: tuple[str, ...] = ("out",)  # what the command may change, under the folder
    patch: Callable | None = None  # (monkeypatch, folder) -> None: a fault to inject
    extra: dict = field(default_factory=dict)


CASES: list[Case] = []


def case(id, make, exits, says="", writes=("out",), patch=None):
    CASES.append(Case(id, make, tuple(exits), says, writes, patch))


def plan(folder: Path, text: str, name: str = "plan.yaml", encoding="utf-8") -> Path:
    path = folder / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return path


def build_plan(text, *extra, name="plan.yaml", encoding="utf-8"):
    def make(folder):
        return ["build", str(plan(folder, text, name, encoding)), "-o", str(folder / "out"), "--only", "plan", *extra]
    return make


def check_plan(text, *extra):
    def make(folder):
        return ["check", str(plan(folder, text)), *extra]
    return make


def replaced(old: str, new: str, text: str = LIUZHOU) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


# ------------------------------------------------------------------ plans

CONTROL = {"vt": "\x0b", "ff": "\x0c", "esc": "\x1b", "nul": "\x00", "fffe": "\ufffe", "ffff": "\uffff",
           "del": "\x7f", "c1": "\x9b", "bell": "\x07", "backspace": "\x08"}
for name, char in CONTROL.items():
    in_title = replaced("title: 广西", f"title: 广{char}西")
    case(f"plan-control-{name}-in-value", build_plan(in_title), (0,), "已删去")
    case(f"plan-control-{name}-in-comment", build_plan(replaced("# 本方案", f"# 本{char}方案")), (0,), "已删去")
    case(f"plan-control-{name}-in-key", build_plan(replaced("  joint: true", f"  jo{char}int: true")), (0,), "已删去")
    if name in ("vt", "ff", "nul"):
        case(f"check-control-{name}", check_plan(in_title), (0,), "已删去")

DATES = {
    "year-2108": ("start: 2021-08", "start: 2108-01"),
    "year-1979": ("start: 2021-08", "start: 1979-01"),
    "year-9999": ("start: 2021-08", "start: 9999-12"),
    "plus-9999-months": ("start: 2021-08", "start: 2021-08 + 9999 months"),
    "minus-99999-months": ("start: 2021-08", "start: 2021-08 - 99999 months"),
    "plus-huge-days": ("signed: start.first + 19 days", "signed: start.first + 99999999999 days"),
    "plus-huge-weeks": ("signed: start.first + 19 days", "signed: start.first + 9999999 weeks"),
    "plus-huge-working-days": ("signed: start.first + 19 days", "signed: start.first + 999999 working days"),
    "feb-30": ("start: 2021-08", "start: 2021-02-30"),
    "month-13": ("start: 2021-08", "start: 2021-13"),
    "self-reference": ("start: 2021-08", "start: start + 1 month"),
    "cycle": ("end: summary.end", "end: signed + 1 day\n  signed: end - 1 day"),
    "unknown-reference": ("end: summary.end", "end: sumary.end"),
    "month-plus-day": ("signed: start.first + 19 days", "signed: start + 19 days"),
    "words": ("start: 2021-08", "start: 明年八月"),
    "number": ("start: 2021-08", "start: 20210801"),
    "list": ("start: 2021-08", "start: [2021, 8]"),
    "mapping": ("start: 2021-08", "start: {year: 2021}"),
    "end-before-start": ("end: summary.end", "end: 2021-01"),
    "signed-after-start": ("signed: start.first + 19 days", "signed: 2021-12-20"),
    "empty": ("start: 2021-08", "start:"),
    "unit-typo": ("signed: start.first + 19 days", "signed: start.first + 19 dayz"),
    "no-spaces": ("signed: start.first + 19 days", "signed: start.first+19days"),
}
for name, (old, new) in DATES.items():
    case(f"plan-date-{name}", build_plan(replaced(old, new)), (0, 2))
    if name in ("year-2108", "plus-9999-months", "plus-huge-days", "cycle", "end-before-start",
                "signed-after-start", "feb-30", "words"):
        case(f"check-date-{name}", check_plan(replaced(old, new)), (0, 1))

YAML = {
    "empty-file": "",
    "only-comment": "# nothing\n",
    "a-list": "- a\n- b\n",
    "a-number": "42\n",
    "tab-indent": LIUZHOU.replace("  start: 2021-08", "\tstart: 2021-08"),
    "unclosed-quote": LIUZHOU.replace("title: 广西", 'title: "广西'),
    "unclosed-bracket": LIUZHOU.replace("deploy: {start: start, end: start}", "deploy: {start: start, end: start"),
    "duplicate-key": LIUZHOU.replace("campaign: unreasonable-exams", "campaign: unreasonable-exams\ncampaign: x"),
    "typo-key": LIUZHOU.replace("parent_document:", "parent_documnet:"),
    "unknown-key": LIUZHOU + "\nsurprise: 1\n",
    "alias-bomb": "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, "
        f"*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9)),
    "self-alias": "a: &a [*a]\n",
    "deep-nesting": "a: " + "[" * 5000 + "]" * 5000 + "\n",
    "huge-line": "profile: " + "x" * 3_000_000 + "\n",
    "python-tag": "profile: !!python/object/apply:os.system ['touch MARKER']\n",
    "binary": "\x89PNG\r\n\x1a\n",
    "profile-number": replaced("profile: liuzhou", "profile: 42"),
    "profile-missing": replaced("profile: liuzhou", "profile: nowhere"),
    "profile-path-escape": replaced("profile: liuzhou", "profile: ../../../../etc/passwd"),
    "profile-path-missing": replaced("profile: liuzhou", "profile: ./nowhere.yaml"),
    "campaign-missing": replaced("campaign: unreasonable-exams", "campaign: nowhere"),
    "campaign-path-escape": replaced("campaign: unreasonable-exams", "campaign: ../../../../etc"),
    "campaign-list": replaced("campaign: unreasonable-exams", "campaign: [a, b]"),
    "phase-unknown": replaced("  deploy: {start: start, end: start}",
                              "  deploy: {start: start, end: start}\n  nosuch: {start: start}"),
    "title-million": replaced("title: 广西壮族", "title: " + "长" * 1_000_000 + "广西壮族"),
    "bidi-title": replaced("title: 广西", "title: \u202e广西\u202c"),
    "zero-width-title": replaced("title: 广西", "title: 广\u200b西"),
    "fullwidth-space-title": replaced("title: 广西", "title: 广\u3000西"),
    "crlf": LIUZHOU.replace("\n", "\r\n"),
    "cr-only": LIUZHOU.replace("\n", "\r"),
    "braces-in-title": replaced("title: 广西", "title: '{{ cycler.__init__.__globals__ }}广西'"),
    "jinja-in-number": replaced("number: 桂卫医发", "number: '{% for i in range(10**9) %}{% endfor %}'\n  x: 桂卫医发"),
}
for name, text in YAML.items():
    case(f"plan-yaml-{name}", build_plan(text), (0, 2))
for name, encoding in {"gbk": "gbk", "utf-16": "utf-16", "utf-8-bom": "utf-8-sig", "utf-32": "utf-32"}.items():
    case(f"plan-encoding-{name}", build_plan(LIUZHOU, encoding=encoding), (0, 2))
case("plan-name-gbk", build_plan(LIUZHOU, name="方案".encode("gbk").decode("utf-8", "surrogateescape") + ".yaml"),
     (0,))
case("plan-name-zero-width", build_plan(LIUZHOU, name="方\u200b案.yaml"), (0,))
case("plan-name-spaces", build_plan(LIUZHOU, name="我的 方案　2021.yaml"), (0,))


# ------------------------------------------------------------------ profiles

def own_profile(text: str, pid: str = "hostile", plan_text: str | None = None, command="build"):
    def make(folder):
        profiles = folder / "profiles"
        profiles.mkdir()
        (profiles / f"{pid}.yaml").write_text(text, encoding="utf-8")
        body = plan_text if plan_text is not None else replaced("profile: liuzhou", f"profile: {pid}")
        path = plan(folder, body)
        if command == "profiles":
            return ["profiles", "--dir", str(profiles)]
        tail = ["-o", str(folder / "out"), "--only", "plan"] if command == "build" else []
        return [command, str(path), "--profiles", str(profiles), *tail]
    return make


PROFILES = {
    "parent-missing": PROFILE.replace("parent: guangxi", "parent: nowhere") if "parent: guangxi" in PROFILE
    else PROFILE + "\nparent: nowhere\n",
    "parent-self": (PROFILE.replace("parent: guangxi", "parent: hostile") if "parent: guangxi" in PROFILE
                    else PROFILE + "\nparent: hostile\n"),
    "name-empty": re.sub(r"^name: .*$", "name: ''", PROFILE, count=1, flags=re.M),
    "name-control": re.sub(r"^name: (.*)$", "name: \\1\x0b\x0c", PROFILE, count=1, flags=re.M),
    "name-zero-width": re.sub(r"^name: (.*)$", "name: \u200b\\1\u200d", PROFILE, count=1, flags=re.M),
    "name-bidi": re.sub(r"^name: (.*)$", "name: \u202e\\1", PROFILE, count=1, flags=re.M),
    "name-huge": re.sub(r"^name: (.*)$", "name: " + "市" * 100_000, PROFILE, count=1, flags=re.M),
    "name-slashes": re.sub(r"^name: (.*)$", "name: ../../etc/\\1", PROFILE, count=1, flags=re.M),
    "kind-unknown": re.sub(r"^kind: (.*)$", "kind: 星球", PROFILE, count=1, flags=re.M),
    "not-a-mapping": "- a\n- b\n",
    "empty": "",
    "nul-bytes": PROFILE.replace("\n", "\x00\n", 3),
    "departments-list": re.sub(r"^departments:", "departments: []\nold_departments:", PROFILE, count=1, flags=re.M),
    "unknown-key": PROFILE + "\nsurprise: 1\n",
}
for name, text in PROFILES.items():
    case(f"profile-{name}", own_profile(text), (0, 2))
    if name in ("parent-missing", "parent-self", "name-control", "not-a-mapping", "nul-bytes"):
        case(f"profiles-list-{name}", own_profile(text, command="profiles"), (0, 2), writes=())
        case(f"check-profile-{name}", own_profile(text, command="check"), (0, 1, 2), writes=())


# ------------------------------------------------------------------ campaigns and templates

def campaign_text(payload: str, command="build"):
    def make(folder):
        campaigns = campaign_with_text(folder, payload)
        path = plan(folder, LIUZHOU)
        tail = ["-o", str(folder / "out"), "--only", "plan"] if command == "build" else []
        return [command, str(path), "--campaigns", str(campaigns), *tail]
    return make


def checklist_docx(payload=None, broken=None, command="build"):
    def make(folder):
        campaigns = campaign_with_checklist(folder, payload, broken)
        tail = ["-o", str(folder / "out"), "--only", "checklist"] if command == "build" else []
        return [command, str(GUANGXI), "--campaigns", str(campaigns), *tail]
    return make


TEMPLATE_TEXT = {
    **BOMBS,
    "unsafe-globals": "{{ cycler.__init__.__globals__ }}",
    "unsafe-mro": "{{ ''.__class__.__mro__ }}",
    "unsafe-os": "{{ lipsum.__globals__.os.system('touch MARKER') }}",
    "syntax-error": "{% for %}",
    "unclosed-block": "{% if true %}",
    "undefined": "{{ nosuch }}",
    "undefined-attribute": "{{ j.nmae }}",
    "unknown-filter": "{{ 1 | nosuch }}",
    "bad-type": "{{ 'a' - 1 }}",
    "huge-int-string": "{{ '9' * 5000 | int }}",
    "recursive-loop": "{% for x in [[1]] recursive %}{{ loop([x]) }}{% endfor %}",
    "namespace-list": "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}"
                      "{% endfor %}",
    "dict-bomb": "{{ dict(a=1) * 10 }}",
    "wordwrap": "{{ ('x ' * 40000) | wordwrap(1) }}",
    "indent-many-lines": "{{ ('\\n' * 40000) | indent(100) }}",
    "sum-lists": "{{ [[1] * 1000] * 1000 | sum(start=[]) }}",
    "tojson": "{{ range(10) | list | tojson }}",
    "control-output": "{{ '\\x0c\\x0b' }}",
    "kept-big-values": "{% set ns = namespace(l=[]) %}{% for i in range(100) %}"
                       "{% set ns.l = ns.l + ['x' * 4999999] %}{% endfor %}",
    "list-repeat": "{{ ([1] * 4999999) | string | length }}",
    "escape-growth": "{{ ('<' * 4999999) | e | length }}",
}


def short_time_budget(monkeypatch, folder):
    """A template that only the clock stops (macro-fork) runs its whole budget; here the budget is
    cut to half a second, as what the corpus checks is how the command ends, not the budget's size
    (test_template_bombs.py renders it within the real one)."""
    from planmaker.plan import template_budget

    monkeypatch.setattr(template_budget, "TIME_BUDGET", 0.5)


for name, payload in TEMPLATE_TEXT.items():
    patch = short_time_budget if name == "macro-fork" else None
    case(f"campaign-{name}", campaign_text(payload), (0, 2), patch=patch)
    case(f"docx-{name}", checklist_docx(payload), (0, 2), patch=patch)
for name in ("macro-recursion", "replace", "unsafe-globals", "undefined-attribute", "silent-loops"):
    case(f"check-campaign-{name}", campaign_text(TEMPLATE_TEXT[name], "check"), (1, 2), writes=())
    case(f"check-docx-{name}", checklist_docx(TEMPLATE_TEXT[name], command="check"), (1, 2), writes=())
case("docx-institution-typo", checklist_docx("{{ institution.nmae }}"), (2,), "nmae")
case("check-docx-institution-typo", checklist_docx("{{ institution.nmae }}", command="check"), (1,), "nmae",
     writes=())
for broken in ("not-a-zip", "broken-xml", "zip-bomb"):
    case(f"docx-{broken}", checklist_docx(broken=broken), (2,))
    case(f"check-docx-{broken}", checklist_docx(broken=broken, command="check"), (2,), writes=())


# ------------------------------------------------------------------ institution lists

def write_csv(path: Path, rows, encoding="utf-8", newline="\n"):
    text = newline.join(",".join(str(c) for c in row) for row in rows) + newline
    path.write_bytes(text.encode(encoding))


def write_xlsx(path: Path, sheets: list[tuple[str, list[list]]], hidden=(), hidden_rows=(), autofilter=False):
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
        if title in hidden:
            sheet.sheet_state = "hidden"
        for number in hidden_rows:
            sheet.row_dimensions[number].hidden = True
        if autofilter:
            sheet.auto_filter.ref = f"A1:G{len(rows)}"
    book.save(path)


def rewrite_member(path: Path, member: str, change: Callable[[bytes], bytes]):
    data = io.BytesIO(path.read_bytes())
    with zipfile.ZipFile(data) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            target.writestr(item, change(content) if item.filename == member else content)


def institutions(maker, suffix=".csv", *extra):
    def make(folder):
        path = folder / f"名单{suffix}"
        maker(path)
        return ["build", str(GUANGXI), "-o", str(folder / "out"), "--only", "checklist", "--workers", "1",
                "--institutions", str(path), *extra]
    return make


def rows_with(*names_and_categories):
    return [HEADER] + [[n, "某路", c, "", "", "", ""] for n, c in names_and_categories]


LISTS = {
    "ok": lambda p: write_csv(p, [HEADER, ROW]),
    "gbk": lambda p: write_csv(p, [HEADER, ROW], "gbk"),
    "utf-8-bom": lambda p: write_csv(p, [HEADER, ROW], "utf-8-sig"),
    "utf-16": lambda p: write_csv(p, [HEADER, ROW], "utf-16"),
    "crlf": lambda p: write_csv(p, [HEADER, ROW], newline="\r\n"),
    "nul": lambda p: p.write_bytes(b"\xe5\x90\x8d\xe7\xa7\xb0,\x00\x00\n"),
    "empty": lambda p: p.write_bytes(b""),
    "header-only": lambda p: write_csv(p, [HEADER]),
    "no-category-column": lambda p: write_csv(p, [["名称", "地址"], ["甲", "乙"]]),
    "unknown-category": lambda p: write_csv(p, rows_with(("甲", "宇宙飞船"))),
    "duplicates": lambda p: write_csv(p, rows_with(("甲", "诊所"), ("甲", "诊所"))),
    "case-duplicates": lambda p: write_csv(p, rows_with(("Clinic", "诊所"), ("CLINIC", "诊所"))),
    "new-version-name": lambda p: write_csv(p, rows_with(("甲医院", "诊所"), ("甲医院（新生成）", "诊所"),
                                                         ("甲医院（新生成2）", "诊所"))),
    "zero-width-names": lambda p: write_csv(p, rows_with(("甲医院", "诊所"), ("甲\u200b医院", "诊所"))),
    "bidi-names": lambda p: write_csv(p, rows_with(("\u202e院医甲", "诊所"))),
    "fullwidth-space": lambda p: write_csv(p, rows_with(("甲\u3000医院", "诊所"))),
    "slashes": lambda p: write_csv(p, rows_with(("../../etc/passwd", "诊所"), ("a/b\\c", "诊所"))),
    "windows-reserved": lambda p: write_csv(p, rows_with(("CON", "诊所"), ("nul.txt", "诊所"), ("com1", "诊所"))),
    "dots": lambda p: write_csv(p, rows_with(("..", "诊所"), (".", "诊所"), ("...", "诊所"))),
    "long-name": lambda p: write_csv(p, rows_with(("院" * 190, "诊所"))),
    "huge-name": lambda p: write_csv(p, rows_with(("院" * 100_000, "诊所"))),
    "control-chars": lambda p: write_csv(p, rows_with(("甲\x0b医\x0c院\x1b", "诊所"))),
    "quote-injection": lambda p: write_csv(p, [HEADER, ['"=cmd|\' /C calc\'!A0"', "某路", "诊所", "", "", "", ""]]),
    "template-in-name": lambda p: write_csv(p, rows_with(("{{ 9**9**9 }}", "诊所"), ("{% for %}", "诊所"))),
    "xml-in-name": lambda p: write_csv(p, rows_with(("<w:t>&amp;]]>", "诊所"))),
    "huge-cell": lambda p: p.write_bytes(("名称,类别\n" + "甲" * 200_000 + ",诊所\n").encode()),
    "blank-rows": lambda p: write_csv(p, [HEADER, [""] * 7, ROW, [""] * 7]),
    "title-row": lambda p: write_csv(p, [["某县医疗机构名单"], HEADER, ROW]),
    "xlsx-extension-on-csv": lambda p: write_csv(p, [HEADER, ROW]),
}
for name, maker in LISTS.items():
    suffix = ".xlsx" if name == "xlsx-extension-on-csv" else ".csv"
    case(f"list-{name}", institutions(maker, suffix), (0, 2))

XLSX = {
    "ok": lambda p: write_xlsx(p, [("名单", [HEADER, ROW])]),
    "hidden-first-sheet": lambda p: write_xlsx(p, [("旧名单", [HEADER, ["已注销诊所乙", "", "诊所"]]),
                                                   ("名单", [HEADER, ROW])], hidden=("旧名单",)),
    "all-hidden": lambda p: (write_xlsx(p, [("旧名单", [HEADER, ROW])]),
                             rewrite_member(p, "xl/workbook.xml", lambda d: d.replace(b"<sheet ", b'<sheet state="hidden" '))),
    "second-sheet-bad": lambda p: write_xlsx(p, [("说明", [["名称", "地址"]]), ("名单", [HEADER, ROW])]),
    "filtered-rows": lambda p: write_xlsx(p, [("名单", [HEADER, ROW, ["乙医院", "", "诊所"]])], hidden_rows=(3,),
                                          autofilter=True),
    "phone-as-number": lambda p: write_xlsx(p, [("名单", [HEADER, ["甲", "", "诊所", "", "", "", 13800138000]])]),
    "formula": lambda p: write_xlsx(p, [("名单", [HEADER, ["=A1&\"x\"", "", "诊所"]])]),
    "bool-and-date": lambda p: write_xlsx(p, [("名单", [HEADER, [True, "", "诊所"]])]),
    "empty-sheet": lambda p: write_xlsx(p, [("名单", [])]),
    "wide-row": lambda p: write_xlsx(p, [("名单", [HEADER + [""] * 2000 + ["x"], ROW])]),
}


def dimension_a1(p):
    write_xlsx(p, [("名单", [HEADER, ROW])])
    rewrite_member(p, "xl/worksheets/sheet1.xml", lambda d: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1"', d))


def with_shared_strings(p: Path, content: bytes) -> None:
    """The list with a shared-strings part of ``content`` (openpyxl writes its text inline)."""
    write_xlsx(p, [("名单", [HEADER, ROW])])
    rel = (b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
           b'Target="sharedStrings.xml" Id="rId99"/></Relationships>')
    rewrite_member(p, "xl/_rels/workbook.xml.rels", lambda d: d.replace(b"</Relationships>", rel))
    with zipfile.ZipFile(p, "a", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", content)


SST = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'


def shared_strings_bomb(p):
    with_shared_strings(p, SST + b"<si><t>x</t></si>" * 2_100_000 + b"</sst>")


def row_bomb(p, count=100_000):
    """``count`` empty rows, each with a cell in the last column (XFD): a reader that widened
    each row to the sheet's width, or kept them, would hold gigabytes."""
    write_xlsx(p, [("名单", [HEADER, ROW])])
    rows = b"".join(b'<row r="%d"><c r="XFD%d"/></row>' % (n, n) for n in range(3, count))
    rewrite_member(p, "xl/worksheets/sheet1.xml", lambda d: d.replace(b"</sheetData>", rows + b"</sheetData>"))


def bad_row_numbers(p):
    write_xlsx(p, [("名单", [HEADER, ROW])])
    rewrite_member(p, "xl/worksheets/sheet1.xml", lambda d: d.replace(b'<row r="2"', b'<row r="1"'))


def entity_bomb(p):
    dtd = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
    with_shared_strings(p, dtd + SST + b"<si><t>&b;</t></si></sst>")


def zip_bomb_list(p):
    zip_bomb(p, "xl/worksheets/sheet1.xml", 200, b" ")


def truncated(p):
    write_xlsx(p, [("名单", [HEADER, ROW])])
    p.write_bytes(p.read_bytes()[:400])


XLSX.update({"dimension-a1": dimension_a1, "shared-strings-bomb": shared_strings_bomb, "row-bomb": row_bomb,
             "bad-row-numbers": bad_row_numbers, "entity-bomb": entity_bomb, "zip-bomb": zip_bomb_list,
             "truncated": truncated, "not-a-zip": lambda p: p.write_bytes(b"hello"),
             "old-xls": lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)})
for name, maker in XLSX.items():
    case(f"xlsx-{name}", institutions(maker, ".xlsx"), (0, 2))


# ------------------------------------------------------------------ command lines

def command(*args, files=()):
    def make(folder):
        for name in files:
            target = folder / name
            if name.endswith("/"):
                target.mkdir(parents=True, exist_ok=True)
            else:
                target.write_text("x", encoding="utf-8")
        plan_path = plan(folder, LIUZHOU)
        return [a.replace("{plan}", str(plan_path)).replace("{dir}", str(folder)) for a in args]
    return make


COMMANDS = {
    "no-arguments": (("build",), (2,)),
    "unknown-command": (("bulid",), (2,)),
    "unknown-option": (("build", "{plan}", "--nosuch"), (2,)),
    "o-is-a-file": (("build", "{plan}", "-o", "{dir}/afile"), (2,), ("afile",)),
    "o-under-a-file": (("build", "{plan}", "-o", "{dir}/afile/out"), (2,), ("afile",)),
    "plan-is-a-folder": (("build", "{dir}/afolder/", "-o", "{dir}/out"), (2,), ("afolder/",)),
    "plan-missing": (("build", "{dir}/nosuch.yaml", "-o", "{dir}/out"), (2,)),
    "workers-zero": (("build", "{plan}", "--workers", "0"), (2,)),
    "workers-text": (("build", "{plan}", "--workers", "many"), (2,)),
    "shard-zero": (("build", "{plan}", "-o", "{dir}/out", "--shard", "0/0"), (2,)),
    "shard-past": (("build", "{plan}", "-o", "{dir}/out", "--shard", "3/2"), (2,)),
    "shard-text": (("build", "{plan}", "-o", "{dir}/out", "--shard", "a/b"), (2,)),
    "only-unknown": (("build", "{plan}", "-o", "{dir}/out", "--only", "nosuch"), (2,)),
    "only-empty": (("build", "{plan}", "-o", "{dir}/out", "--only", ","), (0, 2)),
    "format-unknown": (("build", "{plan}", "-o", "{dir}/out", "--format", "exe"), (2,)),
    "institutions-folder": (("build", "{plan}", "-o", "{dir}/out", "--institutions", "{dir}/afolder/"), (2,),
                            ("afolder/",)),
    "institutions-missing": (("build", "{plan}", "-o", "{dir}/out", "--institutions", "{dir}/nosuch.csv"), (2,)),
    "institutions-wrong-type": (("build", "{plan}", "-o", "{dir}/out", "--institutions", "{dir}/afile"), (2,),
                                ("afile",)),
    "profiles-is-a-file": (("build", "{plan}", "-o", "{dir}/out", "--profiles", "{dir}/afile"), (2,), ("afile",)),
    "lead-days-huge": (("cascade", "{plan}", "-o", "{dir}/out", "--lead-days", "999"), (2,)),
    "collect-no-plan": (("collect", "{dir}"), (2,)),
    "collect-missing-inbox": (("collect", "{dir}/nosuch", "--plan", "{plan}", "-o", "{dir}/out"), (2,)),
    "collect-output-is-inbox": (("collect", "{dir}", "--plan", "{plan}", "-o", "{dir}"), (2,)),
    "check-folder": (("check", "{dir}/afolder/"), (1, 2), ("afolder/",)),
    "help": (("build", "-h"), (0,)),
    "version": (("--version",), (0,)),
    "profiles-dir-missing": (("profiles", "--dir", "{dir}/nosuch"), (0, 2)),
    "campaigns-dir-file": (("campaigns", "--dir", "{dir}/afile"), (2,), ("afile",)),
}
for name, spec in COMMANDS.items():
    args, exits, *files = spec
    case(f"cli-{name}", command(*args, files=files[0] if files else ()), exits,
         writes=("out",) if name != "collect-output-is-inbox" else ())


# ------------------------------------------------------------------ file-system faults

def fault_build(patcher, exits=(2,), says=""):
    def make(folder):
        return ["build", str(plan(folder, LIUZHOU)), "-o", str(folder / "out")]
    return make, patcher, exits, says


def failing_writes(code: int, after: int = 0):
    def patch(monkeypatch, folder):
        from planmaker.writing import output

        real, count = output.atomic_write, {"n": 0}

        def failing(path, data, durable=True):
            count["n"] += 1
            if count["n"] > after:
                raise OSError(code, os.strerror(code), str(path))
            real(path, data, durable)

        monkeypatch.setattr(output, "atomic_write", failing)
    return patch


for name, code in {"disk-full": errno.ENOSPC, "read-only": errno.EROFS, "no-permission": errno.EACCES,
                   "quota": errno.EDQUOT, "io-error": errno.EIO, "name-too-long": errno.ENAMETOOLONG}.items():
    for after in (0, 3):
        make, patch, exits, says = fault_build(failing_writes(code, after))
        case(f"fs-{name}-after-{after}", make, exits, "已写入 3 个文件" if after else "未写入任何文件", patch=patch)


def symlinked_folder(outside: bool):
    def make(folder):
        out = folder / "out"
        (folder / "elsewhere").mkdir()
        out.mkdir()
        target = folder / "elsewhere" if outside else out / "real"
        target.mkdir(exist_ok=True)
        (out / "附件2-检查表（按机构）").symlink_to(target, target_is_directory=True)
        names = folder / "名单.csv"
        write_csv(names, [HEADER, ROW])
        return ["build", str(GUANGXI), "-o", str(out), "--only", "checklist", "--institutions", str(names)]
    return make


case("fs-symlink-folder-outside", symlinked_folder(True), (2,), "链接")
case("fs-symlink-folder-inside", symlinked_folder(False), (0,))


def symlink_loop(folder):
    out = folder / "out"
    out.mkdir()
    (out / "loop").symlink_to(out / "loop")
    (out / "manifest.json").symlink_to(out / "manifest.json")
    return ["build", str(plan(folder, LIUZHOU)), "-o", str(out)]


case("fs-symlink-loop", symlink_loop, (0, 2))


def manifest_variant(content: bytes):
    def make(folder):
        out = folder / "out"
        out.mkdir()
        (out / "manifest.json").write_bytes(content)
        return ["build", str(plan(folder, LIUZHOU)), "-o", str(out), "--only", "plan"]
    return make


for name, content in {"garbage": b"\x00\xff garbage", "array": b"[1, 2, 3]", "files-not-list": b'{"files": 3}',
                      "entries-wrong": b'{"files": [1, "a", {"path": 3}, {"path": "../../x", "sha256": "y"}]}',
                      "bom-only": b"\xef\xbb\xbf", "deep": b"[" * 100_000 + b"]" * 100_000,
                      "utf-16": '{"files": []}'.encode("utf-16")}.items():
    case(f"fs-manifest-{name}", manifest_variant(content), (0,))


def journal_variant(content: bytes):
    def make(folder):
        out = folder / "out"
        out.mkdir()
        (out / ".planmaker-journal").write_bytes(content)
        (out / ".planmaker-1-1.tmp").write_bytes(b"half")
        return ["build", str(plan(folder, LIUZHOU)), "-o", str(out), "--only", "plan"]
    return make


for name, content in {"garbage": b"\x00\xff\n{{{\n", "escape": b'{"f": "../../../etc/passwd", "s": "x"}\n{"d": "../.."}\n',
                      "absolute": b'{"f": "/etc/passwd", "s": "x"}\n', "numbers": b'{"f": 1, "s": 2}\n[1]\n"x"\n'}.items():
    case(f"fs-journal-{name}", journal_variant(content), (0,))


def journal_naming_files_outside(folder):
    """A damaged journal naming a file and a folder outside the output folder: neither is touched."""
    import hashlib

    victim = folder / "victim.docx"
    victim.write_bytes(b"the user's")
    (folder / ".planmaker-9-9.tmp").write_bytes(b"not ours to sweep")
    digest = hashlib.sha256(b"the user's").hexdigest()
    record = f'{{"d": ".."}}\n{{"f": "../victim.docx", "s": "{digest}"}}\n'
    return journal_variant(record.encode())(folder)


case("fs-journal-outside", journal_naming_files_outside, (0,))


def stale_lock(folder):
    out = folder / "out"
    out.mkdir()
    (out / ".planmaker.lock").write_text("999999\n")
    return ["build", str(plan(folder, LIUZHOU)), "-o", str(out), "--only", "plan"]


case("fs-stale-lock", stale_lock, (0,))


# ------------------------------------------------------------------ forms for collect

def collect_with(change: Callable[[Path], None], name="rongan-form1.xlsx"):
    def make(folder):
        from test_collect import filled, plan_for

        inbox = folder / "in"
        inbox.mkdir()
        path = inbox / name
        path.write_bytes(filled("rongan", "form1"))
        change(path)
        return ["collect", str(inbox), "--plan", str(plan_for("liuzhou", report="2020-12-04")), "-o",
                str(folder / "out")]
    return make


def sheet_xml(change):
    def apply(path):
        rewrite_member(path, "xl/worksheets/sheet1.xml", change)
    return apply


def meta_unit(path):
    """The visible 填报单位 says 融安县, the hidden metadata edited to say 三江侗族自治县 made the form."""
    from test_collect import fill

    path.write_bytes(fill(path.read_bytes(), {"B2": "融安县"},
                          meta={"issuer_id": "sanjiang", "issuer": "三江侗族自治县"}))


def lying_header(path):
    data = bytearray(path.read_bytes())
    start = data.rfind(b"PK\x01\x02")
    while start != -1:  # every central directory entry says 100 bytes
        data[start + 24:start + 28] = (100).to_bytes(4, "little")
        start = data.rfind(b"PK\x01\x02", 0, start)
    path.write_bytes(bytes(data))


def big_file(path):
    with path.open("r+b") as handle:
        handle.truncate(600 * 1024 * 1024)  # sparse: no disk used


FORMS = {
    "ok": lambda p: None,
    "huge-number": sheet_xml(lambda d: re.sub(rb"(<c r=\"C\d+\"[^>]*><v>)\d+(</v>)", rb"\g<1>1E+400\2", d, count=1)),
    "tiny-number": sheet_xml(lambda d: re.sub(rb"(<c r=\"C\d+\"[^>]*><v>)\d+(</v>)", rb"\g<1>1E-400\2", d, count=1)),
    "nan": sheet_xml(lambda d: re.sub(rb"(<c r=\"C\d+\"[^>]*><v>)\d+(</v>)", rb"\g<1>NaN\2", d, count=1)),
    "inf": sheet_xml(lambda d: re.sub(rb"(<c r=\"C\d+\"[^>]*><v>)\d+(</v>)", rb"\g<1>Infinity\2", d, count=1)),
    "meta-says-other-unit": meta_unit,
    "lying-header": lying_header,
    "sparse-600-mb": big_file,
    "truncated": lambda p: p.write_bytes(p.read_bytes()[:500]),
    "not-a-zip": lambda p: p.write_bytes(b"hello"),
    "empty": lambda p: p.write_bytes(b""),
    "broken-xml": sheet_xml(lambda d: d[: len(d) // 2]),
    "dtd": sheet_xml(lambda d: b'<!DOCTYPE x [<!ENTITY a "b">]>' + d.split(b"?>", 1)[-1]),
}
for name, change in FORMS.items():
    case(f"form-{name}", collect_with(change), (1, 2))
case("form-gbk-name", collect_with(lambda p: None, name="融安表".encode("gbk").decode("utf-8", "surrogateescape")
                                   + ".xlsx"), (1,))
case("form-zero-width-name", collect_with(lambda p: None, name="融\u200b安.xlsx"), (1,))


def zip_bomb_form(path):
    zip_bomb(path, "xl/workbook.xml", 150)


case("form-zip-bomb", collect_with(zip_bomb_form), (1,), "压缩")


# ------------------------------------------------------------------ cascade

def cascade_with(change: Callable[[Path], None]):
    def make(folder):
        city = plan(folder, LIUZHOU)
        change(folder)
        return ["cascade", str(city), "-o", str(folder / "out")]
    return make


def broken_child_plan(folder):
    child = folder / "out" / "rongan"
    child.mkdir(parents=True)
    (child / "plan.yaml").write_text("profile: rongan\ncampaign: [\n", encoding="utf-8")


case("cascade-broken-child-plan", cascade_with(broken_child_plan), (2,), "未写入任何文件")
case("cascade-output-is-a-file", cascade_with(lambda f: (f / "out").write_text("x")), (2,), writes=())


# ================================================================== round two (issue 27)
# Each class below is a way an input can be hostile, tried at every place an input is read.

def special(kind: str):
    """A maker of something at ``path`` that is not a regular file of reasonable size."""
    def make(path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "dev-zero":
            path.symlink_to("/dev/zero")
        elif kind == "dev-random":
            path.symlink_to("/dev/urandom")
        elif kind == "link-loop":
            path.symlink_to(path.name)
        elif kind == "dangling":
            path.symlink_to(path.name + ".nowhere")
        elif kind == "folder":
            path.mkdir()
        elif kind == "sparse":
            with path.open("wb") as handle:
                handle.truncate(300 * 1024 * 1024)  # no disk used
        elif kind == "empty":
            path.write_bytes(b"")
    return make


SPECIAL = ("fifo", "dev-zero", "dev-random", "link-loop", "dangling", "folder", "sparse")


def special_plan(kind, command="build"):
    def make(folder):
        path = folder / "plan.yaml"
        special(kind)(path)
        tail = ["-o", str(folder / "out"), "--only", "plan"] if command == "build" else []
        return [command, str(path), *tail]
    return make


def special_profile(kind, command="build"):
    def make(folder):
        profiles = folder / "profiles"
        special(kind)(profiles / "hostile.yaml")
        path = plan(folder, replaced("profile: liuzhou", "profile: hostile"))
        if command == "profiles":
            return ["profiles", "--profiles", str(profiles)]
        tail = ["-o", str(folder / "out"), "--only", "plan"] if command == "build" else []
        return [command, str(path), "--profiles", str(profiles), *tail]
    return make


def special_campaign(kind, command="build"):
    def make(folder):
        campaigns = campaign_with_text(folder, "")
        target = campaigns / "unreasonable-exams" / "campaign.yaml"
        target.unlink()
        special(kind)(target)
        tail = ["-o", str(folder / "out"), "--only", "plan"] if command == "build" else []
        return [command, str(plan(folder, LIUZHOU)), "--campaigns", str(campaigns), *tail]
    return make


def special_in_output(kind, name):
    """The output folder holding, where a build puts ``name``, something that is not a file of ours."""
    def make(folder):
        out = folder / "out"
        out.mkdir()
        special(kind)(out / name)
        return ["build", str(plan(folder, LIUZHOU)), "-o", str(out), "--only", "plan"]
    return make


def special_list(kind, suffix):
    def make(folder):
        path = folder / f"名单{suffix}"
        special(kind)(path)
        return ["build", str(GUANGXI), "-o", str(folder / "out"), "--only", "checklist", "--workers", "1",
                "--institutions", str(path)]
    return make


def special_import(kind, suffix):
    def make(folder):
        path = folder / f"方案{suffix}"
        special(kind)(path)
        return ["import", str(path), "-o", str(folder / "out")]
    return make


def special_form(kind):
    def make(folder):
        from test_collect import plan_for

        inbox = folder / "in"
        inbox.mkdir()
        path = inbox / "rongan-form1.xlsx"
        special(kind)(path)
        return ["collect", str(path), "--plan", str(plan_for("liuzhou", report="2020-12-04")), "-o",
                str(folder / "out")]
    return make


for kind in SPECIAL:
    case(f"input-{kind}-plan-build", special_plan(kind), (2,), "错误")
    # a link to nothing is a file not there: an error of the input, as for any missing file
    case(f"input-{kind}-plan-check", special_plan(kind, "check"), (1, 2) if kind == "dangling" else (2,), "错误",
         writes=())
    case(f"input-{kind}-profile", special_profile(kind), (2,), "错误")
    case(f"input-{kind}-profile-check", special_profile(kind, "check"), (1, 2), writes=())
    case(f"input-{kind}-profiles-list", special_profile(kind, "profiles"), (0,), writes=())
    # a campaign folder without a readable campaign.yaml is no campaign: the bundled one of that name is used
    case(f"input-{kind}-campaign", special_campaign(kind), (0, 2) if kind in ("dangling", "link-loop") else (2,))
    case(f"input-{kind}-list-csv", special_list(kind, ".csv"), (2,), "错误")
    case(f"input-{kind}-list-xlsx", special_list(kind, ".xlsx"), (2,), "错误")
    case(f"input-{kind}-import-txt", special_import(kind, ".txt"), (2,), "错误")
    case(f"input-{kind}-import-docx", special_import(kind, ".docx"), (2,), "错误")
    case(f"input-{kind}-form", special_form(kind), (1, 2))
    for name in ("manifest.json", "柳州市2021年开展不合理医疗检查专项治理行动工作方案.docx"):
        short = "manifest" if name == "manifest.json" else "generated-docx"
        case(f"output-{kind}-{short}", special_in_output(kind, name), (0, 2))


def own_file_in_output(name: str, kind: str):
    """The lock or journal of the output folder replaced by a link (to a file of the user's) or a pipe."""
    def make(folder):
        out = folder / "out"
        out.mkdir()
        victim = folder / "victim.txt"
        victim.write_text("the user's own file\n", encoding="utf-8")
        if kind == "link":
            (out / name).symlink_to(victim)
        elif kind == "link-relative":
            (out / name).symlink_to("../victim.txt")
        elif kind == "dangling":
            (out / name).symlink_to(folder / "created-through-link")
        elif kind == "link-to-device":
            (out / name).symlink_to("/dev/null")
        else:
            special(kind)(out / name)
        return ["build", str(plan(folder, LIUZHOU)), "-o", str(out), "--only", "plan"]
    return make


for name in (".planmaker.lock", ".planmaker-journal"):
    for kind in ("link", "link-relative", "dangling", "link-to-device", "fifo", "folder"):
        case(f"own-{name.strip('.')}-{kind}", own_file_in_output(name, kind), (2,), "链接" if "link" in kind
             or kind == "dangling" else "", writes=("out",))


# Templates that allocate before a budget counts (template_bombs.ALLOCATING): each refused before it allocates.
for name, payload in ALLOCATING.items():
    case(f"campaign-{name}", campaign_text(payload), (2,), "模板")
    case(f"docx-{name}", checklist_docx(payload), (2,), "模板")


# Word's numbering (numbering.xml) with values Word itself would ignore, and counts past 99.
NUMBERING_XML = (
    '<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    '<w:abstractNum w:abstractNumId="0"><w:lvl w:ilvl="{ilvl}"><w:start w:val="{start}"/>'
    '<w:numFmt w:val="{fmt}"/><w:lvlText w:val="%1、"/></w:lvl></w:abstractNum>'
    '<w:num w:numId="1"><w:abstractNumId w:val="0"/>{override}</w:num></w:numbering>')


def numbered_docx(ilvl="0", start="1", fmt="chineseCounting", override="", headings=3, para_ilvl="0"):
    def make(folder):
        import docx
        from docx.oxml import parse_xml

        document = docx.Document()
        document.add_paragraph("柳州市卫生健康委员会关于开展医疗检查专项治理的实施方案")
        document.add_paragraph("为规范医疗行为，结合我市实际，制定本方案。")
        for number in range(headings):
            para = document.add_paragraph(f"第{number + 1}项工作")
            ppr = para._p.get_or_add_pPr()
            ppr.append(parse_xml(
                '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                f'<w:ilvl w:val="{para_ilvl}"/><w:numId w:val="1"/></w:numPr>'))
            document.add_paragraph("各单位要认真落实本项工作的各项要求。")
        path = folder / "方案.docx"
        document.save(path)
        numbering = NUMBERING_XML.format(ilvl=ilvl, start=start, fmt=fmt, override=override).encode()
        data = io.BytesIO(path.read_bytes())
        with zipfile.ZipFile(data) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for item in source.infolist():
                if item.filename != "word/numbering.xml":
                    target.writestr(item, source.read(item.filename))
            target.writestr("word/numbering.xml", numbering)
        return ["import", str(path), "-o", str(folder / "out")]
    return make


NUMBERINGS = {
    "start-text": {"start": "abc"},
    "start-negative": {"start": "-5"},
    "start-5000-digits": {"start": "9" * 5000},
    "start-huge": {"start": "2147483648"},
    "start-empty": {"start": ""},
    "start-fullwidth-digits": {"start": "１２"},
    "ilvl-text": {"ilvl": "x"},
    "ilvl-negative": {"ilvl": "-1"},
    "ilvl-huge": {"ilvl": "9" * 400},
    "paragraph-ilvl-text": {"para_ilvl": "abc"},
    "paragraph-ilvl-5000-digits": {"para_ilvl": "9" * 5000},
    "override-text": {"override": '<w:lvlOverride w:ilvl="q"><w:startOverride w:val="zz"/></w:lvlOverride>'},
    "override-5000-digits": {"override": f'<w:lvlOverride w:ilvl="0"><w:startOverride w:val="{"7" * 5000}"/>'
                                         '</w:lvlOverride>'},
    "start-98-many": {"start": "98", "headings": 6},
    "start-32767": {"start": "32767", "headings": 3},
    "letters-past-z": {"fmt": "lowerLetter", "start": "25", "headings": 4},
    "circled-past-20": {"fmt": "decimalEnclosedCircle", "start": "19", "headings": 4},
}
for name, spec in NUMBERINGS.items():
    case(f"numbering-{name}", numbered_docx(**spec), (0, 2))


def counted_text(count: int, same: bool = False):
    """A received plan in text with ``count`` first-level headings (all “一、” when ``same``)."""
    def make(folder):
        from planmaker.base.numbering import chinese_number

        lines = ["柳州市卫生健康委员会关于开展医疗检查专项治理的实施方案", "为规范医疗行为，结合我市实际，制定本方案。"]
        for number in range(1, count + 1):
            lines += [f"{'一' if same else chinese_number(number)}、第{number}项工作", "各单位要认真落实本项工作的要求。"]
        path = folder / "方案.txt"
        path.write_text("\n".join(lines), encoding="utf-8")
        return ["import", str(path), "-o", str(folder / "out")]
    return make


case("count-100-same-headings", counted_text(100, same=True), (0,))
case("count-120-headings", counted_text(120), (0,))


def many_sections(count: int):
    def make(folder):
        campaigns = campaign_with_text(folder, "")
        path = campaigns / "unreasonable-exams" / "campaign.yaml"
        extra = "".join(f"  - heading: 补充事项{i}\n    paragraphs:\n      - \"第{i}项。\"\n" for i in range(count))
        path.write_text(replaced("  - heading: 工作要求\n    items: requirements\n",
                                 "  - heading: 工作要求\n    items: requirements\n" + extra,
                                 path.read_text(encoding="utf-8")), encoding="utf-8")
        return ["build", str(plan(folder, LIUZHOU)), "--campaigns", str(campaigns), "-o", str(folder / "out"),
                "--only", "plan"]
    return make


def many_tasks(count: int):
    adds = "".join(f"    - {{id: extra-{i}, title: 第{i}项任务, lead: [health], text: 做好第{i}项工作。}}\n"
                   for i in range(count))
    return build_plan(LIUZHOU + "\ntasks:\n  add:\n" + adds, "--only", "plan,tasks")


case("count-101-sections", many_sections(101), (0,))
case("count-150-tasks", many_tasks(150), (0,))


# Encodings a file may come in: named, never misread.
for name, encoding in {"utf-32-le": "utf-32-le", "utf-32-be": "utf-32-be", "utf-16-be": "utf-16-be"}.items():
    bom = {"utf-32-le": b"\xff\xfe\x00\x00", "utf-32-be": b"\x00\x00\xfe\xff", "utf-16-be": b"\xfe\xff"}[name]
    case(f"plan-encoding-bom-{name}", build_plan(bom + LIUZHOU.encode(encoding)), (2,), "编码")

    def import_encoded(folder, bom=bom, encoding=encoding):
        path = folder / "方案.txt"
        path.write_bytes(bom + "柳州市关于开展医疗检查专项治理的实施方案\n一、工作目标\n规范医疗行为。\n".encode(encoding))
        return ["import", str(path), "-o", str(folder / "out")]

    case(f"import-encoding-{name}", import_encoded, (0, 2))


# More faults of the disk, each in Chinese.
for name, code in {"file-too-large": errno.EFBIG, "no-memory": errno.ENOMEM, "stale": errno.ESTALE,
                   "no-device": errno.ENXIO}.items():
    for after in (0, 3):
        make, patch, exits, says = fault_build(failing_writes(code, after))
        case(f"fs-{name}-after-{after}", make, exits, "已写入 3 个文件" if after else "未写入任何文件", patch=patch)


def one_bad_profile(folder):
    profiles = folder / "profiles"
    profiles.mkdir()
    (profiles / "good.yaml").write_text(PROFILE, encoding="utf-8")
    (profiles / "bad.yaml").write_text("name: [\n", encoding="utf-8")
    return ["profiles", "--profiles", str(profiles)]


case("profiles-one-invalid", one_bad_profile, (0,), "未列出", writes=())
case("profiles-folder-name-5000", command("profiles", "--profiles", "{dir}/" + "a" * 5000), (2,), "过长", writes=())
case("new-parent-title-5000", command("new", "--profile", "liuzhou", "--campaign", "unreasonable-exams", "--start",
                                      "2021-08", "--parent-title", "长" * 5000, "--no-build", "-o", "{dir}/out"), (2,),
     "未写入任何文件")

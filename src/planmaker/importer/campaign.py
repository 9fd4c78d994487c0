"""Assembling the campaign and the plan file from the recognised outline."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from planmaker.base.numbering import chinese_number
from planmaker.importer.checklist import CHECKLIST_FILE, checklist
from planmaker.importer.outline import Item, Outline, Section, phase_match
from planmaker.importer.problems import PROBLEMS_FILE, problem_groups
from planmaker.importer.stats import STATS_FILE, stats_form
from planmaker.importer.units import role_of, split_names, task_table, text_table_rows, units_in
from planmaker.importer.wording import Wording

_CONTACT = re.compile(r"^(?P<unit>.{2,30}?)联系人及电话[:：]\s*(?P<name>[^，,]+)[，,]\s*(?P<phone>.+)$")
_EMAIL = re.compile(r"^电子邮箱[:：]\s*(?P<email>\S+)$")


@dataclass
class Assembled:
    campaign: dict
    plan: dict
    recognised: list[str] = field(default_factory=list)
    raw_annexes: list[tuple[str, str]] = field(default_factory=list)   # (file name, text)
    files: dict[str, dict] = field(default_factory=dict)                # data files of the campaign (problems.yaml)
    pdf: bool = False                                                   # read from a PDF


def assemble(doc: Outline, w: Wording, lines: list[str] | None = None, kind: str = "") -> Assembled:
    """``kind`` is the source's (pdf, docx, txt…): a PDF's annex without cells is said to have no rules."""
    out = Assembled({}, {}, pdf=kind == "pdf")
    c = out.campaign
    title = w.convert(doc.title, doc.title_para.line)
    c["name"] = _plain(title) or doc.title
    c["description"] = "由 planmaker import 从收到的方案导入，未经润色"
    c["title"] = title
    c["preamble"] = [w.convert(p.text, p.line, preamble=True) for p in doc.preamble]
    c["sections"] = []
    for section in doc.sections:
        c["sections"].append(_section(section, w, c, out))
    _task_stops(c)
    entries, table = _annexes(doc, w, out, lines or [])
    _assign_table(c.get("tasks", []), table, w, out)
    c["task_table"] = bool(table) and bool(c.get("tasks"))
    entries = [e for e in entries if e["kind"] != "tasks" or c["task_table"]]
    if entries:
        c["annexes"] = entries
    _closing(doc, w, c, out)
    return out


def _task_stops(c: dict) -> None:
    """Task headings drop their run-in full stop when the plan can add it to every one of them: a task
    with subtasks always has it added; the others only without the task_title that keeps a heading
    written without one as it is."""
    tasks = c.get("tasks", [])
    plain = [t for t in tasks if "subtasks" not in t and t["title"] != UNTITLED]
    if plain and not all(t["title"].endswith("。") for t in plain):
        return
    for task in tasks:
        task["title"] = _bare(task["title"])
    c.pop("task_title", None)


def _plain(title: str) -> str:
    name = re.sub(r"\{[{%].*?[%}]\}", "", title)
    return re.sub(r"^[年度]+", "", name).strip()


def _section(section: Section, w: Wording, c: dict, out: Assembled) -> dict:
    entry: dict = {"heading": w.convert(section.heading, section.para.line)}
    if section.paragraphs:
        entry["paragraphs"] = [w.convert(p.text, p.line) for p in section.paragraphs]
    if not section.items:
        out.recognised.append(f"第{section.para.line}行 一级标题“{section.heading[:20]}”（{len(section.paragraphs)} 段）")
        return entry
    groups = problem_groups(section, w) if "problems" not in c else None
    if groups:
        c["problems"] = PROBLEMS_FILE
        out.files[PROBLEMS_FILE] = {"groups": groups}
        entry["items"] = "problems"
        if sum(i.runin for i in section.items) * 2 < len(section.items):
            entry["runin"] = False
        count = sum(len(g["items"]) for g in groups)
        out.recognised.append(f"第{section.para.line}行 一级标题“{section.heading[:20]}”：问题清单 {len(groups)} 组 {count} 条"
                              f"（{PROBLEMS_FILE}，可另加自查表、整改台账附件）")
        return entry
    runin = sum(i.runin for i in section.items) * 2 >= len(section.items)
    if all(item.untitled for item in section.items):
        entry.setdefault("paragraphs", []).extend(_numbered(section, w))
        out.recognised.append(f"第{section.para.line}行 一级标题“{section.heading[:20]}”：{len(section.items)} 段编号正文"
                              "（（一）（二）……之后即正文，没有小标题）")
        return entry
    kind = section.kind
    if kind in ("tasks", "phases", "requirements") and c.get(kind):
        kind = "points"   # a second part of the same kind: `items: tasks` would list the first part's again
    items = [_item(kind, item, runin, w, c) for item in section.items]
    entry["items"] = kind if kind in ("phases", "tasks", "requirements") else items
    if not runin:
        entry["runin"] = False
    names = {"phases": "实施阶段", "tasks": "重点任务", "requirements": "工作要求", "points": "条目"}
    out.recognised.append(f"第{section.para.line}行 一级标题“{section.heading[:20]}”：{len(items)} 项{names[kind]}")
    return entry


# the title of a numbered paragraph that has none: it prints nothing, and says so to whoever reads the YAML
UNTITLED = "{# 本条没有小标题：编号之后即正文 #}"


def _numbered(section: Section, w: Wording) -> list[str]:
    """A part whose points are all paragraphs of text: each kept as a paragraph with its number."""
    out = []
    for k, item in enumerate(section.items, start=1):
        first, *more = item.body
        out.append(f"（{chinese_number(k)}）" + w.convert(first.text, first.line))
        out.extend(w.convert(p.text, p.line) for p in more)
    return out


def _item(kind: str, item: Item, runin: bool, w: Wording, c: dict) -> dict:
    """One numbered point of a part as the campaign's phase, task, requirement or point. A heading
    run into its text drops its full stop: the plan adds it again, as it does to every heading."""
    heading = item.heading or (item.body.pop(0).text if item.body and not item.untitled else "")
    if item.untitled and not runin:
        # among headings on lines of their own, a paragraph without one would leave its number alone on a line
        heading = item.body.pop(0).text
        w.notes.append((item.para.line, f"请核对：整段正文“{heading[:16]}……”作为小标题保留"
                                         "（同一部分的其他条目是单独成行的小标题）"))
    elif not heading and not item.untitled:
        heading = "（无标题）"   # a campaign's item needs a title: say so rather than drop the number
        w.notes.append((item.para.line, "编号之后没有文字，暂写作“（无标题）”，请补上或删去"))
    body = "\n".join(w.convert(p.text, p.line) for p in item.body)
    if kind == "phases":
        return _phase(heading, body, item.para.line, w, c)
    if kind == "tasks":
        return _task(heading, body, item, w, c)
    title = _bare(w.convert(heading, item.para.line)) if heading else UNTITLED
    entry = {"title": title}
    if kind == "requirements":
        entry = {"id": f"req{len(c.get('requirements', [])) + 1}", "title": title}
        c.setdefault("requirements", []).append(entry)
    if body:
        entry["text"] = body
    return entry


def _bare(title: str) -> str:
    """A heading without the full stop of its run-in: “加强组织领导。” is written 加强组织领导."""
    return title[:-1] if len(title) > 1 and title.endswith("。") else title


def _phase(heading: str, body: str, line: int, w: Wording, c: dict) -> dict:
    m = phase_match(heading)
    assert m is not None   # the part is one of phases because every heading matched
    pid = f"phase{len(c.get('phases', [])) + 1}"
    when = w.convert(m.group("when"), line, phase=pid)
    phase = {"id": pid, "name": w.convert(m.group("name").strip(), line),
             "title": "{{ phase.name }}" + m.group("open") + when + m.group("close")}   # the plan adds the stop
    if body:
        phase["text"] = body
    c.setdefault("phases", []).append(phase)
    return phase


_SUB = re.compile(r"^\d{1,2}\s*[、.．]\s*")


def _task(heading: str, body: str, item, w: Wording, c: dict) -> dict:
    title = w.convert(heading, item.para.line) if heading else UNTITLED
    task: dict[str, Any] = {"id": f"task{len(c.get('tasks', [])) + 1}", "title": title}
    subtasks = _subtasks(item, w)
    if subtasks:
        task["subtasks"] = subtasks
        c.setdefault("tasks", []).append(task)
        return task
    if body:
        task["text"] = body
    units = units_in(item.para.text + "\n" + "\n".join(p.text for p in item.body), w.speaker)
    if units.lead:
        task["lead"] = units.lead
    if units.cooperate:
        task["cooperate"] = units.cooperate
    for name in units.unknown:
        w.notes.append((item.para.line, f"责任单位“{name}”不是发文辖区的部门，无法对应部门角色，保留原文"))
    c.setdefault("tasks", []).append(task)
    # the title is kept as written: no full stop is added after a heading that has none
    c["task_title"] = "{{ task.title }}"
    return task


def _subtasks(item, w: Wording) -> list[dict]:
    """“1、……（责任单位：……）2、……”: numbered items with units of their own become subtasks,
    one row each in the task table."""
    paras = item.body
    if item.runin or len(paras) < 2 or not all(_SUB.match(p.text) for p in paras):
        return []
    found = [units_in(p.text, w.speaker) for p in paras]
    if sum(bool(u.lead) for u in found) < 2:
        return []
    subtasks = []
    for para, units in zip(paras, found):
        sub: dict[str, Any] = {"text": w.convert(_SUB.sub("", para.text, count=1), para.line)}
        if units.lead:
            sub["lead"] = units.lead
        if units.cooperate:
            sub["cooperate"] = units.cooperate
        for name in units.unknown:
            w.notes.append((para.line, f"责任单位“{name}”不是发文辖区的部门，无法对应部门角色，保留原文"))
        subtasks.append(sub)
    return subtasks


def _annexes(doc: Outline, w: Wording, out: Assembled, lines: list[str]) -> tuple[list[dict], tuple[str, list] | None]:
    """The document's annexes in order: a task table, a checklist and statistics forms become the
    campaign's own; any other is kept as its text beside the campaign (附件N（原文）.txt), never dropped."""
    entries: list[dict] = []
    table = None
    if doc.task_table:
        found = task_table([p.cells for p in doc.task_table.rows]) or []
        out.recognised.append(f"第{doc.task_table.para.line}行 正文中的任务分工表，{len(found)} 行：改为附件（任务分工表）")
        table = doc.task_table.title, found
        entries.append({"kind": "tasks", "title": w.convert(table[0], doc.title_para.line)})
    for k, annex in enumerate(doc.annexes, start=1):
        if any(p.cells for p in annex.rows):
            rows = [p.cells for p in annex.rows if p.cells]
        else:
            rows = text_table_rows([("\t" if p.indented else "") + p.text for p in annex.rows])
        found_rows = task_table(rows) if table is None else None
        title = _annex_title(annex)
        if found_rows is not None:
            out.recognised.append(f"第{annex.para.line}行 附件“{title[:24]}”：任务分工表，{len(found_rows)} 行")
            table = title or "任务分工表", found_rows
            entries.append({"kind": "tasks", "title": w.convert(table[0], annex.para.line)})
            continue
        spec = checklist(w.convert(title, annex.para.line), annex.rows, w, annex.para.line) \
            if CHECKLIST_FILE not in out.files else None
        if spec is not None:
            out.files[CHECKLIST_FILE] = spec
            entries.append({"kind": "checklist", "source": CHECKLIST_FILE})
            count = sum(len(g["items"]) for g in spec["groups"])
            out.recognised.append(f"第{annex.para.line}行 附件“{title[:24]}”：工作检查表，{len(spec['groups'])} 组 "
                                  f"{count} 项（{CHECKLIST_FILE}）")
            continue
        end = doc.annexes[k].para.line - 1 if k < len(doc.annexes) else len(lines)
        reason = _stats_annex(title, annex, (lines, end), w, out, entries)
        if reason is None:
            continue
        text = "\n".join([annex.para.text, annex.title] + [("\t" if p.indented else "") + p.text for p in annex.rows])
        out.raw_annexes.append((f"附件{k}（原文）.txt", text))
        what = f"是统计表，但{reason}" if reason else "不是任务分工表、检查表或统计表"
        if out.pdf and not any(p.cells for p in annex.rows):
            what = "在 PDF 中没有表格的框线，读不出单元格（" + what + "）"
        w.notes.append((annex.para.line, f"附件“{title[:24]}”{what}，原文另存为 附件{k}（原文）.txt，"
                                         "请照编写指南第十节写成数据文件"))
    return entries, table


def _stats_annex(title: str, annex, text: tuple[list[str], int], w: Wording, out: Assembled,
                 entries: list[dict]) -> str | None:
    """A statistics form made the campaign's stats-N.yaml: None when done, else why not ("" when
    the annex is no form at all)."""
    number = sum(e["kind"] == "stats" for e in entries) + 1
    form = stats_form(w.convert(title, annex.para.line), number, annex.rows, text[0], annex.para.line, text[1])
    if form is None:
        return ""
    if form.spec is None:
        return form.reason
    name = STATS_FILE.format(number)
    out.files[name] = form.spec
    entries.append({"kind": "stats", "source": name})
    w.notes.extend(form.notes)
    groups = form.spec["groups"]
    rows = sum(len(line.get("subs", [])) or 1 for g in groups for line in g["lines"])
    out.recognised.append(f"第{annex.para.line}行 附件“{title[:30]}”：统计表，{len(groups)} 组 {rows} 行（{name}）")
    return None


def _annex_title(annex) -> str:
    """The annex's title, over one or two lines (广西……专项整治行动 / 工作检查表)."""
    # a form's 填报单位 line run on after its title (“……统计表二”+“市      2020年  月-  月”) is not the title
    title = annex.title
    if re.search(r"\s{3,}", title):
        title = re.sub(r"(?:(?<=表)|(?<=表[一二三四五六七八九十\d]))[省市县区州盟旗]$", "", re.split(r"\s{3,}", title)[0])
    for row in annex.rows:
        # a line spaced out for filling in (“____市      2020年  月-  月”) is the form's own, not its title
        if row.cells or row.indented or re.search(r"[：:□]|\s{3,}", row.text) or len(title) + len(row.text) > 60:
            break
        title += row.text
    return title


def _assign_table(tasks: list[dict], table, w: Wording, out: Assembled) -> None:
    if not table or not tasks:
        return
    rows = table[1]
    for task, (_task_text, lead, coop) in zip(tasks, rows):
        lead_roles = [r for r in (role_of(n, w.speaker) for n in split_names(lead)) if r]
        coop_roles = [r for r in (role_of(n, w.speaker) for n in split_names(coop)) if r and r not in lead_roles]
        if lead_roles:
            task["lead"] = lead_roles
        if coop_roles:
            task["cooperate"] = coop_roles
    if len(rows) != len(tasks):
        w.notes.append((0, f"任务分工表有 {len(rows)} 行，正文有 {len(tasks)} 项任务，已按顺序对应，请核对"))


def _closing(doc: Outline, w: Wording, c: dict, out: Assembled) -> None:
    contacts = _contacts(doc, w)
    literal = []
    note = doc.annex_note
    if note and len(c.get("annexes", [])) >= len(note):
        # every annex the note lists is made by the campaign: the plan prints its own note of them
        out.recognised.append(f"第{note[0].line}行 附件说明（由生成的附件列出）")
        note = []
    if note or contacts is None:
        literal = [w.convert(p.text, p.line) for p in doc.contacts + note]
        if note:
            out.recognised.append(f"第{note[0].line}行 附件说明（原样保留；附件内容须另行制作）")
    elif contacts:
        out.recognised.append(f"第{doc.contacts[0].line}行 联系人 {len(contacts)} 位")
    if literal and c["sections"]:
        c["sections"][-1].setdefault("after", []).extend(literal)
    out.plan["contacts"] = contacts or []


def _contacts(doc: Outline, w: Wording) -> list[dict] | None:
    """Contacts in the campaign's default layout; None when written some other way (kept as text)."""
    found: list[dict] = []
    for para in doc.contacts:
        m, e = _CONTACT.match(para.text), _EMAIL.match(para.text)
        if m:
            unit = m.group("unit").strip()
            found.append({"unit": role_of(unit, w.speaker) or unit, "name": m.group("name").strip(),
                          "phone": m.group("phone").strip()})
        elif e and found:
            found[-1]["email"] = e.group("email")
        else:
            return None
    return found

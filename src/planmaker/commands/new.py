"""`planmaker new`: a clerk's first plan without writing YAML.

The answers come from the command line's flags; whatever is missing is asked
for in Chinese when there is someone to ask (``ask``), and is an error
otherwise, so that a script never waits for input.  The plan is written as a
commented plan.yaml, the same file an expert would write by hand, so that the
clerk's next change is an edit and a ``planmaker build``.

Plain functions: the Click command in cli.py only passes the flags and the
asking and printing functions in."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planmaker.base.errors import InputError, Problem
from planmaker.inputs.catalog import Catalog, Jurisdiction, LoadedCampaign
from planmaker.inputs.models import Plan
from planmaker.inputs.planfile import Note, dump_plan
from planmaker.inputs.validation import parse_model

Ask = Callable[[str, str], str]  # (question, default) → the answer typed
Tell = Callable[[str], None]
PLAN_FILE = "plan.yaml"
PROFILE_FILE = "辖区.yaml"  # the small profile beside the plan, as import writes it
_SUGGESTED = 8


@dataclass
class Answers:
    """What the clerk answers; None is "not answered yet", "" is "left blank"."""

    profile: str | None = None
    campaign: str | None = None
    start: str | None = None
    parent_title: str | None = None
    parent_number: str | None = None
    issuer: str | None = None
    contacts: list[str] | None = None  # "姓名,电话[,邮箱]"


@dataclass
class NewPlan:
    jurisdiction: Jurisdiction
    campaign: LoadedCampaign
    start: str  # "2024-05" or ""
    parent_title: str = ""
    parent_number: str = ""
    issuer: str = ""
    contacts: list[dict[str, str]] = field(default_factory=list)
    health_full: str = ""  # the health department's name as the clerk corrected it: 辖区.yaml beside the plan


# ------------------------------------------------------------------ finding the place

def _choices(catalog: Catalog, found: list) -> str:
    return "\n".join(f"  {i}. {catalog.label(f)}" for i, f in enumerate(found[:_SUGGESTED], start=1))


def _pick(answer: str, found: list):
    """A candidate by its number in the list shown (else the answer is read as a new name)."""
    if answer.isdigit() and 1 <= int(answer) <= min(len(found), _SUGGESTED):
        return found[int(answer) - 1]
    return None


def choose_profile(catalog: Catalog, given: str | None, ask: Ask | None, tell: Tell) -> Jurisdiction:
    """The place the clerk names, read by the one resolver (inputs/places.py): a place it names
    alone is taken; several are listed with their provinces; none: the places whose names hold
    the whole of what was typed, if any, to choose from, never a look-alike."""
    query = given
    while True:
        if query is None:
            if ask is None:
                raise _missing("辖区", "--profile")
            query = ask("辖区名称（如 柳州市、思南县、北京市朝阳区）", "")
        found = catalog.candidates(query)
        if len(found) == 1:
            try:
                return catalog.load_found(found[0])
            except InputError as exc:  # a unit the tool cannot issue for (兵团): say why, ask again
                if ask is None:
                    raise
                tell(exc.problems[0].message)
                query = None
                continue
        if found:
            message = f"“{query}” 可指以下 {len(found)} 个辖区，请输入序号，或写出上级、代码（如 北京市朝阳区）：\n" \
                      f"{_choices(catalog, found)}"
        else:
            found = catalog.containing(query)
            message = f"没有名为“{query}”的辖区" + (f"；名称中含“{query}”的有（请输入序号）：\n{_choices(catalog, found)}"
                                                if found else "（可用 planmaker profiles 名称的一部分 查找）")
        if ask is None:
            raise InputError.single(message)
        tell(message)
        answer = ask("辖区", "").strip()
        picked = _pick(answer, found)
        if picked is not None:
            return catalog.load_found(picked)
        query = answer


def campaign_list(catalog: Catalog) -> list[LoadedCampaign]:
    return [catalog.load_campaign(cid) for cid in catalog.campaign_ids()]


def missing_departments(catalog: Catalog, jurisdiction: Jurisdiction, campaign: LoadedCampaign) -> list[str]:
    """The departments the campaign's tasks name that the jurisdiction has none of
    (a hospital's campaign names its offices, a city's its bureaus)."""
    owners = list(campaign.model.tasks) + [s for t in campaign.model.tasks for s in t.subtasks]
    roles = dict.fromkeys(r for o in owners for r in (*o.lead, *o.cooperate) if r not in jurisdiction.departments)
    return [catalog.roles.get(role, role) for role in roles]


def choose_campaign(catalog: Catalog, jurisdiction: Jurisdiction, given: str | None, ask: Ask | None,
                    tell: Tell) -> LoadedCampaign:
    everything = campaign_list(catalog)
    by_key = {c.id: c for c in everything} | {c.model.name: c for c in everything}
    if given is not None and given in by_key:
        lacking = missing_departments(catalog, jurisdiction, by_key[given])
        if lacking:
            raise InputError.single(f"专项模板 “{given}” 的任务需要{jurisdiction.name}的辖区配置中没有的部门："
                                    f"{'、'.join(lacking)}")
        return by_key[given]
    campaigns = [c for c in everything if not missing_departments(catalog, jurisdiction, c)]
    if not campaigns:
        raise InputError.single(f"没有适用于{jurisdiction.name}的专项模板（各专项的任务所需部门都不全）")
    by_key = {c.id: c for c in campaigns} | {c.model.name: c for c in campaigns}
    listing = "\n".join(f"  {i}. {c.model.name}（{c.id}）：{c.model.description}"
                        for i, c in enumerate(campaigns, start=1))
    if ask is None:
        if given is None:
            raise _missing("专项模板", "--campaign")
        raise InputError.single(f"未知的专项模板 “{given}”，可选：\n{listing}")
    left_out = len(everything) - len(campaigns)
    tell(f"适用于{jurisdiction.name}的专项模板：\n{listing}"
         + (f"\n（另有 {left_out} 个专项所需的部门{jurisdiction.name}没有，未列出）" if left_out else ""))
    while True:
        answer = ask("专项（序号或名称）", "").strip()
        if answer.isdigit() and 1 <= int(answer) <= len(campaigns):
            return campaigns[int(answer) - 1]
        if answer in by_key:
            return by_key[answer]
        tell(f"没有 “{answer}”，请输入 1 到 {len(campaigns)} 的序号。")


_MONTH = re.compile(r"^\s*(\d{4})\s*(?:[-/.年]\s*)?(\d{1,2})\s*月?\s*$")


def parse_month(text: str) -> str:
    """"2024-5", "2024年5月", "202405" → "2024-05"; "" stays blank."""
    if not text.strip():
        return ""
    match = _MONTH.match(text)
    if match is None or not 1 <= int(match.group(2)) <= 12 or not 1949 <= int(match.group(1)) <= 2200:
        raise InputError.single(f"开始月份 “{text}” 无法识别，请写成 2024-05 或 2024年5月，或留空")
    return f"{int(match.group(1)):04d}-{int(match.group(2)):02d}"


def parse_contact(text: str, unit: str) -> dict[str, str]:
    parts = [p.strip() for p in re.split(r"[,，、;；\s]+", text.strip()) if p.strip()]
    if not parts:
        raise InputError.single("联系人为空")
    contact = {"unit": unit, "name": parts[0], "phone": parts[1] if len(parts) > 1 else ""}
    if len(parts) > 2:
        contact["email"] = parts[2]
    return contact


def _missing(what: str, flag: str) -> InputError:
    return InputError.single(f"没有给出{what}：没有终端可以询问，请用选项 {flag} 给出")


def _answer(given: str | None, question: str, default: str, ask: Ask | None) -> str:
    if given is not None:
        return given
    return ask(question, default) if ask is not None else default


def complete(answers: Answers, catalog: Catalog, ask: Ask | None, tell: Tell) -> NewPlan:
    """Every answer, asking for what is missing (``ask`` None: nobody to ask)."""
    jurisdiction = choose_profile(catalog, answers.profile, ask, tell)
    campaign = choose_campaign(catalog, jurisdiction, answers.campaign, ask, tell)
    while True:
        try:
            start = parse_month(_answer(answers.start, "开始月份（如 2024-05，不确定可留空）", "", ask))
            break
        except InputError:
            if ask is None or answers.start is not None:
                raise
            tell("请写成 2024-05 或 2024年5月，或直接回车留空。")
    title = _answer(answers.parent_title, "上级文件标题（没有可留空）", "", ask).strip()
    number = _answer(answers.parent_number, "上级文件文号（如 桂卫医发〔2021〕12号，没有可留空）", "", ask).strip() \
        if title else ""
    issuer, health_full = confirm_issuer(answers.issuer, jurisdiction, ask, tell)
    unit = "health" if "health" in jurisdiction.departments else issuer
    contacts_text = answers.contacts if answers.contacts is not None else \
        [t for t in re.split(r"[;；]", _answer(None, "联系人（姓名,电话；多位用分号隔开，可留空）", "", ask)) if t.strip()]
    contacts = [parse_contact(text, unit) for text in contacts_text]
    return NewPlan(jurisdiction, campaign, start, title, number, issuer, contacts, health_full)


def confirm_issuer(given: str | None, j: Jurisdiction, ask: Ask | None, tell: Tell) -> tuple[str, str]:
    """The issuer, shown in full for the clerk to confirm (Enter) or correct; and, where the issuer
    is the place's health department and the clerk gave its real name, that name (for 辖区.yaml)."""
    if given is not None or ask is None:
        return (given or "").strip() or j.issuer, ""
    health = j.departments.get("health")
    is_health = health is not None and j.issuer == health.full
    if is_health and "health" in j.inferred_departments:
        tell(f"发文单位（{j.name}的卫生健康部门）按{j.kind}的标准名称推断为“{j.issuer}”，没有查到记录；"
             f"请核对：名称无误直接回车，不同时输入实际全称。")
    answer = ask("发文单位全称", j.issuer).strip() or j.issuer
    if answer != j.issuer and is_health and j.file is None and j.code:
        return "", answer
    return answer, ""


# ------------------------------------------------------------------ the plan file

def _q(text: str) -> str:
    """A YAML scalar for any text: JSON's double-quoted strings are YAML's too."""
    return json.dumps(text, ensure_ascii=False)


def _milestone_phase(model) -> tuple[str | None, dict[str, str]]:
    """The phase whose text names the coverage milestones, and each milestone's named date
    placed in it, a month apart: a one-month stage cannot hold 40%, 70% and 100% in three
    months, so that phase takes one month a milestone and no target is left blank."""
    dated = [m for m in model.milestones if m.date in model.dates]
    phase = next((p.id for p in model.phases if "milestones" in p.text), None)
    if phase is None or not dated:
        return None, {}
    places = {}
    for k, milestone in enumerate(dated):
        last = k == len(dated) - 1
        places[milestone.date] = (f"{phase}.end" if last and k else
                                  f"{phase}.start" + (f" + {k} month{'s' if k > 1 else ''}" if k else ""))
    return phase, places


def _phases(new: NewPlan) -> dict[str, dict[str, str]]:
    """Each phase a month after the one before (the milestones' phase a month a milestone);
    without a start month, every phase left for the clerk to date."""
    spread, places = _milestone_phase(new.campaign.model)
    phases: dict[str, dict[str, str]] = {}
    previous = None
    for phase in new.campaign.model.phases:
        if not new.start:
            phases[phase.id] = {}
            continue
        begin = "start" if previous is None else f"{previous}.end + 1 month"
        months = len(places) - 1 if phase.id == spread else 0
        end = f"{phase.id}.start" + (f" + {months} month{'s' if months > 1 else ''}" if months else "")
        phases[phase.id] = {"start": begin, "end": end}
        previous = phase.id
    return phases


def new_plan(new: NewPlan) -> Plan:
    """The plan the answers make."""
    model = new.campaign.model
    j = new.jurisdiction
    last = model.phases[-1].id if model.phases and new.start else None
    _, places = _milestone_phase(model) if new.start else (None, {})
    dates = {"start": new.start or None, "end": f"{last}.end" if last else None, "signed": None}
    dates |= {name: places.get(name) for name in model.dates}
    data: dict[str, Any] = {"profile": "./" + PROFILE_FILE if new.health_full else j.id, "campaign": new.campaign.id,
                            "dates": dates, "phases": _phases(new), "contacts": new.contacts}
    if new.issuer and new.issuer != j.issuer:
        data["issuer"] = new.issuer
    if new.parent_title:
        data["parent_document"] = {"title": new.parent_title} | ({"number": new.parent_number}
                                                                 if new.parent_number else {})
    # the answers are checked as the file they make would be (a 5000-character title is refused, not a crash)
    return parse_model(Plan, data, PLAN_FILE)


def plan_notes(new: NewPlan) -> dict[str, Note]:
    """The comments a clerk needs at each key of plan.yaml."""
    model = new.campaign.model
    j = new.jurisdiction
    notes = {"profile": Note(after=f"辖区：{j.name}"), "campaign": Note(after=f"专项：{model.name}"),
             "issuer": Note(after="发文单位")}
    if not (new.issuer and new.issuer != j.issuer) and "health" in j.inferred_departments \
            and not new.health_full and j.issuer == j.departments["health"].full:
        notes["issuer"] = Note((f"注意：发文单位“{j.issuer}”是按{j.kind}的标准名称推断的，没有查到记录，请核对；名称不同时，",
                                "在辖区配置中写明 departments: {health: {full: 实际全称}}（见 docs/辖区配置.md）。"))
    notes["dates"] = Note(("",))
    notes |= {"dates.start": Note(after="专项开始（只写到月）"), "dates.end": Note(after="专项结束"),
              "dates.signed": Note(after="成文日期，如 start.first + 19 days；留空则文末日期留空")}
    notes |= {f"dates.{name}": Note(after=model.date_labels.get(name, name)) for name in model.dates}
    if model.phases:
        notes["phases"] = Note(("", "各阶段的起止：先按每阶段一个月排列，请按实际修改（写法见上）。" if new.start else
                                "各阶段的起止：开始月份确定后填写，如 {start: start, end: start + 1 month}。"))
        notes |= {f"phases.{phase.id}": Note(after=phase.name) for phase in model.phases}
    notes["parent_document"] = Note(("", "本方案所贯彻的上级文件（没有时删去这一段）") + (() if new.parent_title else (
        "parent_document:", "  title: 上级方案的标题", "  number: 上级文号，如 桂卫医发〔2021〕12号")))
    notes["contacts"] = Note(("", "联系人：unit 写部门角色（health、insurance、tcm 等，文中显示为该部门简称）或单位名称。")
                             + (() if new.contacts else ("contacts:", "  - {unit: health, name: 张三, phone: 0772-0000000}")))
    return notes


def plan_header(new: NewPlan) -> str:
    return "".join(f"# {line}\n" for line in (
        f"{new.jurisdiction.name}：{new.campaign.model.name}", "由 planmaker new 生成。修改后运行 planmaker build 重新生成全部文件；",
        "日期的写法：2024-05-20、只到月的 2024-05、另一个日期的名称（start、deploy.end），",
        "或再加减时间（+ 1 month、- 5 working days）。留空（null）的日期在文件中留作 20__年__月__日。"))


def plan_text(new: NewPlan) -> str:
    """plan.yaml: the plan the answers make, commented for the clerk who will edit it next."""
    return dump_plan(new_plan(new), plan_header(new), plan_notes(new))


def profile_text(new: NewPlan) -> str | None:
    """辖区.yaml beside the plan, when the clerk corrected the health department's name."""
    if not new.health_full:
        return None
    j = new.jurisdiction
    return "\n".join([f"# {j.name}：卫生健康部门的名称由经办人在 planmaker new 中写明；其余按类别的标准名称。",
                      f"name: {_q(j.name)}", f"code: {_q(j.code)}", "departments:",
                      f"  health: {{full: {_q(new.health_full)}}}"]) + "\n"


def write_plan(folder: Path, text: str, force: bool = False, profile: str | None = None) -> Path:
    """``folder``/plan.yaml (and 辖区.yaml when ``profile``); existing files are kept unless ``force``."""
    from planmaker.writing.output import atomic_write

    files = {Path(folder) / PLAN_FILE: text} | ({Path(folder) / PROFILE_FILE: profile} if profile else {})
    there = [path for path in files if path.exists()]
    if there and not force:
        raise InputError([Problem(f"{there[0]} 已存在，未覆盖（如要覆盖，请加 --force，或用 -o 换一个文件夹）")])
    if not profile:
        _valid(text, Path(folder) / PLAN_FILE)  # with a profile beside it, build itself reads the pair
    try:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for path, body in reversed(files.items()):  # the profile first: the plan refers to it
            atomic_write(path, body.encode("utf-8"))
    except OSError as exc:
        from planmaker.base.errors import os_problem

        raise InputError([os_problem(exc, Path(folder))]) from None
    return Path(folder) / PLAN_FILE


def _valid(text: str, path: Path) -> None:
    """The plan file as build will read it, before it is written: an answer build would refuse
    (a title over its length) is said now, and no plan.yaml is left to block the next `new`."""
    from planmaker.inputs.yamlfile import load_text

    parse_model(Plan, load_text(text, str(path)), path)

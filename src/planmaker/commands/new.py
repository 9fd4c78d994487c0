"""`planmaker new`: a clerk's first plan without writing YAML.

The answers come from the command line's flags; whatever is missing is asked
for in Chinese when there is someone to ask (``ask``), and is an error
otherwise, so that a script never waits for input.  The plan is written as a
commented plan.yaml, the same file an expert would write by hand, so that the
clerk's next change is an edit and a ``planmaker build``.

Plain functions: the Click command in cli.py only passes the flags and the
asking and printing functions in."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from planmaker.base.errors import InputError, Problem
from planmaker.inputs.catalog import Catalog, Jurisdiction, LoadedCampaign

Ask = Callable[[str, str], str]  # (question, default) → the answer typed
Tell = Callable[[str], None]
PLAN_FILE = "plan.yaml"
_SUGGESTED = 8
_KINDS = {"省", "市", "自治区", "州", "自治州", "盟", "地区", "县", "自治县", "区", "旗", "自治旗", "特区", "林区"}


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


# ------------------------------------------------------------------ finding things by name

def _names(catalog: Catalog) -> dict[str, str]:
    """Every profile's id → name (read without resolving: a national catalog has thousands)."""
    return {pid: (catalog._peek_name(path) or pid) for pid, path in catalog.profile_ids().items()}


def find_profiles(catalog: Catalog, query: str) -> tuple[list[tuple[str, str]], bool]:
    """(id, name) of the profiles ``query`` may mean, best first, and whether they match
    it: an exact id or name alone; else the names that contain it; else (not matching,
    suggestions only) the closest names."""
    query = query.strip()
    names = _names(catalog)
    exact = [(pid, name) for pid, name in names.items() if query in (pid, name)]
    if exact:
        return exact, True
    containing = [(pid, name) for pid, name in names.items() if query and (query in name or name in query)]
    # "柳州" is 柳州市 rather than 柳州市中医医院: the name is the query and a kind of jurisdiction
    named = [(pid, name) for pid, name in containing if name.startswith(query) and name[len(query):] in _KINDS]
    if len(named) == 1:
        return named, True
    if containing:
        return sorted(containing, key=lambda pair: (len(pair[1]), pair[0])), True
    close = difflib.get_close_matches(query, list(names.values()) + list(names), n=_SUGGESTED, cutoff=0.3)
    return [(pid, name) for pid, name in names.items() if name in close or pid in close], False


def _choices(pairs: list[tuple[str, str]]) -> str:
    return "\n".join(f"  {i}. {name}（{pid}）" for i, (pid, name) in enumerate(pairs[:_SUGGESTED], start=1))


def _pick(answer: str, pairs: list[tuple[str, str]]) -> str | None:
    """An id from a number typed against the list shown, or the one pair left."""
    if answer.isdigit() and 1 <= int(answer) <= min(len(pairs), _SUGGESTED):
        return pairs[int(answer) - 1][0]
    matches = [pid for pid, name in pairs if answer in (pid, name)]
    return matches[0] if len(matches) == 1 else None


def _from_national_table(catalog: Catalog, query: str) -> Jurisdiction | str | None:
    """Any unit of the national table by name, code or path; else why not (同名的辖区 listed), or None."""
    try:
        return catalog.load_profile(query.strip())
    except InputError as exc:
        message = exc.problems[0].message if exc.problems else ""
        return message if "同名" in message or "兵团" in message else None


def choose_profile(catalog: Catalog, given: str | None, ask: Ask | None, tell: Tell) -> Jurisdiction:
    query = given
    while True:
        if query is None:
            if ask is None:
                raise _missing("辖区", "--profile")
            query = ask("辖区名称（如 柳州市、融安县）", "")
        pairs, matched = find_profiles(catalog, query)
        if matched and len(pairs) == 1:
            return catalog.load_profile(pairs[0][0])
        if not matched:
            national = _from_national_table(catalog, query)
            if isinstance(national, Jurisdiction):
                return national
            message = national or f"没有名为 “{query}” 的辖区配置（可用 planmaker profiles 查看全部）"
            if pairs and not national:
                message += f"；相近的有：\n{_choices(pairs)}"
        else:
            message = f"“{query}” 可能是以下辖区之一，请写出全称或序号：\n{_choices(pairs)}"
        if ask is None:
            raise InputError.single(message)
        tell(message)
        answer = ask("辖区", "")
        picked = _pick(answer.strip(), pairs)
        if picked is not None:
            return catalog.load_profile(picked)
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
    issuer = _answer(answers.issuer, "发文单位", jurisdiction.issuer, ask).strip() or jurisdiction.issuer
    unit = "health" if "health" in jurisdiction.departments else issuer
    contacts_text = answers.contacts if answers.contacts is not None else \
        [t for t in re.split(r"[;；]", _answer(None, "联系人（姓名,电话；多位用分号隔开，可留空）", "", ask)) if t.strip()]
    contacts = [parse_contact(text, unit) for text in contacts_text]
    return NewPlan(jurisdiction, campaign, start, title, number, issuer, contacts)


# ------------------------------------------------------------------ the plan file

def _q(text: str) -> str:
    """A YAML scalar for any text: JSON's double-quoted strings are YAML's too."""
    return json.dumps(text, ensure_ascii=False)


def _phase_lines(new: NewPlan) -> list[str]:
    phases = new.campaign.model.phases
    if not phases:
        return []
    lines = ["", "# 各阶段的起止：先按每阶段一个月排列，请按实际修改（写法见上）。" if new.start else
             "# 各阶段的起止：开始月份确定后填写，如 {start: start, end: start + 1 month}。", "phases:"]
    previous = None
    for phase in phases:
        if not new.start:
            lines.append(f"  {phase.id}: {{start: null, end: null}}  # {phase.name}")
            continue
        begin = "start" if previous is None else f"{previous}.end + 1 month"
        lines.append(f"  {phase.id}: {{start: {begin}, end: {phase.id}.start}}  # {phase.name}")
        previous = phase.id
    return lines


def plan_text(new: NewPlan) -> str:
    """plan.yaml, commented for the clerk who will edit it next."""
    model = new.campaign.model
    j = new.jurisdiction
    last = model.phases[-1].id if model.phases and new.start else None
    lines = [f"# {j.name}：{model.name}", "# 由 planmaker new 生成。修改后运行 planmaker build 重新生成全部文件；",
             "# 日期的写法：2024-05-20、只到月的 2024-05、另一个日期的名称（start、deploy.end），",
             "# 或再加减时间（+ 1 month、- 5 working days）。留空（null）的日期在文件中留作 20__年__月__日。",
             f"profile: {j.id}                # 辖区：{j.name}",
             f"campaign: {new.campaign.id}    # 专项：{model.name}"]
    if new.issuer and new.issuer != j.issuer:
        lines.append(f"issuer: {_q(new.issuer)}  # 发文单位")
    lines += ["", "# 本方案所贯彻的上级文件（没有时删去这一段）"]
    if new.parent_title:
        lines += ["parent_document:", f"  title: {_q(new.parent_title)}"]
        if new.parent_number:
            lines.append(f"  number: {_q(new.parent_number)}")
    else:
        lines += ["# parent_document:", "#   title: 上级方案的标题", "#   number: 上级文号，如 桂卫医发〔2021〕12号"]
    lines += ["", "dates:", f"  start: {new.start or 'null'}    # 专项开始（只写到月）",
              f"  end: {last + '.end' if last else 'null'}    # 专项结束",
              "  signed: null    # 成文日期，如 start.first + 19 days；留空则文末日期留空"]
    for name in model.dates:
        lines.append(f"  {name}: null    # {model.date_labels.get(name, name)}")
    lines += _phase_lines(new)
    lines += ["", "# 联系人：unit 写部门角色（health、insurance、tcm 等，文中显示为该部门简称）或单位名称。"]
    if new.contacts:
        lines.append("contacts:")
        lines += [f"  - {{{', '.join(f'{k}: {_q(v)}' for k, v in c.items())}}}" for c in new.contacts]
    else:
        lines += ["# contacts:", "#   - {unit: health, name: 张三, phone: 0772-0000000}"]
    return "\n".join(lines) + "\n"


def write_plan(folder: Path, text: str, force: bool = False) -> Path:
    """``folder``/plan.yaml; an existing plan is kept unless ``force``."""
    from planmaker.writing.output import atomic_write

    path = Path(folder) / PLAN_FILE
    if path.exists() and not force:
        raise InputError([Problem(f"{path} 已存在，未覆盖（如要覆盖，请加 --force，或用 -o 换一个文件夹）",
)])
    _valid(text, path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        from planmaker.base.errors import os_problem

        raise InputError([os_problem(exc, path)]) from None
    return path


def _valid(text: str, path: Path) -> None:
    """The plan file as build will read it, before it is written: an answer build would refuse
    (a title over its length) is said now, and no plan.yaml is left to block the next `new`."""
    from planmaker.inputs.models import Plan
    from planmaker.inputs.validation import parse_model
    from planmaker.inputs.yamlfile import load_text

    parse_model(Plan, load_text(text, str(path)), path)

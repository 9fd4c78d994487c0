"""The three kinds of input, as validated data.

a jurisdiction profile (the standing facts of one place), a campaign (its content, free of any place
and date) and a plan file (which profile, which campaign, the dates and the overrides).

Every model forbids unknown keys: a misspelt field is reported (with a did-you-mean), never ignored.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer

from planmaker.base.dates import PlanDate
from planmaker.base.schedule import DateExpr, parse_date_spec
from planmaker.inputs.groups import LeadingGroup, LeadingGroupNames

DateField = Annotated[
    PlanDate,
    BeforeValidator(PlanDate.parse),
    PlainSerializer(lambda d: d.iso(), return_type=str),
]
# A plan file's date: absolute, or relative to another date of the plan.
DateSpec = Annotated[
    PlanDate | DateExpr,
    BeforeValidator(parse_date_spec),
    PlainSerializer(lambda d: d.iso() if isinstance(d, PlanDate) else d.text, return_type=str),
]
NonEmpty = Annotated[str, Field(min_length=1, max_length=2000)]
Identifier = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]+$", max_length=100)]


def _code_as_text(value: object) -> object:
    """A division code written unquoted (``profile: 110105``) is the same code as text."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


# A place as a plan file or profile names it: an id, a name, a path or a code (a number too).
PlaceRef = Annotated[str, BeforeValidator(_code_as_text), Field(min_length=1, max_length=1000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", arbitrary_types_allowed=True, frozen=True)


# ---------------------------------------------------------------- profile

class Department(Strict):
    full: NonEmpty
    short: NonEmpty


class DepartmentOverride(Strict):
    """A profile's own name for a department; the short name, when left out, is the
    full name with the jurisdiction's name replaced by its prefix (铜仁市卫生健康局 → 市卫生健康局)."""

    full: NonEmpty
    short: str | None = None


class Vocabulary(Strict):
    """How a jurisdiction speaks of itself; defaults come from its kind."""

    prefix: str | None = None
    self_: str | None = Field(None, alias="self")
    whole: str | None = None
    subordinates: str | None = None
    directly_under: str | None = None
    tiers: str | None = None
    committee: str | None = None
    grade: str | None = None
    towns: str | None = None


class Institution(Strict):
    name: NonEmpty
    address: str = ""
    category: str = ""
    grade: str = ""
    ownership: str = ""
    contact: str = ""
    phone: str = ""


class Profile(Strict):
    """What a jurisdiction's profile states: only what differs from the national table
    and the defaults of its kind (docs/辖区配置.md)."""

    name: NonEmpty
    code: Annotated[str, BeforeValidator(_code_as_text)] | None = Field(
        None, pattern=r"^\d{6}$", description="行政区划代码，同名辖区（长安区）须写")
    short_name: str | None = None
    full_name: str | None = None
    kind: str | None = None
    parent: PlaceRef | None = Field(None, description="上级：辖区配置名（liuzhou），或行政区划的名称、代码、路径")
    province_abbr: str | None = None
    vocabulary: Vocabulary = Vocabulary.model_validate({})  # its defaults (a keyword "self" is its alias)
    issuer: str | None = None
    departments: dict[Identifier, DepartmentOverride | Identifier | None] = Field(
        {}, description="部门名称；写另一角色名表示由该部门承担，写 null 表示本级没有此部门")
    offices: dict[Identifier, NonEmpty] = Field({}, description="内设机构的名称（医政科），代替按级别的标准名称")
    institutions: list[Institution] = []


# ---------------------------------------------------------------- campaign

class Subtask(Strict):
    """One numbered item under a task (“1、……（责任单位：……）”), with its own departments."""

    text: NonEmpty
    lead: list[Identifier] = []
    cooperate: list[Identifier] = []


class TaskPart(Strict):
    """One labelled paragraph of a task (“1.具体措施：……”)."""

    label: NonEmpty
    text: NonEmpty


class Task(Strict):
    id: Identifier
    title: NonEmpty
    text: str = ""
    parts: list[TaskPart] = Field([], description="任务下分条目（具体措施、进度安排、目标成效等），各成一段并自动编号")
    lead: list[Identifier] = []
    cooperate: list[Identifier] = []
    deadline: str | None = Field(None, description="完成时限，可含模板变量")
    subtasks: list[Subtask] = Field([], description="任务下的分项（1. 2. ……），各有责任单位")
    offices: list[Identifier] = Field([], description="责任科室：本级卫生健康部门的内设机构角色（medical、tcm……）")


class Phase(Strict):
    id: Identifier
    name: NonEmpty
    text: str = ""
    title: str | None = Field(None, description="本阶段小标题的写法，代替专项模板的 phase_title（如“……（截至日期前）”）")


class Requirement(Strict):
    id: Identifier
    title: NonEmpty
    text: str = ""


class Point(Strict):
    """A numbered point written in the section itself (（一）（二）…), with its text; not a task."""

    title: NonEmpty
    text: str = ""


class Milestone(Strict):
    """A coverage target: by a date, this share of the area's institutions (of some groups) done."""

    id: Identifier
    percent: int = Field(ge=1, le=100)
    date: str | None = Field(None, description="到期日期：具名日期（dates 中的名称）或阶段起止（如 rectification.end）")
    groups: list[Identifier] = Field([], description="只计这些类别段的医疗机构（hospital、primary、clinic、independent）；空为全部")
    label: str = Field("", description="日历和检查结果中的说明")


class Recurring(Strict):
    """Reports due after each month / quarter of the campaign's period (“按季度……分别于……前上报”)."""

    id: Identifier
    label: NonEmpty
    every: Literal["month", "quarter"] = "quarter"
    due: str = Field("+ 10 days", description="每期结束后多久报送，写法同相对日期（+ 10 days、+ 5 working days）")
    blanks: int = Field(2, ge=1, le=12, description="专项起止未定时文中留几处空白日期")


class Section(Strict):
    heading: NonEmpty
    paragraphs: list[str] = []
    items: Literal["tasks", "phases", "requirements", "problems", "leading_group"] | list[Point] | None = Field(
        None, description="tasks、phases、requirements、problems、leading_group 之一，或直接写在本节的条目列表")
    runin: bool = Field(True, description="小标题与正文同段（“（一）……。正文”）")
    after: list[str] = []


class Campaign(Strict):
    name: NonEmpty
    title: NonEmpty
    description: str = ""
    dates: list[Identifier] = Field([], description="正文引用的具名日期（起止与成文日期之外）")
    date_labels: dict[Identifier, str] = Field({}, description="具名日期的中文说明，用于日历和检查结果")
    params: dict[Identifier, object] = {}
    preamble: list[str] = []
    sections: list[Section]
    tasks: list[Task] = []
    phases: list[Phase] = []
    requirements: list[Requirement] = []
    problems: str | None = Field(None, description="重点整治问题清单的数据文件（专项模板文件夹内）："
                                 "正文 items: problems 一节、自查表和整改台账共用")
    task_title: str | None = Field(None, description="任务小标题的写法（不自动加句号），可用 task.title、task.lead_names 等，"
                                   "如“{{ task.title }}（责任科室：{{ task.lead_names }}）”")
    task_table: bool = Field(True, description="是否自动生成任务分工表附件（附件中未列 tasks 时）")
    phase_title: str = "{{ phase.name }}（{{ phase.start | span(phase.end) }}）"
    task_suffix: str = Field("", description="有部门角色的任务（或分项）正文后附加的文字，如“（责任单位：{{ task.units }}）”")
    milestones: list[Milestone] = []
    recurring: list[Recurring] = []
    contact_lines: list[str] = [
        "{{ contact.unit }}联系人及电话：{{ contact.name }}，{{ contact.phone }}",
        "{% if contact.email %}电子邮箱：{{ contact.email }}{% endif %}",
    ]
    annexes: list[AnnexRef] = []
    leading_group: LeadingGroup | None = Field(None, description="领导小组：组长、副组长的职务，成员（内设机构、部门）")
    documents: dict[Identifier, NonEmpty] = Field(
        {}, description="正文用 cite('名称') 引用的其他上级文件：名称 → 文件是什么（方案文件 documents 中给出标题和文号，"
                        "未给出时印作《____》并在 check 中提示）")


# ---------------------------------------------------------------- plan file

class PhaseDates(Strict):
    start: DateSpec | None = None
    end: DateSpec | None = None


class ParentDocument(Strict):
    title: NonEmpty
    number: str | None = None
    issuer: str | None = None
    joint: bool = False
    date: str | None = None   # as the document is dated (2024年3月18日): for the record, not printed


class Contact(Strict):
    unit: NonEmpty
    name: NonEmpty
    phone: str = ""
    email: str = ""


class ListOverrides(Strict):
    drop: list[Identifier] = []
    add: list[dict[str, object]] = []


class RecurringOverride(Strict):
    due: str | None = Field(None, description="每期结束后多久报送（+ 10 days、+ 5 working days）")
    until: DateSpec | None = Field(None, description="只计此日期之前结束的各期（默认为专项结束日期）")


class Masthead(Strict):
    """版头 (GB/T 9704 7.2): the red 发文机关标志, the 发文字号 (the plan's number) and the red line."""

    issuers: list[NonEmpty] = Field([], description="发文机关全称；联合发文时依次列出，主办机关在前；不写为本级发文机关")
    suffix: str = Field("文件", description="发文机关标志中机关名称之后的字，通常为“文件”；写空字符串则只用机关名称")
    signers: list[NonEmpty] = Field([], description="签发人姓名（上行文标注，GB/T 9704 7.2.6）；联合行文时依次列出，"
                                                    "主办机关的签发人在前；不写则不标注签发人")


class Imprint(Strict):
    """版记 (GB/T 9704 7.4): 抄送, 印发机关 and 印发日期 between lines, at the foot of the last page."""

    cc: list[NonEmpty] = Field([], description="抄送机关")
    printer: str | None = Field(None, description="印发机关，一般是发文机关的办公室；不写为“发文机关+办公室”")
    date: dt.date | None = Field(None, description="印发日期，如 2021-08-21；不写为成文日期")


class Plan(Strict):
    profile: PlaceRef
    campaign: NonEmpty
    year: int | None = Field(None, ge=1949, le=2200)
    number: str | None = None
    issuer: str | None = None
    dates: dict[Identifier, DateSpec | None] = {}
    phases: dict[Identifier, PhaseDates] = {}
    parent_document: ParentDocument | None = None
    documents: dict[Identifier, ParentDocument] = Field(
        {}, description="专项模板引用的其他文件的标题和文号（名称见专项模板的 documents）")
    contacts: list[Contact] = []
    params: dict[Identifier, object] = {}
    tasks: ListOverrides = ListOverrides()
    requirements: ListOverrides = ListOverrides()
    milestones: dict[Identifier, Annotated[int, Field(ge=1, le=100)]] = Field(
        {}, description="改写专项模板中进度节点的百分比")
    recurring: dict[Identifier, RecurringOverride] = {}
    leading_group: LeadingGroupNames = Field(LeadingGroupNames(), description="领导小组各人的姓名")
    leaders: dict[Identifier, str] = Field({}, description="各任务的责任领导（按任务 id），不写时为组长")
    masthead: Masthead | None = Field(None, description="版头：红色发文机关标志、发文字号和红色分隔线；不写则不印")
    imprint: Imprint | None = Field(None, description="版记：抄送、印发机关和印发日期；不写则不印")


# ---------------------------------------------------------------- annexes

class AnnexRef(Strict):
    """One annex of a campaign: its kind, and for data-driven kinds the file
    (in the campaign's folder) that holds its content."""

    kind: Identifier = Field(description="附件类别，见 inputs/annex_kinds.py 的目录（加载专项模板时核对）")
    title: str | None = None
    source: str | None = None


class ChecklistEntry(Strict):
    text: NonEmpty
    answer: Identifier = "yesno"
    note: str = ""


class ChecklistItem(Strict):
    text: NonEmpty
    answer: Identifier | None = "yesno"
    note: str = ""
    subs: list[ChecklistEntry] = []


class ChecklistGroup(Strict):
    name: NonEmpty
    items: list[ChecklistItem]


class ChecklistSpec(Strict):
    """An inspection checklist: numbered items in groups, each with its answer cell."""

    title: NonEmpty
    answers: dict[Identifier, str]
    columns: list[str] = ["项目", "检查内容", "检查结果", "备注"]
    groups: list[ChecklistGroup]
    note: str = ""
    signatures: list[str] = []
    template: str = "checklist.docx"


class StatsLine(Strict):
    id: Identifier | None = None
    text: NonEmpty
    unit: str | None = None
    decimals: bool = False
    subs: list[StatsLine] = []
    sum_of: list[Identifier] = Field([], description="本行为这些行之和（合计行）")


class StatsGroup(Strict):
    name: NonEmpty
    lines: list[StatsLine]


class StatsRule(Strict):  # a check between the form's numbers, as DHIS2's (syntax: inputs/stats_rules)
    left: NonEmpty
    op: Literal["<=", "<", "=", ">=", ">", "!="]
    right: NonEmpty
    severity: Literal["hard", "soft"] = "hard"  # hard: not summed until corrected; soft: summed, listed
    text: str = ""


class StatsSpec(Strict):
    """A statistics form: rows of lines in groups, one number per value column."""

    id: Identifier
    filled_by: Literal["institution", "jurisdiction", "province", "prefecture", "county"] = "jurisdiction"
    rules: list[StatsRule] = []
    title: NonEmpty
    label_header: list[str] = ["项目", "检查内容"]
    value_header: str | None = None
    columns: list[NonEmpty] = Field(description="数值列的表头；其中的换行（\\n）是表头在表格中换行的位置")
    show_unit: bool = True
    default_unit: str = "个"
    groups: list[StatsGroup]
    footer: list[str] = ["填表人：", "联系电话：", "填表日期：", "审核人："]
    landscape: bool = False
    template: str = "stats.docx"


class ProblemGroup(Strict):
    name: NonEmpty
    intro: str = Field("", description="组名之后的引导语，可用 group.items | length | cn 写条目数")
    items: list[NonEmpty] = Field(min_length=1)


class ProblemList(Strict):
    """The problems a campaign targets, in groups: the plan lists them, the
    self-inspection checklist asks about each, the ledger tracks each one's fix."""

    groups: list[ProblemGroup] = Field(min_length=1)


# a choice of a drop-down list in a workbook: no comma or quote, which would split or end the list
ListChoice = Annotated[str, Field(min_length=1, max_length=40, pattern=r'^[^,，"]+$')]


class SelfcheckSpec(Strict):
    """How the self-inspection checklist and the ledger present a problem list."""

    title: str | None = Field(default=None, description="附件标题；也可在 campaign.yaml 的 annexes 中用 title 给出")
    answers: list[ListChoice] = Field(default=["是", "否"], min_length=2, description="“是否存在”一栏的可选答案")
    statuses: list[ListChoice] = Field(default=["未整改", "整改中", "已整改销号"], min_length=2,
                                     description="整改台账“完成情况”一栏的可选值")
    spare_rows: int = Field(default=5, ge=0, le=100, description="清单之外发现的问题留空行数")
    note: str = ""
    signatures: list[str] = []


Campaign.model_rebuild()

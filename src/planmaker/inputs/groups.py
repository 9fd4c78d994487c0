"""A plan's leadership group and the responsible leader and offices of each task.

Seed 004 第二篇 (a league's plan) writes them so: “成立由党组成员、分管副主任为组长、
医政药政科、中蒙医科……科长为成员的领导小组……具体工作由医政药政科负责。组长：张__……
成员：李__……科长”, and after each task “（责任领导：张__，责任科室：医政药政科、中蒙医科）”.
The campaign states the posts and the offices by role; the plan file names the people.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

_Role = Annotated[str, Field(pattern=r"^[A-Za-z0-9_\-]+$", max_length=100)]
_Text = Annotated[str, Field(min_length=1, max_length=2000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LeadingGroup(_Strict):
    """The campaign's leadership group: posts (templates) and members by role."""

    leader: _Text = Field(description="组长的职务，可用模板变量，如“{{ dept.health }}主要负责同志”")
    deputies: list[_Text] = Field([], description="各副组长的职务")
    member_offices: list[_Role] = Field([], description="成员：本级卫生健康部门这些内设机构的负责人（科长、股长……随级别）")
    member_departments: list[_Role] = Field([], description="成员：这些部门的分管负责同志")
    office: _Role | None = Field(None, description="承担领导小组日常工作的内设机构（角色，如 medical）")


class LeadingGroupNames(_Strict):
    """The plan file's people: who holds each post of the group (blank “__” where not given)."""

    leader: str = ""
    deputies: list[str] = []
    members: dict[_Role, str] = {}  # 成员姓名，按内设机构或部门角色


def person(name: str) -> str:
    """A name, or the blank the seeds leave for it (张__ is a surname and a blank)."""
    return name or "__"

"""Departments and offices as a document names them: in full at the first mention, short after."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from planmaker.inputs.jurisdictions import Jurisdiction
from planmaker.inputs.models import Department
from planmaker.plan.group import GroupView
from planmaker.plan.template_budget import TemplateProblem


class DepartmentName:
    """A department that writes its full name the first time and its short name after.

    ``{{ dept.health }}`` follows that rule; ``.full`` and ``.short`` force one.
    ``always_full``: a parent whose short name would read as one's own (成都市卫生健康委
    in 都江堰市's plan: “市卫生健康委” is ambiguous there), named in full every time.
    """

    def __init__(self, department: Department, seen: set[str], always_full: bool = False):
        self._full = department.full
        self.short = department.full if always_full else department.short
        self._seen = seen

    @property
    def unit(self) -> str:
        """委 or 局: what the department's staff call it (委机关, 局机关)."""
        return self.short[-1:]

    @property
    def key(self) -> str:
        return self._full

    @property
    def full(self) -> str:
        """The full name, written out: the short name may follow."""
        self._seen.add(self._full)
        return self._full

    def __str__(self) -> str:
        if self._full in self._seen:
            return self.short
        self._seen.add(self._full)
        return self._full


class Departments:
    def __init__(self, departments: dict[str, Department], roles: dict[str, str], jurisdiction: str,
                 seen: set[str] | None = None, always_full: bool = False):
        self._departments = departments
        self._roles = roles
        self._jurisdiction = jurisdiction
        self._seen: set[str] = set() if seen is None else seen
        self._always_full = always_full

    def __getattr__(self, role: str) -> DepartmentName:
        if role.startswith("_"):
            raise AttributeError(role)
        if role not in self._departments:
            label = f"（{self._roles[role]}）" if role in self._roles else ""
            raise TemplateProblem(f"模板用到部门角色 “{role}”{label}，但辖区 {self._jurisdiction} 的配置中没有定义它")
        return DepartmentName(self._departments[role], self._seen, self._always_full)

    __getitem__ = __getattr__

    def names(self, roles: Iterable[str]) -> list[DepartmentName]:
        """Departments for roles, each once (a county's TCM role is its health bureau)."""
        named: dict[str, DepartmentName] = {}
        for role in roles:
            name = getattr(self, role)
            named.setdefault(name.key, name)
        return list(named.values())


class OfficeName:
    """An internal office of the health department (医政医管科): ``.full`` adds the department."""

    def __init__(self, name: str, department: Department | None):
        self.name = name
        self.full = (department.full + name) if department else name

    @property
    def head(self) -> str:
        """The office's head with the department's full name (××县卫生健康局医政医管股股长)."""
        last = self.name[-1:]
        return self.full + (last + "长" if last and last in "处科股" else "负责人")

    def __str__(self) -> str:
        return self.name


class Offices:
    def __init__(self, j: Jurisdiction):
        self._j = j

    def __getattr__(self, role: str) -> OfficeName:
        if role.startswith("_"):
            raise AttributeError(role)
        if role not in self._j.offices:
            raise TemplateProblem(f"模板用到内设机构 “{role}”，但辖区 {self._j.name} 没有（可用：{'、'.join(self._j.offices)}）")
        return OfficeName(self._j.offices[role], self._j.departments.get("health"))

    __getitem__ = __getattr__


class LazyGroup:
    """The leadership group, built when the text first names it (or lists it)."""

    def __init__(self, build: Callable[[], GroupView | None]):
        self._build = build
        self._view: GroupView | None = None

    def _get(self) -> GroupView:
        if self._view is None:
            self._view = self._build()
            if self._view is None:
                raise TemplateProblem("模板用到领导小组（leading_group），但专项模板没有 leading_group")
        return self._view

    def __getattr__(self, name: str) -> object:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._get(), name)

    def lines(self) -> list[str]:
        return self._get().lines()

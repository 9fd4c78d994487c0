"""Rendering the Jinja text of campaigns, safely and with located errors.

Campaigns travel between offices by e-mail and USB stick, so their templates
run in Jinja's sandbox with undefined names as errors: a typo in a variable
must stop the build, not leave a hole in an official document.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import jinja2
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from planmaker.base import notices, textclean
from planmaker.base.dates import BLANK_YEAR, PlanDate, format_date, format_month, format_span
from planmaker.base.errors import InputError, Problem, Refusal, field_path
from planmaker.base.numbering import chinese_number
from planmaker.inputs.validation import did_you_mean, locate
from planmaker.plan.sandbox import Sandbox, bounded_text, budget
from planmaker.plan.template_budget import TemplateProblem


def _date(value: object, year: bool = True) -> str:
    """2021年8月20日; ``year=False`` leaves the year out (8月20日), as a plan does
    for deadlines in its own year."""
    text = format_date(_as_date(value))
    return text if year else _without_year(text)


def _month(value: object, year: bool = True) -> str:
    text = format_month(_as_date(value))
    return text if year else _without_year(text)


def _year(value: object, offset: int = 0) -> str:
    """2021年 (``offset=-1``: the year before, for 同比); 20__年 when unset."""
    date = _as_date(value)
    return BLANK_YEAR if date is None else f"{date.year + int(offset)}年"


def _without_year(text: str) -> str:
    return text.split("年", 1)[1]


def _dates(values: Iterable[object], sep: str = "、") -> str:
    """Several dates as the seeds list them: 2019年10月10日、2020年1月10日; the year
    is written again only when it changes (20__年__月__日、__月__日 when unset)."""
    parts: list[str] = []
    previous: PlanDate | None = None
    for value in values:
        date = _as_date(value)
        text = format_date(date)
        if parts and (date is None and previous is None or date and previous and date.year == previous.year):
            text = text.split("年", 1)[1]
        parts.append(text)
        previous = date
    return sep.join(parts)


def _span(start: object, end: object, sep: str = "—", repeat_year: bool = False, compact: bool = False) -> str:
    return format_span(_as_date(start), _as_date(end), sep=sep, repeat_year=repeat_year, compact=compact)


def _as_date(value: object) -> PlanDate | None:
    if value is None or isinstance(value, PlanDate):
        return value
    if isinstance(value, jinja2.Undefined):
        return None
    return PlanDate.parse(value)


def _cn(value: int) -> str:
    return chinese_number(int(value))


# What one field may grow to.  A plan's longest paragraph is a few hundred
# characters; a template that produces millions is a mistake or an attack,
# and must stop before it fills the memory.
MAX_OUTPUT_CHARS = 100_000


def make_environment() -> SandboxedEnvironment:
    """The sandbox every campaign text runs in (plan/sandbox.py: the same policy as .docx templates)."""
    env = Sandbox(undefined=jinja2.StrictUndefined, autoescape=False, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(date=_date, month=_month, year=_year, span=_span, cn=_cn, dates=_dates)
    return env


_ENV = make_environment()

_NAME_IN_MESSAGE = re.compile(r"'([^']+)' (?:is undefined|has no attribute '([^']+)')")


def render(text: str, context: Mapping[str, object], file: Path | str | None, raw: object,
           loc: tuple[str | int, ...]) -> str:
    """Render one field of a YAML file, reporting failures at that field's line."""
    if "{" not in text:
        return text.strip()
    line, field = locate(raw, loc), field_path(loc) or None

    def problem(message: str) -> Problem:
        return Problem(message, file, line, field)
    try:
        with budget(MAX_OUTPUT_CHARS):
            result = bounded_text(_ENV.from_string(text).generate(context)).strip()
    except TemplateProblem as exc:
        raise InputError([Refusal(str(exc), file, line, field)]) from None
    except jinja2.TemplateSyntaxError as exc:
        raise InputError([problem(f"模板语法错误：{exc.message}")]) from None
    except jinja2.UndefinedError as exc:
        raise InputError([problem(f"模板引用了未定义的变量：{undefined_name(exc)}")]) from None
    except SecurityError as exc:
        raise InputError([problem(unsafe_message(exc))]) from None
    except Exception as exc:
        raise InputError([Refusal(template_failure(exc), file, line, field)]) from None
    cleaned, count = textclean.clean(result)
    if count:
        # A template can write them too ('\x0c' in a Jinja string).
        notices.warn(problem(f"模板生成的文字含 {count} 个文档中不允许的控制字符（{textclean.describe(result)}），已删去"))
    return cleaned


def template_failure(exc: Exception) -> str:
    """Any other failure of a template, in Chinese."""
    if isinstance(exc, RecursionError):
        return "模板中的宏或循环嵌套过深（可能是宏在调用自身），已停止"
    if isinstance(exc, MemoryError):
        return "模板生成的内容过大，内存不足，已停止"
    if isinstance(exc, ZeroDivisionError):
        return "模板计算出错：除数为零"
    if isinstance(exc, OverflowError):
        return f"模板计算出错：数值过大（{exc}）"
    if isinstance(exc, jinja2.TemplateError):
        return f"模板出错：{getattr(exc, 'message', None) or exc}"
    return f"模板计算出错：{exc}"


_UNSAFE_ATTRIBUTE = re.compile(r"attribute '([^']+)'")


def unsafe_message(exc: SecurityError) -> str:
    """The sandbox's refusal, in words a clerk can pass on to whoever sent the campaign."""
    match = _UNSAFE_ATTRIBUTE.search(str(exc))
    what = f"（{match.group(1)}）" if match else ""
    return (f"模板试图访问 Python 内部属性{what}，这是不安全的，已拒绝执行。"
            "模板中只能使用 j、dept、dates 等文档变量；请核实该模板的来源")


def undefined_name(exc: jinja2.UndefinedError) -> str:
    match = _NAME_IN_MESSAGE.search(str(exc))
    if not match:
        return str(exc)
    owner, attribute = match.groups()
    if attribute and owner.endswith(" object"):
        # “planmaker.catalog.Jurisdiction object” means nothing to a clerk: name the variable.
        cls = owner[:-len(" object")].rsplit(".", 1)[-1]
        if cls == "Jurisdiction":
            from planmaker.inputs.catalog import Jurisdiction  # late: catalog imports this module's neighbours
            fields = [f for f in Jurisdiction.__dataclass_fields__ if f not in ("raw", "file")]
            return f"j.{attribute}{did_you_mean(attribute, fields)}（辖区的可用属性：{'、'.join(fields)}）"
        return f"{attribute}（{cls} 没有这个属性）"
    return f"{owner}.{attribute}" if attribute else owner

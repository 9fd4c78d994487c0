"""Turn pydantic's complaints into Chinese messages with a file and a line."""

from __future__ import annotations

import difflib
import functools
import types
import typing
from collections.abc import Iterable
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from planmaker.base import resources
from planmaker.base.errors import InputError, Problem, field_path
from planmaker.inputs.yamlfile import LocatedDict, load_file

M = TypeVar("M", bound=BaseModel)


# Where a value stands in a YAML file: keys and list positions from its root.
Loc = tuple[str | int, ...]


def locate(raw: object, loc: Loc) -> int | None:
    """The source line of the deepest part of ``loc`` that exists in ``raw``."""
    line = getattr(raw, "start_line", None)
    node = raw
    for part in loc:
        if isinstance(node, LocatedDict) and str(part) in node:
            line = node.line_of(str(part))
            node = node[str(part)]
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            line = node.lines[part] if hasattr(node, "lines") else getattr(node[part], "start_line", line)
            node = node[part]
        else:
            break
    return line


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.5)
    return f"，是否想写 “{close[0]}”？" if close else ""


def _unwrap(annotation: object) -> object:
    """The model class reached through Optional, list, dict and Annotated."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated or origin in (list, tuple):
            annotation = typing.get_args(annotation)[0]
        elif origin is dict:
            annotation = typing.get_args(annotation)[1]
        elif origin in (typing.Union, types.UnionType):
            models = [a for a in typing.get_args(annotation) if a is not type(None)]
            annotation = models[0] if len(models) == 1 else annotation
            if len(models) != 1:
                return annotation
        else:
            return annotation


def _fields_at(model: type[BaseModel], loc: tuple[str | int, ...]) -> list[str]:
    current: object = model
    for part in loc:
        if isinstance(part, int):
            continue
        if isinstance(current, type) and issubclass(current, BaseModel):
            field = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
            if field is None:
                # a dict key (e.g. a phase id): stay on the dict's value type
                continue
            current = _unwrap(field.annotation)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return [f.alias or n for n, f in current.model_fields.items()]
    return []


_TYPE_NAMES = {
    "string_type": "文字",
    "int_type": "整数",
    "int_parsing": "整数",
    "bool_type": "是或否（true/false）",
    "bool_parsing": "是或否（true/false）",
    "list_type": "列表（每项以“- ”开头）",
    "dict_type": "键值表（“键: 值”）",
    "model_type": "键值表（“键: 值”）",
    "float_type": "数字",
    "float_parsing": "数字",
}


def _message(model: type[BaseModel], error: ErrorDetails) -> str:
    kind = error["type"]
    loc = error["loc"]
    if kind == "missing":
        return "缺少必填字段"
    if kind == "extra_forbidden":
        return f"未知字段 “{loc[-1]}”{did_you_mean(str(loc[-1]), _fields_at(model, loc[:-1]))}"
    if kind in _TYPE_NAMES:
        return f"应为{_TYPE_NAMES[kind]}，实际为 “{_short(error.get('input'))}”"
    if kind == "string_pattern_mismatch":
        return f"“{_short(error.get('input'))}” 只能由英文字母、数字、下划线和连字符组成"
    if kind == "string_too_short":
        return "不能为空"
    if kind == "string_too_long":
        return f"过长（{len(str(error.get('input', '')))} 字，上限 {error['ctx']['max_length']} 字）"
    if kind == "literal_error":
        return f"取值 “{_short(error.get('input'))}” 不在允许范围内：{error['ctx']['expected']}"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"数值 {error.get('input')} 超出允许范围"
    if kind == "value_error":
        return str(error["ctx"]["error"])
    return error["msg"]


def _short(value: object, limit: int = 40) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "…"


def parse_model(model: type[M], raw: object, file: Path | str) -> M:
    """Validate ``raw`` (as loaded by :mod:`yamlfile`) into ``model``."""
    if not isinstance(raw, dict):
        raise InputError.single("文件内容应为键值表（“键: 值”），而不是空文件或单个值", file, 1)
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            # union and validator branches show up in loc as names like
            # "function-before[parse(), ...]"; the user never wrote those.
            loc = tuple(p for p in error["loc"] if isinstance(p, int) or not _is_branch(p))
            problems.append(
                Problem(_message(model, error), file, locate(raw, loc), field_path(loc) or None)
            )
        raise InputError(problems) from None


def _is_branch(part: str) -> bool:
    return "[" in part or part.startswith(("function-", "lax-", "json-", "PlanDate"))


def bundled_model(model: type[M], name: str) -> M:
    """The model of the data file ``name`` that ships with planmaker in profiles/ (_vocabulary.yaml,
    _departments.yaml, _dated.yaml): read once a process, and frozen."""
    found = _bundled_model(model, name)
    assert isinstance(found, model)
    return found


@functools.cache
def _bundled_model(model: type[BaseModel], name: str) -> BaseModel:
    path = resources.profiles_dir() / name
    return parse_model(model, load_file(path), path)

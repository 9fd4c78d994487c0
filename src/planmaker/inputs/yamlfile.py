"""Safe YAML loading that remembers where every key stands.

Every mapping comes back as a :class:`LocatedDict`, which records the line of
each key, so that a validation error deep in a plan file can still say
"plan.yaml 第12行".  Loading refuses what would hurt us: files too large,
alias bombs, duplicate keys (the second silently wins in plain PyYAML, and the
clerk's first value would be lost without a word).
"""

from __future__ import annotations

import copy
import functools
import re
import stat
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from planmaker.base import notices
from planmaker.base.errors import InputError, Problem, field_path
from planmaker.base.inputfile import DISK, Overlay, real_path

# Profiles, campaigns and plans are a few KB; long institution lists come as
# .csv/.xlsx.  Where libyaml is missing the parser is pure Python, and a
# megabyte already takes seconds: more is refused before reading.
MAX_FILE_BYTES = 1024 * 1024
# A million-character name on one line would take the parser many seconds;
# a line is measured first, in one fast pass.
MAX_LINE_CHARS = 10_000
# One text field: the longest paragraph of a plan is a few hundred characters.
MAX_TEXT_CHARS = 20_000
MAX_ALIASES = 100
# Values, keys, lists and mappings together, counted while parsing.
MAX_NODES = 100_000
# Aliases share nodes, so a few of them can stand for billions of values
# ("billion laughs"); the document is measured as if every alias were copied.
MAX_EXPANDED_NODES = 200_000


class LocatedDict(dict[str, "Yaml"]):
    """A dict that knows the source line of each of its keys (1-based)."""

    lines: dict[str, int]
    start_line: int

    def line_of(self, key: str) -> int | None:
        return self.lines.get(key, self.start_line)


class LocatedList(list["Yaml"]):
    """A list that knows the source line of each of its items (1-based), so
    that an error in the third paragraph points at the third paragraph."""

    lines: list[int]
    start_line: int


# What a YAML file holds as load_text gives it: mappings and lists that know their lines, and
# scalars (a date stays text: the models parse dates).
Yaml = LocatedDict | LocatedList | str | int | float | bool | None


if TYPE_CHECKING:  # the mixin is used with a loader: let the type checker know its methods
    class _LoaderBase(yaml.SafeLoader):
        def peek_event(self) -> yaml.Event: ...  # untyped in PyYAML's stubs
else:
    _LoaderBase = object


class _Located(_LoaderBase):
    """What both loaders add to PyYAML's: limits counted while composing, and
    mappings and lists that remember their lines."""

    filename: str
    alias_count = 0
    node_count = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        self.node_count += 1
        if self.node_count > MAX_NODES:
            raise InputError.single(f"内容过多（超过 {MAX_NODES} 项），拒绝读取以防内存耗尽；请确认选对了文件",
                                    self.filename, self._next_line())
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                raise InputError.single(
                    f"YAML 别名（*引用）超过 {MAX_ALIASES} 个，拒绝读取以防内存耗尽",
                    self.filename,
                    self._next_line(),
                )
        return super().compose_node(parent, index)

    def _next_line(self) -> int | None:
        mark = self.peek_event().start_mark
        return mark.line + 1 if mark else None

    def construct_located_mapping(self, node: yaml.MappingNode) -> LocatedDict:
        self.flatten_mapping(node)
        result = LocatedDict()
        result.lines = {}
        result.start_line = node.start_mark.line + 1
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            if not isinstance(key, (str, int, float, bool)) and key is not None:
                raise InputError.single("键必须是文字", self.filename, key_node.start_mark.line + 1)
            key = str(key)
            if key in result:
                raise InputError.single(
                    f"字段 “{key}” 重复出现（第{result.lines[key]}行已有），请删去其中一个",
                    self.filename,
                    key_node.start_mark.line + 1,
                    key,
                )
            result[key] = self.construct_object(value_node, deep=True)
            result.lines[key] = key_node.start_mark.line + 1
        return result

    def construct_located_sequence(self, node: yaml.SequenceNode) -> LocatedList:
        result = LocatedList(self.construct_object(child, deep=True) for child in node.value)
        result.lines = [child.start_mark.line + 1 for child in node.value]
        result.start_line = node.start_mark.line + 1
        return result


class _Loader(_Located, yaml.SafeLoader):
    """The pure-Python loader: PyYAML's reader, scanner, parser and composer."""

    def __init__(self, stream: str, filename: str):
        super().__init__(stream)
        self.filename = filename


# libyaml (PyYAML's C extension) parses into events ten times faster; the
# events carry the same marks, and the composing stays in Python, so the limits
# above and the lines come out the same (tests/test_yamlfile.py holds the two
# loaders to equal data and lines on every bundled file).  libyaml's own
# composer is not used: it recurses in C, and a file of nested brackets would
# overflow the C stack where Python's composer stops at its recursion limit.
_CParser = getattr(getattr(yaml, "_yaml", None), "CParser", None) if yaml.__with_libyaml__ else None

if _CParser is not None:
    class _CLoader(_Located, yaml.composer.Composer, _CParser, yaml.constructor.SafeConstructor,  # type: ignore
                   yaml.resolver.Resolver):
        """libyaml's parser under the Python composer and constructor."""

        def __init__(self, stream: str, filename: str):
            _CParser.__init__(self, stream)  # type: ignore[misc]
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)
            self.filename = filename
else:  # pragma: no cover - PyYAML built without libyaml
    _CLoader = None  # type: ignore[assignment,misc]


def _timestamp_as_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    # Dates stay text here; the models parse them, so that "2021-8" and
    # "2021-08-20" go through one parser with one error message.
    return loader.construct_scalar(node)


LOADERS = [cls for cls in (_CLoader, _Loader) if cls is not None]  # fastest first
for _cls in LOADERS:
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _Located.construct_located_mapping)
    _cls.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _Located.construct_located_sequence)
    _cls.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def _expanded_size(root: yaml.Node) -> int:
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key not in sizes:
            sizes[key] = 1  # a recursive alias counts once, then stops
            if isinstance(node, yaml.SequenceNode):
                sizes[key] = 1 + sum(size(child) for child in node.value)
            elif isinstance(node, yaml.MappingNode):
                sizes[key] = 1 + sum(size(k) + size(v) for k, v in node.value)
        return sizes[key]

    return size(root)


def _check_lines(text: str, filename: str) -> None:
    if len(text) <= MAX_LINE_CHARS:
        return
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise InputError.single(f"这一行过长（{len(line)} 字，上限 {MAX_LINE_CHARS} 字），"
                                    "多半是粘贴了整篇文字或选错了文件", filename, number)


# What YAML refuses to read at all (its "special characters"): C0 controls but
# tab and line breaks, DEL, C1 controls but NEL, lone surrogates, U+FFFE/U+FFFF.
_UNREADABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NAMES = {"\x00": "空字符", "\x0b": "垂直制表符", "\x0c": "换页符", "\x1b": "ESC", "\x7f": "DEL",
          "\ufffe": "非字符 U+FFFE", "\uffff": "非字符 U+FFFF"}


def _strip_unreadable(text: str, filename: str) -> str:
    """Remove the characters YAML cannot read, with a warning per line (copying
    from Word brings vertical tabs and form feeds)."""
    if not _UNREADABLE.search(text):
        return text
    lines = text.split("\n")
    for number, line in enumerate(lines, 1):
        found = _UNREADABLE.findall(line)
        if found:
            what = "、".join(sorted({_NAMES.get(c, f"U+{ord(c):04X}") for c in found}))
            notices.warn(Problem(f"含有 {len(found)} 个不可见的控制字符（{what}），已删去", filename, number,
                                 severity="warning"))
            lines[number - 1] = _UNREADABLE.sub("", line)
    return "\n".join(lines)


def load_text(text: str, filename: str, loader_class: Callable[[str, str], _Located] | None = None) -> Yaml:
    """The data of ``text``, every mapping a LocatedDict and every list a LocatedList.

    Read with libyaml where PyYAML has it; a text libyaml cannot read (or that
    breaks a limit) is read again by the pure-Python loader, so that its error
    is reported in the same words and at the same line on every machine."""
    text = _strip_unreadable(text, filename)
    _check_lines(text, filename)
    if loader_class is not None:
        data = _load(loader_class, text, filename)
    elif _CLoader is not None:
        try:
            data = _load(_CLoader, text, filename)
        except _SyntaxError:  # libyaml words its errors its own way
            data = _load(_Loader, text, filename)
    else:
        data = _load(_Loader, text, filename)
    _clean_strings(data, filename)
    return data


class _SyntaxError(InputError):
    """Text that is not YAML (as against YAML that breaks a limit)."""


def _load(loader_class: Callable[[str, str], _Located], text: str, filename: str) -> Yaml:
    loader = loader_class(text, filename)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node) > MAX_EXPANDED_NODES:
            raise InputError.single(
                f"展开 YAML 别名（*引用）后内容超过 {MAX_EXPANDED_NODES} 项，拒绝读取以防内存耗尽", filename,
                node.start_mark.line + 1)
        data: Yaml = loader.construct_document(node)  # made of the constructors above
        return data
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        detail = exc.problem or "格式不正确"
        raise _SyntaxError.single(f"YAML 格式错误：{_translate(detail)}", filename, line) from None
    except yaml.YAMLError as exc:
        raise _SyntaxError.single(f"YAML 格式错误：{exc}", filename) from None
    except RecursionError:
        # the parser descends one level per bracket or indent: "[[[[…"
        raise InputError.single("YAML 嵌套层次过深，拒绝读取", filename) from None
    finally:
        loader.dispose()


def _clean_strings(node: Yaml, filename: str, path: tuple[str | int, ...] = (), line: int | None = None) -> None:
    """Remove XML-forbidden characters from every string, warning for each
    field; refuse a string too long to be a field of a document."""
    if isinstance(node, dict):
        for key, value in node.items():
            at = node.line_of(key) if hasattr(node, "line_of") else line
            if isinstance(value, str):
                node[key] = _clean_text(value, filename, at, path + (key,))
            else:
                _clean_strings(value, filename, path + (key,), at)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            at = node.lines[i] if hasattr(node, "lines") else line
            if isinstance(value, str):
                node[i] = _clean_text(value, filename, at, path + (i,))
            else:
                _clean_strings(value, filename, path + (i,), at)


def _clean_text(value: str, filename: str, line: int | None, loc: tuple[str | int, ...]) -> str:
    from planmaker.base import notices, textclean

    if len(value) > MAX_TEXT_CHARS:
        raise InputError.single(f"文字过长（{len(value)} 字，上限 {MAX_TEXT_CHARS} 字）", filename, line,
                                field_path(loc))
    cleaned, count = textclean.clean(value)
    if count:
        notices.warn(Problem(f"删去了 {count} 个文档中不允许的控制字符（{textclean.describe(value)}）",
                             filename, line, field_path(loc)))
    return cleaned


def load_file(path: Path, overlay: Overlay = DISK) -> Yaml:
    """The data of the YAML file at ``path``: from ``overlay`` when it lays a file there, else the disk."""
    path = Path(path)
    if overlay.name_of(path) is None and _is_bundled(str(path)):
        return copy.deepcopy(_bundled(path))
    return _read(path, overlay)


def load_fields(path: Path, keys: tuple[str, ...]) -> dict[str, Yaml]:
    """Only ``keys`` of the mapping at ``path`` ({} if none): of a bundled file, no more is copied."""
    path = Path(path)
    data = _bundled(path) if _is_bundled(str(path)) else _read(path)
    return {key: copy.deepcopy(data.get(key)) for key in keys} if isinstance(data, dict) else {}


def _read(path: Path, overlay: Overlay = DISK) -> Yaml:
    data = overlay.read_bytes(path, MAX_FILE_BYTES, hint="：配置和方案文件通常只有几 KB，请确认选对了文件；"
                              "大量医疗机构请用 --institutions 读取 .csv 或 .xlsx 名单")
    return load_text(decode_utf8(data, path), str(path))


# The bundled data is read by every command, and the web page runs many in one process: a bundled
# file is parsed once while unchanged (size, time of change, inode); each caller gets a copy of its own.
_PARSED: dict[str, tuple[tuple[int, int, int], Yaml]] = {}


@functools.cache
def _bundled_roots() -> tuple[Path, ...]:
    from planmaker.base import resources

    return real_path(resources.profiles_dir()), real_path(resources.templates_dir())


@functools.lru_cache(maxsize=4096)
def _is_bundled(path: str) -> bool:
    """Resolving a path's links takes a system call a component, and a catalog asks this of every profile
    it indexes: the answer is kept (it only decides whether a file's parse is kept while the file's size,
    time and inode stay the same)."""
    parents = real_path(path).parents
    return any(root in parents for root in _bundled_roots())


def _bundled(path: Path) -> Yaml:
    try:
        status = path.stat()
    except OSError:
        status = None
    if status is None or not stat.S_ISREG(status.st_mode):
        return _read(path)  # says why
    changed = (status.st_mtime_ns, status.st_size, status.st_ino)
    kept = _PARSED.get(str(path))
    if kept is None or kept[0] != changed:
        with notices.collecting() as heard:
            data = _read(path)
        for problem in heard:
            notices.warn(problem)
        if heard:  # said each time the file is read, as for any other file
            return data
        kept = _PARSED[str(path)] = (changed, data)
    return kept[1]  # the callers' to copy: load_file copies the whole, load_fields what it needs


def decode_utf8(data: bytes, path: Path | str) -> str:
    """A YAML file's text: UTF-8, with or without a BOM; any other encoding named."""
    import codecs

    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32"),
                      (codecs.BOM_UTF16_LE, "UTF-16"), (codecs.BOM_UTF16_BE, "UTF-16")):
        if data.startswith(bom):
            raise InputError.single(f"文件是 {name} 编码，请用记事本或 WPS 另存为 UTF-8 编码", path)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError.single(f"文件不是 UTF-8 编码（第{exc.start}字节处）", path) from None


_YAML_PHRASES = {
    "mapping values are not allowed here": "此处不能出现“键: 值”，多半是缩进不对或冒号后缺空格",
    "could not find expected ':'": "找不到应有的冒号“:”",
    "found character '\\t' that cannot start any token": "含有制表符（Tab），YAML 只能用空格缩进",
    "expected <block end>, but found": "缩进不一致",
    "found undefined alias": "引用了未定义的别名",
    "found unconstructable recursive node": "别名（*引用）引用了它自身所在的内容，形成循环",
    "found unexpected end of stream": "文件意外结束（引号或括号没有闭合？）",
    "did not find expected key": "缩进不一致，找不到应有的键",
    "did not find expected '-' indicator": "列表项缩进不一致",
    "expected ',' or '}'": "花括号 {…} 内缺少逗号、右括号，或冒号后缺空格",
    "expected ',' or ']'": "方括号 […] 内缺少逗号或右括号",
    "found unknown escape character": "双引号字符串中有无法识别的反斜杠转义，请改用单引号",
    "while scanning a quoted scalar": "引号没有闭合",
}


def _translate(detail: str) -> str:
    for english, chinese in _YAML_PHRASES.items():
        if detail.startswith(english):
            return chinese
    return detail

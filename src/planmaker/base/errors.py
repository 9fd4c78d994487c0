"""Errors a user can act on: each names the file, the line and the field."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


def field_path(loc: tuple[str | int, ...]) -> str:
    """("groups", 0, "items") → groups[1].items: a field as the user counts it."""
    text = ""
    for part in loc:
        if isinstance(part, int):
            text += f"[{part + 1}]"
        else:
            text += ("." if text else "") + str(part)
    return text


@dataclass
class Problem:
    """One thing wrong with the user's input, located as precisely as we can."""

    message: str
    file: Path | str | None = None
    line: int | None = None
    field: str | None = None
    severity: str = "error"  # "error" or "warning"

    def __str__(self) -> str:
        where = []
        if self.file:
            where.append(str(self.file))
        if self.line:
            where.append(f"第{self.line}行")
        if self.field:
            where.append(f"字段 {self.field}")
        prefix = "，".join(where)
        label = "警告" if self.severity == "warning" else "错误"
        return f"{label}：{prefix}：{self.message}" if prefix else f"{label}：{self.message}"


class Refusal(Problem):
    """Input refused outright: a template over its budget, a broken or
    exploding file.  `check` exits 2 on one, as every other command does."""


@dataclass
class InputError(Exception):
    """Raised when input cannot be used; carries every problem found."""

    problems: list[Problem] = field(default_factory=list)
    wrote: int = 0  # files already written when the error stopped a command part way

    def __post_init__(self) -> None:
        super().__init__(self.__str__())

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)

    @classmethod
    def single(cls, message: str, file: Path | str | None = None, line: int | None = None,
               field: str | None = None) -> InputError:
        return cls([Problem(message, file, line, field)])

    @classmethod
    def refused(cls, message: str, file: Path | str | None = None, line: int | None = None,
                field: str | None = None) -> InputError:
        return cls([Refusal(message, file, line, field)])


_OS_REASONS = {
    "ENOSPC": "磁盘已满",
    "EDQUOT": "超出磁盘配额",
    "EACCES": "没有权限",
    "EPERM": "没有权限",
    "EROFS": "文件系统是只读的",
    "ENOTDIR": "路径中有一段是文件而不是文件夹",
    "EISDIR": "这是一个文件夹而不是文件",
    "EEXIST": "已有同名的文件",
    "ENOENT": "文件或文件夹不存在",
    "ELOOP": "符号链接层数过多或指向自身",
    "ENAMETOOLONG": "文件名或路径过长",
    "EIO": "读写磁盘出错",
    "EMFILE": "打开的文件过多",
    "EBUSY": "文件正被占用",
    "EFBIG": "文件过大（超出文件系统或系统资源限制允许的大小）",
    "ETXTBSY": "文件正被占用",
    "ENXIO": "设备不存在（如没有读者的命名管道）",
    "ENODEV": "设备不存在",
    "EINVAL": "参数无效（文件系统不支持此操作）",
    "ENOTEMPTY": "文件夹不是空的",
    "EXDEV": "不能跨磁盘移动文件",
    "ESTALE": "网络共享上的文件已失效，请重新连接",
    "ENOMEM": "内存不足",
    "EMLINK": "链接过多",
    "EPIPE": "输出管道已关闭",
    "EAGAIN": "资源暂时不可用，请稍后再试",
    "EINTR": "操作被中断",
    "ENOSYS": "系统不支持此操作",
    "EOPNOTSUPP": "文件系统不支持此操作",
    "ENOTSUP": "文件系统不支持此操作",
}


def os_problem(exc: OSError, path: Path | str | None = None, what: str = "无法写入") -> Problem:
    """An OSError as a sentence a clerk can act on, naming the file."""
    import errno as errno_names

    code = errno_names.errorcode.get(exc.errno or 0, "")
    # Never an English sentence: an errno not listed is named by its code, in Chinese words.
    reason = _OS_REASONS.get(code) or (f"系统错误 {code or exc.errno or type(exc).__name__}")
    where = exc.filename if exc.filename is not None else path
    if isinstance(where, bytes):
        where = where.decode("utf-8", "backslashreplace")
    if isinstance(where, str):
        where = where.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    return Problem(f"{what}：{reason}", where)

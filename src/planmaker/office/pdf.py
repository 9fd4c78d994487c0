"""PDF versions through LibreOffice: one soffice process for a whole batch.

Starting soffice costs seconds; converting one file costs a fraction of that,
so every file of a build goes to a single process.  The PDFs are made
reproducible afterwards: LibreOffice stamps the clock and a random document ID."""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path, PurePosixPath

from planmaker.base.errors import InputError
from planmaker.base.files import Artifact

INSTALL_HINT = ("生成 PDF 需要 LibreOffice，但本机没有找到 soffice 命令。请先安装，例如 Debian/Ubuntu："
                "apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk fonts-crosextra-carlito，"
                "字体另装 apt-get install --no-install-recommends texlive-lang-chinese；"
                "Windows 或 macOS 请从 LibreOffice 官网安装后把 soffice 加入 PATH。")
CONVERTIBLE = (".docx", ".xlsx")
_DATE = re.compile(rb"(/(?:CreationDate|ModDate)\(D:)[0-9]{14}")
_CHECKSUM = re.compile(rb"(/DocChecksum\s*/)([0-9A-Fa-f]+)")
_ID = re.compile(rb"/ID\s*\[\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*\]")


# The Office font names of GB/T 9704 mapped onto free families for LibreOffice
# (see the file: which family plays which role, and why).
FONTS_CONF = Path(__file__).with_name("fonts.conf")


def environment() -> dict[str, str]:
    """The environment for soffice: our font roles on top of the system's fonts."""
    env = dict(os.environ)
    env["FONTCONFIG_FILE"] = str(FONTS_CONF)
    return env


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    binary = soffice()
    if binary is None:
        raise InputError.single(INSTALL_HINT, field="--format")
    return binary


def pdf_name(path: str) -> str:
    """附件3-表.docx → 附件3-表.pdf; the workbook of the same annex → 附件3-表（表格）.pdf."""
    pure = PurePosixPath(path)
    stem = pure.stem + ("（表格）" if pure.suffix == ".xlsx" else "")
    return str(pure.with_name(stem + ".pdf"))


def _stable(pdf: bytes, source: bytes, stamp: str) -> bytes:
    # Same length replacements keep the cross-reference offsets valid.
    def date(match):
        return match.group(1) + stamp.encode()

    digest = hashlib.sha256(source).hexdigest().upper().encode()

    def ident(match):
        first, second = match.group(1), match.group(2)
        return match.group(0).replace(first, digest[:len(first)]).replace(second, digest[-len(second):])

    def checksum(match):
        return match.group(1) + digest[:len(match.group(2))]

    return _CHECKSUM.sub(checksum, _ID.sub(ident, _DATE.sub(date, pdf)))


MAX_PDF_BYTES = 200 * 1024 * 1024


def _converted(pdf: Path, source: str, result) -> bytes:
    """The PDF LibreOffice wrote, if it is one: an empty or truncated file (a disk that
    filled up, a broken or fake soffice) is refused, not handed on as a document."""
    from planmaker.base.inputfile import read_bytes

    data = read_bytes(pdf, MAX_PDF_BYTES, "LibreOffice 转换出的 PDF 无法读取")
    if not data.startswith(b"%PDF-") or b"%%EOF" not in data[-2048:]:
        detail = (result.stderr or result.stdout).strip()[-300:]
        what = "是空文件" if not data else "不是完整的 PDF 文件"
        raise InputError.single(f"LibreOffice 把 {source} 转换出的 PDF {what}（{len(data)} 字节），未写入；"
                                f"请确认 soffice 是真正的 LibreOffice，磁盘未满{'：' + detail if detail else ''}")
    return data


def to_pdf(artifacts: list[Artifact], when) -> list[Artifact]:
    sources = [a for a in artifacts if a.path.endswith(CONVERTIBLE)]
    if not sources:
        return []
    binary = require_soffice()
    stamp = when.strftime("%Y%m%d%H%M%S")
    with tempfile.TemporaryDirectory(prefix="planmaker-pdf-") as folder:
        work = Path(folder)
        names = []
        for i, artifact in enumerate(sources):
            # short ASCII names: no two sources collide, whatever they are called
            name = f"{i:06d}{PurePosixPath(artifact.path).suffix}"
            (work / name).write_bytes(artifact.data)
            names.append(name)
        profile = (work / "profile").as_uri()
        limit = max(120, 5 * len(names))
        try:
            result = subprocess.run(
                [binary, f"-env:UserInstallation={profile}", "--headless", "--norestore",
                 "--convert-to", "pdf", "--outdir", str(work / "pdf"), *names],
                cwd=work, env=environment(), capture_output=True, text=True, timeout=limit)
        except subprocess.TimeoutExpired:
            raise InputError.single(f"LibreOffice 在 {limit} 秒内未能完成 PDF 转换，已中止；"
                                    "请关闭正在运行的 LibreOffice 后重试") from None
        except OSError as exc:
            raise InputError.single(f"无法启动 LibreOffice（{binary}）：{exc.strerror or exc}") from None
        converted = []
        for name, artifact in zip(names, sources):
            pdf = work / "pdf" / (Path(name).stem + ".pdf")
            if not pdf.is_file():
                detail = (result.stderr or result.stdout).strip()[-300:]
                raise InputError.single(f"LibreOffice 未能把 {artifact.path} 转换为 PDF：{detail}")
            data = _converted(pdf, artifact.path, result)
            data = _stable(data, artifact.data, stamp)
            extra = {**artifact.extra, "format": "pdf", "source": artifact.path}
            converted.append(Artifact(pdf_name(artifact.path), artifact.kind, data, extra))
    return converted

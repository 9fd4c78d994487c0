"""The plan and its annexes as pages, before printing: page images drawn by LibreOffice
(the same conversion as ``build --format pdf``) and poppler's pdftoppm where both are
installed, else the HTML preview the build writes.  Images are kept, by the document's
checksum, in the workspace's hidden folder ``.planmaker/pages`` (safe to delete at any time)."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from planmaker.base.files import Artifact, sha256
from planmaker.web.workspace import Refused

DPI = 60
CACHE = Path(".planmaker") / "pages"


@dataclass
class Shown:
    path: str  # as in out/
    digest: str = ""
    images: list[int] = field(default_factory=list)  # page numbers drawn
    html: bool = False


def can_render() -> bool:
    from planmaker.office.pdf import soffice

    return soffice() is not None and shutil.which("pdftoppm") is not None


def pages(out: Path, files: list[str], draw: bool, cache: Path) -> list[Shown]:
    """The plan's own documents (not the per-institution copies), each drawn as pages when ``draw``."""
    own = [f for f in files if "/" not in f]
    shown = [Shown(f, html=True) for f in own if f.endswith(".html")]
    documents = [f for f in own if PurePosixPath(f).suffix in (".docx", ".xlsx") and "（含附件）" not in f]
    if not draw or not can_render():
        return shown + [Shown(f) for f in documents]
    artifacts = [Artifact(f, "preview", (out / f).read_bytes()) for f in documents]
    missing = [a for a in artifacts if not (cache / sha256(a.data)).is_dir()]
    if missing:
        cache.mkdir(parents=True, exist_ok=True)
        _draw(missing, cache)
    drawn = []
    for artifact in artifacts:
        digest = sha256(artifact.data)
        count = len(list((cache / digest).glob("*.png")))
        drawn.append(Shown(artifact.path, digest, list(range(1, count + 1))))
    return drawn + shown


def _draw(artifacts: list[Artifact], cache: Path) -> None:
    from planmaker.office.pdf import to_pdf

    pdfs = to_pdf(artifacts, dt.datetime(2000, 1, 1))
    by_source = {p.extra.get("source"): p for p in pdfs}
    for artifact in artifacts:
        pdf = by_source.get(artifact.path)
        if pdf is None:
            continue
        target = cache / sha256(artifact.data)
        work = Path(tempfile.mkdtemp(dir=cache, prefix=".drawing-"))
        (work / "page.pdf").write_bytes(pdf.data)
        subprocess.run(["pdftoppm", "-png", "-r", str(DPI), str(work / "page.pdf"), str(work / "p")],
                       check=True, capture_output=True, timeout=300)
        (work / "page.pdf").unlink()
        for number, image in enumerate(sorted(work.glob("p-*.png"), key=lambda p: int(p.stem.split("-")[-1])), 1):
            image.rename(work / f"{number}.png")
        try:
            work.rename(target)
        except OSError:  # drawn meanwhile by another request
            shutil.rmtree(work, ignore_errors=True)


def image(cache: Path, digest: str, number: int) -> Path:
    if not (len(digest) == 64 and all(c in "0123456789abcdef" for c in digest)):
        raise Refused("没有这一页", 404)
    path = cache / digest / f"{number}.png"
    if not path.is_file():
        raise Refused("没有这一页（请在页面预览中重新画出）", 404)
    return path

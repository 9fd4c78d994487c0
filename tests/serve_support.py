"""What the tests of `planmaker serve` share: a workspace with plans, filled statistics forms,
the superior's document as a .docx, hostile uploads, and the server run in a thread."""

from __future__ import annotations

import io
import os
import re
import shutil
import tempfile
import threading
import zipfile
from pathlib import Path

import docx
import openpyxl

import zipbombs
from conftest import SEEDS, write_plan
from planmaker.web.app import create_app
from planmaker.web.context import Settings
from planmaker.web.uploads import Limits

CITY_PLAN = """\
profile: liuzhou
campaign: medical-abuses-2020
dates:
  start: 2020-09
  end: 2020-12
  report: 2020-11-27
"""
COUNTIES = ["chengzhong", "liubei", "liunan"]
SMALL = Limits(max_file=2 * 1024 * 1024, max_files=20, max_unpacked=20 * 1024 * 1024)


def app_for(workspace: Path, token: str | None = None, limits: Limits = SMALL):
    return create_app(Settings(workspace, token, limits))


def csrf(page_text: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page_text).group(1)


def city_plan(workspace: Path, name: str = "柳州市-汇总") -> str:
    write_plan(workspace / name, CITY_PLAN)
    return name


def filled_forms(folder: Path, counties: list[str] = COUNTIES) -> list[Path]:
    """Each county's first statistics form, built from the county's own plan and filled with openpyxl
    (as a clerk's Excel would save it: the metadata sheet kept, input cells numbered)."""
    from planmaker.collect.run import _forms
    from planmaker.inputs.catalog import Catalog
    from planmaker.kinds.making import document_time
    from planmaker.kinds.stats import stats_xlsx
    from planmaker.office.stats_layout import read_metadata
    from planmaker.plan.resolve import resolve

    paths = []
    for number, county in enumerate(counties, start=1):
        plan = write_plan(folder / "plans" / county, CITY_PLAN.replace("liuzhou", county))
        resolved = resolve(plan, Catalog())
        form = _forms(resolved)[0]
        book = openpyxl.load_workbook(io.BytesIO(stats_xlsx(resolved, form.annex, document_time(resolved))))
        found, cells = read_metadata(book)
        sheet = book[found["sheet"]]
        for cell in cells:
            if cell.kind == "input":
                sheet[cell.ref] = number
        path = folder / f"{county}-统计表.xlsx"
        book.save(path)
        paths.append(path)
    return paths


def seed_docx(folder: Path, seed: str = "001") -> Path:
    """The seed text as the .docx a superior would send: one paragraph a line."""
    (text_file,) = SEEDS.glob(f"{seed}_*.txt")
    document = docx.Document()
    for line in text_file.read_text(encoding="utf-8").splitlines():
        document.add_paragraph(line)
    path = folder / "上级方案.docx"
    document.save(path)
    return path


def zip_bomb(path: Path) -> Path:
    """A zip of one form-named member that inflates a thousandfold (under the size cap on disk)."""
    zipbombs.zip_bomb(path, "统计表.xlsx", 8)
    return path


def climbing_zip(path: Path, form: Path) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.write(form, "../../outside.xlsx")
    return path


def oversized(path: Path, size: int = SMALL.max_file + 1024) -> Path:
    path.write_bytes(b"PK" + b"x" * size)
    return path


class Server:
    """The page's application served on 127.0.0.1 in a thread, for a real browser."""

    def __init__(self, app):
        from werkzeug.serving import make_server

        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Server:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.thread.join(10)


CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CHROME_ARGUMENTS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1366,768",
                    "--lang=zh-CN"]


def chrome(downloads: Path, profile: Path):
    """Debian's chromium through its chromedriver, headless, offline, downloading into ``downloads``."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in CHROME_ARGUMENTS + [f"--user-data-dir={profile}"]:
        options.add_argument(argument)
    options.add_experimental_option("prefs", {"download.default_directory": str(downloads),
                                              "download.prompt_for_download": False,
                                              "safebrowsing.enabled": False})
    # Chromium puts its singleton socket in TMPDIR, and a Unix socket's path may not pass 107 bytes: under a
    # test's temp folder (TMPDIR=$(mktemp -d) and pytest's own levels) it sometimes did, and Chromium quit at
    # start. It gets a short folder of its own, removed when the driver quits.
    scratch = tempfile.mkdtemp(prefix="pm-chrome-", dir="/tmp" if os.path.isdir("/tmp") else None)
    try:
        driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER), env={**os.environ, "TMPDIR": scratch}),
                                  options=options)
    except BaseException:
        shutil.rmtree(scratch, ignore_errors=True)
        raise
    quit_driver = driver.quit

    def quit() -> None:
        try:
            quit_driver()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)

    driver.quit = quit  # type: ignore[method-assign]
    driver.set_window_size(1366, 768)
    driver.set_page_load_timeout(300)
    return driver


def downloaded(folder: Path, suffix: str, timeout: float = 120) -> Path:
    """The file the browser finished downloading into ``folder``."""
    import time

    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done = [p for p in folder.glob(f"*{suffix}") if not p.name.endswith(".crdownload")]
        if done and not list(folder.glob("*.crdownload")):
            return done[0]
        time.sleep(0.1)
    raise TimeoutError(f"no {suffix} downloaded into {folder}")

"""The screenshots of `planmaker serve` in the docs (docs/pages/serve-*.png), one per step of a
clerk's job, at 1366×768 in Debian's chromium (headless, offline), against a fresh workspace.

    python scripts/serve_screenshots.py            # writes docs/pages/serve-*.png
    python scripts/serve_screenshots.py -o 截图/    # elsewhere

Needs chromium and chromium-driver (apt) and selenium (the test extra); the page images step
needs LibreOffice and poppler-utils."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from planmaker.web.preview import can_render  # noqa: E402
from serve_support import Server, app_for, chrome, city_plan, filled_forms, seed_docx, zip_bomb  # noqa: E402


def shoot(out: Path) -> list[Path]:
    from selenium.webdriver.common.by import By

    work = Path(tempfile.mkdtemp(prefix="planmaker-shots-"))
    workspace, downloads = work / "workspace", work / "downloads"
    workspace.mkdir()
    downloads.mkdir()
    shots: list[Path] = []
    with Server(app_for(workspace)) as server:
        driver = chrome(downloads, work / "profile")
        driver.implicitly_wait(300)  # a form that builds answers when the build is done
        css = driver.find_element

        def snap(name: str) -> None:
            time.sleep(0.3)
            path = out / f"serve-{name}.png"
            driver.save_screenshot(str(path))
            shots.append(path)

        try:
            driver.get(server.url + "/new")
            css(By.ID, "profile").send_keys("思南")
            css(By.ID, "find").click()
            css(By.CSS_SELECTOR, "input[name=profile_pick]").click()
            css(By.CSS_SELECTOR, "input[name=campaign][value='unreasonable-exams']").click()
            css(By.ID, "start").send_keys("2024年13月")
            css(By.ID, "contacts").send_keys("张三,0856-1234567")
            css(By.ID, "create").click()
            driver.execute_script("document.getElementById('start').scrollIntoView({block: 'center'})")
            snap("1-new")
            start = css(By.ID, "start")
            start.clear()
            start.send_keys("2024-05")
            css(By.ID, "create").click()
            css(By.ID, "made")
            snap("2-plan")
            driver.find_element(By.ID, "look").click()
            if can_render():  # LibreOffice's pages, where it is installed
                driver.find_element(By.ID, "draw").click()
                css(By.CSS_SELECTOR, ".pages img")
            driver.execute_script("window.scrollTo(0, 150)")
            snap("3-pages")
            driver.get(server.url + "/import")
            css(By.ID, "file").send_keys(str(seed_docx(work)))
            css(By.ID, "do-import").click()
            css(By.ID, "imported")
            snap("4-import")
            name = city_plan(workspace)
            driver.get(f"{server.url}/p/{name}/collect")
            css(By.ID, "forms").send_keys("\n".join(str(p) for p in filled_forms(work)))
            css(By.ID, "collect-go").click()
            driver.execute_script("document.getElementById('result').scrollIntoView()")
            snap("5-collect")
            driver.get(f"{server.url}/p/{name}/collect")
            bomb = work / "压缩包.zip"
            css(By.ID, "forms").send_keys(str(zip_bomb(bomb)))
            css(By.ID, "collect-go").click()
            snap("6-refused")
        finally:
            driver.quit()
    shutil.rmtree(work, ignore_errors=True)
    return shots


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "docs" / "pages")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in shoot(args.out):
        print(path)


if __name__ == "__main__":
    main()

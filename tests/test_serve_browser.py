"""`planmaker serve` in a real browser: Debian's chromium, driven through chromedriver by
selenium, headless and offline, one browser for the module.  A clerk's whole job: start a plan
for 思南县 from nothing, build and download the zip (the same files as `planmaker build`),
import the superior's document, collect three filled forms; and the refusals a clerk sees."""

from __future__ import annotations

import json
import zipfile

import pytest
from click.testing import CliRunner

from planmaker.cli import main
from serve_support import (
    CHROMEDRIVER,
    CHROMIUM,
    Server,
    app_for,
    chrome,
    city_plan,
    climbing_zip,
    downloaded,
    filled_forms,
    oversized,
    seed_docx,
    zip_bomb,
)

# one browser for the module, on one worker
pytestmark = [pytest.mark.skipif(not (CHROMIUM.exists() and CHROMEDRIVER.exists()),
                                 reason="需要 chromium 和 chromium-driver（README 的测试命令会安装）"),
              pytest.mark.xdist_group("browser")]


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    root = tmp_path_factory.mktemp("browser")
    workspace, downloads = root / "workspace", root / "downloads"
    workspace.mkdir()
    downloads.mkdir()
    with Server(app_for(workspace)) as server:
        driver = chrome(downloads, root / "profile")
        try:
            def wait(css: str, timeout: float = 180):
                return WebDriverWait(driver, timeout).until(
                    expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css)))

            yield Browser(driver, server.url, workspace, downloads, wait)
        finally:
            driver.quit()


class Browser:
    def __init__(self, driver, url, workspace, downloads, wait):
        self.driver, self.url, self.workspace, self.downloads, self.wait = driver, url, workspace, downloads, wait

    def open(self, path: str) -> None:
        self.driver.get(self.url + path)

    def css(self, selector: str):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, selector)

    def type(self, selector: str, text: str) -> None:
        field = self.css(selector)
        field.clear()
        field.send_keys(text)


@pytest.mark.slow
def test_a_plan_for_sinan_from_nothing_built_and_downloaded(browser, tmp_path):
    browser.open("/")
    browser.css("a.button[href='/new']").click()
    browser.type("#profile", "思南")
    browser.css("#find").click()
    browser.wait("#found").find_element("css selector", "input[name=profile_pick][value='贵州省/铜仁市/思南县']").click()
    browser.css("input[name=campaign][value='unreasonable-exams']").click()
    browser.type("#start", "2024-13")
    browser.css("#create").click()
    assert "开始月份 “2024-13” 无法识别" in browser.wait("#error-start").text  # next to the field
    assert browser.css("input[name=profile_pick][value='贵州省/铜仁市/思南县']").is_selected()  # still chosen
    browser.type("#start", "2024-05")
    browser.type("#contacts", "张三,0856-1234567")
    browser.css("#create").click()
    assert "全部文件已生成" in browser.wait("#made").text
    (folder,) = [p for p in browser.workspace.iterdir() if (p / "plan.yaml").is_file()]
    assert folder.name == "思南县-不合理医疗检查专项治理行动"
    browser.css("#build-zip").click()
    got = downloaded(browser.downloads, ".zip")
    built = CliRunner().invoke(main, ["build", str(folder / "plan.yaml"), "-o", str(tmp_path / "cli")])
    assert built.exit_code == 0, built.output
    expected = {p.relative_to(tmp_path / "cli").as_posix(): p.read_bytes()
                for p in (tmp_path / "cli").rglob("*") if p.is_file()
                and not p.relative_to(tmp_path / "cli").as_posix().startswith(".")}  # .planmaker-base: the merge's
    with zipfile.ZipFile(got) as archive:
        found = {name: archive.read(name) for name in archive.namelist()}
    assert found.keys() == expected.keys() and len(found) > 5
    for name in found.keys() - {"manifest.json"}:
        assert found[name] == expected[name], name
    assert _timeless(found["manifest.json"]) == _timeless(expected["manifest.json"])
    got.unlink()


def _timeless(data: bytes) -> dict:
    return {k: v for k, v in json.loads(data).items() if k not in ("generated", "built_at") and "time" not in k}


@pytest.mark.slow
def test_the_superiors_document_imported_as_a_plan(browser, tmp_path):
    browser.open("/import")
    browser.css("#file").send_keys(str(seed_docx(tmp_path)))
    browser.css("#do-import").click()
    assert "已写成方案" in browser.wait("#imported").text
    browser.css("#open-plan").click()
    browser.wait("#build")
    name = browser.driver.find_element("css selector", "h1").text
    assert (browser.workspace / name / "campaign.yaml").is_file() and name.startswith("柳州市")


@pytest.mark.slow
def test_three_filled_forms_collected(browser, tmp_path):
    name = city_plan(browser.workspace)
    browser.open("/")
    browser.driver.find_element("link text", name).click()
    browser.wait("#collect").click()
    browser.wait("#forms").send_keys("\n".join(str(p) for p in filled_forms(tmp_path)))
    browser.css("#collect-go").click()
    first = browser.wait("#form-1")
    assert "计入 3 份" in first.text and "未报送（7）" in first.text and "柳江区" in first.text
    assert browser.driver.find_elements("xpath", "//section[@id='form-1']//td[@class='num' and text()='6']")
    browser.css("#collected-zip").click()
    with zipfile.ZipFile(downloaded(browser.downloads, ".zip")) as archive:
        assert "汇总报告.txt" in archive.namelist()
    for done in browser.downloads.iterdir():
        done.unlink()


@pytest.mark.slow
@pytest.mark.parametrize("bad, expected", [
    (lambda tmp: oversized(tmp / "big.xlsx"), "过大"),
    (lambda tmp: zip_bomb(tmp / "bomb.zip"), "压缩炸弹"),
    (lambda tmp: climbing_zip(tmp / "climb.zip", filled_forms(tmp, ["liubei"])[0]), "../"),
])
def test_a_bad_upload_refused_with_a_message(browser, tmp_path, bad, expected):
    name = city_plan(browser.workspace, "柳州市-拒收")
    browser.open(f"/p/{name}/collect")
    browser.wait("#forms").send_keys(str(bad(tmp_path)))
    browser.css("#collect-go").click()
    message = browser.wait("#error").text
    assert expected in message and "Traceback" not in browser.driver.page_source
    assert not (browser.workspace / name / "汇总").exists()


def test_a_file_outside_the_workspace_refused(browser):
    name = city_plan(browser.workspace, "柳州市-拒收")
    browser.open(f"/p/{name}/file/..%2F..%2F..%2F..%2Fetc%2Fpasswd")  # a browser would fold a plain ../
    message = browser.wait("#error").text
    assert "不在工作文件夹之内" in message, message
    assert "root:" not in browser.driver.page_source

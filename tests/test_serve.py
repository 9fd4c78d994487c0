"""`planmaker serve` through Flask's test client: every route, its guards and its errors.
The real browser's tests are in test_serve_browser.py."""

from __future__ import annotations

import io
import json
import os
import re
import time
import urllib.parse
import zipfile

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import convert, write_plan
from planmaker.cli import main
from planmaker.web.preview import can_render
from serve_support import app_for, city_plan, climbing_zip, csrf, filled_forms, oversized, seed_docx, zip_bomb

NEW = {"profile": "思南县", "campaign": "unreasonable-exams", "start": "2024-05", "parent_title": "",
       "contacts": "张三,0856-1234567", "action": "create"}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A workspace with the plan for 思南县 the page made, and its client."""
    workspace = tmp_path_factory.mktemp("workspace")
    app = app_for(workspace)
    client = app.test_client()
    token = csrf(client.get("/new").text)
    made = client.post("/new", data={**NEW, "csrf": token})
    assert made.status_code == 303, made.text
    name = next(p.name for p in workspace.iterdir() if (p / "plan.yaml").is_file())
    return client, workspace, name, token


def _post(client, url, token, **data):
    return client.post(url, data={"csrf": token, **data}, content_type="multipart/form-data")


def test_index_lists_the_plans_of_the_workspace(site):
    client, workspace, name, _ = site
    page = client.get("/")
    assert page.status_code == 200 and name in page.text and str(workspace.resolve()) in page.text
    assert 'lang="zh-CN"' in page.text and "/static/app.css" in page.text


@pytest.mark.slow
def test_new_writes_the_plan_new_would_write_and_builds_it(site, tmp_path):
    client, workspace, name, _ = site
    assert name == "思南县-不合理医疗检查专项治理行动"
    plan = (workspace / name / "plan.yaml").read_text(encoding="utf-8")
    assert "profile: 贵州省/铜仁市/思南县" in plan and "start: 2024-05" in plan and "name: 张三" in plan
    result = CliRunner().invoke(main, ["new", "--profile", "思南县", "--campaign", "unreasonable-exams",
                                       "--start", "2024-05", "--parent-title", "", "--issuer", "",
                                       "--contact", "张三,0856-1234567", "-o", str(tmp_path / "cli"), "--no-build"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "cli" / "plan.yaml").read_text(encoding="utf-8") == plan
    assert (workspace / name / "out" / "manifest.json").is_file()
    assert not [p for p in workspace.iterdir() if p.name.startswith(".")]  # no staging left


def test_new_finds_the_jurisdiction_by_part_of_its_name(site):
    client, _, _, token = site
    page = client.post("/new", data={"csrf": token, "profile": "思南", "action": "find"})
    assert 'value="贵州省/铜仁市/思南县"' in page.text
    page = client.post("/new", data={"csrf": token, "profile": "北京市朝阳区", "action": "find"})
    assert "朝阳区" in page.text and 'name="profile_pick"' in page.text


def test_each_field_is_checked_with_the_commands_message_next_to_it(site):
    client, workspace, _, token = site
    before = sorted(p.name for p in workspace.iterdir())
    page = client.post("/new", data={**NEW, "csrf": token, "start": "2024-13", "contacts": "  "})
    assert page.status_code == 200
    assert re.search(r'id="error-start">开始月份 “2024-13” 无法识别，请写成 2024-05 或 2024年5月，或留空', page.text)
    page = client.post("/new", data={**NEW, "csrf": token, "profile": "没有这个地方县"})
    assert 'id="error-profile"' in page.text and "没有名为“没有这个地方县”的辖区" in page.text
    page = client.post("/new", data={**NEW, "csrf": token, "campaign": ""})
    assert 'id="error-campaign">请选择一个专项模板' in page.text
    assert sorted(p.name for p in workspace.iterdir()) == before  # nothing written


def test_plan_page_lists_checks_notices_with_links_to_the_lines(site):
    client, workspace, name, _ = site
    page = client.get(f"/p/{name}/")
    assert page.status_code == 200
    assert "警告：日期 signed 未设置" in page.text
    lines = (workspace / name / "plan.yaml").read_text(encoding="utf-8").splitlines()
    dates = next(n for n, line in enumerate(lines, start=1) if line.startswith("dates:"))
    assert re.search(rf'/edit#L{dates}">方案文件第{dates}行（dates）', page.text)  # the line `check` names


def test_build_downloads_the_same_files_as_the_command_line(site, tmp_path):
    client, workspace, name, token = site
    got = client.post(f"/p/{name}/build", data={"csrf": token, "download": "zip"})
    assert got.status_code == 200 and got.mimetype == "application/zip"
    result = CliRunner().invoke(main, ["build", str(workspace / name / "plan.yaml"), "-o", str(tmp_path / "cli")])
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(io.BytesIO(got.data)) as archive:
        names = set(archive.namelist())
        cli_files = {p.relative_to(tmp_path / "cli").as_posix() for p in (tmp_path / "cli").rglob("*") if p.is_file()
                     and not p.relative_to(tmp_path / "cli").as_posix().startswith(".")}  # .planmaker-base: the merge's
        assert names == cli_files
        for member in names - {"manifest.json"}:
            assert archive.read(member) == (tmp_path / "cli" / member).read_bytes(), member
        assert _timeless(archive.read("manifest.json")) == _timeless((tmp_path / "cli" / "manifest.json").read_bytes())
    again = client.get(f"/p/{name}/out.zip")
    assert again.data == got.data  # the same files, the same zip


def _timeless(data: bytes) -> dict:
    manifest = json.loads(data)
    manifest.pop("generated", None)
    manifest.pop("built_at", None)
    return {k: v for k, v in manifest.items() if "time" not in k}


def test_an_edited_file_is_kept_when_building_again(site):
    client, workspace, name, token = site
    out = workspace / name / "out"
    (markdown,) = out.glob("*.md")
    markdown.write_text("手工修改", encoding="utf-8")
    page = client.post(f"/p/{name}/build", data={"csrf": token}, follow_redirects=True)
    assert "1 个被修改过的文件已保留" in page.text
    assert markdown.read_text(encoding="utf-8") == "手工修改"
    beside = [p for p in out.glob("*.md") if p != markdown]
    assert beside and "手工修改" not in beside[0].read_text(encoding="utf-8")
    markdown.unlink()
    beside[0].unlink()
    client.post(f"/p/{name}/build", data={"csrf": token})


def test_edit_saves_only_what_check_accepts(site):
    client, workspace, name, token = site
    path = workspace / name / "plan.yaml"
    original = path.read_text(encoding="utf-8")
    page = client.get(f"/p/{name}/edit")
    loaded = re.search(r'name="loaded" value="([0-9a-f]+)"', page.text).group(1)
    bad = original.replace("start: 2024-05", "start: 2024-15")
    page = client.post(f"/p/{name}/edit", data={"csrf": token, "loaded": loaded, "text": bad})
    assert 'class="bad"' in page.text and "错误" in page.text and "网页检查" not in page.text
    assert path.read_text(encoding="utf-8") == original
    moved = original.replace("start: 2024-05", "start: 2024-06")
    page = client.post(f"/p/{name}/edit", data={"csrf": token, "loaded": loaded, "text": moved})
    assert 'id="saved"' in page.text and path.read_text(encoding="utf-8") == moved
    stale = client.post(f"/p/{name}/edit", data={"csrf": token, "loaded": loaded, "text": original})
    assert stale.status_code == 409 and "已在别处被修改" in stale.text
    path.write_text(original, encoding="utf-8")


def test_single_files_and_the_html_preview(site):
    client, workspace, name, _ = site
    (docx_file,) = [p for p in (workspace / name / "out").glob("*.docx") if "附件" not in p.name and "含附件" not in p.name]
    got = client.get(f"/p/{name}/file/out/{docx_file.name}")
    assert got.status_code == 200 and got.data == docx_file.read_bytes()
    assert "attachment" in got.headers["Content-Disposition"]
    pages = client.get(f"/p/{name}/pages")
    assert pages.status_code == 200 and "<iframe" in pages.text
    html = client.get(re.search(r'<iframe class="preview" src="([^"]+)"', pages.text).group(1).replace("&amp;", "&"))
    assert html.status_code == 200 and "sandbox" in html.headers["Content-Security-Policy"]


@pytest.mark.parametrize("path", ["file/../../../etc/passwd", "file/out/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                                  "file/%2Fetc%2Fpasswd", "file/out/..%2F..%2Fplan.yaml"])
def test_a_file_outside_the_workspace_is_refused(site, path):
    client, _, name, _ = site
    got = client.get(f"/p/{name}/{path}", follow_redirects=True)  # werkzeug merges "//" by a redirect
    assert got.status_code in (403, 404) and "root:" not in got.text
    assert "Traceback" not in got.text and ("已拒绝" in got.text or "找不到" in got.text or "没有" in got.text)


def test_a_link_out_of_the_workspace_is_refused(site, tmp_path):
    client, workspace, name, _ = site
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    link = workspace / name / "out" / "link.txt"
    link.symlink_to(tmp_path / "secret.txt")
    try:
        got = client.get(f"/p/{name}/file/out/link.txt")
        assert got.status_code == 403 and "不在工作文件夹之内" in got.text
    finally:
        link.unlink()


def test_unknown_plan_and_page_are_chinese_pages(site):
    client, _, _, _ = site
    assert client.get("/p/..%2F..%2Fetc/").status_code == 404
    got = client.get("/p/没有这个方案/")
    assert got.status_code == 404 and "工作文件夹中没有名为 “没有这个方案” 的方案" in got.text
    assert "找不到所要的页面" in client.get("/nothing-here").text
    gone = client.delete("/new")
    assert gone.status_code == 405 and "不支持这种请求方式" in gone.text


def test_post_without_the_forms_csrf_token_is_refused(site):
    client, workspace, name, _ = site
    got = client.post(f"/p/{name}/build", data={})
    assert got.status_code == 400 and "校验码" in got.text
    assert client.post(f"/p/{name}/build", data={"csrf": "forged"}).status_code == 400


def test_another_host_name_is_refused_without_a_token(site):
    client, _, _, _ = site
    got = client.get("/", headers={"Host": "evil.example:8765"})
    assert got.status_code == 403 and "只接受本机的访问" in got.text


def test_a_token_is_required_on_every_request(tmp_path):
    client = app_for(tmp_path, token="s3cret").test_client()
    assert client.get("/").status_code == 403
    assert "需要访问令牌" in client.get("/", headers={"Host": "192.168.1.5:8765"}).text
    first = client.get("/?token=s3cret", headers={"Host": "192.168.1.5:8765"})
    assert first.status_code == 302 and "token" not in first.headers["Location"]  # out of the address bar
    assert client.get("/", headers={"Host": "192.168.1.5:8765"}).status_code == 200  # the session carries it
    assert app_for(tmp_path, token="s3cret").test_client().get("/", headers={"X-Planmaker-Token": "s3cret"}).status_code == 200


def test_serve_refuses_another_address_without_a_token(tmp_path):
    result = CliRunner().invoke(main, ["serve", "--host", "0.0.0.0", "--workspace", str(tmp_path)])
    assert result.exit_code == 2 and "必须同时给出 --token" in result.output
    assert "--workspace" in CliRunner().invoke(main, ["serve", "--help"]).output


def test_import_turns_the_superiors_docx_into_a_plan(site, tmp_path):
    client, workspace, _, token = site
    source = seed_docx(tmp_path)
    page = _post(client, "/import", token, file=(source.open("rb"), "柳州方案.docx"))
    assert page.status_code == 200, page.text
    name = re.search(r'id="open-plan">([^<]+)<', page.text).group(1)
    assert name.startswith("柳州市") and (workspace / name / "plan.yaml").is_file()
    assert (workspace / name / "campaign.yaml").is_file()
    assert client.get(f"/p/{name}/").status_code == 200
    # what to change before the plan serves another place, as `planmaker import` prints it
    advice = page.text[page.text.index('id="advice"'):]
    assert "为其他辖区（如本级）照此制定方案" in advice and "删去 issuer:" in advice and "dates 改为本级日期" in advice


@pytest.mark.slow
def test_import_reads_a_text_pdf_as_the_command_does(site, tmp_path, libreoffice):
    """docs/网页.md: the page imports a PDF with a text layer, as superior plans are published."""
    client, workspace, _, token = site
    pdf = convert(libreoffice, [seed_docx(tmp_path)], tmp_path / "pdf")[0]
    page = _post(client, "/import", token, file=(pdf.open("rb"), "柳州方案.pdf"))
    assert page.status_code == 200, page.text
    name = re.search(r'id="open-plan">([^<]+)<', page.text).group(1)
    assert name.startswith("柳州市") and (workspace / name / "plan.yaml").is_file()


def test_import_refuses_what_the_command_refuses_naming_the_clerks_file(site, tmp_path):
    client, workspace, _, token = site
    before = sorted(p.name for p in workspace.iterdir())
    (tmp_path / "old.doc").write_bytes(b"\xd0\xcf\x11\xe0" + b"\0" * 600)
    page = _post(client, "/import", token, file=((tmp_path / "old.doc").open("rb"), "旧方案.doc"))
    assert page.status_code == 400 and "旧方案.doc" in page.text and "planmaker-upload" not in page.text
    page = _post(client, "/import", token, file=(io.BytesIO(b"%PDF-1.4 scanned"), "扫描件.pdf"))
    assert page.status_code == 400 and "“扫描件.pdf” 不是可读的 PDF 文件" in page.text and "0001" not in page.text
    assert "PDFium" not in page.text
    page = _post(client, "/import", token, file=(io.BytesIO(b"x"), "方案.exe"))
    assert page.status_code == 400 and "不是可以上传的文件" in page.text
    assert sorted(p.name for p in workspace.iterdir()) == before


@pytest.mark.parametrize("make, expected", [
    (lambda tmp: (oversized(tmp / "big.xlsx").open("rb"), "big.xlsx"), "过大"),
    (lambda tmp: (zip_bomb(tmp / "bomb.zip").open("rb"), "bomb.zip"), "压缩炸弹"),
    (lambda tmp: (io.BytesIO(b"PK"), "../../plan.xlsx"), "上级目录"),
    (lambda tmp: (io.BytesIO(b"PK"), "..\\evil.xlsx"), "上级目录"),
])
def test_a_bad_upload_is_refused_with_a_message(site, tmp_path, make, expected):
    client, workspace, _, token = site
    name = city_plan(workspace)
    got = _post(client, f"/p/{name}/collect", token, file=make(tmp_path))
    assert got.status_code in (400, 413) and expected in got.text and "Traceback" not in got.text
    assert not (workspace / name / "汇总").exists()


def test_too_many_files_are_refused(site):
    client, workspace, _, token = site
    name = city_plan(workspace)
    files = [(io.BytesIO(b"PK"), f"{i}.xlsx") for i in range(21)]
    got = _post(client, f"/p/{name}/collect", token, file=files)
    assert got.status_code == 400 and "一次最多上传 20 个文件" in got.text


def test_a_zip_member_climbing_out_is_refused(site, tmp_path):
    client, workspace, _, token = site
    name = city_plan(workspace)
    (form,) = filled_forms(tmp_path, ["liubei"])
    got = _post(client, f"/p/{name}/collect", token, file=(climbing_zip(tmp_path / "z.zip", form).open("rb"), "z.zip"))
    assert got.status_code == 400 and "指向压缩包之外" in got.text
    assert not (tmp_path.parent / "outside.xlsx").exists()


def test_collect_sums_the_forms_and_lists_the_missing(site, tmp_path):
    client, workspace, _, token = site
    name = city_plan(workspace)
    forms = filled_forms(tmp_path)
    with zipfile.ZipFile(tmp_path / "two.zip", "w") as archive:
        for form in forms[1:]:
            archive.write(form, f"收件/{form.name}")
    page = _post(client, f"/p/{name}/collect", token,
                 file=[(forms[0].open("rb"), forms[0].name), ((tmp_path / "two.zip").open("rb"), "two.zip")])
    assert page.status_code == 200, page.text
    first = re.search(r'id="form-1">(.*?)</section>', page.text, re.S).group(1)
    assert "计入 3 份" in first
    missing = re.search(r'未报送（7）：(.*?)</p>', first).group(1).split("、")
    assert "柳江区" in missing and not {"城中区", "柳北区", "柳南区"} & set(missing)
    assert re.search(r'<td class="num">6</td>', page.text)  # 1 + 2 + 3 in every input cell
    summary = client.get(f"/p/{name}/collected.zip")
    with zipfile.ZipFile(io.BytesIO(summary.data)) as archive:
        books = [n for n in archive.namelist() if n.endswith(".xlsx")]
        assert books and "汇总报告.txt" in archive.namelist()
        sheet = openpyxl.load_workbook(io.BytesIO(archive.read(books[0]))).worksheets[0]
        assert 6 in [c.value for row in sheet.iter_rows() for c in row]


def test_cascade_downloads_a_folder_for_each_chosen_subordinate(site):
    client, workspace, _, token = site
    write_plan(workspace / "金昌市", "profile: 金昌市\ncampaign: unreasonable-exams\ndates:\n  start: 2024-05\n")
    page = client.get("/p/金昌市/cascade")
    assert "金川区" in page.text and "永昌县" in page.text
    got = client.post("/p/金昌市/cascade", data={"csrf": token, "child": ["永昌县"]})
    assert got.status_code == 200, got.text
    with zipfile.ZipFile(io.BytesIO(got.data)) as archive:
        folders = {n.split("/")[0] for n in archive.namelist()}
        assert folders == {"永昌县"} and "永昌县/plan.yaml" in archive.namelist()
        assert any(n.endswith(".docx") for n in archive.namelist())
    assert "请至少选择一个下级辖区" in client.post("/p/金昌市/cascade", data={"csrf": token}).text


@pytest.mark.slow
def test_institutions_batch_runs_with_progress_and_can_be_rejoined(site, tmp_path):
    client, workspace, _, token = site
    name = "思南县-诊疗行为"  # a campaign with a self-check table and a ledger for each institution
    made = CliRunner().invoke(main, ["new", "--profile", "思南县", "--campaign", "clinical-conduct", "--start", "2024-05",
                                     "--parent-title", "", "--issuer", "", "--no-contacts", "--no-build",
                                     "-o", str(workspace / name)])
    assert made.exit_code == 0, made.output
    book = openpyxl.Workbook()
    book.active.append(["机构名称", "类别"])
    for i in range(1, 4):
        book.active.append([f"思南县第{i}卫生院", "乡镇卫生院"])
    book.save(tmp_path / "list.xlsx")
    started = _post(client, f"/p/{name}/institutions", token, file=((tmp_path / "list.xlsx").open("rb"), "名单.xlsx"))
    assert started.status_code == 303 and urllib.parse.unquote(started.headers["Location"]).endswith(f"/p/{name}/job")
    for _ in range(600):
        status = client.get(f"/p/{name}/job.json").json
        if status["state"] != "running":
            break
        time.sleep(0.1)
    assert status["state"] == "done", status
    assert status["total"] > 0 and status["done"] == status["total"] and status["percent"] == 100
    page = client.get(f"/p/{name}/job")
    assert "<progress" in page.text and "已完成" in page.text
    assert "查看进度" in client.get(f"/p/{name}/").text  # rejoined from the plan's page
    assert (workspace / name / "机构名单.xlsx").is_file()
    entries = json.loads((workspace / name / "out" / "manifest.json").read_text(encoding="utf-8"))["files"]
    assert len([e for e in entries if e.get("institution")]) == status["total"] == 3 * 4  # 2 tables, .docx and .xlsx


@pytest.mark.slow
def test_plan_page_shows_checks_notices_again_after_a_file_changed(site):
    client, workspace, name, _ = site
    path = workspace / name / "plan.yaml"
    original = path.read_text(encoding="utf-8")
    assert "signed 未设置" in client.get(f"/p/{name}/").text
    path.write_text(original.replace("signed: null", "signed: start.first + 19 days"), encoding="utf-8")
    try:
        assert "signed 未设置" not in client.get(f"/p/{name}/").text  # not the remembered notices
    finally:
        path.write_text(original, encoding="utf-8")


@pytest.mark.slow
@pytest.mark.skipif(not can_render(), reason="需要 LibreOffice 和 pdftoppm")
def test_pages_drawn_by_libreoffice_before_printing(site):
    client, workspace, name, _ = site
    page = client.get(f"/p/{name}/pages?images=1")
    assert page.status_code == 200
    images = re.findall(r'<img src="([^"]+)" alt="([^"]+) 第(\d+)页"', page.text)
    plan_pages = [src for src, doc, _ in images if doc.endswith("工作方案.docx")]
    assert len(plan_pages) >= 3  # the plan runs over several A4 pages
    png = client.get(plan_pages[0])
    assert png.status_code == 200 and png.data.startswith(b"\x89PNG")
    assert client.get(plan_pages[0].replace(".png", "0.png")).status_code == 404
    assert client.get(f"/p/{name}/page/{'a' * 63}g/1.png").status_code == 404


@pytest.mark.slow
def test_serve_starts_prints_its_address_and_token_and_stops(tmp_path):
    import subprocess
    import sys
    import urllib.request

    process = subprocess.Popen([sys.executable, "-m", "planmaker", "serve", "--port", "0", "--workspace",
                                str(tmp_path / "工作"), "--token"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        first = process.stdout.readline()
        url = re.search(r"(http://127\.0\.0\.1:\d+/\?token=\S+)", first).group(1)
        assert "工作文件夹" in process.stdout.readline()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
        with browser.open(url, timeout=30) as page:  # the token, then the session's cookie
            assert page.status == 200 and "全部方案" in page.read().decode("utf-8")
        bare = url.split("?")[0]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(bare, timeout=30)  # no cookie, no token
        assert refused.value.code == 403 and "需要访问令牌" in refused.value.read().decode("utf-8")
    finally:
        process.terminate()
        process.wait(30)
        process.stdout.close()
        process.stderr.close()
    assert (tmp_path / "工作").is_dir()


def test_a_manifest_naming_a_file_outside_is_not_zipped(site, tmp_path):
    client, workspace, name, token = site
    out = workspace / name / "out"
    saved = (out / "manifest.json").read_bytes()
    manifest = json.loads(saved)
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    manifest["files"].append({"path": f"../../../../../../../../..{tmp_path}/secret.txt", "kind": "plan"})
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    try:
        with zipfile.ZipFile(io.BytesIO(client.get(f"/p/{name}/out.zip").data)) as archive:
            assert not [n for n in archive.namelist() if "secret" in n]
    finally:
        (out / "manifest.json").write_bytes(saved)


def test_a_form_for_one_file_refuses_two(site, tmp_path):
    client, workspace, _, token = site
    before = sorted(p.name for p in workspace.iterdir())
    page = _post(client, "/import", token, file=[(io.BytesIO(b"a"), "一.txt"), (io.BytesIO(b"b"), "二.txt")])
    assert page.status_code == 400 and "请只上传一个文件（收到 2 个）" in page.text
    assert sorted(p.name for p in workspace.iterdir()) == before


def test_the_token_leaves_the_address_and_the_rest_of_it_stays(tmp_path):
    client = app_for(tmp_path, token="s3cret").test_client()
    first = client.get("/new?token=s3cret&profile=思南")
    assert first.status_code == 302
    assert urllib.parse.unquote(first.headers["Location"]) == "/new?profile=思南"
    assert 'value="贵州省/铜仁市/思南县"' in client.get(first.headers["Location"]).text

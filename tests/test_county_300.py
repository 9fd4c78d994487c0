"""A county with 300 institutions, end to end (issue 17):

1. build every document of a problem-list campaign with a statistics form, for
   every institution (checklist, self-check and ledger as .docx and .xlsx, the
   institution's own statistics form);
2. each institution fills its form with openpyxl, three with LibreOffice;
3. the county collects them (a missing institution, a duplicate and another
   county's institution's form each reported with the file), then again once
   they are put right;
4. the county's summed form goes to the city with the other counties' forms and
   the city's own institutions' forms, all collected in one run.

The totals are checked exactly at every level."""

from __future__ import annotations

import csv
import random
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from conftest import run_cli, write_plan
from planmaker.office.stats_layout import read_metadata
from problem_campaign import problem_campaign

COUNTY = "rongan"
OTHERS = ["chengzhong", "liubei", "liucheng", "liujiang", "liunan", "luzhai", "rongshui", "sanjiang", "yufeng"]
PLAN = "profile: {profile}\ncampaign: abuses-problems\ndates: {{start: 2020-09, end: 2020-12, report: {report}}}\n"
pytestmark = pytest.mark.xdist_group("county_300")  # the county's 300 forms built once, on one worker
CATEGORIES = ["综合医院", "乡镇卫生院", "诊所", "社区卫生服务中心", "专科医院", "中医医院", "村卫生室", "体检中心"]


def institution_list(path: Path, prefix: str, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["名称", "地址", "类别", "等级", "性质"])
        for i in range(count):
            writer.writerow([f"{prefix}第{i + 1}号医疗机构", f"{prefix}某路{i + 1}号", CATEGORIES[i % len(CATEGORIES)],
                             ["一级", "二级", "三级", "未定级"][i % 4], ["公立", "社会办医"][i % 2]])
    return path


def folder(built: Path, name: str) -> Path:
    """附件N-<name>（按机构）: the per-institution folder of one annex."""
    [found] = built.glob(f"附件*-{name}（按机构）")
    return found


def figures(seed: str, cells) -> dict[str, int]:
    """Random figures that keep the form's rule: corrected (column 2) no more than found (column 1)."""
    rng = random.Random(seed)
    found: dict[str, int] = {}
    values = {}
    for c in cells:
        if c.kind == "input":
            values[c.ref] = rng.randint(0, found[c.line_id] if c.column else 9)
            found[c.line_id] = values[c.ref]
    return values


def fill(path: Path, seed: str, target: Path) -> dict[str, int]:
    """Fill an institution's or a county's form with openpyxl, as a clerk's script would."""
    book = openpyxl.load_workbook(path)
    meta, cells = read_metadata(book)
    values = figures(seed, cells)
    for ref, value in values.items():
        book[meta["sheet"]][ref] = value
    target.parent.mkdir(parents=True, exist_ok=True)
    book.save(target)
    return values


def add(total: dict[str, Decimal], values: dict[str, int]) -> None:
    for ref, value in values.items():
        total[ref] = total.get(ref, Decimal(0)) + value


def summed(out: Path) -> tuple[dict, dict[str, Decimal]]:
    book = openpyxl.load_workbook(next(out.glob("*（汇总）.xlsx")))
    meta, cells = read_metadata(book)
    sheet = book[meta["sheet"]]
    return meta, {c.ref: Decimal(str(sheet[c.ref].value or 0)) for c in cells if c.kind == "input"}


def collect(*inputs, plan: Path, out: Path, campaigns: Path, institutions: Path | None = None):
    extra = ["--institutions", str(institutions)] if institutions else []
    return run_cli("collect", *map(str, inputs), "--plan", str(plan), "-o", str(out), "--campaigns", str(campaigns),
                   "--workers", "2", *extra)


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """The county's build and its 300 filled forms."""
    work = tmp_path_factory.mktemp("county300")
    campaigns = problem_campaign(work / "campaigns")
    plans = {p: write_plan(work / "plans" / p, PLAN.format(profile=p, report="2020-11-27"))
             for p in [COUNTY, *OTHERS]}
    plans["liuzhou"] = write_plan(work / "plans" / "liuzhou", PLAN.format(profile="liuzhou", report="2020-12-04"))
    names = institution_list(work / "融安县机构.csv", "融安县", 300)
    built = work / "build"
    result = run_cli("build", str(plans[COUNTY]), "-o", str(built), "--institutions", str(names), "--workers", "2",
                     "--campaigns", str(campaigns))
    assert result.exit_code == 0, result.output
    forms = sorted(folder(built, "统计表").glob("*.xlsx"))
    inbox, values = work / "收到", {}
    for path in forms:
        values[path.stem] = fill(path, path.stem, inbox / path.name)
    return {"work": work, "campaigns": campaigns, "plans": plans, "names": names, "built": built,
            "inbox": inbox, "values": values}


@pytest.mark.slow
def test_every_document_for_every_institution(county):
    built = county["built"]
    folders = {"检查表": [".docx"], "统计表": [".xlsx"], "自查表": [".docx", ".xlsx"], "整改台账": [".docx", ".xlsx"]}
    for name, suffixes in folders.items():
        for suffix in suffixes:
            assert len(list(folder(built, name).glob(f"*{suffix}"))) == 300, (name, suffix)
    book = openpyxl.load_workbook(folder(built, "自查表") / "融安县第7号医疗机构.xlsx")
    assert book.worksheets[0]["C2"].value == "融安县第7号医疗机构"


@pytest.fixture(scope="module")
def libreoffice_sample(county, libreoffice):
    """Three institutions' forms filled with openpyxl, then opened and saved by LibreOffice."""
    binary = libreoffice
    sample = [county["inbox"] / f"融安县第{n}号医疗机构.xlsx" for n in (1, 150, 300)]
    saved = county["work"] / "libreoffice"
    subprocess.run([binary, f"-env:UserInstallation={(county['work'] / 'lo').as_uri()}", "--headless",
                    "--convert-to", "xlsx", "--outdir", str(saved), *map(str, sample)],
                   check=True, capture_output=True, timeout=300)
    for path in sample:
        assert (saved / path.name).is_file()
        shutil.copy(saved / path.name, path)  # the county receives LibreOffice's copies of these three
    return sample


@pytest.mark.slow
def test_county_and_city_collect_exactly(county, libreoffice_sample):
    work, campaigns, plans, inbox = county["work"], county["campaigns"], county["plans"], county["inbox"]
    # Problems first: one institution missing, one that sent twice, and another county's institution.
    missing = inbox / "融安县第42号医疗机构.xlsx"
    held = work / "held.xlsx"
    shutil.move(missing, held)
    twice = inbox / "重复" / "融安县第7号医疗机构（再次报送）.xlsx"
    twice.parent.mkdir()
    shutil.copy(inbox / "融安县第7号医疗机构.xlsx", twice)
    neighbour = work / "neighbour"
    other_list = institution_list(work / "柳城县机构.csv", "柳城县", 2)
    assert run_cli("build", str(plans["liucheng"]), "-o", str(neighbour), "--institutions", str(other_list),
                   "--only", "stats", "--workers", "1", "--campaigns", str(campaigns)).exit_code == 0
    foreign = inbox / "柳城县第1号医疗机构.xlsx"
    fill(folder(neighbour, "统计表") / "柳城县第1号医疗机构.xlsx", "柳城", foreign)

    out = work / "县汇总-有问题"
    result = collect(inbox, plan=plans[COUNTY], out=out, campaigns=campaigns, institutions=county["names"])
    assert result.exit_code == 1, result.output
    report = (out / "汇总报告.txt").read_text(encoding="utf-8")
    assert "应报送的机构 300 家 × 1 张表；未报送 1 份" in report and "融安县第42号医疗机构" in report
    assert f"{foreign}：是柳城县的机构 “柳城县第1号医疗机构” 的表" in report
    duplicate = next(line for line in report.splitlines() if "报送了 2 份" in line)
    assert str(twice) in duplicate and str(inbox / "融安县第7号医疗机构.xlsx") in duplicate
    assert "各份数字相同，只计入一份" in duplicate
    problems = (out / "问题清单.csv").read_text(encoding="utf-8-sig")
    assert "融安县第42号医疗机构" in problems and str(foreign) in problems and str(twice) in problems
    expected: dict[str, Decimal] = {}
    for name, values in county["values"].items():
        if name != "融安县第42号医疗机构":
            add(expected, values)  # the duplicate counted once, the foreign form not at all
    assert summed(out)[1] == expected

    # Put right, and collect again: complete.
    shutil.move(held, missing)
    shutil.rmtree(twice.parent)
    foreign.unlink()
    out = work / "县汇总"
    result = collect(inbox, plan=plans[COUNTY], out=out, campaigns=campaigns, institutions=county["names"])
    assert result.exit_code == 0, result.output
    county_total: dict[str, Decimal] = {}
    for values in county["values"].values():
        add(county_total, values)
    meta, total = summed(out)
    assert total == county_total and meta["collected_institutions"] == "300" and meta["complete"] == "yes"
    assert meta["jurisdiction_id"] == COUNTY and not meta.get("institution")

    # The city: the county's summed form, the other counties' forms and its own institutions', in one run.
    city_inbox = work / "市收到"
    city_inbox.mkdir()
    shutil.copy(next(out.glob("*（汇总）.xlsx")), city_inbox / "融安县.xlsx")
    city_total = dict(county_total)
    for profile in OTHERS:
        blank = work / "blank" / profile
        assert run_cli("build", str(plans[profile]), "-o", str(blank), "--only", "stats",
                       "--campaigns", str(campaigns)).exit_code == 0
        add(city_total, fill(next(blank.glob("*.xlsx")), profile, city_inbox / f"{profile}.xlsx"))
    city_list = institution_list(work / "市直机构.csv", "柳州市直", 3)
    city_built = work / "市直"
    assert run_cli("build", str(plans["liuzhou"]), "-o", str(city_built), "--institutions", str(city_list),
                   "--only", "stats", "--workers", "1", "--campaigns", str(campaigns)).exit_code == 0
    for path in sorted(folder(city_built, "统计表").glob("*.xlsx")):
        add(city_total, fill(path, path.stem, city_inbox / path.name))
    city_out = work / "市汇总"
    result = collect(city_inbox, plan=plans["liuzhou"], out=city_out, campaigns=campaigns, institutions=city_list)
    assert result.exit_code == 0, result.output
    meta, total = summed(city_out)
    assert total == city_total
    assert meta["collected_institutions"] == "3" and meta["collected_units"].count("、") == 9

"""The prepared-workbook path (office/xlsx_batch.py) against openpyxl, cell by cell,
on hostile names: every per-institution workbook kind (self-check, ledger,
statistics forms)."""

from __future__ import annotations

import csv
import functools
import io
import json
from pathlib import Path

import openpyxl
import pytest

from conftest import EXAMPLES, run_cli, session_folder
from planmaker.commands.build import render_all
from planmaker.inputs.catalog import Catalog
from planmaker.inputs.models import Institution
from planmaker.office.xlsx_batch import canonical_parts, prepare_workbooks
from planmaker.plan.resolve import resolve
from problem_campaign import problem_campaign


@functools.cache
def campaigns() -> Path:
    """The institutions' own statistics form: a campaign whose form institutions fill (issue 23)."""
    return problem_campaign(session_folder("xlsx-batch"), "profile: guangxi\ncampaign: abuses-problems\n"
                            "dates: {start: 2020-09, end: 2020-12, report: 2020-12-05}\n")


def plans() -> dict[str, Path]:
    return {"conduct": EXAMPLES / "county-conduct" / "plan.yaml", "abuses": campaigns() / "plan.yaml"}

HOSTILE = [
    Institution(name="柳州市工人医院", address="柳州市鱼峰区柳石路156号", contact="（姓名）", phone="0772-3824139"),
    Institution(name='A&B <诊所> "甲" \'乙\' ]]> &amp; &#57344;', address="<c>", contact="&", phone="<v>1</v>"),
    Institution(name="{{ 1 + 1 }} {% raw %} }} {{", contact=" 前后有空格 "),
    Institution(name="x" * 500, phone="1" * 9),
    Institution(name="短"),
]


@pytest.fixture(scope="module")
def jobs():
    found = []
    for plan in plans().values():
        _, docs = render_all(resolve(plan, Catalog(campaign_dirs=[campaigns()])), with_institutions=True)
        found += [job for job in docs if job.suffix == ".xlsx"]
    assert {job.kind for job in found} == {"selfcheck", "ledger", "stats"}
    return found


def _style(cell) -> tuple:
    # style objects compare by identity across workbooks: their full text is compared instead
    return tuple(repr(style) for style in (cell.font, cell.fill, cell.border, cell.alignment, cell.protection)) + (
        cell.number_format,)


def workbook_facts(data: bytes) -> dict:
    """Everything a clerk or collect sees in a workbook, as comparable values."""
    book = openpyxl.load_workbook(io.BytesIO(data))
    facts = {"sheets": book.sheetnames, "names": sorted((n, d.attr_text) for n, d in book.defined_names.items()),
             "title": book.properties.title, "creator": book.properties.creator}
    for ws in book.worksheets:
        facts[ws.title] = {
            "state": ws.sheet_state,
            "cells": {c.coordinate: (c.value, c.data_type, _style(c)) for row in ws.iter_rows() for c in row},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "validations": sorted((str(v.sqref), v.type, v.formula1, v.prompt, v.error, v.allow_blank)
                                  for v in ws.data_validations.dataValidation),
            "protection": (ws.protection.sheet, ws.protection.formatColumns, ws.protection.formatRows),
            "print": (ws.page_setup.paperSize, ws.page_setup.orientation, ws.page_setup.fitToWidth,
                      ws.page_setup.fitToHeight, ws.print_area, ws.print_title_rows, ws.freeze_panes,
                      ws.sheet_properties.pageSetUpPr.fitToPage if ws.sheet_properties.pageSetUpPr else None,
                      ws.page_margins.left, ws.page_margins.top, ws.oddFooter.center.text),
            "rows": {n: (d.height, d.customHeight) for n, d in ws.row_dimensions.items()},
            "columns": {k: d.width for k, d in ws.column_dimensions.items()},
        }
    return facts


@pytest.mark.slow
@pytest.mark.parametrize("institution", HOSTILE, ids=range(len(HOSTILE)))
def test_prepared_workbook_matches_openpyxl_cell_by_cell(jobs, institution):
    for job in jobs:
        prepared = prepare_workbooks(job.render, job.keys)
        values = job.fields(institution)
        assert prepared.plain(values), (job.kind, institution.name)
        fast, ordinary = prepared.fill(values), job.render(values)
        assert workbook_facts(fast) == workbook_facts(ordinary), job.kind
        assert canonical_parts(fast) == canonical_parts(ordinary), job.kind
        assert prepared.fill(values) == fast  # deterministic bytes
        book = openpyxl.load_workbook(io.BytesIO(fast))
        meta = {row[0]: row[1] for row in book["_planmaker"].iter_rows(values_only=True) if row[0]}
        assert meta["institution"] == institution.name
        if job.kind == "stats":
            assert book.worksheets[0]["A2"].value.startswith(f"填报单位：{institution.name}")
        else:
            assert book.worksheets[0]["C2"].value == (institution.name.strip() or None)


def test_values_openpyxl_would_not_take_as_text_take_the_ordinary_path(jobs):
    job = next(j for j in jobs if j.kind == "selfcheck")
    prepared = prepare_workbooks(job.render, job.keys)
    for name in ("=HYPERLINK(\"x\")", "#N/A", "换页\x0c符", "tab\there"):
        assert not prepared.plain(job.fields(Institution(name=name))), name
    assert not prepared.plain({**job.fields(HOSTILE[0]), "name": "y" * 40000})  # openpyxl would cut it
    ordinary = job.render(job.fields(Institution(name="=1+1")))
    assert openpyxl.load_workbook(io.BytesIO(ordinary)).worksheets[0]["C2"].data_type == "s"  # never a formula


def test_a_layout_that_looks_at_a_value_is_never_prepared(jobs):
    job = next(j for j in jobs if j.kind == "stats")

    def measuring(values):  # a layout that sizes something by the name: the marker refuses
        return job.render({**values, "info_lines": len(values["unit"])})

    prepared = prepare_workbooks(measuring, job.keys)
    assert not prepared.plain(job.fields(HOSTILE[0]))


@pytest.mark.slow
def test_a_build_with_hostile_names_writes_openpyxls_workbooks(tmp_path: Path, jobs):
    names = tmp_path / "名单.csv"
    with names.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["名称", "类别", "联系人", "联系电话"])
        for institution in HOSTILE:  # a list holds names of up to 200 characters
            writer.writerow([institution.name[:200], "诊所", institution.contact, institution.phone])
        writer.writerow(["控制\x0b字符\x07医院", "诊所", "", ""])
    only = {"conduct": "selfcheck,ledger", "abuses": "stats"}
    for key, plan in plans().items():
        out = tmp_path / key
        result = run_cli("build", str(plan), "-o", str(out), "--institutions", str(names), "--workers", "1",
                         "--only", only[key], "--campaigns", campaigns())
        assert result.exit_code == 0, result.output
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        books = [e for e in manifest["files"] if e.get("institution") and e["path"].endswith(".xlsx")]
        per_institution = {"conduct": 2, "abuses": 1}[key]  # self-check and ledger; the institutions' form
        assert len(books) == (len(HOSTILE) + 1) * per_institution
        kinds = {job.folder: job for job in jobs}
        for entry in books:
            job = kinds[entry["path"].split("/")[0]]
            written = (out / entry["path"]).read_bytes()
            given = next((i for i in HOSTILE if i.name[:200] == entry["institution"]), None)
            institution = Institution(name=entry["institution"], contact=given.contact.strip() if given else "",
                                      phone=given.phone if given else "")
            ordinary = job.render(job.fields(institution))
            assert canonical_parts(written) == canonical_parts(ordinary), entry["path"]
        assert any(e["institution"] == "控制字符医院" for e in books)

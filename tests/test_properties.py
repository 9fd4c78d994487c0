"""Property-based tests: any profile, any institution names, any valid plan dates
give documents that open — every .docx in python-docx, every .xlsx in openpyxl.

The examples are derandomized and no example database is kept, so a run in CI
is the same run as on the developer's machine (200 examples in all, about half
a minute; PLANMAKER_PROPERTY_SCALE=2.5 runs the 500 of before the test suite
was held to five minutes).  Only what each property needs is
rendered, through the pipeline's functions rather than the command line."""

from __future__ import annotations

import csv
import datetime as dt
import functools
import io
import os
import random
import re
import subprocess
import tempfile
import zipfile
from pathlib import Path

import docx
import openpyxl
import pytest
import yaml
from docx.oxml.ns import qn
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import EXAMPLES, ROOT, convert, squash
from planmaker.base import notices
from planmaker.base.dates import format_date
from planmaker.base.errors import InputError
from planmaker.base.textclean import FORBIDDEN, clean
from planmaker.commands.build import make_job, render_all
from planmaker.inputs.catalog import Catalog
from planmaker.inputs.institutions import read_institutions
from planmaker.plan.resolve import resolve
from planmaker.writing.batch import BatchWriter
from planmaker.writing.output import write_outputs

# Slow (about a minute): left out by `pytest -m "not slow"` while working; CI runs them.
pytestmark = pytest.mark.slow

# CI runs 30-40 examples a property (derandomized: the same ones each run); PLANMAKER_PROPERTY_SCALE=10 runs ten times as many
SCALE = float(os.environ.get("PLANMAKER_PROPERTY_SCALE", "1"))


def examples(count: int) -> int:
    return max(1, round(count * SCALE))


PROPERTY = dict(deadline=None, derandomize=True, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
LIUZHOU = (EXAMPLES / "liuzhou-2021" / "plan.yaml").read_text(encoding="utf-8")
GUANGXI = (EXAMPLES / "guangxi-2020" / "plan.yaml").read_text(encoding="utf-8")

# Text as it arrives by e-mail: Chinese, XML's special characters, the control
# characters of pasted text, Markdown and Jinja punctuation, anything else.
HOSTILE = "&<>\"'\x00\x01\x08\x0b\x0c\x0e\x1b\x1f\x7f\t\n\r{}%#*_\\|[]`/:.\u2028\u3000\ufeff\ufffe\uffff"
characters = st.one_of(
    st.sampled_from(HOSTILE),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.characters(exclude_categories=("Cs",)),
)


def text(min_size=0, max_size=30):
    return st.text(characters, min_size=min_size, max_size=max_size)


def visible(value: str) -> str:
    """What must reach the document: the text without forbidden characters."""
    return clean(value)[0]


def has_visible(value: str) -> bool:
    return bool(visible(value).strip())


def open_all(artifacts) -> dict[str, str]:
    """Open every document as Word and Excel would; the text of each .docx."""
    texts = {}
    for artifact in artifacts:
        if artifact.path.endswith((".docx", ".xlsx")):
            with zipfile.ZipFile(io.BytesIO(artifact.data)) as archive:
                for name in archive.namelist():
                    if name.endswith((".xml", ".rels")):
                        xml = archive.read(name).decode("utf-8")
                        assert not FORBIDDEN.search(xml), f"{artifact.path}:{name}"
        if artifact.path.endswith(".docx"):
            body = docx.Document(io.BytesIO(artifact.data)).element.body
            texts[artifact.path] = "\n".join(t.text or "" for t in body.iter(qn("w:t")))
        elif artifact.path.endswith(".xlsx"):
            workbook = openpyxl.load_workbook(io.BytesIO(artifact.data))
            assert workbook.worksheets
    return texts


def write_all(artifacts, folder: Path) -> None:
    """Every file lands under its own name, whatever the text made of the name."""
    report = write_outputs(folder, artifacts, {"generator": "test"})
    assert sorted(report.written) == sorted(a.path for a in artifacts)
    for artifact in artifacts:
        assert (folder / artifact.path).read_bytes() == artifact.data


# ------------------------------------------------------------------ profiles

# a city the national table does not have (its name is made up), so its kind is stated
PROFILE = {**yaml.safe_load((ROOT / "profiles" / "liuzhou.yaml").read_text(encoding="utf-8")), "kind": "地级市"}
profile_fields = st.fixed_dictionaries({
    "name": text(1, 24), "short_name": text(1, 8), "issuer": text(0, 24),
    "health_full": text(1, 24), "health_short": text(1, 12),
    "insurance_full": text(1, 24), "insurance_short": text(1, 12),
})


@settings(max_examples=examples(30), **PROPERTY)
@given(fields=profile_fields)
def test_any_profile_gives_documents_that_open(fields):
    profile = {**PROFILE, "name": fields["name"], "short_name": fields["short_name"], "issuer": fields["issuer"],
               "departments": {**PROFILE["departments"],
                               "health": {"full": fields["health_full"], "short": fields["health_short"]},
                               "insurance": {"full": fields["insurance_full"], "short": fields["insurance_short"]}}}
    required = ("name", "short_name", "health_full", "health_short", "insurance_full", "insurance_short")
    with tempfile.TemporaryDirectory() as folder, notices.collecting() as warnings:
        folder = Path(folder)
        (folder / "profiles").mkdir()
        (folder / "profiles" / "prop.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
        plan = folder / "plan.yaml"
        plan.write_text(LIUZHOU.replace("profile: liuzhou", "profile: prop"), encoding="utf-8")
        try:
            resolved = resolve(plan, Catalog([folder / "profiles"]))
        except InputError as exc:
            # refused only when a required field has nothing left to show
            assert not all(visible(fields[f]) for f in required), str(exc)
            assert all(p.file and "prop.yaml" in str(p.file) and p.field for p in exc.problems), str(exc)
            return
        artifacts, _ = render_all(resolved, ["plan", "preview", "tasks"])
        texts = open_all(artifacts)
        write_all(artifacts, folder / "out")

    plan_text = squash(next(t for p, t in texts.items() if "附件" not in p))
    assert squash(visible(fields["name"])) in plan_text
    assert squash(visible(fields["health_short"])) in plan_text
    for field, value in fields.items():
        if FORBIDDEN.search(value):
            key = field.replace("_full", ".full").replace("_short", ".short")
            assert any(w.field and w.field.endswith(key) for w in warnings), (field, [str(w) for w in warnings])


# ------------------------------------------------------------------ institution names

@functools.cache
def guangxi_checklist():
    job = make_job(resolve(EXAMPLES / "guangxi-2020" / "plan.yaml", Catalog()), with_institutions=True)
    return job, next(a for a in job.annexes if a.kind == "checklist")


CATEGORIES = ["综合医院", "乡镇卫生院", "诊所", "社区卫生服务中心", "民营专科医院"]
institution = st.fixed_dictionaries({
    "name": text(1, 40), "address": text(0, 30), "contact": text(0, 10), "phone": text(0, 15),
    "category": st.sampled_from(CATEGORIES),
})


@settings(max_examples=examples(40), **PROPERTY)
@given(rows=st.lists(institution, min_size=1, max_size=2))
def test_any_institution_names_give_checklists_that_open(rows):
    # distinct names: the last character tells them apart
    for i, row in enumerate(rows):
        row["name"] = f"{row['name']}{i}"
    with tempfile.TemporaryDirectory() as folder, notices.collecting() as warnings:
        folder = Path(folder)
        listing = folder / "名单.csv"
        with listing.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["名称", "地址", "联系人", "联系电话", "类别"])
            for row in rows:
                writer.writerow([row["name"], row["address"], row["contact"], row["phone"], row["category"]])
        institutions = read_institutions(listing)
        assert len(institutions) == len(rows)
        job, annex = guangxi_checklist()
        # through the batch: the prepared template, with the ordinary path for what it cannot take
        docs = job.kinds["checklist"].annex_institution_docs(job, annex)
        artifacts = BatchWriter(docs, institutions).artifacts()
        texts = open_all(artifacts)
        write_all(artifacts, folder / "out")

    assert len({a.path.casefold() for a in artifacts}) == len(rows)
    for row, institution, artifact in zip(rows, institutions, artifacts):
        shown = squash(texts[artifact.path])
        assert squash(institution.name) in shown
        assert squash(visible(row["name"]).replace("\x7f", "")) == squash(institution.name)
        if institution.address:
            assert squash(institution.address) in shown
    for row in rows:
        if FORBIDDEN.search(row["name"]):
            assert any(w.field == "名称" and w.line for w in warnings), [str(w) for w in warnings]


# ------------------------------------------------------------------ dates

LIUZHOU_HEAD = LIUZHOU[:LIUZHOU.index("dates:")]


@st.composite
def plan_dates(draw):
    """A valid plan: absolute or relative dates, phases in order."""
    year = draw(st.integers(2000, 2060))
    month = draw(st.integers(1, 12))
    precise = draw(st.booleans())
    start = f"{year}-{month:02d}-{draw(st.integers(1, 28)):02d}" if precise else f"{year}-{month:02d}"
    lengths = [draw(st.integers(0, 3)) for _ in range(4)]
    relative = draw(st.booleans())
    first = "start" if precise else "start.first"
    signed = draw(st.one_of(st.just(f"{first} + {draw(st.integers(0, 25))} days"),
                            st.just(f"{first} - {draw(st.integers(1, 10))} working days"),
                            st.just(f"{year}-{month:02d}-{draw(st.integers(1, 28)):02d}"),
                            st.none()))
    names = ["deploy", "self-check", "inspection", "summary"]
    lines = ["dates:", f"  start: {start}", "  end: summary.end"]
    if signed:
        lines.append(f"  signed: {signed}")
    lines += ["  stage_report: inspection.start.first", "  final_report: summary.end.first", "phases:"]
    previous = "start"
    cursor = dt.date(year, month, 1)
    for name, length in zip(names, lengths):
        if relative:
            begin = previous if previous == "start" else f"{previous} + 1 month"
            lines.append(f"  {name}: {{start: {begin}, end: {name}.start + {length} months}}")
        else:
            end = _add_months(cursor, length)
            lines.append(f"  {name}: {{start: {cursor:%Y-%m}, end: {end:%Y-%m}}}")
            cursor = _add_months(end, 1)
        previous = f"{name}.end"
    return LIUZHOU_HEAD + "\n".join(lines) + "\n"


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@settings(max_examples=examples(30), **PROPERTY)
@given(plan_text=plan_dates())
def test_any_valid_plan_dates_give_documents_that_open(plan_text):
    with tempfile.TemporaryDirectory() as folder:
        plan = Path(folder) / "plan.yaml"
        plan.write_text(plan_text, encoding="utf-8")
        resolved = resolve(plan, Catalog())
        artifacts, _ = render_all(resolved, ["plan", "calendar"])
        texts = open_all(artifacts)
    plan_text_out = next(t for p, t in texts.items() if "附件" not in p)
    signed = resolved.dates.get("signed")
    if signed is not None:
        assert plan_text_out.rstrip().endswith(format_date(signed))
    else:
        assert plan_text_out.rstrip().endswith("20__年__月__日")
    start = resolved.dates["start"]
    assert str(start.year) in plan_text_out.splitlines()[0]
    calendar = next(a for a in artifacts if a.path.endswith(".ics")).data
    assert calendar.startswith(b"BEGIN:VCALENDAR")


# ------------------------------------------------------------------ LibreOffice

def hostile_name(rng: random.Random, size: int) -> str:
    pool = HOSTILE + "柳州融安测试医院诊所" + "".join(chr(rng.randrange(0x20, 0x3000)) for _ in range(20))
    return "".join(rng.choice(pool) for _ in range(size))


def test_a_sample_of_hostile_documents_converts_in_libreoffice(libreoffice, tmp_path):
    """A few documents made from hostile text, converted in one soffice call."""
    rng = random.Random(20211)
    files = []
    for i in range(3):
        name = f"测试{i}{hostile_name(rng, 12)}"
        profile = {**PROFILE, "name": name, "short_name": hostile_name(rng, 4) + "测",
                   "departments": {**PROFILE["departments"],
                                   "health": {"full": hostile_name(rng, 10) + "委", "short": hostile_name(rng, 5)}}}
        folder = tmp_path / f"case{i}"
        (folder / "profiles").mkdir(parents=True)
        (folder / "profiles" / "prop.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
        plan = folder / "plan.yaml"
        plan.write_text(LIUZHOU.replace("profile: liuzhou", "profile: prop"), encoding="utf-8")
        with notices.collecting():
            artifacts, _ = render_all(resolve(plan, Catalog([folder / "profiles"])), ["plan", "tasks"])
        for j, artifact in enumerate(artifacts):
            path = tmp_path / "docs" / f"{i}-{j}{Path(artifact.path).suffix}"
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(artifact.data)
            files.append(path)
    pdfs = convert(libreoffice, files, tmp_path / "pdf")
    for pdf in pdfs:
        assert pdf.is_file() and pdf.read_bytes().startswith(b"%PDF"), pdf
    text = subprocess.run(["pdftotext", str(pdfs[0]), "-"], capture_output=True, text=True).stdout
    assert "测试0" in re.sub(r"\s+", "", text) or not text

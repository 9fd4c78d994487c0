"""The .docx merge as a property (issue 24): random edits of random paragraphs of the plan, then a
date change; the merged text holds every edited paragraph exactly as edited and every untouched
dated paragraph exactly as newly generated, and rejecting the merge's changes gives the clerk's
file back."""

from __future__ import annotations

import io

import docx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli
from planmaker.office.docx_merge import merge_docx
from test_merge import PLAN, PLAN_DOCX, later, texts

pytestmark = pytest.mark.slow

OPS = ["word", "append", "rewrite", "delete", "insert", "bold"]


class Versions(tuple):
    def __repr__(self) -> str:  # a failing example names the versions, not their bytes
        return "Versions(base, theirs)"


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    root = tmp_path_factory.mktemp("merge-properties")
    made = []
    for name, text in (("first", PLAN.read_text(encoding="utf-8")), ("second", later(PLAN.read_text(encoding="utf-8")))):
        plan = root / f"{name}.yaml"
        plan.write_text(text, encoding="utf-8")
        assert run_cli("build", plan, "-o", root / name, "--only", "plan").exit_code == 0
        made.append((root / name / PLAN_DOCX).read_bytes())
    return Versions(made)


def edited(base: bytes, edits: dict[int, str]) -> tuple[bytes, set[str], set[str]]:
    """The clerk's copy: ``edits`` maps a paragraph's number to what is done to it.  Returns the
    copy, the texts the clerk wrote and the texts the clerk deleted."""
    document = docx.Document(io.BytesIO(base))
    paragraphs = document.paragraphs
    wrote, deleted = set(), set()
    for number, op in edits.items():
        p = paragraphs[number]
        first = p.runs[0]
        if op == "word":
            first.text = first.text[:2] + f"【改{number}】" + first.text[3:]
        elif op == "append":
            p.add_run(f"（补{number}）")
        elif op == "rewrite":
            first.text = f"办公室改写的第{number}段。"
            for run in p.runs[1:]:
                run.text = ""
        elif op == "delete":
            deleted.add(p.text)
            p._p.getparent().remove(p._p)
            continue
        elif op == "insert":
            paragraphs[number].insert_paragraph_before(f"办公室新加的第{number}段。")
            wrote.add(f"办公室新加的第{number}段。")
            continue
        else:
            first.bold = True
            continue
        wrote.add(p.text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue(), wrote, deleted


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_edits_then_a_date_change(versions, data):
    base, theirs = versions
    base_texts = [p.text for p in docx.Document(io.BytesIO(base)).paragraphs]
    theirs_texts = [p.text for p in docx.Document(io.BytesIO(theirs)).paragraphs]
    assert len(base_texts) == len(theirs_texts)  # a date change moves no paragraph
    editable = [i for i, t in enumerate(base_texts) if len(t) > 3 and base_texts.count(t) == 1]
    chosen = data.draw(st.lists(st.sampled_from(editable), unique=True, min_size=1, max_size=12), label="paragraphs")
    edits = {i: data.draw(st.sampled_from(OPS), label=f"edit {i}") for i in chosen}
    ours, wrote, deleted = edited(base, edits)
    result = merge_docx(base, ours, theirs, True, "planmaker", "2021-09-30T00:00:00Z")
    shown = texts(result.data)
    for text in wrote:
        assert text in shown  # every edited paragraph exactly as edited
    touched = {i for i, op in edits.items() if op != "bold"}
    for i, (old, new) in enumerate(zip(base_texts, theirs_texts)):
        if old != new and i not in touched:
            assert new in shown, (i, new)  # every untouched dated paragraph as newly generated
    for text in deleted:
        assert text not in shown
    assert texts(result.data, "reject") == texts(ours)  # rejecting the changes gives the clerk's file back
    conflicted = {i for i, op in edits.items() if op in ("word", "append", "rewrite") and base_texts[i] != theirs_texts[i]}
    assert len(result.conflicts) >= len(conflicted)

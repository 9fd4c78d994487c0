"""planmaker import (issue 13): a received plan becomes a campaign and a plan
file that rebuild it, for its own jurisdiction and for any other."""

from __future__ import annotations

import difflib
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, docx_text, files_of_kind, run_cli
from planmaker.inputs.catalog import Catalog
from seed_plans import body_only, plans

SEED_PLANS = plans()
FIXTURES = ROOT / "tests" / "data" / "import"
# Other jurisdictions to build an imported plan for: the first three whose kind differs from the original's,
# in the order province, prefecture, county.
OTHERS = ["sichuan", "yaan", "rongan", "shijiazhuang-changan", "guangxi"]


def ratio(a: str, b: str) -> float:
    """As the fidelity tests measure it, with NFKC (the seeds mix （） and ())."""
    def fold(text):
        return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    return difflib.SequenceMatcher(None, fold(a), fold(b), autojunk=False).ratio()


def import_file(source: Path, out: Path, *extra: str) -> Path:
    result = run_cli("import", source, "-o", out, *extra)
    assert result.exit_code == 0, result.output
    return out


def built_text(plan: Path, out: Path, profile: str | None = None) -> str:
    if profile:
        data = yaml.safe_load(plan.read_text(encoding="utf-8"))
        data["profile"] = profile
        plan = plan.with_name(f"plan-{profile}.yaml")
        plan.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = run_cli("build", plan, "-o", out, "--only", "plan")
    assert result.exit_code == 0, result.output
    (document,) = files_of_kind(out, "plan")
    return docx_text(document)


def own_words(folder: Path) -> tuple[str, set[str]]:
    """The issuing jurisdiction's words: name, short name, 我X/全X/X直, issuer and departments."""
    plan = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    j = Catalog().load_profile(plan["profile"], folder)
    words = {j.self, j.whole, j.directly_under, j.issuer}
    words |= {j.name} if not j.name.startswith("__") else set()
    words |= {j.short_name} if len(j.short_name) >= 2 and "_" not in j.short_name else set()
    for department in j.departments.values():
        words |= {department.full, department.short}
    return j.kind, {w for w in words if w}


def left_over(text: str, words: set[str], target: str) -> list[str]:
    """Words of the original left in a plan built for ``target`` (its own words excepted; a word
    inside another name, as 市卫健委 in 宜春市卫健委, is that other place's)."""
    t = Catalog().load_profile(target)
    theirs = {t.self, t.whole, t.directly_under, t.name, t.short_name}
    theirs |= {d.full for d in t.departments.values()} | {d.short for d in t.departments.values()}
    free = r"(?:(?<![\u4e00-\u9fff])|(?<=[的和与及由向报将对在、]))"
    return sorted(w for w in words - theirs if re.search(free + re.escape(w), text))


def others_for(kind: str) -> list[str]:
    chosen, kinds = [], {kind}
    for target in OTHERS:
        other = Catalog().load_profile(target).kind
        if other not in kinds and len(chosen) < 3:
            chosen.append(target)
            kinds.add(other)
    return chosen


# ---------------------------------------------------------------- every seed plan, from its text

@pytest.mark.parametrize("key", sorted(SEED_PLANS))
def test_seed_plan_imported_from_text_rebuilds_it(key, tmp_path):
    source = tmp_path / f"{key}.txt"
    source.write_text(SEED_PLANS[key], encoding="utf-8")
    folder = import_file(source, tmp_path / "imported")
    score = ratio(built_text(folder / "plan.yaml", tmp_path / "out"), body_only(key, SEED_PLANS[key]))
    print(f"seed {key}: ratio {score:.4f}")
    assert score >= 0.95, score


@pytest.mark.parametrize("key", sorted(SEED_PLANS))
def test_seed_plan_built_for_other_jurisdictions_keeps_no_word_of_the_original(key, tmp_path):
    source = tmp_path / f"{key}.txt"
    source.write_text(SEED_PLANS[key], encoding="utf-8")
    folder = import_file(source, tmp_path / "imported")
    kind, words = own_words(folder)
    for target in others_for(kind):
        text = built_text(folder / "plan.yaml", tmp_path / target, target)
        assert not left_over(text, words, target), (target, left_over(text, words, target))

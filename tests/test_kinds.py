"""The kinds of document come from one registry: a new kind is one module and
one registry line, and it is then built, listed in the manifest, accepted by
--only and shown in the help, with no other change."""

import pytest

from conftest import EXAMPLES, manifest, run_cli
from planmaker.base.files import Artifact
from planmaker.kinds import registry
from planmaker.kinds.base import Job, Kind

PLAN = EXAMPLES / "liuzhou-2021" / "plan.yaml"


class ToyKind(Kind):
    """A toy kind, as a test writes one: the plan's headings as a text file."""

    key = "toy"
    summary = "玩具类别：方案的标题清单"

    def files(self, job: Job) -> list[Artifact]:
        text = "\n".join([job.plan.title, job.resolved.jurisdiction.name]) + "\n"
        return [Artifact(f"{job.stem}-标题.txt", self.key, text.encode("utf-8"))]


@pytest.fixture
def toy():
    registry.register(ToyKind())
    yield
    del registry.KINDS["toy"]


def test_a_new_kind_is_built_and_listed_in_the_manifest(toy, tmp_path):
    result = run_cli("build", PLAN, "-o", tmp_path)
    assert result.exit_code == 0, result.output
    entries = [f for f in manifest(tmp_path)["files"] if f["kind"] == "toy"]
    assert len(entries) == 1
    assert "柳州市" in (tmp_path / entries[0]["path"]).read_text(encoding="utf-8")


def test_only_accepts_a_new_kind(toy, tmp_path):
    result = run_cli("build", PLAN, "-o", tmp_path, "--only", "toy")
    assert result.exit_code == 0, result.output
    assert {f["kind"] for f in manifest(tmp_path)["files"]} == {"toy"}


def test_the_help_lists_a_new_kind(toy):
    help_text = run_cli("build", "--help").output
    assert "toy" in help_text and "玩具类别" in help_text


def test_every_registered_kind_is_in_the_help_and_only_unknown_kinds_are_refused(tmp_path):
    help_text = run_cli("build", "--help").output
    for key in registry.default_keys():
        assert key in help_text
    result = run_cli("build", PLAN, "-o", tmp_path, "--only", "plan,nonsense")
    assert result.exit_code == 2
    assert "nonsense" in result.output and not (tmp_path / "manifest.json").exists()


def test_build_branches_on_no_kind():
    """The pipeline iterates the registry: commands/build.py compares nothing with a kind's name."""
    import ast

    from conftest import ROOT

    tree = ast.parse((ROOT / "src" / "planmaker" / "commands" / "build.py").read_text(encoding="utf-8"))
    compared = {node.value for compare in ast.walk(tree) if isinstance(compare, ast.Compare)
                for node in ast.walk(compare) if isinstance(node, ast.Constant)}
    assert not compared & set(registry.KINDS)
    assert "build" in {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}


def test_the_worked_example_of_the_architecture_guide_works(tmp_path):
    """docs/ARCHITECTURE.md shows how to add a kind; its code, as written there, builds."""
    import re
    import textwrap

    from conftest import ROOT

    guide = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    module, line = re.findall(r"```python\n(.*?)```", guide, flags=re.S)[:2]
    namespace: dict = {}
    exec(textwrap.dedent(module), namespace)
    exec(textwrap.dedent(line), {**namespace, "register": registry.register})
    try:
        result = run_cli("build", PLAN, "-o", tmp_path, "--only", "contacts")
        assert result.exit_code == 0, result.output
        [entry] = manifest(tmp_path)["files"]
        assert entry["kind"] == "contacts"
        assert "柳州市卫生健康委员会" in (tmp_path / entry["path"]).read_text(encoding="utf-8")
    finally:
        registry.KINDS.pop("contacts", None)


def test_every_annex_kind_of_the_catalogue_has_its_document_kind():
    """One catalogue (inputs/annex_kinds.py): each entry is laid out by a registered AnnexKind and each
    AnnexKind has an entry; campaign.yaml may name exactly these."""
    from planmaker.inputs.annex_kinds import CATALOGUE
    from planmaker.kinds.base import AnnexKind
    from planmaker.kinds.registry import KINDS

    assert {k for k, kind in KINDS.items() if isinstance(kind, AnnexKind)} == set(CATALOGUE)


def test_an_unknown_annex_kind_is_named_with_its_line(tmp_path):
    from planmaker.base.errors import InputError
    from planmaker.inputs.catalog import Catalog

    folder = tmp_path / "专项"
    folder.mkdir()
    (folder / "campaign.yaml").write_text("name: 测试\ndescription: 测试\ntitle: 测试方案\nsections: []\nannexes:\n"
                                          "  - kind: tasks\n  - kind: stat\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        Catalog().load_campaign(str(folder / "campaign.yaml"))
    (problem,) = caught.value.problems
    assert problem.line == 7 and problem.field == "annexes[2].kind"
    assert "未知的附件类别 “stat”" in problem.message and "stats" in problem.message

"""Record (or compare) the sha256 of every file every bundled example builds.

    python scripts/example_hashes.py            # print the table as JSON
    python scripts/example_hashes.py --write    # refresh tests/data/example_hashes.json

The table is the byte-identity promise in numbers: a refactor must leave it
unchanged (tests/test_example_hashes.py), and a change that means to alter the
documents refreshes it in the same commit, so the diff shows which files moved.
Each example is built twice: as it is, and with a small institution list, so
that every per-institution document is covered too.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "tests" / "data" / "example_hashes.json"

INSTITUTIONS = (
    "名称,类别,等级,性质,地址\n"
    "第一人民医院,综合医院,三级,公立,人民路1号\n"
    "中医医院,中医类医院,二级,公立,中山路2号\n"
    "康宁诊所,诊所,未定级,社会办医,&<>\"' 街3号\n"
)


def _digest(folder: Path) -> dict[str, str]:
    """Every output file; not the bases kept for merging (.planmaker-base/), which are the folder's state."""
    return {path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file() and ".planmaker-base" not in path.parts}


def build_examples(folder: Path) -> dict[str, Path]:
    """Every build of the table into ``folder``: {build's name: its output folder}.  The page test
    (tests/test_pages.py) prints these same builds."""
    from click.testing import CliRunner

    from planmaker.cli import main

    names = folder / "名单.csv"
    names.write_text(INSTITUTIONS, encoding="utf-8")
    built: dict[str, Path] = {}
    runner = CliRunner()
    for plan in sorted((ROOT / "examples").glob("*/plan.yaml")):
        for variant, extra in (("", []), ("+institutions", ["--institutions", str(names), "--workers", "1"])):
            out = built[f"{plan.parent.name}{variant}"] = folder / f"{plan.parent.name}{variant}"
            result = runner.invoke(main, ["build", str(plan), "-o", str(out), *extra])
            if result.exit_code != 0:
                raise SystemExit(f"{plan}{variant}: exit {result.exit_code}\n{result.output}")
    return built


def hashes_of(built: dict[str, Path]) -> dict[str, dict[str, str]]:
    return {name: _digest(out) for name, out in built.items()}


def example_hashes() -> dict[str, dict[str, str]]:
    with tempfile.TemporaryDirectory() as tmp:
        return hashes_of(build_examples(Path(tmp)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="refresh " + str(TABLE.relative_to(ROOT)))
    args = parser.parse_args()
    table = example_hashes()
    text = json.dumps(table, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    if args.write:
        TABLE.write_text(text, encoding="utf-8")
        print(f"{sum(len(v) for v in table.values())} files in {len(table)} builds → {TABLE}")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()

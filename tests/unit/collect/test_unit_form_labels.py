"""collect.run.form_labels: the labels collect expects on a filled form come from the form's layout,
and are the very labels the workbook planmaker renders carries, for every bundled statistics form."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from planmaker.base import resources
from planmaker.collect.run import form_labels
from planmaker.inputs.annex_kinds import annex_kind
from planmaker.inputs.catalog import Catalog
from planmaker.inputs.validation import parse_model
from planmaker.inputs.yamlfile import load_file
from planmaker.office.stats_layout import HEAD_ROW, Layout
from planmaker.office.xlsx_stats import stats_workbook


def bundled_forms():
    catalog = Catalog()
    found = {}
    for cid in catalog.campaign_ids():
        campaign = catalog.load_campaign(cid)
        if resources.campaigns_dir().resolve() not in campaign.file.resolve().parents:
            continue
        for ref in campaign.model.annexes:
            kind = annex_kind(ref.kind)
            if kind.collected and ref.source and kind.spec is not None:
                path = campaign.folder / ref.source
                found[f"{cid}/{ref.source}"] = parse_model(kind.spec, load_file(path), path)
    return found


FORMS = bundled_forms()


def rendered_labels(data: bytes, label_cols: list[int]) -> dict[str, str]:
    """Every text below the title rows of the workbook's form sheet (formulas are not text); a group's
    or a line's name a page break repeats beside the rows on the new page (office/xlsx_pages.py) is
    the same label again, left out."""
    sheet = openpyxl.load_workbook(io.BytesIO(data)).worksheets[0]
    breaks = {b.id for b in sheet.row_breaks.brk}
    found, above = {}, {}
    for row in sheet.iter_rows(min_row=HEAD_ROW):
        for cell in row:
            if isinstance(cell.value, str) and cell.data_type == "s":
                repeated = cell.row - 1 in breaks and cell.column in label_cols and above.get(cell.column) == cell.value
                if not repeated:
                    found[cell.coordinate] = cell.value
                above[cell.column] = cell.value
    return found


def test_there_are_bundled_forms():
    assert len(FORMS) >= 5


@pytest.mark.parametrize("name", sorted(FORMS))
def test_collects_labels_are_the_rendered_forms(name):
    spec = FORMS[name]
    data = stats_workbook(spec, spec.title or "统计表", "", "2024年5月", {}, dt.datetime(2024, 5, 1))
    layout = Layout(spec)
    assert form_labels(layout) == rendered_labels(data, layout.label_cols)

"""Code inserted by ``%ask --insert`` runs in a fresh kernel and gives the answer's value."""

from __future__ import annotations

import json

import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook

import analyst_magics as am
from analyst_magics.jsonable import to_jsonable
from analyst_magics.namespace import standalone_code

QUESTIONS = [
    "how many rows are there?",
    "average Revenue by Region",
    "which Product Category has the highest total Revenue?",
    "how many orders were returned?",
    "top 3 Regions by total Revenue",
]
ROWS = 600


@pytest.mark.slow
def test_inserted_code_gives_the_same_value_in_a_fresh_kernel() -> None:
    sales = am.sample_data(rows=ROWS)
    answers = [am.ask(sales, q, engine="rules") for q in QUESTIONS]
    assert all(a.code for a in answers), [a.message for a in answers if not a.code]
    cells = [new_code_cell(f"import json\nimport analyst_magics as am\n"
                           f"from analyst_magics.jsonable import to_jsonable\n"
                           f"sales = am.sample_data(rows={ROWS})")]
    for answer in answers:
        cells.append(new_code_cell(standalone_code(answer.code, "sales") +
                                   "print(json.dumps(to_jsonable(result)))"))
    nb = new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    for answer, cell in zip(answers, nb.cells[1:], strict=True):
        printed = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
        assert json.loads(printed) == to_jsonable(answer.value), answer.question

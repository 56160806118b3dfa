"""Progress of ``%%analyze`` in a real kernel: one line updated in place, never stderr."""

from __future__ import annotations

import pytest
from nbclient import NotebookClient
from nbformat.v4 import new_code_cell, new_notebook


@pytest.mark.slow
def test_progress_updates_in_place_and_leaves_the_result() -> None:
    nb = new_notebook(cells=[
        new_code_cell("%load_ext analyst_magics\nimport analyst_magics as am\n"
                      "sales = am.sample_data(rows=800)"),
        new_code_cell("%%analyze sales\naverage revenue by region")])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    seen: list[str] = []
    client = NotebookClient(nb, timeout=180, kernel_name="python3")
    original = client.process_message

    def watch(msg: dict, cell: object, index: int) -> object:
        seen.append(msg["msg_type"])
        return original(msg, cell, index)

    client.process_message = watch  # type: ignore[method-assign]
    client.execute()
    outputs = nb.cells[1].outputs
    assert not [o for o in outputs if o.output_type == "stream" and o.name == "stderr"]
    assert seen.count("update_display_data") >= 2  # the same line, redrawn
    progress = [o for o in outputs if o.output_type == "display_data"
                and "am-progress" in o.get("data", {}).get("text/html", "")]
    assert progress == []  # cleared once the analysis is done
    assert any("Analysis of sales" in o.get("data", {}).get("text/html", "") for o in outputs)

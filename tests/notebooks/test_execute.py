"""Every learner notebook runs headless from top to bottom without an error."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

pytestmark = pytest.mark.notebook


@pytest.mark.parametrize("nb_path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs_without_error(nb_path: Path, tmp_path: Path, monkeypatch):
    """Does the notebook execute headless, with widgets and no error output?"""
    monkeypatch.setenv("ENGAGE_DATA_DIR", str(tmp_path))
    nb = nbformat.read(nb_path, as_version=4)
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(nb_path.parent)}},
    )
    client.execute()
    widget_views = 0
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error", (
                f"{nb_path.name}: {output.get('ename')}: {output.get('evalue')}"
            )
            assert output.get("name") != "stderr", f"{nb_path.name}: stderr: {output['text']}"
            if "application/vnd.jupyter.widget-view+json" in output.get("data", {}):
                widget_views += 1
    assert widget_views >= len([c for c in nb.cells if c.cell_type == "code"]), (
        "every code cell should display a course widget"
    )

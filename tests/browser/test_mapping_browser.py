"""The community-mapping page in a real browser: a CSV upload mapped, reported, downloaded."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.axe import serious_violations

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
MODULE = "10-community-mapping"
NOTEBOOK = ROOT / "notebooks" / f"{MODULE}.ipynb"
ASSETS = ".engage-mapping-assets"
ERROR_TEXT = re.compile(r"Traceback|Something went wrong|There was an error when executing")
CSV_WITH_A_BAD_ROW = (
    "name,category,description,links_to,contact\r\n"
    'Oak Street Library,institutions,Branch library,Riverside Choir,"Ana Diaz, 555-0199"\r\n'
    "Riverside Choir,associations,Sings on Sundays,,\r\n"
    "Mystery Place,spaceship,Nobody knows,,\r\n"
)

needs_notebook = pytest.mark.skipif(
    not NOTEBOOK.exists(),
    reason=f"{NOTEBOOK.relative_to(ROOT)} does not exist yet (module 10's notebook)",
)


def open_mapping(page, server) -> None:
    page.goto(server.url(f"voila/render/notebooks/{MODULE}.ipynb"))
    page.wait_for_selector(".jupyter-widgets", state="visible", timeout=90_000)
    page.locator(ASSETS).wait_for(state="visible", timeout=90_000)


def upload_assets(page, tmp_path: Path) -> None:
    csv_file = tmp_path / "my-assets.csv"
    csv_file.write_bytes(CSV_WITH_A_BAD_ROW.encode("utf-8"))
    # ipywidgets' FileUpload keeps its <input type="file"> out of the DOM and clicks it when
    # its button is pressed, so the file goes in through the file chooser that opens.
    with page.expect_file_chooser() as chooser:
        page.locator(f"{ASSETS} button.widget-upload").click()
    chooser.value.set_files(csv_file)
    expect(page.locator(ASSETS)).to_contain_text("Imported 2 of 3 rows", timeout=30_000)


@needs_notebook
def test_uploaded_csv_is_mapped_its_bad_row_reported_and_the_map_downloads(
    page, voila, tmp_path: Path
):
    """Are an uploaded CSV's good rows mapped, the bad row reported, and the map downloadable?"""
    open_mapping(page, voila)
    tool = page.locator(ASSETS)
    upload_assets(page, tmp_path)
    report = tool.get_by_role("table", name=re.compile("Problems in my-assets.csv"))
    expect(report).to_contain_text("spaceship")
    row = report.get_by_role("row").nth(1)
    expect(row).to_contain_text("4")
    expect(row).to_contain_text("category")
    image = tool.locator("figure img")
    expect(image).to_be_visible(timeout=30_000)
    alt = image.get_attribute("alt") or ""
    assert alt.startswith("2 assets: 1 association, 1 institution;"), alt
    assert "Oak Street Library" in alt and "Riverside Choir" in alt
    assert "Mystery Place" not in alt
    natural_width = image.evaluate("img => img.naturalWidth")
    assert natural_width > 300, "the map's PNG did not load"

    with page.expect_download() as info:
        tool.get_by_role("link", name="Download the asset map as PNG").click()
    download = info.value
    assert download.suggested_filename == "asset-map.png"
    assert Path(download.path()).read_bytes().startswith(b"\x89PNG\r\n\x1a\n")

    with page.expect_download() as info:
        tool.get_by_role("link", name="Download your assets (CSV)").click()
    data = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    assert info.value.suggested_filename == "asset-map.csv"
    assert "Oak Street Library" in data and "Riverside Choir" in data
    assert "555-0199" not in data, "contact details left the machine without being chosen"
    assert not ERROR_TEXT.search(page.evaluate("document.body.innerText"))


@needs_notebook
def test_mapping_page_has_no_serious_accessibility_violations(page, voila, tmp_path: Path):
    """With every tool filled in and drawn, does axe-core find no serious or critical violation?"""
    open_mapping(page, voila)
    upload_assets(page, tmp_path)
    expect(page.locator(f"{ASSETS} figure img")).to_be_visible(timeout=30_000)
    for kind in ("stakeholders", "partners"):
        tool = page.locator(f".engage-mapping-{kind}")
        tool.get_by_role("button", name="Load the sample for my profile").click()
        expect(tool.locator("figure img").first).to_be_visible(timeout=30_000)
    coalition = page.locator(".engage-mapping-coalition")
    coalition.get_by_role("combobox").first.select_option(label="Yes")
    expect(coalition).to_contain_text("Your coalition is in the", timeout=15_000)
    bad = serious_violations(page)
    assert not bad, "\n".join(bad)
    assert not ERROR_TEXT.search(page.evaluate("document.body.innerText"))

"""The start page's participation record and "Check a badge" in a real browser, via Voila."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import expect

from engage.badges import EligibilityRecord, init_issuer, issue, load_badges
from tests.browser.axe import serious_violations
from tests.conftest import ROOT, START_PATH

pytestmark = pytest.mark.browser

ISSUED = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def badge_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A baked PNG badge issued with a key made at test time, and the issuer's JWK set."""
    base = tmp_path_factory.mktemp("badge")
    issuer = init_issuer(
        base / "issuer",
        name="Springfield Public Library",
        url="https://library.example.org/badges/",
        email="badges@library.example.org",
        description="A public library that runs cohorts.",
        key_bits=2048,
    )
    record = EligibilityRecord(learner="ana", achievement="course-completion", email="a@b.org")
    issue([record], issuer, load_badges(ROOT), base / "out", issued_at=ISSUED)
    return base / "out" / "ana" / "course-completion.png", issuer.jwks_path


def open_start(page, server):
    page.goto(server.url(START_PATH))
    page.wait_for_selector(".jupyter-widgets", state="visible", timeout=60_000)
    record = page.get_by_role("region", name="My participation record")
    record.wait_for(timeout=60_000)
    return record


def choose(page, label: str, path: Path) -> None:
    # ipywidgets' FileUpload keeps its <input type="file"> out of the DOM and clicks it when
    # its button is pressed, so the file goes in through the file chooser that opens.
    with page.expect_file_chooser() as chooser:
        page.locator("button.widget-upload", has_text=label).click()
    chooser.value.set_files(path)


def test_start_page_shows_the_participation_record_and_its_download(page, voila):
    """Does the start page show the self-reported record and a download link for it?"""
    record = open_start(page, voila)
    expect(record).to_contain_text("SELF-REPORTED")
    expect(record).to_contain_text("No module completed yet.")
    link = page.get_by_role("link", name="Download my participation record")
    expect(link).to_be_visible()
    assert (link.get_attribute("href") or "").startswith("data:text/html;charset=utf-8;base64,")
    assert link.get_attribute("download") == "participation-record.html"


def test_the_record_downloads_as_a_png_image_from_the_keyboard(page, voila, tmp_path: Path):
    """Does pressing Enter on "Make an image" give a PNG download holding the record's text?"""
    open_start(page, voila)
    button = page.get_by_role("button", name="Make an image of my record (PNG)")
    button.focus()
    page.keyboard.press("Enter")
    link = page.get_by_role("link", name="Download the image of my record (PNG)")
    expect(link).to_be_visible(timeout=30_000)
    assert link.get_attribute("download") == "participation-record.png"
    with page.expect_download() as download:
        link.click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    image = Image.open(saved)
    assert image.format == "PNG" and image.width == 1240
    assert "SELF-REPORTED" in image.info["Description"]
    assert "No module completed yet." in image.info["Description"]
    bad = serious_violations(page)
    assert not bad, "\n".join(bad)


def test_a_verified_badge_displays_its_details(page, voila, badge_files):
    """After choosing the baked PNG and the JWK set, is the badge shown valid with details?"""
    png, jwks = badge_files
    open_start(page, voila)
    choose(page, "Badge file", png)
    result = page.get_by_role("region", name="Badge check")
    expect(result).to_contain_text("Now choose the issuer's key set", timeout=30_000)
    choose(page, "Issuer's key set", jwks)
    expect(result).to_contain_text("This badge is valid.", timeout=30_000)
    name = load_badges(ROOT).achievement("course-completion").name
    expect(result).to_contain_text(name)
    expect(result).to_contain_text("Springfield Public Library")
    expect(result).to_contain_text("2025-06-01T12:00:00Z")
    expect(result).to_contain_text(re.compile(r"passed\s*: signature"))
    bad = serious_violations(page)
    assert not bad, "\n".join(bad)

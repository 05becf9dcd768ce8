"""Tests for engage.record: the learner's self-reported participation record."""

from __future__ import annotations

import base64
import html
from datetime import UTC, datetime
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

from PIL import Image

from engage.progress import ProgressStore
from engage.record import (
    SELF_REPORTED,
    participation_record,
    record_filename,
    record_html,
)
from engage.ui.common import data_url

EVIL = "<script>alert(1)</script>"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
TITLES = {"04-world-cafe": "World Café", "01-turning-outward": "Turning Outward"}


class Tags(HTMLParser):
    """Collect start tags and the text of the page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def store_with_activity(tmp_path: Path, name: str = "Sam Rivera") -> ProgressStore:
    store = ProgressStore(tmp_path / "progress.json")
    store.set_learner_name(name)
    store.mark_started("04-world-cafe")
    store.mark_completed("04-world-cafe")
    store.put_item("scenarios", "04-world-cafe/first-round", {"completed_once": True})
    store.put_item("scenarios", "04-world-cafe/hosting", {"completed_once": False})
    answers = {"q1": {"correct": True}, "q2": {"correct": False}, "q3": {"correct": True}}
    store.put_item("quizzes", "04-world-cafe", {"answers": answers})
    store.put_item(
        "reflections",
        "01-turning-outward",
        {"answers": {"a": "We asked residents first.", "b": "Then we listened."}},
    )
    store.put_item("reflections", "04-world-cafe", {"answers": {"a": "   "}})
    return store


def test_record_lists_each_kind_of_activity(tmp_path: Path):
    """Does the record list completed modules, finished scenarios, scores and word counts?"""
    progress = store_with_activity(tmp_path).load()
    record = participation_record(
        progress,
        TITLES,
        quiz_totals={"04-world-cafe": 5},
        scenario_titles={"04-world-cafe/first-round": "The first round"},
        now=NOW,
    )
    assert [t for t, _ in record.modules_completed] == ["World Café"]
    assert [(s.module, s.title) for s in record.scenarios_finished] == [
        ("World Café", "The first round")
    ]
    assert [(c.module, c.correct, c.total) for c in record.self_checks] == [("World Café", 2, 5)]
    assert [(r.module, r.words) for r in record.reflections] == [("Turning Outward", 7)]
    assert not record.empty


def test_an_empty_progress_gives_an_empty_record_that_says_so(tmp_path: Path):
    """Does a learner with no activity get a record saying nothing is done yet?"""
    record = participation_record(ProgressStore(tmp_path / "p.json").load(), now=NOW)
    assert record.empty
    page = record_html(record)
    assert "No module completed yet." in page and "No reflection written yet." in page
    assert "a learner (no name given)" in page


def test_quiz_total_is_never_below_the_answers_counted(tmp_path: Path):
    """Without a known total, is a self-check scored out of the questions answered?"""
    record = participation_record(store_with_activity(tmp_path).load(), now=NOW)
    assert [(c.correct, c.total) for c in record.self_checks] == [(2, 3)]
    assert record.scenarios_finished[0].title == "First round"


def test_page_states_it_is_self_reported_and_not_a_badge(tmp_path: Path):
    """Does the printable page say plainly it is self-reported and not a badge?"""
    page = record_html(participation_record(store_with_activity(tmp_path).load(), now=NOW))
    assert "SELF-REPORTED" in page and "It is not a badge" in SELF_REPORTED
    assert html.escape(SELF_REPORTED) in page
    assert page.startswith("<!DOCTYPE html>") and '<html lang="en">' in page
    assert "30 November 2026" in page


def test_learner_text_is_escaped_and_the_page_has_no_script(tmp_path: Path):
    """Is a name full of markup shown as text, with no script or handler in the page?"""
    progress = store_with_activity(tmp_path, name=f"Sam {EVIL}").load()
    page = record_html(participation_record(progress, now=NOW))
    parser = Tags()
    parser.feed(page)
    assert "script" not in parser.tags
    assert "onerror" not in page
    assert any("<script>" in t for t in parser.text)


def test_download_link_decodes_to_the_page_and_has_a_safe_name(tmp_path: Path):
    """Does the data: URL hold the page, and the file name only safe characters?"""
    record = participation_record(
        store_with_activity(tmp_path, name="Zoë O'Brien/../x").load(), now=NOW
    )
    page = record_html(record)
    url = data_url(page, "text/html")
    assert url.startswith("data:text/html;charset=utf-8;base64,")
    assert base64.b64decode(url.split(",", 1)[1]).decode("utf-8") == page
    assert record_filename(record) == "participation-record-zo-o-brien-x.html"


def test_verification_without_a_credential_shows_only_the_failed_checks():
    """Does a file with no readable credential show NOT valid, the reason, and no details?"""
    from engage.badges.verify import VerificationResult
    from engage.record import verification_html

    result = VerificationResult(source="x.png")
    result.add("format", False, f"no credential in {EVIL}")
    shown = verification_html(result)
    assert "This badge is NOT valid." in shown and 'role="alert"' in shown
    assert "<table" not in shown
    assert "<strong>failed</strong>: format" in shown
    assert EVIL not in shown and html.escape(EVIL) in shown


def png_of(record) -> Image.Image:
    from engage.record import record_png

    image = Image.open(BytesIO(record_png(record)))
    image.load()
    return image


def ink_rows(image: Image.Image) -> list[int]:
    """The rows of the page (below the band) that hold dark pixels."""
    grey = image.convert("L")
    width, height = grey.size
    pixels = grey.load()
    return [y for y in range(100, height) if any(pixels[x, y] < 100 for x in range(0, width, 2))]


def test_png_is_an_a4_wide_page_carrying_its_text(tmp_path: Path):
    """Is the PNG 1240 px wide at 150 dpi, with its title and full text embedded?"""
    from engage.record import PNG_WIDTH, record_text

    record = participation_record(
        store_with_activity(tmp_path).load(), TITLES, quiz_totals={"04-world-cafe": 5}, now=NOW
    )
    image = png_of(record)
    assert image.format == "PNG" and image.width == PNG_WIDTH == 1240
    assert tuple(round(d) for d in image.info["dpi"]) == (150, 150)
    assert image.info["Title"] == (
        "Self-reported participation record of Sam Rivera: Models for Change"
    )
    text = image.info["Description"]
    assert text == record_text(record)
    assert SELF_REPORTED in text and "World Café: 2 of 5 correct" in text
    assert "- World Café (on 30 November 2026)" in text
    assert "- Turning Outward: 7 words" in text


def test_png_draws_more_lines_for_more_activity(tmp_path: Path):
    """Does every extra item draw more text, so the image grows with the record?"""
    empty = png_of(participation_record(ProgressStore(tmp_path / "p.json").load(), now=NOW))
    store = store_with_activity(tmp_path)
    for module_id in ("01-turning-outward", "02-choosing-a-model", "03-facilitation"):
        store.mark_started(module_id)
        store.mark_completed(module_id)
    full = png_of(participation_record(store.load(), TITLES, now=NOW))
    assert full.height > empty.height
    assert len(ink_rows(full)) > len(ink_rows(empty)) > 100
    assert "No module completed yet." in empty.info["Description"]


def test_png_wraps_long_text_inside_the_margins(tmp_path: Path):
    """Does a very long name, even one unbroken word, stay inside the page's margins?"""
    long_name = "Bartholomew" * 14
    record = participation_record(store_with_activity(tmp_path, long_name).load(), now=NOW)
    image = png_of(record).convert("L")
    pixels = image.load()
    margin = [
        (x, y)
        for y in range(100, image.height)
        for x in range(image.width - 100, image.width)
        if pixels[x, y] < 200
    ]
    assert margin == [], "text runs into the right margin"
    assert long_name in png_of(record).info["Description"]


def test_png_is_the_same_for_the_same_record(tmp_path: Path):
    """Is the image deterministic, so two downloads of one record are identical?"""
    from engage.record import record_png

    record = participation_record(store_with_activity(tmp_path).load(), now=NOW)
    assert record_png(record) == record_png(record)
    assert record_filename(record, "png") == "participation-record-sam-rivera.png"


def test_png_colours_meet_wcag_contrast():
    """Do the text colours contrast at least 4.5:1 with what they are drawn on?"""
    from engage.badges.images import contrast_ratio
    from engage.record import _BAND, _INK, _MUTED, _PANEL, _PAPER

    assert contrast_ratio(_INK, _PAPER) >= 4.5
    assert contrast_ratio(_INK, _PANEL) >= 4.5
    assert contrast_ratio(_MUTED, _PAPER) >= 4.5
    assert contrast_ratio(_PAPER, _BAND) >= 4.5


def test_wrapping_breaks_between_words_and_only_splits_an_overlong_word():
    """Are lines broken at spaces, and a word split only when it alone is too wide?"""
    from engage.record import _wrap_to_width

    def fits(text: str) -> bool:
        return len(text) <= 10

    assert _wrap_to_width("one two three four", fits) == ["one two", "three four"]
    assert _wrap_to_width("abcdefghijklmnopqrstuvwxy z", fits) == [
        "abcdefghij",
        "klmnopqrst",
        "uvwxy z",
    ]
    assert _wrap_to_width("", fits) == [""]

"""Tests for engage.record: the learner's self-reported participation record."""

from __future__ import annotations

import base64
import html
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from engage.progress import ProgressStore
from engage.record import (
    SELF_REPORTED,
    data_url,
    participation_record,
    record_filename,
    record_html,
)

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
    url = data_url(page)
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

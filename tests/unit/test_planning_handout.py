"""Tests of the handouts (HTML, Markdown), the capstone document and the iCalendar files."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from html.parser import HTMLParser
from pathlib import Path

import icalendar
import pytest

from engage.mapping import StakeholderGrid, StakeholderRating
from engage.planning.chooser import Situation, rank_methods
from engage.planning.document import Document, md_escape
from engage.planning.handout import Capstone, capstone_document, handout_filename, plan_document
from engage.planning.ical import (
    calendar_ics,
    cohort_events,
    escape_text,
    fold,
    plan_events,
    plan_ics,
)
from engage.planning.methods import load_methods
from engage.planning.planner import PlanError, new_plan

REPO = Path(__file__).resolve().parents[2]
CATALOG = load_methods(REPO)
METHODS = {m.id: m for m in CATALOG.methods}
EVIL = '<script>alert("x")</script><img src=x onerror="window.__pwned=1">'
TODAY = date(2030, 1, 1)
NOW = datetime(2030, 1, 1, 12, 0, tzinfo=UTC)


class Elements(HTMLParser):
    """Collect tags, attributes and text of an HTML page."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(page: str) -> Elements:
    parser = Elements()
    parser.feed(page)
    return parser


def cafe_plan(**values: object):
    return new_plan(
        METHODS["world-cafe"],
        title=f"Café {EVIL}",
        location="Main St, Room 2; upstairs",
        start_date="2030-03-05",
        start_time="18:00",
        **values,
    )


# ------------------------------------------------------------------ handouts


def test_html_handout_shows_learner_text_as_text():
    """Is a title full of HTML shown as text, with no element or handler created from it?"""
    cafe = METHODS["world-cafe"]
    plan = cafe_plan(notes=EVIL)
    plan.people["cafe-host"] = EVIL
    page = plan_document(plan, cafe, CATALOG, today=TODAY).html()
    elements = parse(page)
    tags = [t for t, _ in elements.tags]
    assert "script" not in tags and "img" not in tags
    assert not any("onerror" in attrs for _, attrs in elements.tags)
    assert EVIL in "".join(elements.text)
    assert page.count("&lt;script&gt;") >= 3


def test_html_handout_is_a_printable_accessible_page():
    """Does the handout have a language, a title, one h1, a main landmark and headed tables?"""
    cafe = METHODS["world-cafe"]
    page = plan_document(cafe_plan(), cafe, CATALOG, today=TODAY).html()
    elements = parse(page)
    tags = [t for t, _ in elements.tags]
    assert page.startswith("<!DOCTYPE html>")
    assert ("html", {"lang": "en"}) in elements.tags
    assert tags.count("h1") == 1 and "main" in tags and "@media print" in page
    headers = [a for t, a in elements.tags if t == "th"]
    assert headers and all(a.get("scope") == "col" for a in headers)
    assert tags.count("table") == tags.count("caption")
    text = "".join(elements.text)
    for part in ("Agenda", "Roles", "Materials", "Room set-up", "Invitation and outreach"):
        assert part in text
    assert "Follow-up that keeps faith with participants" in text
    assert "18:00 to 18:15" in text and "Whole-room harvest" in text


def test_handout_lists_the_checks():
    """Does the handout carry the planner's problems and cautions?"""
    cafe = METHODS["world-cafe"]
    plan = cafe_plan(group_size=12, participants=40)
    md = plan_document(plan, cafe, CATALOG, today=TODAY).markdown()
    assert "**Problem:** A table of 12 is outside the usual 4 to 5." in md
    ok = plan_document(
        new_plan(METHODS["conversation-cafe"]), METHODS["conversation-cafe"], CATALOG
    )
    assert "Caution" in ok.markdown()


def test_markdown_handout_shows_learner_text_literally():
    """Does learner text stay literal in Markdown: no HTML, no emphasis, no heading, no link?"""
    cafe = METHODS["world-cafe"]
    plan = cafe_plan(notes="# Not a heading\n**bold** [link](javascript:alert(1)) a|b")
    md = plan_document(plan, cafe, CATALOG, today=TODAY).markdown()
    assert "<script>" not in md and "<img" not in md
    assert "&lt;script&gt;" in md
    assert r"\# Not a heading \*\*bold\*\* \[link\](javascript:alert(1)) a\|b" in md
    assert "- [ ] Paper tablecloths or flip-chart paper for every table, and coloured markers" in md


def test_md_escape_blocks_lists_and_numbering():
    """Can learner text not start a list, a numbered list or a quote?"""
    assert md_escape("- a") == r"\- a"
    assert md_escape("1. a") == r"1\. a"
    assert md_escape("> a") == "&gt; a"
    assert md_escape("line\n# two") == "line # two"


def test_document_renders_the_same_blocks_in_both_formats():
    """Do headings, lists and tables appear in both HTML and Markdown?"""
    doc = Document("T")
    doc.heading(1, "T")
    doc.bullets(["one"], checklist=True)
    doc.bullets([])
    doc.table("cap", ["A"], [["x"]])
    doc.table("empty", ["A"], [])
    assert doc.markdown() == "# T\n\n- [ ] one\n\n*cap*\n\n| A |\n| --- |\n| x |\n"
    assert '<ul class="checklist"><li>one</li></ul>' in doc.html()
    assert "empty" not in doc.html()


def test_download_names_are_safe():
    """Are file names built from the method and a slug of the title?"""
    cafe = METHODS["world-cafe"]
    assert (
        handout_filename(cafe_plan(), cafe, "html")
        == "world-cafe-caf-script-alert-x-script-img-src-x-onerror-window-pwned-1.html"
    )
    assert handout_filename(new_plan(cafe), cafe, "ics") == "world-cafe-plan.ics"


# ------------------------------------------------------------------ capstone document


def test_capstone_document_gathers_every_part_and_escapes_it():
    """Does the plan document hold the issue, ranking, stakeholders, plan and reflection?"""
    situation = Situation(
        "weigh-choices", "warm", "pending", "public-body", 40, "one-session", "weeks", "some"
    )
    grid = StakeholderGrid(
        ratings=(
            StakeholderRating(name="County board", power=5, interest=2, role="decides"),
            StakeholderRating(name=f"Tenants {EVIL}", power=2, interest=5),
        )
    )
    capstone = Capstone(
        issue=f"Bus cuts {EVIL}",
        recommendation=rank_methods(situation, CATALOG),
        plan=new_plan(METHODS["national-issues-forums"], title="Forum on buses"),
        reflections=[("What is the issue?", f"Answer {EVIL}")],
        learner="Robin",
        stakeholders=grid,
    )
    doc = capstone_document(capstone, CATALOG, today=TODAY)
    page = doc.html()
    text = "".join(parse(page).text)
    for part in (
        "The issue",
        "Choosing a method",
        "The chooser's ranking",
        "Partners and stakeholders",
        "The session plan",
        "Forum on buses",
        "Reflection",
        "Prepared by",
    ):
        assert part in text
    assert "Keep satisfied" in text and "Keep informed" in text
    assert "National Issues Forums" in text and "Strong fit" in text
    assert f"Answer {EVIL}" in text and f"Bus cuts {EVIL}" in text
    assert "script" not in [t for t, _ in parse(page).tags]
    assert "&lt;img" in doc.markdown()


def test_empty_capstone_says_what_is_missing():
    """Does an empty capstone say plainly which parts are not done yet?"""
    md = capstone_document(Capstone(), CATALOG).markdown()
    for line in (
        "Not written yet.",
        "The model chooser has not been used yet.",
        "No stakeholders mapped yet.",
        "No session planned yet.",
    ):
        assert line in md


# ------------------------------------------------------------------ iCalendar


def events_of(text: str) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(text)
    return list(calendar.walk("VEVENT"))


def test_one_session_is_one_event_read_back_by_icalendar():
    """Does a café become one event that the icalendar library reads back exactly?"""
    cafe = METHODS["world-cafe"]
    text = plan_ics(cafe_plan(), cafe, now=NOW)
    (event,) = events_of(text)
    assert event.decoded("DTSTART") == datetime(2030, 3, 5, 18, 0)
    assert event.decoded("DTEND") == datetime(2030, 3, 5, 20, 0)
    assert str(event["SUMMARY"]) == f"Café {EVIL}"
    assert str(event["LOCATION"]) == "Main St, Room 2; upstairs"
    assert "18:00 Welcome, purpose, question and café etiquette (15 min)" in str(
        event["DESCRIPTION"]
    )
    assert event.decoded("DTSTAMP") == NOW


def test_a_series_is_one_event_per_meeting_with_unique_ids():
    """Does Dialogue to Change give five weekly circles and the action forum, each unique?"""
    dtc = METHODS["dialogue-to-change"]
    plan = new_plan(dtc, title="Circles", start_date="2030-03-05", start_time="18:30")
    events = events_of(plan_ics(plan, dtc, now=NOW))
    assert len(events) == 6
    assert [e.decoded("DTSTART").date().isoformat() for e in events][-1] == "2030-04-09"
    assert str(events[-1]["SUMMARY"]) == "Circles: Action forum"
    assert len({str(e["UID"]) for e in events}) == 6
    again = events_of(plan_ics(plan, dtc, now=NOW))
    assert [str(e["UID"]) for e in again] == [str(e["UID"]) for e in events]


def test_a_multi_day_plan_is_one_event_per_day():
    """Is a Future Search three events on three days?"""
    fs = METHODS["future-search"]
    plan = new_plan(fs, start_date="2030-06-10", start_time="13:00")
    events = events_of(plan_ics(plan, fs, now=NOW))
    assert [e.decoded("DTSTART") for e in events] == [
        datetime(2030, 6, 10, 13, 0),
        datetime(2030, 6, 11, 9, 0),
        datetime(2030, 6, 12, 9, 0),
    ]


def test_ics_lines_are_folded_crlf_and_escaped():
    """Are lines CRLF-terminated, at most 75 octets, and special characters escaped?"""
    cafe = METHODS["world-cafe"]
    plan = cafe_plan()
    plan.title = "Ünïcödé, ; \\ " * 12
    text = plan_ics(plan, cafe, now=NOW)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    for line in text.split("\r\n"):
        assert len(line.encode("utf-8")) <= 75
    (event,) = events_of(text)
    assert str(event["SUMMARY"]) == " ".join(("Ünïcödé, ; \\ " * 12).split())
    assert escape_text("a,b;c\\d\ne\x07") == "a\\,b\\;c\\\\d\\ne"
    assert fold("x" * 80) == "x" * 75 + "\r\n " + "x" * 5


def test_no_date_means_no_calendar_file():
    """Is a plan without a date or time refused with a plain message?"""
    cafe = METHODS["world-cafe"]
    with pytest.raises(PlanError, match="Add a first date and a start time"):
        plan_events(new_plan(cafe), cafe)
    with pytest.raises(PlanError, match="year-month-day"):
        plan_events(new_plan(cafe, start_date="tomorrow", start_time="18:00"), cafe)


def test_cohort_schedule_is_read_back():
    """Does a cohort's weekly schedule import with one event per session?"""
    events = cohort_events(
        "Models for Change, spring cohort",
        ["Turning Outward", "Choosing a model", "Capstone"],
        date(2030, 2, 4),
        time(12, 0),
        60,
        location="https://example.org/room",
    )
    parsed = events_of(calendar_ics(events, "Spring cohort", now=NOW))
    assert [e.decoded("DTSTART") for e in parsed] == [
        datetime(2030, 2, 4, 12, 0),
        datetime(2030, 2, 11, 12, 0),
        datetime(2030, 2, 18, 12, 0),
    ]
    assert str(parsed[1]["SUMMARY"]) == "Models for Change, spring cohort: Choosing a model"
    with pytest.raises(PlanError):
        cohort_events("x", [], date(2030, 1, 1), time(9, 0), 60)

"""Widget tests of the start page: real ipywidgets objects, values set from code."""

from __future__ import annotations

import base64
import html
import json
import re
import shutil
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import ipywidgets as widgets
import pytest

from engage.content import load_course
from engage.profiles import PROFILE_IDS
from engage.progress import APP_MARKER, ProgressError, ProgressStore
from engage.ui import StartPage

REPO = Path(__file__).resolve().parents[2]
COURSE = load_course(REPO)
EVIL = "<img src=x onerror=alert(1)>"


@dataclass
class Page:
    """A start page built the way notebooks/00-start.ipynb builds it."""

    page: StartPage
    store: ProgressStore
    overview: widgets.Widget
    learner: widgets.Widget
    courses: widgets.HTML
    panel: widgets.Widget
    wrap_up: widgets.Widget

    @property
    def path_html(self) -> str:
        [block] = [
            w
            for w in self.learner.children
            if isinstance(w, widgets.HTML) and "Your recommended path" in w.value
        ]
        return block.value

    @property
    def panel_html(self) -> str:
        return "\n".join(html_values(self.panel))

    @property
    def summary_html(self) -> str:
        return next(v for v in html_values(self.panel) if 'aria-label="Your progress"' in v)

    @property
    def upload(self) -> widgets.FileUpload:
        [upload] = [w for w in self.panel.children if isinstance(w, widgets.FileUpload)]
        return upload

    @property
    def finish_button(self) -> widgets.Button:
        [button] = [w for w in self.wrap_up.children if isinstance(w, widgets.Button)]
        return button

    def everything(self) -> list[str]:
        """Every HTML value shown on the page."""
        return html_values(
            self.overview,
            self.learner,
            self.courses,
            self.panel,
            self.wrap_up,
            self.page.errors.widget,
        )

    def download_json(self) -> bytes:
        match = re.search(r'href="data:application/json;base64,([^"]+)"', self.panel_html)
        assert match, self.panel_html
        return base64.b64decode(match[1], validate=True)


def walk(widget: widgets.Widget) -> Iterator[widgets.Widget]:
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def html_values(*roots: widgets.Widget) -> list[str]:
    return [w.value for root in roots for w in walk(root) if isinstance(w, widgets.HTML)]


def build(store: ProgressStore, root: Path = REPO) -> Page:
    page = StartPage(store=store, root=root)
    overview = page.overview()
    learner = page.learner()
    courses = page.course_list()
    panel = page.progress_panel()
    wrap_up = page.wrap_up()
    return Page(page, store, overview, learner, courses, panel, wrap_up)


def uploaded(content: bytes, name: str = "progress.json", *, as_memoryview: bool = True) -> tuple:
    return (
        {
            "name": name,
            "type": "application/json",
            "size": len(content),
            "last_modified": datetime(2026, 11, 30, 12, 0, tzinfo=UTC),
            "content": memoryview(content) if as_memoryview else content,
        },
    )


def export_of(tmp_path: Path, *, name: str, profile: str, completed: list[str]) -> bytes:
    other = ProgressStore(tmp_path / "other-learner" / "progress.json")
    other.set_learner_name(name)
    other.set_profile(profile)
    for module_id in completed:
        other.mark_completed(module_id)
    return other.export_bytes()


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "data" / "progress.json")


@pytest.fixture
def page(store: ProgressStore) -> Page:
    return build(store)


# ----------------------------------------------------------------- building the page


def test_building_the_page_gives_no_warnings(store: ProgressStore):
    """Is the page built without deprecation warnings (future errors) from the widget library?"""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        build(store)
    assert [str(w.message).splitlines()[0] for w in caught] == []


# ----------------------------------------------------------------- profile and path


def test_no_profile_asks_for_one(page: Page):
    """Before a profile is chosen, does the path block ask the learner to choose one?"""
    assert page.page.profile_picker.value is None
    assert "Choose a library profile" in page.path_html
    assert "<ol>" not in page.path_html


@pytest.mark.parametrize("profile_id", PROFILE_IDS)
def test_choosing_a_profile_changes_the_recommended_path(page: Page, profile_id: str):
    """Does choosing a profile show its path and track methods, and save the profile?"""
    before = page.path_html
    page.page.profile_picker.value = profile_id
    info = COURSE.profile(profile_id)
    shown = page.path_html
    assert shown != before
    assert html.escape(info.name) in shown
    for method in info.track_methods:
        assert html.escape(method) in shown
    for other in COURSE.profiles:
        if other.id != profile_id:
            for method in other.track_methods:
                assert html.escape(method) not in shown
    titles = {e.id: e.title for e in COURSE.course_map}
    for module_id in info.recommended_path:
        assert html.escape(titles[module_id]) in shown
    assert page.store.load().profile == profile_id
    assert page.store.load().modules["00-start"].started_at is not None
    assert page.page.errors.widget.value == ""


def test_switching_profiles_updates_path_and_course_list(page: Page):
    """Does switching profile again re-render the path and the 'For you' column?"""
    page.page.profile_picker.value = "large-urban"
    assert "World Caf" in page.path_html
    row = re.search(r"<tr><th scope='row'>(?:<a [^>]*>)?04\. World.*?</tr>", page.courses.value)
    assert row and "Recommended for your profile" in row[0]
    page.page.profile_picker.value = "academic"
    assert "World Caf" not in page.path_html
    assert "National Issues Forums" in page.path_html
    row = re.search(r"<tr><th scope='row'>(?:<a [^>]*>)?04\. World.*?</tr>", page.courses.value)
    assert row and "Optional" in row[0]
    assert page.store.load().profile == "academic"


def test_saved_profile_is_shown_on_opening(store: ProgressStore):
    """Does a page opened with a saved profile start with that profile and its path?"""
    store.set_profile("small-mid-rural")
    page = build(store)
    assert page.page.profile_picker.value == "small-mid-rural"
    assert "Conversation Caf" in page.path_html
    assert "You have finished 0 of the 8 modules on your path" in page.summary_html


# ----------------------------------------------------------------- name


def test_typing_a_name_saves_it(page: Page):
    """Is a typed name saved (cleaned of stray spaces) and shown cleaned in the field?"""
    page.page.name_input.value = "  Sam   Rivera "
    assert page.store.load().learner_name == "Sam Rivera"
    assert page.page.name_input.value == "Sam Rivera"
    assert page.page.errors.widget.value == ""


def test_progress_panel_shows_a_name_as_soon_as_it_is_typed(page: Page):
    """Right after typing a name, do the summary and the download link carry it?"""
    page.page.name_input.value = "Sam Rivera"
    assert "Progress for <strong>Sam Rivera</strong>" in page.summary_html
    assert json.loads(page.download_json())["progress"]["learner_name"] == "Sam Rivera"


def test_a_name_with_markup_is_escaped_everywhere(page: Page):
    """Is a name like <img src=x onerror=...> shown as text in every HTML widget?"""
    page.page.name_input.value = EVIL
    page.page.profile_picker.value = "academic"  # re-renders every view
    page.finish_button.click()
    assert page.store.load().learner_name == EVIL
    values = page.everything()
    assert any(html.escape(EVIL) in v for v in values)
    for value in values:
        assert "<img" not in value.lower()
        assert "onerror=alert" not in value or "&lt;img" in value


def test_a_saved_name_with_markup_is_escaped_on_opening(store: ProgressStore):
    """Is a saved name with markup escaped when the page is opened again?"""
    store.set_learner_name(EVIL)
    page = build(store)
    assert page.page.name_input.value == EVIL
    assert html.escape(EVIL) in page.summary_html
    assert all("<img" not in v.lower() for v in page.everything())


# ----------------------------------------------------------------- course list


def test_course_list_links_only_built_modules(page: Page):
    """Does the course list link every built module and mark the others 'Coming soon'?"""
    table = page.courses.value
    rows = re.findall(r"<tr><th scope='row'>.*?</tr>", table)
    assert len(rows) == len(COURSE.course_map) == 12
    assert '<a href="00-start.ipynb">00. Start here</a>' in rows[0]
    for entry, row in zip(COURSE.course_map, rows, strict=True):
        assert html.escape(entry.title) in row
        built = (REPO / "modules" / entry.id / "module.yml").is_file() and (
            REPO / "notebooks" / f"{entry.id}.ipynb"
        ).is_file()
        if built:
            assert f'<a href="{entry.id}.ipynb">' in row and "Coming soon" not in row
        else:
            assert "<a " not in row and "Coming soon" in row, row


def test_no_link_to_a_missing_notebook(store: ProgressStore, tmp_path: Path):
    """With half-built modules in the tree, does every link on the page lead to a notebook?"""
    root = tmp_path / "course"
    shutil.copytree(REPO / "modules", root / "modules")
    shutil.copytree(REPO / "notebooks", root / "notebooks")
    folder_only, notebook_only = COURSE.course_map[1].id, COURSE.course_map[2].id
    (root / "notebooks" / f"{folder_only}.ipynb").unlink(missing_ok=True)
    (root / "modules" / folder_only).mkdir(exist_ok=True)
    (root / "modules" / folder_only / "module.yml").write_text("schema_version: 1\n")
    shutil.rmtree(root / "modules" / notebook_only, ignore_errors=True)
    (root / "notebooks" / f"{notebook_only}.ipynb").write_text("{}")
    page = build(store, root)
    page.page.profile_picker.value = "large-urban"
    links = [href for v in page.everything() for href in re.findall(r'href="([^"]+\.ipynb)"', v)]
    assert links and "00-start.ipynb" in links
    assert f"{folder_only}.ipynb" not in links and f"{notebook_only}.ipynb" not in links
    for href in links:
        assert (root / "notebooks" / href).is_file()
        assert (root / "modules" / href.removesuffix(".ipynb") / "module.yml").is_file()
    rows = re.findall(r"<tr><th scope='row'>.*?</tr>", page.courses.value)
    ids = [e.id for e in COURSE.course_map]
    assert "Coming soon" in rows[ids.index(folder_only)]
    assert "Coming soon" in rows[ids.index(notebook_only)]


def test_finished_module_is_marked_in_the_list(page: Page):
    """After 'Mark as finished', does the course list say 00-start is finished?"""
    page.finish_button.click()
    first_row = re.search(r"<tr><th scope='row'>.*?</tr>", page.courses.value)
    assert first_row and "<strong>Finished</strong>" in first_row[0]


# ----------------------------------------------------------------- download


def test_download_link_holds_an_importable_progress_file(page: Page, tmp_path: Path):
    """Does the download link's data: URI decode to JSON a fresh store accepts?"""
    page.page.name_input.value = "Sam Rivera"
    page.page.profile_picker.value = "academic"
    page.finish_button.click()
    match = re.search(r'<a download="([^"]+)" href="data:application/json;base64,', page.panel_html)
    assert match and re.fullmatch(rf"{APP_MARKER}-progress-\d{{4}}-\d{{2}}-\d{{2}}\.json", match[1])
    data = page.download_json()
    envelope = json.loads(data)
    assert envelope["app"] == APP_MARKER
    fresh = ProgressStore(tmp_path / "fresh" / "progress.json")
    result = fresh.import_bytes(data, match[1])
    assert result.summary
    restored = fresh.load()
    assert restored.learner_name == "Sam Rivera"
    assert restored.profile == "academic"
    assert restored.is_completed("00-start")


# ----------------------------------------------------------------- upload


@pytest.mark.parametrize("as_memoryview", [True, False], ids=["memoryview", "bytes"])
def test_uploading_a_progress_file_merges_it(page: Page, tmp_path: Path, as_memoryview: bool):
    """Does uploading a progress file merge it and update the name, picker and path?"""
    data = export_of(
        tmp_path,
        name="Sam Rivera",
        profile="large-urban",
        completed=["00-start", "01-turning-outward"],
    )
    page.upload.value = uploaded(data, "sam.json", as_memoryview=as_memoryview)
    saved = page.store.load()
    assert saved.learner_name == "Sam Rivera"
    assert saved.profile == "large-urban"
    assert saved.is_completed("00-start") and saved.is_completed("01-turning-outward")
    assert page.page.profile_picker.value == "large-urban"
    assert page.page.name_input.value == "Sam Rivera"
    assert "World Caf" in page.path_html
    assert "Progress restored" in page.panel_html
    assert "You have finished 2 of the 8 modules on your path" in page.summary_html
    assert page.upload.value == ()
    assert page.page.errors.widget.value == ""


def test_uploading_keeps_the_current_profile(store: ProgressStore, tmp_path: Path):
    """When a profile is already chosen, does an upload keep it and say so?"""
    store.set_profile("academic")
    page = build(store)
    data = export_of(tmp_path, name="Sam", profile="large-urban", completed=["00-start"])
    page.upload.value = uploaded(data)
    assert page.page.profile_picker.value == "academic"
    assert store.load().profile == "academic"
    assert store.load().is_completed("00-start")
    assert "Kept your current library profile" in page.panel_html


@pytest.mark.parametrize(
    "content",
    [
        b"this is not json",
        b'{"app": "someone-else", "schema_version": 1, "progress": {}}',
        b"\xff\xfe\x00garbage",
    ],
    ids=["text", "other-app", "binary"],
)
def test_uploading_garbage_shows_an_error_and_keeps_progress(store: ProgressStore, content: bytes):
    """Does a file that is not progress show a message on the page and change nothing?"""
    store.set_learner_name("Kim")
    store.set_profile("academic")
    store.mark_completed("00-start")
    page = build(store)
    before = store.path.read_bytes()
    page.upload.value = uploaded(content, "holiday-photo.json")
    alerts = [v for v in html_values(page.panel) if 'role="alert"' in v]
    assert alerts and any("holiday-photo.json" in v for v in alerts)
    assert "Progress restored" not in page.panel_html
    assert store.path.read_bytes() == before
    assert page.page.profile_picker.value == "academic"
    assert page.page.name_input.value == "Kim"
    assert page.upload.value == ()


def test_uploaded_file_name_with_markup_is_escaped(page: Page):
    """Is the name of an uploaded file shown as text in the error message?"""
    page.upload.value = uploaded(b"nope", f"{EVIL}.json")
    assert any(html.escape(EVIL) in v for v in html_values(page.panel))
    assert all("<img" not in v.lower() for v in page.everything())


# ----------------------------------------------------------------- mark as finished


def test_mark_as_finished_completes_the_start_module(page: Page):
    """Does 'Mark as finished' record 00-start as completed and say so on the page?"""
    button = page.finish_button
    assert "Start here" in button.description
    assert not button.disabled
    button.click()
    assert page.store.load().is_completed("00-start")
    assert button.disabled
    assert "You have finished this module." in "\n".join(html_values(page.wrap_up))
    assert "You have finished 1 module." in page.summary_html


# ----------------------------------------------------------------- errors and notices


def test_exception_in_profile_callback_is_shown_not_raised(
    page: Page, monkeypatch: pytest.MonkeyPatch
):
    """Is an error while saving the profile shown (escaped) in the on-page alert area?"""

    def broken(_profile: str) -> None:
        raise ProgressError("<b>disk full</b>")

    monkeypatch.setattr(page.store, "set_profile", broken)
    page.page.profile_picker.value = "academic"  # must not raise
    message = page.page.errors.widget.value
    assert 'role="alert"' in message
    assert "&lt;b&gt;disk full&lt;/b&gt;" in message
    assert "<b>disk" not in message
    assert isinstance(page.page.errors.last_error, ProgressError)
    assert page.page.errors.widget in page.learner.children


def test_exception_in_button_callback_is_shown_then_cleared(
    page: Page, monkeypatch: pytest.MonkeyPatch
):
    """Is a failing 'Mark as finished' shown in the alert area, and cleared by a later success?"""

    def broken(_module_id: str) -> None:
        raise RuntimeError("the lock is stuck")

    monkeypatch.setattr(page.store, "mark_completed", broken)
    page.finish_button.click()  # must not raise
    assert 'role="alert"' in page.page.errors.widget.value
    assert "the lock is stuck" in page.page.errors.widget.value
    assert page.page.errors.widget in page.wrap_up.children
    assert not page.store.load().is_completed("00-start")
    monkeypatch.undo()
    page.finish_button.click()
    assert page.page.errors.widget.value == ""
    assert page.store.load().is_completed("00-start")


def test_corrupt_progress_file_gives_a_visible_notice(store: ProgressStore):
    """Does a corrupt progress file show a notice on the page, with the page still working?"""
    store.path.parent.mkdir(parents=True)
    store.path.write_text("{ this is not json", encoding="utf-8")
    page = build(store)
    notices = [v for v in html_values(page.panel) if 'class="notice" role="alert"' in v]
    assert notices
    assert "could not be read" in notices[0]
    aside = [p for p in store.path.parent.iterdir() if p.name.startswith("progress.json.corrupt-")]
    assert len(aside) == 1
    assert html.escape(aside[0].name) in notices[0]
    page.page.profile_picker.value = "academic"
    assert store.load().profile == "academic"

"""Widget tests of ReflectionBox: drafts saved and restored, a gradable notebook downloaded."""

from __future__ import annotations

import base64
import json
import re
import shutil
import threading
from pathlib import Path

import pytest

from engage.content import clear_cache, load_module
from engage.grading.course import source_grade_ids
from engage.grading.submission import inspect_submission
from engage.progress import ProgressStore
from engage.ui.lesson import Lesson
from engage.ui.reflection import ReflectionBox, thread_scheduler
from tests.grading.conftest import ASSIGNMENT, NOTEBOOK, load_fixture_maker


class FakeTimers:
    """A scheduler and clock the test advances by hand."""

    def __init__(self) -> None:
        self.now = 100.0
        self.calls: list[tuple[float, object]] = []

    def clock(self) -> float:
        return self.now

    def schedule(self, delay: float, func):
        timers = self

        class Handle:
            cancelled = False

            def cancel(self) -> None:
                self.cancelled = True
                timers.calls.remove(entry)

        entry = (delay, func)
        self.calls.append(entry)
        return Handle()

    def fire(self) -> None:
        calls, self.calls = self.calls, []
        for _, func in calls:
            func()


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    maker = load_fixture_maker()
    target = tmp_path_factory.mktemp("reflection-course")
    maker.build_course(target)
    return target


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress.json")


@pytest.fixture
def timers() -> FakeTimers:
    return FakeTimers()


def make_box(root: Path, store: ProgressStore, timers: FakeTimers, profile=None) -> ReflectionBox:
    clear_cache()
    module = load_module(ASSIGNMENT, root)
    return ReflectionBox(
        module, store, profile, root, clock=timers.clock, scheduler=timers.schedule
    )


def downloaded(box: ReflectionBox) -> bytes:
    match = re.search(r'href="data:application/x-ipynb\+json;base64,([^"]+)"', box.download.value)
    assert match, box.download.value
    return base64.b64decode(match.group(1))


def test_each_prompt_has_a_labelled_area_with_its_word_count(root, store, timers):
    """Is every prompt shown with a described text area and its count and minimum?"""
    box = make_box(root, store, timers, profile="academic")
    assert [a.description for a in box.areas.values()] == [
        "Your answer to question 1",
        "Your answer to question 2",
    ]
    text = box.widget.children[2].value
    assert "Which students or staff" in text, "the profile's variant of the prompt is shown"
    assert "How this answer is graded" in text and "Names real people" in text
    box.areas["who-you-heard"].value = "one two three"
    assert "3 words (at least 20)" in box.counts["who-you-heard"].value


def test_drafts_are_saved_at_most_every_second_and_after_the_last_change(root, store, timers):
    """Is the first change saved at once, later ones within a second, the last never lost?"""
    box = make_box(root, store, timers)
    area = box.areas["next-step"]
    area.value = "a"
    assert store.load().reflections[ASSIGNMENT]["answers"]["next-step"] == "a"
    timers.now += 0.3
    area.value = "ab"
    area.value = "abc"
    assert len(timers.calls) == 1 and timers.calls[0][0] == pytest.approx(0.7)
    assert store.load().reflections[ASSIGNMENT]["answers"]["next-step"] == "a"
    timers.now += 0.7
    timers.fire()
    assert store.load().reflections[ASSIGNMENT]["answers"]["next-step"] == "abc"
    timers.now += 0.1
    area.value = "abcd"
    box.flush()
    assert timers.calls == []
    assert store.load().reflections[ASSIGNMENT]["answers"]["next-step"] == "abcd"


def test_a_reloaded_page_shows_the_saved_draft(root, store, timers):
    """After a reload, are the saved answers back in the text areas?"""
    box = make_box(root, store, timers)
    box.areas["who-you-heard"].value = "My draft answer"
    box.flush()
    again = make_box(root, store, FakeTimers())
    assert again.areas["who-you-heard"].value == "My draft answer"
    assert "3 words" in again.counts["who-you-heard"].value


def test_the_name_is_asked_for_when_missing(root, store, timers):
    """Without a name, is there no download but a request for the name, saved when typed?"""
    box = make_box(root, store, timers)
    assert "Write your name above" in box.download.value
    assert "data:" not in box.download.value
    box.name.value = "  Ana <b>López</b> "
    assert store.load().learner_name == "Ana <b>López</b>"
    assert "Ana &lt;b&gt;López&lt;/b&gt;" in box.download.value
    assert "<b>López" not in box.download.value


def test_the_download_is_the_release_filled_in_and_gradable(root, store, timers):
    """Is the download the released notebook with answers, name and exercise, intact?"""
    maker = load_fixture_maker()
    store.set_learner_name("Ana López")
    store.put_item("exercises", ASSIGNMENT, maker.SORTING)
    box = make_box(root, store, timers, profile="large-urban")
    box.areas["who-you-heard"].value = maker.GOOD_ANSWERS["who-you-heard"]
    box.flush()
    data = downloaded(box)
    assert f'download="{NOTEBOOK}.ipynb"' in box.download.value
    nb = json.loads(data)
    release = json.loads(
        (root / "assignments" / "release" / ASSIGNMENT / f"{NOTEBOOK}.ipynb").read_text()
    )
    assert [c["metadata"] for c in nb["cells"]] == [c["metadata"] for c in release["cells"]]
    meta = nb["metadata"]["engage"]
    assert meta["learner_name"] == "Ana López" and meta["profile"] == "large-urban"
    assert meta["exercise"] == {"module": ASSIGNMENT, "result": maker.SORTING}
    sub = inspect_submission(
        data, assignment_id=ASSIGNMENT, known_ids=source_grade_ids(root / "assignments")
    )
    assert (sub.problem, sub.learner_name) == ("", "Ana López")
    assert "Question 2 is still shorter than asked" in box.download.value


def test_a_failing_save_is_shown_on_the_page(root, timers, tmp_path):
    """When progress cannot be saved, is the error shown instead of lost in the console?"""

    class Broken(ProgressStore):
        def put_item(self, *args, **kwargs):
            raise OSError("disk full")

    box = make_box(root, Broken(tmp_path / "p.json"), timers)
    box.areas["next-step"].value = "text"
    assert "disk full" in box.errors.widget.value
    assert box.areas["next-step"].value == "text", "the learner's text stays on the page"


def test_a_missing_release_is_explained(root, store, timers, tmp_path):
    """If the released notebook is missing, does the page say so instead of crashing?"""
    copy = tmp_path / "repo"
    shutil.copytree(root / "modules", copy / "modules")
    store.set_learner_name("Ana")
    clear_cache()
    box = ReflectionBox(
        load_module(ASSIGNMENT, copy),
        store,
        None,
        copy,
        clock=timers.clock,
        scheduler=timers.schedule,
    )
    assert "cannot be downloaded" in box.download.value
    assert "engage assignments build" in box.download.value


def test_the_lesson_shows_the_reflection_and_follows_the_exercise(root, store):
    """Does Lesson.reflection() return the box, refreshed when the exercise is checked?"""
    store.set_learner_name("Ana")
    clear_cache()
    lesson = Lesson(ASSIGNMENT, store=store, root=root)
    lesson.exercise()
    widget = lesson.reflection()
    box = lesson.views[-1]
    assert isinstance(box, ReflectionBox) and widget is box.widget
    assert "exercise" not in json.loads(downloaded(box))["metadata"]["engage"]
    sort_view = lesson.views[0]
    for item_id, dropdown in sort_view.rows.items():
        dropdown.value = "outward" if item_id in ("a", "c") else "inward"
    sort_view.check()
    attached = json.loads(downloaded(box))["metadata"]["engage"]["exercise"]
    assert attached["result"]["right"] == 4


def test_a_module_without_a_reflection_is_refused(root, store, timers):
    """Does a module without a reflection raise KeyError, as other missing parts do?"""
    module = load_module(ASSIGNMENT, root).model_copy(update={"reflection": None})
    with pytest.raises(KeyError, match="no reflection"):
        ReflectionBox(module, store, None, root)


def test_the_real_scheduler_runs_later():
    """Does the default scheduler run the save on a timer thread?"""
    done = threading.Event()
    thread_scheduler(0.01, done.set)
    assert done.wait(2)

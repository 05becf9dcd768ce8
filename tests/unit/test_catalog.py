"""Tests for engage.catalog: module statuses, progress along the path, durations."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engage.catalog import ModuleStatus, format_minutes, is_built, module_statuses, path_progress
from engage.content import Course, load_course
from engage.content.schema import CourseMapEntry
from engage.profiles import PROFILE_IDS

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def course() -> Course:
    return load_course(REPO)


def status(
    module_id: str, minutes: int, *, recommended: bool = True, completed: bool = False
) -> ModuleStatus:
    entry = CourseMapEntry(id=module_id, title="T", summary="S", time_to_learn=minutes)
    return ModuleStatus(
        entry=entry, built=True, href=None, recommended=recommended, completed=completed
    )


# ----------------------------------------------------------------- module_statuses


def test_statuses_follow_the_course_map(course: Course):
    """Is there one status per course-map entry, in course order?"""
    statuses = module_statuses(course, REPO, None, set())
    assert [s.entry.id for s in statuses] == [e.id for e in course.course_map]
    assert [s.number for s in statuses] == list(range(12))


def test_only_built_modules_have_links(course: Course):
    """Does only a module with both content and notebook get a link, relative to notebooks/?"""
    statuses = module_statuses(course, REPO, None, set())
    for s in statuses:
        built = (REPO / "notebooks" / f"{s.entry.id}.ipynb").is_file() and (
            REPO / "modules" / s.entry.id / "module.yml"
        ).is_file()
        assert s.built is built
        assert s.href == (f"{s.entry.id}.ipynb" if built else None)
    assert statuses[0].href == "00-start.ipynb"


def test_half_built_modules_are_not_linked(course: Course, tmp_path: Path):
    """Is a module with only its content, or only its notebook, shown without a link?"""
    (tmp_path / "notebooks").mkdir()
    shutil.copytree(REPO / "modules" / "00-start", tmp_path / "modules" / "00-start")
    shutil.copy(REPO / "modules" / "course.yml", tmp_path / "modules" / "course.yml")
    shutil.copy(REPO / "notebooks" / "00-start.ipynb", tmp_path / "notebooks" / "00-start.ipynb")
    (tmp_path / "modules" / "01-turning-outward").mkdir()
    (tmp_path / "modules" / "01-turning-outward" / "module.yml").write_text("schema_version: 1\n")
    (tmp_path / "notebooks" / "02-choosing-a-model.ipynb").write_text("{}")
    (tmp_path / "modules" / "03-facilitation-fundamentals" / "module.yml").mkdir(parents=True)
    shutil.copy(
        tmp_path / "notebooks" / "00-start.ipynb",
        tmp_path / "notebooks" / "03-facilitation-fundamentals.ipynb",
    )
    by_id = {s.entry.id: s for s in module_statuses(course, tmp_path, None, set())}
    for module_id in ("01-turning-outward", "02-choosing-a-model", "03-facilitation-fundamentals"):
        assert not is_built(module_id, tmp_path)
        assert by_id[module_id].built is False
        assert by_id[module_id].href is None
    assert by_id["00-start"].href == "00-start.ipynb"


def test_no_profile_recommends_nothing(course: Course):
    """With no profile chosen, is no module marked as recommended?"""
    assert not any(s.recommended for s in module_statuses(course, REPO, None, set()))


@pytest.mark.parametrize("profile", PROFILE_IDS)
def test_profile_marks_its_recommended_path(course: Course, profile: str):
    """Does a profile mark exactly the modules on its recommended path?"""
    statuses = module_statuses(course, REPO, profile, set())
    recommended = [s.entry.id for s in statuses if s.recommended]
    assert recommended == course.profile(profile).recommended_path


def test_profiles_recommend_different_tracks(course: Course):
    """Do the three profiles recommend different method modules?"""
    paths = {
        p: {s.entry.id for s in module_statuses(course, REPO, p, set()) if s.recommended}
        for p in PROFILE_IDS
    }
    assert "04-world-cafe" in paths["large-urban"]
    assert "04-world-cafe" not in paths["academic"]
    assert "06-national-issues-forums" in paths["academic"]
    assert "08-conversation-cafe" in paths["small-mid-rural"]
    assert "08-conversation-cafe" not in paths["large-urban"]


def test_completed_modules_are_marked(course: Course):
    """Are exactly the completed modules marked completed, ignoring unknown ids?"""
    statuses = module_statuses(
        course, REPO, "academic", {"00-start", "06-national-issues-forums", "99-not-a-module"}
    )
    assert {s.entry.id for s in statuses if s.completed} == {
        "00-start",
        "06-national-issues-forums",
    }


def test_unknown_profile_is_refused(course: Course):
    """Is a profile id the course does not have refused rather than silently ignored?"""
    with pytest.raises(KeyError):
        module_statuses(course, REPO, "rural", set())


# ----------------------------------------------------------------- path_progress


def test_path_progress_counts_only_the_recommended_path():
    """Does path progress count finished modules and minutes left on the path only?"""
    statuses = [
        status("00-start", 10, completed=True),
        status("01-a", 60),
        status("02-b", 45, completed=True),
        status("03-c", 30),
        status("04-d", 90, recommended=False),
        status("05-e", 20, recommended=False, completed=True),
    ]
    assert path_progress(statuses) == (2, 4, 90)


def test_path_progress_when_all_done_and_when_empty():
    """Are a finished path and an empty path counted as such?"""
    done = [status("00-start", 10, completed=True), status("01-a", 60, completed=True)]
    assert path_progress(done) == (2, 2, 0)
    assert path_progress([]) == (0, 0, 0)
    assert path_progress([status("00-start", 10, recommended=False)]) == (0, 0, 0)


def test_path_progress_on_the_real_course(course: Course):
    """After Start here, is the real academic path 1 of 8 done with 450 minutes left?"""
    statuses = module_statuses(course, REPO, "academic", {"00-start"})
    done, total, left = path_progress(statuses)
    assert (done, total) == (1, 8)
    expected = sum(
        e.time_to_learn
        for e in course.course_map
        if e.id in course.profile("academic").recommended_path and e.id != "00-start"
    )
    assert left == expected == 450


# ----------------------------------------------------------------- format_minutes


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (0, "0 min"),
        (1, "1 min"),
        (45, "45 min"),
        (59, "59 min"),
        (60, "1 h"),
        (61, "1 h 1 min"),
        (90, "1 h 30 min"),
        (120, "2 h"),
        (460, "7 h 40 min"),
    ],
)
def test_format_minutes(minutes: int, text: str):
    """Is a duration written as minutes, whole hours, or hours and minutes?"""
    assert format_minutes(minutes) == text

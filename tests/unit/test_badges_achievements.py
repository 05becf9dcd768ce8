"""Tests for engage.badges.achievements: modules/badges.yml, its checks and earning rules."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from engage.badges import BadgeError, check_badges, load_badges
from engage.content import ContentError, load_course
from engage.profiles import PROFILE_IDS

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "badges"
EXPECTED: dict[str, list[str]] = YAML(typ="safe").load(FIXTURES / "expected.yml")
LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+): (?:(?P<key>[\w.\[\]-]+): )?(?P<msg>.+)$")

TRACK_MODULES = {
    "small-mid-rural": {"08-conversation-cafe", "09-future-search"},
    "large-urban": {"04-world-cafe", "05-dialogue-to-change"},
    "academic": {"06-national-issues-forums", "07-reflective-structured-dialogue"},
}


@pytest.fixture(scope="module")
def catalog():
    return load_badges(REPO)


def test_the_course_badges_file_loads_and_checks_clean(catalog):
    """Does modules/badges.yml load, and does check_badges find nothing wrong with it?"""
    assert catalog.course == "Models for Change"
    assert check_badges(REPO) == []


def test_one_completion_badge_and_one_per_track(catalog):
    """Is there one course-completion achievement and exactly one for each of the tracks?"""
    untracked = [a for a in catalog.achievements if a.track is None]
    assert [a.id for a in untracked] == ["course-completion"]
    assert sorted(a.track for a in catalog.achievements if a.track) == sorted(PROFILE_IDS)


def test_track_badges_align_to_the_tracks_two_methods(catalog):
    """Does each track badge align to, and require, exactly its track's two method modules?"""
    for achievement in catalog.achievements:
        if achievement.track:
            expected = TRACK_MODULES[achievement.track]
            assert set(achievement.alignment) == expected
            assert set(achievement.earning.assignments) == expected


def test_track_modules_match_the_course_profiles(catalog):
    """Do the track groups agree with each profile's recommended path in course.yml?"""
    course = load_course(REPO)
    for profile in course.profiles:
        method_modules = {m for m in profile.recommended_path if "04" <= m[:2] <= "09"}
        assert method_modules == TRACK_MODULES[profile.id]
    completion = catalog.achievement("course-completion")
    assert {frozenset(g) for g in completion.earning.one_of} == {
        frozenset(m) for m in TRACK_MODULES.values()
    }


def test_completion_requires_the_core_modules_that_have_reflections(catalog):
    """Does course completion require every core module except the start page?"""
    course = load_course(REPO)
    core = [e.id for e in course.course_map if e.core and e.id != "00-start"]
    assert catalog.achievement("course-completion").earning.assignments == core


def test_badge_text_is_real_and_claims_no_endorsement(catalog):
    """Is every text real prose, and does the disclaimer deny (never claim) endorsement?"""
    disclaimer = catalog.file.disclaimer
    assert "not issued, approved or endorsed" in disclaimer
    assert "American Library Association" in disclaimer
    for achievement in catalog.achievements:
        for text in (achievement.description, achievement.criteria):
            assert len(text.split()) >= 20, achievement.id
            assert "endorsed by" not in text.lower()
            assert "TODO" not in text and "lorem" not in text.lower()


def test_criteria_state_the_same_threshold_as_the_rule(catalog):
    """Does each criteria narrative name the percentage its earning rule enforces?"""
    for achievement in catalog.achievements:
        percent = round(achievement.earning.min_score_fraction * 100)
        assert f"{percent} per" in " ".join(achievement.criteria.split()), achievement.id


def test_module_links_and_titles_come_from_the_course_map(catalog):
    """Does a module resolve to its course-map title and a public https link?"""
    assert catalog.module_title("04-world-cafe") == "World Café"
    assert catalog.module_link("04-world-cafe").startswith("https://")
    assert catalog.module_link("04-world-cafe").endswith("04-world-cafe.ipynb")


def test_unknown_achievement_names_the_known_ones(catalog):
    """Does asking for a missing achievement say which ones exist?"""
    with pytest.raises(BadgeError, match="course-completion"):
        catalog.achievement("no-such-badge")


# ----------------------------------------------------------------- earning rules


def test_rule_is_met_with_core_modules_and_one_whole_track(catalog):
    """Is completion earned with every core reflection plus both methods of one track?"""
    rule = catalog.achievement("course-completion").earning
    scores = dict.fromkeys(rule.assignments, 0.8) | {
        "04-world-cafe": 0.6,
        "05-dialogue-to-change": 1.0,
        "08-conversation-cafe": 0.9,  # half of another track does not hurt or count
    }
    earning = rule.evaluate(scores)
    assert earning.earned
    assert earning.evidence == (*rule.assignments, "04-world-cafe", "05-dialogue-to-change")


def test_rule_reports_ungraded_low_and_incomplete_track(catalog):
    """Does a rule that is not met say which reflection is missing or too low?"""
    rule = catalog.achievement("course-completion").earning
    scores = dict.fromkeys(rule.assignments, 0.8) | {"11-capstone": 0.5, "04-world-cafe": 1.0}
    del scores["02-choosing-a-model"]
    earning = rule.evaluate(scores)
    assert not earning.earned
    assert "02-choosing-a-model not graded" in earning.missing
    assert "11-capstone scored 50%, below 60%" in earning.missing
    assert any(m.startswith("no complete group") for m in earning.missing)


# ----------------------------------------------------------------- broken copies


def test_every_fixture_has_an_expected_message_and_vice_versa():
    """Is every broken badges file listed in expected.yml, and only those?"""
    files = {p.name for p in FIXTURES.glob("badges_*.yml")} - {"badges_valid.yml"}
    assert files == set(EXPECTED)


def test_the_valid_fixture_loads():
    """Does the untouched original of the broken copies load (so each copy tests one thing)?"""
    catalog = load_badges(REPO, FIXTURES / "badges_valid.yml")
    assert [a.id for a in catalog.achievements] == ["course-completion", "track-academic"]
    assert catalog.achievement("track-academic").earning.min_score_fraction == 1.0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_broken_copy_reports_file_line_and_key(name: str):
    """Does each broken copy give exactly its file:line: key: message problems?"""
    with pytest.raises(ContentError) as info:
        load_badges(REPO, FIXTURES / name)
    assert [str(p) for p in info.value.problems] == EXPECTED[name]
    for line in str(info.value).splitlines():
        match = LINE.match(line)
        assert match, line
        assert match["file"] == f"tests/fixtures/badges/{name}"


@pytest.mark.parametrize(
    ("name", "offending"),
    [
        ("badges_unknown_key_typo.yml", "critera:"),
        ("badges_fraction_above_one.yml", "min_score_fraction: 1.5"),
        ("badges_bad_module_id.yml", "alignment: [turning-outward"),
        ("badges_module_not_in_map.yml", "12-not-a-module"),
        ("badges_unknown_track.yml", "track: rural"),
        ("badges_http_course_url.yml", "course_url: http://"),
    ],
)
def test_line_numbers_point_at_the_offending_line(name: str, offending: str):
    """Does the reported line hold the very text that is wrong?"""
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    numbers = [int(LINE.match(p)["line"]) for p in EXPECTED[name]]  # type: ignore[index]
    assert any(offending in lines[n - 1] for n in numbers), (name, numbers)


def test_check_badges_returns_problems_instead_of_raising(tmp_path: Path):
    """Does check_badges (for `engage check`) list problems of a broken badges file?"""
    problems = check_badges(REPO, FIXTURES / "badges_module_not_in_map.yml")
    assert [str(p) for p in problems] == EXPECTED["badges_module_not_in_map.yml"]
    assert check_badges(tmp_path) == []  # a course without badges.yml is fine

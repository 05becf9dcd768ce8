"""Achievements as content: the typed model of ``modules/badges.yml`` and its loader.

The file names the course, where its modules can be read, and one entry per achievement:
its text, the modules it aligns to and the rule for earning it (which reflection
assignments must be graded, and the least score fraction each must reach). Assignment ids
are module ids, as in the nbgrader course.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, StringConstraints, field_validator, model_validator

from engage.badges.errors import BadgeError
from engage.content.loader import (
    ContentError,
    Problem,
    display_path,
    format_key_path,
    line_of,
    load_file,
    read_yaml,
    repo_root,
)
from engage.content.schema import Course, ModuleId, NonEmpty, Slug, Strict
from engage.profiles import ProfileId

BADGES_FILE = Path("modules") / "badges.yml"
"""Where the achievements live, relative to the repository root."""


def _https(value: str) -> str:
    if not re.fullmatch(r"https://[^\s<>\"']+", value):
        raise ValueError("must be an https:// address")
    return value


HttpsUrl = Annotated[str, AfterValidator(_https)]
LanguageTag = Annotated[
    str, StringConstraints(pattern=r"^[a-z]{2,4}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$")
]
Label = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)]

AchievementType = Literal[
    "Achievement",
    "Assessment",
    "Award",
    "Badge",
    "Certificate",
    "CertificateOfCompletion",
    "Competency",
    "Course",
    "LearningProgram",
    "MicroCredential",
]
"""The Open Badges 3.0 achievement types a course badge can sensibly have."""


class EarningRule(Strict):
    """When an achievement is earned: graded reflections, each scoring at least a fraction.

    Every assignment in ``assignments`` must be graded, and, when ``one_of`` lists groups,
    every assignment of at least one group (for example the two methods of one track).
    """

    assignments: Annotated[list[ModuleId], Field(min_length=1)]
    one_of: list[Annotated[list[ModuleId], Field(min_length=1)]] = []
    min_score_fraction: Annotated[float, Field(ge=0.0, le=1.0)]

    @model_validator(mode="after")
    def _no_repeats(self) -> EarningRule:
        seen: set[str] = set()
        for assignment in [*self.assignments, *(a for group in self.one_of for a in group)]:
            if assignment in seen:
                raise ValueError(f"assignment '{assignment}' is listed more than once")
            seen.add(assignment)
        return self

    def all_assignments(self) -> list[str]:
        """Every assignment the rule mentions, required ones first."""
        return [*self.assignments, *(a for group in self.one_of for a in group)]

    def evaluate(self, scores: Mapping[str, float]) -> Earning:
        """Decide from a learner's graded reflections whether the rule is met.

        Args:
            scores: Score fraction (0 to 1) of each graded assignment's rubric, by
                assignment id; assignments not graded yet are simply absent.

        Returns:
            Whether the achievement is earned, the assignments that count as evidence, and
            what is missing otherwise.
        """

        def passed(assignment: str) -> bool:
            score = scores.get(assignment)
            return score is not None and score >= self.min_score_fraction - 1e-9

        missing = [_shortfall(a, scores, self.min_score_fraction) for a in self.assignments]
        missing = [m for m in missing if m]
        evidence = [a for a in self.assignments if passed(a)]
        if self.one_of:
            complete = [group for group in self.one_of if all(passed(a) for a in group)]
            if complete:
                evidence += complete[0]
            else:
                options = " or ".join("+".join(group) for group in self.one_of)
                missing.append(f"no complete group among {options}")
        return Earning(earned=not missing, evidence=tuple(evidence), missing=tuple(missing))


def _shortfall(assignment: str, scores: Mapping[str, float], least: float) -> str:
    score = scores.get(assignment)
    if score is None:
        return f"{assignment} not graded"
    if score < least - 1e-9:
        return f"{assignment} scored {score:.0%}, below {least:.0%}"
    return ""


@dataclass(frozen=True)
class Earning:
    """The outcome of checking an earning rule against a learner's grades."""

    earned: bool
    evidence: tuple[str, ...]
    missing: tuple[str, ...]


class Achievement(Strict):
    """One achievement: what it recognises, how it is earned, what it aligns to."""

    id: Slug
    name: NonEmpty
    label: Label = Field(description="short line on the badge image, e.g. the track")
    achievement_type: AchievementType = "Badge"
    track: ProfileId | None = None
    description: NonEmpty
    criteria: NonEmpty = Field(description="how to earn it, in Markdown")
    alignment: Annotated[list[ModuleId], Field(min_length=1)]
    earning: EarningRule
    tags: list[NonEmpty] = []

    @field_validator("alignment")
    @classmethod
    def _unique_alignment(cls, modules: list[str]) -> list[str]:
        repeated = sorted({m for m in modules if modules.count(m) > 1})
        if repeated:
            raise ValueError(f"module '{repeated[0]}' is listed more than once")
        return modules


class BadgesFile(Strict):
    """The file ``modules/badges.yml``."""

    schema_version: int
    course: NonEmpty
    course_url: HttpsUrl
    module_url: HttpsUrl = Field(description="link to one module, with {module} for its id")
    language: LanguageTag = "en"
    disclaimer: NonEmpty
    achievements: Annotated[list[Achievement], Field(min_length=1)]

    @field_validator("module_url")
    @classmethod
    def _has_placeholder(cls, url: str) -> str:
        if url.count("{module}") != 1:
            raise ValueError("must contain {module} exactly once, where the module id goes")
        return url

    @field_validator("achievements")
    @classmethod
    def _unique(cls, achievements: list[Achievement]) -> list[Achievement]:
        ids = [a.id for a in achievements]
        repeated = sorted({i for i in ids if ids.count(i) > 1})
        if repeated:
            raise ValueError(f"achievement id '{repeated[0]}' is used more than once")
        tracks = [a.track for a in achievements if a.track]
        repeated = sorted({t for t in tracks if tracks.count(t) > 1})
        if repeated:
            raise ValueError(f"track '{repeated[0]}' has more than one achievement")
        return achievements


@dataclass(frozen=True)
class BadgeCatalog:
    """The loaded achievements, with the module titles the course map gives them."""

    file: BadgesFile
    module_titles: Mapping[str, str] = field(default_factory=dict)

    @property
    def course(self) -> str:
        """The course name shown on badges."""
        return self.file.course

    @property
    def achievements(self) -> list[Achievement]:
        """Every achievement, in file order."""
        return list(self.file.achievements)

    def achievement(self, achievement_id: str) -> Achievement:
        """Return one achievement by id.

        Args:
            achievement_id: The id, e.g. ``course-completion``.

        Returns:
            The achievement.

        Raises:
            BadgeError: If there is no such achievement.
        """
        for achievement in self.file.achievements:
            if achievement.id == achievement_id:
                return achievement
        known = ", ".join(a.id for a in self.file.achievements)
        raise BadgeError(f"no achievement '{achievement_id}' (known: {known})")

    def module_title(self, module_id: str) -> str:
        """The module's title from the course map, or its id when it is not there."""
        return self.module_titles.get(module_id, module_id)

    def module_link(self, module_id: str) -> str:
        """The public address of one module."""
        return self.file.module_url.replace("{module}", module_id)


def load_badges(root: Path | None = None, path: Path | None = None) -> BadgeCatalog:
    """Load and check ``modules/badges.yml`` against the course map.

    Args:
        root: The repository root; found automatically if None.
        path: The badges file; ``<root>/modules/badges.yml`` if None.

    Returns:
        The catalogue of achievements.

    Raises:
        ContentError: With one ``file:line: key: message`` problem per mistake, including
            modules that the course map does not list.
    """
    root = root or repo_root()
    path = path or root / BADGES_FILE
    badges = load_file(path, BadgesFile, root)
    course = load_file(root / "modules" / "course.yml", Course, root)
    titles = {entry.id: entry.title for entry in course.course_map}
    problems = _unknown_modules(badges, titles, path, root)
    if problems:
        raise ContentError(problems)
    return BadgeCatalog(file=badges, module_titles=titles)


def check_badges(root: Path, path: Path | None = None) -> list[Problem]:
    """Validate the badges file and how it fits the course map, for ``engage check``.

    Args:
        root: The repository root.
        path: The badges file; ``<root>/modules/badges.yml`` if None.

    Returns:
        Every problem found; empty when all is well (or when there is no badges file).
    """
    path = path or root / BADGES_FILE
    if not path.is_file():
        return []
    try:
        load_badges(root, path)
    except ContentError as exc:
        return exc.problems
    return []


def _unknown_modules(
    badges: BadgesFile, known: Iterable[str], path: Path, root: Path
) -> list[Problem]:
    known = set(known)
    shown = display_path(path, root)
    data = read_yaml(path, shown)
    problems = []
    for i, achievement in enumerate(badges.achievements):
        places: list[tuple[tuple[int | str, ...], str]] = [
            (("achievements", i, "alignment", j), m) for j, m in enumerate(achievement.alignment)
        ]
        rule = achievement.earning
        places += [
            (("achievements", i, "earning", "assignments", j), a)
            for j, a in enumerate(rule.assignments)
        ]
        places += [
            (("achievements", i, "earning", "one_of", g, j), a)
            for g, group in enumerate(rule.one_of)
            for j, a in enumerate(group)
        ]
        for loc, module_id in places:
            if module_id not in known:
                line, _ = line_of(data, loc)
                problems.append(
                    Problem(
                        shown,
                        line,
                        format_key_path(loc),
                        f"module '{module_id}' is not in the course map",
                    )
                )
    return problems

"""Typed models of the course content files under ``modules/``."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Annotated, Literal, Protocol, TypeVar

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    model_validator,
)

from engage.profiles import PROFILE_IDS, ProfileId

SCHEMA_VERSION = 1
"""The content schema version this package reads and writes."""

MODULE_ID_PATTERN = r"^\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$"
SLUG_PATTERN = r"^[a-z0-9]+(?:[-_][a-z0-9]+)*$"

HTTPS_PATTERN = r"^https://\S+$"

ModuleId = Annotated[str, StringConstraints(pattern=MODULE_ID_PATTERN)]
Slug = Annotated[str, StringConstraints(pattern=SLUG_PATTERN)]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def at(path: str, message: str) -> ValueError:
    """Make a validation error that names the key path it is about.

    Whole-model checks otherwise report the top of the mapping; the loader moves an error
    made with this function to ``path`` (relative to the model being validated).

    Args:
        path: A key path such as ``sections[1].id``.
        message: What is wrong.

    Returns:
        The error to raise.
    """
    return ValueError(f"[at {path}] {message}")


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_WithId = TypeVar("_WithId", bound=_HasId)


def find_by_id(items: Iterable[_WithId], item_id: str, what: str = "item") -> _WithId:
    """Return the first of ``items`` whose ``id`` is ``item_id``.

    Args:
        items: Content objects with an ``id``.
        item_id: The id to look for.
        what: What the items are, for the error message (``profile``, ``question``...).

    Returns:
        The item.

    Raises:
        KeyError: If no item has that id; the message names the known ids.
    """
    items = list(items)
    for item in items:
        if item.id == item_id:
            return item
    known = ", ".join(item.id for item in items) or "none"
    raise KeyError(f"no {what} '{item_id}' (known: {known})")


class Strict(BaseModel):
    """Base for every content model: unknown keys are errors, values are not coerced."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class Variants(Strict):
    """A text with a default and optional per-profile replacements.

    In YAML a text is either a plain string or a mapping such as
    ``{default: "...", academic: "..."}``.
    """

    default: NonEmpty
    small_mid_rural: NonEmpty | None = Field(default=None, alias="small-mid-rural")
    large_urban: NonEmpty | None = Field(default=None, alias="large-urban")
    academic: NonEmpty | None = None

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=False)

    def for_profile(self, profile: str | None) -> str:
        """Return the text for a profile, falling back to the default.

        Args:
            profile: A profile id, or None for the default text.

        Returns:
            The profile's variant if there is one, else the default.
        """
        if profile in PROFILE_IDS:
            value = getattr(self, profile.replace("-", "_"))
            if value:
                return value
        return self.default


def _as_variants(value: object) -> object:
    if isinstance(value, str):
        return {"default": value}
    return value


class Text(Variants):
    """Text that may vary by library profile (a plain string in the usual case)."""

    @model_validator(mode="before")
    @classmethod
    def _accept_plain_string(cls, value: object) -> object:
        return _as_variants(value)


class Prerequisite(Strict):
    """Something a learner should know or have done before a module."""

    item: Text
    importance: Literal["necessary", "helpful"] = "helpful"
    module: ModuleId | None = None


class Section(Strict):
    """One ``##`` section of a lesson: a title and a Markdown body."""

    id: Slug
    title: NonEmpty
    body: Text


class Resource(Strict):
    """A further reading or organisation, named by organisation and title."""

    title: NonEmpty
    organisation: NonEmpty
    url: Annotated[str, StringConstraints(pattern=HTTPS_PATTERN)] | None = None
    note: Text | None = None


class RubricLevel(Strict):
    """One level of a rubric criterion, e.g. "Thorough: 2 points"."""

    name: NonEmpty
    points: Annotated[int, Field(ge=0, le=100)]
    descriptor: NonEmpty


class Criterion(Strict):
    """A rubric criterion with its levels, best first."""

    name: NonEmpty
    levels: Annotated[list[RubricLevel], Field(min_length=2)]

    @model_validator(mode="after")
    def _levels_descend(self) -> Criterion:
        points = [level.points for level in self.levels]
        for i in range(1, len(points)):
            if points[i] >= points[i - 1]:
                raise at(f"levels[{i}].points", "levels go from most to fewest points")
        if points[-1] != 0:
            raise at(f"levels[{len(points) - 1}].points", "the last level is worth 0 points")
        return self


class ReflectionPrompt(Strict):
    """A reflection question, graded by hand against its rubric."""

    id: Slug
    prompt: Text
    points: Annotated[int, Field(ge=1, le=100)]
    min_words: Annotated[int, Field(ge=1, le=2000)]
    criteria: Annotated[list[Criterion], Field(min_length=1)]

    @model_validator(mode="after")
    def _points_add_up(self) -> ReflectionPrompt:
        top = sum(c.levels[0].points for c in self.criteria)
        if top != self.points:
            raise at(
                "points",
                f"points is {self.points} but the rubric's top levels add up to {top}",
            )
        return self


class Reflection(Strict):
    """A module's reflection assignment: prompts that apply the model to the learner's library."""

    title: NonEmpty
    intro: Text
    prompts: Annotated[list[ReflectionPrompt], Field(min_length=2, max_length=3)]

    @model_validator(mode="after")
    def _unique_prompts(self) -> Reflection:
        ids = [p.id for p in self.prompts]
        for i, prompt_id in enumerate(ids):
            if prompt_id in ids[:i]:
                raise at(f"prompts[{i}].id", f"prompt id '{prompt_id}' is used twice")
        return self

    @property
    def total_points(self) -> int:
        """The points of all prompts together."""
        return sum(p.points for p in self.prompts)


class Module(Strict):
    """A course module: the lesson skeleton shared by every notebook."""

    schema_version: int
    id: ModuleId
    number: Annotated[int, Field(ge=0, le=99)]
    title: NonEmpty
    summary: Text
    objectives: Annotated[list[Text], Field(min_length=1)]
    prerequisites: list[Prerequisite] = []
    time_to_learn: Annotated[int, Field(ge=1, le=600, description="minutes")]
    sections: Annotated[list[Section], Field(min_length=1)]
    takeaways: Text
    whats_next: Text
    resources: list[Resource] = []
    reflection: Reflection | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Module:
        seen: set[str] = set()
        for i, section in enumerate(self.sections):
            if section.id in seen:
                raise at(f"sections[{i}].id", f"section id '{section.id}' is used twice")
            seen.add(section.id)
        if int(self.id[:2]) != self.number:
            raise at(
                "number",
                f"number {self.number} does not match the id '{self.id}' "
                f"(which starts with {self.id[:2]})",
            )
        return self


class ProfileInfo(Strict):
    """A library profile: who it is for and the path the course recommends."""

    id: ProfileId
    name: NonEmpty
    who: NonEmpty
    track_methods: Annotated[list[NonEmpty], Field(min_length=1)]
    recommended_path: Annotated[list[ModuleId], Field(min_length=1)]
    why: Text


class CourseMapEntry(Strict):
    """One line of the course map: a module, built or still to come."""

    id: ModuleId
    title: NonEmpty
    summary: NonEmpty
    time_to_learn: Annotated[int, Field(ge=1, le=600)]
    core: bool = Field(default=False, description="taken by every learner whatever their profile")


class Course(Strict):
    """The course file ``modules/course.yml``: profiles and the twelve-module map."""

    schema_version: int
    title: NonEmpty
    tagline: NonEmpty
    attribution: NonEmpty
    profiles: Annotated[list[ProfileInfo], Field(min_length=1)]
    course_map: Annotated[list[CourseMapEntry], Field(min_length=1)]

    @model_validator(mode="after")
    def _cross_references(self) -> Course:
        ids = [entry.id for entry in self.course_map]
        for i, module_id in enumerate(ids):
            if module_id in ids[:i]:
                raise at(f"course_map[{i}].id", f"course_map lists {module_id} more than once")
        if ids != sorted(ids):
            raise at("course_map", "course_map must list modules in number order")
        profile_ids = [p.id for p in self.profiles]
        if sorted(profile_ids) != sorted(PROFILE_IDS):
            raise at(
                "profiles",
                "profiles must list each of " + ", ".join(PROFILE_IDS) + " exactly once",
            )
        known = set(ids)
        for i, profile in enumerate(self.profiles):
            for j, module_id in enumerate(profile.recommended_path):
                if module_id not in known:
                    raise at(
                        f"profiles[{i}].recommended_path[{j}]",
                        f"profile '{profile.id}' recommends '{module_id}', "
                        "which is not in course_map",
                    )
        return self

    def profile(self, profile_id: str) -> ProfileInfo:
        """Return one profile by id.

        Args:
            profile_id: One of the profile ids.

        Returns:
            The profile.

        Raises:
            KeyError: If there is no such profile.
        """
        return find_by_id(self.profiles, profile_id, "profile")


def is_module_id(value: str) -> bool:
    """Tell whether a string has the shape of a module id such as ``01-turning-outward``.

    Args:
        value: The string to test.

    Returns:
        True if it matches the module id pattern.
    """
    return re.fullmatch(MODULE_ID_PATTERN, value) is not None

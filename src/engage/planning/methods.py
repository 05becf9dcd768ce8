"""The course's methods as data (``modules/methods.yml``): typed models, loading and checks."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from pydantic import Field, StringConstraints, model_validator

from engage.content.loader import (
    ContentError,
    Problem,
    display_path,
    line_of,
    read_yaml,
    read_yaml_fast,
    validate,
)
from engage.content.schema import ModuleId, NonEmpty, Slug, Strict, at, find_by_id
from engage.profiles import ProfileId

METHODS_FILE = Path("modules") / "methods.yml"
"""Where the method data lives, relative to the repository root."""

TimeShape = Literal["one-session", "series", "multi-day"]
"""How an engagement is laid out in time."""

TIME_SHAPES: tuple[TimeShape, ...] = get_args(TimeShape)

DecisionState = Literal["none", "pending", "made"]
"""Whether a public decision on the issue is open."""

DECISION_STATES: tuple[DecisionState, ...] = get_args(DecisionState)

Fit = Literal["good", "partial", "poor"]
"""How well a method serves a pending decision."""

RoleCount = Literal["one", "per-group", "optional"]
"""How many people fill a role: one, one per table or circle, or only if needed."""

FACTORS: tuple[str, ...] = (
    "purpose",
    "heat",
    "decision",
    "decider",
    "size",
    "time",
    "lead_time",
    "capacity",
    "profile",
)
"""The situation factors the chooser weighs, in the order the chooser asks about them."""

CHOICE_FACTORS: tuple[str, ...] = (
    "purpose",
    "heat",
    "decision",
    "decider",
    "time",
    "lead_time",
    "capacity",
)
"""The factors answered by picking one option from ``questions`` in the data."""

ClockTime = Annotated[str, StringConstraints(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Minutes = Annotated[int, Field(ge=0, le=24 * 60)]


# --------------------------------------------------------------------------- vocabulary


class Stream(Strict):
    """One of NCDD's four engagement streams."""

    id: Slug
    name: NonEmpty
    purpose: NonEmpty
    when: NonEmpty
    other_methods: list[NonEmpty] = []


class Option(Strict):
    """One answer to a situation question."""

    id: Slug
    label: NonEmpty


class PurposeOption(Option):
    """A purpose, and the engagement stream it belongs to."""

    stream: Slug


class ChoiceQuestion(Strict):
    """A situation question answered by picking one option.

    For ``lead_time`` and ``capacity`` the options are listed from least to most.
    """

    label: NonEmpty
    help: NonEmpty | None = None
    options: Annotated[list[Option], Field(min_length=2)]

    @model_validator(mode="after")
    def _unique(self) -> ChoiceQuestion:
        _unique_ids([o.id for o in self.options], "options")
        return self

    def ids(self) -> list[str]:
        """Return the option ids in order.

        Returns:
            The ids.
        """
        return [o.id for o in self.options]

    def label_of(self, option_id: str) -> str:
        """Return the label of an option.

        Args:
            option_id: One of the option ids.

        Returns:
            Its label.

        Raises:
            KeyError: If there is no such option.
        """
        return find_by_id(self.options, option_id, "option").label


class PurposeQuestion(ChoiceQuestion):
    """The purpose question: options carry their stream."""

    options: Annotated[list[PurposeOption], Field(min_length=2)]  # type: ignore[assignment]


class SizeQuestion(Strict):
    """The question about how many people will take part."""

    label: NonEmpty
    help: NonEmpty | None = None
    min: Annotated[int, Field(ge=1)]
    max: Annotated[int, Field(ge=1)]
    default: Annotated[int, Field(ge=1)]

    @model_validator(mode="after")
    def _ordered(self) -> SizeQuestion:
        if not self.min <= self.default <= self.max:
            raise at("default", f"default {self.default} is not between min and max")
        return self


class Questions(Strict):
    """The questions that describe a situation, with their options."""

    purpose: PurposeQuestion
    heat: ChoiceQuestion
    decision: ChoiceQuestion
    decider: ChoiceQuestion
    time: ChoiceQuestion
    lead_time: ChoiceQuestion
    capacity: ChoiceQuestion
    size: SizeQuestion

    @model_validator(mode="after")
    def _fixed_ids(self) -> Questions:
        for name, fixed in (("decision", DECISION_STATES), ("time", TIME_SHAPES)):
            ids = getattr(self, name).ids()
            if ids != list(fixed):
                raise at(
                    f"{name}.options",
                    f"the options must be exactly {', '.join(fixed)} in this order "
                    f"(found {', '.join(ids)})",
                )
        return self

    def choice(self, factor: str) -> ChoiceQuestion:
        """Return the question for a choice factor such as ``heat``.

        Args:
            factor: One of :data:`CHOICE_FACTORS`.

        Returns:
            The question.
        """
        question: ChoiceQuestion = getattr(self, factor)
        return question


class Range(Strict):
    """A whole-number range; either end may be open."""

    min: Annotated[int, Field(ge=0)] | None = None
    max: Annotated[int, Field(ge=0)] | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise at("max", f"max {self.max} is below min {self.min}")
        return self

    def contains(self, value: int) -> bool:
        """Tell whether a value lies in the range (ends included).

        Args:
            value: The number.

        Returns:
            True if it is within the range.
        """
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


class Condition(Strict):
    """A situation pattern: every factor given must match (a list means any of its ids)."""

    purpose: list[Slug] | None = None
    heat: list[Slug] | None = None
    decision: list[Slug] | None = None
    decider: list[Slug] | None = None
    time: list[Slug] | None = None
    lead_time: list[Slug] | None = None
    capacity: list[Slug] | None = None
    profile: list[ProfileId] | None = None
    size: Range | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Condition:
        if all(getattr(self, f) is None for f in FACTORS):
            raise ValueError("a condition must name at least one factor")
        return self

    def matches(self, values: dict[str, Any]) -> bool:
        """Tell whether a situation matches.

        Args:
            values: Factor name to the situation's value (``size`` is a number, ``profile``
                may be None).

        Returns:
            True when every factor given in the condition matches.
        """
        for factor in FACTORS:
            wanted = getattr(self, factor)
            if wanted is None:
                continue
            value = values.get(factor)
            if factor == "size":
                if not isinstance(value, int) or not wanted.contains(value):
                    return False
            elif value not in wanted:
                return False
        return True


# --------------------------------------------------------------------------- method facts


class PurposeFit(Strict):
    """A purpose the method serves, with why."""

    id: Slug
    why: NonEmpty


class HeatFacts(Strict):
    """How heated an issue the method can hold."""

    handles: Annotated[list[Slug], Field(min_length=1)]
    why: NonEmpty
    beyond: NonEmpty


class SizeFacts(Strict):
    """How many people the method works with, in total and per small group."""

    total: Range
    group: Range
    group_word: NonEmpty
    host_word: NonEmpty
    scales: bool
    why: NonEmpty


class TimeFacts(Strict):
    """The time shapes the method runs in."""

    shapes: Annotated[list[TimeShape], Field(min_length=1)]
    why: NonEmpty


class LevelFacts(Strict):
    """The least lead time or capacity the method needs (an option id), with why."""

    needs: Slug
    why: NonEmpty


class DecisionFacts(Strict):
    """Whether the method suits a pending public decision."""

    pending: Fit
    why: NonEmpty


class Exclusion(Strict):
    """A situation the method is not for, with the reason from its sources."""

    when: Condition
    reason: NonEmpty


class Note(Strict):
    """An extra reason for (score > 0), against (< 0) or to keep in mind (0)."""

    when: Condition
    score: Annotated[int, Field(ge=-5, le=5)]
    text: NonEmpty


class SituationSpec(Strict):
    """A complete situation written in the data (a method's example)."""

    purpose: Slug
    heat: Slug
    decision: DecisionState
    decider: Slug
    size: Annotated[int, Field(ge=1)]
    time: TimeShape
    lead_time: Slug
    capacity: Slug
    profile: ProfileId | None = None


class Example(Strict):
    """A realistic situation the method suits best."""

    title: NonEmpty
    story: NonEmpty
    situation: SituationSpec


# --------------------------------------------------------------------------- templates


class MinutesSpec(Strict):
    """A segment's usual length: a default within a range."""

    default: Minutes
    min: Minutes
    max: Minutes

    @model_validator(mode="after")
    def _ordered(self) -> MinutesSpec:
        if not self.min <= self.default <= self.max:
            raise at("default", f"default {self.default} is not between min and max")
        return self


class SegmentSpec(Strict):
    """One part of a session's agenda."""

    id: Slug
    title: NonEmpty
    minutes: MinutesSpec
    required: bool = False
    include: bool = True
    what: NonEmpty
    why: NonEmpty | None = None

    @model_validator(mode="after")
    def _required_has_why(self) -> SegmentSpec:
        if self.required and self.why is None:
            raise at("why", "a required segment needs a why: what goes wrong without it")
        if self.required and not self.include:
            raise at("include", "a required segment is always included")
        return self


class MeetingSpec(Strict):
    """One meeting of a plan: a session, a day, or the repeated meeting of a series."""

    id: Slug
    title: NonEmpty
    starts: ClockTime | None = None
    themes: list[NonEmpty] = []
    segments: Annotated[list[SegmentSpec], Field(min_length=1)]

    def default_minutes(self) -> int:
        """Return the length of the meeting with its default segments.

        Returns:
            Minutes.
        """
        return sum(s.minutes.default for s in self.segments if s.include)


class RoleSpec(Strict):
    """A role to fill in a session."""

    id: Slug
    title: NonEmpty
    count: RoleCount
    what: NonEmpty


class CountSpec(Strict):
    """How many meetings (sessions or days) a plan has."""

    min: Annotated[int, Field(ge=1, le=52)]
    max: Annotated[int, Field(ge=1, le=52)]
    default: Annotated[int, Field(ge=1, le=52)]

    @model_validator(mode="after")
    def _ordered(self) -> CountSpec:
        if not self.min <= self.default <= self.max:
            raise at("default", f"default {self.default} is not between min and max")
        return self


class Template(Strict):
    """A method's session template: the agenda, roles, room, outreach and follow-up."""

    shape: TimeShape
    session: MinutesSpec
    session_why: NonEmpty
    count: CountSpec
    count_why: NonEmpty
    every_days: Annotated[int, Field(ge=1, le=60)] = 7
    total_hours: Range | None = None
    total_why: NonEmpty | None = None
    lead_days: Annotated[int, Field(ge=1, le=365)] | None = None
    lead_why: NonEmpty | None = None
    group: Range
    group_why: NonEmpty
    timing_note: NonEmpty | None = None
    equal_time: list[Slug] = []
    equal_why: NonEmpty | None = None
    meetings: Annotated[list[MeetingSpec], Field(min_length=1)]
    finale: MeetingSpec | None = None
    roles: Annotated[list[RoleSpec], Field(min_length=1)]
    materials: Annotated[list[NonEmpty], Field(min_length=1)]
    room: Annotated[list[NonEmpty], Field(min_length=1)]
    outreach: Annotated[list[NonEmpty], Field(min_length=1)]
    follow_up: Annotated[list[NonEmpty], Field(min_length=1)]

    @model_validator(mode="after")
    def _consistent(self) -> Template:
        if self.shape == "one-session" and (self.count.min, self.count.max) != (1, 1):
            raise at("count", "a one-session template has exactly one meeting (min 1, max 1)")
        if self.shape != "one-session" and self.count.min < 2:
            raise at("count.min", f"a {self.shape} template needs at least 2 meetings")
        if self.shape == "multi-day":
            if len(self.meetings) != self.count.default:
                raise at(
                    "meetings",
                    f"a multi-day template lists one meeting per day: {self.count.default} "
                    f"days but {len(self.meetings)} meetings",
                )
            if self.total_hours is None or self.total_why is None:
                raise at("total_hours", "a multi-day template gives total_hours and total_why")
        elif len(self.meetings) != 1:
            raise at("meetings", f"a {self.shape} template has exactly one meeting")
        if self.finale is not None and self.shape != "series":
            raise at("finale", "only a series has a finale")
        if (self.lead_days is None) != (self.lead_why is None):
            raise at("lead_why", "give lead_days and lead_why together")
        segment_ids = [s.id for m in self.all_meetings() for s in m.segments]
        for i, segment_id in enumerate(segment_ids):
            if segment_id in segment_ids[:i]:
                raise at("meetings", f"segment id '{segment_id}' is used twice")
        _unique_ids([r.id for r in self.roles], "roles")
        for i, segment_id in enumerate(self.equal_time):
            if segment_id not in segment_ids:
                raise at(f"equal_time[{i}]", f"no segment '{segment_id}'")
        if self.equal_time and self.equal_why is None:
            raise at("equal_why", "give equal_why with equal_time")
        if self.group.min is None or self.group.max is None:
            raise at("group", "give the group size as min and max")
        if self.shape != "multi-day":
            length = self.meetings[0].default_minutes()
            if length > self.session.default:
                raise at(
                    "meetings[0].segments",
                    f"the default segments take {length} minutes, longer than the default "
                    f"session of {self.session.default}",
                )
        else:
            assert self.total_hours is not None
            hours = sum(m.default_minutes() for m in self.meetings) / 60
            if not self.total_hours.contains(round(hours)):
                raise at(
                    "meetings",
                    f"the default segments take {hours:g} hours, outside total_hours",
                )
        return self

    def all_meetings(self) -> list[MeetingSpec]:
        """Return the meetings and the finale, if any.

        Returns:
            The meeting templates in order.
        """
        return [*self.meetings, *([self.finale] if self.finale else [])]

    def segment(self, segment_id: str) -> SegmentSpec:
        """Return a segment by id.

        Args:
            segment_id: The segment's id.

        Returns:
            The segment.

        Raises:
            KeyError: If the template has no such segment.
        """
        segments = (segment for meeting in self.all_meetings() for segment in meeting.segments)
        return find_by_id(segments, segment_id, "segment")


# --------------------------------------------------------------------------- the file


class Method(Strict):
    """One engagement method: its facts, when not to use it, and its session template."""

    id: Slug
    name: NonEmpty
    module: ModuleId
    streams: Annotated[list[Slug], Field(min_length=1)]
    stream_note: NonEmpty | None = None
    summary: NonEmpty
    purposes: Annotated[list[PurposeFit], Field(min_length=1)]
    heat: HeatFacts
    size: SizeFacts
    time: TimeFacts
    lead_time: LevelFacts
    decision: DecisionFacts
    capacity: LevelFacts
    profiles: list[ProfileId] = []
    profile_why: NonEmpty
    not_for: Annotated[list[Exclusion], Field(min_length=1)]
    notes: list[Note] = []
    pair_with: NonEmpty
    examples: Annotated[list[Example], Field(min_length=1)]
    template: Template

    @model_validator(mode="after")
    def _consistent(self) -> Method:
        _unique_ids([p.id for p in self.purposes], "purposes")
        if self.template.shape not in self.time.shapes:
            raise at(
                "template.shape",
                f"'{self.template.shape}' is not one of the method's time shapes "
                f"({', '.join(self.time.shapes)})",
            )
        return self

    def purpose_ids(self) -> list[str]:
        """Return the purposes the method serves, best first.

        Returns:
            Purpose ids.
        """
        return [p.id for p in self.purposes]


class MethodCatalog(Strict):
    """The whole ``modules/methods.yml`` file."""

    schema_version: int
    streams: Annotated[list[Stream], Field(min_length=1)]
    questions: Questions
    cautions: list[Caution] = []
    methods: Annotated[list[Method], Field(min_length=1)]

    def method(self, method_id: str) -> Method:
        """Return a method by id.

        Args:
            method_id: The method's id.

        Returns:
            The method.

        Raises:
            KeyError: If there is no such method.
        """
        return find_by_id(self.methods, method_id, "method")

    def stream(self, stream_id: str) -> Stream:
        """Return a stream by id.

        Args:
            stream_id: The stream's id.

        Returns:
            The stream.

        Raises:
            KeyError: If there is no such stream.
        """
        return find_by_id(self.streams, stream_id, "stream")

    def purpose_stream(self, purpose_id: str) -> Stream:
        """Return the stream a purpose belongs to.

        Args:
            purpose_id: A purpose option id.

        Returns:
            The stream.

        Raises:
            KeyError: If there is no such purpose.
        """
        option = find_by_id(self.questions.purpose.options, purpose_id, "purpose")
        return self.stream(option.stream)


class Caution(Strict):
    """A principle-based caution shown whenever a situation matches."""

    when: Condition
    principle: NonEmpty
    text: NonEmpty


MethodCatalog.model_rebuild()


def _unique_ids(ids: list[str], where: str) -> None:
    for i, item_id in enumerate(ids):
        if item_id in ids[:i]:
            raise at(f"{where}[{i}].id", f"id '{item_id}' is used twice")


# --------------------------------------------------------------------------- loading


def load_methods(root: Path | None = None) -> MethodCatalog:
    """Load and check ``modules/methods.yml`` (cached until :func:`clear_cache`).

    Args:
        root: The repository root; found automatically if None.

    Returns:
        The validated catalog.

    Raises:
        ContentError: With every problem found, each naming file, line and key path.
    """
    from engage.content.loader import repo_root

    root = root or repo_root()
    return _load_cached(root.resolve())


@lru_cache(maxsize=4)
def _load_cached(root: Path) -> MethodCatalog:
    path = root / METHODS_FILE
    try:  # fast path for pages: libyaml; any problem takes the precise path below
        data = read_yaml_fast(path)
        catalog = MethodCatalog.model_validate(data)
        if not cross_reference_problems(catalog, root):
            return catalog
    except Exception:
        pass
    shown = display_path(path, root)
    data = read_yaml(path, shown)
    catalog = validate(data, MethodCatalog, shown)
    problems = [
        Problem(shown, line_of(data, loc)[0], _key(loc), message)
        for loc, message in cross_reference_problems(catalog, root)
    ]
    if problems:
        raise ContentError(problems)
    return catalog


def clear_cache() -> None:
    """Forget the cached method data, so an edited file is read again."""
    _load_cached.cache_clear()


def check_methods(root: Path) -> list[Problem]:
    """Validate ``modules/methods.yml``: the hook for ``engage check``.

    Args:
        root: The repository root.

    Returns:
        Every problem found, each with file, line and key path; empty when all is well.
    """
    path = root / METHODS_FILE
    if not path.is_file():
        return [Problem(display_path(path, root), None, "", "file missing")]
    clear_cache()
    try:
        load_methods(root)
    except ContentError as exc:
        return exc.problems
    return []


def _key(loc: tuple[int | str, ...]) -> str:
    from engage.content.loader import format_key_path

    return format_key_path(loc)


Loc = tuple[int | str, ...]


def cross_reference_problems(catalog: MethodCatalog, root: Path) -> list[tuple[Loc, str]]:
    """Find references that do not resolve: streams, option ids, modules, examples.

    Args:
        catalog: The validated catalog.
        root: The repository root (to read the course map).

    Returns:
        ``(key path, message)`` pairs.
    """
    from engage.content.loader import ContentError as _ContentError
    from engage.content.loader import load_course

    problems: list[tuple[Loc, str]] = []
    q = catalog.questions
    stream_ids = [s.id for s in catalog.streams]
    for i, stream_id in enumerate(stream_ids):
        if stream_id in stream_ids[:i]:
            problems.append((("streams", i, "id"), f"stream id '{stream_id}' is used twice"))
    for i, option in enumerate(q.purpose.options):
        if option.stream not in stream_ids:
            problems.append(
                (("questions", "purpose", "options", i, "stream"), _unknown("stream", option))
            )
    try:
        course_ids = {entry.id for entry in load_course(root).course_map}
    except (_ContentError, FileNotFoundError):
        course_ids = set()
    for k, caution in enumerate(catalog.cautions):
        problems += _condition_problems(caution.when, q, ("cautions", k, "when"))
    seen_ids: list[str] = []
    seen_names: list[str] = []
    for m, method in enumerate(catalog.methods):
        here: Loc = ("methods", m)
        if method.id in seen_ids:
            problems.append(((*here, "id"), f"method id '{method.id}' is used twice"))
        if method.name in seen_names:
            problems.append(((*here, "name"), f"method name '{method.name}' is used twice"))
        seen_ids.append(method.id)
        seen_names.append(method.name)
        if course_ids and method.module not in course_ids:
            problems.append(
                ((*here, "module"), f"module '{method.module}' is not in modules/course.yml")
            )
        for j, stream_id in enumerate(method.streams):
            if stream_id not in stream_ids:
                problems.append(((*here, "streams", j), f"no stream '{stream_id}'"))
        for j, purpose in enumerate(method.purposes):
            if purpose.id not in q.purpose.ids():
                problems.append(((*here, "purposes", j, "id"), f"no purpose '{purpose.id}'"))
        for j, heat in enumerate(method.heat.handles):
            if heat not in q.heat.ids():
                problems.append(((*here, "heat", "handles", j), f"no heat level '{heat}'"))
        for factor in ("lead_time", "capacity"):
            needs = getattr(method, factor).needs
            if needs not in q.choice(factor).ids():
                problems.append(((*here, factor, "needs"), f"no {factor} option '{needs}'"))
        for j, rule in enumerate(method.not_for):
            problems += _condition_problems(rule.when, q, (*here, "not_for", j, "when"))
        for j, note in enumerate(method.notes):
            problems += _condition_problems(note.when, q, (*here, "notes", j, "when"))
        for j, example in enumerate(method.examples):
            loc: Loc = (*here, "examples", j, "situation")
            situation = example.situation
            for factor in CHOICE_FACTORS:
                value = getattr(situation, factor)
                if value not in q.choice(factor).ids():
                    problems.append(((*loc, factor), f"no {factor} option '{value}'"))
            values = situation.model_dump()
            for k, rule in enumerate(method.not_for):
                if rule.when.matches(values):
                    problems.append(
                        (loc, f"the example is a situation the method is not for (not_for[{k}])")
                    )
    return problems


def _unknown(what: str, option: PurposeOption) -> str:
    return f"no {what} '{option.stream}'"


def _condition_problems(condition: Condition, q: Questions, loc: Loc) -> list[tuple[Loc, str]]:
    problems: list[tuple[Loc, str]] = []
    for factor in CHOICE_FACTORS:
        wanted = getattr(condition, factor)
        if wanted is None:
            continue
        known = q.choice(factor).ids()
        for i, value in enumerate(wanted):
            if value not in known:
                problems.append(
                    ((*loc, factor, i), f"no {factor} option '{value}' (known: {', '.join(known)})")
                )
    return problems


def minutes_text(value: int) -> str:
    """Write a number of minutes for people: ``90`` → ``1 h 30 min``.

    Args:
        value: Minutes.

    Returns:
        The text.
    """
    hours, minutes = divmod(value, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" if not minutes else f"{hours} h {minutes:02d} min"


_SLUG = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """Make a file-name-safe slug from any text.

    Args:
        text: The text.

    Returns:
        Lowercase words joined by ``-`` (``plan`` if nothing is left).
    """
    slug = _SLUG.sub("-", text.lower()).strip("-")
    return slug[:60].rstrip("-") or "plan"

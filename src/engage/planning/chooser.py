"""The model chooser: rank the course's methods for a situation, with reasons from the data.

A method whose ``not_for`` rules match the situation is never ranked: it is listed apart,
with the reasons its sources give. Every other method gets a score made of reasons for
and against, each drawn from the method's facts in ``modules/methods.yml``:

==============  =====================================================================
factor          how it counts
==============  =====================================================================
purpose         the method's first purpose +4, another of its purposes +2, none -3
heat            a level it handles +1, one beyond it -2
decision        when a decision is pending: good +2, partial 0, poor -1
size            within its usual range +1 (or split into groups, if it scales),
                below it -2, above it (and it does not scale) -1
time            a shape it runs in +1, more time than it needs 0, not enough -3
lead time       enough 0, each level short -2
capacity        enough +1, each level short -2
profile         one of the methods ALA featured for the library's track +1
notes           the score written in the data
==============  =====================================================================
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from engage.planning.methods import (
    CHOICE_FACTORS,
    Method,
    MethodCatalog,
    SituationSpec,
)
from engage.profiles import PROFILE_IDS

PURPOSE_FIRST = 4
PURPOSE_ALSO = 2
PURPOSE_MISS = -3
HEAT_OK = 1
HEAT_BEYOND = -2
DECISION_SCORES = {"good": 2, "partial": 0, "poor": -1}
SIZE_OK = 1
SIZE_BELOW = -2
SIZE_ABOVE = -1
TIME_OK = 1
TIME_MORE = 0
TIME_SHORT = -3
LEAD_SHORT_PER_LEVEL = -2
CAPACITY_OK = 1
CAPACITY_SHORT_PER_LEVEL = -2
PROFILE_TRACK = 1

STRONG_FROM = 7
"""A score at or above this is a strong fit."""
POSSIBLE_FROM = 2
"""A score at or above this (and below :data:`STRONG_FROM`) is a possible fit."""

TIME_ROOM = {
    "one-session": {"one-session"},
    "series": {"series", "one-session"},
    "multi-day": {"multi-day", "one-session"},
}
"""The method shapes that fit in the time a situation has (shorter fits in longer)."""

ReasonKind = Literal["for", "against", "note"]
FitLabel = Literal["strong", "possible", "weak"]

FIT_WORDS: dict[FitLabel, str] = {
    "strong": "Strong fit",
    "possible": "Possible fit",
    "weak": "Weak fit",
}


class SituationError(ValueError):
    """A situation names an option the method data does not have."""


@dataclass(frozen=True)
class Situation:
    """What the learner tells the chooser about their situation.

    Attributes:
        purpose: A purpose option id (e.g. ``weigh-choices``).
        heat: A heat option id (e.g. ``polarised``).
        decision: ``none``, ``pending`` or ``made``.
        decider: Who holds the decision (e.g. ``public-body``).
        size: How many people in total.
        time: ``one-session``, ``series`` or ``multi-day``.
        lead_time: How long until it starts (e.g. ``weeks``).
        capacity: Staff and facilitator capacity (e.g. ``minimal``).
        profile: The library profile, or None.
    """

    purpose: str
    heat: str
    decision: str
    decider: str
    size: int
    time: str
    lead_time: str
    capacity: str
    profile: str | None = None

    def as_values(self) -> dict[str, Any]:
        """Return the factors as a mapping, as conditions read them.

        Returns:
            Factor name to value.
        """
        return asdict(self)

    @classmethod
    def from_spec(cls, spec: SituationSpec) -> Situation:
        """Build a situation from one written in the data (an example).

        Args:
            spec: The situation in the data.

        Returns:
            The situation.
        """
        return cls(**spec.model_dump())

    @classmethod
    def from_dict(cls, data: dict[str, Any], catalog: MethodCatalog) -> Situation:
        """Rebuild a situation saved in progress, filling gaps with the first options.

        Args:
            data: The saved mapping (may be partial or out of date).
            catalog: The method data, for valid option ids.

        Returns:
            A valid situation.
        """
        q = catalog.questions
        values: dict[str, Any] = {}
        for factor in CHOICE_FACTORS:
            ids = q.choice(factor).ids()
            value = data.get(factor)
            values[factor] = value if value in ids else ids[0]
        size = data.get("size")
        if isinstance(size, bool) or not isinstance(size, int):
            size = q.size.default
        values["size"] = min(max(size, q.size.min), q.size.max)
        profile = data.get("profile")
        values["profile"] = profile if profile in PROFILE_IDS else None
        return cls(**values)

    def check(self, catalog: MethodCatalog) -> None:
        """Check every option id against the data.

        Args:
            catalog: The method data.

        Raises:
            SituationError: Naming the first unknown value.
        """
        q = catalog.questions
        for factor in CHOICE_FACTORS:
            value = getattr(self, factor)
            ids = q.choice(factor).ids()
            if value not in ids:
                raise SituationError(
                    f"'{value}' is not a {factor.replace('_', ' ')} option "
                    f"(choose one of {', '.join(ids)})"
                )
        if isinstance(self.size, bool) or not isinstance(self.size, int) or self.size < 1:
            raise SituationError(f"the number of people must be a whole number, not {self.size!r}")
        if self.profile is not None and self.profile not in PROFILE_IDS:
            raise SituationError(f"'{self.profile}' is not a library profile")


@dataclass(frozen=True)
class Reason:
    """One reason for or against a method, or a point to keep in mind."""

    kind: ReasonKind
    factor: str
    text: str
    score: int


@dataclass(frozen=True)
class Ranked:
    """A method that may be used, with its score and reasons."""

    method: Method
    score: int
    reasons: tuple[Reason, ...]

    @property
    def fit(self) -> FitLabel:
        """How good a fit the score makes it."""
        if self.score >= STRONG_FROM:
            return "strong"
        if self.score >= POSSIBLE_FROM:
            return "possible"
        return "weak"

    def of_kind(self, kind: ReasonKind) -> list[Reason]:
        """Return the reasons of one kind, strongest first.

        Args:
            kind: ``for``, ``against`` or ``note``.

        Returns:
            The reasons.
        """
        chosen = [r for r in self.reasons if r.kind == kind]
        return sorted(chosen, key=lambda r: -abs(r.score))


@dataclass(frozen=True)
class Excluded:
    """A method the data says not to use in this situation, with the reasons."""

    method: Method
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Caution:
    """A principle-based caution that applies to the situation whatever the method."""

    principle: str
    text: str


@dataclass
class Recommendation:
    """The chooser's answer: methods ranked best first, methods ruled out, cautions."""

    situation: Situation
    ranked: list[Ranked] = field(default_factory=list)
    excluded: list[Excluded] = field(default_factory=list)
    cautions: list[Caution] = field(default_factory=list)

    @property
    def top(self) -> Ranked | None:
        """The best-ranked method, or None when every method is ruled out."""
        return self.ranked[0] if self.ranked else None

    def recommended(self, limit: int = 3) -> list[Ranked]:
        """Return the methods worth recommending: strong or possible fits, best first.

        Args:
            limit: At most this many.

        Returns:
            The methods.
        """
        return [r for r in self.ranked if r.fit != "weak"][:limit]

    def summary_lines(self) -> list[str]:
        """Describe the ranking in a few plain lines (for reports and the command line).

        Returns:
            One line per method.
        """
        lines = [
            f"{n}. {r.method.name}: {FIT_WORDS[r.fit].lower()} (score {r.score:+d})"
            for n, r in enumerate(self.ranked, start=1)
        ]
        lines += [
            f"Not for this situation: {e.method.name} ({e.reasons[0]})" for e in self.excluded
        ]
        return lines


def exclusions(method: Method, situation: Situation) -> list[str]:
    """Return the reasons the data gives for not using a method in a situation.

    Args:
        method: The method.
        situation: The situation.

    Returns:
        The matching ``not_for`` reasons (empty when the method may be used).
    """
    values = situation.as_values()
    return [rule.reason for rule in method.not_for if rule.when.matches(values)]


def reasons_for(method: Method, situation: Situation, catalog: MethodCatalog) -> list[Reason]:
    """Weigh a method against a situation, factor by factor.

    Args:
        method: The method.
        situation: The situation.
        catalog: The method data (labels, orders of levels).

    Returns:
        The reasons, each with its score.
    """
    q = catalog.questions
    out: list[Reason] = []

    # purpose
    purposes = method.purpose_ids()
    if situation.purpose in purposes:
        fit = method.purposes[purposes.index(situation.purpose)]
        score = PURPOSE_FIRST if purposes[0] == situation.purpose else PURPOSE_ALSO
        out.append(Reason("for", "purpose", fit.why, score))
    else:
        wanted = catalog.purpose_stream(situation.purpose)
        streams = " and ".join(catalog.stream(s).name for s in method.streams)
        if wanted.id in method.streams:
            text = (
                f"It belongs to the {streams} stream like your purpose, but is not built to "
                f"{_lower_first(q.purpose.label_of(situation.purpose))}."
            )
        else:
            text = (
                f"Your purpose belongs to NCDD's {wanted.name} stream; this method belongs to "
                f"{streams}."
            )
        out.append(Reason("against", "purpose", text, PURPOSE_MISS))

    # heat
    if situation.heat in method.heat.handles:
        out.append(Reason("for", "heat", method.heat.why, HEAT_OK))
    else:
        out.append(Reason("against", "heat", method.heat.beyond, HEAT_BEYOND))

    # decision
    if situation.decision == "pending":
        score = DECISION_SCORES[method.decision.pending]
        kind: ReasonKind = "for" if score > 0 else "against" if score < 0 else "note"
        out.append(Reason(kind, "decision", method.decision.why, score))

    out.extend(_size_reasons(method, situation.size))

    # time
    shapes = set(method.time.shapes)
    if situation.time in shapes:
        out.append(Reason("for", "time", method.time.why, TIME_OK))
    elif shapes & TIME_ROOM[situation.time]:
        out.append(
            Reason(
                "note",
                "time",
                f"You have more time than it needs. {method.time.why}",
                TIME_MORE,
            )
        )
    else:
        out.append(Reason("against", "time", method.time.why, TIME_SHORT))

    # lead time and capacity: ordered levels
    for factor, short in (
        ("lead_time", LEAD_SHORT_PER_LEVEL),
        ("capacity", CAPACITY_SHORT_PER_LEVEL),
    ):
        levels = q.choice(factor).ids()
        needs = getattr(method, factor)
        gap = levels.index(needs.needs) - levels.index(getattr(situation, factor))
        if gap > 0:
            out.append(Reason("against", factor, needs.why, short * gap))
        elif factor == "capacity":
            out.append(Reason("for", factor, needs.why, CAPACITY_OK))

    # profile
    if situation.profile is not None and situation.profile in method.profiles:
        out.append(Reason("for", "profile", method.profile_why, PROFILE_TRACK))

    # notes written in the data
    values = situation.as_values()
    for note in method.notes:
        if note.when.matches(values):
            kind = "for" if note.score > 0 else "against" if note.score < 0 else "note"
            out.append(Reason(kind, "note", note.text, note.score))
    return out


def _size_reasons(method: Method, size: int) -> list[Reason]:
    facts = method.size
    total, group = facts.total, facts.group
    if total.min is not None and size < total.min:
        return [
            Reason(
                "against",
                "size",
                f"{_people(size)} is fewer than it usually works with. {facts.why}",
                SIZE_BELOW,
            )
        ]
    if total.max is not None and size > total.max:
        return [
            Reason(
                "against",
                "size",
                f"{_people(size)} is more than it usually holds. {facts.why}",
                SIZE_ABOVE,
            )
        ]
    if facts.scales and group.max is not None and size > group.max:
        groups = math.ceil(size / group.max)
        text = (
            f"For {_people(size)}, plan about {groups} {facts.group_word}s "
            f"of up to {group.max}, each with its own {facts.host_word}. {facts.why}"
        )
        return [Reason("for", "size", text, SIZE_OK)]
    return [Reason("for", "size", f"{_people(size)} suits it. {facts.why}", SIZE_OK)]


def _people(size: int) -> str:
    return "One person" if size == 1 else f"{size} people"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def rank_methods(situation: Situation, catalog: MethodCatalog) -> Recommendation:
    """Rank the course's methods for a situation.

    Methods the data rules out are never ranked; the others are sorted by score (ties keep
    the order of the data file).

    Args:
        situation: The learner's situation.
        catalog: The method data.

    Returns:
        The ranking, the methods ruled out and the cautions that apply.

    Raises:
        SituationError: If the situation names an option the data does not have.
    """
    situation.check(catalog)
    result = Recommendation(situation)
    for method in catalog.methods:
        ruled_out = exclusions(method, situation)
        if ruled_out:
            result.excluded.append(Excluded(method, tuple(ruled_out)))
            continue
        reasons = reasons_for(method, situation, catalog)
        result.ranked.append(Ranked(method, sum(r.score for r in reasons), tuple(reasons)))
    order = {m.id: i for i, m in enumerate(catalog.methods)}
    result.ranked.sort(key=lambda r: (-r.score, order[r.method.id]))
    values = situation.as_values()
    result.cautions = [
        Caution(c.principle, c.text) for c in catalog.cautions if c.when.matches(values)
    ]
    return result

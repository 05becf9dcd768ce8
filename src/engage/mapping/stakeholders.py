"""The stakeholder grid: power and interest ratings, quadrants, strategies and change over time.

Power and interest are whole numbers from 1 to 5. A rating of 3 counts as **high**
(:data:`HIGH_FROM`): a stakeholder in the middle is engaged rather than merely monitored,
which is the safer mistake. So the quadrants are:

========================  ===========  ==========  ========================
quadrant                  power        interest    strategy
========================  ===========  ==========  ========================
``manage-closely``        3, 4 or 5    3, 4 or 5   Manage closely
``keep-satisfied``        3, 4 or 5    1 or 2      Keep satisfied
``keep-informed``         1 or 2       3, 4 or 5   Keep informed
``monitor``               1 or 2       1 or 2      Monitor
========================  ===========  ==========  ========================

A stakeholder may be rated more than once, each time with a ``round`` label (a date such
as ``2025-03-01`` or a name such as ``Before the forum``): the grid then shows how they moved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Literal, get_args

from pydantic import Field, field_validator

from engage.mapping._base import DATA_VERSION, LongText, MappingModel, Name, ShortText
from engage.mapping._text import name_key, name_list, plural

RATING_MIN = 1
RATING_MAX = 5
HIGH_FROM = 3
"""The lowest rating that counts as high power or high interest."""

Rating = Annotated[int, Field(ge=RATING_MIN, le=RATING_MAX, strict=True)]
"""A power or interest rating: a whole number from 1 to 5."""

Quadrant = Literal["manage-closely", "keep-satisfied", "keep-informed", "monitor"]
"""The four quadrants of the power/interest grid, named by their strategy."""

QUADRANTS: tuple[Quadrant, ...] = get_args(Quadrant)

STRATEGIES: dict[Quadrant, str] = {
    "manage-closely": "Manage closely",
    "keep-satisfied": "Keep satisfied",
    "keep-informed": "Keep informed",
    "monitor": "Monitor",
}
"""The engagement strategy of each quadrant, as a short label."""


def quadrant(power: int, interest: int) -> Quadrant:
    """Place a stakeholder in a quadrant of the power/interest grid (3 counts as high).

    Args:
        power: How much the stakeholder can affect the work, 1 to 5.
        interest: How much the work affects or concerns them, 1 to 5.

    Returns:
        The quadrant.

    Raises:
        ValueError: If a rating is not a whole number from 1 to 5.
    """
    for what, value in (("power", power), ("interest", interest)):
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"{what} must be a whole number from 1 to 5, not {value!r}")
        if not RATING_MIN <= value <= RATING_MAX:
            raise ValueError(f"{what} must be a whole number from 1 to 5, not {value}")
    high_power = power >= HIGH_FROM
    high_interest = interest >= HIGH_FROM
    if high_power:
        return "manage-closely" if high_interest else "keep-satisfied"
    return "keep-informed" if high_interest else "monitor"


class StakeholderRating(MappingModel):
    """One stakeholder rated once: power, interest and the round of the rating.

    Attributes:
        name: Who the stakeholder is.
        power: How much they can affect the work, 1 to 5.
        interest: How much the work affects or concerns them, 1 to 5.
        round: When the rating was made: a date (``2025-03-01``) or a label; may be empty.
        role: What kind of stakeholder (optional), e.g. "county commissioner".
        contact: How to reach them; personal data, left out of exports unless chosen.
        notes: Anything else (optional).
    """

    name: Name
    power: Rating
    interest: Rating
    round: ShortText = ""
    role: ShortText = ""
    contact: ShortText = ""
    notes: LongText = ""

    @property
    def quadrant(self) -> Quadrant:
        """The quadrant the rating puts the stakeholder in."""
        return quadrant(self.power, self.interest)

    @property
    def strategy(self) -> str:
        """The engagement strategy for the quadrant, e.g. "Keep satisfied"."""
        return STRATEGIES[self.quadrant]


_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def _as_date(label: str) -> date | None:
    if not _DATE.match(label):
        return None
    parts = [int(p) for p in label.split("-")] + [1, 1]
    try:
        return date(parts[0], parts[1], parts[2])
    except ValueError:
        return None


def order_rounds(labels: list[str]) -> tuple[str, ...]:
    """Put round labels in time order.

    If every non-empty label is a date (``2025``, ``2025-03`` or ``2025-03-01``) they are
    sorted by date; otherwise they keep the order in which they first appear. An empty label
    (a rating without a round) comes first.

    Labels that differ only in case or spacing are the same round (the first spelling wins).

    Args:
        labels: Round labels, possibly repeated.

    Returns:
        The distinct labels in order.
    """
    first: dict[str, str] = {}
    for label in labels:
        first.setdefault(name_key(label), label)
    distinct = list(first.values())
    named = [label for label in distinct if label]
    dates = {label: _as_date(label) for label in named}
    if named and all(d is not None for d in dates.values()):
        named.sort(key=lambda label: (dates[label], label))
    return (*([""] if "" in distinct else []), *named)


@dataclass(frozen=True)
class Change:
    """How one stakeholder's ratings changed between their first and last round.

    Attributes:
        name: The stakeholder.
        ratings: Their ratings, in round order (at least two).
    """

    name: str
    ratings: tuple[StakeholderRating, ...]

    @property
    def first(self) -> StakeholderRating:
        """The earliest rating."""
        return self.ratings[0]

    @property
    def last(self) -> StakeholderRating:
        """The latest rating."""
        return self.ratings[-1]

    @property
    def moved_quadrant(self) -> bool:
        """Whether the stakeholder ended in a different quadrant than they started in."""
        return self.first.quadrant != self.last.quadrant

    @property
    def moved(self) -> bool:
        """Whether power or interest changed at all between first and last rating."""
        return (self.first.power, self.first.interest) != (self.last.power, self.last.interest)

    def describe(self) -> str:
        """Say in words how the stakeholder moved.

        Returns:
            For example "Friends group: keep informed → manage closely (power 2 → 4,
            interest 4 → 5)".
        """
        first, last = self.first, self.last
        where = (
            f"{STRATEGIES[first.quadrant].lower()} → {STRATEGIES[last.quadrant].lower()}"
            if self.moved_quadrant
            else f"stayed in {STRATEGIES[last.quadrant].lower()}"
        )
        if not self.moved:
            return (
                f"{self.name}: {where}, ratings unchanged "
                f"(power {last.power}, interest {last.interest})"
            )
        return (
            f"{self.name}: {where} (power {first.power} → {last.power}, "
            f"interest {first.interest} → {last.interest})"
        )


class StakeholderGrid(MappingModel):
    """Everyone rated on the power/interest grid, possibly over several rounds.

    Attributes:
        schema_version: Format version of the stored data.
        ratings: The ratings; a stakeholder has at most one per round.
    """

    schema_version: Literal[1] = DATA_VERSION
    ratings: tuple[StakeholderRating, ...] = ()

    @field_validator("ratings")
    @classmethod
    def _one_rating_per_round(
        cls, ratings: tuple[StakeholderRating, ...]
    ) -> tuple[StakeholderRating, ...]:
        seen: set[tuple[str, str]] = set()
        for rating in ratings:
            key = (name_key(rating.name), name_key(rating.round))
            if key in seen:
                when = f" in round '{rating.round}'" if rating.round else ""
                raise ValueError(f"'{rating.name}' is rated twice{when}")
            seen.add(key)
        return ratings

    def rounds(self) -> tuple[str, ...]:
        """Return the round labels in time order (see :func:`order_rounds`).

        Returns:
            The distinct labels; ``("",)`` when no rating has a round.
        """
        return order_rounds([r.round for r in self.ratings])

    def names(self) -> tuple[str, ...]:
        """Return each stakeholder's name once, in the order first rated.

        Returns:
            The names.
        """
        seen: dict[str, str] = {}
        for rating in self.ratings:
            seen.setdefault(name_key(rating.name), rating.name)
        return tuple(seen.values())

    def history(self, name: str) -> tuple[StakeholderRating, ...]:
        """Return one stakeholder's ratings in round order.

        Args:
            name: The stakeholder's name (case and spacing do not count).

        Returns:
            The ratings; empty if the name is unknown.
        """
        order = {name_key(label): i for i, label in enumerate(self.rounds())}
        key = name_key(name)
        mine = [r for r in self.ratings if name_key(r.name) == key]
        return tuple(sorted(mine, key=lambda r: order[name_key(r.round)]))

    def latest(self) -> tuple[StakeholderRating, ...]:
        """Return each stakeholder's most recent rating.

        Returns:
            One rating per stakeholder, in the order first rated.
        """
        return tuple(self.history(name)[-1] for name in self.names())

    def in_round(self, round_label: str) -> tuple[StakeholderRating, ...]:
        """Return the ratings made in one round.

        Args:
            round_label: The round label.

        Returns:
            The ratings of that round, in their order.
        """
        key = name_key(round_label)
        return tuple(r for r in self.ratings if name_key(r.round) == key)

    def changes(self) -> tuple[Change, ...]:
        """Return how each stakeholder rated in two or more rounds changed.

        Returns:
            One change per stakeholder with several ratings, in the order first rated.
        """
        out = []
        for name in self.names():
            history = self.history(name)
            if len(history) > 1:
                out.append(Change(name=name, ratings=history))
        return tuple(out)

    def counts_by_quadrant(self) -> dict[Quadrant, int]:
        """Count stakeholders per quadrant by their latest rating.

        Returns:
            Every quadrant with its count, zero included.
        """
        counts: dict[Quadrant, int] = dict.fromkeys(QUADRANTS, 0)
        for rating in self.latest():
            counts[rating.quadrant] += 1
        return counts


def _quadrant_phrase(q: Quadrant, count: int) -> str:
    return f"{count} to {STRATEGIES[q].lower()}"


def stakeholder_grid_alt_text(
    grid: StakeholderGrid, ratings: tuple[StakeholderRating, ...] | None = None
) -> str:
    """Describe the stakeholder grid in words, as the text alternative of its figure.

    Args:
        grid: The stakeholder grid.
        ratings: The ratings shown (each stakeholder's latest if None).

    Returns:
        For example "9 stakeholders: 3 to manage closely, 2 to keep satisfied, 3 to keep
        informed, 1 to monitor." followed by the names in each quadrant.
    """
    shown = grid.latest() if ratings is None else ratings
    if not shown:
        return "No stakeholders yet: the power and interest grid is empty."
    counts: dict[Quadrant, int] = dict.fromkeys(QUADRANTS, 0)
    for rating in shown:
        counts[rating.quadrant] += 1
    text = plural(len(shown), "stakeholder") + ": "
    text += ", ".join(_quadrant_phrase(q, counts[q]) for q in QUADRANTS if counts[q]) + "."
    for q in QUADRANTS:
        names = [
            f"{r.name} (power {r.power}, interest {r.interest})" for r in shown if r.quadrant == q
        ]
        if names:
            text += f" {STRATEGIES[q]}: {name_list(names, 8)}."
    text += f" Power and interest are rated 1 to 5; {HIGH_FROM} and above count as high."
    return text


def stakeholder_change_alt_text(grid: StakeholderGrid) -> str:
    """Describe how stakeholders moved between rating rounds, as a text alternative.

    Args:
        grid: The stakeholder grid.

    Returns:
        For example "2 of 9 stakeholders were rated more than once: 1 changed quadrant.
        Friends group: keep informed → manage closely (power 2 → 4, interest 4 → 5). ..."
    """
    changes = grid.changes()
    total = len(grid.names())
    if not changes:
        if not total:
            return "No stakeholders yet, so there is no change over time to show."
        return (
            f"None of the {plural(total, 'stakeholder')} has been rated more than once yet, "
            "so there is no change over time to show."
        )
    moved = sum(c.moved_quadrant for c in changes)
    verb = "was" if len(changes) == 1 else "were"
    text = (
        f"{len(changes)} of {plural(total, 'stakeholder')} {verb} rated more than once "
        f"({' → '.join(label or 'unlabelled' for label in grid.rounds())}): "
        f"{moved} changed quadrant."
    )
    limit = 12
    text += " " + " ".join(c.describe() + "." for c in changes[:limit])
    if len(changes) > limit:
        text += f" And {len(changes) - limit} more."
    return text

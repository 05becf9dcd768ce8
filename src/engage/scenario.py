"""Branching scenarios: the YAML model, graph checks, and the engine that plays them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated, Any

from pydantic import Field, StringConstraints, model_validator

from engage.content.schema import NonEmpty, Slug, Strict, Text
from engage.profiles import ProfileId

Value = bool | int | str


class Range(Strict):
    """A numeric condition: the variable lies between ``min`` and ``max`` (inclusive)."""

    min: int | None = None
    max: int | None = None

    @model_validator(mode="after")
    def _not_empty(self) -> Range:
        if self.min is None and self.max is None:
            raise ValueError("give min, max or both")
        return self


Condition = dict[Slug, Value | Range]
"""All listed variables must match: equal to a value, or within a range."""


class Choice(Strict):
    """One option at a decision point."""

    id: Slug
    text: Text
    next: Slug
    feedback: Text
    principle: NonEmpty
    served: bool = Field(
        description="true if the choice served the principle, false if it strained it"
    )
    scores: dict[Slug, int] = {}
    set: dict[Slug, Value] = {}
    add: dict[Slug, int] = {}
    when: Condition | None = None
    profiles: list[ProfileId] | None = None


class Ending(Strict):
    """How a scenario ends, with a debrief."""

    title: NonEmpty
    debrief: Text
    outcome: Annotated[str, StringConstraints(pattern=r"^(strong|mixed|weak)$")]


class Node(Strict):
    """A scene: a situation and either choices or an ending."""

    title: NonEmpty
    situation: Text
    choices: list[Choice] = []
    ending: Ending | None = None

    @model_validator(mode="after")
    def _choices_or_ending(self) -> Node:
        if self.ending is not None and self.choices:
            raise ValueError("a node has either choices or an ending, not both")
        ids = [c.id for c in self.choices]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"choice id '{dupes[0]}' is used twice in this node")
        return self


class Dimension(Strict):
    """A named score dimension (e.g. inclusion, neutrality, follow-through)."""

    id: Slug
    label: NonEmpty
    description: NonEmpty


class Scenario(Strict):
    """A branching scenario file ``modules/<module>/scenarios/<id>.yml``."""

    schema_version: int
    id: Slug
    title: NonEmpty
    summary: Text
    role: Text
    profiles: list[ProfileId] = Field(
        default_factory=list,
        description="profiles this scenario is tailored for; empty means all alike",
    )
    dimensions: Annotated[list[Dimension], Field(min_length=1)]
    state: dict[Slug, Value] = {}
    start: Slug
    nodes: dict[Slug, Node]

    def node(self, node_id: str) -> Node:
        """Return a node by id.

        Args:
            node_id: The node's key in ``nodes``.

        Returns:
            The node.

        Raises:
            KeyError: If there is no such node.
        """
        return self.nodes[node_id]


# ----------------------------------------------------------------------------- checks


@dataclass(frozen=True)
class GraphProblem:
    """A structural problem in a scenario, with the key path where it is."""

    loc: tuple[str | int, ...]
    message: str


def check_scenario(scenario: Scenario) -> list[GraphProblem]:
    """Find structural problems: missing targets, unreachable nodes, dead ends, traps.

    Args:
        scenario: A validated scenario.

    Returns:
        Every problem found, each with the key path of the offending entry.
    """
    problems: list[GraphProblem] = []
    nodes = scenario.nodes
    dims = {d.id for d in scenario.dimensions}
    variables = set(scenario.state)
    if scenario.start not in nodes:
        problems.append(GraphProblem(("start",), f"no node '{scenario.start}'"))
    for node_id, node in nodes.items():
        if node.ending is None and not node.choices:
            problems.append(
                GraphProblem(("nodes", node_id), "dead end: no choices and not an ending")
            )
        if node.choices and all(c.when for c in node.choices):
            problems.append(
                GraphProblem(
                    ("nodes", node_id, "choices"),
                    "every choice has a condition: add one without, so a learner is never stuck",
                )
            )
        for i, choice in enumerate(node.choices):
            loc = ("nodes", node_id, "choices", i)
            if choice.next not in nodes:
                problems.append(GraphProblem((*loc, "next"), f"no node '{choice.next}'"))
            for key in choice.scores:
                if key not in dims:
                    problems.append(
                        GraphProblem((*loc, "scores", key), f"unknown dimension '{key}'")
                    )
            for key in choice.add:
                initial = scenario.state.get(key)
                if key in variables and (not isinstance(initial, int) or isinstance(initial, bool)):
                    problems.append(
                        GraphProblem((*loc, "add", key), f"'{key}' is not a number: use set")
                    )
            for part in ("set", "add", "when"):
                for key in getattr(choice, part) or {}:
                    if key not in variables:
                        problems.append(
                            GraphProblem(
                                (*loc, part, key),
                                f"unknown state variable '{key}' (declare it under state)",
                            )
                        )
    if scenario.start in nodes:
        reachable = _reachable(scenario, scenario.start)
        for node_id in nodes:
            if node_id not in reachable:
                problems.append(GraphProblem(("nodes", node_id), "unreachable from start"))
        endings = {n for n, node in nodes.items() if node.ending is not None}
        if not endings:
            problems.append(GraphProblem(("nodes",), "no ending: mark at least one node ending"))
        for node_id in sorted(reachable):
            node = nodes[node_id]
            if (
                node.ending is None
                and node.choices
                and not (_reachable(scenario, node_id) & endings)
            ):
                problems.append(
                    GraphProblem(
                        ("nodes", node_id), "loop with no way out: no ending can be reached"
                    )
                )
    return problems


def _reachable(scenario: Scenario, start: str) -> set[str]:
    seen = {start}
    todo = [start]
    while todo:
        node = scenario.nodes.get(todo.pop())
        if node is None:
            continue
        for choice in node.choices:
            if choice.next in scenario.nodes and choice.next not in seen:
                seen.add(choice.next)
                todo.append(choice.next)
    return seen


def scenario_stats(scenario: Scenario) -> dict[str, int]:
    """Count what a scenario offers, for reports.

    Args:
        scenario: The scenario.

    Returns:
        Counts of nodes, decision points, choices and endings.
    """
    decisions = [n for n in scenario.nodes.values() if n.choices]
    return {
        "nodes": len(scenario.nodes),
        "decision_points": len(decisions),
        "choices": sum(len(n.choices) for n in decisions),
        "endings": sum(1 for n in scenario.nodes.values() if n.ending is not None),
    }


def shortest_path_length(scenario: Scenario) -> int:
    """Return the fewest decisions from start to any ending (ignoring conditions).

    Args:
        scenario: The scenario.

    Returns:
        The number of choices on the shortest path to an ending.
    """
    frontier = [scenario.start]
    seen = {scenario.start}
    depth = 0
    while frontier:
        nxt = []
        for node_id in frontier:
            node = scenario.nodes[node_id]
            if node.ending is not None:
                return depth
            for choice in node.choices:
                if choice.next not in seen:
                    seen.add(choice.next)
                    nxt.append(choice.next)
        frontier = nxt
        depth += 1
    return -1


# ----------------------------------------------------------------------------- engine


class ScenarioError(Exception):
    """Raised when a choice is not possible here (unknown, or not available)."""


@dataclass(frozen=True)
class Step:
    """One decision taken: where, what, and what it taught."""

    node_id: str
    node_title: str
    choice_id: str
    choice_text: str
    feedback: str
    principle: str
    served: bool
    scores: dict[str, int]


@dataclass
class Play:
    """The state of one learner's run through a scenario.

    The run is stored as the list of choice ids taken; everything else is replayed from
    the content, so a saved run resumes exactly where the learner left it.
    """

    scenario: Scenario
    profile: str | None = None
    choices: list[str] = field(default_factory=list)
    node_id: str = ""
    state: dict[str, Value] = field(default_factory=dict)
    scores: dict[str, int] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)

    def __post_init__(self) -> None:
        """Replay the stored choices from the start."""
        taken = list(self.choices)
        self._reset()
        for choice_id in taken:
            self.choose(choice_id)

    def _reset(self) -> None:
        self.choices = []
        self.node_id = self.scenario.start
        self.state = dict(self.scenario.state)
        self.scores = {d.id: 0 for d in self.scenario.dimensions}
        self.steps = []

    @property
    def node(self) -> Node:
        """The current node."""
        return self.scenario.nodes[self.node_id]

    @property
    def finished(self) -> bool:
        """True when the current node is an ending."""
        return self.node.ending is not None

    def text(self, value: Text) -> str:
        """Return a text in the learner's profile variant.

        Args:
            value: A content text.

        Returns:
            The Markdown for this learner's profile.
        """
        return value.for_profile(self.profile)

    def available(self) -> list[Choice]:
        """List the choices open at the current node for this profile and state.

        Returns:
            The choices a learner may take now, in content order.
        """
        return [
            c
            for c in self.node.choices
            if (c.profiles is None or self.profile in c.profiles) and self._holds(c.when)
        ]

    def _holds(self, condition: Condition | None) -> bool:
        if not condition:
            return True
        for key, expected in condition.items():
            actual = self.state.get(key)
            if isinstance(expected, Range):
                if not isinstance(actual, int) or isinstance(actual, bool):
                    return False
                if expected.min is not None and actual < expected.min:
                    return False
                if expected.max is not None and actual > expected.max:
                    return False
            elif type(actual) is not type(expected) or actual != expected:
                return False
        return True

    def choose(self, choice_id: str) -> Step:
        """Take a choice at the current node.

        Args:
            choice_id: The id of one of :meth:`available`.

        Returns:
            The step, with its feedback.

        Raises:
            ScenarioError: If the scenario has ended or the choice is not open here.
        """
        if self.finished:
            raise ScenarioError("the scenario has ended: restart to play again")
        matches = [c for c in self.available() if c.id == choice_id]
        if not matches:
            raise ScenarioError(f"'{choice_id}' is not a choice at '{self.node_id}'")
        choice = matches[0]
        for key, value in choice.set.items():
            self.state[key] = value
        for key, delta in choice.add.items():
            current = self.state.get(key, 0)
            self.state[key] = (current if isinstance(current, int) else 0) + delta
        for key, delta in choice.scores.items():
            self.scores[key] = self.scores.get(key, 0) + delta
        step = Step(
            node_id=self.node_id,
            node_title=self.node.title,
            choice_id=choice.id,
            choice_text=self.text(choice.text),
            feedback=self.text(choice.feedback),
            principle=choice.principle,
            served=choice.served,
            scores=dict(choice.scores),
        )
        self.steps.append(step)
        self.choices.append(choice.id)
        self.node_id = choice.next
        return step

    def back(self) -> None:
        """Undo the last choice (nothing happens at the start)."""
        if not self.choices:
            return
        taken = self.choices[:-1]
        self._reset()
        for choice_id in taken:
            self.choose(choice_id)

    def restart(self) -> None:
        """Go back to the start with a clean state."""
        self._reset()

    def recap(self) -> list[Step]:
        """Return the path taken, each decision with its feedback.

        Returns:
            The steps in order.
        """
        return list(self.steps)

    def to_dict(self) -> dict[str, Any]:
        """Return the resumable state to keep in the learner's progress.

        Returns:
            A JSON-able mapping.
        """
        ending = self.node.ending
        return {
            "choices": list(self.choices),
            "node": self.node_id,
            "finished": self.finished,
            "outcome": ending.outcome if ending else None,
            "scores": dict(self.scores),
        }

    @classmethod
    def resume(
        cls, scenario: Scenario, saved: dict[str, Any] | None, profile: str | None
    ) -> tuple[Play, str | None]:
        """Rebuild a run from saved progress.

        Args:
            scenario: The scenario.
            saved: What :meth:`to_dict` returned earlier, or None.
            profile: The learner's profile.

        Returns:
            The run, and a notice if the saved path no longer fits the content (the run
            then restarts, and the notice says so).
        """
        choices = list((saved or {}).get("choices", []))
        try:
            return cls(scenario, profile, choices), None
        except ScenarioError:
            return (
                cls(scenario, profile, []),
                "This scenario has changed since you last played it, so it starts again.",
            )

"""The coalition stage self-assessment: yes/no statements per stage, loaded from content data.

The statements and the advice live in ``modules/10-community-mapping/coalition-stages.yml``
(validated by :class:`CoalitionStages`); this module only decides which stage a coalition
is in. The stages follow Community Coalition Action Theory (Butterfoss & Kegler):
formation, maintenance, institutionalization, in that order.

A coalition is in the **first stage with a statement not yet answered "yes"**: it has work
left to do there, whatever it already does from later stages. When every statement is
answered "yes", the coalition is institutionalized and the file's ``when_complete`` text
applies.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, get_args

from pydantic import Field, field_validator

from engage.content.loader import load_file, repo_root
from engage.content.schema import NonEmpty, Slug, Strict, Text, find_by_id

StageId = Literal["formation", "maintenance", "institutionalization"]
"""The coalition stages, in order."""

STAGE_IDS: tuple[StageId, ...] = get_args(StageId)

MODULE_ID = "10-community-mapping"
STAGES_FILE = "coalition-stages.yml"


class Statement(Strict):
    """One yes/no statement about the coalition.

    Attributes:
        id: A short id, unique in the file, used to store the learner's answer.
        text: The statement, e.g. "A lead organisation has agreed to convene the coalition."
        if_no: What to do when the answer is no.
    """

    id: Slug
    text: Text
    if_no: Text


class Stage(Strict):
    """One stage of a coalition's life.

    Attributes:
        id: ``formation``, ``maintenance`` or ``institutionalization``.
        title: The stage's name as shown.
        summary: What the stage is about.
        next_steps: What a coalition in this stage should do next.
        statements: The yes/no statements that show the stage's work is done.
    """

    id: StageId
    title: NonEmpty
    summary: Text
    next_steps: Text
    statements: Annotated[list[Statement], Field(min_length=1)]


class CoalitionStages(Strict):
    """The file ``coalition-stages.yml``: the three stages and what follows the last one.

    Attributes:
        schema_version: The content schema version.
        intro: Shown before the statements.
        stages: Formation, maintenance and institutionalization, in that order.
        when_complete: Advice once every statement is answered yes.
    """

    schema_version: int
    intro: Text
    stages: list[Stage]
    when_complete: Text

    @field_validator("stages")
    @classmethod
    def _three_stages_in_order(cls, stages: list[Stage]) -> list[Stage]:
        ids = tuple(stage.id for stage in stages)
        if ids != STAGE_IDS:
            raise ValueError(
                "stages must be " + ", ".join(STAGE_IDS) + " in that order, each once "
                f"(found {', '.join(ids) or 'none'})"
            )
        seen: dict[str, str] = {}
        for stage in stages:
            for statement in stage.statements:
                if statement.id in seen:
                    raise ValueError(
                        f"statement id '{statement.id}' is used twice (in {seen[statement.id]} "
                        f"and {stage.id}); answers are stored by id, so each must be unique"
                    )
                seen[statement.id] = stage.id
        return stages

    def statement_ids(self) -> tuple[str, ...]:
        """Return every statement id, stage by stage.

        Returns:
            The ids in file order.
        """
        return tuple(s.id for stage in self.stages for s in stage.statements)

    def stage(self, stage_id: str) -> Stage:
        """Return one stage by id.

        Args:
            stage_id: ``formation``, ``maintenance`` or ``institutionalization``.

        Returns:
            The stage.

        Raises:
            KeyError: If there is no such stage.
        """
        return find_by_id(self.stages, stage_id, "coalition stage")


def load_coalition_stages(root: Path | None = None) -> CoalitionStages:
    """Load and validate ``modules/10-community-mapping/coalition-stages.yml``.

    Args:
        root: The repository root; found automatically if None.

    Returns:
        The stages.

    Raises:
        engage.content.ContentError: If the file is missing or invalid; each problem names
            file, line and key path.
    """
    root = root or repo_root()
    return load_file(root / "modules" / MODULE_ID / STAGES_FILE, CoalitionStages, root)


@dataclass(frozen=True)
class StageProgress:
    """How many of one stage's statements were answered yes.

    Attributes:
        stage: The stage id.
        title: The stage's title.
        yes: How many statements were answered yes.
        total: How many statements the stage has.
    """

    stage: StageId
    title: str
    yes: int
    total: int


@dataclass(frozen=True)
class Assessment:
    """Where a coalition stands, from the learner's yes/no answers.

    Attributes:
        stage: The stage the coalition is in.
        title: That stage's title.
        summary: What the stage is about (for the learner's profile).
        next_steps: What to do next: the stage's advice, or ``when_complete`` at the end.
        actions: For each statement of the current stage not answered yes, what to do.
        unanswered: Ids of statements of the current and earlier stages left unanswered
            (counted as no).
        already_doing: Statements of later stages already answered yes.
        complete: True when every statement is answered yes.
        progress: Yes answers per stage.
    """

    stage: StageId
    title: str
    summary: str
    next_steps: str
    actions: tuple[str, ...]
    unanswered: tuple[str, ...]
    already_doing: tuple[str, ...]
    complete: bool
    progress: tuple[StageProgress, ...]

    def describe(self) -> str:
        """Say the result in one or two plain sentences.

        Returns:
            For example "Your coalition is in the formation stage: 2 of 5 statements
            answered yes."
        """
        if self.complete:
            return "Your coalition shows every sign of institutionalization."
        mine = next(p for p in self.progress if p.stage == self.stage)
        return (
            f"Your coalition is in the {self.title.lower()} stage: {mine.yes} of "
            f"{mine.total} statements answered yes."
        )


def assess_coalition(
    stages: CoalitionStages,
    answers: Mapping[str, bool | None],
    profile: str | None = None,
) -> Assessment:
    """Decide which stage a coalition is in and what to do next.

    Args:
        stages: The stages and statements (see :func:`load_coalition_stages`).
        answers: Statement id to True (yes), False (no) or None (not answered); missing ids
            count as not answered.
        profile: The learner's library profile, to pick profile-specific texts.

    Returns:
        The assessment.

    Raises:
        ValueError: If ``answers`` names a statement id that is not in ``stages``, or holds
            something other than True, False or None.
    """
    known = set(stages.statement_ids())
    unknown = sorted(set(answers) - known)
    if unknown:
        raise ValueError("unknown statement id(s): " + ", ".join(repr(u) for u in unknown))
    for key, value in answers.items():
        if value is not None and not isinstance(value, bool):
            raise ValueError(f"the answer to '{key}' must be yes (True), no (False) or None")

    progress = tuple(
        StageProgress(
            stage=stage.id,
            title=stage.title,
            yes=sum(answers.get(s.id) is True for s in stage.statements),
            total=len(stage.statements),
        )
        for stage in stages.stages
    )
    current = next(
        (
            stage
            for stage in stages.stages
            if any(answers.get(s.id) is not True for s in stage.statements)
        ),
        None,
    )
    if current is None:
        last = stages.stages[-1]
        return Assessment(
            stage=last.id,
            title=last.title,
            summary=last.summary.for_profile(profile),
            next_steps=stages.when_complete.for_profile(profile),
            actions=(),
            unanswered=(),
            already_doing=(),
            complete=True,
            progress=progress,
        )
    index = stages.stages.index(current)
    unanswered = tuple(
        s.id
        for stage in stages.stages[: index + 1]
        for s in stage.statements
        if answers.get(s.id) is None
    )
    already = tuple(
        s.text.for_profile(profile)
        for stage in stages.stages[index + 1 :]
        for s in stage.statements
        if answers.get(s.id) is True
    )
    return Assessment(
        stage=current.id,
        title=current.title,
        summary=current.summary.for_profile(profile),
        next_steps=current.next_steps.for_profile(profile),
        actions=tuple(
            s.if_no.for_profile(profile)
            for s in current.statements
            if answers.get(s.id) is not True
        ),
        unanswered=unanswered,
        already_doing=already,
        complete=False,
        progress=progress,
    )

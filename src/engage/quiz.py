"""Self-check questions: the YAML model and answer checking (single, multiple, order)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from engage.content.schema import NonEmpty, Slug, Strict, Text, at, find_by_id


class Option(Strict):
    """An answer option with its own explanation."""

    id: Slug
    text: Text
    correct: bool = False
    explanation: Text


class OrderItem(Strict):
    """One item of an ordering question; items are listed in the correct order."""

    id: Slug
    text: Text


class Question(Strict):
    """A self-check question."""

    id: Slug
    type: Literal["single", "multiple", "order"]
    prompt: Text
    options: list[Option] = []
    items: list[OrderItem] = []
    explanation: Text | None = None

    @model_validator(mode="after")
    def _shape(self) -> Question:
        if self.type == "order":
            if len(self.items) < 3:
                raise ValueError("an order question needs at least three items")
            if self.options:
                raise ValueError("an order question has items, not options")
            if self.explanation is None:
                raise ValueError("an order question needs an explanation")
            _unique([i.id for i in self.items], "item", "items")
            return self
        if self.items:
            raise ValueError(f"a {self.type} question has options, not items")
        if len(self.options) < 2:
            raise ValueError("a question needs at least two options")
        _unique([o.id for o in self.options], "option", "options")
        correct = sum(o.correct for o in self.options)
        if self.type == "single" and correct != 1:
            raise ValueError(
                f"a single-choice question needs exactly one correct option, has {correct}"
            )
        if self.type == "multiple" and correct < 1:
            raise ValueError("a multiple-choice question needs at least one correct option")
        return self


def _unique(ids: list[str], what: str, key: str) -> None:
    for i, value in enumerate(ids):
        if value in ids[:i]:
            raise at(f"{key}[{i}].id", f"{what} id '{value}' is used twice")


class Quiz(Strict):
    """A self-check file ``modules/<module>/quiz.yml``."""

    schema_version: int
    title: NonEmpty
    intro: Text
    pass_fraction: Annotated[float, Field(ge=0, le=1)] = 1.0
    questions: Annotated[list[Question], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique_questions(self) -> Quiz:
        _unique([q.id for q in self.questions], "question", "questions")
        return self

    def question(self, question_id: str) -> Question:
        """Return a question by id.

        Args:
            question_id: The question's id.

        Returns:
            The question.

        Raises:
            KeyError: If there is no such question.
        """
        return find_by_id(self.questions, question_id, "question")


@dataclass(frozen=True)
class Feedback:
    """The result of checking one answer."""

    correct: bool
    summary: str
    details: list[tuple[str, str]]
    """(label, explanation in Markdown) pairs to show after answering."""


class AnswerError(ValueError):
    """Raised when an answer is not of the question's shape."""


def check_answer(question: Question, answer: Any, profile: str | None = None) -> Feedback:
    """Check an answer in the kernel and explain every option involved.

    Args:
        question: The question.
        answer: An option id (single), a list of option ids (multiple), or the item ids
            in the learner's order (order).
        profile: The learner's profile, for per-profile explanations.

    Returns:
        Whether it is correct, and explanations to show.

    Raises:
        AnswerError: If the answer does not fit the question (unknown id, wrong type).
    """
    if question.type == "single":
        ids = {o.id for o in question.options}
        if not isinstance(answer, str) or answer not in ids:
            raise AnswerError(f"choose one of the options of '{question.id}'")
        chosen = next(o for o in question.options if o.id == answer)
        right = next(o for o in question.options if o.correct)
        details = [("Your answer", chosen.explanation.for_profile(profile))]
        if not chosen.correct:
            details.append(
                (
                    f"The best answer: {right.text.for_profile(profile)}",
                    right.explanation.for_profile(profile),
                )
            )
        return Feedback(chosen.correct, "Correct." if chosen.correct else "Not quite.", details)
    if question.type == "multiple":
        if not isinstance(answer, list | tuple | set | frozenset):
            raise AnswerError(f"'{question.id}' takes a list of options")
        chosen_ids = set(answer)
        ids = {o.id for o in question.options}
        unknown = chosen_ids - ids
        if unknown:
            raise AnswerError(f"unknown option(s) {sorted(unknown)} in '{question.id}'")
        correct_ids = {o.id for o in question.options if o.correct}
        ok = chosen_ids == correct_ids
        details = []
        for option in question.options:
            picked = option.id in chosen_ids
            if picked or option.correct:
                mark = _mark(picked, option.correct)
                details.append(
                    (
                        f"{mark}: {option.text.for_profile(profile)}",
                        option.explanation.for_profile(profile),
                    )
                )
        missed = len(correct_ids - chosen_ids)
        wrong = len(chosen_ids - correct_ids)
        if ok:
            summary = "Correct: you chose all the right options and no others."
        else:
            parts = []
            if missed:
                parts.append(f"{missed} right option{'s' if missed > 1 else ''} not chosen")
            if wrong:
                parts.append(
                    f"{wrong} option{'s' if wrong > 1 else ''} chosen that "
                    f"{'do' if wrong > 1 else 'does'} not fit"
                )
            summary = "Not quite: " + " and ".join(parts) + "."
        return Feedback(ok, summary, details)
    order = [i.id for i in question.items]
    if not isinstance(answer, list | tuple) or sorted(answer) != sorted(order):
        raise AnswerError(f"'{question.id}' takes every item exactly once, in your order")
    ok = list(answer) == order
    placed = sum(1 for a, b in zip(answer, order, strict=True) if a == b)
    correct_order = " → ".join(i.text.for_profile(profile) for i in question.items)
    explanation = question.explanation.for_profile(profile) if question.explanation else ""
    summary = (
        "Correct: that is the order."
        if ok
        else f"Not quite: {placed} of {len(order)} in the right place."
    )
    return Feedback(ok, summary, [(f"The order: {correct_order}", explanation)])


def _mark(picked: bool, correct: bool) -> str:
    if picked and correct:
        return "Right to choose"
    if picked:
        return "Does not fit"
    return "Also right (not chosen)"


def score(quiz: Quiz, results: dict[str, bool]) -> tuple[int, int]:
    """Count correctly answered questions.

    Args:
        quiz: The quiz.
        results: Question id to whether its latest answer was correct.

    Returns:
        (correct, total).
    """
    return sum(1 for q in quiz.questions if results.get(q.id)), len(quiz.questions)


def passed(quiz: Quiz, results: dict[str, bool]) -> bool:
    """Tell whether the self-check counts as done.

    Args:
        quiz: The quiz.
        results: Question id to whether its latest answer was correct.

    Returns:
        True when every question was answered and the share correct meets
        ``pass_fraction``.
    """
    if any(q.id not in results for q in quiz.questions):
        return False
    right, total = score(quiz, results)
    return right >= quiz.pass_fraction * total

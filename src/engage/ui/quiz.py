"""QuizView: a self-check answered in the page, checked in the kernel, retry allowed."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from engage.activities import quiz_results
from engage.progress import ProgressStore
from engage.quiz import Question, Quiz, check_answer, score
from engage.ui.common import (
    ErrorArea,
    action_button,
    described,
    esc,
    html_block,
    markdown_html,
    markdown_inline,
    set_html,
)

NOT_CHOSEN = "(choose)"
ORDINALS = ["1st", "2nd", "3rd", "4th", "5th", "6th", "7th", "8th", "9th", "10th"]


class QuestionView:
    """One question: prompt, answer controls, a check button and the feedback."""

    def __init__(self, number: int, question: Question, quiz_view: QuizView) -> None:
        """Build the controls for a question.

        Args:
            number: The question's position, from 1.
            question: The question.
            quiz_view: The quiz it belongs to.
        """
        self.question = question
        self.quiz_view = quiz_view
        profile = quiz_view.profile
        self.prompt = html_block(
            f"<h3>Question {number}</h3>{markdown_html(question.prompt.for_profile(profile))}"
        )
        self.controls: list[widgets.Widget] = []
        label = f"Answer to question {number}"
        options = list(question.options)
        random.Random(f"options:{question.id}").shuffle(options)
        if question.type == "single":
            self.radio = described(
                widgets.RadioButtons(
                    options=[(o.text.for_profile(profile), o.id) for o in options],
                    value=None,
                    layout=widgets.Layout(width="auto"),
                ),
                label,
            )
            self.radio.add_class("engage-options")
            self.controls = [self.radio]
        elif question.type == "multiple":
            self.boxes = {
                o.id: widgets.Checkbox(
                    value=False,
                    description=o.text.for_profile(profile),
                    indent=False,
                    layout=widgets.Layout(width="auto"),
                )
                for o in options
            }
            for box in self.boxes.values():
                box.add_class("engage-options")
            hint = html_block(f"<p class='muted'>{esc(label)}: choose every option that fits.</p>")
            self.controls = [hint, *self.boxes.values()]
        else:
            items = list(question.items)
            random.Random(question.id).shuffle(items)
            if [i.id for i in items] == [i.id for i in question.items]:
                items.reverse()
            choices = [(NOT_CHOSEN, "")] + [(i.text.for_profile(profile), i.id) for i in items]
            self.positions = [
                described(
                    widgets.Dropdown(
                        options=choices, value="", layout=widgets.Layout(width="auto")
                    ),
                    f"{ORDINALS[n] if n < len(ORDINALS) else n + 1} step",
                )
                for n in range(len(question.items))
            ]
            hint = html_block(
                f"<p class='muted'>{esc(label)}: choose what comes first, second, and so on.</p>"
            )
            self.controls = [hint, *self.positions]
        self.check = action_button(f"Check answer {number}")
        self.check.on_click(quiz_view.errors.guard(lambda _: self.submit()))
        self.feedback = html_block("")
        self.widget = widgets.VBox([self.prompt, *self.controls, self.check, self.feedback])

    def answer(self) -> Any:
        """Return the current answer in the shape :func:`check_answer` takes.

        Returns:
            An option id, a list of option ids, or a list of item ids (possibly with blanks).
        """
        if self.question.type == "single":
            return self.radio.value
        if self.question.type == "multiple":
            return [oid for oid, box in self.boxes.items() if box.value]
        return [d.value for d in self.positions]

    def set_answer(self, answer: Any) -> None:
        """Put a saved answer back into the controls.

        Args:
            answer: What :meth:`answer` returned earlier.
        """
        if self.question.type == "single":
            if answer in {o.id for o in self.question.options}:
                self.radio.value = answer
        elif self.question.type == "multiple":
            for oid, box in self.boxes.items():
                box.value = oid in (answer or [])
        else:
            known = {i.id for i in self.question.items}
            for dropdown, value in zip(self.positions, answer or [], strict=False):
                dropdown.value = value if value in known else ""

    def submit(self) -> None:
        """Check the answer in the kernel, show explanations, and save the result."""
        answer = self.answer()
        if self.question.type == "single" and answer is None:
            set_html(self.feedback, '<p class="notice" role="status">Choose an answer first.</p>')
            return
        if self.question.type == "order" and ("" in answer or len(set(answer)) != len(answer)):
            set_html(
                self.feedback,
                '<p class="notice" role="status">Use each step exactly once, then check again.</p>',
            )
            return
        result = check_answer(self.question, answer, self.quiz_view.profile)
        self.show(result.correct, result.summary, result.details)
        self.quiz_view.record(self.question.id, answer, result.correct)

    def show(self, correct: bool, summary: str, details: list[tuple[str, str]]) -> None:
        """Show feedback for an answer.

        Args:
            correct: Whether the answer was right.
            summary: One line.
            details: (label, Markdown explanation) pairs.
        """
        items = "".join(
            f"<li><strong>{markdown_inline(label)}</strong> {markdown_html(text)}</li>"
            for label, text in details
        )
        retry = "" if correct else " You can change your answer and check again."
        set_html(
            self.feedback,
            f'<div class="{"ok" if correct else "notice"}" role="status">'
            f"<p><strong>{esc(summary)}</strong>{retry}</p><ul>{items}</ul></div>",
        )


class QuizView:
    """The self-check of a module."""

    def __init__(
        self,
        module_id: str,
        quiz: Quiz,
        store: ProgressStore,
        profile: str | None,
        errors: ErrorArea | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        """Build every question and restore saved answers.

        Args:
            module_id: The module id (the key of the saved answers).
            quiz: The quiz content.
            store: Where answers are saved.
            profile: The learner's profile.
            errors: Where errors inside callbacks are shown.
            on_change: Called after each saved answer.
        """
        self.module_id = module_id
        self.quiz = quiz
        self.store = store
        self.profile = profile
        self.errors = errors or ErrorArea()
        self.on_change = on_change
        intro = markdown_html(quiz.intro.for_profile(profile))
        self.intro = html_block(f"<h2>Self-check: {esc(quiz.title)}</h2>{intro}")
        self.questions = [QuestionView(n + 1, q, self) for n, q in enumerate(quiz.questions)]
        self.summary = html_block("")
        self.widget = widgets.VBox(
            [self.intro, *[q.widget for q in self.questions], self.summary, self.errors.widget]
        )
        self.widget.add_class("engage-quiz")
        saved = store.load().quizzes.get(module_id) or {}
        for view in self.questions:
            entry = (saved.get("answers") or {}).get(view.question.id)
            answer = (entry or {}).get("answer")
            if entry and _complete(view.question, answer):
                view.set_answer(answer)
                result = check_answer(view.question, answer, profile)
                view.show(result.correct, result.summary, result.details)
        self.render_summary()

    def record(self, question_id: str, answer: Any, correct: bool) -> None:
        """Save an answer and update the summary.

        Args:
            question_id: The question.
            answer: The answer given.
            correct: Whether it was right.
        """
        saved = dict(self.store.load().quizzes.get(self.module_id) or {})
        answers = dict(saved.get("answers") or {})
        attempts = int((answers.get(question_id) or {}).get("attempts", 0)) + 1
        answers[question_id] = {"answer": answer, "correct": correct, "attempts": attempts}
        self.store.put_item("quizzes", self.module_id, {"answers": answers})
        self.render_summary()
        if self.on_change:
            self.on_change()

    def results(self) -> dict[str, bool]:
        """Return question id → whether its latest answer was correct.

        Returns:
            The results so far.
        """
        return quiz_results(self.store.load().quizzes.get(self.module_id))

    def render_summary(self) -> None:
        """Show how many questions are answered correctly so far."""
        results = self.results()
        right, total = score(self.quiz, results)
        answered = len([q for q in self.quiz.questions if q.id in results])
        set_html(
            self.summary,
            f'<p role="status"><strong>{right} of {total}</strong> answered correctly '
            f"({answered} answered).</p>",
        )


def _complete(question: Question, answer: Any) -> bool:
    try:
        check_answer(question, answer)
    except ValueError:
        return False
    return True

"""The reflection box: write answers on the page, drafts kept, download a gradable notebook."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

import ipywidgets as widgets

from engage.content import Module
from engage.grading import layout
from engage.grading.notebook_checks import count_words
from engage.grading.submission import SubmissionError, fill_reflection
from engage.progress import ProgressStore
from engage.ui.common import (
    ErrorArea,
    described,
    download_link,
    esc,
    html_block,
    markdown_html,
    markdown_inline,
    set_html,
)

SAVE_INTERVAL = 1.0
"""Seconds between draft saves while the learner types; the last change is always saved."""

NOTEBOOK_MIME = "application/x-ipynb+json"


class Cancellable(Protocol):
    """A scheduled call that can be called off."""

    def cancel(self) -> None:
        """Call it off."""


Scheduler = Callable[[float, Callable[[], None]], Cancellable]


def thread_scheduler(delay: float, func: Callable[[], None]) -> Cancellable:
    """Run ``func`` once after ``delay`` seconds on a timer thread.

    Args:
        delay: Seconds to wait.
        func: What to run.

    Returns:
        The timer, which can be cancelled.
    """
    timer = threading.Timer(delay, func)
    timer.daemon = True
    timer.start()
    return timer


def _rubric_html(prompt: Any) -> str:
    rows = []
    for criterion in prompt.criteria:
        for i, level in enumerate(criterion.levels):
            name = f"<th scope='row'>{esc(criterion.name)}</th>" if i == 0 else "<td></td>"
            rows.append(
                f"<tr>{name}<td>{esc(level.name)}</td><td>{level.points}</td>"
                f"<td>{markdown_inline(level.descriptor)}</td></tr>"
            )
    return (
        "<details><summary>How this answer is graded (rubric)</summary><table>"
        "<thead><tr><th scope='col'>Criterion</th><th scope='col'>Level</th>"
        "<th scope='col'>Points</th><th scope='col'>What it looks like</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></details>"
    )


class ReflectionBox:
    """Write a module's reflection on the page and download it as an nbgrader submission.

    One labelled text area per prompt, each with its word count and minimum. Drafts are
    saved to progress while the learner types (at most every ``save_interval`` seconds, and
    always after the last change) and restored when the page is opened again. The download
    link is the module's released nbgrader notebook with the answers, the learner's name
    and the module's exercise result filled in.
    """

    def __init__(
        self,
        module: Module,
        store: ProgressStore,
        profile: str | None,
        root: Path,
        errors: ErrorArea | None = None,
        *,
        save_interval: float = SAVE_INTERVAL,
        clock: Callable[[], float] = time.monotonic,
        scheduler: Scheduler = thread_scheduler,
    ) -> None:
        """Build the form and restore any saved draft.

        Args:
            module: The module; it must have a reflection.
            store: Where drafts are saved.
            profile: The learner's library profile, for prompt variants.
            root: The repository root (for ``assignments/release``).
            errors: Where errors inside callbacks are shown.
            save_interval: Least seconds between two draft saves.
            clock: Monotonic time source (tests pass a fake one).
            scheduler: Runs the delayed save (tests pass a fake one).

        Raises:
            KeyError: If the module has no reflection.
        """
        if module.reflection is None:
            raise KeyError(f"{module.id} has no reflection in module.yml")
        self.module, self.store, self.profile, self.root = module, store, profile, root
        self.reflection = module.reflection
        self.errors = errors or ErrorArea()
        self.save_interval, self.clock, self.scheduler = save_interval, clock, scheduler
        self._lock = threading.RLock()
        self._last_save = float("-inf")
        self._pending: Cancellable | None = None
        self._dirty = False
        saved = self.store.load()
        draft = (saved.reflections.get(module.id) or {}).get("answers") or {}
        self.name = described(
            widgets.Text(value=saved.learner_name, layout=widgets.Layout(width="30rem")),
            "Your name (it goes in the file you send)",
        )
        self.areas: dict[str, widgets.Textarea] = {}
        self.counts: dict[str, widgets.HTML] = {}
        parts: list[widgets.Widget] = [
            html_block(
                f"<h2>Reflection: {esc(self.reflection.title)}</h2>"
                f"{markdown_html(self.reflection.intro.for_profile(profile))}"
                "<p>Your drafts are saved as you type. When you are done, download your "
                "reflection and send the file to your facilitator.</p>"
            ),
            self.name,
        ]
        for number, prompt in enumerate(self.reflection.prompts, start=1):
            parts.append(
                html_block(
                    f"<h3>Question {number} ({prompt.points} points)</h3>"
                    f"{markdown_html(prompt.prompt.for_profile(profile))}{_rubric_html(prompt)}"
                )
            )
            area = widgets.Textarea(
                value=str(draft.get(prompt.id) or ""),
                rows=10,
                continuous_update=True,
                layout=widgets.Layout(width="100%"),
            )
            described(area, f"Your answer to question {number}")
            area.observe(self.errors.guard(self._on_change), names="value")
            self.areas[prompt.id] = area
            count = html_block("")
            self.counts[prompt.id] = count
            parts += [area, count]
        self.status = html_block("")
        self.download = html_block("")
        self.name.observe(self.errors.guard(self._on_name), names="value")
        self.widget = widgets.VBox([*parts, self.status, self.download, self.errors.widget])
        self.widget.add_class("engage-reflection")
        for prompt_id in self.areas:
            self._show_count(prompt_id)
        self._show_download()

    # ------------------------------------------------------------------ state

    def answers(self) -> dict[str, str]:
        """Return the answers as currently typed.

        Returns:
            Prompt id to text.
        """
        return {prompt_id: area.value for prompt_id, area in self.areas.items()}

    def _show_count(self, prompt_id: str) -> None:
        prompt = next(p for p in self.reflection.prompts if p.id == prompt_id)
        words = count_words(self.areas[prompt_id].value)
        state = "ok" if words >= prompt.min_words else "muted"
        noun = "word" if words == 1 else "words"
        set_html(
            self.counts[prompt_id],
            f'<p class="{state}" aria-live="polite">{words} {noun} '
            f"(at least {prompt.min_words})</p>",
        )

    def _on_change(self, change: dict[str, Any]) -> None:
        for prompt_id, area in self.areas.items():
            if area is change.get("owner"):
                self._show_count(prompt_id)
        with self._lock:
            self._dirty = True
            wait = self._last_save + self.save_interval - self.clock()
            if wait <= 0:
                self._cancel_pending()
                self.save()
            elif self._pending is None:
                self._pending = self.scheduler(wait, self._flush)

    def _flush(self) -> None:
        """Save what changed since the last save (run by the scheduler)."""
        try:
            with self._lock:
                self._pending = None
                if self._dirty:
                    self.save()
        except Exception as exc:  # a timer thread has no caller to report to
            self.errors.show(exc)

    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def save(self) -> None:
        """Save the draft now and refresh the download link."""
        with self._lock:
            self.store.put_item(
                "reflections",
                self.module.id,
                {"assignment": self.module.id, "answers": self.answers()},
            )
            self._last_save = self.clock()
            self._dirty = False
        stamp = datetime.now().strftime("%H:%M:%S")
        set_html(self.status, f'<p class="muted" role="status">Draft saved at {stamp}.</p>')
        self._show_download()

    def flush(self) -> None:
        """Save any change not saved yet (for example before the page closes)."""
        with self._lock:
            self._cancel_pending()
            if self._dirty:
                self.save()

    def _on_name(self, change: dict[str, Any]) -> None:
        progress = self.store.set_learner_name(change["new"])
        if progress.learner_name != change["new"].strip():
            self.name.value = progress.learner_name
        self._show_download()

    # ------------------------------------------------------------------ download

    def release_path(self) -> Path:
        """Return the released notebook this reflection fills in."""
        name = layout.notebook_name(self.module.id)
        return layout.course_root(self.root) / "release" / self.module.id / f"{name}.ipynb"

    def notebook_bytes(self) -> bytes:
        """Return the released notebook filled with the current answers, name and exercise.

        Returns:
            The notebook's bytes, ready to be graded by nbgrader.
        """
        progress = self.store.load()
        exercise = progress.exercises.get(self.module.id)
        if exercise is not None:
            exercise = {k: v for k, v in exercise.items() if k != "updated_at"}
        return fill_reflection(
            self.release_path().read_bytes(),
            assignment_id=self.module.id,
            answers=self.answers(),
            learner_name=progress.learner_name,
            profile=self.profile,
            exercise=exercise,
            exported_at=datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
        )

    def refresh_download(self) -> None:
        """Rebuild the download link from the saved progress (e.g. after the exercise changed)."""
        self._show_download()

    def _show_download(self) -> None:
        name = " ".join(self.name.value.split())
        if not name:
            set_html(
                self.download,
                '<p class="muted">Write your name above to download your reflection: your '
                "facilitator needs it to know whose work it is.</p>",
            )
            return
        filename = f"{layout.notebook_name(self.module.id)}.ipynb"
        short = [
            n
            for n, p in enumerate(self.reflection.prompts, start=1)
            if count_words(self.areas[p.id].value) < p.min_words
        ]
        warning = ""
        if short:
            listed = " and ".join(
                [", ".join(str(n) for n in short[:-1]), str(short[-1])]
                if len(short) > 1
                else [str(short[0])]
            )
            verb = "Questions" if len(short) > 1 else "Question"
            are = "are" if len(short) > 1 else "is"
            warning = (
                f"<p class='muted'>{verb} {listed} {are} still shorter than asked; you can "
                "download your reflection anyway.</p>"
            )
        try:
            data = self.notebook_bytes()
        except (OSError, SubmissionError) as exc:
            set_html(
                self.download,
                "<p class='engage-error' role='alert'>The reflection cannot be downloaded: "
                f"{esc(exc)}. Tell the course's maintainers (the released notebook is missing "
                "or out of date: <code>engage assignments build</code>).</p>",
            )
            return
        set_html(
            self.download,
            f"<p>{download_link(data, NOTEBOOK_MIME, filename, 'Download my reflection')} "
            f"({esc(filename)}, written by {esc(name)}). Send this file to your facilitator; "
            "you can download it again after changing your answers.</p>" + warning,
        )

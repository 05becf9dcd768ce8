"""Exercise views: sort statements into categories, or design something checked by rules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import ipywidgets as widgets

from engage.exercise import DesignExercise, SortExercise, check_design, check_sort
from engage.progress import ProgressStore
from engage.ui.common import (
    ErrorArea,
    action_button,
    described,
    esc,
    html_block,
    markdown_html,
    set_html,
)


class SortView:
    """Sort each statement into a category, then check and read why."""

    def __init__(
        self,
        key: str,
        exercise: SortExercise,
        store: ProgressStore,
        profile: str | None,
        errors: ErrorArea | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        """Build one labelled dropdown per statement and restore saved answers.

        Args:
            key: The progress key (the module id).
            exercise: The exercise content.
            store: Where answers are saved.
            profile: The learner's profile.
            errors: Where errors inside callbacks are shown.
            on_change: Called after each save.
        """
        self.key, self.exercise, self.store, self.profile = key, exercise, store, profile
        self.errors = errors or ErrorArea()
        self.on_change = on_change
        options = [("(choose)", "")] + [(c.label, c.id) for c in exercise.categories]
        self.rows: dict[str, widgets.Dropdown] = {}
        parts: list[widgets.Widget] = [
            html_block(
                f"<h2>Exercise: {esc(exercise.title)}</h2>"
                f"{markdown_html(exercise.instructions.for_profile(profile))}"
            )
        ]
        for n, item in enumerate(exercise.items, start=1):
            parts.append(
                html_block(
                    f"<p><strong>Statement {n}.</strong> {esc(item.text.for_profile(profile))}</p>"
                )
            )
            dropdown = described(widgets.Dropdown(options=options, value=""), f"Statement {n} is")
            self.rows[item.id] = dropdown
            parts.append(dropdown)
        self.check_button = action_button("Check my sorting")
        self.check_button.on_click(self.errors.guard(lambda _: self.check()))
        self.result = html_block("")
        saved = (store.load().exercises.get(key) or {}).get("answers") or {}
        for item_id, value in saved.items():
            if item_id in self.rows and value in {c.id for c in exercise.categories}:
                self.rows[item_id].value = value
        self.widget = widgets.VBox([*parts, self.check_button, self.result, self.errors.widget])
        self.widget.add_class("engage-exercise")
        if saved:
            self.check(save=False)

    def answers(self) -> dict[str, str]:
        """Return the statements sorted so far.

        Returns:
            Item id to category id.
        """
        return {k: d.value for k, d in self.rows.items() if d.value}

    def check(self, save: bool = True) -> None:
        """Check the sorting, show an explanation per statement, and save.

        Args:
            save: Whether to save the answers to progress.
        """
        answers = self.answers()
        results = check_sort(self.exercise, answers, self.profile)
        labels = {c.id: c.label for c in self.exercise.categories}
        number = {item.id: n for n, item in enumerate(self.exercise.items, start=1)}
        truth = {item.id: item.category for item in self.exercise.items}
        right = sum(r.correct for r in results)
        items = "".join(
            f"<li><strong>Statement {number[r.item_id]}: "
            f"{'right' if r.correct else 'belongs in ' + esc(labels[truth[r.item_id]])}.</strong> "
            f"{markdown_html(r.explanation)}</li>"
            for r in results
        )
        left = len(self.exercise.items) - len(results)
        todo = f" {left} still to sort." if left else ""
        set_html(
            self.result,
            f'<div role="status"><p><strong>{right} of {len(results)} sorted '
            f"as the approach would.</strong>{todo}</p><ul>{items}</ul></div>",
        )
        if save:
            self.store.put_item(
                "exercises",
                self.key,
                {"answers": answers, "right": right, "total": len(self.exercise.items)},
            )
            if self.on_change:
                self.on_change()


class DesignView:
    """Fill in a design (fields and repeated groups) and check it against the rules."""

    def __init__(
        self,
        key: str,
        exercise: DesignExercise,
        store: ProgressStore,
        profile: str | None,
        errors: ErrorArea | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        """Build labelled inputs for every field and restore the saved design.

        Args:
            key: The progress key (the module id).
            exercise: The exercise content.
            store: Where the design is saved.
            profile: The learner's profile.
            errors: Where errors inside callbacks are shown.
            on_change: Called after each save.
        """
        self.key, self.exercise, self.store, self.profile = key, exercise, store, profile
        self.errors = errors or ErrorArea()
        self.on_change = on_change
        saved = (store.load().exercises.get(key) or {}).get("design")
        design = exercise.blank()
        if isinstance(saved, dict):
            design = _overlay(design, saved)
        self.inputs: dict[str, widgets.Widget] = {}
        parts: list[widgets.Widget] = [
            html_block(
                f"<h2>Exercise: {esc(exercise.title)}</h2>"
                f"{markdown_html(exercise.instructions.for_profile(profile))}"
            )
        ]
        for spec in exercise.fields:
            parts.extend(self._field(spec, spec.label, spec.id, design.get(spec.id)))
        for group in exercise.groups:
            parts.append(html_block(f"<h3>{esc(group.label)}</h3>"))
            for i in range(group.count):
                item = (design.get(group.id) or [{}] * group.count)[i]
                for spec in group.fields:
                    parts.extend(
                        self._field(
                            spec,
                            f"{group.item_label} {i + 1}: {spec.label}",
                            f"{group.id}.{i}.{spec.id}",
                            item.get(spec.id),
                        )
                    )
        self.check_button = action_button("Check my design")
        self.check_button.on_click(self.errors.guard(lambda _: self.check()))
        self.result = html_block("")
        self.widget = widgets.VBox([*parts, self.check_button, self.result, self.errors.widget])
        self.widget.add_class("engage-exercise")
        if saved:
            self.check(save=False)

    def _field(self, spec: Any, label: str, path: str, value: Any) -> list[widgets.Widget]:
        if spec.type == "int":
            control = widgets.BoundedIntText(
                value=int(value) if isinstance(value, int) else 0,
                min=0,
                max=100_000,
                layout=widgets.Layout(width="22rem"),
            )
        elif spec.type == "lines":
            control = widgets.Textarea(
                value=str(value or ""),
                rows=5,
                placeholder="One per line",
                layout=widgets.Layout(width="36rem"),
            )
        else:
            control = widgets.Text(value=str(value or ""), layout=widgets.Layout(width="44rem"))
        described(control, label)
        self.inputs[path] = control
        help_text = spec.help.for_profile(self.profile) if spec.help else ""
        extra = [html_block(f"<p class='muted'>{esc(help_text)}</p>")] if help_text else []
        return [control, *extra]

    def design(self) -> dict[str, Any]:
        """Return the design as currently filled in.

        Returns:
            A JSON-able design in the shape of :meth:`DesignExercise.blank`.
        """
        design = self.exercise.blank()
        for path, control in self.inputs.items():
            parts = path.split(".")
            if len(parts) == 1:
                design[parts[0]] = control.value
            else:
                group, index, name = parts
                design[group][int(index)][name] = control.value
        return design

    def check(self, save: bool = True) -> None:
        """Check the design against the rules, show the findings, and save the design.

        Args:
            save: Whether to save the design to progress.
        """
        findings = check_design(self.exercise, self.design(), self.profile)
        good = sum(f.ok for f in findings)
        labels = {f.id: f.label for f in self.exercise.fields}
        labels.update({g.id: g.label for g in self.exercise.groups})
        labels.update(
            {
                f"{g.id}.{f.id}": f"{g.label}: {f.label}"
                for g in self.exercise.groups
                for f in g.fields
            }
        )
        items = "".join(
            f"<li><strong>{'Fits' if f.ok else 'Reconsider'}: {esc(f.principle)}</strong> "
            f"({esc(labels.get(f.where, f.where))}). {markdown_html(f.message)}</li>"
            for f in findings
        )
        set_html(
            self.result,
            f'<div role="status"><p><strong>{good} of {len(findings)} checks '
            f"fit the method.</strong></p><ul>{items}</ul></div>",
        )
        if save:
            self.store.put_item(
                "exercises",
                self.key,
                {"design": self.design(), "fits": good, "checks": len(findings)},
            )
            if self.on_change:
                self.on_change()


def _overlay(blank: dict[str, Any], saved: dict[str, Any]) -> dict[str, Any]:
    out = dict(blank)
    for key, value in saved.items():
        if key not in blank:
            continue
        if isinstance(blank[key], list) and isinstance(value, list):
            out[key] = [
                {**b, **{k: v for k, v in (s or {}).items() if k in b}}
                for b, s in zip(blank[key], value + [{}] * len(blank[key]), strict=False)
            ]
        elif not isinstance(blank[key], list):
            out[key] = value
    return out

"""The start page: learner name, profile picker, recommended path, course list, progress."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from engage.catalog import ModuleStatus, format_minutes, module_statuses, path_progress
from engage.progress import ProgressStore
from engage.ui.common import (
    described,
    download_link,
    esc,
    html_block,
    markdown_inline,
    set_html,
)
from engage.ui.lesson import Lesson


class StartPage(Lesson):
    """The course home page (``notebooks/00-start.ipynb``)."""

    def __init__(self, *, store: ProgressStore | None = None, root: Path | None = None) -> None:
        """Load the start module, the course map and the learner's progress.

        Args:
            store: The progress store; the learner's default store if None.
            root: The repository root; found automatically if None.
        """
        super().__init__("00-start", store=store, root=root)
        self.name_input: widgets.Text | None = None
        self.profile_picker: widgets.RadioButtons | None = None
        self.upload: widgets.FileUpload | None = None

    def statuses(self) -> list[ModuleStatus]:
        """Return every module of the course map with its status for this learner.

        Returns:
            The statuses in course order.
        """
        completed = {k for k, m in self.progress.modules.items() if m.completed_at}
        return module_statuses(self.course, self.root, self.profile, completed)

    def learner(self) -> widgets.Widget:
        """Show the name field, the profile picker and the recommended path.

        Returns:
            The widget to display.
        """
        name = described(
            widgets.Text(
                value=self.progress.learner_name,
                placeholder="e.g. Sam Rivera",
                continuous_update=False,
                layout=widgets.Layout(width="28rem"),
            ),
            "Your name (for your records and reflections)",
        )
        picker = described(
            widgets.RadioButtons(
                options=[(p.name, p.id) for p in self.course.profiles],
                value=self.profile,
                layout=widgets.Layout(width="auto"),
            ),
            "Library profile",
        )
        self.name_input, self.profile_picker = name, picker
        path_block = html_block("", label="Your recommended path")

        def render_path() -> None:
            if not self.profile:
                set_html(
                    path_block,
                    "<h3>Your recommended path</h3><p>Choose a library profile above to see "
                    "the path the course recommends for you.</p>",
                    label="Your recommended path",
                )
                return
            info = self.course.profile(self.profile)
            by_id = {s.entry.id: s for s in self.statuses()}
            items = "".join(_path_item(by_id[i]) for i in info.recommended_path)
            total = sum(by_id[i].entry.time_to_learn for i in info.recommended_path)
            set_html(
                path_block,
                f"<h3>Your recommended path: {esc(info.name)}</h3>"
                f"<p>{esc(info.who)}</p>"
                f"<p><strong>Your two track methods:</strong> "
                f"{esc(' and '.join(info.track_methods))}. {markdown_inline(info.why.default)}"
                f"</p><ol>{items}</ol>"
                f"<p>About {format_minutes(total)} in all.</p>",
                label="Your recommended path",
            )

        @self.errors.guard
        def on_name(change: dict) -> None:
            self.store.set_learner_name(change["new"])
            self.refresh()
            if self.progress.learner_name != change["new"]:
                name.value = self.progress.learner_name

        @self.errors.guard
        def on_profile(change: dict) -> None:
            if change["new"] is None:
                return
            self.store.set_profile(change["new"])
            self.store.mark_started(self.module.id)
            self.refresh()

        name.observe(on_name, names="value")
        picker.observe(on_profile, names="value")
        self.on_profile_change(render_path)
        heading = html_block("<h2>About you</h2>")
        return widgets.VBox([heading, name, picker, path_block, self.errors.widget])

    def course_list(self) -> widgets.Widget:
        """Show all twelve modules with time, recommendation, status and links.

        Returns:
            The widget to display.
        """
        block = html_block("")

        def render() -> None:
            rows = "".join(_module_row(s) for s in self.statuses())
            set_html(
                block,
                "<h2>All modules</h2>"
                "<table><caption>The twelve modules of the course</caption><thead><tr>"
                "<th scope='col'>Module</th><th scope='col'>What it covers</th>"
                "<th scope='col'>Time</th><th scope='col'>For you</th>"
                "<th scope='col'>Status</th></tr></thead>"
                f"<tbody>{rows}</tbody></table>",
            )

        self.on_profile_change(render)
        return block

    def progress_panel(self) -> widgets.Widget:
        """Show progress so far, "download my progress" and "restore progress".

        Returns:
            The widget to display.
        """
        summary = html_block("", label="Your progress")
        download = html_block("")
        result = html_block("")
        upload = described(
            widgets.FileUpload(
                accept=".json,application/json",
                multiple=False,
                layout=widgets.Layout(width="auto"),
            ),
            "Restore progress",
        )
        self.upload = upload

        def render() -> None:
            notices = "".join(
                f'<p class="notice" role="alert">{esc(n)}</p>' for n in self.store.notices
            )
            if self.profile:
                done, total, left = path_progress(self.statuses())
                line = f"You have finished {done} of the {total} modules on your path" + (
                    f"; about {format_minutes(left)} to go." if left else ". Well done!"
                )
            else:
                count = sum(1 for m in self.progress.modules.values() if m.completed_at)
                line = (
                    f"You have finished {count} module{'s' if count != 1 else ''}."
                    if count
                    else "You have not finished a module yet."
                )
            who = (
                f" Progress for <strong>{esc(self.progress.learner_name)}</strong>."
                if self.progress.learner_name
                else ""
            )
            set_html(
                summary,
                f"<h2>Your progress</h2>{notices}<p>{line}{who}</p>",
                label="Your progress",
            )
            link = download_link(
                self.store.export_bytes(),
                "application/json",
                self.store.export_filename(),
                "Download my progress",
            )
            set_html(
                download,
                f"<p>{link} (a small file; keep it to restore your progress next time).</p>"
                "<p>To restore, choose a progress file you downloaded before. It is added to "
                "what is here; nothing is deleted.</p>",
            )

        @self.errors.guard
        def on_upload(change: dict) -> None:
            files = change["new"]
            if not files:
                return
            item = files[0]
            try:
                outcome = self.store.import_bytes(bytes(item["content"]), item["name"])
            except Exception as exc:
                set_html(result, f'<p class="notice" role="alert">{esc(exc)}</p>')
                return
            finally:
                upload.value = ()
            lines = "".join(f"<li>{esc(line)}</li>" for line in outcome.summary)
            set_html(
                result,
                f'<div class="ok" role="status"><p>Progress restored.</p><ul>{lines}</ul></div>',
            )
            self.refresh()
            if self.name_input is not None:
                self.name_input.value = self.progress.learner_name
            if self.profile_picker is not None and self.profile:
                self.profile_picker.value = self.profile

        upload.observe(on_upload, names="value")
        self.on_profile_change(render)
        return widgets.VBox([summary, download, upload, result, self.errors.widget])

    def participation(self) -> widgets.Widget:
        """Show "My participation record" (self-reported) and "Check a badge".

        The record lists modules completed, scenarios finished, self-check scores and
        reflections written, with a link to download it as a printable HTML page and a
        button that makes it into a PNG image to download. Checking
        a badge takes a baked PNG or SVG (or a ``.jws``) and the issuer's JWK set, as a
        file or an https address (or, on "Check the badge" without either, the published
        key the badge names), and shows every check and the badge's details.

        Returns:
            The widget to display.
        """
        from engage.activities import load_activities
        from engage.record import (
            ParticipationRecord,
            participation_record,
            record_body,
            record_filename,
            record_html,
        )

        record_block = html_block("", label="My participation record")
        download = html_block("")
        make_image = widgets.Button(
            description="Make an image of my record (PNG)",
            icon="image",
            layout=widgets.Layout(width="auto"),
        )
        image_link = html_block("")
        shown: dict[str, ParticipationRecord] = {}

        def render() -> None:
            totals: dict[str, int] = {}
            scenario_titles: dict[str, str] = {}
            modules = {k.split("/", 1)[0] for k in self.progress.scenarios}
            for module_id in sorted(modules | set(self.progress.quizzes)):
                try:
                    activities = load_activities(module_id, self.root)
                except Exception:  # a module removed since the progress was saved
                    continue
                if activities.quiz is not None:
                    totals[module_id] = len(activities.quiz.questions)
                for scenario_id, scenario in activities.scenarios.items():
                    scenario_titles[f"{module_id}/{scenario_id}"] = scenario.title
            record = participation_record(
                self.progress,
                {e.id: e.title for e in self.course.course_map},
                quiz_totals=totals,
                scenario_titles=scenario_titles,
            )
            set_html(
                record_block,
                f"<h2>My participation record</h2>{record_body(record)}",
                label="My participation record",
            )
            page = download_link(
                record_html(record),
                "text/html",
                record_filename(record),
                "Download my participation record",
            )
            set_html(download, f"<p>{page} (a web page you can print or save as PDF).</p>")
            shown["record"] = record
            set_html(image_link, "")  # an image made earlier may no longer match

        @self.errors.guard
        def on_make_image(_: object = None) -> None:
            from engage.record import record_png

            record = shown["record"]
            link = download_link(
                record_png(record),
                "image/png",
                record_filename(record, "png"),
                "Download the image of my record (PNG)",
            )
            set_html(
                image_link,
                f'<p role="status">{link}. It shows the same words as the web page, which is '
                "easier to read with a screen reader; the image also carries its full text as "
                "its description.</p>",
            )

        badge = described(
            widgets.FileUpload(
                accept=".png,.svg,.jws,image/png,image/svg+xml",
                multiple=False,
                layout=widgets.Layout(width="auto"),
            ),
            "Badge file (PNG, SVG or .jws)",
        )
        keys = described(
            widgets.FileUpload(
                accept=".json,application/json", multiple=False, layout=widgets.Layout(width="auto")
            ),
            "Issuer's key set (jwks.json)",
        )
        keys_url = described(
            widgets.Text(
                placeholder="https://…/jwks.json",
                continuous_update=False,
                layout=widgets.Layout(width="32rem"),
            ),
            "or its address",
        )
        check = widgets.Button(description="Check the badge", icon="check")
        label = "Badge check"
        result = html_block("", label=label)
        self.badge_upload, self.keys_upload, self.keys_url = badge, keys, keys_url
        self.badge_result = result
        chosen: dict[str, bytes] = {}

        def verify_now(_: object = None, *, fetch_published: bool = False) -> None:
            import json

            from engage.badges.verify import verify
            from engage.record import verification_html

            if "badge" not in chosen:
                set_html(result, "<p role='status'>Choose a badge file first.</p>", label=label)
                return
            jwks: dict[str, Any] | str | None
            if "keys" in chosen:
                try:
                    jwks = json.loads(chosen["keys"].decode("utf-8"))
                except (UnicodeDecodeError, ValueError):
                    set_html(
                        result,
                        '<p class="notice" role="alert">The key set file is not JSON; '
                        "choose the issuer's jwks.json.</p>",
                        label=label,
                    )
                    return
            elif keys_url.value.strip():
                jwks = keys_url.value.strip()
            elif fetch_published:
                jwks = None  # the key the badge names (its kid), fetched from the issuer's site
            else:
                set_html(
                    result,
                    "<p role='status'>Now choose the issuer's key set (jwks.json), or enter "
                    "its address, to check the badge. Or press <strong>Check the "
                    "badge</strong> to fetch the key the badge names from the issuer's "
                    "website.</p>",
                    label=label,
                )
                return
            outcome = verify(chosen["badge"], jwks)
            set_html(result, verification_html(outcome), label=label)

        @self.errors.guard
        def on_check(_: object = None) -> None:
            verify_now(fetch_published=True)

        def on_file(name: str) -> Callable[[dict], None]:
            @self.errors.guard
            def handler(change: dict) -> None:
                files = change["new"]
                if not files:
                    return
                chosen[name] = bytes(files[0]["content"])
                verify_now()

            return handler

        badge.observe(on_file("badge"), names="value")
        keys.observe(on_file("keys"), names="value")
        keys_url.observe(self.errors.guard(lambda _: verify_now()), names="value")
        check.on_click(on_check)
        make_image.on_click(on_make_image)
        self.on_profile_change(render)
        heading = html_block(
            "<h3>Check a badge</h3><p>If a facilitator issued you a badge, choose the badge "
            "file, then the issuer's key set (or its address) to see it verified and its "
            "details. Without them, <strong>Check the badge</strong> fetches the key the "
            "badge names from the issuer's website.</p>"
        )
        return widgets.VBox(
            [
                record_block,
                download,
                make_image,
                image_link,
                heading,
                badge,
                keys,
                keys_url,
                check,
                result,
                self.errors.widget,
            ]
        )


def _path_item(status: ModuleStatus) -> str:
    title = esc(status.entry.title)
    link = f'<a href="{esc(status.href)}">{title}</a>' if status.href else title
    state = (
        "finished" if status.completed else ("coming soon" if not status.built else "not started")
    )
    return f"<li>{link} ({format_minutes(status.entry.time_to_learn)}, {state})</li>"


def _module_row(status: ModuleStatus) -> str:
    entry = status.entry
    title = f"{status.number:02d}. {esc(entry.title)}"
    cell = f'<a href="{esc(status.href)}">{title}</a>' if status.href else title
    if entry.core:
        for_you = "Everyone takes this"
    elif status.recommended:
        for_you = "Recommended for your profile"
    else:
        for_you = "Optional"
    if not status.built:
        state = '<span class="muted">Coming soon</span>'
    elif status.completed:
        state = "<strong>Finished</strong>"
    else:
        state = "Not started"
    return (
        f"<tr><th scope='row'>{cell}</th><td>{esc(entry.summary)}</td>"
        f"<td>{format_minutes(entry.time_to_learn)}</td><td>{for_you}</td><td>{state}</td></tr>"
    )

"""Community-mapping views: asset map, stakeholder grid, partner network and coalition stage."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import ipywidgets as widgets
from pydantic import ValidationError

from engage.mapping import (
    ASSET_CATEGORIES,
    COLUMNS,
    LEVELS,
    QUADRANTS,
    STRATEGIES,
    Asset,
    AssetMap,
    CoalitionStages,
    CsvProblem,
    Kind,
    MergeResult,
    Partner,
    PartnerNetwork,
    Quadrant,
    Relationship,
    StakeholderGrid,
    StakeholderRating,
    assess_coalition,
    asset_map_alt_text,
    export_csv_bytes,
    import_csv,
    merge,
    partner_network_alt_text,
    quadrant,
    stakeholder_change_alt_text,
    stakeholder_grid_alt_text,
    template_csv,
)
from engage.mapping._text import LIST_SEPARATOR, name_key, plural
from engage.progress import ProgressStore
from engage.ui.common import (
    ErrorArea,
    action_button,
    data_url,
    described,
    download_link,
    esc,
    html_block,
    markdown_html,
    set_html,
)

if TYPE_CHECKING:
    from engage.mapping.figures import Chart

__all__ = [
    "CONTACTS_LABEL",
    "DEFAULT_SAMPLE_PROFILE",
    "FIGURE_DPI",
    "AssetMapper",
    "CoalitionStageView",
    "MapView",
    "PartnerNetworkView",
    "StakeholderGridView",
]

T = TypeVar("T", AssetMap, StakeholderGrid, PartnerNetwork)

CONTACTS_LABEL = "Include contact details (they stay on your machine unless you share the file)"
"""The label of the checkbox that adds the contact column to a CSV download."""

DEFAULT_SAMPLE_PROFILE = "small-mid-rural"
"""Whose sample community is loaded when the learner has not chosen a profile yet."""

FIGURE_DPI = 110
"""Resolution of the figures shown in the page and offered as PNG (one rendering for both)."""

NEW = -1
"""The value of the "new entry" choice in the "… to change" dropdowns."""

QUADRANT_WHERE: dict[Quadrant, str] = {
    "manage-closely": "high power, high interest",
    "keep-satisfied": "high power, low interest",
    "keep-informed": "low power, high interest",
    "monitor": "low power, low interest",
}
"""Where each quadrant lies on the grid, in words."""

STRATEGY_HELP: dict[Quadrant, str] = {
    "manage-closely": "key players: involve them fully and consult them often",
    "keep-satisfied": "meet their needs and consult them on what matters to them",
    "keep-informed": "keep them informed and involved; they can become strong supporters",
    "monitor": "keep an eye on them with light-touch updates; they may move",
}
"""What each engagement strategy asks of the library, in a few words."""

LEVEL_HELP: dict[str, str] = {
    "networking": "exchange information",
    "coordinating": "exchange information and adjust activities for each other",
    "cooperating": "exchange information, adjust activities and share resources",
    "collaborating": "all of that, and build each other's capacity",
}
"""What each level of the collaboration continuum means."""


# --------------------------------------------------------------------------- helpers


def figure_html(chart: Chart, stem: str, what: str) -> str:
    """Show a chart as an image whose alt text is its text alternative, with downloads.

    Args:
        chart: The chart (figure, title and alt text).
        stem: The download file name without extension, e.g. ``asset-map``.
        what: What the figure is, for the link texts, e.g. ``the asset map``.

    Returns:
        HTML: a ``<figure>`` with the ``<img>`` and links to the PNG and SVG files.
    """
    png = chart.png(dpi=FIGURE_DPI)
    svg = chart.svg()
    return (
        f'<figure style="margin:0.5rem 0"><img src="{data_url(png, "image/png")}" '
        f'alt="{esc(chart.alt_text)}" style="max-width:100%;height:auto"></figure>'
        f"<p>{download_link(png, 'image/png', stem + '.png', f'Download {what} as PNG')} · "
        f"{download_link(svg, 'image/svg+xml', stem + '.svg', f'Download {what} as SVG')}</p>"
    )


def status_html(text: str, *, ok: bool = True) -> str:
    """Return a short message for a live region: a confirmation or a problem.

    Args:
        text: The message (plain text; it is escaped).
        ok: True for a confirmation, False for a problem to fix.

    Returns:
        The message's HTML.
    """
    if ok:
        return f'<p class="ok" role="status">{esc(text)}</p>'
    return f'<p class="notice" role="alert">{esc(text)}</p>'


def problems_table(problems: Sequence[CsvProblem]) -> str:
    """List the problems of a CSV import as a table of row, column and reason.

    Args:
        problems: The problems.

    Returns:
        A table (empty text for no problems); every value is escaped.
    """
    if not problems:
        return ""
    rows = "".join(
        "<tr>"
        f"<td>{'whole file' if p.row is None else p.row}</td>"
        f"<td>{esc(p.column) if p.column is not None else '—'}</td>"
        f"<td>{'Not imported' if p.severity == 'error' else 'Imported, check it'}</td>"
        f"<td>{esc(p.message)}</td>"
        "</tr>"
        for p in problems
    )
    return (
        f"<table><caption>Problems in {esc(problems[0].file)} (row 1 is the header)</caption>"
        "<thead><tr><th scope='col'>Row</th><th scope='col'>Column</th>"
        "<th scope='col'>What happened</th><th scope='col'>Reason</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def validation_text(exc: ValidationError, labels: Mapping[str, str]) -> str:
    """Turn a validation error of a form into one plain sentence per problem.

    Args:
        exc: The error.
        labels: Field name to the label the form shows for it.

    Returns:
        For example ``Name: name must not be empty``.
    """
    parts = []
    for err in exc.errors(include_url=False):
        field = str(err["loc"][0]) if err["loc"] else ""
        message = str(err["msg"]).removeprefix("Value error, ")
        parts.append(f"{labels.get(field, field)}: {message}" if field else message)
    return "; ".join(parts)


def _text(description: str, value: str = "", placeholder: str = "") -> widgets.Text:
    return described(
        widgets.Text(value=value, placeholder=placeholder, layout=widgets.Layout(width="40rem")),
        description,
    )


def _area(description: str) -> widgets.Textarea:
    return described(widgets.Textarea(rows=2, layout=widgets.Layout(width="40rem")), description)


def _dropdown(description: str, options: list[tuple[str, Any]], value: Any) -> widgets.Dropdown:
    return described(
        widgets.Dropdown(options=options, value=value, layout=widgets.Layout(width="40rem")),
        description,
    )


def _hide(widget: widgets.Widget, hidden: bool) -> None:
    widget.layout.display = "none" if hidden else None


# --------------------------------------------------------------------------- base view


class MapView(Generic[T]):
    """What the asset, stakeholder and partner views share: restore, save, import, show.

    A view keeps one map (``data``), saves it to the learner's progress after every change
    and restores it when built. The learner adds, edits and removes entries in a labelled
    form, loads the sample community for their profile or uploads a CSV file (merged into
    what they have, never overwriting it), reads a summary, sees the figure with its text
    alternative as alt text, and downloads the CSV, a template and the figure.

    The figure costs a matplotlib import and a rendering, so it is drawn only once the
    learner asks for it or changes the map in this session; after that every change
    redraws it. The text alternative is shown from the start.

    Subclasses set the class attributes and build the form.
    """

    kind: ClassVar[Kind]
    model: ClassVar[type]
    title: ClassVar[str]
    intro: ClassVar[str]
    entries: ClassVar[str]
    figure_word: ClassVar[str]
    stem: ClassVar[str]

    def __init__(
        self,
        key: str,
        store: ProgressStore,
        profile: str | None,
        data_dir: Path,
        errors: ErrorArea | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        """Restore the saved map and build the widgets.

        Args:
            key: The progress key under ``maps``, e.g. ``10-community-mapping/assets``.
            store: Where the map is saved.
            profile: The learner's profile, which picks the sample community.
            data_dir: The folder of sample CSV files (``<profile>-<kind>.csv``).
            errors: Where errors inside callbacks are shown.
            on_change: Called after each save.
        """
        self.key, self.store, self.profile, self.data_dir = key, store, profile, data_dir
        self.errors = errors or ErrorArea()
        self.on_change = on_change
        self.figure_shown = False
        self._undo: T | None = None
        self._last_import: T | None = None
        self.notices = html_block("")
        self.data: T = self._restore()
        guard = self.errors.guard

        self.sample_button = action_button("Load the sample for my profile")
        self.sample_button.on_click(guard(lambda _: self.load_sample()))
        self.upload = described(
            widgets.FileUpload(
                accept=".csv,text/csv,text/plain",
                multiple=False,
                layout=widgets.Layout(width="auto", align_self="flex-start"),
            ),
            f"Upload a CSV file of {self.entries}",
        )
        self.upload.add_class(f"engage-upload-{self.kind}")
        self.upload.observe(guard(self._on_upload), names="value")
        self.import_result = html_block("")
        self.replace_button = action_button("Use the file's version where it differs")
        self.replace_button.on_click(guard(lambda _: self.take_file_version()))
        _hide(self.replace_button, True)

        self.form_status = html_block("")
        self.undo_button = action_button("Undo the last change")
        self.undo_button.on_click(guard(lambda _: self.undo()))
        self.undo_button.disabled = True

        self.summary = html_block("", label=f"Summary of your {self.figure_word}")
        self.show_button = action_button(f"Show the {self.figure_word}")
        self.show_button.on_click(guard(lambda _: self.show_figure()))
        self.figure = html_block("")
        self.contacts = widgets.Checkbox(
            value=False,
            description=CONTACTS_LABEL,
            indent=False,
            layout=widgets.Layout(width="auto"),
        )
        self.contacts.observe(guard(lambda _: self._render_downloads()), names="value")
        self.downloads = html_block("")

        form = self._build_form()
        self.widget = widgets.VBox(
            [
                html_block(f"<h2>{esc(self.title)}</h2>{markdown_html(self.intro)}"),
                self.notices,
                html_block(f"<h3>Start from a sample or a spreadsheet</h3>{self._columns_help()}"),
                self.sample_button,
                self.upload,
                self.import_result,
                self.replace_button,
                html_block(f"<h3>Add, change or remove {esc(self.entries)}</h3>"),
                *form,
                self.form_status,
                self.undo_button,
                self.summary,
                html_block(f"<h3>The {esc(self.figure_word)}</h3>"),
                self.show_button,
                self.figure,
                html_block("<h3>Download</h3>"),
                self.contacts,
                self.downloads,
                self.errors.widget,
            ]
        )
        self.widget.add_class("engage-mapping")
        self.widget.add_class(f"engage-mapping-{self.kind}")
        self.refresh()

    # ----------------------------------------------------------------- for subclasses

    def _build_form(self) -> list[widgets.Widget]:
        """Build the form's controls and buttons; return them in page order."""
        raise NotImplementedError

    def _refresh_form(self) -> None:
        """Bring the form's choices up to date with :attr:`data`."""
        raise NotImplementedError

    def _summary_body(self) -> str:
        """Return the summary's HTML (without heading); learner text escaped."""
        raise NotImplementedError

    def alt_texts(self) -> list[str]:
        """Return the text alternatives of the figures, computed without matplotlib.

        Returns:
            One text per figure the view draws.
        """
        raise NotImplementedError

    def _figures(self) -> str:
        """Draw the figures (importing matplotlib) and return their HTML."""
        raise NotImplementedError

    # ----------------------------------------------------------------- state

    def _restore(self) -> T:
        saved = self.store.load().maps.get(self.key)
        if not saved:
            return self.model()
        try:
            return self.model.from_dict(saved.get("data") or {})
        except (ValidationError, TypeError, ValueError) as exc:
            aside = f"{self.key}.unreadable"
            self.store.put_item("maps", aside, {"kind": self.kind, "copy_of": dict(saved)})
            detail = exc.errors()[0]["msg"] if isinstance(exc, ValidationError) else str(exc)
            set_html(
                self.notices,
                status_html(
                    f"Your saved {self.figure_word} could not be read ({detail}). A copy is "
                    f"kept in your progress file under “{aside}”; you start with an empty "
                    f"{self.figure_word} here.",
                    ok=False,
                ),
            )
            return self.model()

    def save(self) -> None:
        """Save the map to the learner's progress now."""
        self.store.put_item("maps", self.key, {"kind": self.kind, "data": self.data.to_dict()})
        if self.on_change:
            self.on_change()

    def commit(self, new: T) -> bool:
        """Make ``new`` the learner's map: keep the old one for undo, save, redraw.

        Args:
            new: The changed map.

        Returns:
            False if ``new`` equals the current map (nothing is saved then).
        """
        if new == self.data:
            return False
        self._undo, self.data = self.data, new
        self._last_import = None
        _hide(self.replace_button, True)
        self.save()
        self.figure_shown = True
        self.refresh()
        return True

    def undo(self) -> None:
        """Go back to the map as it was before the last change (pressing again redoes it)."""
        if self._undo is None:
            return
        before = self._undo
        self.commit(before)
        set_html(self.form_status, status_html("Undone: your map is as it was before."))

    def set_profile(self, profile: str | None) -> None:
        """Follow a change of the learner's profile (it picks the sample community).

        Args:
            profile: The new profile id, or None.
        """
        self.profile = profile

    def refresh(self) -> None:
        """Redraw the form choices, summary, downloads and (once shown) the figure."""
        self._refresh_form()
        self.undo_button.disabled = self._undo is None
        set_html(
            self.summary,
            f"<h3>Summary</h3>{self._summary_body()}",
            label=f"Summary of your {self.figure_word}",
        )
        self._render_downloads()
        if self.figure_shown:
            self._render_figure()
        else:
            set_html(
                self.figure,
                f'<p class="muted">The {esc(self.figure_word)} is drawn when you press '
                f"“Show the {esc(self.figure_word)}” or change your {esc(self.figure_word)}. "
                "The summary above already describes it in words.</p>",
            )

    def show_figure(self) -> None:
        """Draw the figure now and keep it up to date from here on."""
        self.figure_shown = True
        self._render_figure()

    def _render_figure(self) -> None:
        _hide(self.show_button, True)
        set_html(self.figure, self._figures())

    def _render_downloads(self) -> None:
        with_contacts = bool(self.contacts.value)
        csv_bytes = export_csv_bytes(self.data, include_contacts=with_contacts)
        name = f"{self.stem}-with-contacts.csv" if with_contacts else f"{self.stem}.csv"
        what = "with contact details" if with_contacts else "without contact details"
        template = template_csv(self.kind).encode("utf-8-sig")
        picture = (
            "The pictures of the map can be downloaded under the figure once it is drawn."
            if not self.figure_shown
            else "The pictures of the map are offered under the figure."
        )
        csv_link = download_link(csv_bytes, "text/csv", name, f"Download your {self.entries} (CSV)")
        template_link = download_link(
            template, "text/csv", f"{self.kind}-template.csv", "Download an empty template (CSV)"
        )
        set_html(
            self.downloads,
            f"<ul><li>{csv_link} ({esc(what)}; opens in any spreadsheet)</li>"
            f"<li>{template_link} to fill in with a spreadsheet and upload above</li></ul>"
            f"<p class='muted'>{esc(picture)}</p>",
        )

    def _columns_help(self) -> str:
        rows = "".join(
            f"<tr><th scope='row'><code>{esc(c.name)}</code></th>"
            f"<td>{'yes' if c.required else 'no'}</td><td>{esc(c.description)}</td></tr>"
            for c in COLUMNS[self.kind]
        )
        return (
            "<p>Load the fictional sample community for your library profile to explore, or "
            "upload your own CSV file (from any spreadsheet: Save As, “CSV UTF-8”). Both are "
            "added to what you already have: nothing you entered is overwritten, and every "
            "problem is listed with its row and column.</p>"
            "<details><summary>The columns of the CSV file</summary>"
            f"<table><caption>Columns of a CSV file of {esc(self.entries)}</caption><thead><tr>"
            "<th scope='col'>Column</th><th scope='col'>Required</th>"
            "<th scope='col'>What goes in it</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></details>"
        )

    # ----------------------------------------------------------------- import

    def _on_upload(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        item = files[0]
        try:
            self.import_file(bytes(item["content"]), str(item.get("name") or ""))
        finally:
            self.upload.value = ()

    def import_file(self, content: bytes, filename: str, *, intro: str = "") -> None:
        """Import a CSV file, merge its good rows into the map and report every problem.

        Args:
            content: The file's bytes.
            filename: The file's name, for messages.
            intro: A sentence to start the report with.
        """
        result = import_csv(self.kind, content, filename or None)
        outcome: MergeResult[T] = merge(self.data, result.data)
        changed = self.commit(outcome.data)
        self._last_import = result.data if outcome.conflicts else None
        _hide(self.replace_button, not outcome.conflicts)
        lines = "".join(f"<li>{esc(line)}</li>" for line in outcome.summary())
        conflicts = "".join(f"<li>{esc(c)}</li>" for c in outcome.conflicts)
        conflict_html = (
            f"<p>{plural(len(outcome.conflicts), 'entry', 'entries')} in the file differ from "
            f"yours; yours {'was' if len(outcome.conflicts) == 1 else 'were'} kept:</p>"
            f"<ul>{conflicts}</ul>"
            if conflicts
            else ""
        )
        if not changed and not result.items and result.errors:
            lines = "<li>Nothing was added to your map.</li>"
        set_html(
            self.import_result,
            f'<div class="{"ok" if result.ok else "notice"}" role="status">'
            + (f"<p>{esc(intro)}</p>" if intro else "")
            + f"<p><strong>{esc(result.summary())}</strong></p><ul>{lines}</ul>"
            + conflict_html
            + problems_table(result.problems)
            + "</div>",
        )

    def take_file_version(self) -> None:
        """Replace the entries the last import had differently with the file's version."""
        imported = self._last_import
        if imported is None:
            return
        outcome: MergeResult[T] = merge(self.data, imported, replace=True)
        count = sum(c.replaced for c in outcome.conflicts)
        self.commit(outcome.data)
        set_html(
            self.import_result,
            status_html(
                f"Took the file's version of {plural(count, 'entry', 'entries')}. "
                "“Undo the last change” puts yours back."
            ),
        )

    def sample_path(self) -> Path:
        """Return the sample CSV file for the learner's profile (or the default one).

        Returns:
            The path of ``<profile>-<kind>.csv`` in the data folder.
        """
        return self.data_dir / f"{self.profile or DEFAULT_SAMPLE_PROFILE}-{self.kind}.csv"

    def load_sample(self) -> None:
        """Merge the sample community of the learner's profile into the map."""
        path = self.sample_path()
        if not path.is_file():
            set_html(
                self.import_result,
                status_html(f"There is no sample file {path.name} in this course.", ok=False),
            )
            return
        intro = "The sample community is fictional. " + (
            "You have not chosen a library profile yet, so this is the rural county's "
            "sample; choose a profile on the start page to get the one for your library."
            if not self.profile
            else "It is added to your own entries; remove what you do not need."
        )
        self.import_file(path.read_bytes(), path.name, intro=intro)

    # ----------------------------------------------------------------- form helpers

    def _form_problem(self, text: str) -> None:
        set_html(self.form_status, status_html(text, ok=False))

    def _form_done(self, text: str) -> None:
        set_html(self.form_status, status_html(text))


def _refill(dropdown: widgets.Dropdown, options: list[tuple[str, Any]], value: Any) -> None:
    """Replace a dropdown's options, keeping ``value`` selected if it is still offered."""
    values = [v for _, v in options]
    dropdown.options = options
    dropdown.value = value if value in values else (values[0] if values else None)


# --------------------------------------------------------------------------- assets


class AssetMapper(MapView[AssetMap]):
    """The community asset map: assets by category, the links between them, and the figure."""

    kind = "assets"
    model = AssetMap
    title = "Your community asset map"
    intro = (
        "List what your community already has: people's skills, associations, "
        "institutions, places, local businesses and cultural traditions. Link assets "
        "that already work together. The map shows the categories with nothing in them "
        "yet: those are the conversations to have next."
    )
    entries = "assets"
    figure_word = "map"
    stem = "asset-map"
    LABELS: ClassVar[dict[str, str]] = {
        "name": "Name",
        "category": "Category",
        "description": "Description",
        "contact": "Contact",
        "notes": "Notes",
    }

    def _build_form(self) -> list[widgets.Widget]:
        guard = self.errors.guard
        self.select = _dropdown("Asset to change", [("New asset", NEW)], NEW)
        self.name = _text("Name", placeholder="e.g. Maple Street Quilters")
        self.category = _dropdown(
            "Category",
            [("(choose a category)", "")] + [(c.capitalize(), c) for c in ASSET_CATEGORIES],
            "",
        )
        self.description = _area("Description (what it offers)")
        self.links = _text(
            "Works with (other asset names, separated by semicolons)",
            placeholder="e.g. Grange Hall; Harvest Festival",
        )
        self.contact = _text("Contact (personal: left out of downloads unless you choose)")
        self.notes = _area("Notes")
        self.save_button = action_button("Save asset")
        self.remove_button = action_button("Remove asset")
        self.select.observe(guard(lambda _: self._fill()), names="value")
        self.save_button.on_click(guard(lambda _: self.save_entry()))
        self.remove_button.on_click(guard(lambda _: self.remove_entry()))
        buttons = widgets.HBox([self.save_button, self.remove_button])
        return [
            self.select,
            self.name,
            self.category,
            self.description,
            self.links,
            self.contact,
            self.notes,
            buttons,
        ]

    def _refresh_form(self) -> None:
        current = self.select.value
        options = [("New asset", NEW)] + [(a.name, i) for i, a in enumerate(self.data.assets)]
        _refill(self.select, options, current)
        self._fill()

    def _fill(self) -> None:
        index = self.select.value
        self.remove_button.disabled = index == NEW
        if index == NEW or index is None:
            for control in (self.name, self.description, self.links, self.contact, self.notes):
                control.value = ""
            self.category.value = ""
            return
        asset = self.data.assets[index]
        self.name.value = asset.name
        self.category.value = asset.category
        self.description.value = asset.description
        self.links.value = f"{LIST_SEPARATOR} ".join(self.data.links_of(asset.name))
        self.contact.value = asset.contact
        self.notes.value = asset.notes

    def save_entry(self) -> None:
        """Add the asset in the form, or save the changes to the asset being edited."""
        index = self.select.value
        old = self.data.assets[index] if index not in (NEW, None) else None
        if not self.category.value:
            self._form_problem("Category: choose the asset's category.")
            return
        try:
            asset = Asset(
                name=self.name.value,
                category=self.category.value,
                description=self.description.value,
                contact=self.contact.value,
                notes=self.notes.value,
            )
        except ValidationError as exc:
            self._form_problem(validation_text(exc, self.LABELS))
            return
        clash = self.data.get(asset.name)
        if clash is not None and (old is None or name_key(clash.name) != name_key(old.name)):
            self._form_problem(
                f"There is already an asset called “{clash.name}”: choose it under "
                "“Asset to change” to edit it, or use another name."
            )
            return
        others: list[str] = []
        problems: list[str] = []
        for raw in self.links.value.split(LIST_SEPARATOR):
            wanted = raw.strip()
            if not wanted:
                continue
            if name_key(wanted) == name_key(asset.name):
                problems.append("an asset cannot work with itself")
                continue
            other = self.data.get(wanted)
            if other is None or (old is not None and name_key(other.name) == name_key(old.name)):
                problems.append(f"there is no asset called “{wanted}” yet: add it first")
                continue
            if other.name not in others:
                others.append(other.name)
        if problems:
            self._form_problem("Works with: " + "; ".join(problems) + ".")
            return
        gone = name_key(old.name) if old is not None else None
        assets = list(self.data.assets)
        if old is None:
            assets.append(asset)
        else:
            assets[index] = asset
        links = [p for p in self.data.links if gone not in map(name_key, p)]
        links += [(asset.name, other) for other in others]
        try:
            new = AssetMap(assets=tuple(assets), links=tuple(links))
        except ValidationError as exc:
            self._form_problem(validation_text(exc, {}))
            return
        verb = "Added" if old is None else "Saved"
        self.select.value = NEW
        if not self.commit(new):
            self._fill()
        self._form_done(f"{verb} “{asset.name}”. The form is ready for the next asset.")

    def remove_entry(self) -> None:
        """Remove the asset being edited, with its links."""
        index = self.select.value
        if index in (NEW, None):
            self._form_problem("Choose the asset to remove under “Asset to change”.")
            return
        name = self.data.assets[index].name
        self.select.value = NEW
        self.commit(self.data.without_asset(name))
        self._form_done(f"Removed “{name}” and its links. “Undo the last change” brings it back.")

    def alt_texts(self) -> list[str]:
        """Return the asset map's text alternative.

        Returns:
            One text.
        """
        return [asset_map_alt_text(self.data)]

    def _summary_body(self) -> str:
        amap = self.data
        if not amap.assets:
            return (
                "<p>No assets yet. Add one with the form, load the sample, or upload a "
                "spreadsheet.</p>"
            )
        groups = amap.by_category()
        rows = "".join(
            f"<tr><th scope='row'>{esc(c.capitalize())}</th><td>{len(groups[c])}</td>"
            f"<td>{esc(', '.join(a.name for a in groups[c])) or 'none yet'}</td></tr>"
            for c in ASSET_CATEGORIES
        )
        gaps = amap.gaps()
        gap_text = (
            "<p><strong>Gaps:</strong> no "
            + esc(", ".join(gaps))
            + " assets yet. Who in the community could tell you about them?</p>"
            if gaps
            else "<p>Every category has at least one asset.</p>"
        )
        link_rows = "".join(
            f"<tr><th scope='row'>{esc(a.name)}</th>"
            f"<td>{esc(', '.join(amap.links_of(a.name))) or 'no links yet'}</td></tr>"
            for a in amap.assets
        )
        return (
            f"<p>{plural(len(amap.assets), 'asset')} and {plural(len(amap.links), 'link')}.</p>"
            "<table><caption>Assets by category</caption><thead><tr>"
            "<th scope='col'>Category</th><th scope='col'>How many</th>"
            f"<th scope='col'>Assets</th></tr></thead><tbody>{rows}</tbody></table>"
            f"{gap_text}"
            "<details><summary>Which assets work together</summary>"
            "<table><caption>Links between assets</caption><thead><tr>"
            "<th scope='col'>Asset</th><th scope='col'>Works with</th></tr></thead>"
            f"<tbody>{link_rows}</tbody></table></details>"
            f"<p><strong>The map in words:</strong> {esc(self.alt_texts()[0])}</p>"
        )

    def _figures(self) -> str:
        from engage.mapping.figures import asset_map_chart

        return figure_html(asset_map_chart(self.data), self.stem, "the asset map")


# --------------------------------------------------------------------------- stakeholders


def _rating_label(rating: StakeholderRating) -> str:
    return f"{rating.name} ({rating.round})" if rating.round else rating.name


class StakeholderGridView(MapView[StakeholderGrid]):
    """The power/interest grid: each stakeholder's quadrant and strategy, and how they moved."""

    kind = "stakeholders"
    model = StakeholderGrid
    title = "Your stakeholder grid"
    intro = (
        "Rate everyone who is affected by the work or can affect it: **power** (how much "
        "they can affect it) and **interest** (how much it affects or concerns them), each "
        "from 1 to 5; 3 and above count as high. The grid gives each stakeholder a quadrant "
        "and an engagement strategy. Rate someone again in a new round (same name, new "
        "round) to see how they moved."
    )
    entries = "stakeholders"
    figure_word = "grid"
    stem = "stakeholder-grid"
    LABELS: ClassVar[dict[str, str]] = {
        "name": "Name",
        "power": "Power",
        "interest": "Interest",
        "round": "Round",
        "role": "Role",
        "contact": "Contact",
        "notes": "Notes",
    }

    def _build_form(self) -> list[widgets.Widget]:
        guard = self.errors.guard
        self.select = _dropdown("Rating to change", [("New rating", NEW)], NEW)
        self.name = _text("Stakeholder", placeholder="e.g. Parents of the Pine Hollow preschool")
        self.power = described(
            widgets.BoundedIntText(value=3, min=1, max=5, layout=widgets.Layout(width="28rem")),
            "Power (1 = little, 5 = a great deal)",
        )
        self.interest = described(
            widgets.BoundedIntText(value=3, min=1, max=5, layout=widgets.Layout(width="28rem")),
            "Interest (1 = little, 5 = a great deal)",
        )
        self.where = html_block("")
        self.round = _text(
            "Round (a date or a label)", placeholder="e.g. 2025-03-01 or Before the forum"
        )
        self.role = _text("Role", placeholder="e.g. county commissioner")
        self.contact = _text("Contact (personal: left out of downloads unless you choose)")
        self.notes = _area("Notes")
        self.save_button = action_button("Save rating")
        self.remove_button = action_button("Remove rating")
        self.again_button = action_button("Rate this stakeholder again")
        self.select.observe(guard(lambda _: self._fill()), names="value")
        for control in (self.power, self.interest):
            control.observe(guard(lambda _: self._show_where()), names="value")
        self.save_button.on_click(guard(lambda _: self.save_entry()))
        self.remove_button.on_click(guard(lambda _: self.remove_entry()))
        self.again_button.on_click(guard(lambda _: self.rate_again()))
        buttons = widgets.HBox([self.save_button, self.remove_button, self.again_button])
        return [
            self.select,
            self.name,
            self.power,
            self.interest,
            self.where,
            self.round,
            self.role,
            self.contact,
            self.notes,
            buttons,
        ]

    def _show_where(self) -> None:
        try:
            q = quadrant(int(self.power.value), int(self.interest.value))
        except ValueError:
            set_html(self.where, "")
            return
        set_html(
            self.where,
            f"<p class='muted'>These ratings put them in <strong>{esc(STRATEGIES[q])}</strong> "
            f"({esc(QUADRANT_WHERE[q])}).</p>",
        )

    def _refresh_form(self) -> None:
        current = self.select.value
        options = [("New rating", NEW)] + [
            (_rating_label(r), i) for i, r in enumerate(self.data.ratings)
        ]
        _refill(self.select, options, current)
        self._fill()

    def _fill(self) -> None:
        index = self.select.value
        editing = index not in (NEW, None)
        self.remove_button.disabled = not editing
        self.again_button.disabled = not editing
        if not editing:
            for control in (self.name, self.round, self.role, self.contact, self.notes):
                control.value = ""
            self.power.value, self.interest.value = 3, 3
            self._show_where()
            return
        rating = self.data.ratings[index]
        self.name.value, self.round.value = rating.name, rating.round
        self.power.value, self.interest.value = rating.power, rating.interest
        self.role.value, self.contact.value, self.notes.value = (
            rating.role,
            rating.contact,
            rating.notes,
        )
        self._show_where()

    def rate_again(self) -> None:
        """Start a new rating of the stakeholder being edited, in a new round."""
        index = self.select.value
        if index in (NEW, None):
            return
        rating = self.data.ratings[index]
        self.select.value = NEW
        self.name.value, self.role.value, self.contact.value = (
            rating.name,
            rating.role,
            rating.contact,
        )
        self.power.value, self.interest.value = rating.power, rating.interest
        self._form_done(
            f"Rating “{rating.name}” again: give the new round a name or date, change the "
            "ratings, and save."
        )

    def save_entry(self) -> None:
        """Add the rating in the form, or save the changes to the rating being edited."""
        index = self.select.value
        old = self.data.ratings[index] if index not in (NEW, None) else None
        try:
            rating = StakeholderRating(
                name=self.name.value,
                power=int(self.power.value),
                interest=int(self.interest.value),
                round=self.round.value,
                role=self.role.value,
                contact=self.contact.value,
                notes=self.notes.value,
            )
        except ValidationError as exc:
            self._form_problem(validation_text(exc, self.LABELS))
            return
        key = (name_key(rating.name), name_key(rating.round))
        for i, other in enumerate(self.data.ratings):
            if i != index and (name_key(other.name), name_key(other.round)) == key:
                when = f" in round “{other.round}”" if other.round else " without a round"
                self._form_problem(
                    f"“{other.name}” is already rated{when}. Choose that rating under "
                    "“Rating to change” to edit it, or give this rating another round."
                )
                return
        ratings = list(self.data.ratings)
        if old is None:
            ratings.append(rating)
        else:
            ratings[index] = rating
        self.select.value = NEW
        if not self.commit(StakeholderGrid(ratings=tuple(ratings))):
            self._fill()
        self._form_done(
            f"{'Added' if old is None else 'Saved'} “{_rating_label(rating)}”: "
            f"{STRATEGIES[rating.quadrant].lower()} ({QUADRANT_WHERE[rating.quadrant]})."
        )

    def remove_entry(self) -> None:
        """Remove the rating being edited."""
        index = self.select.value
        if index in (NEW, None):
            self._form_problem("Choose the rating to remove under “Rating to change”.")
            return
        gone = self.data.ratings[index]
        ratings = tuple(r for i, r in enumerate(self.data.ratings) if i != index)
        self.select.value = NEW
        self.commit(StakeholderGrid(ratings=ratings))
        self._form_done(
            f"Removed the rating “{_rating_label(gone)}”. “Undo the last change” brings it back."
        )

    def alt_texts(self) -> list[str]:
        """Return the grid's text alternative, and the change view's when someone moved.

        Returns:
            One or two texts.
        """
        texts = [stakeholder_grid_alt_text(self.data)]
        if self.data.changes():
            texts.append(stakeholder_change_alt_text(self.data))
        return texts

    def _summary_body(self) -> str:
        grid = self.data
        if not grid.ratings:
            return (
                "<p>No stakeholders yet. Rate one with the form, load the sample, or upload "
                "a spreadsheet.</p>"
            )
        latest = grid.latest()
        counts = grid.counts_by_quadrant()
        rows = "".join(
            f"<tr><th scope='row'>{esc(r.name)}</th><td>{r.power}</td><td>{r.interest}</td>"
            f"<td>{esc(r.round) or '—'}</td><td>{esc(QUADRANT_WHERE[r.quadrant])}</td>"
            f"<td>{esc(STRATEGIES[r.quadrant])}</td></tr>"
            for r in latest
        )
        strategies = "".join(
            f"<li><strong>{esc(STRATEGIES[q])}</strong> ({esc(QUADRANT_WHERE[q])}, "
            f"{counts[q]}): {esc(STRATEGY_HELP[q])}.</li>"
            for q in QUADRANTS
        )
        changes = grid.changes()
        if changes:
            moved = "".join(f"<li>{esc(c.describe())}.</li>" for c in changes)
            change_html = (
                "<h4>Change over time</h4>"
                f"<p>{plural(len(changes), 'stakeholder')} rated in more than one round "
                f"({esc(' → '.join(label or 'no round' for label in grid.rounds()))}):</p>"
                f"<ul>{moved}</ul>"
            )
        else:
            change_html = (
                "<h4>Change over time</h4><p>Nobody is rated twice yet. Rate a stakeholder "
                "again in a new round to see how they moved.</p>"
            )
        words = " ".join(esc(t) for t in self.alt_texts())
        return (
            f"<p>{plural(len(latest), 'stakeholder')}, "
            f"{plural(len(grid.ratings), 'rating')}.</p>"
            "<table><caption>Each stakeholder's quadrant and strategy (latest rating)"
            "</caption><thead><tr><th scope='col'>Stakeholder</th><th scope='col'>Power</th>"
            "<th scope='col'>Interest</th><th scope='col'>Round</th>"
            "<th scope='col'>Quadrant</th><th scope='col'>Strategy</th></tr></thead>"
            f"<tbody>{rows}</tbody></table>"
            f"<ul>{strategies}</ul>{change_html}"
            f"<p><strong>The grid in words:</strong> {words}</p>"
        )

    def _figures(self) -> str:
        from engage.mapping.figures import stakeholder_change_chart, stakeholder_grid_chart

        out = figure_html(stakeholder_grid_chart(self.data), self.stem, "the grid")
        if self.data.changes():
            out += figure_html(
                stakeholder_change_chart(self.data),
                "stakeholder-changes",
                "the change over time",
            )
        return out


# --------------------------------------------------------------------------- partners


class PartnerNetworkView(MapView[PartnerNetwork]):
    """The partner network: partners, the level of each relationship, and the figure."""

    kind = "partners"
    model = PartnerNetwork
    title = "Your partner network"
    intro = (
        "List your partners (your library may be one) and, for each pair that works "
        "together, how closely: **networking** (exchange information), **coordinating** "
        "(also adjust activities), **cooperating** (also share resources) or "
        "**collaborating** (also build each other's capacity). Each step asks more trust "
        "and time."
    )
    entries = "partners"
    figure_word = "network"
    stem = "partner-network"
    LABELS: ClassVar[dict[str, str]] = {
        "name": "Name",
        "sector": "Sector",
        "contact": "Contact",
        "notes": "Notes",
    }

    def _build_form(self) -> list[widgets.Widget]:
        guard = self.errors.guard
        self.select = _dropdown("Partner to change", [("New partner", NEW)], NEW)
        self.name = _text("Name", placeholder="e.g. Pine Hollow Food Pantry")
        self.sector = _text("Sector", placeholder="e.g. nonprofit, school district")
        self.contact = _text("Contact (personal: left out of downloads unless you choose)")
        self.notes = _area("Notes")
        self.save_button = action_button("Save partner")
        self.remove_button = action_button("Remove partner")
        self.first = _dropdown("Partner", [], None)
        self.second = _dropdown("works with", [], None)
        self.level = _dropdown(
            "Relationship",
            [("No relationship", "")]
            + [(f"{lv.capitalize()}: {LEVEL_HELP[lv]}", lv) for lv in LEVELS],
            "",
        )
        self.relate_button = action_button("Save relationship")
        self.select.observe(guard(lambda _: self._fill()), names="value")
        for control in (self.first, self.second):
            control.observe(guard(lambda _: self._fill_level()), names="value")
        self.save_button.on_click(guard(lambda _: self.save_entry()))
        self.remove_button.on_click(guard(lambda _: self.remove_entry()))
        self.relate_button.on_click(guard(lambda _: self.save_relationship()))
        return [
            self.select,
            self.name,
            self.sector,
            self.contact,
            self.notes,
            widgets.HBox([self.save_button, self.remove_button]),
            html_block("<h4>How two partners work together</h4>"),
            self.first,
            self.second,
            self.level,
            self.relate_button,
        ]

    def _refresh_form(self) -> None:
        current = self.select.value
        options = [("New partner", NEW)] + [(p.name, i) for i, p in enumerate(self.data.partners)]
        _refill(self.select, options, current)
        self._fill()
        names = [(p.name, p.name) for p in self.data.partners]
        first, second = self.first.value, self.second.value
        _refill(self.first, names, first)
        _refill(self.second, names, second)
        if self.second.value == self.first.value and len(names) > 1:
            self.second.value = names[1][1] if names[0][1] == self.first.value else names[0][1]
        self.relate_button.disabled = len(names) < 2
        self._fill_level()

    def _fill(self) -> None:
        index = self.select.value
        self.remove_button.disabled = index in (NEW, None)
        if index in (NEW, None):
            for control in (self.name, self.sector, self.contact, self.notes):
                control.value = ""
            return
        partner = self.data.partners[index]
        self.name.value, self.sector.value = partner.name, partner.sector
        self.contact.value, self.notes.value = partner.contact, partner.notes

    def _fill_level(self) -> None:
        a, b = self.first.value, self.second.value
        if a is None or b is None or a == b:
            self.level.value = ""
            return
        self.level.value = self.data.level_between(a, b) or ""

    def save_entry(self) -> None:
        """Add the partner in the form, or save the changes to the partner being edited."""
        index = self.select.value
        old = self.data.partners[index] if index not in (NEW, None) else None
        try:
            partner = Partner(
                name=self.name.value,
                sector=self.sector.value,
                contact=self.contact.value,
                notes=self.notes.value,
            )
        except ValidationError as exc:
            self._form_problem(validation_text(exc, self.LABELS))
            return
        clash = self.data.get(partner.name)
        if clash is not None and (old is None or name_key(clash.name) != name_key(old.name)):
            self._form_problem(
                f"There is already a partner called “{clash.name}”: choose it under "
                "“Partner to change” to edit it, or use another name."
            )
            return
        partners = list(self.data.partners)
        relationships = list(self.data.relationships)
        if old is None:
            partners.append(partner)
        else:
            partners[index] = partner
            was = name_key(old.name)

            def rename(name: str) -> str:
                return partner.name if name_key(name) == was else name

            relationships = [
                Relationship(a=rename(r.a), b=rename(r.b), level=r.level) for r in relationships
            ]
        self.select.value = NEW
        new = PartnerNetwork(partners=tuple(partners), relationships=tuple(relationships))
        if not self.commit(new):
            self._fill()
        self._form_done(
            f"{'Added' if old is None else 'Saved'} “{partner.name}”. The form is ready for "
            "the next partner."
        )

    def remove_entry(self) -> None:
        """Remove the partner being edited, with its relationships."""
        index = self.select.value
        if index in (NEW, None):
            self._form_problem("Choose the partner to remove under “Partner to change”.")
            return
        name = self.data.partners[index].name
        self.select.value = NEW
        self.commit(self.data.without_partner(name))
        self._form_done(
            f"Removed “{name}” and its relationships. “Undo the last change” brings it back."
        )

    def save_relationship(self) -> None:
        """Set (or remove) the relationship between the two partners chosen."""
        a, b = self.first.value, self.second.value
        if a is None or b is None:
            self._form_problem("Add at least two partners first.")
            return
        if name_key(a) == name_key(b):
            self._form_problem("Choose two different partners.")
            return
        level = self.level.value or None
        before = self.data.level_between(a, b)
        self.commit(self.data.with_relationship(a, b, level))
        if level is None:
            text = (
                f"Removed the relationship between “{a}” and “{b}”."
                if before
                else f"“{a}” and “{b}” have no relationship; nothing changed."
            )
        else:
            text = f"“{a}” and “{b}”: {level} ({LEVEL_HELP[level]})."
        self._form_done(text)

    def alt_texts(self) -> list[str]:
        """Return the network's text alternative.

        Returns:
            One text.
        """
        return [partner_network_alt_text(self.data)]

    def _summary_body(self) -> str:
        net = self.data
        if not net.partners:
            return (
                "<p>No partners yet. Add one with the form, load the sample, or upload a "
                "spreadsheet.</p>"
            )
        degree = net.degree()
        rel_rows = "".join(
            f"<tr><td>{esc(r.a)}</td><td>{esc(r.b)}</td><td>{esc(r.level)}</td>"
            f"<td>{esc(LEVEL_HELP[r.level])}</td></tr>"
            for r in net.relationships
        )
        relationships = (
            "<table><caption>Relationship level for each pair</caption><thead><tr>"
            "<th scope='col'>Partner</th><th scope='col'>Partner</th>"
            "<th scope='col'>Level</th><th scope='col'>What it means</th></tr></thead>"
            f"<tbody>{rel_rows}</tbody></table>"
            if rel_rows
            else "<p>No relationships yet: choose two partners below the form and a level.</p>"
        )
        partner_rows = "".join(
            f"<tr><th scope='row'>{esc(p.name)}</th><td>{esc(p.sector) or '—'}</td>"
            f"<td>{degree[p.name]}</td></tr>"
            for p in net.partners
        )
        counts = net.counts_by_level()
        levels = ", ".join(f"{counts[lv]} {lv}" for lv in LEVELS)
        isolated = net.isolated()
        alone = (
            f"<p><strong>Not yet connected:</strong> {esc(', '.join(isolated))}.</p>"
            if isolated
            else ""
        )
        return (
            f"<p>{plural(len(net.partners), 'partner')} and "
            f"{plural(len(net.relationships), 'relationship')} ({esc(levels)}).</p>"
            f"{relationships}{alone}"
            "<details><summary>All partners</summary>"
            "<table><caption>Partners</caption><thead><tr><th scope='col'>Partner</th>"
            "<th scope='col'>Sector</th><th scope='col'>Relationships</th></tr></thead>"
            f"<tbody>{partner_rows}</tbody></table></details>"
            f"<p><strong>The network in words:</strong> {esc(self.alt_texts()[0])}</p>"
        )

    def _figures(self) -> str:
        from engage.mapping.figures import partner_network_chart

        return figure_html(partner_network_chart(self.data), self.stem, "the network")


# --------------------------------------------------------------------------- coalition


ANSWERS: list[tuple[str, str]] = [("Not answered yet", ""), ("Yes", "yes"), ("No", "no")]
"""The choices offered for each coalition statement."""


class CoalitionStageView:
    """The coalition self-assessment: yes or no per statement, then the stage and next steps."""

    def __init__(
        self,
        key: str,
        stages: CoalitionStages,
        store: ProgressStore,
        profile: str | None,
        errors: ErrorArea | None = None,
        on_change: Callable[[], None] | None = None,
    ) -> None:
        """Build a labelled dropdown per statement and restore the saved answers.

        Args:
            key: The progress key under ``maps``, e.g. ``10-community-mapping/coalition``.
            stages: The stages and statements.
            store: Where the answers are saved.
            profile: The learner's profile (texts may differ per profile).
            errors: Where errors inside callbacks are shown.
            on_change: Called after each save.
        """
        self.key, self.stages, self.store, self.profile = key, stages, store, profile
        self.errors = errors or ErrorArea()
        self.on_change = on_change
        self.intro = html_block("")
        self.stage_blocks: dict[str, widgets.HTML] = {}
        self.statement_blocks: dict[str, widgets.HTML] = {}
        self.answers: dict[str, widgets.Dropdown] = {}
        parts: list[widgets.Widget] = [self.intro]
        number = 0
        for stage in stages.stages:
            block = html_block("")
            self.stage_blocks[stage.id] = block
            parts.append(block)
            for statement in stage.statements:
                number += 1
                text = html_block("")
                self.statement_blocks[statement.id] = text
                dropdown = _dropdown(f"Statement {number}: your answer", ANSWERS, "")
                self.answers[statement.id] = dropdown
                parts.extend([text, dropdown])
        self.result = html_block("", label="Your coalition's stage")
        saved = (store.load().maps.get(key) or {}).get("answers") or {}
        if isinstance(saved, dict):
            for statement_id, value in saved.items():
                if statement_id in self.answers and isinstance(value, bool):
                    self.answers[statement_id].value = "yes" if value else "no"
        for dropdown in self.answers.values():
            dropdown.observe(self.errors.guard(lambda _: self.update()), names="value")
        self.widget = widgets.VBox([*parts, self.result, self.errors.widget])
        self.widget.add_class("engage-mapping")
        self.widget.add_class("engage-mapping-coalition")
        self.render()

    def answer_values(self) -> dict[str, bool | None]:
        """Return the answers given so far.

        Returns:
            Statement id to True (yes), False (no) or None (not answered).
        """
        return {sid: {"yes": True, "no": False}.get(d.value) for sid, d in self.answers.items()}

    def set_profile(self, profile: str | None) -> None:
        """Show the texts for another profile.

        Args:
            profile: The new profile id, or None.
        """
        if profile != self.profile:
            self.profile = profile
            self.render()

    def render(self) -> None:
        """Show the statements and the assessment for the current profile and answers."""
        profile = self.profile
        set_html(
            self.intro,
            "<h2>Where is your coalition?</h2>"
            + markdown_html(self.stages.intro.for_profile(profile)),
        )
        number = 0
        for stage in self.stages.stages:
            set_html(
                self.stage_blocks[stage.id],
                f"<h3>{esc(stage.title)}</h3>{markdown_html(stage.summary.for_profile(profile))}",
            )
            for statement in stage.statements:
                number += 1
                set_html(
                    self.statement_blocks[statement.id],
                    f"<p><strong>Statement {number}.</strong> "
                    f"{esc(statement.text.for_profile(profile))}</p>",
                )
        self._render_result()

    def _render_result(self) -> None:
        answers = self.answer_values()
        label = "Your coalition's stage"
        if all(v is None for v in answers.values()):
            set_html(
                self.result,
                "<h3>Your coalition's stage</h3><p>Answer the statements above to see which "
                "stage your coalition is in and what to do next.</p>",
                label=label,
            )
            return
        a = assess_coalition(self.stages, answers, self.profile)
        progress = "".join(
            f"<li>{esc(p.title)}: {p.yes} of {p.total} answered yes</li>" for p in a.progress
        )
        actions = "".join(f"<li>{markdown_html(text)}</li>" for text in a.actions)
        already = "".join(f"<li>{esc(text)}</li>" for text in a.already_doing)
        unanswered = (
            f"<p class='muted'>{plural(len(a.unanswered), 'statement')} of this stage or "
            "earlier not answered yet counted as no.</p>"
            if a.unanswered
            else ""
        )
        set_html(
            self.result,
            '<div role="status"><h3>Your coalition\'s stage</h3>'
            f"<p><strong>{esc(a.describe())}</strong></p>"
            f"{markdown_html(a.summary)}"
            f"<h4>Next steps</h4>{markdown_html(a.next_steps)}"
            + (f"<h4>What to work on in this stage</h4><ul>{actions}</ul>" if actions else "")
            + (f"<h4>Already done from later stages</h4><ul>{already}</ul>" if already else "")
            + unanswered
            + f"<ul>{progress}</ul></div>",
            label=label,
        )

    def update(self) -> None:
        """Save the answers and show the stage they give."""
        answers = self.answer_values()
        given = {k: v for k, v in answers.items() if v is not None}
        a = assess_coalition(self.stages, answers, self.profile)
        self.store.put_item(
            "maps",
            self.key,
            {"answers": given, "stage": a.stage, "complete": a.complete},
        )
        self._render_result()
        if self.on_change:
            self.on_change()

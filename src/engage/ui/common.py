"""Shared pieces of the course widgets: Markdown to HTML, page styles, safe callbacks."""

from __future__ import annotations

import base64
import functools
import html
import traceback
from collections.abc import Callable
from importlib import resources
from typing import Any, ParamSpec, TypeVar

import ipywidgets as widgets
import mistune

P = ParamSpec("P")
R = TypeVar("R")

_markdown = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])


def markdown_html(text: str) -> str:
    """Render course Markdown to HTML; raw HTML in the text is shown as text, not run.

    Args:
        text: Markdown from a content file.

    Returns:
        HTML.
    """
    return str(_markdown(text))


def markdown_inline(text: str) -> str:
    """Render a short Markdown text without wrapping it in a paragraph.

    Args:
        text: One paragraph of Markdown.

    Returns:
        HTML suitable inside a list item or table cell.
    """
    out = markdown_html(text).strip()
    if out.startswith("<p>") and out.endswith("</p>") and out.count("<p>") == 1:
        out = out[3:-4]
    return out


def esc(value: object) -> str:
    """Escape anything a learner or a data file supplied before it goes into HTML.

    Args:
        value: The value to show.

    Returns:
        The value as HTML-safe text.
    """
    return html.escape(str(value), quote=True)


def data_url(data: bytes | str, mime: str) -> str:
    """Encode a file as a ``data:`` URL, so a link or image carries it in the page.

    Args:
        data: The file's bytes, or its text (encoded as UTF-8, and said so in the URL).
        mime: Its media type, e.g. ``text/csv`` or ``image/png``.

    Returns:
        ``data:<mime>;base64,...`` (with ``;charset=utf-8`` after the type for text).
    """
    if isinstance(data, str):
        data, mime = data.encode("utf-8"), f"{mime};charset=utf-8"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def download_link(data: bytes | str, mime: str, filename: str, text: str) -> str:
    """Return an ``<a download>`` element that saves ``data`` under ``filename``.

    Args:
        data: The file's bytes, or its text (saved as UTF-8).
        mime: Its media type, e.g. ``text/csv``.
        filename: The name the browser suggests (escaped here).
        text: The link's visible text (escaped here).

    Returns:
        The HTML element.
    """
    return f'<a download="{esc(filename)}" href="{data_url(data, mime)}">{esc(text)}</a>'


@functools.lru_cache(maxsize=1)
def page_css() -> str:
    """Return the course stylesheet as a ``<style>`` element.

    Returns:
        The style element's HTML.
    """
    css = resources.files("engage.ui").joinpath("course.css").read_text(encoding="utf-8")
    return f"<style>{css}</style>"


def html_block(body: str, *, label: str | None = None) -> widgets.HTML:
    """Wrap HTML in an ``HTML`` widget styled as course text.

    Args:
        body: The HTML (already escaped where it contains supplied values).
        label: An accessible name for the block's region, if it should be a landmark.

    Returns:
        The widget.
    """
    block = widgets.HTML(value=_wrap(body, label))
    block.add_class("engage-block")
    return block


def set_html(block: widgets.HTML, body: str, *, label: str | None = None) -> None:
    """Replace the HTML of a block made by :func:`html_block`.

    Args:
        block: The widget.
        body: The new HTML.
        label: An accessible name for the block's region.
    """
    block.value = _wrap(body, label)


def _wrap(body: str, label: str | None) -> str:
    if label:
        return f'<section class="engage" aria-label="{esc(label)}">{body}</section>'
    return f'<div class="engage">{body}</div>'


class ErrorArea:
    """An on-page place for errors raised inside widget callbacks.

    Without it, an exception in a callback vanishes into the browser console and a
    learner sees a dead button. Wrap callbacks with :meth:`guard`.
    """

    def __init__(self) -> None:
        """Create the (initially empty) area."""
        self.widget = widgets.HTML(value="")
        self.widget.add_class("engage-errors")
        self.last_error: BaseException | None = None

    def guard(self, func: Callable[P, R]) -> Callable[P, R | None]:
        """Wrap a callback so that its errors are shown on the page.

        Args:
            func: The callback.

        Returns:
            The wrapped callback, which returns None when it failed.
        """

        @functools.wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R | None:
            try:
                result = func(*args, **kwargs)
            except Exception as exc:
                self.show(exc)
                return None
            self.clear()
            return result

        return wrapper

    def show(self, exc: BaseException) -> None:
        """Show an error message (the exception text, escaped) with a way forward.

        Args:
            exc: The exception to report.
        """
        self.last_error = exc
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        self.widget.value = (
            '<div class="engage-error" role="alert"><strong>Something went wrong.</strong> '
            f"{esc(detail)}<br>Your saved work is not affected. Try again, or reload the "
            "page.</div>"
        )

    def clear(self) -> None:
        """Remove any message shown."""
        if self.widget.value:
            self.widget.value = ""


def described(widget: widgets.Widget, description: str, **style: Any) -> widgets.Widget:
    """Give a control a visible description wide enough to read in full.

    Args:
        widget: The control.
        description: Its visible label, also its accessible name.
        **style: Further style settings.

    Returns:
        The same control.
    """
    widget.description = description
    if "description_width" in widget.style.keys:
        widget.style = {"description_width": "initial", **style}
    return widget


def action_button(description: str) -> widgets.Button:
    """Make a button sized to its label, aligned left, with a visible text description.

    Args:
        description: The button's label (also its accessible name).

    Returns:
        The button.
    """
    button = widgets.Button(
        description=description, layout=widgets.Layout(width="auto", align_self="flex-start")
    )
    button.add_class("engage-action")
    return button

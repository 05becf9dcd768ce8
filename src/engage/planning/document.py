"""A tiny document model rendered as printable HTML or Markdown, escaping every text.

Handouts are built once as a list of blocks (headings, paragraphs, lists, checklists,
tables) and rendered twice. All text is treated as plain text: whatever a learner typed,
``<script>`` or ``**bold**``, appears literally in both formats.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

PRINT_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1a1a1a;
  line-height: 1.5; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.8rem; margin-bottom: 0.25rem; } h2 { font-size: 1.3rem; margin-top: 1.6rem;
  border-bottom: 1px solid #999; } h3 { font-size: 1.1rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #999; padding: 0.3rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #eef2f6; }
ul.checklist { list-style: none; padding-left: 0.2rem; }
ul.checklist li::before { content: "\\2610\\00a0\\00a0"; }
.muted { color: #4d4d4d; font-size: 0.9rem; }
.problem { border-left: 4px solid #b2182b; padding-left: 0.5rem; }
.caution { border-left: 4px solid #b35900; padding-left: 0.5rem; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; }
  table, li { break-inside: avoid; } }
"""


@dataclass(frozen=True)
class Heading:
    """A heading (level 1 to 3)."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph, optionally with a style class (``muted``, ``problem``, ``caution``)."""

    text: str
    style: str = ""
    label: str = ""


@dataclass(frozen=True)
class Bullets:
    """A bulleted list, or a checklist with boxes to tick on paper."""

    items: tuple[str, ...]
    checklist: bool = False


@dataclass(frozen=True)
class Table:
    """A table with a header row and a caption."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Heading | Paragraph | Bullets | Table


@dataclass
class Document:
    """A document: a title and blocks, rendered by :meth:`html` and :meth:`markdown`."""

    title: str
    blocks: list[Block] = field(default_factory=list)

    def heading(self, level: int, text: str) -> None:
        """Add a heading.

        Args:
            level: 1 to 3.
            text: Plain text.
        """
        self.blocks.append(Heading(level, text))

    def para(self, text: str, style: str = "", label: str = "") -> None:
        """Add a paragraph.

        Args:
            text: Plain text.
            style: An optional style class.
            label: An optional bold lead-in such as ``When``.
        """
        self.blocks.append(Paragraph(text, style, label))

    def bullets(self, items: list[str], *, checklist: bool = False) -> None:
        """Add a list (nothing is added for an empty list).

        Args:
            items: Plain-text items.
            checklist: Render with boxes to tick.
        """
        if items:
            self.blocks.append(Bullets(tuple(items), checklist))

    def table(self, caption: str, headers: list[str], rows: list[list[str]]) -> None:
        """Add a table (nothing is added without rows).

        Args:
            caption: What the table shows.
            headers: Column headings.
            rows: Rows of plain-text cells.
        """
        if rows:
            self.blocks.append(Table(caption, tuple(headers), tuple(tuple(r) for r in rows)))

    def html(self) -> str:
        """Render as a standalone, printable HTML page.

        Returns:
            The page.
        """
        e = _html_text
        out = [
            "<!DOCTYPE html>",
            '<html lang="en">',
            "<head>",
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{e(self.title)}</title>",
            f"<style>{PRINT_CSS}</style>",
            "</head>",
            "<body>",
            "<main>",
        ]
        for block in self.blocks:
            if isinstance(block, Heading):
                out.append(f"<h{block.level}>{e(block.text)}</h{block.level}>")
            elif isinstance(block, Paragraph):
                cls = f' class="{e(block.style)}"' if block.style else ""
                lead = f"<strong>{e(block.label)}:</strong> " if block.label else ""
                out.append(f"<p{cls}>{lead}{e(block.text)}</p>")
            elif isinstance(block, Bullets):
                cls = ' class="checklist"' if block.checklist else ""
                items = "".join(f"<li>{e(item)}</li>" for item in block.items)
                out.append(f"<ul{cls}>{items}</ul>")
            else:
                head = "".join(f'<th scope="col">{e(h)}</th>' for h in block.headers)
                body = "".join(
                    "<tr>" + "".join(f"<td>{e(cell)}</td>" for cell in row) + "</tr>"
                    for row in block.rows
                )
                out.append(
                    f"<table><caption>{e(block.caption)}</caption><thead><tr>{head}</tr>"
                    f"</thead><tbody>{body}</tbody></table>"
                )
        out += ["</main>", "</body>", "</html>", ""]
        return "\n".join(out)

    def markdown(self) -> str:
        """Render as Markdown that shows every text literally.

        Returns:
            The Markdown.
        """
        m = md_escape
        out: list[str] = []
        for block in self.blocks:
            if isinstance(block, Heading):
                out.append(f"{'#' * block.level} {m(block.text)}")
            elif isinstance(block, Paragraph):
                lead = f"**{m(block.label)}:** " if block.label else ""
                out.append(lead + m(block.text))
            elif isinstance(block, Bullets):
                box = "[ ] " if block.checklist else ""
                out.append("\n".join(f"- {box}{m(item)}" for item in block.items))
            else:
                lines = [
                    f"*{m(block.caption)}*",
                    "",
                    "| " + " | ".join(m(h) for h in block.headers) + " |",
                    "| " + " | ".join("---" for _ in block.headers) + " |",
                ]
                lines += ["| " + " | ".join(m(cell) for cell in row) + " |" for row in block.rows]
                out.append("\n".join(lines))
        return "\n\n".join(out) + "\n"


def _html_text(text: str) -> str:
    return html.escape(text, quote=True).replace("\n", "<br>")


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
_LEADING_MARK = re.compile(r"^([#+=-]|\d+(?=[.)]))")


def md_escape(text: str) -> str:
    """Make text show literally in Markdown: HTML is escaped, Markdown syntax backslashed.

    Line breaks become spaces, so a learner's text cannot start a heading or a list, and a
    leading ``1.`` cannot start a numbered list.

    Args:
        text: Any plain text.

    Returns:
        The escaped text.
    """
    flat = " ".join(text.split())
    escaped = html.escape(flat, quote=False)
    escaped = _MD_SPECIAL.sub(r"\\\1", escaped)
    return _LEADING_MARK.sub(lambda m: m[0] + "\\" if m[0][0].isdigit() else "\\" + m[0], escaped)

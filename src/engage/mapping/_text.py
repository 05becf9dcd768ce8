"""Small text helpers shared by the mapping tools: cleaning, names, plurals and lists."""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Sequence

from engage.text import clean_line as clean_line  # shared with the rest of the package

LIST_SEPARATOR = ";"
"""Separates names in a CSV cell that lists several (links, relationships)."""

MAX_NAME_CHARS = 120
"""Longest name (of an asset, stakeholder or partner) accepted."""

MAX_SHORT_CHARS = 200
"""Longest short text (contact, role, sector, round label) accepted."""

MAX_LONG_CHARS = 2000
"""Longest long text (description, notes) accepted."""


def clean_block(value: str) -> str:
    """Return multi-line text: line breaks kept, other control characters removed.

    Windows and old Mac line ends become newlines; trailing spaces on each line and blank
    lines at both ends are removed.

    Args:
        value: The text as typed or read from a file.

    Returns:
        The cleaned text (possibly empty).
    """
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    kept = []
    for ch in value:
        if ch == "\n":
            kept.append(ch)
        elif unicodedata.category(ch) == "Cc":
            if ch.isspace():
                kept.append(" ")
        else:
            kept.append(ch)
    lines = [line.rstrip() for line in "".join(kept).split("\n")]
    return "\n".join(lines).strip()


def name_key(name: str) -> str:
    """Return the key that decides whether two names are the same.

    Names match whatever their case and spacing: ``"Oak  Street Library"`` and
    ``"oak street library"`` are the same name.

    Args:
        name: A name.

    Returns:
        The normalised key.
    """
    return unicodedata.normalize("NFKC", clean_line(name)).casefold()


def check_name(value: str, what: str = "name") -> str:
    """Clean a name and check that it is usable.

    Args:
        value: The name as typed.
        what: How to call the value in messages.

    Returns:
        The cleaned name.

    Raises:
        ValueError: If the name is empty, too long, or contains ``;`` (which separates
            names in the CSV columns that list other names).
    """
    cleaned = clean_line(value)
    if not cleaned:
        raise ValueError(f"{what} must not be empty")
    if len(cleaned) > MAX_NAME_CHARS:
        raise ValueError(
            f"{what} is {len(cleaned)} characters long; at most {MAX_NAME_CHARS} are allowed"
        )
    if LIST_SEPARATOR in cleaned:
        raise ValueError(
            f"{what} must not contain '{LIST_SEPARATOR}', which separates names in lists"
        )
    return cleaned


def check_length(value: str, limit: int, what: str) -> str:
    """Check that a cleaned text is not longer than ``limit``.

    Args:
        value: The cleaned text.
        limit: The most characters allowed.
        what: How to call the value in messages.

    Returns:
        The text unchanged.

    Raises:
        ValueError: If it is too long.
    """
    if len(value) > limit:
        raise ValueError(f"{what} is {len(value)} characters long; at most {limit} are allowed")
    return value


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """Return ``"1 asset"`` or ``"3 assets"``.

    Args:
        count: How many.
        singular: The word for one.
        plural_form: The word for several; ``singular + "s"`` if None.

    Returns:
        The count and the right word.
    """
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count} {word}"


def join_words(items: Sequence[str], conjunction: str = "and") -> str:
    """Join words as a reader expects: ``a``, ``a and b``, ``a, b and c``.

    Args:
        items: The words.
        conjunction: ``"and"`` or ``"or"``.

    Returns:
        The joined text; empty for no items.
    """
    items = list(items)
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"


def name_list(names: Sequence[str], limit: int = 10) -> str:
    """Join names, naming at most ``limit`` and counting the rest.

    Args:
        names: The names.
        limit: How many to name.

    Returns:
        For example ``"A, B, C and 4 more"``.
    """
    names = list(names)
    if len(names) <= limit:
        return join_words(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit} more"


def suggest(value: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """Return the choice closest to ``value``, if any is close enough.

    Args:
        value: What was written.
        choices: What is allowed.
        cutoff: How similar (0 to 1) a suggestion must be.

    Returns:
        The closest choice, or None.
    """
    choices = list(choices)
    by_key = {name_key(c): c for c in choices}
    matches = difflib.get_close_matches(name_key(value), list(by_key), n=1, cutoff=cutoff)
    return by_key[matches[0]] if matches else None


def truncate(text: str, limit: int) -> str:
    """Shorten a one-line label to ``limit`` characters, ending with an ellipsis if cut.

    Cuts at a word boundary when one is near the end.

    Args:
        text: The label.
        limit: The most characters to show (at least 2).

    Returns:
        The label, shortened if needed.
    """
    text = clean_line(text)
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 0.6:
        cut = cut[:space]
    return cut.rstrip(" ,;:-") + "…"

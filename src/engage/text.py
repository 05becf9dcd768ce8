"""Text cleaning shared across the package: one-line text without control characters."""

from __future__ import annotations

import unicodedata


def clean_line(value: str) -> str:
    """Return one-line text: control characters removed, whitespace runs collapsed.

    Line breaks and tabs become spaces; the ends are stripped.

    Args:
        value: The text as typed or read from a file.

    Returns:
        The cleaned text (possibly empty).
    """
    kept = []
    for ch in value:
        if unicodedata.category(ch) == "Cc":
            if ch.isspace():
                kept.append(" ")
            continue
        kept.append(ch)
    return " ".join("".join(kept).split())

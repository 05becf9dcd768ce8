"""Errors of the badges package: one base class, with a message meant for the facilitator."""

from __future__ import annotations


class BadgeError(Exception):
    """Raised when a badge cannot be issued, baked, read or checked; the message says why."""


class BakeError(BadgeError):
    """Raised when a credential cannot be baked into, or read out of, a PNG or SVG image."""

"""Identifiers of the three library profiles that tailor the course."""

from typing import Literal, get_args

ProfileId = Literal["small-mid-rural", "large-urban", "academic"]
"""A library profile: small/mid-sized/rural public, large public system, or academic."""

PROFILE_IDS: tuple[str, ...] = get_args(ProfileId)

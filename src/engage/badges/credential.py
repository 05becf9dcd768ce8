"""Open Badges 3.0 credentials (W3C Verifiable Credentials Data Model 2.0) as plain dicts.

:func:`build_credential` makes an unsigned ``OpenBadgeCredential``; :mod:`.signing` turns it
into a VC-JWT. The recipient is named either by a URL they give (``credentialSubject.id``)
or by a salted SHA-256 hash of their email address (an ``IdentityObject``), so a published
badge does not show the address.
"""

from __future__ import annotations

import base64
import hashlib
import re
import secrets
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

from engage.badges.achievements import Achievement, BadgeCatalog
from engage.badges.errors import BadgeError
from engage.badges.images import BadgeText, badge_svg

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
CREDENTIAL_TYPE = ["VerifiableCredential", "OpenBadgeCredential"]

EMAIL = re.compile(
    r"^[^@\s<>\"',;:]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)
URI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def format_datetime(moment: datetime) -> str:
    """Format a moment as an OB3 ``DateTimeZ`` in UTC to the second, e.g. ``2025-03-01T09:00:00Z``.

    Args:
        moment: A timezone-aware datetime.

    Returns:
        The ISO 8601 text with a ``Z`` suffix.

    Raises:
        BadgeError: If the datetime has no timezone (its meaning would depend on the machine).
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise BadgeError(f"{moment.isoformat()} has no timezone; give times in UTC")
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_datetime(text: str) -> datetime:
    """Read an OB3 ``DateTimeZ`` (ISO 8601 with a timezone).

    Args:
        text: The date-time text, e.g. ``2025-03-01T09:00:00Z``.

    Returns:
        A timezone-aware datetime.

    Raises:
        BadgeError: If the text is not a date-time with a timezone.
    """
    if not isinstance(text, str) or "T" not in text:
        raise BadgeError(f"{text!r} is not a date-time such as 2025-03-01T09:00:00Z")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise BadgeError(f"{text!r} is not a date-time such as 2025-03-01T09:00:00Z") from None
    if moment.tzinfo is None:
        raise BadgeError(f"{text!r} has no timezone (add Z for UTC)")
    return moment


def now_utc() -> datetime:
    """The current moment in UTC, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


def issuer_base(url: str) -> str:
    """The folder URL under which an issuer publishes its keys and achievements.

    ``https://example.org/badges`` and ``https://example.org/badges/`` both give
    ``https://example.org/badges/``; ``https://example.org/badges/issuer.json`` gives the
    folder that holds the file.
    """
    path = urlsplit(url).path
    if path.endswith("/"):
        return url
    if "." in path.rsplit("/", 1)[-1]:
        return urljoin(url, ".")
    return url + "/"


def normalise_email(email: str) -> str:
    """Trim and lower-case an email address, the form that is hashed.

    Args:
        email: The address as the learner or a CSV gave it.

    Returns:
        The normalised address.

    Raises:
        BadgeError: If it does not look like an email address.
    """
    value = email.strip().lower()
    if not EMAIL.match(value):
        raise BadgeError(f"{email!r} is not an email address")
    return value


def hash_identity(value: str, salt: str) -> str:
    """Hash an identity as OB3 ``IdentityHash``: ``sha256$`` and hex of SHA-256(value + salt).

    Args:
        value: The identity, e.g. a normalised email address.
        salt: The salt stored beside the hash in the credential.

    Returns:
        The identity hash text.
    """
    return "sha256$" + hashlib.sha256((value + salt).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Recipient:
    """Who receives a badge: an email address (stored hashed), a URL they gave, or both."""

    email: str | None = None
    url: str | None = None
    salt: str | None = None

    def __post_init__(self) -> None:
        """Check that there is a usable identity."""
        if not self.email and not self.url:
            raise BadgeError("a recipient needs an email address or a URL")
        if self.email:
            normalise_email(self.email)
        if self.url and not re.match(r"^(https://\S+|did:[a-z0-9]+:\S+)$", self.url):
            raise BadgeError(f"{self.url!r} is not an https:// URL or a DID")

    def subject(self) -> dict[str, Any]:
        """The identifying part of ``credentialSubject`` (``id`` and/or ``identifier``)."""
        out: dict[str, Any] = {}
        if self.url:
            out["id"] = self.url
        if self.email:
            salt = self.salt or secrets.token_hex(16)
            out["identifier"] = [
                {
                    "type": "IdentityObject",
                    "identityHash": hash_identity(normalise_email(self.email), salt),
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ]
        return out


@dataclass(frozen=True)
class Evidence:
    """Evidence for a badge: one graded reflection assignment."""

    assignment: str
    name: str
    narrative: str | None = None

    def to_json(self) -> dict[str, Any]:
        """The OB3 ``Evidence`` object."""
        out: dict[str, Any] = {"type": ["Evidence"], "name": self.name, "genre": "Reflection"}
        if self.narrative:
            out["narrative"] = self.narrative
        return out


def evidence_for(catalog: BadgeCatalog, assignments: Iterable[str]) -> list[Evidence]:
    """Describe graded reflection assignments as evidence (no scores: badges are public).

    Args:
        catalog: The achievements, for module titles.
        assignments: Assignment ids (module ids).

    Returns:
        One evidence entry per assignment.
    """
    out = []
    for assignment in assignments:
        title = catalog.module_title(assignment)
        out.append(
            Evidence(
                assignment=assignment,
                name=f"Reflection: {title}",
                narrative=(
                    f"The reflection for the module {title} (assignment {assignment}) was "
                    "reviewed and graded by the cohort facilitator against the rubric "
                    "published with it."
                ),
            )
        )
    return out


def badge_text(
    catalog: BadgeCatalog, achievement: Achievement, recipient: str | None = None
) -> BadgeText:
    """The words drawn on an achievement's badge image."""
    return BadgeText(
        name=achievement.name,
        course=catalog.course,
        label=achievement.label,
        track=achievement.track,
        recipient=recipient,
    )


def achievement_json(
    catalog: BadgeCatalog, achievement: Achievement | str, issuer: Mapping[str, Any]
) -> dict[str, Any]:
    """The OB3 ``Achievement`` object for one achievement of the catalogue.

    Its id is under the issuer's URL (``<issuer>/achievements/<id>``), since the
    organisation running the cohort is the one that awards it. The image is embedded as an
    SVG data URI, so the credential needs no other hosting. The course's disclaimer closes
    the description.

    Args:
        catalog: The loaded achievements.
        achievement: The achievement or its id.
        issuer: The issuer's ``Profile``.

    Returns:
        The achievement as a JSON-ready dict.
    """
    if isinstance(achievement, str):
        achievement = catalog.achievement(achievement)
    text = badge_text(catalog, achievement)
    svg = base64.b64encode(badge_svg(text).encode("utf-8")).decode("ascii")
    base = issuer_base(str(issuer.get("url") or issuer["id"]))
    out: dict[str, Any] = {
        "id": urljoin(base, f"achievements/{achievement.id}"),
        "type": ["Achievement"],
        "achievementType": achievement.achievement_type,
        "name": achievement.name,
        "description": f"{achievement.description}\n\n{catalog.file.disclaimer}",
        "criteria": {"narrative": achievement.criteria},
        "image": {
            "id": f"data:image/svg+xml;base64,{svg}",
            "type": "Image",
            "caption": text.title,
        },
        "alignment": [
            {
                "type": ["Alignment"],
                "targetName": f"{catalog.course}: {catalog.module_title(module)}",
                "targetUrl": catalog.module_link(module),
                "targetCode": module,
                "targetDescription": f"Module {module} of {catalog.course}",
            }
            for module in achievement.alignment
        ],
        "inLanguage": catalog.file.language,
    }
    if achievement.tags:
        out["tag"] = list(achievement.tags)
    return out


def issuer_id(credential: Mapping[str, Any]) -> Any:
    """The issuer's id, whether ``issuer`` is a URI or a ``Profile`` object."""
    issuer = credential.get("issuer")
    return issuer.get("id") if isinstance(issuer, Mapping) else issuer


def subject_reference(credential: Mapping[str, Any]) -> str | None:
    """What the JWT ``sub`` claim carries: the subject's id, else its first identity hash."""
    subject = credential.get("credentialSubject")
    if not isinstance(subject, Mapping):
        return None
    if isinstance(subject.get("id"), str):
        return subject["id"]
    identifiers = subject.get("identifier")
    if isinstance(identifiers, list) and identifiers and isinstance(identifiers[0], Mapping):
        value = identifiers[0].get("identityHash")
        return value if isinstance(value, str) else None
    return None


def build_credential(
    issuer: Mapping[str, Any],
    achievement: Mapping[str, Any],
    recipient: Recipient,
    issued_at: datetime,
    evidence: Sequence[Evidence],
    expires_at: datetime | None = None,
    *,
    credential_id: str | None = None,
) -> dict[str, Any]:
    """Make an unsigned ``OpenBadgeCredential``.

    Args:
        issuer: The issuer's ``Profile`` (``id``, ``type`` ["Profile"], name, url, email...).
        achievement: The OB3 ``Achievement`` (see :func:`achievement_json`).
        recipient: Who earned it.
        issued_at: When it is valid from (``validFrom`` and ``awardedDate``); UTC-aware.
        evidence: The graded assignments that earned it.
        expires_at: When it stops being valid (``validUntil``), if ever.
        credential_id: The credential's id; a new ``urn:uuid:`` if None.

    Returns:
        The credential as a JSON-ready dict.

    Raises:
        BadgeError: If the issuer has no id, or the dates are missing a timezone or are in
            the wrong order.
    """
    if not isinstance(issuer.get("id"), str) or not URI.match(issuer["id"]):
        raise BadgeError("the issuer profile has no id (a URL)")
    valid_from = format_datetime(issued_at)
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id or f"urn:uuid:{uuid.uuid4()}",
        "type": list(CREDENTIAL_TYPE),
        "name": str(achievement["name"]),
        "issuer": dict(issuer),
        "validFrom": valid_from,
    }
    if expires_at is not None:
        valid_until = format_datetime(expires_at)
        if expires_at <= issued_at:
            raise BadgeError(f"the badge would expire ({valid_until}) before it is valid")
        credential["validUntil"] = valid_until
    credential["awardedDate"] = valid_from
    credential["credentialSubject"] = {
        "type": ["AchievementSubject"],
        **recipient.subject(),
        "achievement": dict(achievement),
    }
    if evidence:
        credential["evidence"] = [item.to_json() for item in evidence]
    return credential

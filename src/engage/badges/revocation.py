"""The issuer's revocation list: a JSON file of revoked credential ids, each with a reason.

The shape is modelled on the revocation lists that some Open Badges 3.0 implementations
publish for ``credentialStatus`` of type ``1EdTechRevocationList`` (``revokedCredentials``,
each with an ``id``); it has not been checked against a 1EdTech specification, and issued
credentials do not point to it yet (they carry no ``credentialStatus``)::

    {"revokedCredentials": [
        {"id": "urn:uuid:...", "revocationReason": "issued by mistake",
         "revokedAt": "2025-03-01T09:00:00Z"}
    ]}
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from engage.badges._files import write_json_atomic
from engage.badges.credential import URI, format_datetime, now_utc
from engage.badges.errors import BadgeError


@dataclass(frozen=True)
class Revocation:
    """One revoked credential."""

    credential_id: str
    reason: str
    revoked_at: str | None = None


def parse_revocation_list(data: Any, where: str = "the revocation list") -> dict[str, Revocation]:
    """Read a revocation list's JSON.

    Args:
        data: The parsed JSON.
        where: Where it came from, for messages.

    Returns:
        The revocations by credential id.

    Raises:
        BadgeError: If it does not have the expected shape.
    """
    entries = data.get("revokedCredentials") if isinstance(data, Mapping) else None
    if not isinstance(entries, list):
        raise BadgeError(f"{where} has no 'revokedCredentials' list")
    out = {}
    for i, entry in enumerate(entries):
        if not isinstance(entry, Mapping) or not isinstance(entry.get("id"), str):
            raise BadgeError(f"{where}: revokedCredentials[{i}] has no credential id")
        reason = entry.get("revocationReason")
        when = entry.get("revokedAt")
        out[entry["id"]] = Revocation(
            credential_id=entry["id"],
            reason=reason if isinstance(reason, str) and reason.strip() else "no reason given",
            revoked_at=when if isinstance(when, str) else None,
        )
    return out


def load_revocation_list(source: Path | str | Mapping[str, Any]) -> dict[str, Revocation]:
    """Load a revocation list from a file (or an already parsed object).

    Args:
        source: The JSON file, or its parsed content.

    Returns:
        The revocations by credential id.

    Raises:
        BadgeError: If the file cannot be read or has the wrong shape.
    """
    if isinstance(source, Mapping):
        return parse_revocation_list(source)
    path = Path(source)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadgeError(f"cannot read the revocation list {path}: {exc.strerror}") from None
    except ValueError:
        raise BadgeError(f"the revocation list {path} is not JSON") from None
    return parse_revocation_list(data, str(path))


def revoke(
    revocation_list_path: Path, credential_id: str, reason: str, *, now: datetime | None = None
) -> bool:
    """Add a credential to the revocation list (the file is created if needed).

    Args:
        revocation_list_path: The JSON file.
        credential_id: The revoked credential's id (``urn:uuid:...``).
        reason: Why, in a few words; kept in the list, which may be published.
        now: The time of revocation; the current time if None.

    Returns:
        True if it was added; False if it was already revoked (the list is unchanged).

    Raises:
        BadgeError: If the id or reason is missing, or the existing list is damaged.
    """
    credential_id = credential_id.strip()
    if not URI.match(credential_id):
        raise BadgeError(f"{credential_id!r} is not a credential id (e.g. urn:uuid:...)")
    if not reason.strip():
        raise BadgeError("give a reason for revoking the badge")
    path = Path(revocation_list_path)
    data: dict[str, Any] = {"revokedCredentials": []}
    if path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            raise BadgeError(f"the revocation list {path} is not JSON; not changing it") from None
        if credential_id in parse_revocation_list(data, str(path)):
            return False
    data["revokedCredentials"].append(
        {
            "id": credential_id,
            "revocationReason": " ".join(reason.split()),
            "revokedAt": format_datetime(now or now_utc()),
        }
    )
    write_json_atomic(path, data)
    return True

"""Structural checks of an OpenBadgeCredential against the Open Badges 3.0 data model.

Written from the specification (``AchievementCredential``, ``Profile``,
``AchievementSubject``, ``IdentityObject``, ``Achievement``, ``Criteria``, ``Image``,
``Alignment``, ``Evidence``): every required member is present with its type, ``type``
values are arrays holding the right class, dates are ``DateTimeZ``, and ids are URIs. It
also checks what the official JSON schema states only in prose: the subject must have an
``id`` or an ``identifier``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from engage.badges.credential import OB_CONTEXT, URI, VC_CONTEXT, parse_datetime
from engage.badges.errors import BadgeError

OB_CONTEXT_PATTERN = re.compile(
    r"^https://purl\.imsglobal\.org/spec/ob/v3p0/context(-3\.\d\.\d)*\.json$"
)
IDENTITY_HASH = re.compile(r"^(sha256\$[0-9a-fA-F]{64}|md5\$[0-9a-fA-F]{32})$")
IDENTITY_TYPES = {
    "name", "sourcedId", "systemId", "productId", "userName", "accountId", "emailAddress",
    "nationalIdentityNumber", "isbn", "issn", "lisSourcedId", "oneRosterSourcedId",
    "sisSourcedId", "ltiContextId", "ltiDeploymentId", "ltiToolId", "ltiPlatformId",
    "ltiUserId", "identifier",
}  # fmt: skip

__all__ = ["OB_CONTEXT", "VC_CONTEXT", "check_structure"]


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, message: str) -> None:
        self.problems.append(f"{where}: {message}")

    def obj(self, value: Any, where: str) -> Mapping[str, Any] | None:
        if not isinstance(value, Mapping):
            self.fail(where, "missing or not an object")
            return None
        return value

    def string(self, parent: Mapping[str, Any], key: str, where: str, required: bool) -> None:
        if key not in parent:
            if required:
                self.fail(f"{where}.{key}", "required")
            return
        if not isinstance(parent[key], str) or not parent[key].strip():
            self.fail(f"{where}.{key}", "must be a non-empty string")

    def uri(self, parent: Mapping[str, Any], key: str, where: str, required: bool) -> None:
        if key not in parent:
            if required:
                self.fail(f"{where}.{key}", "required")
            return
        value = parent[key]
        if not isinstance(value, str) or not URI.match(value):
            self.fail(f"{where}.{key}", f"must be a URI, not {value!r:.60}")

    def types(self, parent: Mapping[str, Any], where: str, *need: str | tuple[str, ...]) -> None:
        value = parent.get("type")
        if not isinstance(value, list) or not value or not all(isinstance(t, str) for t in value):
            self.fail(f"{where}.type", "must be a non-empty array of strings")
            return
        for item in need:
            options = item if isinstance(item, tuple) else (item,)
            if not set(options) & set(value):
                self.fail(f"{where}.type", f"must include {' or '.join(options)}")

    def date(self, parent: Mapping[str, Any], key: str, where: str, required: bool) -> None:
        if key not in parent:
            if required:
                self.fail(f"{where}.{key}", "required")
            return
        try:
            parse_datetime(parent[key])
        except BadgeError as exc:
            self.fail(f"{where}.{key}", str(exc))

    def array(self, parent: Mapping[str, Any], key: str, where: str) -> list[Any]:
        value = parent.get(key, [])
        if not isinstance(value, list):
            self.fail(f"{where}.{key}", "must be an array")
            return []
        return value


def check_structure(credential: Any) -> list[str]:
    """List every way a credential departs from the OB3 data model.

    Args:
        credential: The parsed credential.

    Returns:
        One ``path: problem`` text per problem; empty when the structure is valid.
    """
    c = _Checker()
    cred = c.obj(credential, "credential")
    if cred is None:
        return c.problems
    context = cred.get("@context")
    if not isinstance(context, list) or len(context) < 2:
        c.fail("@context", f"must be an array starting with {VC_CONTEXT} and the OB 3.0 context")
    else:
        if context[0] != VC_CONTEXT:
            c.fail("@context[0]", f"must be {VC_CONTEXT}")
        if not isinstance(context[1], str) or not OB_CONTEXT_PATTERN.match(context[1]):
            c.fail("@context[1]", f"must be the Open Badges 3.0 context, e.g. {OB_CONTEXT}")
    c.uri(cred, "id", "credential", required=True)
    c.types(
        cred, "credential", "VerifiableCredential", ("OpenBadgeCredential", "AchievementCredential")
    )
    c.string(cred, "name", "credential", required=False)
    c.string(cred, "description", "credential", required=False)
    issuer = cred.get("issuer")
    if isinstance(issuer, str):
        c.uri(cred, "issuer", "credential", required=True)
    elif (profile := c.obj(issuer, "issuer")) is not None:
        c.uri(profile, "id", "issuer", required=True)
        c.types(profile, "issuer", "Profile")
        for key in ("name", "email", "description"):
            c.string(profile, key, "issuer", required=False)
        c.uri(profile, "url", "issuer", required=False)
    c.date(cred, "validFrom", "credential", required=True)
    c.date(cred, "validUntil", "credential", required=False)
    c.date(cred, "awardedDate", "credential", required=False)
    _check_subject(c, cred.get("credentialSubject"))
    for i, item in enumerate(c.array(cred, "evidence", "credential")):
        if (evidence := c.obj(item, f"evidence[{i}]")) is not None:
            c.types(evidence, f"evidence[{i}]", "Evidence")
            c.uri(evidence, "id", f"evidence[{i}]", required=False)
    for i, item in enumerate(c.array(cred, "credentialSchema", "credential")):
        if (schema := c.obj(item, f"credentialSchema[{i}]")) is not None:
            c.uri(schema, "id", f"credentialSchema[{i}]", required=True)
            c.string(schema, "type", f"credentialSchema[{i}]", required=True)
    if "credentialStatus" in cred and (
        status := c.obj(cred["credentialStatus"], "credentialStatus")
    ):
        c.uri(status, "id", "credentialStatus", required=True)
        c.string(status, "type", "credentialStatus", required=True)
    return c.problems


def _check_subject(c: _Checker, value: Any) -> None:
    subject = c.obj(value, "credentialSubject")
    if subject is None:
        return
    where = "credentialSubject"
    c.types(subject, where, "AchievementSubject")
    c.uri(subject, "id", where, required=False)
    identifiers = c.array(subject, "identifier", where)
    if "id" not in subject and not identifiers:
        c.fail(where, "must have an id or an identifier to name the recipient")
    for i, item in enumerate(identifiers):
        here = f"{where}.identifier[{i}]"
        if (identity := c.obj(item, here)) is None:
            continue
        if identity.get("type") != "IdentityObject":
            c.fail(f"{here}.type", "must be 'IdentityObject'")
        if not isinstance(identity.get("hashed"), bool):
            c.fail(f"{here}.hashed", "required, true or false")
        c.string(identity, "identityHash", here, required=True)
        c.string(identity, "salt", here, required=False)
        kind = identity.get("identityType")
        if not isinstance(kind, str) or not (
            kind in IDENTITY_TYPES or re.match(r"^ext:[\w.-]+$", kind)
        ):
            c.fail(f"{here}.identityType", f"must be an OB 3.0 identity type, not {kind!r}")
        extra = sorted(set(identity) - {"type", "hashed", "identityHash", "identityType", "salt"})
        if extra:
            c.fail(here, f"unexpected member(s) {', '.join(extra)}")
        hashed_value = identity.get("identityHash")
        if (
            identity.get("hashed") is True
            and isinstance(hashed_value, str)
            and not IDENTITY_HASH.match(hashed_value)
        ):
            c.fail(f"{here}.identityHash", "must be sha256$ followed by 64 hex digits")
    achievement = c.obj(subject.get("achievement"), f"{where}.achievement")
    if achievement is not None:
        _check_achievement(c, achievement, f"{where}.achievement")


def _check_achievement(c: _Checker, achievement: Mapping[str, Any], where: str) -> None:
    c.uri(achievement, "id", where, required=True)
    c.types(achievement, where, "Achievement")
    c.string(achievement, "name", where, required=True)
    c.string(achievement, "description", where, required=True)
    criteria = c.obj(achievement.get("criteria"), f"{where}.criteria")
    if criteria is not None:
        c.uri(criteria, "id", f"{where}.criteria", required=False)
        c.string(criteria, "narrative", f"{where}.criteria", required=False)
        if "id" not in criteria and "narrative" not in criteria:
            c.fail(f"{where}.criteria", "must have a narrative or an id")
    if "image" in achievement and (image := c.obj(achievement["image"], f"{where}.image")):
        c.uri(image, "id", f"{where}.image", required=True)
        if image.get("type") != "Image":
            c.fail(f"{where}.image.type", "must be 'Image'")
        c.string(image, "caption", f"{where}.image", required=False)
    for i, item in enumerate(c.array(achievement, "alignment", where)):
        here = f"{where}.alignment[{i}]"
        if (alignment := c.obj(item, here)) is not None:
            c.types(alignment, here, "Alignment")
            c.string(alignment, "targetName", here, required=True)
            c.uri(alignment, "targetUrl", here, required=True)
    tags = achievement.get("tag", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        c.fail(f"{where}.tag", "must be an array of strings")

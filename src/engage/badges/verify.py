"""Verify a badge: a baked PNG or SVG, or a ``.jws`` file, against the issuer's public keys.

Follows the Open Badges 3.0 verification steps for VC-JWT credentials: read the JOSE
header, find the key by ``kid`` in the issuer's JWK set (a local file or an https URL, or
the ``kid`` URL itself), check the RS256 signature, check the credential's structure, check
that the JWT claims ``iss``, ``sub``, ``jti``, ``nbf`` and ``exp`` match the credential,
check the validity dates, and look the id up in a revocation list when one is given. Every
check is listed in the result with its reason; the badge is valid only if none failed.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from joserfc.jwk import KeySet, RSAKey

from engage.badges.bake import detect_format, unbake_png, unbake_svg
from engage.badges.credential import (
    format_datetime,
    hash_identity,
    issuer_id,
    normalise_email,
    now_utc,
    parse_datetime,
    subject_reference,
)
from engage.badges.errors import BadgeError
from engage.badges.issuer import PRIVATE_MEMBERS, fetch_json, key_set_from_json, load_key_set
from engage.badges.revocation import load_revocation_list
from engage.badges.signing import (
    ALGORITHM,
    credential_from_payload,
    is_compact_jws,
    read_unverified,
    verify_signature,
)
from engage.badges.structure import check_structure

Status = Literal["passed", "failed", "not checked"]
ALLOWED_HEADERS = {"alg", "kid", "jwk", "typ"}


@dataclass(frozen=True)
class Check:
    """One verification step and its outcome."""

    name: str
    status: Status
    reason: str

    @property
    def ok(self) -> bool:
        """True if the step passed."""
        return self.status == "passed"

    def __str__(self) -> str:
        """Render as ``passed  signature: reason``."""
        return f"{self.status:<11} {self.name}: {self.reason}"


@dataclass
class VerificationResult:
    """Every check made on one badge, and what was read from it."""

    source: str
    checks: list[Check] = field(default_factory=list)
    format: str | None = None
    header: dict[str, Any] | None = None
    claims: dict[str, Any] | None = None
    credential: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        """True when the signature passed and no check failed."""
        signature = self.check("signature")
        return signature is not None and signature.ok and not self.failures

    @property
    def failures(self) -> list[Check]:
        """The checks that failed."""
        return [c for c in self.checks if c.status == "failed"]

    def check(self, name: str) -> Check | None:
        """The check with this name, if it was listed."""
        return next((c for c in self.checks if c.name == name), None)

    def add(self, name: str, passed: bool, reason: str) -> bool:
        """Record a check; returns whether it passed."""
        self.checks.append(Check(name, "passed" if passed else "failed", reason))
        return passed

    def skip(self, names: list[str], reason: str) -> None:
        """Record checks that could not be made."""
        self.checks += [Check(n, "not checked", reason) for n in names]

    def summary(self) -> str:
        """One line per check, then the verdict."""
        lines = [str(c) for c in self.checks]
        verdict = "VALID" if self.ok else "NOT VALID"
        lines.append(f"{self.source}: {verdict}")
        return "\n".join(lines)


CHECKS_AFTER_SIGNATURE = [
    "structure",
    "claim iss",
    "claim sub",
    "claim jti",
    "claim nbf",
    "claim exp",
    "not before",
    "not expired",
    "revocation",
]


def _read_input(data_or_path: bytes | str | Path) -> tuple[str, bytes]:
    if isinstance(data_or_path, bytes):
        return "the badge", data_or_path
    if isinstance(data_or_path, str) and is_compact_jws(data_or_path.strip()):
        return "the JWS", data_or_path.strip().encode("ascii")
    path = Path(data_or_path)
    try:
        return str(path), path.read_bytes()
    except OSError as exc:
        raise BadgeError(f"cannot read {path}: {exc.strerror}") from None


def _extract(data: bytes) -> tuple[str, str]:
    kind = detect_format(data)
    if kind == "png":
        return kind, unbake_png(data)
    if kind == "svg":
        return kind, unbake_svg(data)
    return kind, data.decode("utf-8-sig").strip()


def verify(
    data_or_path: bytes | str | Path,
    jwks: KeySet | Mapping[str, Any] | Path | str | None,
    revocation_list: Path | str | Mapping[str, Any] | None = None,
    now: datetime | None = None,
    *,
    recipient_email: str | None = None,
) -> VerificationResult:
    """Verify a badge and report every check.

    Args:
        data_or_path: A baked PNG or SVG, or a ``.jws`` file: its bytes, its path, or the
            compact JWS text itself.
        jwks: The issuer's public JWK set: a file, an https URL, a parsed set or a
            ``KeySet``. None dereferences the ``kid`` URL in the header (https only).
        revocation_list: A revocation list file (see :mod:`.revocation`), if any.
        now: The moment to judge validity dates at; the current time if None.
        recipient_email: If given, also check the badge was issued to this address.

    Returns:
        The result; ``result.ok`` says whether the badge is valid.
    """
    moment = now or now_utc()
    try:
        source, data = _read_input(data_or_path)
    except BadgeError as exc:
        result = VerificationResult(source=str(data_or_path))
        result.add("read", False, str(exc))
        result.skip(["header", "key", "signature", *CHECKS_AFTER_SIGNATURE], "nothing to check")
        return result
    result = VerificationResult(source=source)
    try:
        result.format, token = _extract(data)
        header, payload = read_unverified(token)
    except BadgeError as exc:
        result.add("read", False, str(exc))
        result.skip(["header", "key", "signature", *CHECKS_AFTER_SIGNATURE], "no credential read")
        return result
    result.add("read", True, f"a VC-JWT read from a {result.format.upper()} file")
    result.header = header
    if not _check_header(result, header):
        result.skip(
            ["key", "signature", *CHECKS_AFTER_SIGNATURE], "the JOSE header is not acceptable"
        )
        return result
    key = _find_key(result, header, jwks)
    if key is None:
        result.skip(["signature", *CHECKS_AFTER_SIGNATURE], "no key to check the signature with")
        return result
    valid = verify_signature(token, key)
    reason = (
        "valid RS256 signature by the issuer's key"
        if valid
        else "the signature does not match: the credential was changed after signing, "
        "or it was signed with another key"
    )
    if not result.add("signature", valid, reason):
        result.skip(CHECKS_AFTER_SIGNATURE, "the signature is not valid")
        return result
    result.claims = payload
    try:
        credential = credential_from_payload(payload)
    except BadgeError as exc:
        result.add("structure", False, str(exc))
        result.skip(CHECKS_AFTER_SIGNATURE[1:], "no credential in the JWT")
        return result
    result.credential = credential
    problems = check_structure(credential)
    result.add(
        "structure",
        not problems,
        "; ".join(problems) if problems else "an OpenBadgeCredential with every required field",
    )
    _check_claims(result, payload, credential)
    _check_dates(result, payload, credential, moment)
    _check_revocation(result, credential, revocation_list)
    if recipient_email is not None:
        _check_recipient(result, credential, recipient_email)
    return result


def _check_header(result: VerificationResult, header: Mapping[str, Any]) -> bool:
    problems = []
    if header.get("alg") != ALGORITHM:
        problems.append(f"alg is {header.get('alg')!r}; only {ALGORITHM} is accepted")
    if "typ" in header and header["typ"] != "JWT":
        problems.append(f"typ is {header['typ']!r}, not 'JWT'")
    extra = sorted(set(header) - ALLOWED_HEADERS)
    if extra:
        problems.append(f"header parameters not allowed by Open Badges 3.0: {', '.join(extra)}")
    if "kid" not in header and "jwk" not in header:
        problems.append("neither kid nor jwk names the key")
    jwk = header.get("jwk")
    if isinstance(jwk, Mapping) and set(jwk) & set(PRIVATE_MEMBERS):
        problems.append("the jwk header holds private key material")
    if "kid" in header and not isinstance(header["kid"], str):
        problems.append("kid is not a string")
    return result.add(
        "header",
        not problems,
        "; ".join(problems) if problems else f"alg {ALGORITHM}, key {header.get('kid', '(jwk)')}",
    )


def _find_key(
    result: VerificationResult,
    header: Mapping[str, Any],
    jwks: KeySet | Mapping[str, Any] | Path | str | None,
) -> RSAKey | None:
    kid = header.get("kid")
    try:
        if jwks is None:
            if not isinstance(kid, str) or not kid.startswith("https://"):
                raise BadgeError("no JWK set given and the kid is not an https URL to fetch")
            keys = key_set_from_json(fetch_json(kid.split("#", 1)[0]), kid)
        else:
            keys = load_key_set(jwks)
    except BadgeError as exc:
        result.add("key", False, str(exc))
        return None
    if isinstance(kid, str):
        match = [k for k in keys if k.kid == kid]
        if not match:
            result.add("key", False, f"the issuer's JWK set has no key with kid {kid}")
            return None
        key = match[0]
    else:
        try:
            embedded = RSAKey.import_key(dict(header["jwk"]))
        except Exception:  # any malformed key is simply not usable
            result.add("key", False, "the jwk header is not a usable RSA key")
            return None
        match = [k for k in keys if k.thumbprint() == embedded.thumbprint()]
        if not match:
            result.add("key", False, "the key in the jwk header is not in the issuer's JWK set")
            return None
        key = match[0]
    if not isinstance(key, RSAKey):
        result.add("key", False, f"the key {kid} is not an RSA key")
        return None
    return key if result.add("key", True, f"found in the issuer's JWK set: {key.kid}") else None


def _check_claims(
    result: VerificationResult, payload: Mapping[str, Any], credential: Mapping[str, Any]
) -> None:
    pairs = [
        ("iss", issuer_id(credential), "issuer.id"),
        ("sub", subject_reference(credential), "credentialSubject.id (or identityHash)"),
        ("jti", credential.get("id"), "id"),
    ]
    for claim, expected, what in pairs:
        value = payload.get(claim)
        if value is None:
            result.add(f"claim {claim}", False, f"the JWT has no {claim} claim")
        elif value != expected:
            result.add(
                f"claim {claim}",
                False,
                f"{claim} {value!r} does not match the credential's {what} {expected!r}",
            )
        else:
            result.add(f"claim {claim}", True, f"matches the credential's {what}")
    _check_time_claim(result, payload, credential, "nbf", "validFrom", required=True)
    _check_time_claim(result, payload, credential, "exp", "validUntil", required=False)


def _check_time_claim(
    result: VerificationResult,
    payload: Mapping[str, Any],
    credential: Mapping[str, Any],
    claim: str,
    member: str,
    required: bool,
) -> None:
    name = f"claim {claim}"
    value = payload.get(claim)
    text = credential.get(member)
    if value is None:
        if required:
            result.add(name, False, f"the JWT has no {claim} claim")
        elif text is not None:
            result.add(name, False, f"the credential has {member} but the JWT has no {claim}")
        else:
            result.add(name, True, f"no {claim}: the credential does not expire")
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        result.add(name, False, f"{claim} is not a NumericDate")
        return
    if text is None:
        result.add(name, True, f"{claim} sets the credential's {member}")
        return
    try:
        expected = int(parse_datetime(text).timestamp())
    except BadgeError as exc:
        result.add(name, False, str(exc))
        return
    if int(value) != expected:
        result.add(name, False, f"{claim} {int(value)} does not match {member} {text}")
    else:
        result.add(name, True, f"matches {member}")


def _effective(
    payload: Mapping[str, Any], credential: Mapping[str, Any], claim: str, member: str
) -> datetime | None:
    text = credential.get(member)
    if isinstance(text, str):
        try:
            return parse_datetime(text)
        except BadgeError:
            return None
    value = payload.get(claim)
    if isinstance(value, int | float) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    return None


def _check_dates(
    result: VerificationResult,
    payload: Mapping[str, Any],
    credential: Mapping[str, Any],
    moment: datetime,
) -> None:
    start = _effective(payload, credential, "nbf", "validFrom")
    if start is None:
        result.add("not before", False, "no readable validFrom")
    elif moment < start:
        result.add("not before", False, f"not yet valid: valid from {format_datetime(start)}")
    else:
        result.add("not before", True, f"valid since {format_datetime(start)}")
    end = _effective(payload, credential, "exp", "validUntil")
    if end is None:
        result.add("not expired", True, "no expiry date")
    elif moment >= end:
        result.add("not expired", False, f"expired on {format_datetime(end)}")
    else:
        result.add("not expired", True, f"valid until {format_datetime(end)}")


def _check_revocation(
    result: VerificationResult,
    credential: Mapping[str, Any],
    revocation_list: Path | str | Mapping[str, Any] | None,
) -> None:
    if revocation_list is None:
        result.skip(["revocation"], "no revocation list given")
        return
    try:
        revoked = load_revocation_list(revocation_list)
    except BadgeError as exc:
        result.add("revocation", False, str(exc))
        return
    entry = revoked.get(str(credential.get("id")))
    if entry is None:
        result.add("revocation", True, "not on the revocation list")
    else:
        when = f" on {entry.revoked_at}" if entry.revoked_at else ""
        result.add("revocation", False, f"revoked{when}: {entry.reason}")


def _check_recipient(result: VerificationResult, credential: Mapping[str, Any], email: str) -> None:
    subject = credential.get("credentialSubject")
    identifiers = subject.get("identifier", []) if isinstance(subject, Mapping) else []
    try:
        value = normalise_email(email)
    except BadgeError as exc:
        result.add("recipient", False, str(exc))
        return
    for identity in identifiers if isinstance(identifiers, list) else []:
        if not isinstance(identity, Mapping) or identity.get("identityType") != "emailAddress":
            continue
        salt = identity.get("salt") or ""
        expected = hash_identity(value, salt) if identity.get("hashed") else value
        if str(identity.get("identityHash", "")).lower() == expected.lower():
            result.add("recipient", True, f"issued to {value}")
            return
    result.add("recipient", False, f"not issued to {value}")

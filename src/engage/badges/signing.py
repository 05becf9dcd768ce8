"""VC-JWT proofs: sign a credential as a compact JWS (RS256) and read one back.

Follows the JSON Web Token Proof Format of Open Badges 3.0 (VC Data Model 2.0 edition): the
JOSE header is ``{"alg": "RS256", "typ": "JWT", "kid": ...}`` and nothing else, and the
JWT payload is the credential itself with the claims ``iss`` (issuer id), ``sub`` (subject
id), ``jti`` (credential id), ``nbf`` (``validFrom``) and ``exp`` (``validUntil``, if any)
added. Readers also accept the older VC 1.1 form, where the credential sits in a ``vc``
claim. The JOSE work is done by ``joserfc``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Mapping
from typing import Any

from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import RSAKey

from engage.badges.credential import issuer_id, parse_datetime, subject_reference
from engage.badges.errors import BadgeError

ALGORITHM = "RS256"
MIN_KEY_BITS = 2048
JWT_CLAIMS = ("iss", "sub", "jti", "nbf", "exp", "iat", "aud")
"""Registered JWT claim names, which are not part of the credential itself."""

COMPACT_JWS = re.compile(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$")


def is_compact_jws(text: str) -> bool:
    """Tell whether text has the shape ``header.payload.signature`` (base64url parts)."""
    return bool(COMPACT_JWS.match(text))


def key_bits(key: RSAKey) -> int:
    """The size of an RSA key's modulus in bits."""
    n = str(key.as_dict(private=False)["n"])
    return len(_b64decode(n)) * 8


def as_private_key(private_key: RSAKey | str | bytes) -> RSAKey:
    """Accept a joserfc RSA key, or a PEM text, and check it can sign.

    Raises:
        BadgeError: If it is not a private RSA key of at least 2048 bits.
    """
    if not isinstance(private_key, RSAKey):
        try:
            private_key = RSAKey.import_key(private_key)
        except (JoseError, ValueError, TypeError) as exc:
            raise BadgeError(f"not a usable RSA private key: {exc}") from None
    if not private_key.is_private:
        raise BadgeError("a public key cannot sign: give the issuer's private key")
    if key_bits(private_key) < MIN_KEY_BITS:
        raise BadgeError(f"the RSA key has {key_bits(private_key)} bits; use at least 2048")
    return private_key


def jwt_claims(credential: Mapping[str, Any]) -> dict[str, Any]:
    """The registered JWT claims that mirror a credential.

    Args:
        credential: The credential.

    Returns:
        ``iss``, ``sub``, ``jti``, ``nbf`` and, when it expires, ``exp``.

    Raises:
        BadgeError: If the credential lacks what a claim needs.
    """
    iss = issuer_id(credential)
    sub = subject_reference(credential)
    jti = credential.get("id")
    if not isinstance(iss, str) or not isinstance(sub, str) or not isinstance(jti, str):
        raise BadgeError("the credential needs an issuer id, a subject and an id to be signed")
    claims: dict[str, Any] = {
        "iss": iss,
        "sub": sub,
        "jti": jti,
        "nbf": int(parse_datetime(credential["validFrom"]).timestamp()),
    }
    if credential.get("validUntil"):
        claims["exp"] = int(parse_datetime(credential["validUntil"]).timestamp())
    return claims


def sign(credential: Mapping[str, Any], private_key: RSAKey | str | bytes, kid: str) -> str:
    """Sign a credential as a VC-JWT (compact JWS, RS256).

    Args:
        credential: The unsigned ``OpenBadgeCredential``.
        private_key: The issuer's RSA private key (joserfc key or PEM).
        kid: The key id: a URL that dereferences to the public JWK.

    Returns:
        The compact JWS ``header.payload.signature``.

    Raises:
        BadgeError: If the key is unusable or the credential cannot be signed.
    """
    key = as_private_key(private_key)
    clash = sorted(set(JWT_CLAIMS) & set(credential))
    if clash:
        raise BadgeError(f"the credential already has JWT claim(s) {', '.join(clash)}")
    payload = {**credential, **jwt_claims(credential)}
    header = {"alg": ALGORITHM, "typ": "JWT", "kid": kid}
    data = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    try:
        return jws.serialize_compact(header, data, key, algorithms=[ALGORITHM])
    except JoseError as exc:
        raise BadgeError(f"signing failed: {exc}") from None


def _b64decode(part: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
    except (binascii.Error, ValueError):
        raise BadgeError("not base64url data") from None


def read_unverified(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Decode a compact JWS's header and payload WITHOUT checking the signature.

    Args:
        token: The compact JWS.

    Returns:
        The JOSE header and the JWT payload, both JSON objects.

    Raises:
        BadgeError: If it is not a compact JWS with JSON-object header and payload.
    """
    if not is_compact_jws(token):
        raise BadgeError("not a compact JWS (three base64url parts separated by dots)")
    head, body, _ = token.split(".")
    out = []
    for name, part in (("header", head), ("payload", body)):
        try:
            value = json.loads(_b64decode(part).decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise BadgeError(f"the JWS {name} is not JSON") from None
        if not isinstance(value, dict):
            raise BadgeError(f"the JWS {name} is not a JSON object")
        out.append(value)
    return out[0], out[1]


def credential_from_payload(payload: Mapping[str, Any]) -> dict[str, Any]:
    """Take the credential out of a JWT payload (its ``vc`` claim, or the payload itself).

    Args:
        payload: The decoded JWT payload.

    Returns:
        The credential without the registered JWT claims.

    Raises:
        BadgeError: If a ``vc`` claim is present but not an object.
    """
    if "vc" in payload:
        if not isinstance(payload["vc"], dict):
            raise BadgeError("the JWT's vc claim is not a JSON object")
        return dict(payload["vc"])
    return {k: v for k, v in payload.items() if k not in JWT_CLAIMS}


def verify_signature(token: str, key: RSAKey) -> bool:
    """Check a compact JWS's RS256 signature with one public key.

    Args:
        token: The compact JWS.
        key: The public (or private) RSA key.

    Returns:
        True if the signature is valid for this key.
    """
    try:
        jws.deserialize_compact(token, key, algorithms=[ALGORITHM])
    except JoseError:
        return False
    return True

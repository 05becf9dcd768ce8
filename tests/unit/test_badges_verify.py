"""Tests for engage.badges.verify: round trips, and each kind of tampering with its reason."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from joserfc import jws as joserfc_jws

from engage.badges import (
    Recipient,
    achievement_json,
    badge_png,
    badge_svg,
    bake_png,
    bake_svg,
    build_credential,
    evidence_for,
    init_issuer,
    load_badges,
    revoke,
    sign,
    verify,
)
from engage.badges.credential import badge_text
from engage.badges.signing import jwt_claims, read_unverified

REPO = Path(__file__).resolve().parents[2]
ISSUED = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
EXPIRES = ISSUED + timedelta(days=365)
DURING = ISSUED + timedelta(days=30)
URL = "https://library.example.org/badges/"


def new_issuer(folder: Path):
    return init_issuer(
        folder,
        name="Springfield Public Library",
        url=URL,
        email="badges@library.example.org",
        description="A public library that runs cohorts.",
        key_bits=2048,
    )


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory):
    return new_issuer(tmp_path_factory.mktemp("issuer") / "issuer")


@pytest.fixture(scope="module")
def catalog():
    return load_badges(REPO)


@pytest.fixture
def credential(issuer, catalog):
    return build_credential(
        issuer.profile,
        achievement_json(catalog, "track-academic", issuer.profile),
        Recipient(email="ana@example.org"),
        ISSUED,
        evidence_for(catalog, ["06-national-issues-forums"]),
        EXPIRES,
    )


@pytest.fixture
def token(credential, issuer) -> str:
    return sign(credential, issuer.private_key(), issuer.kid)


@pytest.fixture
def baked(token, catalog) -> dict[str, bytes]:
    text = badge_text(catalog, catalog.achievement("track-academic"), "Ana")
    return {
        "png": bake_png(badge_png(text), token),
        "svg": bake_svg(badge_svg(text), token).encode("utf-8"),
        "jws": (token + "\n").encode("ascii"),
    }


def resign(payload: dict, issuer, header: dict | None = None) -> str:
    """Sign an arbitrary payload with the real key (to test claim checks, not signatures)."""
    header = header or {"alg": "RS256", "typ": "JWT", "kid": issuer.kid}
    data = json.dumps(payload).encode()
    return joserfc_jws.serialize_compact(header, data, issuer.private_key(), algorithms=["RS256"])


def failed(result) -> dict[str, str]:
    return {c.name: c.reason for c in result.failures}


# ----------------------------------------------------------------- round trips


@pytest.mark.parametrize("kind", ["png", "svg", "jws"])
def test_issue_verify_round_trip(kind, baked, issuer, tmp_path: Path):
    """Does a freshly baked PNG, SVG or .jws file verify, from bytes and from a path?"""
    path = tmp_path / f"badge.{kind}"
    path.write_bytes(baked[kind])
    for source in (baked[kind], path, str(path)):
        result = verify(source, issuer.jwks_path, now=DURING)
        assert result.ok, result.summary()
        assert result.format == kind
    assert [c.name for c in result.checks] == [
        "read",
        "header",
        "key",
        "signature",
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
    assert result.check("revocation").status == "not checked"
    assert result.credential["credentialSubject"]["achievement"]["name"].startswith("Dialogue")


def test_verify_accepts_the_jws_text_and_a_parsed_jwks(token, issuer):
    """Can the JWS string itself be checked against an already-loaded JWK set?"""
    jwks = json.loads(issuer.jwks_path.read_text())
    assert verify(token, jwks, now=DURING).ok


def test_summary_lists_every_check_and_the_verdict(token, issuer):
    """Does the summary show one line per check and the verdict last?"""
    lines = verify(token, issuer.jwks_path, now=DURING).summary().splitlines()
    assert lines[0].startswith("passed") and "read" in lines[0]
    assert lines[-1].endswith("VALID")


def test_recipient_email_is_checked_against_the_hash(token, issuer):
    """Does the optional recipient check match the hashed email (case-insensitively)?"""
    good = verify(token, issuer.jwks_path, now=DURING, recipient_email=" Ana@Example.org ")
    assert good.ok and good.check("recipient").ok
    bad = verify(token, issuer.jwks_path, now=DURING, recipient_email="bo@example.org")
    assert failed(bad) == {"recipient": "not issued to bo@example.org"}


def test_legacy_vc_claim_payload_is_accepted(credential, issuer):
    """Is a VC 1.1-style JWT (credential inside a 'vc' claim) verified too?"""
    token = resign({**jwt_claims(credential), "vc": credential}, issuer)
    result = verify(token, issuer.jwks_path, now=DURING)
    assert result.ok, result.summary()


# ----------------------------------------------------------------- tampering


def test_edited_payload_fails_the_signature(token, issuer):
    """Does changing the payload after signing fail the signature check, with the reason?"""
    _, payload = read_unverified(token)
    payload["credentialSubject"]["achievement"]["name"] = "Master Facilitator"
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    forged = ".".join([token.split(".")[0], body, token.split(".")[2]])
    result = verify(forged, issuer.jwks_path, now=DURING)
    assert not result.ok
    assert "changed after signing" in failed(result)["signature"]
    assert result.check("structure").status == "not checked"


def test_edited_png_fails_the_signature(baked, issuer, token):
    """Does a PNG re-baked with an edited credential fail verification?"""
    header, payload, signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    decoded["validUntil"] = "2099-01-01T00:00:00Z"
    body = base64.urlsafe_b64encode(json.dumps(decoded).encode()).rstrip(b"=").decode()
    forged = bake_png(baked["png"], f"{header}.{body}.{signature}")
    result = verify(forged, issuer.jwks_path, now=DURING)
    assert "signature" in failed(result)


def test_signature_from_another_key_fails(credential, issuer, tmp_path: Path):
    """Does a badge signed by another key under the same kid fail the signature check?"""
    impostor = new_issuer(tmp_path / "impostor")
    token = sign(credential, impostor.private_key(), issuer.kid)
    result = verify(token, issuer.jwks_path, now=DURING)
    assert not result.ok
    assert "signed with another key" in failed(result)["signature"]


def test_unknown_kid_fails_the_key_check(credential, issuer, tmp_path: Path):
    """Does a badge whose kid is not in the issuer's JWK set fail at the key check?"""
    impostor = new_issuer(tmp_path / "impostor")
    token = sign(credential, impostor.private_key(), impostor.kid)
    result = verify(token, issuer.jwks_path, now=DURING)
    assert "has no key with kid" in failed(result)["key"]
    assert result.check("signature").status == "not checked"


@pytest.mark.parametrize(
    ("claim", "value", "reason"),
    [
        ("iss", "https://impostor.example.org/", "does not match the credential's issuer.id"),
        ("sub", "sha256$" + "0" * 64, "does not match the credential's credentialSubject.id"),
        (
            "jti",
            "urn:uuid:00000000-0000-0000-0000-000000000000",
            "does not match the credential's id",
        ),
        ("nbf", 0, "does not match validFrom"),
        ("exp", 4102444800, "does not match validUntil"),
    ],
)
def test_claim_mismatch_fails_with_its_reason(credential, issuer, claim, value, reason):
    """Does each JWT claim that disagrees with the credential fail its own check?"""
    payload = {**credential, **jwt_claims(credential), claim: value}
    result = verify(resign(payload, issuer), issuer.jwks_path, now=DURING)
    assert result.check("signature").ok
    assert list(failed(result)) == [f"claim {claim}"]
    assert reason in failed(result)[f"claim {claim}"]


def test_missing_claim_fails(credential, issuer):
    """Does a JWT without a jti claim fail the jti check?"""
    payload = {**credential, **jwt_claims(credential)}
    del payload["jti"]
    result = verify(resign(payload, issuer), issuer.jwks_path, now=DURING)
    assert failed(result) == {"claim jti": "the JWT has no jti claim"}


def test_expired_badge_fails(token, issuer):
    """Is a badge checked after its validUntil reported as expired, with the date?"""
    result = verify(token, issuer.jwks_path, now=EXPIRES + timedelta(seconds=1))
    assert failed(result) == {"not expired": "expired on 2026-03-01T09:00:00Z"}


def test_not_yet_valid_badge_fails(token, issuer):
    """Is a badge checked before its validFrom reported as not yet valid?"""
    result = verify(token, issuer.jwks_path, now=ISSUED - timedelta(minutes=1))
    assert failed(result) == {"not before": "not yet valid: valid from 2025-03-01T09:00:00Z"}


def test_revoked_badge_fails_with_the_reason(token, credential, issuer, tmp_path: Path):
    """Is a revoked badge reported as revoked, with the date and the reason?"""
    revocations = tmp_path / "revoked.json"
    assert verify(token, issuer.jwks_path, revocations, now=DURING).check("revocation").ok is False
    revoke(revocations, "urn:uuid:someone-else", "test", now=DURING)
    assert verify(token, issuer.jwks_path, revocations, now=DURING).ok
    assert revoke(revocations, credential["id"], "issued by mistake", now=DURING)
    result = verify(token, issuer.jwks_path, revocations, now=DURING)
    assert failed(result) == {"revocation": "revoked on 2025-03-31T09:00:00Z: issued by mistake"}


def test_revoking_twice_changes_nothing(credential, tmp_path: Path):
    """Does revoking an already revoked credential leave the list unchanged?"""
    path = tmp_path / "revoked.json"
    assert revoke(path, credential["id"], "first reason", now=DURING)
    before = path.read_text()
    assert not revoke(path, credential["id"], "second reason")
    assert path.read_text() == before
    entries = json.loads(before)["revokedCredentials"]
    assert entries == [
        {
            "id": credential["id"],
            "revocationReason": "first reason",
            "revokedAt": "2025-03-31T09:00:00Z",
        }
    ]


def test_revoke_needs_an_id_and_a_reason(tmp_path: Path):
    """Are an empty reason and a non-URI id refused?"""
    from engage.badges import BadgeError

    with pytest.raises(BadgeError, match="reason"):
        revoke(tmp_path / "r.json", "urn:uuid:1", "  ")
    with pytest.raises(BadgeError, match="not a credential id"):
        revoke(tmp_path / "r.json", "just text", "oops")


@pytest.mark.parametrize(
    ("header", "reason"),
    [
        ({"alg": "RS256", "typ": "JWT", "kid": "K", "x5u": "https://evil.example"}, "not allowed"),
        ({"alg": "RS256", "typ": "JOSE", "kid": "K"}, "typ is 'JOSE'"),
        ({"alg": "RS256", "typ": "JWT"}, "neither kid nor jwk"),
    ],
)
def test_unacceptable_header_fails(credential, issuer, header, reason):
    """Are extra header parameters, a wrong typ and a missing key reference refused?"""
    header = {k: (issuer.kid if v == "K" else v) for k, v in header.items()}
    token = resign({**credential, **jwt_claims(credential)}, issuer, header)
    result = verify(token, issuer.jwks_path, now=DURING)
    assert reason in failed(result)["header"]
    assert not result.ok


def test_alg_none_is_refused(credential, issuer):
    """Is an unsigned token (alg none) refused at the header, never trusted?"""
    head = base64.urlsafe_b64encode(b'{"alg":"none","typ":"JWT"}').rstrip(b"=").decode()
    body = base64.urlsafe_b64encode(json.dumps(credential).encode()).rstrip(b"=").decode()
    result = verify(f"{head}.{body}.c2ln", issuer.jwks_path, now=DURING)
    assert "only RS256" in failed(result)["header"]


def test_structure_problems_are_reported(credential, issuer):
    """Is a validly signed credential missing a required OB3 field reported by structure?"""
    del credential["credentialSubject"]["achievement"]["criteria"]
    token = sign(credential, issuer.private_key(), issuer.kid)
    result = verify(token, issuer.jwks_path, now=DURING)
    assert "criteria" in failed(result)["structure"]


@pytest.mark.parametrize(
    ("damage", "reason"),
    [
        ("two chunks", "2 'openbadgecredential' chunks"),
        ("compressed", "compressed"),
        ("no namespace", "does not declare"),
        ("no credential", "no Open Badges credential"),
    ],
)
def test_broken_images_fail_at_the_read_check(damage, reason, baked, token, issuer, catalog):
    """Does a badge image with a broken baking fail verification, saying why?"""
    from io import BytesIO

    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    text = badge_text(catalog, catalog.achievement("track-academic"))
    if damage in ("two chunks", "compressed"):
        info = PngInfo()
        info.add_itxt("openbadgecredential", token, zip=damage == "compressed")
        if damage == "two chunks":
            info.add_itxt("openbadgecredential", token)
        out = BytesIO()
        Image.open(BytesIO(badge_png(text, size=64))).save(out, format="PNG", pnginfo=info)
        data = out.getvalue()
    elif damage == "no namespace":
        data = baked["svg"].replace(b' xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"', b"")
    else:
        data = badge_svg(text).encode()
    result = verify(data, issuer.jwks_path, now=DURING)
    assert not result.ok
    assert reason in failed(result)["read"]
    assert {c.status for c in result.checks[1:]} == {"not checked"}


def test_unreadable_inputs_fail_cleanly(issuer, tmp_path: Path):
    """Do a missing file, a bad JWK set and a private JWK set fail without a traceback?"""
    assert "cannot read" in failed(verify(tmp_path / "missing.png", issuer.jwks_path))["read"]
    token_path = tmp_path / "x.jws"
    token_path.write_text("not.a.jws\n")
    assert not verify(token_path, issuer.jwks_path).ok
    leaky = tmp_path / "leaky.json"
    leaky.write_text(json.dumps({"keys": [issuer.private_key().as_dict(private=True)]}))
    header = {"alg": "RS256", "typ": "JWT", "kid": issuer.kid}
    payload = {"iss": URL, "sub": "x", "jti": "urn:uuid:1", "nbf": 0}
    result = verify(resign(payload, issuer, header), leaky)
    assert "private key material" in failed(result)["key"]

"""Tests for engage.badges.issuer: profile, private key safety and the public JWK set."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from engage.badges import BadgeError, init_issuer, load_issuer, load_key_set
from engage.badges.issuer import git_work_tree_of, key_set_from_json

REPO = Path(__file__).resolve().parents[2]
URL = "https://library.example.org/badges/"
PROFILE = {
    "name": "Springfield Public Library",
    "url": URL,
    "email": "badges@library.example.org",
    "description": "A public library that runs Models for Change cohorts for its staff.",
}


def make_issuer(folder: Path, **extra):
    return init_issuer(folder, key_bits=2048, **PROFILE, **extra)


def test_init_writes_profile_jwks_and_a_private_key_with_mode_0600(tmp_path: Path):
    """Does init-issuer write the OB3 profile, a JWK set with kids, and a 0600 private key?"""
    issuer = make_issuer(tmp_path / "issuer")
    profile = json.loads((issuer.public_dir / "issuer.json").read_text(encoding="utf-8"))
    assert profile == {
        "id": URL,
        "type": ["Profile"],
        "name": PROFILE["name"],
        "url": URL,
        "email": PROFILE["email"],
        "description": PROFILE["description"],
    }
    assert stat.S_IMODE(issuer.key_path.stat().st_mode) == 0o600
    pem_header = "-" * 5 + "BEGIN PRIVATE KEY" + "-" * 5  # spelt out: no key text in the repo
    assert issuer.key_path.read_text().startswith(pem_header)
    jwks = json.loads(issuer.jwks_path.read_text(encoding="utf-8"))
    [key] = jwks["keys"]
    assert key["kid"] == issuer.kid
    assert key["kty"] == "RSA" and key["alg"] == "RS256" and key["use"] == "sig"
    assert not {"d", "p", "q", "dp", "dq", "qi"} & set(key)


def test_kid_is_a_url_that_dereferences_to_the_one_public_jwk(tmp_path: Path):
    """Is the kid the URL of a published one-key JWK file under the issuer URL?"""
    issuer = make_issuer(tmp_path / "issuer")
    assert issuer.kid.startswith(URL + "keys/") and issuer.kid.endswith(".json")
    published = issuer.public_dir / issuer.kid.removeprefix(URL)
    single = json.loads(published.read_text(encoding="utf-8"))
    assert single == json.loads(issuer.jwks_path.read_text(encoding="utf-8"))["keys"][0]


def test_private_key_is_at_least_2048_bits(tmp_path: Path):
    """Is the signing key an RSA key of 2048 bits or more, and are smaller sizes refused?"""
    issuer = make_issuer(tmp_path / "issuer")
    assert issuer.private_key().raw_value.key_size >= 2048
    with pytest.raises(BadgeError, match="2048"):
        init_issuer(tmp_path / "small", key_bits=1024, **PROFILE)


def test_default_key_size_is_3072(tmp_path: Path):
    """Does a default issuer get a 3072-bit key (beyond the 2048-bit minimum)?"""
    issuer = init_issuer(tmp_path / "issuer", **PROFILE)
    assert issuer.private_key().raw_value.key_size == 3072


def test_refuses_to_overwrite_an_existing_key(tmp_path: Path):
    """Does init-issuer refuse to overwrite a key file, leaving it byte for byte?"""
    key_path = tmp_path / "keys" / "signing-key.pem"
    make_issuer(tmp_path / "one", key_path=key_path)
    before = key_path.read_bytes()
    with pytest.raises(BadgeError, match="refusing to overwrite"):
        make_issuer(tmp_path / "two", key_path=key_path)
    assert key_path.read_bytes() == before
    assert not (tmp_path / "two").exists()


def test_refuses_to_replace_an_existing_issuer(tmp_path: Path):
    """Does a second init in the same folder (with a new key path) refuse to replace it?"""
    make_issuer(tmp_path / "issuer")
    with pytest.raises(BadgeError, match="already holds an issuer"):
        make_issuer(tmp_path / "issuer", key_path=tmp_path / "other.pem")
    assert not (tmp_path / "other.pem").exists()


def test_refuses_a_key_inside_a_git_work_tree(tmp_path: Path):
    """Does init-issuer refuse to write the key anywhere inside a git work tree?"""
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    with pytest.raises(BadgeError, match="git work tree"):
        make_issuer(tmp_path / "repo" / "deep" / "issuer")
    with pytest.raises(BadgeError, match="git work tree"):
        make_issuer(tmp_path / "outside", key_path=tmp_path / "repo" / "key.pem")
    assert not list((tmp_path / "repo").rglob("*.pem"))
    assert not (tmp_path / "outside").exists()


def test_refuses_a_key_inside_this_repository():
    """Is this very repository recognised as a work tree where keys must not go?"""
    target = REPO / "build" / "issuer-should-never-exist"
    assert git_work_tree_of(target / "private" / "signing-key.pem") == REPO
    with pytest.raises(BadgeError, match="git work tree"):
        make_issuer(target)
    assert not target.exists()


def test_a_worktree_file_named_git_counts_too(tmp_path: Path):
    """Is a linked work tree (a .git file, not a folder) also recognised?"""
    (tmp_path / "linked").mkdir()
    (tmp_path / "linked" / ".git").write_text("gitdir: /elsewhere\n")
    assert git_work_tree_of(tmp_path / "linked" / "a" / "key.pem") == tmp_path / "linked"
    assert git_work_tree_of(tmp_path / "elsewhere" / "key.pem") is None


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("url", "http://library.example.org/", "https"),
        ("url", "https://library.example.org/?x=1", "without"),
        ("email", "not-an-address", "email"),
        ("name", "  ", "name"),
        ("description", "", "description"),
    ],
)
def test_profile_fields_are_checked(tmp_path: Path, field: str, value: str, message: str):
    """Is each profile field checked before anything is written?"""
    fields = PROFILE | {field: value}
    with pytest.raises(BadgeError, match=message):
        init_issuer(tmp_path / "issuer", key_bits=2048, **fields)
    assert not (tmp_path / "issuer").exists()


def test_load_issuer_round_trip(tmp_path: Path):
    """Does load_issuer give back the same profile, kid and key path?"""
    issuer = make_issuer(tmp_path / "issuer")
    loaded = load_issuer(tmp_path / "issuer")
    assert loaded == issuer
    assert loaded.private_key().thumbprint() == issuer.private_key().thumbprint()


def test_load_issuer_explains_a_missing_folder(tmp_path: Path):
    """Does loading a folder that is not an issuer say how to create one?"""
    with pytest.raises(BadgeError, match="init-issuer"):
        load_issuer(tmp_path)


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
def test_a_key_readable_by_others_is_refused(tmp_path: Path):
    """Is a private key that group or others can read refused until it is chmod 600?"""
    issuer = make_issuer(tmp_path / "issuer")
    issuer.key_path.chmod(0o644)
    with pytest.raises(BadgeError, match="chmod 600"):
        issuer.private_key()
    issuer.key_path.chmod(0o600)
    assert issuer.private_key().is_private


def test_key_text_is_never_in_messages(tmp_path: Path):
    """Do error messages about the key never include key material?"""
    issuer = make_issuer(tmp_path / "issuer")
    pem = issuer.key_path.read_text()
    issuer.key_path.chmod(0o640)
    with pytest.raises(BadgeError) as info:
        issuer.private_key()
    assert pem.splitlines()[1] not in str(info.value)


def test_a_jwk_set_with_private_members_is_refused(tmp_path: Path):
    """Is a 'public' key set that holds a private key refused, so it is never trusted?"""
    issuer = make_issuer(tmp_path / "issuer")
    private = issuer.private_key().as_dict(private=True)
    with pytest.raises(BadgeError, match="private key material"):
        key_set_from_json({"keys": [private]}, "leaky.json")


def test_load_key_set_from_file_and_object(tmp_path: Path):
    """Does the JWK set load from its file and from the parsed object, keeping kids?"""
    issuer = make_issuer(tmp_path / "issuer")
    from_file = load_key_set(issuer.jwks_path)
    from_object = load_key_set(json.loads(issuer.jwks_path.read_text()))
    assert [k.kid for k in from_file] == [k.kid for k in from_object] == [issuer.kid]
    with pytest.raises(BadgeError, match="cannot read"):
        load_key_set(tmp_path / "missing.json")
    with pytest.raises(BadgeError, match="https"):
        load_key_set("http://example.org/jwks.json")

"""The issuer: its OB3 profile, its RSA signing key (kept private) and its public JWK set.

``init_issuer`` sets up a folder on the facilitator's machine::

    <folder>/issuer-settings.json   where the key is and its key id (no secret)
    <folder>/public/issuer.json     the OB3 Profile: publish it at the issuer URL
    <folder>/public/jwks.json       the public JWK set: publish at <issuer URL>/jwks.json
    <folder>/public/keys/<t>.json   the one public JWK: publish at <issuer URL>/keys/<t>.json
    <folder>/private/signing-key.pem  the private key, mode 0600 (or wherever --key says)

The key id (``kid``) of each key is the URL of its one-key JWK file, so a verifier can
dereference it as the Open Badges 3.0 VC-JWT format asks. The private key is never printed,
never overwritten, and never written inside a git work tree.
"""

from __future__ import annotations

import json
import os
import re
import stat
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urljoin, urlsplit

from joserfc.errors import JoseError
from joserfc.jwk import KeySet, RSAKey

from engage.badges._files import write_json_atomic
from engage.badges.credential import EMAIL, issuer_base
from engage.badges.errors import BadgeError
from engage.badges.signing import MIN_KEY_BITS, as_private_key

SETTINGS_FILE = "issuer-settings.json"
DEFAULT_KEY_BITS = 3072
MAX_DOWNLOAD = 1_000_000
PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "oth", "k")


def git_work_tree_of(path: Path) -> Path | None:
    """Find the git work tree that holds a path (existing or not), without running git.

    Args:
        path: A file or folder path.

    Returns:
        The top folder of the work tree (the one holding ``.git``), or None.
    """
    current = path.expanduser().absolute()
    for folder in [current, *current.parents]:
        if (folder / ".git").exists():
            return folder
    resolved = path.expanduser().resolve()
    if resolved != current:
        return git_work_tree_of(resolved)
    return None


@dataclass(frozen=True)
class Issuer:
    """An initialised issuer folder: the profile, the key id and where the private key is."""

    folder: Path
    profile: dict[str, Any]
    kid: str
    key_path: Path

    @property
    def id(self) -> str:
        """The issuer's id (its URL)."""
        return str(self.profile["id"])

    @property
    def public_dir(self) -> Path:
        """The folder whose files are published at the issuer URL."""
        return self.folder / "public"

    @property
    def jwks_path(self) -> Path:
        """The public JWK set."""
        return self.public_dir / "jwks.json"

    def private_key(self) -> RSAKey:
        """Load the private signing key, refusing one that others can read.

        Returns:
            The RSA private key.

        Raises:
            BadgeError: If the key file is missing, readable by group or others, or unusable.
        """
        return load_private_key(self.key_path)


def load_private_key(path: Path) -> RSAKey:
    """Read a PEM private key, refusing a file that group or others can read.

    Args:
        path: The PEM file.

    Returns:
        The RSA private key.

    Raises:
        BadgeError: If the file is missing, too open, or not an RSA private key.
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode)
    except OSError:
        raise BadgeError(f"the signing key {path} cannot be read (does it exist?)") from None
    if os.name == "posix" and mode & 0o077:
        raise BadgeError(
            f"the signing key {path} can be read by others (mode {mode:04o}); run: chmod 600 {path}"
        )
    return as_private_key(path.read_bytes())


def public_jwk(key: RSAKey, kid: str) -> dict[str, Any]:
    """The public half of a key as a JWK for signatures with RS256 (never any private member).

    Args:
        key: The RSA key (public or private).
        kid: The key id to give it.

    Returns:
        The JWK dict with ``kty``, ``n``, ``e``, ``kid``, ``use`` and ``alg``.
    """
    data = key.as_dict(private=False)
    jwk = {"kty": "RSA", "n": data["n"], "e": data["e"], "kid": kid, "use": "sig", "alg": "RS256"}
    return jwk


def key_id_for(url: str, key: RSAKey) -> str:
    """The key id of a key: the URL of its one-key JWK file under the issuer URL."""
    return urljoin(issuer_base(url), f"keys/{key.thumbprint()}.json")


def _check_profile_fields(name: str, url: str, email: str, description: str) -> None:
    problems = []
    if not name.strip():
        problems.append("name: give the organisation's name")
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or re.search(r"[\s<>\"']", url):
        problems.append(f"url: {url!r} is not an https:// address")
    if parts.fragment or parts.query:
        problems.append("url: use an address without ? or #")
    if not EMAIL.match(email.strip()):
        problems.append(f"email: {email!r} is not an email address")
    if not description.strip():
        problems.append("description: say in a sentence who the issuer is")
    if problems:
        raise BadgeError("cannot create the issuer: " + "; ".join(problems))


def init_issuer(
    folder: Path,
    name: str,
    url: str,
    email: str,
    description: str,
    *,
    key_path: Path | None = None,
    key_bits: int = DEFAULT_KEY_BITS,
) -> Issuer:
    """Create an issuer: profile, RSA signing key (mode 0600) and public JWK set.

    Args:
        folder: The issuer folder on the facilitator's machine (see the module docstring).
        name: The organisation's name, as shown on badges.
        url: The issuer's public https:// URL; it is the profile's id.
        email: A contact address for the issuer.
        description: One or two sentences on who the issuer is.
        key_path: Where to write the private key; ``<folder>/private/signing-key.pem``
            if None. It must be outside any git work tree.
        key_bits: The RSA key size (at least 2048).

    Returns:
        The new issuer.

    Raises:
        BadgeError: If a field is invalid, the key would land in a git work tree, or a
            key or issuer settings already exist there (nothing is overwritten).
    """
    _check_profile_fields(name, url, email, description)
    if key_bits < MIN_KEY_BITS:
        raise BadgeError(f"an RSA key needs at least {MIN_KEY_BITS} bits")
    folder = folder.expanduser().absolute()
    key_path = (key_path or folder / "private" / "signing-key.pem").expanduser().absolute()
    tree = git_work_tree_of(key_path)
    if tree is not None:
        raise BadgeError(
            f"refusing to write a signing key inside the git work tree {tree}: a key in a "
            "repository can be committed and published. Choose a folder outside it, "
            "e.g. ~/.engage/issuer"
        )
    if key_path.exists():
        raise BadgeError(
            f"a signing key already exists at {key_path}; refusing to overwrite it (badges "
            "signed with it would no longer verify). Move it away first if you mean it."
        )
    if (folder / SETTINGS_FILE).exists():
        raise BadgeError(f"{folder} already holds an issuer ({SETTINGS_FILE}); not replacing it")

    key = RSAKey.generate_key(key_bits, private=True)
    kid = key_id_for(url, key)
    _write_private_key(key_path, key)
    profile = {
        "id": url,
        "type": ["Profile"],
        "name": name.strip(),
        "url": url,
        "email": email.strip(),
        "description": description.strip(),
    }
    jwk = public_jwk(key, kid)
    public = folder / "public"
    write_json_atomic(public / "issuer.json", profile)
    write_json_atomic(public / "jwks.json", {"keys": [jwk]})
    write_json_atomic(public / "keys" / f"{key.thumbprint()}.json", jwk)
    write_json_atomic(
        folder / SETTINGS_FILE,
        {
            "schema_version": 1,
            "kid": kid,
            "key_path": str(key_path),
            "profile": "public/issuer.json",
        },
    )
    return Issuer(folder=folder, profile=profile, kid=kid, key_path=key_path)


def _write_private_key(path: Path, key: RSAKey) -> None:
    """Create the key file with mode 0600 from the start; never replace an existing file."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True)
        path.parent.chmod(0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, key.as_pem(private=True))
    finally:
        os.close(fd)


def load_issuer(folder: Path) -> Issuer:
    """Read an issuer folder made by :func:`init_issuer` (the key itself is read on use).

    Args:
        folder: The issuer folder.

    Returns:
        The issuer.

    Raises:
        BadgeError: If the folder has no valid issuer settings or profile.
    """
    folder = folder.expanduser().absolute()
    settings_path = folder / SETTINGS_FILE
    try:
        settings = json.loads(settings_path.read_text(encoding="utf-8"))
        profile = json.loads((folder / settings["profile"]).read_text(encoding="utf-8"))
        kid, key_path = settings["kid"], Path(settings["key_path"])
    except FileNotFoundError as exc:
        raise BadgeError(
            f"{folder} is not an issuer folder ({exc.filename} is missing); "
            "create one with `engage badges init-issuer`"
        ) from None
    except (KeyError, TypeError, ValueError) as exc:
        raise BadgeError(f"{settings_path} is damaged: {exc}") from None
    if not isinstance(profile, dict) or not isinstance(profile.get("id"), str):
        raise BadgeError(f"the issuer profile in {folder} has no id")
    return Issuer(folder=folder, profile=profile, kid=str(kid), key_path=key_path)


def key_set_from_json(data: Any, where: str) -> KeySet:
    """Build a key set from a JWK set (``{"keys": [...]}``) or a single JWK.

    Args:
        data: The parsed JSON.
        where: Where it came from, for messages.

    Returns:
        The key set; every key keeps its ``kid``.

    Raises:
        BadgeError: If it is not a JWK (set), or it holds private key material.
    """
    if isinstance(data, Mapping) and "kty" in data:
        data = {"keys": [data]}
    if not isinstance(data, Mapping) or not isinstance(data.get("keys"), list):
        raise BadgeError(f"{where} is not a JWK set (a JSON object with a 'keys' list)")
    for key in data["keys"]:
        if isinstance(key, Mapping) and set(key) & set(PRIVATE_MEMBERS):
            raise BadgeError(
                f"{where} holds private key material: never publish or share it; "
                "use the public jwks.json"
            )
    try:
        return KeySet.import_key_set({"keys": list(data["keys"])})
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise BadgeError(f"{where} is not a usable JWK set: {exc}") from None


def fetch_json(url: str, timeout: float = 10.0) -> Any:
    """Download a small JSON document over https.

    Args:
        url: The https:// address.
        timeout: Seconds to wait.

    Returns:
        The parsed JSON.

    Raises:
        BadgeError: If the address is not https, cannot be fetched, or is not JSON.
    """
    if urlsplit(url).scheme != "https":
        raise BadgeError(f"refusing to fetch keys over anything but https: {url}")
    request = urllib.request.Request(
        url, headers={"Accept": "application/jwk-set+json, application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            body = response.read(MAX_DOWNLOAD + 1)
    except OSError as exc:
        raise BadgeError(f"cannot fetch {url}: {exc}") from None
    if len(body) > MAX_DOWNLOAD:
        raise BadgeError(f"{url} is larger than a key set should be")
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadgeError(f"{url} did not return JSON") from None


def load_key_set(source: KeySet | Mapping[str, Any] | Path | str) -> KeySet:
    """Load the issuer's public keys from a JWK set object, a local file or an https URL.

    Args:
        source: A ``KeySet``, a parsed JWK (set), a path, or an ``https://`` URL.

    Returns:
        The key set.

    Raises:
        BadgeError: If the keys cannot be read.
    """
    if isinstance(source, KeySet):
        return source
    if isinstance(source, Mapping):
        return key_set_from_json(source, "the JWK set")
    text = str(source)
    if text.startswith("https://") or text.startswith("http://"):
        return key_set_from_json(fetch_json(text.split("#", 1)[0]), text)
    path = Path(source).expanduser()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BadgeError(f"cannot read the JWK set {path}: {exc.strerror}") from None
    except ValueError:
        raise BadgeError(f"{path} is not JSON") from None
    return key_set_from_json(data, str(path))

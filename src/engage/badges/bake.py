"""Baking: put a signed credential (compact JWS) into a PNG or SVG badge, and take it out.

Open Badges 3.0 baking rules:

- PNG: one ``iTXt`` chunk with keyword ``openbadgecredential``, compression flag 0, empty
  language tag and translated keyword, whose text is the compact JWS. The chunk must not
  appear twice. Writing uses Pillow (``PngInfo.add_itxt(..., zip=False)``); reading walks
  the chunks itself, checking each CRC, so that a second or a compressed chunk is reported
  instead of silently merged or inflated.
- SVG: ``xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"`` on the ``<svg>`` element
  and, right after its start tag, ``<openbadges:credential verify="JWS"/>``. Reading also
  accepts the JWS as the element's text (CDATA or not).
"""

from __future__ import annotations

import re
import struct
import zlib
from io import BytesIO
from xml.etree import ElementTree

from engage.badges.errors import BakeError
from engage.badges.signing import is_compact_jws

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
OB2_PNG_KEYWORD = b"openbadges"
SVG_NS = "http://www.w3.org/2000/svg"
OB3_NS = "https://purl.imsglobal.org/ob/v3p0"
OB2_NS = "http://openbadges.org"


def detect_format(data: bytes) -> str:
    """Tell a PNG, an SVG and a compact JWS apart.

    Args:
        data: The file's bytes.

    Returns:
        ``"png"``, ``"svg"`` or ``"jws"``.

    Raises:
        BakeError: If it is none of these.
    """
    if data.startswith(PNG_SIGNATURE):
        return "png"
    try:
        text = data.decode("utf-8-sig").strip()
    except UnicodeDecodeError:
        raise BakeError("not a PNG, an SVG or a .jws file") from None
    if text.startswith("<"):
        return "svg"
    if is_compact_jws(text):
        return "jws"
    if text.startswith("{"):
        raise BakeError(
            "this is a JSON credential; only credentials signed as VC-JWT (.jws) are checked"
        )
    raise BakeError("not a PNG, an SVG or a .jws file")


def _check_jws(jws: str) -> str:
    jws = jws.strip()
    if not is_compact_jws(jws):
        raise BakeError("only a compact JWS (header.payload.signature) can be baked")
    return jws


# ------------------------------------------------------------------------------------ PNG


def png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """Split a PNG into its chunks, checking the signature, lengths and CRCs.

    Args:
        data: The PNG file's bytes.

    Returns:
        (chunk type, chunk data) pairs up to and including ``IEND``.

    Raises:
        BakeError: If the file is not a PNG, is truncated, or a chunk is damaged.
    """
    if not data.startswith(PNG_SIGNATURE):
        raise BakeError("not a PNG file")
    chunks = []
    pos = len(PNG_SIGNATURE)
    while True:
        if pos + 12 > len(data):
            raise BakeError("the PNG is truncated (no IEND chunk)")
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        end = pos + 12 + length
        if length > 0x7FFFFFFF or end > len(data):
            raise BakeError("the PNG is truncated or has a damaged chunk length")
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : end])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            name = kind.decode("latin-1", "replace")
            raise BakeError(f"the PNG's {name} chunk is damaged (CRC mismatch)")
        chunks.append((kind, body))
        pos = end
        if kind == b"IEND":
            return chunks


def _itxt_parts(body: bytes) -> tuple[bytes, int, int, bytes]:
    """Split iTXt data into keyword, compression flag, method and the text bytes."""
    keyword, sep, rest = body.partition(b"\0")
    if not sep or len(rest) < 2:
        raise BakeError("the PNG has a malformed iTXt chunk")
    flag, method = rest[0], rest[1]
    _lang, sep1, rest = rest[2:].partition(b"\0")
    _tkey, sep2, text = rest.partition(b"\0")
    if not (sep1 and sep2):
        raise BakeError("the PNG has a malformed iTXt chunk")
    return keyword, flag, method, text


def unbake_png(data: bytes) -> str:
    """Read the compact JWS baked into a PNG.

    Args:
        data: The PNG file's bytes.

    Returns:
        The compact JWS.

    Raises:
        BakeError: If there is no credential, more than one, a compressed one, or one
            in the wrong kind of chunk.
    """
    found: list[tuple[int, bytes]] = []
    ob2 = False
    for kind, body in png_chunks(data):
        if kind == b"iTXt":
            keyword, flag, _method, text = _itxt_parts(body)
            if keyword == PNG_KEYWORD:
                found.append((flag, text))
            ob2 = ob2 or keyword == OB2_PNG_KEYWORD
        elif kind in (b"tEXt", b"zTXt"):
            keyword = body.partition(b"\0")[0]
            if keyword == PNG_KEYWORD:
                raise BakeError(
                    f"the credential is in a {kind.decode()} chunk; Open Badges 3.0 puts it "
                    "in an uncompressed iTXt chunk"
                )
            ob2 = ob2 or keyword == OB2_PNG_KEYWORD
    if len(found) > 1:
        raise BakeError(
            f"the PNG holds {len(found)} 'openbadgecredential' chunks; a baked badge must "
            "hold exactly one"
        )
    if not found:
        if ob2:
            raise BakeError(
                "this PNG holds an Open Badges 2.0 assertion ('openbadges'), not an Open "
                "Badges 3.0 credential"
            )
        raise BakeError("no Open Badges credential found in this PNG")
    flag, text = found[0]
    if flag != 0:
        raise BakeError(
            "the 'openbadgecredential' chunk is compressed; Open Badges 3.0 requires it "
            "uncompressed"
        )
    try:
        value = text.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise BakeError("the credential chunk is not UTF-8 text") from None
    if not is_compact_jws(value):
        raise BakeError("the credential in this PNG is not a compact JWS (VC-JWT)")
    return value


def bake_png(png: bytes, jws: str) -> bytes:
    """Bake a compact JWS into a PNG, replacing any credential it already held.

    Args:
        png: The badge image.
        jws: The signed credential.

    Returns:
        The baked PNG's bytes.
    """
    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    jws = _check_jws(jws)
    png_chunks(png)  # a damaged image is refused before Pillow sees it
    info = PngInfo()
    info.add_itxt(PNG_KEYWORD.decode("ascii"), jws, lang="", tkey="", zip=False)
    with Image.open(BytesIO(png)) as image:
        image.load()
        out = BytesIO()
        image.save(out, format="PNG", pnginfo=info)
    return out.getvalue()


# ------------------------------------------------------------------------------------ SVG

_SVG_START = re.compile(r"<svg\b(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.DOTALL)


def bake_svg(svg: str, jws: str) -> str:
    """Bake a compact JWS into an SVG: the namespace on ``<svg>`` and the element after it.

    Args:
        svg: The badge image as SVG text (without a credential).
        jws: The signed credential.

    Returns:
        The baked SVG text.

    Raises:
        BakeError: If the SVG has no ``<svg>`` element or already holds a credential.
    """
    jws = _check_jws(jws)
    if "openbadges:credential" in svg or "openbadges:assertion" in svg:
        raise BakeError("the SVG already holds a credential; bake a clean image")
    match = _SVG_START.search(svg)
    if match is None:
        raise BakeError("no <svg> element to bake into")
    start = match.group(0)
    if "xmlns:openbadges=" not in start:
        closing = "/>" if start.endswith("/>") else ">"
        start = f'{start[: -len(closing)]} xmlns:openbadges="{OB3_NS}"{closing}'
    element = f'\n<openbadges:credential verify="{jws}"></openbadges:credential>'
    baked = svg[: match.start()] + start + element + svg[match.end() :]
    if unbake_svg(baked.encode("utf-8")) != jws:  # the result must read back the same
        raise BakeError("baking the SVG failed")
    return baked


def unbake_svg(data: bytes) -> str:
    """Read the compact JWS baked into an SVG.

    Args:
        data: The SVG file's bytes.

    Returns:
        The compact JWS.

    Raises:
        BakeError: If the SVG is not well formed, lacks the Open Badges 3.0 namespace,
            holds no credential or more than one, or holds an embedded-proof credential.
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BakeError("the SVG is not UTF-8 text") from None
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise BakeError("an SVG with a DOCTYPE or entities is not accepted")
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as exc:
        if "unbound prefix" in str(exc) and "openbadges:" in text:
            raise BakeError(
                "the SVG has an <openbadges:...> element but does not declare "
                f'xmlns:openbadges="{OB3_NS}" on the <svg> element'
            ) from None
        raise BakeError(f"the SVG is not well-formed XML: {exc}") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise BakeError("the file's root element is not an SVG <svg> element")
    found = [el for el in root.iter() if el.tag == f"{{{OB3_NS}}}credential"]
    if not found:
        others = {
            el.tag for el in root.iter() if el.tag.rsplit("}", 1)[-1] in ("credential", "assertion")
        }
        if any(tag.startswith(f"{{{OB2_NS}}}") for tag in others):
            raise BakeError(
                f"this SVG holds an Open Badges 2.0 assertion (namespace {OB2_NS}), not an "
                "Open Badges 3.0 credential"
            )
        if others:
            namespace = sorted(others)[0][1:].split("}")[0]
            raise BakeError(
                f"the SVG's credential element is in namespace {namespace!r}; Open Badges 3.0 "
                f"uses {OB3_NS!r}"
            )
        raise BakeError("no Open Badges credential found in this SVG")
    if len(found) > 1:
        raise BakeError(
            f"the SVG holds {len(found)} <openbadges:credential> elements; a baked badge "
            "must hold exactly one"
        )
    element = found[0]
    value = (element.get("verify") or element.text or "").strip()
    if value.startswith("{"):
        raise BakeError(
            "the SVG holds a JSON credential with an embedded proof; only VC-JWT "
            "credentials are checked"
        )
    if not is_compact_jws(value):
        raise BakeError("the credential in this SVG is not a compact JWS (VC-JWT)")
    return value


def unbake(data: bytes) -> str:
    """Read the compact JWS baked into a PNG or an SVG badge.

    Args:
        data: The image file's bytes.

    Returns:
        The compact JWS.

    Raises:
        BakeError: With a reason when there is no single, uncompressed, well-placed
            credential.
    """
    kind = detect_format(data)
    if kind == "png":
        return unbake_png(data)
    if kind == "svg":
        return unbake_svg(data)
    raise BakeError("this is a .jws file, not a baked image: it is the credential itself")

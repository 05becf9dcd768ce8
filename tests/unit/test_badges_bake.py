"""Tests for baking credentials into PNG and SVG badges, and for the badge images themselves."""

from __future__ import annotations

import re
import struct
import zlib
from io import BytesIO
from xml.etree import ElementTree

import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from engage.badges import BadgeText, BakeError, badge_png, badge_svg, bake_png, bake_svg, unbake
from engage.badges.bake import OB3_NS, png_chunks
from engage.badges.images import LOOKS, contrast_ratio, text_colour_on

JWS = "eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2V4YW1wbGUub3JnLyJ9.c2lnbmF0dXJl"
TEXT = BadgeText(
    name="Community Conversations for Large Library Systems",
    course="Models for Change",
    label="Large library system track",
    track="large-urban",
)
SVG = "{http://www.w3.org/2000/svg}"


def png_with(*chunks: tuple[str, bytes]) -> bytes:
    """A plain badge PNG with extra iTXt/tEXt chunks written by Pillow."""
    info = PngInfo()
    for kind, body in chunks:
        info.add(kind.encode("ascii"), body)
    out = BytesIO()
    Image.open(BytesIO(badge_png(TEXT, size=64))).save(out, format="PNG", pnginfo=info)
    return out.getvalue()


def itxt(text: str, keyword: bytes = b"openbadgecredential", compressed: bool = False) -> bytes:
    data = zlib.compress(text.encode()) if compressed else text.encode()
    return keyword + b"\0" + (b"\x01" if compressed else b"\x00") + b"\0\0\0" + data


# ----------------------------------------------------------------- PNG


def test_png_round_trip_with_one_uncompressed_itxt_chunk():
    """Does a baked PNG hold exactly one uncompressed iTXt 'openbadgecredential' chunk?"""
    baked = bake_png(badge_png(TEXT), JWS)
    assert unbake(baked) == JWS
    chunks = [body for kind, body in png_chunks(baked) if kind == b"iTXt"]
    assert chunks == [b"openbadgecredential\0\0\0\0\0" + JWS.encode()]
    assert Image.open(BytesIO(baked)).size == (400, 400)


def test_rebaking_a_png_replaces_the_credential():
    """Does baking an already baked PNG leave one chunk, holding the new credential?"""
    other = JWS.replace("c2lnbmF0dXJl", "b3RoZXI")
    baked = bake_png(bake_png(badge_png(TEXT), JWS), other)
    assert unbake(baked) == other
    assert sum(kind == b"iTXt" for kind, _ in png_chunks(baked)) == 1


def test_png_with_two_credential_chunks_is_refused():
    """Is a PNG with two 'openbadgecredential' chunks refused, not read half-way?"""
    data = png_with(("iTXt", itxt(JWS)), ("iTXt", itxt(JWS)))
    with pytest.raises(BakeError, match=re.escape("2 'openbadgecredential' chunks")):
        unbake(data)


def test_png_with_a_compressed_chunk_is_refused():
    """Is a compressed credential chunk refused (OB3 forbids compression)?"""
    with pytest.raises(BakeError, match="compressed"):
        unbake(png_with(("iTXt", itxt(JWS, compressed=True))))


def test_png_with_credential_in_a_text_chunk_is_refused():
    """Is a credential in a tEXt chunk (not iTXt) refused with the reason?"""
    with pytest.raises(BakeError, match="tEXt chunk"):
        unbake(png_with(("tEXt", b"openbadgecredential\0" + JWS.encode())))


def test_png_without_credential_and_ob2_png_are_told_apart():
    """Does a plain PNG say 'no credential', and an OB 2.0 baked PNG say so?"""
    with pytest.raises(BakeError, match="no Open Badges credential"):
        unbake(badge_png(TEXT))
    with pytest.raises(BakeError, match=r"Open Badges 2\.0"):
        unbake(png_with(("iTXt", itxt(JWS, keyword=b"openbadges"))))


def test_damaged_png_is_refused():
    """Are a flipped byte (CRC mismatch) and a truncated file reported as damage?"""
    baked = bytearray(bake_png(badge_png(TEXT), JWS))
    where = baked.index(b"openbadgecredential") + 30
    baked[where] ^= 0x01
    with pytest.raises(BakeError, match="CRC"):
        unbake(bytes(baked))
    with pytest.raises(BakeError, match="truncated"):
        unbake(bytes(baked[:100]))


def test_only_a_compact_jws_can_be_baked():
    """Is baking anything but a compact JWS (e.g. JSON) refused?"""
    with pytest.raises(BakeError, match="compact JWS"):
        bake_png(badge_png(TEXT), '{"not": "a jws"}')
    with pytest.raises(BakeError, match="compact JWS"):
        bake_svg(badge_svg(TEXT), "a.b")


# ----------------------------------------------------------------- SVG


def test_svg_round_trip_per_the_ob3_baking_rules():
    """Does the baked SVG declare the OB3 namespace and put the JWS first, in verify?"""
    baked = bake_svg(badge_svg(TEXT), JWS)
    assert unbake(baked.encode()) == JWS
    assert re.search(r'<svg\b[^>]*xmlns:openbadges="https://purl.imsglobal.org/ob/v3p0"', baked)
    root = ElementTree.fromstring(baked)
    first = root[0]
    assert first.tag == f"{{{OB3_NS}}}credential"
    assert first.get("verify") == JWS


def test_svg_credential_as_element_text_or_cdata_is_read():
    """Is a JWS given as the element's text (with or without CDATA) read as well?"""
    for body in (JWS, f"<![CDATA[{JWS}]]>"):
        svg = (
            f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="{OB3_NS}">'
            f"<openbadges:credential>{body}</openbadges:credential></svg>"
        )
        assert unbake(svg.encode()) == JWS


def test_svg_without_the_namespace_is_refused():
    """Is an SVG whose openbadges prefix is not declared refused with the namespace named?"""
    baked = bake_svg(badge_svg(TEXT), JWS).replace(f' xmlns:openbadges="{OB3_NS}"', "")
    with pytest.raises(BakeError, match=re.escape(OB3_NS)):
        unbake(baked.encode())


def test_svg_with_another_namespace_or_ob2_is_refused():
    """Are a wrong namespace and an OB 2.0 SVG assertion refused with the reason?"""
    wrong = bake_svg(badge_svg(TEXT), JWS).replace(OB3_NS, "https://example.org/badges")
    with pytest.raises(BakeError, match="namespace"):
        unbake(wrong.encode())
    ob2 = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:openbadges="http://openbadges.org">'
        f'<openbadges:assertion verify="{JWS}"/></svg>'
    )
    with pytest.raises(BakeError, match=r"Open Badges 2\.0"):
        unbake(ob2.encode())


def test_svg_with_two_credentials_or_none_is_refused():
    """Are an SVG with two credential elements and one with none refused?"""
    two = bake_svg(badge_svg(TEXT), JWS).replace(
        "</svg>", f'<openbadges:credential verify="{JWS}"/></svg>'
    )
    with pytest.raises(BakeError, match=re.escape("2 <openbadges:credential> elements")):
        unbake(two.encode())
    with pytest.raises(BakeError, match="no Open Badges credential"):
        unbake(badge_svg(TEXT).encode())
    with pytest.raises(BakeError, match="already holds"):
        bake_svg(bake_svg(badge_svg(TEXT), JWS), JWS)


def test_svg_with_entities_is_refused():
    """Is an SVG with a DOCTYPE or entity declarations refused (no entity expansion)?"""
    evil = '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>'
    with pytest.raises(BakeError, match="DOCTYPE"):
        unbake(evil.encode())


def test_unknown_data_is_refused():
    """Are a JPEG-like blob and JSON refused with what was expected?"""
    with pytest.raises(BakeError, match=re.escape("not a PNG, an SVG or a .jws")):
        unbake(b"\xff\xd8\xff\xe0 not an image")
    with pytest.raises(BakeError, match="JSON credential"):
        unbake(b'{"type": ["VerifiableCredential"]}')


# ----------------------------------------------------------------- images


def test_svg_badge_is_accessible_real_text():
    """Has the SVG role=img, aria-label, <title>, <desc>, and its words as <text>?"""
    svg = badge_svg(TEXT)
    root = ElementTree.fromstring(svg)
    assert root.get("role") == "img"
    assert (
        root.get("aria-label")
        == "Community Conversations for Large Library Systems badge, Models for Change"
    )
    assert root.get("aria-labelledby") == "badge-title badge-desc"
    assert root.find(f"{SVG}title").text == root.get("aria-label")
    assert "Large library system track" in root.find(f"{SVG}desc").text
    words = " ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))
    for expected in (
        "MODELS FOR CHANGE",
        "Community",
        "Library Systems",
        "Large library system track",
    ):
        assert expected in words
    assert "<path" not in svg and "<image" not in svg


def test_learner_name_is_escaped_in_the_svg():
    """Is a learner's name with markup shown as text, never as elements or script?"""
    name = 'Ana <script>alert(1)</script> & "Bo"\x07'
    svg = badge_svg(BadgeText(TEXT.name, TEXT.course, TEXT.label, TEXT.track, recipient=name))
    root = ElementTree.fromstring(svg)
    assert not list(root.iter(f"{SVG}script")) and "<script>" not in svg
    texts = ["".join(t.itertext()) for t in root.iter(f"{SVG}text")]
    assert 'Ana <script>alert(1)</script> & "Bo"' in texts
    assert "Awarded to Ana <script>" in root.find(f"{SVG}desc").text


def test_palette_is_okabe_ito_with_readable_ribbon_text():
    """Are the colours the colour-blind-safe Okabe-Ito ones, with 4.5:1 text contrast?"""
    okabe_ito = {"#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7"}
    shapes = {look.shape for look in LOOKS.values()}
    assert len(shapes) == len(LOOKS)  # shape tells them apart without colour
    for look in LOOKS.values():
        assert look.colour in okabe_ito
        assert contrast_ratio(text_colour_on(look.colour), look.colour) >= 4.5
    assert contrast_ratio("#1A1A1A", "#FFFFFF") >= 7


def test_png_badge_is_drawn_by_pillow():
    """Is the PNG badge a square RGBA image, transparent in the corners, coloured in the ring?"""
    image = Image.open(BytesIO(badge_png(TEXT))).convert("RGBA")
    assert image.size == (400, 400)
    assert image.getpixel((2, 2))[3] == 0
    assert image.getpixel((200, 14))[:3] == (0xD5, 0x5E, 0x00)


def test_long_names_still_fit():
    """Do a very long achievement and learner name still give a valid SVG and PNG?"""
    text = BadgeText("A " * 80, "Models for Change", "x" * 40, None, "N" * 200)
    ElementTree.fromstring(badge_svg(text))
    assert Image.open(BytesIO(badge_png(text))).size == (400, 400)


def test_png_chunk_reader_checks_the_signature():
    """Is a non-PNG refused by the chunk reader?"""
    with pytest.raises(BakeError, match="not a PNG"):
        png_chunks(b"GIF89a" + struct.pack(">I", 0))

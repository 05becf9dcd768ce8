"""Widget tests of the start page's participation record and "Check a badge" (real ipywidgets)."""

from __future__ import annotations

import base64
import html
import importlib
import re
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import ipywidgets as widgets
import pytest
from PIL import Image

from engage.badges import EligibilityRecord, init_issuer, issue, load_badges
from engage.progress import ProgressStore
from engage.ui import StartPage

REPO = Path(__file__).resolve().parents[2]
EVIL = "<img src=x onerror=alert(1)>"
ISSUED = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def make_issuer(folder: Path, name: str):
    return init_issuer(
        folder,
        name=name,
        url="https://library.example.org/badges/",
        email="badges@library.example.org",
        description="A public library that runs cohorts.",
        key_bits=2048,
    )


@pytest.fixture(scope="module")
def issued(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    """A badge issued at test time with a fresh key, its JWK set and another issuer's set."""
    base = tmp_path_factory.mktemp("badges")
    issuer = make_issuer(base / "issuer", f"Springfield {EVIL} Library")
    other = make_issuer(base / "other", "Another Library")
    record = EligibilityRecord(
        learner="ana",
        achievement="track-large-urban",
        email="ana@example.org",
        evidence=("04-world-cafe", "05-dialogue-to-change"),
    )
    issue([record], issuer, load_badges(REPO), base / "out", issued_at=ISSUED)
    folder = base / "out" / "ana"
    return {
        "png": (folder / "track-large-urban.png").read_bytes(),
        "svg": (folder / "track-large-urban.svg").read_bytes(),
        "jwks": issuer.jwks_path.read_bytes(),
        "other": other.jwks_path.read_bytes(),
        "kid": issuer.kid.encode(),
        "published": (issuer.public_dir / "keys" / issuer.kid.rsplit("/", 1)[1]).read_bytes(),
    }


def walk(widget: widgets.Widget):
    yield widget
    for child in getattr(widget, "children", ()):
        yield from walk(child)


def uploaded(content: bytes, name: str) -> tuple:
    return (
        {
            "name": name,
            "type": "",
            "size": len(content),
            "last_modified": ISSUED,
            "content": memoryview(content),
        },
    )


def build(tmp_path: Path, name: str = "Sam Rivera") -> tuple[StartPage, widgets.Widget]:
    store = ProgressStore(tmp_path / "progress.json")
    store.set_learner_name(name)
    store.mark_started("01-turning-outward")
    store.mark_completed("01-turning-outward")
    store.put_item("scenarios", "01-turning-outward/before-the-building", {"completed_once": True})
    store.put_item(
        "quizzes", "01-turning-outward", {"answers": {"q1": {"correct": True}, "q2": {}}}
    )
    store.put_item("reflections", "01-turning-outward", {"answers": {"a": "Three words here"}})
    page = StartPage(store=store, root=REPO)
    return page, page.participation()


def record_html(view: widgets.Widget) -> str:
    return "\n".join(w.value for w in walk(view) if isinstance(w, widgets.HTML))


def uploads(view: widgets.Widget) -> list[widgets.FileUpload]:
    return [w for w in walk(view) if isinstance(w, widgets.FileUpload)]


def test_record_shows_each_activity_from_the_course_content(tmp_path: Path):
    """Does the view list the module, scenario title, quiz score of 8 and word count?"""
    _, view = build(tmp_path)
    shown = record_html(view)
    assert "My participation record" in shown and "SELF-REPORTED" in shown
    assert "Listening before the building" in shown
    assert "1 of 8 correct" in shown
    assert "3 words" in shown
    assert "Turning Outward" in shown


def test_download_link_holds_the_printable_page(tmp_path: Path):
    """Does the download link give the full page, named after the learner?"""
    _, view = build(tmp_path)
    shown = record_html(view)
    match = re.search(
        r'download="([^"]+)" href="data:text/html;charset=utf-8;base64,([^"]+)"', shown
    )
    assert match, shown
    assert match[1] == "participation-record-sam-rivera.html"
    page = base64.b64decode(match[2]).decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and "Listening before the building" in page


def image_button(view: widgets.Widget) -> widgets.Button:
    [button] = [w for w in walk(view) if isinstance(w, widgets.Button) and "image" in w.description]
    return button


def test_image_button_gives_a_png_of_the_same_record(tmp_path: Path):
    """Does "Make an image" give a PNG download holding the record's text, named for the learner?"""
    _, view = build(tmp_path)
    button = image_button(view)
    assert button.description == "Make an image of my record (PNG)"
    assert "image/png" not in record_html(view), "no image is made until asked"
    button.click()
    shown = record_html(view)
    match = re.search(r'download="([^"]+)" href="data:image/png;base64,([^"]+)"', shown)
    assert match, shown
    assert match[1] == "participation-record-sam-rivera.png"
    image = Image.open(BytesIO(base64.b64decode(match[2])))
    assert image.width == 1240
    text = image.info["Description"]
    assert "SELF-REPORTED" in text and "Listening before the building" in text
    assert "1 of 8 correct" in text and "3 words" in text
    assert 'role="status"' in shown and "screen reader" in shown


def test_a_new_name_clears_an_image_made_before(tmp_path: Path):
    """After the record changes, is the old image's link gone until a new one is made?"""
    page, view = build(tmp_path)
    image_button(view).click()
    assert "image/png" in record_html(view)
    page.store.set_learner_name("Samira Rivera")
    page.refresh()
    assert "image/png" not in record_html(view)
    image_button(view).click()
    assert "participation-record-samira-rivera.png" in record_html(view)


def test_learner_name_is_escaped_in_view_and_download(tmp_path: Path):
    """Is a name with markup shown as text in the view and the downloaded page?"""
    _, view = build(tmp_path, name=f"Sam {EVIL}")
    shown = record_html(view)
    assert EVIL not in shown and html.escape(EVIL) in shown
    encoded = re.search(r"base64,([^\"]+)\"", shown)
    assert encoded
    assert EVIL not in base64.b64decode(encoded[1]).decode("utf-8")


def test_uploads_are_labelled(tmp_path: Path):
    """Do both file choosers have a visible label saying what to choose?"""
    _, view = build(tmp_path)
    labels = [u.description for u in uploads(view)]
    assert labels == ["Badge file (PNG, SVG or .jws)", "Issuer's key set (jwks.json)"]


@pytest.mark.parametrize("kind", ["png", "svg"])
def test_a_badge_and_its_key_set_show_valid_with_details(
    tmp_path: Path, issued: dict[str, bytes], kind: str
):
    """Does a baked badge plus the issuer's JWK set show VALID, each check and the details?"""
    page, view = build(tmp_path)
    badge, keys = uploads(view)
    badge.value = uploaded(issued[kind], f"badge.{kind}")
    assert "Now choose the issuer's key set" in page.badge_result.value
    assert 'aria-label="Badge check"' in page.badge_result.value
    keys.value = uploaded(issued["jwks"], "jwks.json")
    shown = page.badge_result.value
    assert "This badge is valid." in shown, shown
    assert html.escape(load_badges(REPO).achievement("track-large-urban").name) in shown
    assert "<strong>passed</strong>: signature" in shown
    assert "2025-06-01T12:00:00Z" in shown
    assert "Springfield &lt;img src=x onerror=alert(1)&gt; Library" in shown
    assert EVIL not in shown
    assert "NOT valid" not in shown


def test_a_badge_checked_with_another_issuers_keys_is_not_valid(
    tmp_path: Path, issued: dict[str, bytes]
):
    """Does a key set from another issuer make the badge NOT valid, saying why?"""
    page, view = build(tmp_path)
    badge, keys = uploads(view)
    keys.value = uploaded(issued["other"], "jwks.json")
    badge.value = uploaded(issued["png"], "badge.png")
    shown = page.badge_result.value
    assert "This badge is NOT valid." in shown
    assert "<strong>failed</strong>" in shown and "This badge is valid." not in shown


def test_a_key_set_that_is_not_json_is_reported(tmp_path: Path, issued: dict[str, bytes]):
    """Does a key set file that is not JSON get a plain message instead of a crash?"""
    page, view = build(tmp_path)
    badge, keys = uploads(view)
    badge.value = uploaded(issued["png"], "badge.png")
    keys.value = uploaded(b"\x89PNG not json", "jwks.json")
    assert "not JSON" in page.badge_result.value
    assert "valid" not in page.badge_result.value


def test_a_file_that_is_not_a_badge_is_not_valid(tmp_path: Path, issued: dict[str, bytes]):
    """Does a PNG with no credential in it show NOT valid with the reason?"""
    page, view = build(tmp_path)
    badge, keys = uploads(view)
    keys.value = uploaded(issued["jwks"], "jwks.json")
    badge.value = uploaded(b"just some text", "notes.png")
    assert "This badge is NOT valid." in page.badge_result.value


def check_button(view: widgets.Widget) -> widgets.Button:
    [button] = [
        w
        for w in walk(view)
        if isinstance(w, widgets.Button) and w.description == "Check the badge"
    ]
    return button


def test_check_without_keys_fetches_the_key_the_badge_names(
    tmp_path: Path, issued: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
):
    """Without a key set, does "Check the badge" fetch the badge's kid URL and verify with it?"""
    import json

    verify_module = importlib.import_module("engage.badges.verify")

    fetched: list[str] = []

    def fake_fetch(url: str, timeout: float = 10.0):
        fetched.append(url)
        return json.loads(issued["published"])

    monkeypatch.setattr(verify_module, "fetch_json", fake_fetch)
    page, view = build(tmp_path)
    badge, _ = uploads(view)
    badge.value = uploaded(issued["png"], "badge.png")
    assert "Check the badge</strong> to fetch the key" in page.badge_result.value
    assert fetched == [], "nothing is fetched until the learner asks"
    check_button(view).click()
    assert fetched == [issued["kid"].decode()]
    assert "This badge is valid." in page.badge_result.value


def test_a_key_that_cannot_be_fetched_is_reported(
    tmp_path: Path, issued: dict[str, bytes], monkeypatch: pytest.MonkeyPatch
):
    """When the issuer's site cannot be reached, is the badge NOT valid with that reason?"""
    verify_module = importlib.import_module("engage.badges.verify")
    from engage.badges.errors import BadgeError

    def unreachable(url: str, timeout: float = 10.0):
        raise BadgeError(f"cannot fetch {url}: the network is unreachable")

    monkeypatch.setattr(verify_module, "fetch_json", unreachable)
    page, view = build(tmp_path)
    badge, _ = uploads(view)
    badge.value = uploaded(issued["png"], "badge.png")
    check_button(view).click()
    shown = page.badge_result.value
    assert "This badge is NOT valid." in shown and "network is unreachable" in shown

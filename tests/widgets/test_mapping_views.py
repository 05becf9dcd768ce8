"""Widget tests of the community-mapping views: real ipywidgets driven from code."""

from __future__ import annotations

import base64
import csv
import html
import io
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import ipywidgets as widgets
import pytest

from engage.mapping import (
    COLUMNS,
    AssetMap,
    PartnerNetwork,
    StakeholderGrid,
    import_csv,
    load_coalition_stages,
)
from engage.progress import ProgressStore
from engage.ui import Lesson
from engage.ui.mapping import (
    CONTACTS_LABEL,
    AssetMapper,
    CoalitionStageView,
    PartnerNetworkView,
    StakeholderGridView,
)

REPO = Path(__file__).resolve().parents[2]
MODULE = "10-community-mapping"
DATA = REPO / "modules" / MODULE / "data"
EVIL = "<script>alert('x')</script>"
KEYS = {kind: f"{MODULE}/{kind}" for kind in ("assets", "stakeholders", "partners")}

BAD_ASSETS = (
    b"name,category,description,links_to,contact\r\n"
    b'Oak Street Library,institutions,Branch library,Riverside Choir,"Ana Diaz, 555-0199"\r\n'
    b"Riverside Choir,associations,Sings on Sundays,,\r\n"
    b"Mystery Place,spaceship,Nobody knows,,\r\n"
)


@pytest.fixture
def store(tmp_path: Path) -> ProgressStore:
    return ProgressStore(tmp_path / "progress.json")


@pytest.fixture(scope="module")
def stages():
    return load_coalition_stages(REPO)


def assets_view(store: ProgressStore, profile: str | None = None) -> AssetMapper:
    return AssetMapper(KEYS["assets"], store, profile, DATA)


def grid_view(store: ProgressStore, profile: str | None = None) -> StakeholderGridView:
    return StakeholderGridView(KEYS["stakeholders"], store, profile, DATA)


def partners_view(store: ProgressStore, profile: str | None = None) -> PartnerNetworkView:
    return PartnerNetworkView(KEYS["partners"], store, profile, DATA)


def uploaded(content: bytes, name: str = "assets.csv") -> tuple:
    """What FileUpload.value holds after the learner picks one file."""
    return (
        {
            "name": name,
            "type": "text/csv",
            "size": len(content),
            "last_modified": datetime(2026, 3, 1, 12, 0, tzinfo=UTC),
            "content": memoryview(content),
        },
    )


def walk(widget: widgets.Widget) -> list[widgets.Widget]:
    """The widget and every widget inside it."""
    out = [widget]
    for child in getattr(widget, "children", ()):
        out.extend(walk(child))
    return out


def html_values(widget: widgets.Widget) -> list[str]:
    return [w.value for w in walk(widget) if isinstance(w, widgets.HTML)]


def text(block: widgets.HTML) -> str:
    """An HTML block's text as a reader sees it (tags removed, entities decoded)."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", block.value)).split())


def img_alts(view) -> list[str]:
    return [html.unescape(a) for a in re.findall(r'<img [^>]*alt="([^"]*)"', view.figure.value)]


def downloads(view) -> dict[str, tuple[str, bytes]]:
    """Every data: download link of a view: file name to (media type, bytes)."""
    found = re.findall(
        r'<a download="([^"]+)" href="data:([^;]+);base64,([^"]+)">',
        "".join(html_values(view.widget)),
    )
    return {html.unescape(name): (mime, base64.b64decode(data)) for name, mime, data in found}


def saved(store: ProgressStore, kind: str) -> dict:
    return store.load().maps[KEYS[kind]]["data"]


def add_asset(view: AssetMapper, name: str, category: str, **fields: str) -> None:
    view.select.value = -1
    view.name.value = name
    view.category.value = category
    for field, value in fields.items():
        getattr(view, field).value = value
    view.save_button.click()


def add_rating(view: StakeholderGridView, name: str, power: int, interest: int, **fields):
    view.select.value = -1
    view.name.value = name
    view.power.value, view.interest.value = power, interest
    for field, value in fields.items():
        getattr(view, field).value = value
    view.save_button.click()


def add_partner(view: PartnerNetworkView, name: str, **fields: str) -> None:
    view.select.value = -1
    view.name.value = name
    for field, value in fields.items():
        getattr(view, field).value = value
    view.save_button.click()


def relate(view: PartnerNetworkView, a: str, b: str, level: str) -> None:
    view.first.value, view.second.value = a, b
    view.level.value = level
    view.relate_button.click()


# ----------------------------------------------------------------- every view


@pytest.mark.parametrize("make", [assets_view, grid_view, partners_view])
def test_every_control_has_a_visible_label(store: ProgressStore, make):
    """Does every input carry a description and every button visible text (axe's rules)?"""
    view = make(store)
    controls = [
        w
        for w in walk(view.widget)
        if isinstance(
            w,
            widgets.Text
            | widgets.Textarea
            | widgets.Dropdown
            | widgets.BoundedIntText
            | widgets.FileUpload
            | widgets.Checkbox
            | widgets.Button,
        )
    ]
    assert len(controls) >= 10
    assert all(c.description.strip() for c in controls), [type(c).__name__ for c in controls]
    assert not [w for w in walk(view.widget) if isinstance(w, widgets.IntSlider)]
    assert view.contacts.description == CONTACTS_LABEL
    assert view.sample_button.description == "Load the sample for my profile"


def test_building_and_restoring_views_does_not_import_matplotlib(tmp_path: Path):
    """Are the views built (with a saved map restored) without importing matplotlib?"""
    path = tmp_path / "progress.json"
    store = ProgressStore(path)
    assets_view(store).import_file(BAD_ASSETS, "mine.csv")
    code = f"""
import sys
from pathlib import Path
from engage.mapping import load_coalition_stages
from engage.progress import ProgressStore
from engage.ui.mapping import (
    AssetMapper, CoalitionStageView, PartnerNetworkView, StakeholderGridView,
)
store = ProgressStore({str(path)!r})
data = Path({str(DATA)!r})
view = AssetMapper({KEYS["assets"]!r}, store, None, data)
assert len(view.data.assets) == 2, view.data
StakeholderGridView({KEYS["stakeholders"]!r}, store, None, data)
PartnerNetworkView({KEYS["partners"]!r}, store, None, data)
CoalitionStageView("c", load_coalition_stages(Path({str(REPO)!r})), store, None)
assert "Oak Street Library" in view.summary.value
print("matplotlib" in sys.modules)
"""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    )
    assert out.stdout.strip() == "False"


# ----------------------------------------------------------------- asset map: form


def test_adding_an_asset_saves_it_and_draws_the_map(store: ProgressStore):
    """Does saving the form add the asset, save it, and draw the map with it in the alt text?"""
    view = assets_view(store)
    assert view.figure_shown is False and "<img" not in view.figure.value
    add_asset(view, "Grange Hall", "physical", description="Seats 120; a kitchen.")
    assert saved(store, "assets")["assets"][0]["name"] == "Grange Hall"
    assert "Added “Grange Hall”" in text(view.form_status)
    [alt] = img_alts(view)
    assert alt.startswith("1 asset: 1 physical;")
    assert "Physical: Grange Hall." in alt
    assert view.show_button.layout.display == "none"
    assert "Grange Hall" in text(view.summary)
    # the form is ready for the next asset
    assert (view.select.value, view.name.value, view.category.value) == (-1, "", "")
    add_asset(view, "Quilters", "associations", links="grange hall")
    [alt] = img_alts(view)
    assert alt.startswith("2 assets: 1 association, 1 physical; no individual, institution,")
    assert "1 link." in alt
    assert AssetMap.from_dict(saved(store, "assets")).links == (("Grange Hall", "Quilters"),)


def test_the_form_reports_what_is_missing_and_saves_nothing(store: ProgressStore):
    """Are an empty name, no category and an unknown linked asset reported, nothing saved?"""
    view = assets_view(store)
    add_asset(view, "   ", "institutions")
    assert "Name: name must not be empty" in text(view.form_status)
    add_asset(view, "Clinic", "")
    assert "Category: choose" in text(view.form_status)
    add_asset(view, "Clinic", "institutions", links="Nowhere Club; clinic")
    status = text(view.form_status)
    assert "there is no asset called “Nowhere Club” yet" in status
    assert "cannot work with itself" in status
    assert KEYS["assets"] not in store.load().maps
    assert 'role="alert"' in view.form_status.value


def test_a_second_asset_with_the_same_name_is_refused(store: ProgressStore):
    """Is a name already used (whatever its case and spacing) refused with a way forward?"""
    view = assets_view(store)
    add_asset(view, "Oak Street Library", "institutions")
    add_asset(view, "oak  street LIBRARY", "physical")
    assert "There is already an asset called “Oak Street Library”" in text(view.form_status)
    assert len(view.data.assets) == 1 and view.data.assets[0].category == "institutions"


def test_editing_an_asset_renames_it_and_keeps_its_links(store: ProgressStore):
    """Does renaming an asset in the form keep its links, under the new name?"""
    view = assets_view(store)
    add_asset(view, "Choir", "associations")
    add_asset(view, "Library", "institutions", links="Choir")
    add_asset(view, "Park", "physical", links="Choir")
    view.select.value = 1
    assert (view.name.value, view.links.value) == ("Library", "Choir")
    view.name.value = "County Library"
    view.save_button.click()
    assert [a.name for a in view.data.assets] == ["Choir", "County Library", "Park"]
    assert view.data.links == (("Choir", "County Library"), ("Choir", "Park"))
    assert "County Library" in img_alts(view)[0]


def test_removing_an_asset_can_be_undone(store: ProgressStore):
    """Does removing an asset drop it and its links, and does undo bring both back?"""
    view = assets_view(store)
    assert view.undo_button.disabled
    add_asset(view, "Choir", "associations")
    add_asset(view, "Library", "institutions", links="Choir")
    view.select.value = 0
    view.remove_button.click()
    assert [a.name for a in view.data.assets] == ["Library"] and view.data.links == ()
    assert len(saved(store, "assets")["assets"]) == 1
    view.undo_button.click()
    assert [a.name for a in view.data.assets] == ["Choir", "Library"]
    assert view.data.links == (("Choir", "Library"),)
    assert len(saved(store, "assets")["assets"]) == 2


# ----------------------------------------------------------------- asset map: import


def test_a_bad_csv_keeps_the_good_rows_and_reports_the_bad_one(store: ProgressStore):
    """Are the good rows of an uploaded CSV mapped and the bad row reported by row and column?"""
    view = assets_view(store)
    view.upload.value = uploaded(BAD_ASSETS, "mine.csv")
    assert [a.name for a in view.data.assets] == ["Oak Street Library", "Riverside Choir"]
    assert view.upload.value == ()
    report = text(view.import_result)
    assert "Imported 2 of 3 rows from mine.csv" in report
    assert re.search(r"\b4\s+category\s+Not imported\s+unknown category 'spaceship'", report)
    assert "Mystery Place" not in view.data.model_dump_json()
    [alt] = img_alts(view)
    assert "Oak Street Library" in alt and "Riverside Choir" in alt and "1 link" in alt
    assert len(saved(store, "assets")["assets"]) == 2
    assert view.errors.widget.value == ""


def test_an_import_is_merged_without_losing_anything(store: ProgressStore):
    """Does an import add what is new, keep the learner's version of a conflict and say so?"""
    view = assets_view(store)
    add_asset(view, "Riverside Choir", "cultural", contact="Bo, 555-0142", notes="Mine")
    view.import_file(BAD_ASSETS, "mine.csv")
    choir = view.data.get("Riverside Choir")
    assert choir is not None
    assert (choir.category, choir.contact, choir.notes) == ("cultural", "Bo, 555-0142", "Mine")
    assert choir.description == "Sings on Sundays"  # an empty detail is filled in
    assert view.data.get("Oak Street Library") is not None
    report = text(view.import_result)
    assert "category 'cultural' here, 'associations' in the file; kept yours" in report
    assert view.replace_button.layout.display != "none"
    view.replace_button.click()
    assert view.data.get("Riverside Choir").category == "associations"
    assert view.data.get("Riverside Choir").contact == "Bo, 555-0142"
    assert view.replace_button.layout.display == "none"
    view.undo_button.click()
    assert view.data.get("Riverside Choir").category == "cultural"


@pytest.mark.parametrize("profile", ["small-mid-rural", "large-urban", "academic"])
def test_the_sample_for_the_profile_is_merged_into_the_learners_map(store, profile: str):
    """Is the profile's sample added to the learner's own assets, never replacing them?"""
    view = assets_view(store, profile)
    sample = import_csv("assets", (DATA / f"{profile}-assets.csv").read_bytes())
    first = sample.data.assets[0]
    add_asset(view, first.name, "economic", description="My own words")
    view.sample_button.click()
    assert len(view.data.assets) == len(sample.data.assets)
    mine = view.data.get(first.name)
    assert (mine.category, mine.description) == ("economic", "My own words")
    report = text(view.import_result)
    assert f"{profile}-assets.csv" in report and "fictional" in report
    assert "kept yours" in report
    before = view.data
    view.sample_button.click()  # twice adds nothing
    assert view.data == before
    assert "Added" not in text(view.import_result)


def test_without_a_profile_the_rural_sample_is_loaded_and_that_is_said(store: ProgressStore):
    """Without a profile, is the rural county sample loaded, with advice to pick a profile?"""
    view = grid_view(store)
    view.sample_button.click()
    assert "small-mid-rural-stakeholders.csv" in text(view.import_result)
    assert "choose a profile on the start page" in text(view.import_result)
    view.set_profile("academic")
    assert view.sample_path().name == "academic-stakeholders.csv"


def test_an_unreadable_file_reports_and_keeps_the_map(store: ProgressStore):
    """Is a spreadsheet workbook refused with advice, leaving the map as it was?"""
    view = assets_view(store)
    add_asset(view, "Choir", "associations")
    view.upload.value = uploaded(b"PK\x03\x04 not a csv", "map.xlsx")
    report = text(view.import_result)
    assert "whole file" in report and "Save As" in report
    assert "Nothing was added" in report
    assert [a.name for a in view.data.assets] == ["Choir"]


# ----------------------------------------------------------------- escaping


def test_learner_text_is_escaped_in_every_html_value(store: ProgressStore):
    """Is learner text with <script> escaped in the summary, alt text, reports and downloads?"""
    view = assets_view(store)
    add_asset(view, EVIL, "cultural", description=EVIL, contact=EVIL, notes=EVIL)
    evil_csv = (
        f'name,category\r\n"{EVIL} 2",cultural\r\n"{EVIL} 3",{EVIL}\r\n'.replace(";", ",")
    ).encode()
    view.upload.value = uploaded(evil_csv, f"{EVIL}.csv")
    view.select.value = 0
    view.name.value = EVIL + " x"
    view.category.value = ""
    view.save_button.click()  # a refused form echoes nothing unescaped either
    values = html_values(view.widget)
    assert any("&lt;script&gt;" in v for v in values)
    for value in values:
        assert "<script" not in value
    assert EVIL in img_alts(view)[0]
    assert "&lt;script&gt;" in view.figure.value
    assert len(view.data.assets) == 2


@pytest.mark.parametrize("kind", ["stakeholders", "partners"])
def test_stakeholder_and_partner_text_is_escaped(store: ProgressStore, kind: str):
    """Do the grid and network views escape learner text everywhere too?"""
    if kind == "stakeholders":
        view = grid_view(store)
        add_rating(view, EVIL, 4, 4, round=EVIL, role=EVIL)
        add_rating(view, EVIL, 2, 2, round="later")
    else:
        view = partners_view(store)
        add_partner(view, EVIL, sector=EVIL)
        add_partner(view, "Library")
        relate(view, EVIL, "Library", "cooperating")
    for value in html_values(view.widget):
        assert "<script" not in value
    assert any(EVIL in alt for alt in img_alts(view))


# ----------------------------------------------------------------- restore


def test_the_map_is_restored_in_a_new_view(tmp_path: Path):
    """Does a new view on the same progress file show the saved map, drawn only on request?"""
    first = assets_view(ProgressStore(tmp_path / "progress.json"))
    first.import_file(BAD_ASSETS, "mine.csv")
    add_asset(first, "Choir", "associations", links="Oak Street Library")
    second = assets_view(ProgressStore(tmp_path / "progress.json"))
    assert second.data == first.data
    assert "Choir" in text(second.summary) and "Oak Street Library" in text(second.summary)
    assert [name for name, _ in second.select.options] == [
        "New asset",
        "Oak Street Library",
        "Riverside Choir",
        "Choir",
    ]
    assert "<img" not in second.figure.value
    second.show_button.click()
    assert img_alts(second) == img_alts(first)


def test_unreadable_saved_data_is_kept_aside_not_lost(store: ProgressStore):
    """Is a saved map that cannot be read copied aside and reported, not overwritten?"""
    bad = {"kind": "assets", "data": {"assets": [{"name": "X", "category": "robots"}]}}
    store.put_item("maps", KEYS["assets"], bad)
    view = assets_view(store)
    assert view.data == AssetMap()
    assert "could not be read" in text(view.notices)
    aside = store.load().maps[KEYS["assets"] + ".unreadable"]["copy_of"]
    assert aside["data"] == bad["data"]


# ----------------------------------------------------------------- downloads


def test_downloads_decode_to_csv_png_and_svg_without_contacts_by_default(store):
    """Do the links give the CSV (contacts left out unless ticked), template, PNG and SVG?"""
    view = assets_view(store)
    view.import_file(BAD_ASSETS, "mine.csv")
    files = downloads(view)
    assert set(files) == {
        "asset-map.csv",
        "assets-template.csv",
        "asset-map.png",
        "asset-map.svg",
    }
    mime, data = files["asset-map.csv"]
    assert mime == "text/csv"
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert [r["name"] for r in rows] == ["Oak Street Library", "Riverside Choir"]
    assert "contact" not in rows[0] and "555-0199" not in data.decode("utf-8-sig")
    again = import_csv("assets", data, "asset-map.csv")
    assert again.ok and again.data.links == view.data.links
    view.contacts.value = True
    files = downloads(view)
    assert "asset-map.csv" not in files
    with_contacts = files["asset-map-with-contacts.csv"][1].decode("utf-8-sig")
    assert "Ana Diaz, 555-0199" in with_contacts
    template = files["assets-template.csv"][1].decode("utf-8-sig")
    assert template.strip() == ",".join(c.name for c in COLUMNS["assets"])
    mime, png = files["asset-map.png"]
    assert mime == "image/png" and png.startswith(b"\x89PNG\r\n\x1a\n")
    mime, svg = files["asset-map.svg"]
    assert mime == "image/svg+xml"
    assert ET.fromstring(svg).tag == "{http://www.w3.org/2000/svg}svg"


def test_figure_downloads_appear_only_once_the_figure_is_drawn(tmp_path: Path):
    """Before the figure is drawn, are only the CSV links offered (no matplotlib needed)?"""
    store = ProgressStore(tmp_path / "progress.json")
    assets_view(store).import_file(BAD_ASSETS, "mine.csv")
    view = assets_view(ProgressStore(tmp_path / "progress.json"))
    assert set(downloads(view)) == {"asset-map.csv", "assets-template.csv"}
    view.show_button.click()
    assert {"asset-map.png", "asset-map.svg"} <= set(downloads(view))


# ----------------------------------------------------------------- stakeholders


def test_each_stakeholder_gets_a_quadrant_and_strategy_in_words(store: ProgressStore):
    """Does the summary give each stakeholder's quadrant and strategy as text?"""
    view = grid_view(store)
    view.power.value, view.interest.value = 2, 5
    assert "Keep informed" in text(view.where)
    add_rating(view, "County board", 5, 2, role="elected")
    add_rating(view, "Friends group", 2, 5)
    summary = text(view.summary)
    assert re.search(
        r"County board\s+5\s+2\s+—\s+high power, low interest\s+Keep satisfied", summary
    )
    assert re.search(
        r"Friends group\s+2\s+5\s+—\s+low power, high interest\s+Keep informed", summary
    )
    assert "Nobody is rated twice yet" in summary
    [alt] = img_alts(view)
    assert alt.startswith("2 stakeholders: 1 to keep satisfied, 1 to keep informed.")


def test_power_above_five_cannot_be_entered(store: ProgressStore):
    """Does the power box hold ratings to 1-5, so "power 7" cannot be saved?"""
    view = grid_view(store)
    view.power.value = 7
    assert view.power.value == 5
    view.interest.value = 0
    assert view.interest.value == 1


def test_rating_someone_twice_shows_the_change_over_time(store: ProgressStore):
    """Does a second rating in a new round show how the stakeholder moved, in text and figure?"""
    view = grid_view(store)
    add_rating(view, "Friends group", 2, 4, round="2025-02")
    add_rating(view, "Friends group", 2, 4, round="2025-02")
    assert "already rated in round “2025-02”" in text(view.form_status)
    view.select.value = 0
    view.again_button.click()
    assert (view.select.value, view.name.value, view.round.value) == (-1, "Friends group", "")
    view.round.value = "2025-09"
    view.power.value = 4
    view.save_button.click()
    assert len(view.data.ratings) == 2
    summary = text(view.summary)
    assert "Change over time" in summary
    assert "Friends group: keep informed → manage closely (power 2 → 4, interest 4 → 4)" in summary
    assert "The grid in words: 1 stakeholder: 1 to manage closely." in summary
    assert "1 of 1 stakeholder was rated more than once" in summary
    alts = img_alts(view)
    assert len(alts) == 2
    assert alts[1].startswith("1 of 1 stakeholder was rated more than once (2025-02 → 2025-09)")
    assert {"stakeholder-grid.png", "stakeholder-changes.svg"} <= set(downloads(view))
    assert len(StakeholderGrid.from_dict(saved(store, "stakeholders")).ratings) == 2


def test_a_stakeholder_csv_with_power_seven_keeps_the_other_rows(store: ProgressStore):
    """Is a row rated power 7 reported by row and column while the others are imported?"""
    view = grid_view(store)
    data = b"name,power,interest,round\nBoard,5,2,2025\nParents,7,5,2025\nFriends,2,5,2025\n"
    view.upload.value = uploaded(data, "grid.csv")
    assert [r.name for r in view.data.ratings] == ["Board", "Friends"]
    report = text(view.import_result)
    assert re.search(r"\b3\s+power\s+Not imported\s+power must be a whole number", report)


# ----------------------------------------------------------------- partners


def test_each_pair_of_partners_shows_its_relationship_level(store: ProgressStore):
    """Does setting a relationship show its level for the pair, in the table and alt text?"""
    view = partners_view(store)
    assert view.relate_button.disabled
    add_partner(view, "Library", sector="library")
    add_partner(view, "Food Pantry", sector="nonprofit")
    add_partner(view, "School")
    assert not view.relate_button.disabled
    relate(view, "Library", "Food Pantry", "cooperating")
    relate(view, "School", "Library", "networking")
    summary = text(view.summary)
    assert re.search(
        r"Food Pantry\s+Library\s+cooperating\s+exchange information, adjust activities and share",
        summary,
    )
    assert re.search(r"Library\s+School\s+networking\s+exchange information", summary)
    [alt] = img_alts(view)
    assert "Food Pantry and Library: cooperating." in alt
    view.first.value, view.second.value = "Food Pantry", "Library"
    assert view.level.value == "cooperating"
    relate(view, "Library", "Food Pantry", "")
    assert view.data.level_between("Library", "Food Pantry") is None
    assert "Removed the relationship" in text(view.form_status)
    relate(view, "School", "School", "networking")
    assert "Choose two different partners" in text(view.form_status)


def test_renaming_a_partner_keeps_its_relationships(store: ProgressStore):
    """Does renaming a partner carry its relationships over to the new name?"""
    view = partners_view(store)
    add_partner(view, "Library")
    add_partner(view, "Pantry")
    relate(view, "Library", "Pantry", "collaborating")
    view.select.value = 0
    view.name.value = "County Library"
    view.save_button.click()
    assert view.data.level_between("County Library", "Pantry") == "collaborating"
    assert [name for name, _ in view.first.options] == ["County Library", "Pantry"]
    restored = PartnerNetwork.from_dict(saved(store, "partners"))
    assert restored.level_between("County Library", "Pantry") == "collaborating"


def test_a_partner_csv_is_merged_and_restored(tmp_path: Path):
    """Is an uploaded partner CSV mapped, its bad row reported, and restored in a new view?"""
    data = (
        b"name,sector,relationships\n"
        b"Library,library,Pantry: cooperating; School: friends\n"
        b"Pantry,nonprofit,\n"
        b"School,school,\n"
    )
    view = partners_view(ProgressStore(tmp_path / "progress.json"))
    view.upload.value = uploaded(data, "partners.csv")
    assert len(view.data.partners) == 3
    assert view.data.level_between("Library", "Pantry") == "cooperating"
    report = text(view.import_result)
    assert re.search(r"\b2\s+relationships\b.*'friends'", report)
    again = partners_view(ProgressStore(tmp_path / "progress.json"))
    assert again.data == view.data


# ----------------------------------------------------------------- coalition


def test_coalition_answers_give_a_stage_and_next_steps(store: ProgressStore, stages):
    """Do yes answers to every formation statement move the coalition on to maintenance?"""
    view = CoalitionStageView(f"{MODULE}/coalition", stages, store, None)
    assert "Answer the statements above" in text(view.result)
    formation = [s.id for s in stages.stage("formation").statements]
    for sid in formation:
        view.answers[sid].value = "yes"
    result = text(view.result)
    assert "Your coalition is in the maintenance stage: 0 of" in result
    assert "Next steps" in result
    saved_item = store.load().maps[f"{MODULE}/coalition"]
    assert saved_item["stage"] == "maintenance"
    assert saved_item["answers"] == dict.fromkeys(formation, True)
    view.answers[formation[0]].value = "no"
    result = text(view.result)
    assert "formation stage" in result
    advice = stages.stage("formation").statements[0].if_no.default.split()[0]
    assert advice in result


def test_coalition_answers_are_restored_and_follow_the_profile(tmp_path: Path, stages):
    """Are saved answers restored in a new view, and do texts follow a profile change?"""
    key = f"{MODULE}/coalition"
    first = CoalitionStageView(key, stages, ProgressStore(tmp_path / "p.json"), None)
    first.answers["lead-organisation"].value = "yes"
    first.answers["shared-purpose"].value = "no"
    second = CoalitionStageView(key, stages, ProgressStore(tmp_path / "p.json"), None)
    assert second.answers["lead-organisation"].value == "yes"
    assert second.answers["shared-purpose"].value == "no"
    assert second.answers["first-meeting-tasks"].value == ""
    assert "formation stage: 1 of" in text(second.result)
    assert "A lead organisation" in text(second.statement_blocks["lead-organisation"])
    second.set_profile("academic")
    assert "A lead unit" in text(second.statement_blocks["lead-organisation"])
    dropdowns = [w for w in walk(second.widget) if isinstance(w, widgets.Dropdown)]
    assert dropdowns and all(d.description.startswith("Statement ") for d in dropdowns)


# ----------------------------------------------------------------- lesson


MODULE_YML = """\
schema_version: 1
id: 10-community-mapping
number: 10
title: Community mapping and coalitions
summary: A stand-in module for the widget tests.
objectives:
  - Map a community.
time_to_learn: 60
sections:
  - id: first
    title: First
    body: Some text.
takeaways: One takeaway.
whats_next: Nothing yet.
"""


def test_lesson_methods_return_the_four_tools_and_follow_the_profile(tmp_path: Path):
    """Do the lesson's four methods give the tools, saved per module, following the profile?"""
    root = tmp_path / "course"
    folder = root / "modules" / MODULE
    folder.mkdir(parents=True)
    shutil.copy(REPO / "modules" / "course.yml", root / "modules" / "course.yml")
    shutil.copy(REPO / "modules" / MODULE / "coalition-stages.yml", folder)
    shutil.copytree(DATA, folder / "data")
    (folder / "module.yml").write_text(MODULE_YML, encoding="utf-8")
    store = ProgressStore(tmp_path / "progress.json")
    lesson = Lesson(MODULE, store=store, root=root)
    shown = [
        lesson.asset_map(),
        lesson.stakeholder_grid(),
        lesson.partner_network(),
        lesson.coalition_stage(),
    ]
    assert all(isinstance(w, widgets.VBox) for w in shown)
    assets, grid, partners, coalition = lesson.views
    assert isinstance(assets, AssetMapper) and isinstance(coalition, CoalitionStageView)
    assert assets.sample_path() == folder / "data" / "small-mid-rural-assets.csv"
    store.set_profile("large-urban")
    lesson.refresh()
    assert grid.profile == "large-urban" and coalition.profile == "large-urban"
    partners.sample_button.click()
    assert "large-urban-partners.csv" in text(partners.import_result)
    assert set(store.load().maps) == {f"{MODULE}/partners"}

"""Tests for CSV import and export of the mapping tools: every bad-file situation, round trips."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from engage.mapping import (
    COLUMNS,
    KINDS,
    Asset,
    AssetMap,
    CsvProblem,
    Partner,
    PartnerNetwork,
    Relationship,
    StakeholderGrid,
    StakeholderRating,
    export_csv,
    export_csv_bytes,
    import_assets,
    import_csv,
    import_partners,
    import_stakeholders,
    template_csv,
)
from engage.mapping.csvio import MAX_CSV_BYTES
from engage.profiles import PROFILE_IDS

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "tests" / "fixtures" / "mapping"
EXPECTED: dict[str, dict] = YAML(typ="safe").load(FIXTURES / "expected.yml")
SAMPLES = REPO / "modules" / "10-community-mapping" / "data"

ASSETS = AssetMap(
    assets=[
        Asset(
            name="Oak Street Library",
            category="institutions",
            description="Meeting room, wifi; printers",
            contact="555-0101",
        ),
        Asset(
            name="Maple Street Quilters",
            category="associations",
            description='Teach "quilting"\non Tuesdays',
            notes="=not a formula",
        ),
        Asset(name="Café Ami", category="economic", contact="ami@example.org"),
        Asset(name="Grange Hall", category="physical"),
    ],
    links=[
        ("Oak Street Library", "Maple Street Quilters"),
        ("Grange Hall", "Maple Street Quilters"),
        ("Café Ami", "Oak Street Library"),
    ],
)
GRID = StakeholderGrid(
    ratings=[
        StakeholderRating(name="County Board", power=5, interest=2, round="2025-02"),
        StakeholderRating(
            name="Friends, the group", power=2, interest=5, round="2025-02", contact="f@example.org"
        ),
        StakeholderRating(
            name="County Board", power=5, interest=4, round="2025-09", role="elected", notes="+1"
        ),
    ]
)
NETWORK = PartnerNetwork(
    partners=[
        Partner(name="Library", sector="library", contact="555-0101"),
        Partner(name="Food Pantry: East", sector="nonprofit"),
        Partner(name="Schools"),
    ],
    relationships=[
        Relationship(a="Library", b="Food Pantry: East", level="cooperating"),
        Relationship(a="Schools", b="Food Pantry: East", level="networking"),
    ],
)


def kind_of(name: str) -> str:
    return name.split("_")[0]


# --------------------------------------------------------------------------- fixtures


def test_every_fixture_has_expectations_and_every_expectation_a_fixture():
    """Is each CSV fixture listed in expected.yml, and each listed file present?"""
    files = {p.name for p in FIXTURES.glob("*.csv")}
    assert files == set(EXPECTED)
    assert {kind_of(name) for name in files} == set(KINDS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_fixture_gives_exactly_its_problems(name: str):
    """Does importing each fixture keep the good rows and report exactly the expected problems?"""
    expected = EXPECTED[name]
    result = import_csv(kind_of(name), (FIXTURES / name).read_bytes(), name)
    assert [str(p) for p in result.errors] == expected["errors"]
    assert [str(p) for p in result.warnings] == expected["warnings"]
    assert len(result.items) == expected["imported"]


def test_the_issue_example_message():
    """Is a misspelt category reported exactly as the issue describes?"""
    data = (FIXTURES / "assets_unknown_category.csv").read_bytes()
    result = import_assets(data, "assets.csv")
    assert [str(p) for p in result.problems] == [
        "assets.csv row 7, column 'category': unknown category 'instituion' "
        "(did you mean 'institutions'?)"
    ]
    problem = result.problems[0]
    assert (problem.row, problem.column, problem.severity) == (7, "category", "error")


def test_rows_are_numbered_as_a_spreadsheet_shows_them():
    """With blank lines and a value spanning two lines, does row N mean spreadsheet row N?"""
    text = 'name,category,description\n\nLibrary,institutions,"two\nlines"\nBand,band,\n'
    result = import_assets(text)
    assert [(p.row, p.column) for p in result.problems] == [(4, "category")]
    assert result.data.assets[0].description == "two\nlines"


def test_good_data_in_encodings_and_separators_is_identical():
    """Do the BOM, UTF-16 tab-separated and header-spelling fixtures give the same assets?"""
    results = [
        import_assets((FIXTURES / name).read_bytes(), name).data
        for name in (
            "assets_byte_order_mark.csv",
            "assets_utf16_tab_separated.csv",
            "assets_header_case_and_spaces.csv",
        )
    ]
    assert results[0] == results[1] == results[2]
    assert len(results[0].links) == 2


def test_windows_1252_text_is_read_correctly_with_a_warning():
    """Does a Windows-1252 file give "Café Ami" (not mojibake) and say it was guessed?"""
    result = import_assets((FIXTURES / "assets_windows_1252.csv").read_bytes())
    assert result.data.assets[0].name == "Café Ami"
    assert result.data.assets[0].description == "Coffee and crêpes"
    assert result.warnings and not result.errors


def test_damaged_utf8_is_shown_not_hidden():
    """Does a stray non-UTF-8 byte become a visible replacement character with a warning?"""
    result = import_assets((FIXTURES / "assets_damaged_utf8.csv").read_bytes())
    assert result.data.assets[0].name == "Café Ami"
    assert "\ufffd" in result.data.assets[1].description
    assert [p.row for p in result.warnings] == [3]


def test_semicolon_file_keeps_semicolon_lists_inside_quotes():
    """In a semicolon-separated file, is a quoted list of links still split into links?"""
    result = import_assets((FIXTURES / "assets_semicolon_separated.csv").read_bytes())
    assert result.data.links_of("Oak Street Library") == ("Grange Hall", "Maple Street Quilters")
    assert result.data.assets[0].description == "Meeting room, wifi and printers"


def test_decimal_comma_and_point_ratings_are_whole_numbers():
    """Are "5.0" and "4,0" (a semicolon file) read as 5 and 4?"""
    data = (FIXTURES / "stakeholders_whole_number_decimals.csv").read_bytes()
    ratings = import_stakeholders(data).data.ratings
    assert [(r.power, r.interest) for r in ratings] == [(5, 2), (1, 4)]


def test_formula_escapes_are_removed_on_import():
    """Do apostrophe-escaped cells ('=1+1) come back as what the learner typed?"""
    result = import_assets((FIXTURES / "assets_formula_cells.csv").read_bytes())
    a = result.data.assets[0]
    assert (a.description, a.contact, a.notes) == ("=1+1", "+1 555 0101", "@home")


@pytest.mark.parametrize(
    "name", ["=SUM(A1)", "+1 Club", "-5 Degrees Swim Club", "@home", "'tis the Season", "'=Art"]
)
def test_names_a_spreadsheet_would_mangle_come_back_as_typed(name):
    """Do names starting with = + - @ or an apostrophe survive export and import unchanged?"""
    data = AssetMap(assets=[Asset(name=name, category="cultural")])
    text = export_csv(data)
    assert f"\n'{name}," in text.replace("\r\n", "\n")
    assert import_assets(text).data == data


def test_partner_relationships_listed_twice_count_once():
    """Is a pair listed on both rows with the same level (any case) one relationship?"""
    result = import_partners((FIXTURES / "partners_same_pair_twice.csv").read_bytes())
    assert len(result.data.relationships) == 1
    assert result.data.relationships[0].level == "cooperating"


@pytest.mark.parametrize(
    "data",
    [
        b"name,category\nLibrary,institutions\n",
        bytearray(b"name,category\nLibrary,institutions\n"),
        memoryview(b"name,category\nLibrary,institutions\n"),
        "\ufeffname,category\nLibrary,institutions\n",
    ],
    ids=["bytes", "bytearray", "memoryview", "str-with-bom"],
)
def test_import_accepts_bytes_memoryview_and_text(data):
    """Can an upload widget's memoryview, bytes or text be imported alike?"""
    result = import_assets(data)
    assert result.ok
    assert result.data.assets[0].name == "Library"


def test_too_big_a_file_is_refused_with_its_size():
    """Is a file over the size limit refused with one clear problem?"""
    data = b"name,category\n" + b"x" * MAX_CSV_BYTES
    result = import_assets(data, "huge.csv")
    assert [str(p) for p in result.problems] == [
        "huge.csv: the file is 1.0 MB; at most 1 MB is accepted"
    ]
    assert result.items == ()


def test_file_name_shown_is_only_the_last_part_without_control_characters():
    """Is a path or a control character in an uploaded file name kept out of messages?"""
    result = import_assets(b"name\n", "C:\\Users\\me\\Desktop\\my\x1b[31massets.csv")
    assert str(result.problems[0]).startswith("my[31massets.csv row 1, column 'category'")


def test_unknown_kind_is_refused():
    """Is an unknown CSV kind an error naming the known ones?"""
    with pytest.raises(ValueError, match="use one of assets, stakeholders, partners"):
        import_csv("contacts", b"")
    with pytest.raises(ValueError, match="unknown CSV kind"):
        template_csv("contacts")


def test_problem_strings_without_row_or_column():
    """Does str(problem) leave out the row or column when there is none?"""
    assert str(CsvProblem("a.csv", None, None, "bad")) == "a.csv: bad"
    assert str(CsvProblem("a.csv", 3, None, "bad")) == "a.csv row 3: bad"
    assert str(CsvProblem("a.csv", None, "name", "bad")) == "a.csv column 'name': bad"


def test_summary_counts_rows_and_problems():
    """Does the summary say how many rows were imported and how many problems there were?"""
    data = (FIXTURES / "assets_unknown_column.csv").read_bytes()
    result = import_assets(data, "assets.csv")
    assert result.summary() == (
        "Imported 2 of 2 rows from assets.csv; 2 problems (1 error and 1 warning)."
    )
    clean = import_assets(b"name,category\nA,physical\n", "a.csv")
    assert clean.summary() == "Imported 1 of 1 row from a.csv."


# --------------------------------------------------------------------------- export


@pytest.mark.parametrize(
    ("data", "importer"),
    [(ASSETS, import_assets), (GRID, import_stakeholders), (NETWORK, import_partners)],
    ids=["assets", "stakeholders", "partners"],
)
def test_export_then_import_gives_the_same_data(data, importer):
    """Does export → import (text and downloadable bytes) give back equal data, contacts too?"""
    for exported in (
        export_csv(data, include_contacts=True),
        export_csv_bytes(data, include_contacts=True),
    ):
        result = importer(exported)
        assert result.problems == ()
        assert result.data == data


@pytest.mark.parametrize(
    "data", [ASSETS, GRID, NETWORK], ids=["assets", "stakeholders", "partners"]
)
def test_contacts_are_left_out_unless_chosen(data):
    """Does an export leave out the contact column by default, and only that?"""
    text = export_csv(data)
    header = next(csv.reader(io.StringIO(text)))
    assert "contact" not in header
    assert "@example.org" not in text and "555-0101" not in text
    with_contacts = next(csv.reader(io.StringIO(export_csv(data, include_contacts=True))))
    assert [c for c in with_contacts if c != "contact"] == header


def test_export_without_contacts_reimports_equal_but_for_contacts():
    """Is a shared export, imported again, the same map without contact details?"""
    again = import_assets(export_csv(ASSETS)).data
    assert again == AssetMap(
        assets=[a.model_copy(update={"contact": ""}) for a in ASSETS.assets], links=ASSETS.links
    )


def test_export_escapes_formulas_and_writes_a_bom_for_spreadsheets():
    """Are cells starting with = + - @ escaped, and is the download UTF-8 with a BOM?"""
    text = export_csv(ASSETS)
    assert ",'=not a formula" in text
    assert "\n=" not in text and ",=" not in text
    raw = export_csv_bytes(ASSETS)
    assert raw.startswith(b"\xef\xbb\xbf")
    assert "Café Ami".encode() in raw


def test_links_and_relationships_are_written_once():
    """Is each link written on one row only, on the row of the asset listed first?"""
    rows = list(csv.DictReader(io.StringIO(export_csv(ASSETS))))
    links = {row["name"]: row["links_to"] for row in rows}
    assert links == {
        "Oak Street Library": "Maple Street Quilters; Café Ami",
        "Maple Street Quilters": "Grange Hall",
        "Café Ami": "",
        "Grange Hall": "",
    }
    rows = list(csv.DictReader(io.StringIO(export_csv(NETWORK))))
    assert rows[0]["relationships"] == "Food Pantry: East: cooperating"
    assert rows[1]["relationships"] == "Schools: networking"


def test_export_refuses_other_objects():
    """Is exporting something that is not a map a TypeError?"""
    with pytest.raises(TypeError, match="cannot export list as CSV"):
        export_csv([])


# --------------------------------------------------------------------------- templates


@pytest.mark.parametrize("kind", KINDS)
def test_template_has_every_documented_column(kind):
    """Is the template's header the documented columns, and does it import with no problem?"""
    text = template_csv(kind)
    assert text.splitlines() == [",".join(c.name for c in COLUMNS[kind])]
    result = import_csv(kind, text)
    assert result.problems == () and result.items == ()
    assert all(c.description.strip() for c in COLUMNS[kind])


@pytest.mark.parametrize("kind", KINDS)
def test_template_example_row_has_a_value_in_every_column(kind):
    """Does the example template add one row with a value for every column?"""
    rows = list(csv.reader(io.StringIO(template_csv(kind, example=True))))
    assert len(rows) == 2
    assert all(rows[1])


def test_columns_match_the_models():
    """Does every documented column (bar the lists) match a field of its model, contact personal?"""
    fields = {
        "assets": set(Asset.model_fields) | {"links_to"},
        "stakeholders": set(StakeholderRating.model_fields),
        "partners": set(Partner.model_fields) | {"relationships"},
    }
    for kind in KINDS:
        assert {c.name for c in COLUMNS[kind]} == fields[kind]
        assert [c.name for c in COLUMNS[kind] if c.personal] == ["contact"]


def test_module_docstring_documents_every_column():
    """Does the csvio module docstring name every column of every tool?"""
    import engage.mapping.csvio as csvio

    doc = csvio.__doc__ or ""
    for kind in KINDS:
        assert f"{kind}.csv" in doc
        for column in COLUMNS[kind]:
            assert f"``{column.name}``" in doc


# --------------------------------------------------------------------------- samples


SAMPLE_RANGES = {"assets": (15, 30), "stakeholders": (8, 15), "partners": (6, 10)}


@pytest.mark.parametrize("profile", PROFILE_IDS)
@pytest.mark.parametrize("kind", KINDS)
def test_sample_data_imports_with_no_problem(profile, kind):
    """Does each profile's sample file import cleanly, with a realistic number of entries?"""
    path = SAMPLES / f"{profile}-{kind}.csv"
    result = import_csv(kind, path.read_bytes(), path.name)
    assert result.problems == ()
    data = result.data
    count = {
        "assets": lambda: len(data.assets),
        "stakeholders": lambda: len(data.names()),
        "partners": lambda: len(data.partners),
    }[kind]()
    low, high = SAMPLE_RANGES[kind]
    assert low <= count <= high
    if kind == "stakeholders":
        assert data.changes(), "some stakeholder should be rated in two rounds"
    if kind in ("assets", "partners"):
        assert data.links if kind == "assets" else data.relationships, "no links"


def test_sample_folder_says_the_data_is_fictional():
    """Does the data folder's README say the sample data is fictional, with only samples beside?"""
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    assert "(fictional)" in readme.splitlines()[0]
    names = {p.name for p in SAMPLES.iterdir()}
    expected = {f"{p}-{k}.csv" for p in PROFILE_IDS for k in KINDS} | {"README.md"}
    assert names == expected


def test_sample_contacts_are_reserved_fictional_ones():
    """Do sample contacts use only 555-01xx numbers and example.* addresses?"""
    for path in SAMPLES.glob("*.csv"):
        for row in csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))):
            contact = row.get("contact", "")
            for number in re.findall(r"\d{3}-\d{4}", contact):
                assert number.startswith("555-01"), (path.name, contact)
            for domain in re.findall(r"@([\w.-]+)", contact):
                assert re.search(r"(^|\.)example\.(org|com|gov|net)$", domain), (path.name, contact)

"""Tests for the mapping data models: assets, stakeholders, partners, summaries and alt text."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from engage.mapping import (
    ASSET_CATEGORIES,
    HIGH_FROM,
    LEVELS,
    QUADRANTS,
    STRATEGIES,
    Asset,
    AssetMap,
    Partner,
    PartnerNetwork,
    Relationship,
    StakeholderGrid,
    StakeholderRating,
    asset_map_alt_text,
    level_rank,
    partner_network_alt_text,
    quadrant,
    stakeholder_change_alt_text,
    stakeholder_grid_alt_text,
)
from engage.mapping._text import join_words, name_key, suggest, truncate
from engage.mapping.stakeholders import order_rounds


def asset(name: str, category: str = "institutions", **extra: str) -> Asset:
    return Asset(name=name, category=category, **extra)


def rating(name: str, power: int, interest: int, round: str = "", **extra) -> StakeholderRating:
    return StakeholderRating(name=name, power=power, interest=interest, round=round, **extra)


# The example of the course's issue: 12 assets, 5 links, no economic assets.
SPEC_MAP = AssetMap(
    assets=[
        asset("Town Library"),
        asset("School District"),
        asset("Health Clinic"),
        asset("Parks Department"),
        asset("Quilters", "associations"),
        asset("Fire Company Auxiliary", "associations"),
        asset("Garden Club", "associations"),
        asset("Retired carpenter", "individuals"),
        asset("Bilingual volunteer", "individuals"),
        asset("Grange Hall", "physical"),
        asset("Creek Trail", "physical"),
        asset("Harvest Festival", "cultural"),
    ],
    links=[
        ("Town Library", "Quilters"),
        ("Town Library", "School District"),
        ("Grange Hall", "Quilters"),
        ("Harvest Festival", "Garden Club"),
        ("Health Clinic", "Bilingual volunteer"),
    ],
)


# --------------------------------------------------------------------------- text helpers


def test_names_match_whatever_their_case_and_spacing():
    """Are "Oak  Street Library" and "oak street library" the same name?"""
    assert name_key("Oak  Street Library") == name_key(" oak street library ")
    assert name_key("Oak Street Library") != name_key("Oak Street Libraries")


def test_join_words_reads_naturally():
    """Are lists joined as "a", "a and b", "a, b and c"?"""
    assert join_words([]) == ""
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b"], "or") == "a or b"
    assert join_words(["a", "b", "c"]) == "a, b and c"


def test_suggest_finds_the_closest_choice_or_nothing():
    """Does a typo get a suggestion and nonsense none?"""
    assert suggest("instituion", ASSET_CATEGORIES) == "institutions"
    assert suggest("xyzzy", ASSET_CATEGORIES) is None


def test_truncate_keeps_short_text_and_cuts_long_text_at_a_word():
    """Is a long label cut at a word boundary with an ellipsis, and a short one kept?"""
    assert truncate("Grange Hall", 20) == "Grange Hall"
    assert truncate("Pine Hollow County Library and Archive", 20) == "Pine Hollow County…"


# --------------------------------------------------------------------------- assets


def test_counts_by_category_and_gaps():
    """Are assets counted per category, zero included, with the empty categories as gaps?"""
    counts = SPEC_MAP.counts_by_category()
    assert list(counts) == list(ASSET_CATEGORIES)
    assert counts == {
        "individuals": 2,
        "associations": 3,
        "institutions": 4,
        "physical": 2,
        "economic": 0,
        "cultural": 1,
    }
    assert SPEC_MAP.gaps() == ("economic",)
    assert AssetMap().gaps() == ASSET_CATEGORIES


def test_asset_alt_text_matches_the_issue_example():
    """Does the alt text open exactly like the example in the issue?"""
    text = asset_map_alt_text(SPEC_MAP)
    assert text.startswith(
        "12 assets: 4 institutions, 3 associations, 2 individuals, 2 physical, 1 cultural; "
        "no economic assets yet. 5 links."
    )
    assert "Most connected: Town Library and Quilters (2 links)." in text


def test_asset_alt_text_for_one_and_for_none():
    """Does the alt text say "1 asset", name every gap, and say when the map is empty?"""
    one = AssetMap(assets=[asset("Town Library")])
    assert asset_map_alt_text(one) == (
        "1 asset: 1 institution; no individual, association, physical, economic or cultural "
        "assets yet. No links yet. Institutions: Town Library."
    )
    assert asset_map_alt_text(AssetMap()) == "No assets yet: the asset map is empty."


def test_duplicate_asset_names_are_refused():
    """Is a second asset with the same name (in other case) refused with the name?"""
    with pytest.raises(ValidationError, match="the name 'town library' is used twice"):
        AssetMap(assets=[asset("Town Library"), asset("town library", "physical")])


def test_links_are_canonical_so_equal_maps_compare_equal():
    """Are links rewritten with the assets' spelling, ordered and deduplicated?"""
    a = AssetMap(
        assets=[asset("Town Library"), asset("Quilters", "associations")],
        links=[("quilters", "TOWN LIBRARY"), ("Town Library", "Quilters")],
    )
    b = AssetMap(
        assets=[asset("Town Library"), asset("Quilters", "associations")],
        links=[("Town Library", "Quilters")],
    )
    assert a.links == (("Quilters", "Town Library"),)
    assert a == b


@pytest.mark.parametrize(
    ("links", "message"),
    [
        ([("Town Library", "Nowhere")], "a link names 'Nowhere', which is not an asset"),
        ([("Town Library", "town library")], "'Town Library' cannot be linked to itself"),
    ],
)
def test_bad_links_are_refused(links, message):
    """Is a link to an unknown asset, or from an asset to itself, refused?"""
    with pytest.raises(ValidationError, match=message):
        AssetMap(assets=[asset("Town Library")], links=links)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", "name must not be empty"),
        ("x" * 121, "121 characters long; at most 120"),
        ("Arts; Crafts", "must not contain ';'"),
    ],
)
def test_bad_names_are_refused(name, message):
    """Is an empty, overlong or semicolon-bearing name refused with the reason?"""
    with pytest.raises(ValidationError, match=message):
        asset(name)


def test_text_is_cleaned():
    """Are names made one line and control characters removed from descriptions?"""
    a = asset("  Town\tLibrary\n", description="Line one\r\nLine two\x07  \n\n")
    assert a.name == "Town Library"
    assert a.description == "Line one\nLine two"


def test_with_and_without_asset_and_links():
    """Do the change helpers add, replace, remove and link without touching the original?"""
    base = AssetMap(assets=[asset("Town Library"), asset("Quilters", "associations")])
    linked = base.with_link("Town Library", "Quilters")
    assert linked.links_of("town library") == ("Quilters",)
    assert base.links == ()
    with pytest.raises(ValueError, match="already an asset called 'Town Library'"):
        base.with_asset(asset("town library", "physical"))
    replaced = linked.with_asset(asset("Town Library", "physical"), replace=True)
    assert replaced.get("Town Library").category == "physical"
    assert replaced.links == linked.links
    assert linked.without_link("Quilters", "Town Library").links == ()
    removed = linked.without_asset("Quilters")
    assert [a.name for a in removed.assets] == ["Town Library"]
    assert removed.links == ()


@pytest.mark.parametrize(
    "model",
    [
        SPEC_MAP,
        StakeholderGrid(ratings=[rating("Mayor", 5, 2, "2025-01", contact="x@example.org")]),
        PartnerNetwork(
            partners=[Partner(name="Library"), Partner(name="Pantry", sector="nonprofit")],
            relationships=[Relationship(a="Pantry", b="Library", level="cooperating")],
        ),
    ],
    ids=["assets", "stakeholders", "partners"],
)
def test_models_round_trip_through_plain_json(model):
    """Does each map turn into plain JSON and back into an equal object?"""
    data = model.to_dict()
    text = json.dumps(data)
    again = type(model).from_dict(json.loads(text))
    assert again == model
    assert data["schema_version"] == 1


def test_stored_data_with_unknown_keys_is_refused():
    """Is a stored dict with an unknown key refused rather than silently dropped?"""
    with pytest.raises(ValidationError, match="colour"):
        AssetMap.from_dict({"assets": [{"name": "A", "category": "physical", "colour": "red"}]})


# --------------------------------------------------------------------------- stakeholders


@pytest.mark.parametrize(
    ("power", "interest", "expected"),
    [
        (5, 5, "manage-closely"),
        (3, 3, "manage-closely"),
        (3, 2, "keep-satisfied"),
        (5, 1, "keep-satisfied"),
        (2, 3, "keep-informed"),
        (1, 5, "keep-informed"),
        (2, 2, "monitor"),
        (1, 1, "monitor"),
    ],
)
def test_quadrants_with_three_counting_as_high(power, interest, expected):
    """Does each rating land in the documented quadrant, 3 counting as high?"""
    assert HIGH_FROM == 3
    assert quadrant(power, interest) == expected
    assert rating("X", power, interest).quadrant == expected


def test_every_quadrant_has_a_strategy():
    """Is there a strategy label for each of the four quadrants?"""
    assert set(STRATEGIES) == set(QUADRANTS)
    assert STRATEGIES["keep-satisfied"] == "Keep satisfied"
    assert rating("X", 1, 1).strategy == "Monitor"


@pytest.mark.parametrize("bad", [0, 6, 7, True, 3.5, "3"])
def test_ratings_outside_one_to_five_are_refused(bad):
    """Are power 0, 6, 7, booleans, fractions and strings refused?"""
    with pytest.raises(ValidationError):
        rating("X", bad, 3)
    with pytest.raises(ValueError, match="power must be a whole number from 1 to 5"):
        quadrant(bad, 3)


def test_rounds_are_ordered_by_date_when_all_are_dates():
    """Are date rounds sorted by date, and named rounds kept in first-seen order?"""
    assert order_rounds(["2025-09", "2025-02-15", "2025-02-15", "2024"]) == (
        "2024",
        "2025-02-15",
        "2025-09",
    )
    assert order_rounds(["Before", "After", "before"]) == ("Before", "After")
    assert order_rounds(["After", "", "2025-01"]) == ("", "After", "2025-01")


def test_history_latest_and_changes():
    """Does the grid give each stakeholder's history in round order, latest and changes?"""
    grid = StakeholderGrid(
        ratings=[
            rating("Council", 5, 3, "2025-09"),
            rating("Friends", 2, 5, "2025-02"),
            rating("Council", 5, 2, "2025-02"),
            rating("Teens", 1, 4, "2025-02"),
            rating("Teens", 1, 4, "2025-09"),
        ]
    )
    assert grid.rounds() == ("2025-02", "2025-09")
    assert grid.names() == ("Council", "Friends", "Teens")
    assert [r.round for r in grid.history("council")] == ["2025-02", "2025-09"]
    assert [(r.name, r.interest) for r in grid.latest()] == [
        ("Council", 3),
        ("Friends", 5),
        ("Teens", 4),
    ]
    changes = grid.changes()
    assert [c.name for c in changes] == ["Council", "Teens"]
    assert changes[0].moved_quadrant and changes[0].moved
    assert not changes[1].moved
    assert changes[0].describe() == (
        "Council: keep satisfied → manage closely (power 5 → 5, interest 2 → 3)"
    )
    assert grid.counts_by_quadrant() == {
        "manage-closely": 1,
        "keep-satisfied": 0,
        "keep-informed": 2,
        "monitor": 0,
    }
    assert len(grid.in_round("2025-02")) == 3


def test_a_stakeholder_rated_twice_in_one_round_is_refused():
    """Is the same person rated twice in the same round refused?"""
    with pytest.raises(ValidationError, match="'mayor' is rated twice in round 'r1'"):
        StakeholderGrid(ratings=[rating("Mayor", 5, 2, "R1"), rating("mayor", 4, 2, "r1")])


def test_stakeholder_alt_texts():
    """Do the grid and change alt texts give the counts and the moves?"""
    grid = StakeholderGrid(
        ratings=[
            rating("Council", 5, 2, "R1"),
            rating("Council", 5, 4, "R2"),
            rating("Teens", 1, 4, "R1"),
            rating("Courier", 1, 1, "R1"),
        ]
    )
    text = stakeholder_grid_alt_text(grid)
    assert text.startswith("3 stakeholders: 1 to manage closely, 1 to keep informed, 1 to monitor.")
    assert "Manage closely: Council (power 5, interest 4)." in text
    assert text.endswith("3 and above count as high.")
    change = stakeholder_change_alt_text(grid)
    assert change.startswith("1 of 3 stakeholders was rated more than once (R1 → R2): 1 changed")
    assert "Council: keep satisfied → manage closely" in change
    assert stakeholder_grid_alt_text(StakeholderGrid()).startswith("No stakeholders yet")
    assert "None of the 1 stakeholder" in stakeholder_change_alt_text(
        StakeholderGrid(ratings=[rating("Mayor", 5, 5)])
    )


# --------------------------------------------------------------------------- partners


NETWORK = PartnerNetwork(
    partners=[
        Partner(name="Library"),
        Partner(name="Pantry"),
        Partner(name="Schools"),
        Partner(name="Credit Union"),
    ],
    relationships=[
        Relationship(a="Library", b="Pantry", level="collaborating"),
        Relationship(a="schools", b="library", level="coordinating"),
        Relationship(a="Pantry", b="Schools", level="networking"),
    ],
)


def test_levels_are_in_increasing_order_of_commitment():
    """Is the continuum networking < coordinating < cooperating < collaborating?"""
    assert LEVELS == ("networking", "coordinating", "cooperating", "collaborating")
    assert [level_rank(level) for level in LEVELS] == [1, 2, 3, 4]
    with pytest.raises(ValueError, match="unknown relationship level 'partnering'"):
        level_rank("partnering")


def test_network_summaries():
    """Are levels counted, degrees computed, isolated partners found and pairs looked up?"""
    assert NETWORK.counts_by_level() == {
        "networking": 1,
        "coordinating": 1,
        "cooperating": 0,
        "collaborating": 1,
    }
    assert NETWORK.degree() == {"Library": 2, "Pantry": 2, "Schools": 2, "Credit Union": 0}
    assert NETWORK.isolated() == ("Credit Union",)
    assert NETWORK.level_between("SCHOOLS", "Library") == "coordinating"
    assert NETWORK.level_between("Credit Union", "Library") is None
    names = [(r.a, r.b) for r in NETWORK.relationships]
    assert ("Library", "Schools") in names  # rewritten with the partners' spelling


@pytest.mark.parametrize(
    ("relationships", "message"),
    [
        ([Relationship(a="Library", b="Town Hall", level="networking")], "'Town Hall'"),
        ([Relationship(a="Library", b="library", level="networking")], "with itself"),
        (
            [
                Relationship(a="Library", b="Pantry", level="networking"),
                Relationship(a="Pantry", b="Library", level="cooperating"),
            ],
            "more than one relationship",
        ),
    ],
)
def test_bad_relationships_are_refused(relationships, message):
    """Are relationships to unknown partners, to oneself, or twice per pair refused?"""
    with pytest.raises(ValidationError, match=message):
        PartnerNetwork(
            partners=[Partner(name="Library"), Partner(name="Pantry")],
            relationships=relationships,
        )


def test_network_change_helpers():
    """Do the helpers add partners and set, change and remove relationships?"""
    net = NETWORK.with_partner(Partner(name="Museum"))
    net = net.with_relationship("Museum", "Library", "cooperating")
    assert net.level_between("Library", "Museum") == "cooperating"
    net = net.with_relationship("Library", "Museum", "collaborating")
    assert net.level_between("Library", "Museum") == "collaborating"
    assert (
        net.with_relationship("Library", "Museum", None).level_between("Library", "Museum") is None
    )
    with pytest.raises(ValueError, match="already a partner called 'Library'"):
        net.with_partner(Partner(name="library"))
    smaller = net.without_partner("Pantry")
    assert smaller.get("Pantry") is None
    assert all("Pantry" not in (r.a, r.b) for r in smaller.relationships)


def test_partner_alt_text():
    """Does the partner alt text give counts by level, the hub and the unconnected?"""
    text = partner_network_alt_text(NETWORK)
    assert text.startswith(
        "4 partners and 3 relationships: 1 networking, 1 coordinating, 1 collaborating."
    )
    assert "Most connected: Library, Pantry and Schools (2 relationships)." in text
    assert text.endswith("Not yet connected: Credit Union.")
    assert partner_network_alt_text(PartnerNetwork()) == (
        "No partners yet: the partner network is empty."
    )
    assert partner_network_alt_text(PartnerNetwork(partners=[Partner(name="A")])) == (
        "1 partner and no relationships between them yet."
    )

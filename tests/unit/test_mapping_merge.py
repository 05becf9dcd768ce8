"""Tests for merging imported mapping data into what the learner has, losing nothing."""

from __future__ import annotations

import pytest

from engage.mapping import (
    Asset,
    AssetMap,
    Partner,
    PartnerNetwork,
    Relationship,
    StakeholderGrid,
    StakeholderRating,
    export_csv,
    import_assets,
    merge,
)

MINE = AssetMap(
    assets=[
        Asset(name="Oak Street Library", category="institutions", contact="555-0101"),
        Asset(name="Grange Hall", category="physical", description="Hall for 150"),
        Asset(name="Quilters", category="associations"),
    ],
    links=[("Oak Street Library", "Quilters")],
)
THEIRS = AssetMap(
    assets=[
        Asset(name="oak street library", category="institutions", description="Room for 40"),
        Asset(name="Grange Hall", category="economic", description="Rented for weddings"),
        Asset(name="Harvest Festival", category="cultural"),
        Asset(name="Quilters", category="associations"),
    ],
    links=[("Grange Hall", "Harvest Festival"), ("Quilters", "Oak Street Library")],
)


def test_merge_is_the_union_and_keeps_what_exists():
    """Does a merge add new assets and links and keep every existing entry and link?"""
    result = merge(MINE, THEIRS)
    names = [a.name for a in result.data.assets]
    assert names == ["Oak Street Library", "Grange Hall", "Quilters", "Harvest Festival"]
    assert result.added == ("Harvest Festival",)
    assert result.links_added == 1
    assert set(result.data.links) == {
        ("Oak Street Library", "Quilters"),
        ("Grange Hall", "Harvest Festival"),
    }
    grange = result.data.get("Grange Hall")
    assert (grange.category, grange.description) == ("physical", "Hall for 150")


def test_empty_details_are_filled_and_imported_blanks_erase_nothing():
    """Is an empty description filled from the file, and a contact kept when the file has none?"""
    result = merge(MINE, THEIRS)
    library = result.data.get("Oak Street Library")
    assert library.description == "Room for 40"
    assert library.contact == "555-0101"
    assert result.filled == ("Oak Street Library",)


def test_conflicts_are_reported_with_each_difference():
    """Is a same-name asset with different details a conflict that names each difference?"""
    result = merge(MINE, THEIRS)
    assert len(result.conflicts) == 1
    conflict = result.conflicts[0]
    assert (conflict.kind, conflict.key, conflict.replaced) == ("asset", "Grange Hall", False)
    assert [(d.field, d.existing, d.imported) for d in conflict.differences] == [
        ("category", "physical", "economic"),
        ("description", "Hall for 150", "Rented for weddings"),
    ]
    assert str(conflict) == (
        "asset 'Grange Hall': category 'physical' here, 'economic' in the file; description "
        "'Hall for 150' here, 'Rented for weddings' in the file; kept yours"
    )


@pytest.mark.parametrize("replace", [True, ["grange hall"], ("Grange Hall",)])
def test_replace_takes_the_files_version(replace):
    """When told to replace (all, or by key in any case), does the file's version win?"""
    result = merge(MINE, THEIRS, replace=replace)
    grange = result.data.get("Grange Hall")
    assert (grange.category, grange.description) == ("economic", "Rented for weddings")
    assert result.conflicts[0].replaced
    assert "took the file's" in str(result.conflicts[0])


def test_replace_by_other_keys_keeps_mine():
    """Does naming a different key leave this conflict as it was?"""
    result = merge(MINE, THEIRS, replace=["Quilters"])
    assert result.data.get("Grange Hall").category == "physical"


def test_merging_the_same_data_changes_nothing():
    """Does merging a map into itself give the same map and say there was nothing new?"""
    result = merge(MINE, MINE)
    assert result.data == MINE
    assert (result.added, result.filled, result.conflicts) == ((), (), ())
    assert result.summary() == ["Nothing new: the file holds nothing your map lacks."]


def test_merging_a_shared_export_back_loses_no_contact():
    """Is a contact-free export, imported and merged back, the original map exactly?"""
    imported = import_assets(export_csv(MINE)).data
    result = merge(MINE, imported)
    assert result.data == MINE
    assert result.conflicts == ()


def test_summary_sentences():
    """Does the summary say what was added, filled and kept?"""
    assert merge(MINE, THEIRS).summary() == [
        "Added 1 entry from the file.",
        "Added 1 link from the file.",
        "Filled in empty details of 1 entry.",
        "Kept your version of 1 entry that the file has differently.",
    ]


def test_stakeholders_merge_by_name_and_round():
    """Are ratings matched by name and round, a new round added, a changed rating a conflict?"""
    mine = StakeholderGrid(
        ratings=[StakeholderRating(name="Mayor", power=5, interest=2, round="R1")]
    )
    theirs = StakeholderGrid(
        ratings=[
            StakeholderRating(name="mayor", power=5, interest=3, round="r1"),
            StakeholderRating(name="Mayor", power=5, interest=4, round="R2"),
        ]
    )
    result = merge(mine, theirs)
    assert result.added == ("Mayor (R2)",)
    assert [c.key for c in result.conflicts] == ["Mayor (R1)"]
    assert result.data.history("Mayor")[0].interest == 2
    replaced = merge(mine, theirs, replace=["Mayor (R1)"])
    assert replaced.data.history("Mayor")[0].interest == 3


def test_partners_and_relationships_merge():
    """Are partners and relationships merged, a changed level a conflict kept unless replaced?"""
    mine = PartnerNetwork(
        partners=[Partner(name="Library"), Partner(name="Pantry")],
        relationships=[Relationship(a="Library", b="Pantry", level="coordinating")],
    )
    theirs = PartnerNetwork(
        partners=[Partner(name="Pantry", sector="nonprofit"), Partner(name="Schools")],
        relationships=[Relationship(a="pantry", b="schools", level="networking")],
    )
    theirs_library = PartnerNetwork(
        partners=[Partner(name="Library"), Partner(name="Pantry")],
        relationships=[Relationship(a="Pantry", b="Library", level="collaborating")],
    )
    result = merge(mine, theirs)
    assert [p.name for p in result.data.partners] == ["Library", "Pantry", "Schools"]
    assert result.data.get("Pantry").sector == "nonprofit"
    assert result.data.level_between("Pantry", "Schools") == "networking"
    assert result.data.level_between("Library", "Pantry") == "coordinating"
    conflict = merge(mine, theirs_library).conflicts[0]
    assert (conflict.kind, conflict.key) == ("relationship", "Library ↔ Pantry")
    replaced = merge(mine, theirs_library, replace=[conflict.key])
    assert replaced.data.level_between("Library", "Pantry") == "collaborating"


def test_merging_different_kinds_is_refused():
    """Is merging a stakeholder grid into an asset map a TypeError?"""
    with pytest.raises(TypeError, match="cannot merge StakeholderGrid into AssetMap"):
        merge(MINE, StakeholderGrid())


def test_merge_leaves_its_inputs_unchanged():
    """Are the existing and imported maps untouched by a merge?"""
    before_mine, before_theirs = MINE.to_dict(), THEIRS.to_dict()
    merge(MINE, THEIRS, replace=True)
    assert (MINE.to_dict(), THEIRS.to_dict()) == (before_mine, before_theirs)

"""The community asset map: ABCD assets by category, the links between them, and summaries."""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import ValidationInfo, field_validator

from engage.mapping._base import DATA_VERSION, LongText, MappingModel, Name, ShortText
from engage.mapping._text import join_words, name_key, name_list, plural

AssetCategory = Literal[
    "individuals", "associations", "institutions", "physical", "economic", "cultural"
]
"""The asset categories of Asset-Based Community Development (ABCD).

The classic three building blocks (individuals, associations, institutions) and the three
that extended lists add (physical places and things, the local economy, culture and stories).
"""

ASSET_CATEGORIES: tuple[AssetCategory, ...] = get_args(AssetCategory)
"""The categories in the order they are shown."""

CATEGORY_ADJECTIVES: dict[AssetCategory, str] = {
    "individuals": "individual",
    "associations": "association",
    "institutions": "institution",
    "physical": "physical",
    "economic": "economic",
    "cultural": "cultural",
}
"""How each category reads before a noun: "no *economic* assets yet"."""

_PLURAL_NOUNS = {"individuals", "associations", "institutions"}


def category_count(category: AssetCategory, count: int) -> str:
    """Return a count with its category as a reader expects: "1 institution", "2 physical".

    Args:
        category: The asset category.
        count: How many assets of it.

    Returns:
        The phrase.
    """
    if category in _PLURAL_NOUNS:
        return plural(count, CATEGORY_ADJECTIVES[category], category)
    return f"{count} {category}"


class Asset(MappingModel):
    """One community asset: a person's gift, a group, an institution, a place, a business, a story.

    Attributes:
        name: The asset's name, unique in its map (case and spacing do not count).
        category: One of :data:`ASSET_CATEGORIES`.
        description: What the asset offers (optional).
        contact: How to reach it; personal data, left out of exports unless chosen.
        notes: Anything else (optional).
    """

    name: Name
    category: AssetCategory
    description: LongText = ""
    contact: ShortText = ""
    notes: LongText = ""


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if name_key(a) <= name_key(b) else (b, a)


class AssetMap(MappingModel):
    """A community's assets and the links between them.

    Links are unordered pairs of asset names. On validation each link is rewritten with the
    names as the assets spell them, put in a fixed order, and duplicates are dropped, so
    two maps with the same assets and links compare equal.

    Attributes:
        schema_version: Format version of the stored data.
        assets: The assets, in the order the learner added them.
        links: Pairs of asset names.
    """

    schema_version: Literal[1] = DATA_VERSION
    assets: tuple[Asset, ...] = ()
    links: tuple[tuple[Name, Name], ...] = ()

    @field_validator("assets")
    @classmethod
    def _unique_names(cls, assets: tuple[Asset, ...]) -> tuple[Asset, ...]:
        seen: dict[str, str] = {}
        for asset in assets:
            key = name_key(asset.name)
            if key in seen:
                raise ValueError(f"the name '{asset.name}' is used twice")
            seen[key] = asset.name
        return assets

    @field_validator("links")
    @classmethod
    def _known_links(
        cls, links: tuple[tuple[str, str], ...], info: ValidationInfo
    ) -> tuple[tuple[str, str], ...]:
        assets = info.data.get("assets")
        if assets is None:
            return links
        names = {name_key(a.name): a.name for a in assets}
        out: set[tuple[str, str]] = set()
        for a, b in links:
            for end in (a, b):
                if name_key(end) not in names:
                    raise ValueError(f"a link names '{end}', which is not an asset in the map")
            if name_key(a) == name_key(b):
                raise ValueError(f"'{a}' cannot be linked to itself")
            out.add(_pair(names[name_key(a)], names[name_key(b)]))
        return tuple(sorted(out, key=lambda p: (name_key(p[0]), name_key(p[1]))))

    # ----------------------------------------------------------------- queries

    def get(self, name: str) -> Asset | None:
        """Return the asset with this name (case and spacing do not count), if any.

        Args:
            name: An asset name.

        Returns:
            The asset, or None.
        """
        key = name_key(name)
        return next((a for a in self.assets if name_key(a.name) == key), None)

    def counts_by_category(self) -> dict[AssetCategory, int]:
        """Count the assets in each category.

        Returns:
            Every category (in display order) with its count, zero included.
        """
        counts: dict[AssetCategory, int] = dict.fromkeys(ASSET_CATEGORIES, 0)
        for asset in self.assets:
            counts[asset.category] += 1
        return counts

    def gaps(self) -> tuple[AssetCategory, ...]:
        """Return the categories with no asset yet.

        Returns:
            The empty categories, in display order.
        """
        return tuple(c for c, n in self.counts_by_category().items() if n == 0)

    def by_category(self) -> dict[AssetCategory, tuple[Asset, ...]]:
        """Group the assets by category, keeping their order.

        Returns:
            Every category (in display order) with its assets.
        """
        return {c: tuple(a for a in self.assets if a.category == c) for c in ASSET_CATEGORIES}

    def degree(self) -> dict[str, int]:
        """Count the links of each asset.

        Returns:
            Asset name to number of links, for every asset.
        """
        counts = {a.name: 0 for a in self.assets}
        for a, b in self.links:
            counts[a] += 1
            counts[b] += 1
        return counts

    def links_of(self, name: str) -> tuple[str, ...]:
        """Return the names of the assets linked to one asset.

        Args:
            name: An asset name.

        Returns:
            The linked names, sorted.
        """
        key = name_key(name)
        out = [
            b if name_key(a) == key else a for a, b in self.links if key in map(name_key, (a, b))
        ]
        return tuple(sorted(out, key=name_key))

    # ----------------------------------------------------------------- changes

    def with_asset(self, asset: Asset, *, replace: bool = False) -> AssetMap:
        """Return a map with one more asset (or one asset replaced).

        Args:
            asset: The asset to add.
            replace: Replace an asset of the same name instead of refusing it.

        Returns:
            The new map; this one is unchanged.

        Raises:
            ValueError: If an asset of that name exists and ``replace`` is false.
        """
        key = name_key(asset.name)
        existing = self.get(asset.name)
        if existing is not None and not replace:
            raise ValueError(f"there is already an asset called '{existing.name}'")
        if existing is None:
            return AssetMap(assets=(*self.assets, asset), links=self.links)
        assets = tuple(asset if name_key(a.name) == key else a for a in self.assets)
        links = tuple(
            tuple(asset.name if name_key(end) == key else end for end in pair)
            for pair in self.links
        )
        return AssetMap(assets=assets, links=links)

    def without_asset(self, name: str) -> AssetMap:
        """Return a map without one asset and its links.

        Args:
            name: The asset's name.

        Returns:
            The new map (equal to this one if there is no such asset).
        """
        key = name_key(name)
        return AssetMap(
            assets=tuple(a for a in self.assets if name_key(a.name) != key),
            links=tuple(p for p in self.links if key not in map(name_key, p)),
        )

    def with_link(self, a: str, b: str) -> AssetMap:
        """Return a map with a link between two assets.

        Args:
            a: One asset's name.
            b: The other asset's name.

        Returns:
            The new map.

        Raises:
            ValueError: If either asset is unknown or both are the same.
        """
        return AssetMap(assets=self.assets, links=(*self.links, (a, b)))

    def without_link(self, a: str, b: str) -> AssetMap:
        """Return a map without the link between two assets.

        Args:
            a: One asset's name.
            b: The other asset's name.

        Returns:
            The new map.
        """
        gone = {name_key(a), name_key(b)}
        return AssetMap(
            assets=self.assets,
            links=tuple(p for p in self.links if {name_key(p[0]), name_key(p[1])} != gone),
        )


def asset_map_alt_text(amap: AssetMap) -> str:
    """Describe an asset map in words, as the text alternative of its figure.

    Args:
        amap: The asset map.

    Returns:
        For example "12 assets: 4 institutions, 3 associations, 2 individuals, 2 physical,
        1 cultural; no economic assets yet. 5 links." followed, for small maps, by the names
        in each category and, when there are links, the most connected asset.
    """
    if not amap.assets:
        return "No assets yet: the asset map is empty."
    counts = amap.counts_by_category()
    present = sorted(
        (c for c in ASSET_CATEGORIES if counts[c]),
        key=lambda c: (-counts[c], ASSET_CATEGORIES.index(c)),
    )
    text = plural(len(amap.assets), "asset") + ": "
    text += ", ".join(category_count(c, counts[c]) for c in present)
    gaps = amap.gaps()
    if gaps:
        text += f"; no {join_words([CATEGORY_ADJECTIVES[c] for c in gaps], 'or')} assets yet"
    text += ". " + (plural(len(amap.links), "link") + "." if amap.links else "No links yet.")
    if len(amap.assets) <= 12:
        groups = amap.by_category()
        parts = [f"{c.capitalize()}: {join_words([a.name for a in groups[c]])}." for c in present]
        text += " " + " ".join(parts)
    if amap.links:
        degree = amap.degree()
        top = max(degree.values())
        leaders = [a.name for a in amap.assets if degree[a.name] == top]
        text += f" Most connected: {name_list(leaders, 3)} ({plural(top, 'link')})."
    return text

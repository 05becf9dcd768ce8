"""The partner network: partners and, for each pair, their level on the collaboration continuum.

The continuum (after Arthur Himmelman) has four levels, each asking more shared commitment,
trust and time than the one before: **networking** (exchanging information),
**coordinating** (also adjusting activities for each other), **cooperating** (also sharing
resources) and **collaborating** (also building each other's capacity).
"""

from __future__ import annotations

from typing import Literal, get_args

from pydantic import ValidationInfo, field_validator

from engage.mapping._base import DATA_VERSION, LongText, MappingModel, Name, ShortText
from engage.mapping._text import name_key, name_list, plural

RelationshipLevel = Literal["networking", "coordinating", "cooperating", "collaborating"]
"""A level of the collaboration continuum."""

LEVELS: tuple[RelationshipLevel, ...] = get_args(RelationshipLevel)
"""The levels in increasing order of shared commitment, trust and time."""


def level_rank(level: RelationshipLevel) -> int:
    """Return a level's place on the continuum: 1 for networking up to 4 for collaborating.

    Args:
        level: A relationship level.

    Returns:
        Its rank.

    Raises:
        ValueError: If the level is unknown.
    """
    if level not in LEVELS:
        raise ValueError(f"unknown relationship level {level!r}")
    return LEVELS.index(level) + 1


class Partner(MappingModel):
    """One partner organisation or group (the library itself may be one).

    Attributes:
        name: The partner's name, unique in its network.
        sector: What kind of partner (optional), e.g. "school district" or "nonprofit".
        contact: How to reach them; personal data, left out of exports unless chosen.
        notes: Anything else (optional).
    """

    name: Name
    sector: ShortText = ""
    contact: ShortText = ""
    notes: LongText = ""


class Relationship(MappingModel):
    """How two partners work together.

    Attributes:
        a: One partner's name.
        b: The other partner's name.
        level: Their level on the collaboration continuum.
    """

    a: Name
    b: Name
    level: RelationshipLevel

    def pair_key(self) -> frozenset[str]:
        """Return the unordered pair of name keys, to find the relationship whatever its order.

        Returns:
            The two names' keys.
        """
        return frozenset((name_key(self.a), name_key(self.b)))


class PartnerNetwork(MappingModel):
    """A library's partners and the relationships between them.

    On validation every relationship is rewritten with the names as the partners spell them,
    the two names put in a fixed order, and the relationships sorted, so two networks with
    the same content compare equal. A pair has at most one relationship.

    Attributes:
        schema_version: Format version of the stored data.
        partners: The partners, in the order the learner added them.
        relationships: One entry per related pair.
    """

    schema_version: Literal[1] = DATA_VERSION
    partners: tuple[Partner, ...] = ()
    relationships: tuple[Relationship, ...] = ()

    @field_validator("partners")
    @classmethod
    def _unique_names(cls, partners: tuple[Partner, ...]) -> tuple[Partner, ...]:
        seen: set[str] = set()
        for partner in partners:
            key = name_key(partner.name)
            if key in seen:
                raise ValueError(f"the name '{partner.name}' is used twice")
            seen.add(key)
        return partners

    @field_validator("relationships")
    @classmethod
    def _known_pairs(
        cls, relationships: tuple[Relationship, ...], info: ValidationInfo
    ) -> tuple[Relationship, ...]:
        partners = info.data.get("partners")
        if partners is None:
            return relationships
        names = {name_key(p.name): p.name for p in partners}
        out: dict[frozenset[str], Relationship] = {}
        for rel in relationships:
            for end in (rel.a, rel.b):
                if name_key(end) not in names:
                    raise ValueError(
                        f"a relationship names '{end}', which is not a partner in the network"
                    )
            key = rel.pair_key()
            if len(key) == 1:
                raise ValueError(f"'{rel.a}' cannot have a relationship with itself")
            if key in out:
                raise ValueError(f"'{rel.a}' and '{rel.b}' have more than one relationship")
            a, b = sorted((names[name_key(rel.a)], names[name_key(rel.b)]), key=name_key)
            out[key] = Relationship(a=a, b=b, level=rel.level)
        return tuple(sorted(out.values(), key=lambda r: (name_key(r.a), name_key(r.b))))

    def get(self, name: str) -> Partner | None:
        """Return the partner with this name (case and spacing do not count), if any.

        Args:
            name: A partner name.

        Returns:
            The partner, or None.
        """
        key = name_key(name)
        return next((p for p in self.partners if name_key(p.name) == key), None)

    def level_between(self, a: str, b: str) -> RelationshipLevel | None:
        """Return the relationship level between two partners, if they have one.

        Args:
            a: One partner's name.
            b: The other partner's name.

        Returns:
            The level, or None.
        """
        key = frozenset((name_key(a), name_key(b)))
        return next((r.level for r in self.relationships if r.pair_key() == key), None)

    def counts_by_level(self) -> dict[RelationshipLevel, int]:
        """Count the relationships at each level.

        Returns:
            Every level (in continuum order) with its count, zero included.
        """
        counts: dict[RelationshipLevel, int] = dict.fromkeys(LEVELS, 0)
        for rel in self.relationships:
            counts[rel.level] += 1
        return counts

    def degree(self) -> dict[str, int]:
        """Count each partner's relationships.

        Returns:
            Partner name to number of relationships, for every partner.
        """
        counts = {p.name: 0 for p in self.partners}
        for rel in self.relationships:
            counts[rel.a] += 1
            counts[rel.b] += 1
        return counts

    def isolated(self) -> tuple[str, ...]:
        """Return the partners with no relationship yet.

        Returns:
            Their names, in partner order.
        """
        return tuple(name for name, n in self.degree().items() if n == 0)

    def with_partner(self, partner: Partner) -> PartnerNetwork:
        """Return a network with one more partner.

        Args:
            partner: The partner to add.

        Returns:
            The new network; this one is unchanged.

        Raises:
            ValueError: If a partner of that name exists.
        """
        existing = self.get(partner.name)
        if existing is not None:
            raise ValueError(f"there is already a partner called '{existing.name}'")
        return PartnerNetwork(partners=(*self.partners, partner), relationships=self.relationships)

    def without_partner(self, name: str) -> PartnerNetwork:
        """Return a network without one partner and its relationships.

        Args:
            name: The partner's name.

        Returns:
            The new network.
        """
        key = name_key(name)
        return PartnerNetwork(
            partners=tuple(p for p in self.partners if name_key(p.name) != key),
            relationships=tuple(r for r in self.relationships if key not in r.pair_key()),
        )

    def with_relationship(self, a: str, b: str, level: RelationshipLevel | None) -> PartnerNetwork:
        """Return a network with the relationship between two partners set (or removed).

        Args:
            a: One partner's name.
            b: The other partner's name.
            level: The new level, or None to remove the relationship.

        Returns:
            The new network.

        Raises:
            ValueError: If a partner is unknown, both are the same, or the level is unknown.
        """
        key = frozenset((name_key(a), name_key(b)))
        kept = tuple(r for r in self.relationships if r.pair_key() != key)
        if level is not None:
            kept = (*kept, Relationship(a=a, b=b, level=level))
        return PartnerNetwork(partners=self.partners, relationships=kept)


def partner_network_alt_text(network: PartnerNetwork) -> str:
    """Describe the partner network in words, as the text alternative of its figure.

    Args:
        network: The partner network.

    Returns:
        For example "8 partners and 10 relationships: 1 networking, 4 coordinating,
        3 cooperating, 2 collaborating. Most connected: ... Not yet connected: ..."
    """
    if not network.partners:
        return "No partners yet: the partner network is empty."
    text = plural(len(network.partners), "partner")
    if not network.relationships:
        return text + " and no relationships between them yet."
    counts = network.counts_by_level()
    text += f" and {plural(len(network.relationships), 'relationship')}: "
    text += ", ".join(f"{counts[level]} {level}" for level in LEVELS if counts[level]) + "."
    degree = network.degree()
    top = max(degree.values())
    leaders = [name for name, n in degree.items() if n == top]
    text += f" Most connected: {name_list(leaders, 3)} ({plural(top, 'relationship')})."
    if len(network.relationships) <= 15:
        text += " " + " ".join(f"{r.a} and {r.b}: {r.level}." for r in network.relationships)
    isolated = network.isolated()
    if isolated:
        text += f" Not yet connected: {name_list(list(isolated), 8)}."
    return text

"""Merging imported data into what the learner already has, never losing what was entered.

The rules, the same for the three tools:

- An entry (asset, stakeholder rating, partner, relationship) only in the import is added.
- An entry in both with the same details is left alone.
- An empty detail in the existing entry is filled from the import; an empty detail in the
  import never counts (an export without contact details does not erase contacts).
- Different non-empty details are a **conflict**: the existing entry is kept, unless the
  caller asks to replace it (all conflicts, or the ones whose keys it names).
- Links between assets are a union: merging never removes a link.

Names match whatever their case and spacing; a stakeholder rating is matched by name and
round; a relationship by its pair of partners.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from engage.mapping._text import name_key, plural
from engage.mapping.assets import Asset, AssetMap
from engage.mapping.partners import Partner, PartnerNetwork, Relationship
from engage.mapping.stakeholders import StakeholderGrid, StakeholderRating

__all__ = ["Conflict", "FieldDifference", "MergeResult", "merge"]

T = TypeVar("T", AssetMap, StakeholderGrid, PartnerNetwork)
E = TypeVar("E", Asset, StakeholderRating, Partner, Relationship)
EntryKind = Literal["asset", "stakeholder", "partner", "relationship"]


@dataclass(frozen=True)
class FieldDifference:
    """One detail on which the existing and the imported entry disagree.

    Attributes:
        field: The field's name, e.g. ``category``.
        existing: The existing value.
        imported: The imported value.
    """

    field: str
    existing: Any
    imported: Any


@dataclass(frozen=True)
class Conflict:
    """An entry present in both, with different details.

    Attributes:
        kind: ``asset``, ``stakeholder``, ``partner`` or ``relationship``.
        key: Identifies the entry: the name, ``name (round)`` for a rating made in a round,
            or ``A ↔ B`` for a relationship. Pass keys to :func:`merge` to replace those
            entries.
        differences: The details that differ.
        replaced: True if the imported entry replaced the existing one.
    """

    kind: EntryKind
    key: str
    differences: tuple[FieldDifference, ...]
    replaced: bool

    def __str__(self) -> str:
        """Render as "asset 'Oak Hall': category 'physical' here, 'economic' ...; kept yours"."""
        details = "; ".join(
            f"{d.field} '{d.existing}' here, '{d.imported}' in the file" for d in self.differences
        )
        outcome = "took the file's" if self.replaced else "kept yours"
        return f"{self.kind} '{self.key}': {details}; {outcome}"


@dataclass(frozen=True)
class MergeResult(Generic[T]):
    """The merged data and what happened.

    Attributes:
        data: The union of the existing and the imported data.
        added: Keys of entries added from the import.
        filled: Keys of existing entries whose empty details were filled from the import.
        conflicts: Entries that differ; each says whether it was replaced.
        links_added: How many asset links the import added (asset maps only).
    """

    data: T
    added: tuple[str, ...] = ()
    filled: tuple[str, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    links_added: int = 0

    def summary(self) -> list[str]:
        """Say what the merge did, one sentence per kind of change.

        Returns:
            Sentences such as "Added 3 entries from the file."
        """
        lines = []
        if self.added:
            lines.append(f"Added {plural(len(self.added), 'entry', 'entries')} from the file.")
        if self.links_added:
            lines.append(f"Added {plural(self.links_added, 'link')} from the file.")
        if self.filled:
            lines.append(
                f"Filled in empty details of {plural(len(self.filled), 'entry', 'entries')}."
            )
        kept = [c for c in self.conflicts if not c.replaced]
        replaced = [c for c in self.conflicts if c.replaced]
        if kept:
            lines.append(
                f"Kept your version of {plural(len(kept), 'entry', 'entries')} that the file "
                "has differently."
            )
        if replaced:
            lines.append(f"Took the file's version of {plural(len(replaced), 'entry', 'entries')}.")
        if not lines:
            lines.append("Nothing new: the file holds nothing your map lacks.")
        return lines


def _wants(replace: bool | Collection[str], key: str) -> bool:
    if isinstance(replace, bool):
        return replace
    return name_key(key) in {name_key(k) for k in replace}


def _merge_entries(
    kind: EntryKind,
    existing: tuple[E, ...],
    imported: tuple[E, ...],
    key_of: Any,
    label_of: Any,
    fields: tuple[str, ...],
    replace: bool | Collection[str],
) -> tuple[list[E], list[str], list[str], list[Conflict]]:
    out: list[E] = list(existing)
    where = {key_of(e): i for i, e in enumerate(existing)}
    added: list[str] = []
    filled: list[str] = []
    conflicts: list[Conflict] = []
    for new in imported:
        key = key_of(new)
        if key not in where:
            where[key] = len(out)
            out.append(new)
            added.append(label_of(new))
            continue
        index = where[key]
        old = out[index]
        if old == new:
            continue
        differences = []
        updates: dict[str, Any] = {}
        for name in fields:
            mine, theirs = getattr(old, name), getattr(new, name)
            if mine == theirs or theirs in ("", None):
                continue
            if mine in ("", None):
                updates[name] = theirs
            else:
                differences.append(FieldDifference(name, mine, theirs))
        label = label_of(old)
        if differences:
            replaced = _wants(replace, label)
            conflicts.append(Conflict(kind, label, tuple(differences), replaced))
            if replaced:
                updates.update({d.field: d.imported for d in differences})
        if updates:
            out[index] = old.model_copy(update=updates)
            if any(getattr(old, f) in ("", None) for f in updates):
                filled.append(label)
    return out, added, filled, conflicts


def _rating_label(rating: StakeholderRating) -> str:
    return f"{rating.name} ({rating.round})" if rating.round else rating.name


def _pair_label(rel: Relationship) -> str:
    return f"{rel.a} ↔ {rel.b}"


def merge(existing: T, imported: T, *, replace: bool | Collection[str] = False) -> MergeResult[T]:
    """Merge imported data into existing data of the same tool, losing nothing.

    Args:
        existing: What the learner has (an :class:`AssetMap`, :class:`StakeholderGrid` or
            :class:`PartnerNetwork`).
        imported: What was imported, of the same type.
        replace: For entries present in both with different details: False keeps the
            existing entry (the default), True takes the imported one, and a collection of
            :attr:`Conflict.key` values takes the imported one for those entries only.

    Returns:
        The merged data with what was added, filled and in conflict.

    Raises:
        TypeError: If the two are not the same kind of map.
    """
    if type(existing) is not type(imported):
        raise TypeError(f"cannot merge {type(imported).__name__} into {type(existing).__name__}")
    if isinstance(existing, AssetMap):
        assert isinstance(imported, AssetMap)
        assets, added, filled, conflicts = _merge_entries(
            "asset",
            existing.assets,
            imported.assets,
            lambda a: name_key(a.name),
            lambda a: a.name,
            ("category", "description", "contact", "notes"),
            replace,
        )
        before = {frozenset(map(name_key, p)) for p in existing.links}
        new_links = [p for p in imported.links if frozenset(map(name_key, p)) not in before]
        merged = AssetMap(assets=tuple(assets), links=(*existing.links, *new_links))
        return MergeResult(
            data=merged,
            added=tuple(added),
            filled=tuple(filled),
            conflicts=tuple(conflicts),
            links_added=len(new_links),
        )
    if isinstance(existing, StakeholderGrid):
        assert isinstance(imported, StakeholderGrid)
        ratings, added, filled, conflicts = _merge_entries(
            "stakeholder",
            existing.ratings,
            imported.ratings,
            lambda r: (name_key(r.name), name_key(r.round)),
            _rating_label,
            ("power", "interest", "role", "contact", "notes"),
            replace,
        )
        return MergeResult(
            data=StakeholderGrid(ratings=tuple(ratings)),
            added=tuple(added),
            filled=tuple(filled),
            conflicts=tuple(conflicts),
        )
    assert isinstance(existing, PartnerNetwork) and isinstance(imported, PartnerNetwork)
    partners, added, filled, conflicts = _merge_entries(
        "partner",
        existing.partners,
        imported.partners,
        lambda p: name_key(p.name),
        lambda p: p.name,
        ("sector", "contact", "notes"),
        replace,
    )
    relationships, rel_added, _, rel_conflicts = _merge_entries(
        "relationship",
        existing.relationships,
        imported.relationships,
        lambda r: r.pair_key(),
        _pair_label,
        ("level",),
        replace,
    )
    return MergeResult(
        data=PartnerNetwork(partners=tuple(partners), relationships=tuple(relationships)),
        added=tuple(added + rel_added),
        filled=tuple(filled),
        conflicts=tuple(conflicts + rel_conflicts),
    )

"""Hands-on exercises defined in content: sorting statements, and designs checked by rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from engage.content.schema import NonEmpty, Slug, Strict, Text, at

# --------------------------------------------------------------------------- sorting


class Category(Strict):
    """A bin that statements are sorted into."""

    id: Slug
    label: NonEmpty


class SortItem(Strict):
    """A statement and the category it belongs in, with why."""

    id: Slug
    text: Text
    category: Slug
    explanation: Text


class SortExercise(Strict):
    """Sort statements into categories (e.g. turned inward or turned outward)."""

    schema_version: int
    kind: Literal["sort"]
    title: NonEmpty
    instructions: Text
    categories: Annotated[list[Category], Field(min_length=2)]
    items: Annotated[list[SortItem], Field(min_length=4)]

    @model_validator(mode="after")
    def _known_categories(self) -> SortExercise:
        known = {c.id for c in self.categories}
        ids = [i.id for i in self.items]
        for i, item in enumerate(self.items):
            if item.category not in known:
                raise at(f"items[{i}].category", f"unknown category '{item.category}'")
            if item.id in ids[:i]:
                raise at(f"items[{i}].id", f"item id '{item.id}' is used twice")
        return self


@dataclass(frozen=True)
class SortResult:
    """How one statement was sorted."""

    item_id: str
    chosen: str
    correct: bool
    explanation: str


def check_sort(
    exercise: SortExercise, answers: dict[str, str], profile: str | None = None
) -> list[SortResult]:
    """Check a learner's sorting.

    Args:
        exercise: The exercise.
        answers: Item id to chosen category id (items not yet sorted may be missing).
        profile: The learner's profile, for per-profile explanations.

    Returns:
        One result per sorted item, in the exercise's order.

    Raises:
        ValueError: If an answer names an unknown item or category.
    """
    items = {i.id: i for i in exercise.items}
    categories = {c.id for c in exercise.categories}
    for item_id, chosen in answers.items():
        if item_id not in items:
            raise ValueError(f"unknown statement '{item_id}'")
        if chosen not in categories:
            raise ValueError(f"unknown category '{chosen}' for '{item_id}'")
    return [
        SortResult(
            i.id, answers[i.id], answers[i.id] == i.category, i.explanation.for_profile(profile)
        )
        for i in exercise.items
        if i.id in answers
    ]


# --------------------------------------------------------------------------- designs


class FieldSpec(Strict):
    """A field of a design form."""

    id: Slug
    label: NonEmpty
    type: Literal["int", "text", "lines"]
    help: Text | None = None
    default: int | str | None = None
    min: int | None = None
    max: int | None = None


class GroupSpec(Strict):
    """A repeated group of fields (e.g. three rounds, each with a question and minutes)."""

    id: Slug
    label: NonEmpty
    count: Annotated[int, Field(ge=1, le=12)]
    item_label: NonEmpty
    fields: Annotated[list[FieldSpec], Field(min_length=1)]


class Rule(Strict):
    """A check of a design, with the principle it protects and what to say."""

    check: Literal[
        "range",
        "required",
        "open-question",
        "distinct",
        "sum-at-most",
        "time-budget",
        "min-lines",
        "not-opposites",
    ]
    field: NonEmpty = Field(description="a field id, or group.field for every item of a group")
    min: int | None = None
    max: int | None = None
    limit: NonEmpty | None = Field(
        default=None, description="for sum-at-most: the field to stay within"
    )
    plus: list[NonEmpty] = Field(
        default_factory=list, description="for sum-at-most and time-budget: fields added"
    )
    times: list[NonEmpty] = Field(
        default_factory=list, description="for time-budget: fields multiplied with field"
    )
    principle: NonEmpty
    ok: Text
    problem: Text


class DesignExercise(Strict):
    """Design something (rounds, a plan) and have it checked against the model's principles."""

    schema_version: int
    kind: Literal["design"]
    title: NonEmpty
    instructions: Text
    fields: list[FieldSpec] = []
    groups: list[GroupSpec] = []
    rules: Annotated[list[Rule], Field(min_length=1)]

    @model_validator(mode="after")
    def _rules_name_fields(self) -> DesignExercise:
        known = set(self.field_types())
        for i, rule in enumerate(self.rules):
            if rule.field not in known:
                raise at(f"rules[{i}].field", f"unknown field '{rule.field}'")
            for part in ("plus", "times"):
                for j, name in enumerate(getattr(rule, part)):
                    if name not in known:
                        raise at(f"rules[{i}].{part}[{j}]", f"unknown field '{name}'")
            if rule.check == "time-budget" and not (rule.limit and rule.times):
                raise at(f"rules[{i}]", "time-budget needs times and limit")
            if rule.check == "not-opposites" and "." not in rule.field:
                raise at(
                    f"rules[{i}].field",
                    "not-opposites compares the items of a group: name it as group.field",
                )
            if rule.limit and rule.limit not in known:
                raise at(f"rules[{i}].limit", f"unknown field '{rule.limit}'")
            if rule.check == "range" and rule.min is None and rule.max is None:
                raise at(f"rules[{i}]", "a range check needs min or max")
            if rule.check == "sum-at-most" and not rule.limit:
                raise at(f"rules[{i}]", "sum-at-most needs limit")
            if rule.check == "min-lines" and rule.min is None:
                raise at(f"rules[{i}]", "min-lines needs min")
            for key in ("ok", "problem"):
                for variant in ("default", "small_mid_rural", "large_urban", "academic"):
                    text = getattr(getattr(rule, key), variant)
                    for name in _placeholders(text or ""):
                        if name not in PLACEHOLDERS:
                            raise at(
                                f"rules[{i}].{key}",
                                f"unknown placeholder '{{{name}}}' (use "
                                + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                                + ")",
                            )
        return self

    def field_types(self) -> dict[str, str]:
        """Map every addressable field (``x`` or ``group.x``) to its type.

        Returns:
            Field path to type.
        """
        out = {f.id: f.type for f in self.fields}
        for group in self.groups:
            for f in group.fields:
                out[f"{group.id}.{f.id}"] = f.type
        return out

    def blank(self) -> dict[str, Any]:
        """Return an empty design with the defaults filled in.

        Returns:
            A JSON-able design.
        """
        design: dict[str, Any] = {f.id: _default(f) for f in self.fields}
        for group in self.groups:
            design[group.id] = [
                {f.id: _default(f) for f in group.fields} for _ in range(group.count)
            ]
        return design


def _default(spec: FieldSpec) -> Any:
    if spec.default is not None:
        return spec.default
    return 0 if spec.type == "int" else ""


Exercise = SortExercise | DesignExercise

PLACEHOLDERS = ("value", "min", "max", "where", "total", "limit")
"""The names a rule's messages may use in braces."""


def _placeholders(text: str) -> list[str]:
    import string

    try:
        return [name for _, name, _, _ in string.Formatter().parse(text) if name]
    except ValueError:
        return ["(unbalanced braces)"]


@dataclass(frozen=True)
class Finding:
    """What a rule says about a design."""

    ok: bool
    principle: str
    message: str
    where: str


YES_NO_START = re.compile(
    r"^\s*(is|are|do|does|did|should|shall|can|could|will|would|was|were|has|have|had|must)\b",
    re.IGNORECASE,
)


def _values(exercise: DesignExercise, design: dict[str, Any], path: str) -> list[tuple[str, Any]]:
    if "." in path:
        group, name = path.split(".", 1)
        labels = {g.id: g.item_label for g in exercise.groups}
        items = design.get(group) or []
        return [
            (
                f"{labels.get(group, group)} {i + 1}",
                (item or {}).get(name) if isinstance(item, dict) else None,
            )
            for i, item in enumerate(items)
        ]
    return [(path, design.get(path))]


def _number(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            return None
    return None


def check_design(
    exercise: DesignExercise, design: dict[str, Any], profile: str | None = None
) -> list[Finding]:
    """Check a design against the exercise's rules.

    Args:
        exercise: The exercise.
        design: The learner's design (as :meth:`DesignExercise.blank`, filled in).
        profile: The learner's profile, for per-profile messages.

    Returns:
        One finding per rule (and per group item for group rules), in rule order.
    """
    findings: list[Finding] = []
    for rule in exercise.rules:
        ok_text = rule.ok.for_profile(profile)
        bad_text = rule.problem.for_profile(profile)
        fill = {
            "value": "",
            "min": rule.min,
            "max": rule.max,
            "where": rule.field,
            "total": "",
            "limit": "",
        }
        if rule.check == "time-budget":
            product = _number(design.get(rule.field)) or 0
            for name in rule.times:
                product *= _number(design.get(name)) or 0
            total = product + sum(_number(design.get(name)) or 0 for name in rule.plus)
            limit = _number(design.get(rule.limit or "")) or 0
            ok = total <= limit
            text = (ok_text if ok else bad_text).format_map(
                {**fill, "total": total, "limit": limit}
            )
            findings.append(Finding(ok, rule.principle, text, rule.field))
            continue
        if rule.check == "not-opposites":
            values = _values(exercise, design, rule.field)
            pair = _opposite_pair(values)
            where = f"{pair[0]} and {pair[1]}" if pair else rule.field
            ok = pair is None
            text = (ok_text if ok else bad_text).format_map({**fill, "where": where})
            findings.append(Finding(ok, rule.principle, text, where))
            continue
        if rule.check == "sum-at-most":
            total = sum(
                _number(v) or 0
                for name in [rule.field, *rule.plus]
                for _, v in _values(exercise, design, name)
            )
            limit = _number(design.get(rule.limit or "")) or 0
            ok = total <= limit
            text = (ok_text if ok else bad_text).format_map(
                {**fill, "total": total, "limit": limit}
            )
            findings.append(Finding(ok, rule.principle, text, rule.field))
            continue
        values = _values(exercise, design, rule.field)
        if rule.check == "distinct":
            texts = [str(v).strip().lower() for _, v in values if str(v or "").strip()]
            ok = len(texts) == len(set(texts))
            text = (ok_text if ok else bad_text).format_map(fill)
            findings.append(Finding(ok, rule.principle, text, rule.field))
            continue
        for where, value in values:
            ok = _holds(rule, value)
            text = (ok_text if ok else bad_text).format_map(
                {**fill, "value": value if value is not None else "", "where": where}
            )
            findings.append(Finding(ok, rule.principle, text, where))
    return findings


POLARITY_WORDS = frozenset(
    [
        "more",
        "less",
        "fewer",
        "increase",
        "increased",
        "decrease",
        "decreased",
        "raise",
        "lower",
        "higher",
        "expand",
        "cut",
        "cuts",
        "reduce",
        "reduced",
        "add",
        "remove",
        "for",
        "against",
        "pro",
        "anti",
        "no",
        "not",
        "non",
        "yes",
        "keep",
        "stop",
        "start",
        "allow",
        "ban",
        "support",
        "oppose",
        "open",
        "close",
        "build",
        "dont",
        "don't",
        "do",
        "nothing",
        "tougher",
        "softer",
        "stricter",
        "looser",
        "bigger",
        "smaller",
        "strengthen",
        "weaken",
        "grow",
        "shrink",
        "fund",
        "defund",
        "end",
        "continue",
    ]
)


def _content_words(label: str) -> frozenset[str]:
    words = re.findall(r"[a-z0-9']+", label.lower())
    return frozenset(w for w in words if w not in POLARITY_WORDS and w not in STOP_WORDS)


STOP_WORDS = frozenset(
    ["a", "an", "the", "of", "to", "in", "on", "and", "or", "our", "we", "us", "it", "is", "be"]
)


def _opposite_pair(values: list[tuple[str, Any]]) -> tuple[str, str] | None:
    """Find two labels that say the same thing with opposite polarity words."""
    labelled = [(where, str(v or "")) for where, v in values if str(v or "").strip()]
    for i, (where_a, a) in enumerate(labelled):
        for where_b, b in labelled[i + 1 :]:
            words_a, words_b = _content_words(a), _content_words(b)
            if words_a and words_a == words_b and a.strip().lower() != b.strip().lower():
                return where_a, where_b
    return None


def _holds(rule: Rule, value: Any) -> bool:
    if rule.check == "required":
        return bool(str(value or "").strip())
    if rule.check == "range":
        number = _number(value)
        if number is None:
            return False
        return (rule.min is None or number >= rule.min) and (rule.max is None or number <= rule.max)
    if rule.check == "open-question":
        text = str(value or "").strip()
        return bool(text) and not YES_NO_START.match(text)
    if rule.check == "min-lines":
        lines = [line for line in str(value or "").splitlines() if line.strip()]
        return len(lines) >= (rule.min or 0)
    raise ValueError(f"unknown check {rule.check}")  # pragma: no cover - schema prevents it

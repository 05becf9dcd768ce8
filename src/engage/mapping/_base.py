"""The base model and field types shared by the asset map, stakeholder grid and partner network."""

from __future__ import annotations

from typing import Annotated, Any, Self

from pydantic import AfterValidator, BaseModel, ConfigDict

from engage.mapping._text import (
    MAX_LONG_CHARS,
    MAX_SHORT_CHARS,
    check_length,
    check_name,
    clean_block,
    clean_line,
)

DATA_VERSION = 1
"""Format version of the mapping data stored in a learner's progress."""


def _short(value: str) -> str:
    return check_length(clean_line(value), MAX_SHORT_CHARS, "the text")


def _long(value: str) -> str:
    return check_length(clean_block(value), MAX_LONG_CHARS, "the text")


Name = Annotated[str, AfterValidator(check_name)]
"""A name: one line, not empty, at most 120 characters."""

ShortText = Annotated[str, AfterValidator(_short)]
"""One line of text, at most 200 characters (may be empty)."""

LongText = Annotated[str, AfterValidator(_long)]
"""Text that may span lines, at most 2000 characters (may be empty)."""


class MappingModel(BaseModel):
    """Base of every mapping model: unknown keys are errors and instances are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    def to_dict(self) -> dict[str, Any]:
        """Return the data as plain JSON-compatible dicts, lists, strings and numbers.

        Returns:
            A dict that :meth:`from_dict` turns back into an equal object.
        """
        return self.model_dump(mode="json")

    @classmethod
    def from_dict(cls, data: Any) -> Self:
        """Build and validate an object from :meth:`to_dict` output.

        Args:
            data: A dict as stored in the learner's progress.

        Returns:
            The validated object.

        Raises:
            pydantic.ValidationError: If the data is not valid.
        """
        return cls.model_validate(data)

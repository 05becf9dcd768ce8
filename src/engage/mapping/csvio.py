"""CSV import and export for the asset map, stakeholder grid and partner network.

Each tool has one CSV file with a header row. Column names are matched whatever their case
and spacing (``Links To`` is ``links_to``); columns may come in any order; optional columns
may be left out. :data:`COLUMNS` describes every column and :func:`template_csv` writes an
empty file to fill in.

**assets.csv**: ``name`` (required), ``category`` (required: individuals, associations,
institutions, physical, economic or cultural), ``description``, ``links_to`` (names of other
assets in the file, separated by ``;``; each link once, on either row), ``contact``,
``notes``.

**stakeholders.csv**: ``name`` (required), ``power`` (required, 1-5), ``interest``
(required, 1-5), ``round`` (a date such as ``2025-03-01`` or a label; rate someone again on
a new row with a new round), ``role``, ``contact``, ``notes``.

**partners.csv**: ``name`` (required), ``sector``, ``relationships`` (``Name: level``
entries separated by ``;``, levels networking, coordinating, cooperating, collaborating;
each pair once, on either row), ``contact``, ``notes``.

Reading is forgiving and precise: UTF-8 with or without a byte-order mark, UTF-16 with one,
and (with a warning) Windows-1252 are read; commas, semicolons or tabs separate values;
blank lines are skipped. Every problem names the file, the row as a spreadsheet shows it
(the header is row 1) and the column. A bad row is skipped; good rows are always kept.

On export, cells that a spreadsheet would run as a formula (starting with ``=``, ``+``,
``-`` or ``@``) are written with a leading apostrophe, which import removes again (a value
that itself starts with an apostrophe gets a second one, so it too comes back as typed).
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, Literal, TypeVar, get_args

from pydantic import ValidationError

from engage.mapping._text import (
    LIST_SEPARATOR,
    MAX_LONG_CHARS,
    MAX_NAME_CHARS,
    MAX_SHORT_CHARS,
    clean_block,
    clean_line,
    join_words,
    name_key,
    plural,
    suggest,
)
from engage.mapping.assets import ASSET_CATEGORIES, Asset, AssetCategory, AssetMap
from engage.mapping.partners import (
    LEVELS,
    Partner,
    PartnerNetwork,
    Relationship,
    RelationshipLevel,
)
from engage.mapping.stakeholders import (
    RATING_MAX,
    RATING_MIN,
    StakeholderGrid,
    StakeholderRating,
)

__all__ = [
    "COLUMNS",
    "KINDS",
    "MAX_CSV_BYTES",
    "Column",
    "CsvProblem",
    "ImportResult",
    "Kind",
    "export_csv",
    "export_csv_bytes",
    "import_assets",
    "import_csv",
    "import_partners",
    "import_stakeholders",
    "template_csv",
]

Kind = Literal["assets", "stakeholders", "partners"]
"""Which tool a CSV file belongs to."""

KINDS: tuple[Kind, ...] = get_args(Kind)

MAX_CSV_BYTES = 1024 * 1024
"""Largest CSV file accepted (1 MB: thousands of rows)."""

Severity = Literal["error", "warning"]
MapData = AssetMap | StakeholderGrid | PartnerNetwork
T = TypeVar("T", AssetMap, StakeholderGrid, PartnerNetwork)


@dataclass(frozen=True)
class Column:
    """One column of a tool's CSV file.

    Attributes:
        name: The column name as written in the header.
        required: Whether a file must have the column (and each row a value in it).
        description: What goes in it, for templates and help text.
        example: An example value.
        personal: Whether it holds personal contact details, left out of exports unless
            the learner chooses to include them.
    """

    name: str
    required: bool
    description: str
    example: str
    personal: bool = False


_CONTACT = Column(
    "contact",
    False,
    "How to reach them: a person, phone number or email. Personal data: left out of "
    "exported files unless you choose to include it.",
    "Ask for the coordinator at the front desk",
    personal=True,
)
_NOTES = Column("notes", False, "Anything else worth remembering.", "Met at the spring fair.")

COLUMNS: dict[Kind, tuple[Column, ...]] = {
    "assets": (
        Column(
            "name",
            True,
            "The asset: a person's skill or gift, a group, an organisation, a place, a "
            "business or a tradition. Each name once; no semicolons.",
            "Maple Street Quilters",
        ),
        Column(
            "category",
            True,
            "One of: " + ", ".join(ASSET_CATEGORIES) + ".",
            "associations",
        ),
        Column(
            "description",
            False,
            "What the asset offers the community.",
            "Meets on Tuesdays and teaches quilting to anyone who asks.",
        ),
        Column(
            "links_to",
            False,
            "Other assets in this file that it works with, separated by semicolons. List "
            "each link once, on either asset's row.",
            "Grange Hall; Harvest Festival",
        ),
        _CONTACT,
        _NOTES,
    ),
    "stakeholders": (
        Column(
            "name",
            True,
            "Who the stakeholder is: a person, group or organisation. No semicolons.",
            "Parents of the Pine Hollow preschool",
        ),
        Column(
            "power",
            True,
            f"How much they can affect the work: a whole number from {RATING_MIN} (little) "
            f"to {RATING_MAX} (a great deal).",
            "2",
        ),
        Column(
            "interest",
            True,
            f"How much the work affects or concerns them: a whole number from {RATING_MIN} "
            f"(little) to {RATING_MAX} (a great deal).",
            "5",
        ),
        Column(
            "round",
            False,
            "When you rated them: a date such as 2025-03-01, or a label such as 'Before "
            "the forum'. To see how someone moved, rate them again on a new row with a new "
            "round.",
            "2025-03-01",
        ),
        Column("role", False, "What kind of stakeholder they are.", "parents' group"),
        _CONTACT,
        _NOTES,
    ),
    "partners": (
        Column(
            "name",
            True,
            "The partner organisation or group (your library may be one). Each name once; "
            "no semicolons.",
            "Pine Hollow Food Pantry",
        ),
        Column("sector", False, "What kind of partner it is.", "nonprofit"),
        Column(
            "relationships",
            False,
            "Other partners in this file and how you work with each, written 'Name: level' "
            "and separated by semicolons. Levels, from least to most shared commitment, "
            "trust and time: " + ", ".join(LEVELS) + ". List each pair once, on either "
            "partner's row.",
            "Ridge County Schools: coordinating; Grange Hall: networking",
        ),
        _CONTACT,
        _NOTES,
    ),
}
"""The columns of each tool's CSV file, in the order they are written."""

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- problems


@dataclass(frozen=True)
class CsvProblem:
    """One problem found while reading a CSV file.

    An ``error`` means something in the file was not imported (a row, a value or a
    column); a ``warning`` means everything was imported but deserves a look.

    Attributes:
        file: The file's name.
        row: The row as a spreadsheet numbers it (the header is row 1), or None for the
            whole file.
        column: The column's name as written in the file, or None.
        message: What is wrong, and what was done about it.
        severity: ``"error"`` or ``"warning"``.
    """

    file: str
    row: int | None
    column: str | None
    message: str
    severity: Severity = "error"

    def __str__(self) -> str:
        """Render as ``assets.csv row 7, column 'category': unknown category ...``."""
        where = self.file
        if self.row is not None:
            where += f" row {self.row}"
        if self.column is not None:
            where += (
                f", column '{self.column}'" if self.row is not None else f" column '{self.column}'"
            )
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class ImportResult(Generic[T]):
    """What a CSV import gives: the data from the good rows, and every problem.

    Attributes:
        kind: ``"assets"``, ``"stakeholders"`` or ``"partners"``.
        file: The file's name, as used in messages.
        data: The imported map (an :class:`AssetMap`, :class:`StakeholderGrid` or
            :class:`PartnerNetwork`); empty if nothing could be read.
        problems: Every problem, in row order (file and header problems first).
        rows_read: How many non-blank data rows the file has.
    """

    kind: Kind
    file: str
    data: T
    problems: tuple[CsvProblem, ...] = ()
    rows_read: int = 0

    @property
    def items(self) -> tuple[Asset, ...] | tuple[StakeholderRating, ...] | tuple[Partner, ...]:
        """The imported assets, ratings or partners (one per good row)."""
        if isinstance(self.data, AssetMap):
            return self.data.assets
        if isinstance(self.data, StakeholderGrid):
            return self.data.ratings
        return self.data.partners

    @property
    def errors(self) -> tuple[CsvProblem, ...]:
        """The problems by which something was not imported."""
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[CsvProblem, ...]:
        """The problems that left everything imported."""
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def ok(self) -> bool:
        """True when the file had no problem at all."""
        return not self.problems

    def summary(self) -> str:
        """Say in one sentence what was imported.

        Returns:
            For example "Imported 14 of 16 rows from assets.csv; 3 problems (2 errors,
            1 warning)."
        """
        text = f"Imported {len(self.items)} of {plural(self.rows_read, 'row')} from {self.file}"
        if not self.problems:
            return text + "."
        errors, warnings = len(self.errors), len(self.warnings)
        detail = join_words(
            [plural(n, w) for n, w in ((errors, "error"), (warnings, "warning")) if n]
        )
        return f"{text}; {plural(len(self.problems), 'problem')} ({detail})."


# --------------------------------------------------------------------------- reading


class _Fatal(Exception):
    """The file cannot be read at all; holds the one problem to report."""

    def __init__(self, problem: CsvProblem) -> None:
        self.problem = problem
        super().__init__(str(problem))


@dataclass
class _Table:
    file: str
    kind: Kind
    header_row: int = 1
    index: dict[str, int] = field(default_factory=dict)
    shown: dict[str, str] = field(default_factory=dict)
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    problems: list[CsvProblem] = field(default_factory=list)
    data_rows: int = 0
    fatal: bool = False

    def problem(
        self, row: int | None, column: str | None, message: str, severity: Severity = "error"
    ) -> None:
        shown = self.shown.get(column, column) if column is not None else None
        self.problems.append(CsvProblem(self.file, row, shown, message, severity))


def _display_file(name: str | None, kind: Kind) -> str:
    if not name:
        return f"{kind}.csv"
    base = re.split(r"[\\/]", name)[-1]
    cleaned = "".join(ch for ch in base if unicodedata.category(ch) != "Cc").strip()
    if len(cleaned) > 80:
        cleaned = cleaned[:77] + "..."
    return cleaned or f"{kind}.csv"


def _header_key(text: str) -> str:
    text = text.replace("\ufeff", "").strip().strip('"').strip()
    return re.sub(r"[\s\-]+", "_", text.casefold()).strip("_")


def _decode(raw: bytes, file: str) -> tuple[str, str | None]:
    """Decode a CSV file; return the text and the fallback used (None, "cp1252", "damaged")."""
    if raw.startswith(b"PK\x03\x04"):
        raise _Fatal(
            CsvProblem(
                file,
                None,
                None,
                "this is a spreadsheet workbook (.xlsx), not a CSV file: in your spreadsheet "
                "choose Save As (or Download) and pick 'CSV UTF-8'",
            )
        )
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise _Fatal(
            CsvProblem(
                file,
                None,
                None,
                "this is an old Excel workbook (.xls), not a CSV file: in your spreadsheet "
                "choose Save As and pick 'CSV UTF-8'",
            )
        )
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16"), None
        except UnicodeDecodeError:
            raise _Fatal(
                CsvProblem(file, None, None, "the file says it is UTF-16 text but is not")
            ) from None
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError:
        pass
    if b"\x00" in raw:
        raise _Fatal(
            CsvProblem(
                file,
                None,
                None,
                "this is not a plain-text CSV file (it contains NUL bytes): save it from "
                "your spreadsheet as 'CSV UTF-8'",
            )
        )
    lenient = raw.decode("utf-8-sig", errors="replace")
    if any(ord(ch) > 127 and ch != "\ufffd" for ch in lenient):
        return lenient, "damaged"
    try:
        return raw.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        raise _Fatal(
            CsvProblem(
                file,
                None,
                None,
                "the file is neither UTF-8 nor Windows-1252 text: save it from your "
                "spreadsheet as 'CSV UTF-8' and import it again",
            )
        ) from None


def _choose_delimiter(text: str, kind: Kind) -> str:
    known = {c.name for c in COLUMNS[kind]}
    first = next((line for line in text.splitlines() if line.strip()), "")
    best, best_hits = ",", 0
    for delimiter in (",", ";", "\t", "|"):
        cells = next(csv.reader([first], delimiter=delimiter), [])
        hits = sum(_header_key(c) in known for c in cells)
        if hits > best_hits:
            best, best_hits = delimiter, hits
    if best_hits:
        return best
    try:
        return csv.Sniffer().sniff(text[:4096], delimiters=",;\t|").delimiter
    except csv.Error:
        return ","


def _uncell(value: str) -> str:
    """Undo :func:`_safe`: drop one apostrophe that protects a formula-like cell."""
    if value.startswith("'") and value[1:2] and value[1] in (*_FORMULA_START, "'"):
        return value[1:]
    return value


def _blank(record: list[str]) -> bool:
    return all(not cell.strip() for cell in record)


def _read_table(kind: Kind, data: bytes | bytearray | memoryview | str, file: str) -> _Table:
    table = _Table(file=file, kind=kind)
    try:
        size = len(data) if not isinstance(data, memoryview) else data.nbytes
        if size > MAX_CSV_BYTES:
            raise _Fatal(
                CsvProblem(
                    file,
                    None,
                    None,
                    f"the file is {size / 1024 / 1024:.1f} MB; at most "
                    f"{MAX_CSV_BYTES // 1024 // 1024} MB is accepted",
                )
            )
        if isinstance(data, str):
            text, fallback = data.removeprefix("\ufeff"), None
        else:
            text, fallback = _decode(bytes(data), file)
    except _Fatal as exc:
        table.problems.append(exc.problem)
        table.fatal = True
        return table

    delimiter = _choose_delimiter(text, kind)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    number = 0
    try:
        for number, record in enumerate(reader, start=1):
            records.append((number, record))
    except csv.Error as exc:
        table.problems.append(
            CsvProblem(
                file,
                number + 1,
                None,
                f"cannot read this row or the rest of the file ({exc}); rows before it were read",
            )
        )

    header_at = next((i for i, (_, rec) in enumerate(records) if not _blank(rec)), None)
    if header_at is None:
        table.problems.append(CsvProblem(file, None, None, "the file is empty: no header row"))
        table.fatal = True
        return table
    header_row, header = records[header_at]
    table.header_row = header_row
    _read_header(table, header, records[header_at + 1 :])
    if fallback == "cp1252":
        first = next(
            (n for n, rec in records if any(ord(ch) > 127 for cell in rec for ch in cell)),
            None,
        )
        hint = f" (the first is on row {first})" if first is not None else ""
        table.problems.insert(
            0,
            CsvProblem(
                file,
                None,
                None,
                "the file is not UTF-8 text; it was read as Windows-1252 (Western European). "
                f"Check that accented letters look right{hint}, and save the file as "
                "'CSV UTF-8' next time",
                "warning",
            ),
        )
    elif fallback == "damaged":
        for n, rec in records:
            if any("\ufffd" in cell for cell in rec):
                table.problems.append(
                    CsvProblem(
                        file,
                        n,
                        None,
                        "some bytes in this row are not valid UTF-8 and are shown as '\ufffd'; "
                        "correct the text after importing",
                        "warning",
                    )
                )
    return table


def _read_header(table: _Table, header: list[str], records: list[tuple[int, list[str]]]) -> None:
    columns = COLUMNS[table.kind]
    known = [c.name for c in columns]
    row = table.header_row
    width = len(header)
    data = [(n, rec) for n, rec in records if not _blank(rec)]
    table.data_rows = len(data)

    def has_data(i: int) -> bool:
        return any(i < len(rec) and _uncell(rec[i]).strip() for _, rec in data)

    for i, cell in enumerate(header):
        key = _header_key(cell)
        written = cell.replace("\ufeff", "").strip()
        if not key:
            if has_data(i):
                table.problems.append(
                    CsvProblem(
                        table.file,
                        row,
                        None,
                        f"column {i + 1} has no name in the header, so its values were not "
                        "imported",
                    )
                )
            continue
        if key in table.index:
            first = table.index[key] + 1
            table.problems.append(
                CsvProblem(
                    table.file,
                    row,
                    written,
                    f"the column appears twice (columns {first} and {i + 1}); only the first "
                    "was imported",
                    "error" if has_data(i) else "warning",
                )
            )
            continue
        if key not in known:
            hint = suggest(key, known)
            did = f" (did you mean '{hint}'?)" if hint else ""
            table.problems.append(
                CsvProblem(
                    table.file,
                    row,
                    written,
                    f"unknown column, not imported{did}; the columns are {', '.join(known)}",
                    "error" if has_data(i) else "warning",
                )
            )
            continue
        table.index[key] = i
        table.shown[key] = written

    missing = [c.name for c in columns if c.required and c.name not in table.index]
    for name in missing:
        table.problems.append(
            CsvProblem(
                table.file,
                row,
                name,
                "required column is missing, so no row could be imported",
            )
        )
    if missing:
        table.fatal = True
        table.rows = []
        return

    quote = "a value that contains the separator must be in double quotes"
    for number, record in data:
        if len(record) > width:
            values = f"the row has {len(record)} values but the header has {width} columns"
            if any(cell.strip() for cell in record[width:]):
                table.problems.append(
                    CsvProblem(table.file, number, None, f"{values}, so it was skipped: {quote}")
                )
                continue
            table.problems.append(
                CsvProblem(
                    table.file,
                    number,
                    None,
                    f"{values}; the extra values are empty and were ignored, but check the row "
                    f"was read as meant: {quote}",
                    "warning",
                )
            )
        cells = {
            key: _uncell(record[i]) if i < len(record) else "" for key, i in table.index.items()
        }
        table.rows.append((number, cells))


# --------------------------------------------------------------------------- cell checks


def _name(table: _Table, number: int, cells: dict[str, str]) -> str | None:
    name = clean_line(cells.get("name", ""))
    if not name:
        table.problem(number, "name", "the name is empty, so the row was skipped")
        return None
    if len(name) > MAX_NAME_CHARS:
        table.problem(
            number,
            "name",
            f"the name is {len(name)} characters long (at most {MAX_NAME_CHARS}), so the row "
            "was skipped",
        )
        return None
    if LIST_SEPARATOR in name:
        table.problem(
            number,
            "name",
            f"the name contains '{LIST_SEPARATOR}', which separates names in lists, so the "
            "row was skipped",
        )
        return None
    return name


def _text(
    table: _Table, number: int, cells: dict[str, str], column: str, *, block: bool = False
) -> str:
    raw = cells.get(column, "")
    value = clean_block(raw) if block else clean_line(raw)
    limit = MAX_LONG_CHARS if block else MAX_SHORT_CHARS
    if len(value) > limit:
        table.problem(
            number,
            column,
            f"the text is {len(value)} characters long; only the first {limit} were imported",
        )
        value = value[:limit].rstrip()
    return value


def _rating(table: _Table, number: int, cells: dict[str, str], column: str) -> int | None:
    raw = clean_line(cells.get(column, ""))
    if not raw:
        table.problem(
            number,
            column,
            f"{column} is empty: rate it from {RATING_MIN} to {RATING_MAX}; the row was skipped",
        )
        return None
    value: int | None = None
    if re.fullmatch(r"[+-]?\d+", raw):
        value = int(raw)
    elif re.fullmatch(r"[+-]?\d+[.,]0+", raw):
        value = int(re.split(r"[.,]", raw)[0])
    if value is None:
        table.problem(
            number,
            column,
            f"{column} must be a whole number from {RATING_MIN} to {RATING_MAX}, not '{raw}'; "
            "the row was skipped",
        )
        return None
    if not RATING_MIN <= value <= RATING_MAX:
        table.problem(
            number,
            column,
            f"{column} must be a whole number from {RATING_MIN} to {RATING_MAX}, not {value}; "
            "the row was skipped",
        )
        return None
    return value


def _split_list(value: str) -> list[str]:
    parts = re.split(r"[;\n]", value)
    return [clean_line(p) for p in parts if clean_line(p)]


_CATEGORY_WORDS: dict[str, AssetCategory] = {
    **{c: c for c in ASSET_CATEGORIES},
    "individual": "individuals",
    "association": "associations",
    "institution": "institutions",
    "culture": "cultural",
    "economy": "economic",
}


# --------------------------------------------------------------------------- per tool


def _assets_from(table: _Table) -> AssetMap:
    assets: list[Asset] = []
    rows_of: dict[str, int] = {}
    skipped: dict[str, int] = {}
    pending: list[tuple[int, str, list[str]]] = []
    for number, cells in table.rows:
        name = _name(table, number, cells)
        if name is None:
            continue
        key = name_key(name)
        if key in rows_of:
            table.problem(
                number,
                "name",
                f"'{name}' is already on row {rows_of[key]}, so this row was skipped",
            )
            continue
        raw_category = clean_line(cells.get("category", ""))
        category = _CATEGORY_WORDS.get(raw_category.casefold())
        if category is None:
            skipped.setdefault(key, number)
            if not raw_category:
                table.problem(
                    number,
                    "category",
                    "the category is empty: use one of "
                    f"{join_words(list(ASSET_CATEGORIES), 'or')}; the row was skipped",
                )
            else:
                hint = suggest(raw_category, [*ASSET_CATEGORIES, *_CATEGORY_WORDS])
                hint = _CATEGORY_WORDS.get(hint, hint) if hint else None
                if hint:
                    message = f"unknown category '{raw_category}' (did you mean '{hint}'?)"
                else:
                    message = (
                        f"unknown category '{raw_category}': use one of "
                        f"{join_words(list(ASSET_CATEGORIES), 'or')}"
                    )
                table.problem(number, "category", message)
            continue
        asset = Asset(
            name=name,
            category=category,
            description=_text(table, number, cells, "description", block=True),
            contact=_text(table, number, cells, "contact"),
            notes=_text(table, number, cells, "notes", block=True),
        )
        assets.append(asset)
        rows_of[key] = number
        pending.append((number, name, _split_list(cells.get("links_to", ""))))

    names = {name_key(a.name): a.name for a in assets}
    links: list[tuple[str, str]] = []
    for number, name, targets in pending:
        for target in targets:
            key = name_key(target)
            if key == name_key(name):
                table.problem(number, "links_to", "the asset links to itself; ignored", "warning")
            elif key in names:
                links.append((name, names[key]))
            elif key in skipped:
                table.problem(
                    number,
                    "links_to",
                    f"links to '{target}', whose row ({skipped[key]}) was not imported, so "
                    "the link was not imported",
                )
            else:
                hint = suggest(target, list(names.values()))
                did = f" (did you mean '{hint}'?)" if hint else ""
                table.problem(
                    number,
                    "links_to",
                    f"links to '{target}', which is not an asset in this file{did}; the link "
                    "was not imported",
                )
    return AssetMap(assets=tuple(assets), links=tuple(links))


def _stakeholders_from(table: _Table) -> StakeholderGrid:
    ratings: list[StakeholderRating] = []
    rows_of: dict[tuple[str, str], int] = {}
    for number, cells in table.rows:
        name = _name(table, number, cells)
        if name is None:
            continue
        power = _rating(table, number, cells, "power")
        interest = _rating(table, number, cells, "interest")
        if power is None or interest is None:
            continue
        round_label = _text(table, number, cells, "round")
        key = (name_key(name), name_key(round_label))
        if key in rows_of:
            if round_label:
                message = (
                    f"'{name}' is already rated in round '{round_label}' on row "
                    f"{rows_of[key]}, so this row was skipped"
                )
            else:
                message = (
                    f"'{name}' is already on row {rows_of[key]}, so this row was skipped; to "
                    "rate someone again, give each rating a round"
                )
            table.problem(number, "name", message)
            continue
        ratings.append(
            StakeholderRating(
                name=name,
                power=power,
                interest=interest,
                round=round_label,
                role=_text(table, number, cells, "role"),
                contact=_text(table, number, cells, "contact"),
                notes=_text(table, number, cells, "notes", block=True),
            )
        )
        rows_of[key] = number
    return StakeholderGrid(ratings=tuple(ratings))


def _level(raw: str) -> RelationshipLevel | None:
    word = raw.casefold()
    return next((level for level in LEVELS if level == word), None)


def _partners_from(table: _Table) -> PartnerNetwork:
    partners: list[Partner] = []
    rows_of: dict[str, int] = {}
    pending: list[tuple[int, str, list[str]]] = []
    for number, cells in table.rows:
        name = _name(table, number, cells)
        if name is None:
            continue
        key = name_key(name)
        if key in rows_of:
            table.problem(
                number,
                "name",
                f"'{name}' is already on row {rows_of[key]}, so this row was skipped",
            )
            continue
        partners.append(
            Partner(
                name=name,
                sector=_text(table, number, cells, "sector"),
                contact=_text(table, number, cells, "contact"),
                notes=_text(table, number, cells, "notes", block=True),
            )
        )
        rows_of[key] = number
        pending.append((number, name, _split_list(cells.get("relationships", ""))))

    names = {name_key(p.name): p.name for p in partners}
    found: dict[frozenset[str], tuple[RelationshipLevel, int]] = {}
    relationships: list[Relationship] = []
    for number, name, entries in pending:
        for entry in entries:
            other_raw, colon, level_raw = entry.rpartition(":")
            other, level_text = clean_line(other_raw), clean_line(level_raw)
            if not colon or not other:
                table.problem(
                    number,
                    "relationships",
                    f"'{entry}' has no level: write it as 'Name: level' with one of "
                    f"{join_words(list(LEVELS), 'or')}; not imported",
                )
                continue
            level = _level(level_text)
            if level is None:
                hint = suggest(level_text, LEVELS)
                did = (
                    f" (did you mean '{hint}'?)"
                    if hint
                    else f": use one of {join_words(list(LEVELS), 'or')}"
                )
                table.problem(
                    number,
                    "relationships",
                    f"unknown relationship level '{level_text}' for '{other}'{did}; not imported",
                )
                continue
            other_key = name_key(other)
            if other_key == name_key(name):
                table.problem(
                    number,
                    "relationships",
                    "the partner is listed as related to itself; ignored",
                    "warning",
                )
                continue
            if other_key not in names:
                hint = suggest(other, list(names.values()))
                did = f" (did you mean '{hint}'?)" if hint else ""
                table.problem(
                    number,
                    "relationships",
                    f"names '{other}', which is not a partner in this file{did}; the "
                    "relationship was not imported",
                )
                continue
            pair = frozenset((name_key(name), other_key))
            if pair in found:
                earlier, earlier_row = found[pair]
                if earlier != level:
                    table.problem(
                        number,
                        "relationships",
                        f"the relationship with '{names[other_key]}' is '{level}' here but "
                        f"'{earlier}' on row {earlier_row}; kept row {earlier_row}",
                    )
                continue
            found[pair] = (level, number)
            relationships.append(Relationship(a=name, b=names[other_key], level=level))
    return PartnerNetwork(partners=tuple(partners), relationships=tuple(relationships))


_EMPTY: dict[Kind, Callable[[], MapData]] = {
    "assets": AssetMap,
    "stakeholders": StakeholderGrid,
    "partners": PartnerNetwork,
}
_BUILDERS: dict[Kind, Callable[[_Table], MapData]] = {
    "assets": _assets_from,
    "stakeholders": _stakeholders_from,
    "partners": _partners_from,
}


def import_csv(
    kind: Kind,
    data: bytes | bytearray | memoryview | str,
    filename: str | None = None,
) -> ImportResult:
    """Read one tool's CSV file, keeping every good row and reporting every problem.

    Args:
        kind: ``"assets"``, ``"stakeholders"`` or ``"partners"``.
        data: The file's bytes (as uploaded) or its text.
        filename: The file's name, used in messages (``<kind>.csv`` if None); only the
            last path component is shown.

    Returns:
        The imported data and the problems, each naming file, row and column.

    Raises:
        ValueError: If ``kind`` is not one of :data:`KINDS`.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown CSV kind {kind!r}: use one of {', '.join(KINDS)}")
    file = _display_file(filename, kind)
    table = _read_table(kind, data, file)
    if table.fatal:
        return ImportResult(
            kind=kind,
            file=file,
            data=_EMPTY[kind](),
            problems=tuple(table.problems),
            rows_read=table.data_rows,
        )
    try:
        result = _BUILDERS[kind](table)
    except ValidationError as exc:  # a safety net: the checks above should catch everything
        table.problems.append(CsvProblem(file, None, None, f"the data is not valid: {exc}"))
        result = _EMPTY[kind]()
    problems = sorted(table.problems, key=lambda p: (p.row is not None, p.row or 0))
    return ImportResult(
        kind=kind, file=file, data=result, problems=tuple(problems), rows_read=table.data_rows
    )


def import_assets(
    data: bytes | bytearray | memoryview | str, filename: str | None = "assets.csv"
) -> ImportResult[AssetMap]:
    """Read an asset map from CSV (see :func:`import_csv`).

    Args:
        data: The file's bytes or text.
        filename: The file's name, for messages.

    Returns:
        The imported asset map and the problems.
    """
    return import_csv("assets", data, filename)


def import_stakeholders(
    data: bytes | bytearray | memoryview | str, filename: str | None = "stakeholders.csv"
) -> ImportResult[StakeholderGrid]:
    """Read a stakeholder grid from CSV (see :func:`import_csv`).

    Args:
        data: The file's bytes or text.
        filename: The file's name, for messages.

    Returns:
        The imported stakeholder grid and the problems.
    """
    return import_csv("stakeholders", data, filename)


def import_partners(
    data: bytes | bytearray | memoryview | str, filename: str | None = "partners.csv"
) -> ImportResult[PartnerNetwork]:
    """Read a partner network from CSV (see :func:`import_csv`).

    Args:
        data: The file's bytes or text.
        filename: The file's name, for messages.

    Returns:
        The imported partner network and the problems.
    """
    return import_csv("partners", data, filename)


# --------------------------------------------------------------------------- writing


def _safe(value: str) -> str:
    """Protect a cell a spreadsheet would run as a formula (and one starting with ``'``)."""
    return "'" + value if value.startswith((*_FORMULA_START, "'")) else value


def _kind_of(data: MapData) -> Kind:
    if isinstance(data, AssetMap):
        return "assets"
    if isinstance(data, StakeholderGrid):
        return "stakeholders"
    if isinstance(data, PartnerNetwork):
        return "partners"
    raise TypeError(f"cannot export {type(data).__name__} as CSV")


def _columns(kind: Kind, include_contacts: bool) -> list[str]:
    return [c.name for c in COLUMNS[kind] if include_contacts or not c.personal]


def _write(header: list[str], rows: list[dict[str, str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_safe(row.get(col, "")) for col in header])
    return out.getvalue()


def export_csv(data: MapData, *, include_contacts: bool = False) -> str:
    """Write an asset map, stakeholder grid or partner network as CSV text.

    Importing the text again gives equal data (without contact details unless
    ``include_contacts`` is true).

    Args:
        data: The map to write.
        include_contacts: Include the ``contact`` column. Off by default, so personal
            contact details stay out of anything shared unless the learner chooses.

    Returns:
        The CSV text, header first, with Windows line ends (as spreadsheets write them).

    Raises:
        TypeError: If ``data`` is not one of the three maps.
    """
    kind = _kind_of(data)
    header = _columns(kind, include_contacts)
    rows: list[dict[str, str]] = []
    if isinstance(data, AssetMap):
        order = {name_key(a.name): i for i, a in enumerate(data.assets)}
        linked: dict[str, list[str]] = {name_key(a.name): [] for a in data.assets}
        for a, b in data.links:
            owner, other = (a, b) if order[name_key(a)] <= order[name_key(b)] else (b, a)
            linked[name_key(owner)].append(other)
        for asset in data.assets:
            row = asset.model_dump()
            others = sorted(linked[name_key(asset.name)], key=lambda n: order[name_key(n)])
            row["links_to"] = f"{LIST_SEPARATOR} ".join(others)
            rows.append(row)
    elif isinstance(data, StakeholderGrid):
        for rating in data.ratings:
            row = rating.model_dump()
            row["power"], row["interest"] = str(rating.power), str(rating.interest)
            rows.append(row)
    else:
        order = {name_key(p.name): i for i, p in enumerate(data.partners)}
        related: dict[str, list[tuple[int, str]]] = {name_key(p.name): [] for p in data.partners}
        for rel in data.relationships:
            a, b = rel.a, rel.b
            owner, other = (a, b) if order[name_key(a)] <= order[name_key(b)] else (b, a)
            related[name_key(owner)].append((order[name_key(other)], f"{other}: {rel.level}"))
        for partner in data.partners:
            row = partner.model_dump()
            entries = [text for _, text in sorted(related[name_key(partner.name)])]
            row["relationships"] = f"{LIST_SEPARATOR} ".join(entries)
            rows.append(row)
    return _write(header, rows)


def export_csv_bytes(data: MapData, *, include_contacts: bool = False) -> bytes:
    """Write a map as a CSV file to download: UTF-8 with a byte-order mark.

    The byte-order mark makes Excel read accented letters correctly; import accepts it.

    Args:
        data: The map to write.
        include_contacts: Include the ``contact`` column (off by default).

    Returns:
        The file's bytes.
    """
    return export_csv(data, include_contacts=include_contacts).encode("utf-8-sig")


def template_csv(kind: Kind, *, example: bool = False) -> str:
    """Return an empty CSV file for one tool, to fill in with a spreadsheet.

    Args:
        kind: ``"assets"``, ``"stakeholders"`` or ``"partners"``.
        example: Add one example row (made from :data:`COLUMNS`), to be replaced.

    Returns:
        The header row (and the example row), with every column.

    Raises:
        ValueError: If ``kind`` is unknown.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown CSV kind {kind!r}: use one of {', '.join(KINDS)}")
    header = [c.name for c in COLUMNS[kind]]
    rows = [{c.name: c.example for c in COLUMNS[kind]}] if example else []
    return _write(header, rows)

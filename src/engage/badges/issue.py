"""Issue badges to eligible learners: sign, bake, write one folder per learner, keep a ledger.

Eligibility records say who earned what (learner id, email and/or URL, achievement id,
evidence); they come from the nbgrader gradebook (:mod:`engage.badges.gradebook`) or a
CSV (:func:`read_eligibility_csv`). :func:`issue` writes::

    <out>/<learner>/<achievement>.png   baked PNG
    <out>/<learner>/<achievement>.svg   baked SVG
    <out>/<learner>/<achievement>.jws   the signed credential alone
    <out>/issued.json                   the ledger, keyed by learner and achievement
    <out>/summary.csv                   one line per badge issued so far

A badge already in the ledger is never issued again, so re-running is safe.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from engage.badges._files import write_bytes_atomic, write_json_atomic, write_text_atomic
from engage.badges.achievements import BadgeCatalog
from engage.badges.bake import bake_png, bake_svg
from engage.badges.credential import (
    EMAIL,
    Recipient,
    achievement_json,
    badge_text,
    build_credential,
    evidence_for,
    format_datetime,
    now_utc,
)
from engage.badges.errors import BadgeError
from engage.badges.images import badge_png, badge_svg
from engage.badges.issuer import Issuer
from engage.badges.signing import sign
from engage.content.loader import ContentError, Problem, display_path
from engage.content.schema import is_module_id

LEDGER_FILE = "issued.json"
SUMMARY_FILE = "summary.csv"
LEARNER_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}$")
CSV_COLUMNS = ("learner", "name", "email", "url", "achievement", "evidence")


@dataclass(frozen=True)
class EligibilityRecord:
    """One learner who earned one achievement, with the assignments that earned it."""

    learner: str
    achievement: str
    email: str | None = None
    url: str | None = None
    evidence: tuple[str, ...] = ()
    name: str | None = None

    @property
    def key(self) -> str:
        """The ledger key: ``<learner>/<achievement>``."""
        return f"{self.learner}/{self.achievement}"

    def problems(self, catalog: BadgeCatalog | None = None) -> list[tuple[str, str]]:
        """What is wrong with the record, as (field, message) pairs; empty when usable."""
        out = []
        if not LEARNER_ID.match(self.learner) or ".." in self.learner:
            out.append(
                (
                    "learner",
                    f"{self.learner!r} is not a usable learner id (letters, digits, . _ - @ +)",
                )
            )
        if not self.email and not self.url:
            out.append(("email", "give an email address or a URL for the learner"))
        if self.email and not EMAIL.match(self.email.strip().lower()):
            out.append(("email", f"{self.email!r} is not an email address"))
        if self.url and not re.match(r"^(https://\S+|did:[a-z0-9]+:\S+)$", self.url):
            out.append(("url", f"{self.url!r} is not an https:// URL or a DID"))
        for assignment in self.evidence:
            if not is_module_id(assignment):
                out.append(
                    ("evidence", f"{assignment!r} is not an assignment id like 04-world-cafe")
                )
        if catalog is not None:
            try:
                achievement = catalog.achievement(self.achievement)
            except BadgeError as exc:
                out.append(("achievement", str(exc)))
            else:
                unknown = [
                    a for a in self.evidence if a not in achievement.earning.all_assignments()
                ]
                if unknown:
                    out.append(
                        (
                            "evidence",
                            f"not assignments of {self.achievement}: {', '.join(unknown)}",
                        )
                    )
        elif not re.match(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", self.achievement):
            out.append(("achievement", f"{self.achievement!r} is not an achievement id"))
        return out


def read_eligibility_csv(
    path: Path, catalog: BadgeCatalog | None = None
) -> list[EligibilityRecord]:
    """Read eligibility records from a CSV file with a header row.

    Columns: ``learner``, ``achievement`` (required), ``email`` and/or ``url``, ``name``
    (shown on the badge image), ``evidence`` (assignment ids separated by ``;``; when
    empty, the achievement's required assignments are named).

    Args:
        path: The CSV file (UTF-8).
        catalog: The achievements, to check achievement ids and evidence against.

    Returns:
        The records, in file order.

    Raises:
        ContentError: With one ``file:line: column: message`` problem per mistake.
    """
    shown = display_path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ContentError(
            [Problem(shown, None, "", f"cannot read file: {exc.strerror}")]
        ) from None
    except UnicodeDecodeError:
        raise ContentError([Problem(shown, None, "", "not UTF-8 text")]) from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    problems = []
    missing = [c for c in ("learner", "achievement") if c not in header]
    unknown = [c for c in header if c not in CSV_COLUMNS]
    if missing:
        problems.append(Problem(shown, 1, "", f"missing column(s): {', '.join(missing)}"))
    if unknown:
        problems.append(
            Problem(
                shown,
                1,
                "",
                f"unknown column(s): {', '.join(unknown)} (known: {', '.join(CSV_COLUMNS)})",
            )
        )
    if problems:
        raise ContentError(problems)
    reader.fieldnames = header
    records = []
    for row in reader:
        line = reader.line_num
        values = {k: (v or "").strip() for k, v in row.items() if k is not None}
        if not any(values.values()):
            continue
        record = EligibilityRecord(
            learner=values.get("learner", ""),
            achievement=values.get("achievement", ""),
            email=values.get("email") or None,
            url=values.get("url") or None,
            evidence=tuple(e for e in re.split(r"[;\s]+", values.get("evidence", "")) if e),
            name=values.get("name") or None,
        )
        problems += [
            Problem(shown, line, key, message) for key, message in record.problems(catalog)
        ]
        records.append(record)
    if problems:
        raise ContentError(problems)
    return records


@dataclass(frozen=True)
class Outcome:
    """What happened (or would happen) for one record."""

    learner: str
    achievement: str
    status: Literal["issued", "already issued", "would issue"]
    credential_id: str | None = None
    files: tuple[str, ...] = ()

    def __str__(self) -> str:
        """One line for the facilitator."""
        where = f" -> {', '.join(self.files)}" if self.files else ""
        ident = f" ({self.credential_id})" if self.credential_id else ""
        return f"{self.status}: {self.learner} / {self.achievement}{ident}{where}"


@dataclass
class IssueReport:
    """The outcome of one run of :func:`issue`."""

    out_dir: Path
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def issued(self) -> list[Outcome]:
        """Badges issued in this run."""
        return [o for o in self.outcomes if o.status == "issued"]

    @property
    def planned(self) -> list[Outcome]:
        """Badges a dry run would issue."""
        return [o for o in self.outcomes if o.status == "would issue"]

    @property
    def already_issued(self) -> list[Outcome]:
        """Records skipped because the ledger holds their badge."""
        return [o for o in self.outcomes if o.status == "already issued"]


def load_ledger(out_dir: Path) -> dict[str, dict[str, Any]]:
    """Read the issued-badges ledger of an output folder (empty if there is none).

    Raises:
        BadgeError: If the ledger exists but is damaged (nothing is issued then).
    """
    path = out_dir / LEDGER_FILE
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        issued = data["issued"]
        if not isinstance(issued, dict):
            raise TypeError("issued is not an object")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadgeError(f"the ledger {path} is damaged ({exc}); fix or restore it first") from None
    return issued


def _write_summary(out_dir: Path, ledger: dict[str, dict[str, Any]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(
        [
            "learner",
            "achievement",
            "credential_id",
            "valid_from",
            "valid_until",
            "png",
            "svg",
            "jws",
        ]
    )
    for key in sorted(ledger):
        entry = ledger[key]
        files = entry.get("files", {})
        writer.writerow(
            [
                entry.get("learner", ""),
                entry.get("achievement", ""),
                entry.get("credential_id", ""),
                entry.get("valid_from", ""),
                entry.get("valid_until") or "",
                files.get("png", ""),
                files.get("svg", ""),
                files.get("jws", ""),
            ]
        )
    write_text_atomic(out_dir / SUMMARY_FILE, buffer.getvalue())


def _validate(records: Sequence[EligibilityRecord], catalog: BadgeCatalog) -> None:
    problems = []
    for i, record in enumerate(records):
        for key, message in record.problems(catalog):
            problems.append(f"record {i + 1} ({record.learner or '?'}): {key}: {message}")
    if problems:
        raise BadgeError(
            "nothing issued; the eligibility records have problems:\n" + "\n".join(problems)
        )


def issue(
    records: Iterable[EligibilityRecord],
    issuer: Issuer,
    catalog: BadgeCatalog,
    out_dir: Path,
    *,
    issued_at: datetime | None = None,
    expires_at: datetime | None = None,
    dry_run: bool = False,
) -> IssueReport:
    """Issue a badge for every eligibility record that does not have one yet.

    Args:
        records: Who earned what.
        issuer: The issuer (its private key is read only when something is issued).
        catalog: The achievements.
        out_dir: The output folder (see the module docstring).
        issued_at: ``validFrom`` of the new badges; now if None.
        expires_at: ``validUntil`` of the new badges, if they expire.
        dry_run: Only report who would get what; write nothing and read no key.

    Returns:
        What was issued, skipped, or (dry run) would be issued.

    Raises:
        BadgeError: If a record is invalid (then nothing is issued), the ledger is damaged,
            or the key cannot be used.
    """
    records = list(records)
    _validate(records, catalog)
    out_dir = Path(out_dir)
    ledger = load_ledger(out_dir)
    report = IssueReport(out_dir=out_dir, dry_run=dry_run)
    todo: list[EligibilityRecord] = []
    seen: set[str] = set()
    for record in records:
        if record.key in seen:
            continue
        seen.add(record.key)
        if record.key in ledger:
            entry = ledger[record.key]
            report.outcomes.append(
                Outcome(
                    record.learner, record.achievement, "already issued", entry.get("credential_id")
                )
            )
        elif dry_run:
            files = tuple(f"{record.key}.{ext}" for ext in ("png", "svg", "jws"))
            report.outcomes.append(
                Outcome(record.learner, record.achievement, "would issue", None, files)
            )
        else:
            todo.append(record)
    if dry_run or not todo:
        if not dry_run and ledger:
            _write_summary(out_dir, ledger)
        return report
    key = issuer.private_key()
    moment = issued_at or now_utc()
    for record in todo:
        achievement = catalog.achievement(record.achievement)
        credential = build_credential(
            issuer.profile,
            achievement_json(catalog, achievement, issuer.profile),
            Recipient(email=record.email, url=record.url),
            moment,
            evidence_for(catalog, record.evidence or achievement.earning.assignments),
            expires_at,
        )
        jws = sign(credential, key, issuer.kid)
        text = badge_text(catalog, achievement, record.name)
        folder = out_dir / record.learner
        files = {
            "png": f"{record.key}.png",
            "svg": f"{record.key}.svg",
            "jws": f"{record.key}.jws",
        }
        write_bytes_atomic(folder / f"{achievement.id}.png", bake_png(badge_png(text), jws))
        write_text_atomic(folder / f"{achievement.id}.svg", bake_svg(badge_svg(text), jws))
        write_text_atomic(folder / f"{achievement.id}.jws", jws + "\n")
        ledger[record.key] = {
            "learner": record.learner,
            "achievement": record.achievement,
            "credential_id": credential["id"],
            "valid_from": credential["validFrom"],
            "valid_until": credential.get("validUntil"),
            "issued_at": format_datetime(now_utc()),
            "files": files,
        }
        write_json_atomic(out_dir / LEDGER_FILE, {"schema_version": 1, "issued": ledger})
        report.outcomes.append(
            Outcome(
                record.learner,
                record.achievement,
                "issued",
                credential["id"],
                tuple(files.values()),
            )
        )
    _write_summary(out_dir, ledger)
    return report

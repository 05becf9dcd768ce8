"""Tests for engage.badges.issue: per-learner folders, the ledger, dry runs and CSV records."""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from engage.badges import (
    BadgeError,
    EligibilityRecord,
    init_issuer,
    issue,
    load_badges,
    load_ledger,
    read_eligibility_csv,
    unbake,
    verify,
)
from engage.content import ContentError

REPO = Path(__file__).resolve().parents[2]
ISSUED = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)
LATER = ISSUED + timedelta(days=1)

RECORDS = [
    EligibilityRecord(
        learner="ana",
        achievement="track-large-urban",
        email="ana@example.org",
        evidence=("04-world-cafe", "05-dialogue-to-change"),
        name="Ana <b>Díaz</b> & co",
    ),
    EligibilityRecord(
        learner="bo.chen",
        achievement="course-completion",
        url="https://bo.example.net/",
    ),
]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="module")
def issuer(tmp_path_factory: pytest.TempPathFactory):
    return init_issuer(
        tmp_path_factory.mktemp("issuer") / "issuer",
        name="Springfield Public Library",
        url="https://library.example.org/badges/",
        email="badges@library.example.org",
        description="A public library that runs cohorts.",
        key_bits=2048,
    )


@pytest.fixture(scope="module")
def catalog():
    return load_badges(REPO)


def test_issue_writes_png_svg_jws_per_learner_and_a_summary(issuer, catalog, tmp_path: Path):
    """Does issuing write <learner>/<achievement>.png/.svg/.jws, a ledger and a summary?"""
    report = issue(RECORDS, issuer, catalog, tmp_path, issued_at=ISSUED)
    assert [(o.learner, o.status) for o in report.outcomes] == [
        ("ana", "issued"),
        ("bo.chen", "issued"),
    ]
    for learner, achievement in (("ana", "track-large-urban"), ("bo.chen", "course-completion")):
        jws = (tmp_path / learner / f"{achievement}.jws").read_text().strip()
        for ext in ("png", "svg"):
            assert unbake((tmp_path / learner / f"{achievement}.{ext}").read_bytes()) == jws
            result = verify(
                tmp_path / learner / f"{achievement}.{ext}", issuer.jwks_path, now=LATER
            )
            assert result.ok, result.summary()
    with (tmp_path / "summary.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["learner"], r["achievement"]) for r in rows] == [
        ("ana", "track-large-urban"),
        ("bo.chen", "course-completion"),
    ]
    assert rows[0]["png"] == "ana/track-large-urban.png"
    assert rows[0]["valid_from"] == "2025-06-01T12:00:00Z"
    ledger = load_ledger(tmp_path)
    assert ledger["ana/track-large-urban"]["credential_id"] == report.issued[0].credential_id


def test_re_issue_is_idempotent(issuer, catalog, tmp_path: Path):
    """Does running issue again issue nothing and leave every file byte for byte?"""
    issue(RECORDS, issuer, catalog, tmp_path, issued_at=ISSUED)
    before = snapshot(tmp_path)
    again = issue([*RECORDS, RECORDS[0]], issuer, catalog, tmp_path, issued_at=LATER)
    assert [o.status for o in again.outcomes] == ["already issued", "already issued"]
    assert again.issued == []
    assert snapshot(tmp_path) == before


def test_a_new_record_is_added_without_touching_old_badges(issuer, catalog, tmp_path: Path):
    """Does a later run issue only the new learner's badge and keep the earlier ones?"""
    issue(RECORDS[:1], issuer, catalog, tmp_path, issued_at=ISSUED)
    first = (tmp_path / "ana" / "track-large-urban.jws").read_bytes()
    report = issue(RECORDS, issuer, catalog, tmp_path, issued_at=LATER)
    assert [o.status for o in report.outcomes] == ["already issued", "issued"]
    assert (tmp_path / "ana" / "track-large-urban.jws").read_bytes() == first
    assert set(load_ledger(tmp_path)) == {"ana/track-large-urban", "bo.chen/course-completion"}


def test_dry_run_writes_nothing_and_reads_no_key(issuer, catalog, tmp_path: Path):
    """Does a dry run say who would get what, create no file, and not need the key?"""
    out = tmp_path / "out"
    broken_key = type(issuer)(issuer.folder, issuer.profile, issuer.kid, tmp_path / "no-key.pem")
    report = issue(RECORDS, broken_key, catalog, out, dry_run=True)
    assert [(o.learner, o.status) for o in report.planned] == [
        ("ana", "would issue"),
        ("bo.chen", "would issue"),
    ]
    assert report.planned[0].files == (
        "ana/track-large-urban.png",
        "ana/track-large-urban.svg",
        "ana/track-large-urban.jws",
    )
    assert not out.exists()


def test_dry_run_after_issue_reports_already_issued(issuer, catalog, tmp_path: Path):
    """Does a dry run after a real run report the issued badges as already issued?"""
    issue(RECORDS[:1], issuer, catalog, tmp_path, issued_at=ISSUED)
    before = snapshot(tmp_path)
    report = issue(RECORDS, issuer, catalog, tmp_path, dry_run=True)
    assert [o.status for o in report.outcomes] == ["already issued", "would issue"]
    assert snapshot(tmp_path) == before


def test_learner_name_is_escaped_in_the_issued_svg(issuer, catalog, tmp_path: Path):
    """Is the learner's name shown as escaped text in the SVG badge?"""
    issue(RECORDS[:1], issuer, catalog, tmp_path, issued_at=ISSUED)
    svg = (tmp_path / "ana" / "track-large-urban.svg").read_text(encoding="utf-8")
    assert "Ana &lt;b&gt;Díaz&lt;/b&gt; &amp; co" in svg
    assert "<b>" not in svg


def test_evidence_names_the_assignments(issuer, catalog, tmp_path: Path):
    """Does the credential's evidence name the graded assignments (default: required ones)?"""
    issue(RECORDS, issuer, catalog, tmp_path, issued_at=ISSUED)
    ana = verify(tmp_path / "ana" / "track-large-urban.jws", issuer.jwks_path, now=LATER)
    assert [e["name"] for e in ana.credential["evidence"]] == [
        "Reflection: World Café",
        "Reflection: Dialogue to Change",
    ]
    bo = verify(tmp_path / "bo.chen" / "course-completion.jws", issuer.jwks_path, now=LATER)
    assert len(bo.credential["evidence"]) == 5


def test_expiring_badges_carry_valid_until(issuer, catalog, tmp_path: Path):
    """Do badges issued with an expiry date carry validUntil and expire then?"""
    expires = ISSUED + timedelta(days=730)
    issue(RECORDS[:1], issuer, catalog, tmp_path, issued_at=ISSUED, expires_at=expires)
    badge = tmp_path / "ana" / "track-large-urban.png"
    assert (
        verify(badge, issuer.jwks_path, now=LATER).credential["validUntil"]
        == "2027-06-01T12:00:00Z"
    )
    assert not verify(badge, issuer.jwks_path, now=expires).ok


@pytest.mark.parametrize(
    ("record", "message"),
    [
        (EligibilityRecord("../etc", "course-completion", email="a@example.org"), "learner"),
        (EligibilityRecord("ana", "no-such-badge", email="a@example.org"), "no achievement"),
        (EligibilityRecord("ana", "course-completion"), "email address or a URL"),
        (EligibilityRecord("ana", "course-completion", email="nope"), "not an email"),
        (
            EligibilityRecord(
                "ana", "track-academic", email="a@example.org", evidence=("04-world-cafe",)
            ),
            "not assignments of track-academic",
        ),
    ],
)
def test_invalid_records_stop_the_run_before_anything_is_issued(
    issuer, catalog, tmp_path: Path, record, message
):
    """Does one bad record stop the whole run, naming the record, with nothing written?"""
    with pytest.raises(BadgeError, match=message):
        issue([RECORDS[0], record], issuer, catalog, tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_a_damaged_ledger_stops_the_run(issuer, catalog, tmp_path: Path):
    """Is a damaged ledger reported, rather than silently re-issuing everything?"""
    (tmp_path / "issued.json").write_text("{not json")
    with pytest.raises(BadgeError, match="damaged"):
        issue(RECORDS, issuer, catalog, tmp_path)


# ----------------------------------------------------------------- CSV records


def test_eligibility_csv_is_read(catalog, tmp_path: Path):
    """Are CSV rows read into records, with evidence split on ';' and blank rows skipped?"""
    path = tmp_path / "eligible.csv"
    path.write_text(
        "learner,name,email,url,achievement,evidence\n"
        "ana,Ana Díaz,ana@example.org,,track-large-urban,04-world-cafe; 05-dialogue-to-change\n"
        ",,,,,\n"
        "bo,,,https://bo.example.net/,track-academic,\n",
        encoding="utf-8",
    )
    records = read_eligibility_csv(path, catalog)
    assert records == [
        EligibilityRecord(
            "ana",
            "track-large-urban",
            email="ana@example.org",
            evidence=("04-world-cafe", "05-dialogue-to-change"),
            name="Ana Díaz",
        ),
        EligibilityRecord("bo", "track-academic", url="https://bo.example.net/"),
    ]


def test_eligibility_csv_problems_name_file_line_and_column(catalog, tmp_path: Path):
    """Does a bad CSV report every problem as file:line: column: message?"""
    path = tmp_path / "eligible.csv"
    path.write_text(
        "learner,email,achievement\n"
        "ana,ana@example.org,track-academic\n"
        "bo,not-an-email,track-academic\n"
        "cy,cy@example.org,no-such-badge\n",
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as info:
        read_eligibility_csv(path, catalog)
    lines = str(info.value).splitlines()
    assert len(lines) == 2
    assert lines[0].endswith("eligible.csv:3: email: 'not-an-email' is not an email address")
    assert lines[1].startswith(f"{path.as_posix()}:4: achievement: no achievement 'no-such-badge'")


def test_eligibility_csv_header_is_checked(tmp_path: Path):
    """Are missing and unknown columns reported on line 1?"""
    path = tmp_path / "eligible.csv"
    path.write_text("student,mail\nana,ana@example.org\n", encoding="utf-8")
    with pytest.raises(ContentError) as info:
        read_eligibility_csv(path)
    messages = [p.message for p in info.value.problems]
    assert messages[0] == "missing column(s): learner, achievement"
    assert messages[1].startswith("unknown column(s): student, mail")
    assert {p.line for p in info.value.problems} == {1}


def test_ledger_is_json_keyed_by_learner_and_achievement(issuer, catalog, tmp_path: Path):
    """Is the ledger plain JSON, keyed learner/achievement, holding no email address?"""
    issue(RECORDS, issuer, catalog, tmp_path, issued_at=ISSUED)
    data = json.loads((tmp_path / "issued.json").read_text(encoding="utf-8"))
    assert data["schema_version"] == 1
    assert set(data["issued"]) == {"ana/track-large-urban", "bo.chen/course-completion"}
    assert "ana@example.org" not in (tmp_path / "issued.json").read_text()

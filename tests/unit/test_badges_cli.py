"""Tests for ``engage badges``: init-issuer, issue (from a CSV), verify and revoke."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from engage.cli import main

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def issuer_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "issuer"
    code = main(
        [
            "badges",
            "init-issuer",
            str(folder),
            "--name",
            "Springfield Public Library",
            "--url",
            "https://library.example.org/badges/",
            "--email",
            "badges@library.example.org",
            "--description",
            "A public library that runs cohorts.",
        ]
    )
    assert code == 0
    return folder


def test_init_issuer_prints_where_things_are_but_never_the_key(capsys, issuer_folder):
    """Does init-issuer say where the key and public files are, without printing the key?"""
    out = capsys.readouterr().out
    key = issuer_folder / "private" / "signing-key.pem"
    assert str(key) in out and "publish the files" in out
    assert "PRIVATE KEY" not in out
    assert key.read_text().splitlines()[1] not in out
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_init_issuer_refuses_the_repository(capsys):
    """Does init-issuer inside the repository exit 1 with the reason and write nothing?"""
    target = REPO / "build" / "issuer-should-never-exist"
    code = main(
        [
            *("badges", "init-issuer", str(target), "--name", "X"),
            *("--url", "https://x.example.org/", "--email", "x@example.org"),
            *("--description", "X."),
        ]
    )
    assert code == 1
    assert "git work tree" in capsys.readouterr().err
    assert not target.exists()


def test_issue_verify_revoke_from_the_command_line(issuer_folder, tmp_path: Path, capsys):
    """Do issue, dry run, re-issue, verify and revoke work end to end from the CLI?"""
    eligible = tmp_path / "eligible.csv"
    eligible.write_text(
        "learner,name,email,achievement,evidence\n"
        "ana,Ana,ana@example.org,track-academic,"
        "06-national-issues-forums;07-reflective-structured-dialogue\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    base = ["badges", "issue", "--eligible", str(eligible), "--issuer", str(issuer_folder)]
    base += ["--out", str(out), "--root", str(REPO)]
    assert main([*base, "--dry-run"]) == 0
    assert "would issue: ana / track-academic" in capsys.readouterr().out
    assert not out.exists()
    assert main(base) == 0
    assert "1 issued, 0 already issued" in capsys.readouterr().out
    assert main(base) == 0
    assert "0 issued, 1 already issued" in capsys.readouterr().out

    badge = out / "ana" / "track-academic.png"
    jwks = issuer_folder / "public" / "jwks.json"
    assert main(["badges", "verify", str(badge), "--jwks", str(jwks)]) == 0
    assert capsys.readouterr().out.rstrip().endswith("VALID")

    credential_id = (out / "summary.csv").read_text().splitlines()[1].split(",")[2]
    revoked = tmp_path / "revoked.json"
    assert (
        main(["badges", "revoke", credential_id, "--list", str(revoked), "--reason", "test"]) == 0
    )
    code = main(
        ["badges", "verify", str(badge), "--jwks", str(jwks), "--revocations", str(revoked)]
    )
    assert code == 1
    assert "revoked" in capsys.readouterr().out


def test_issue_reports_csv_problems_with_file_and_line(issuer_folder, tmp_path: Path, capsys):
    """Does a bad eligibility CSV exit 1 with file:line: column: message?"""
    eligible = tmp_path / "eligible.csv"
    eligible.write_text("learner,email,achievement\nana,nope,track-academic\n")
    code = main(
        [
            *("badges", "issue", "--eligible", str(eligible), "--issuer", str(issuer_folder)),
            *("--out", str(tmp_path / "out"), "--root", str(REPO)),
        ]
    )
    assert code == 1
    assert "eligible.csv:2: email: 'nope' is not an email address" in capsys.readouterr().err

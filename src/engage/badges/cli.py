"""The ``engage badges`` sub-commands: thin wrappers over the badges package.

``init-issuer`` creates the issuer, ``issue`` signs and bakes badges for the learners the
nbgrader gradebook (or a CSV of eligibility records) shows have earned them, ``verify``
checks a badge and ``revoke`` adds a credential to the revocation list.
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any


def add_parser(sub: Any) -> argparse.ArgumentParser:
    """Add the ``badges`` command group to the ``engage`` sub-parsers.

    Args:
        sub: The object returned by ``ArgumentParser.add_subparsers``.

    Returns:
        The ``badges`` parser.
    """
    p_badges = sub.add_parser(
        "badges", help="Open Badges 3.0: set up an issuer, issue, verify and revoke badges"
    )
    actions = p_badges.add_subparsers(dest="action", metavar="ACTION", required=True)

    p_init = actions.add_parser(
        "init-issuer", help="create the issuer profile, signing key and public JWK set"
    )
    p_init.add_argument("folder", type=Path, help="issuer folder, outside any repository")
    p_init.add_argument("--name", required=True, help="the organisation's name")
    p_init.add_argument("--url", required=True, help="the issuer's public https:// URL")
    p_init.add_argument("--email", required=True, help="a contact address")
    p_init.add_argument("--description", required=True, help="who the issuer is, briefly")
    p_init.add_argument("--key", type=Path, help="private key file (default: FOLDER/private/)")

    p_issue = actions.add_parser("issue", help="sign and bake badges for eligible learners")
    source = p_issue.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--gradebook",
        type=Path,
        metavar="COURSE_DIR",
        help="the nbgrader course folder: every achievement's rule is checked against its "
        "gradebook.db",
    )
    source.add_argument(
        "--eligible",
        type=Path,
        help="CSV with columns learner, achievement, email and/or url, name, evidence",
    )
    p_issue.add_argument(
        "--learners",
        type=Path,
        help="with --gradebook: CSV of learner and email and/or url (or contact), used "
        "instead of the gradebook's email addresses",
    )
    p_issue.add_argument("--issuer", type=Path, required=True, help="the issuer folder")
    p_issue.add_argument("--out", type=Path, required=True, help="output folder")
    p_issue.add_argument("--expires-in-days", type=int, help="make the badges expire")
    p_issue.add_argument("--dry-run", action="store_true", help="show who would get what")
    p_issue.add_argument("--root", type=Path, help="repository root (default: found from here)")

    p_verify = actions.add_parser("verify", help="check a baked PNG/SVG or a .jws file")
    p_verify.add_argument("file", type=Path, help="the badge to check")
    p_verify.add_argument(
        "--jwks", help="issuer's JWK set: file or https URL (default: the key's kid URL)"
    )
    p_verify.add_argument("--revocations", type=Path, help="revocation list to check against")
    p_verify.add_argument("--email", help="also check the badge was issued to this address")

    p_revoke = actions.add_parser("revoke", help="add a credential to the revocation list")
    p_revoke.add_argument("credential_id", help="the credential's id (urn:uuid:...)")
    p_revoke.add_argument("--list", type=Path, required=True, help="revocation list file")
    p_revoke.add_argument("--reason", required=True, help="why it is revoked")
    return p_badges


def run(args: argparse.Namespace) -> int:
    """Run one ``engage badges`` action.

    Args:
        args: The parsed arguments.

    Returns:
        The exit code: 0 on success (or a valid badge), 1 otherwise.
    """
    from engage.badges.errors import BadgeError
    from engage.content import ContentError

    action = {
        "init-issuer": _init_issuer,
        "issue": _issue,
        "verify": _verify,
        "revoke": _revoke,
    }[args.action]
    try:
        return action(args)
    except (BadgeError, ContentError) as exc:
        print(f"engage badges {args.action}: {exc}", file=sys.stderr)
        return 1


def _init_issuer(args: argparse.Namespace) -> int:
    from engage.badges.issuer import init_issuer

    issuer = init_issuer(
        args.folder, args.name, args.url, args.email, args.description, key_path=args.key
    )
    print(f"issuer {issuer.id} created in {issuer.folder}")
    print(f"private key: {issuer.key_path} (mode 0600; keep it safe, never share or commit it)")
    print(f"key id: {issuer.kid}")
    print(f"publish the files in {issuer.public_dir} at {issuer.id}")
    return 0


def _issue(args: argparse.Namespace) -> int:
    from engage.badges.achievements import load_badges
    from engage.badges.issue import issue, read_eligibility_csv
    from engage.badges.issuer import load_issuer

    catalog = load_badges(args.root)
    if args.gradebook is not None:
        from engage.badges.gradebook import eligibility, read_grades, read_learners_csv

        contacts = read_learners_csv(args.learners) if args.learners else None
        found = eligibility(read_grades(args.gradebook), catalog, contacts)
        for reason in found.skipped:
            print(f"skipped: {reason}")
        records = found.records
    elif args.learners is not None:
        print("engage badges issue: --learners goes with --gradebook", file=sys.stderr)
        return 1
    else:
        records = read_eligibility_csv(args.eligible, catalog)
    issuer = load_issuer(args.issuer)
    expires = None
    if args.expires_in_days is not None:
        expires = datetime.now(UTC).replace(microsecond=0) + timedelta(days=args.expires_in_days)
    report = issue(records, issuer, catalog, args.out, expires_at=expires, dry_run=args.dry_run)
    for outcome in report.outcomes:
        print(outcome)
    if args.dry_run:
        print(f"dry run: {len(report.planned)} badge(s) would be issued; nothing written")
    else:
        print(
            f"{len(report.issued)} issued, {len(report.already_issued)} already issued; "
            f"see {args.out / 'summary.csv'}"
        )
    return 0


def _verify(args: argparse.Namespace) -> int:
    from engage.badges.verify import verify

    result = verify(args.file, args.jwks, args.revocations, recipient_email=args.email)
    print(result.summary())
    return 0 if result.ok else 1


def _revoke(args: argparse.Namespace) -> int:
    from engage.badges.revocation import revoke

    if revoke(args.list, args.credential_id, args.reason):
        print(f"revoked {args.credential_id} in {args.list}")
    else:
        print(f"{args.credential_id} was already revoked in {args.list}")
    return 0

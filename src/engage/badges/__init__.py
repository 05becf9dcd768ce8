"""Open Badges 3.0 for the course: issuer, achievements, signing, baking, issuing, verifying.

The whole flow, on the facilitator's machine (never on Binder, never in the repository)::

    issuer = init_issuer(folder, name, url, email, description)   # once
    catalog = load_badges()                                       # modules/badges.yml
    records = eligibility(read_grades(course), catalog).records   # from the gradebook
    report = issue(records, issuer, catalog, out_dir)             # sign + bake + ledger
    result = verify("out/ana/course-completion.png", issuer.jwks_path)
    revoke(revocation_list, credential_id, "issued by mistake")
"""

from engage.badges.achievements import (
    Achievement,
    BadgeCatalog,
    BadgesFile,
    Earning,
    EarningRule,
    check_badges,
    load_badges,
)
from engage.badges.bake import bake_png, bake_svg, unbake
from engage.badges.credential import (
    Evidence,
    Recipient,
    achievement_json,
    build_credential,
    evidence_for,
    hash_identity,
)
from engage.badges.errors import BadgeError, BakeError
from engage.badges.gradebook import (
    Contact,
    Eligibility,
    LearnerGrades,
    eligibility,
    read_grades,
    read_learners_csv,
)
from engage.badges.images import BadgeText, badge_png, badge_svg
from engage.badges.issue import (
    EligibilityRecord,
    IssueReport,
    Outcome,
    issue,
    load_ledger,
    read_eligibility_csv,
)
from engage.badges.issuer import Issuer, init_issuer, load_issuer, load_key_set
from engage.badges.revocation import load_revocation_list, revoke
from engage.badges.signing import sign
from engage.badges.structure import check_structure
from engage.badges.verify import Check, VerificationResult, verify

__all__ = [
    "Achievement",
    "BadgeCatalog",
    "BadgeError",
    "BadgeText",
    "BadgesFile",
    "BakeError",
    "Check",
    "Contact",
    "Earning",
    "EarningRule",
    "Eligibility",
    "EligibilityRecord",
    "Evidence",
    "IssueReport",
    "Issuer",
    "LearnerGrades",
    "Outcome",
    "Recipient",
    "VerificationResult",
    "achievement_json",
    "badge_png",
    "badge_svg",
    "bake_png",
    "bake_svg",
    "build_credential",
    "check_badges",
    "check_structure",
    "eligibility",
    "evidence_for",
    "hash_identity",
    "init_issuer",
    "issue",
    "load_badges",
    "load_issuer",
    "load_key_set",
    "load_ledger",
    "load_revocation_list",
    "read_eligibility_csv",
    "read_grades",
    "read_learners_csv",
    "revoke",
    "sign",
    "unbake",
    "verify",
]

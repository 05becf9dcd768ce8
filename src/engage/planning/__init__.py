"""Model chooser and session planner: method data, ranking, plans, handouts and iCalendar.

Plain logic only (no widgets); the views are in :mod:`engage.ui.chooser` and
:mod:`engage.ui.planner`.
"""

from engage.planning.chooser import (
    Caution,
    Excluded,
    Ranked,
    Reason,
    Recommendation,
    Situation,
    SituationError,
    exclusions,
    rank_methods,
)
from engage.planning.document import Document, md_escape
from engage.planning.handout import Capstone, capstone_document, handout_filename, plan_document
from engage.planning.ical import calendar_ics, cohort_events, plan_events, plan_ics
from engage.planning.methods import (
    Method,
    MethodCatalog,
    check_methods,
    clear_cache,
    load_methods,
)
from engage.planning.planner import (
    Finding,
    Meeting,
    Plan,
    PlanError,
    build_agenda,
    check_plan,
    groups_needed,
    has_problems,
    new_plan,
)

__all__ = [
    "Capstone",
    "Caution",
    "Document",
    "Excluded",
    "Finding",
    "Meeting",
    "Method",
    "MethodCatalog",
    "Plan",
    "PlanError",
    "Ranked",
    "Reason",
    "Recommendation",
    "Situation",
    "SituationError",
    "build_agenda",
    "calendar_ics",
    "capstone_document",
    "check_methods",
    "check_plan",
    "clear_cache",
    "cohort_events",
    "exclusions",
    "groups_needed",
    "handout_filename",
    "has_problems",
    "load_methods",
    "md_escape",
    "new_plan",
    "plan_document",
    "plan_events",
    "plan_ics",
    "rank_methods",
]

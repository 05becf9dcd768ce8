"""Tests of the session planner: plans from templates, the agenda, and plain-language checks."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from engage.planning.methods import Method, load_methods
from engage.planning.planner import (
    Plan,
    PlanError,
    build_agenda,
    check_plan,
    groups_needed,
    has_problems,
    names_in,
    new_plan,
    parse_date,
    parse_time,
    role_counts,
)

REPO = Path(__file__).resolve().parents[2]
CATALOG = load_methods(REPO)
METHODS = {m.id: m for m in CATALOG.methods}
TODAY = date(2030, 1, 1)
FAR = "2030-09-01"


def staffed(method: Method, **values: object) -> Plan:
    """A default plan with enough named people for every role, far enough ahead."""
    plan = new_plan(method, start_date=FAR, start_time="13:00", **values)
    counts = role_counts(plan, method)
    for role in method.template.roles:
        plan.people[role.id] = ", ".join(f"{role.id} {i}" for i in range(counts[role.id] or 1))
    return plan


def texts(plan: Plan, method: Method, severity: str | None = None) -> list[str]:
    return [f.text for f in check_plan(plan, method, today=TODAY) if severity in (None, f.severity)]


@pytest.mark.parametrize("method", CATALOG.methods, ids=lambda m: m.id)
def test_a_staffed_default_plan_passes_every_check(method: Method):
    """Does the template's own default plan, with people named, fit its method completely?"""
    assert texts(staffed(method), method) == []


@pytest.mark.parametrize("method", CATALOG.methods, ids=lambda m: m.id)
def test_an_unstaffed_default_plan_has_cautions_but_no_problems(method: Method):
    """Does a fresh plan only remind the learner to name people, without breaking the method?"""
    findings = check_plan(new_plan(method), method, today=TODAY)
    assert not has_problems(findings)
    assert all("No one is named yet" in f.text for f in findings)


def test_segments_longer_than_the_session_are_a_problem():
    """Does a 60-minute World Café say the segments do not fit, in minutes?"""
    cafe = METHODS["world-cafe"]
    problems = texts(staffed(cafe, session_minutes=60), cafe, "problem")
    assert problems == [
        "The segments add up to 1 h 55 min, longer than the 1 h session. Shorten a segment, "
        "leave out one that is not required, or book more time."
    ]
    assert any("outside the usual" in t for t in texts(staffed(cafe, session_minutes=60), cafe))


def test_a_forum_without_its_reflection_is_a_problem():
    """Does leaving out a forum's reflection say what is lost?"""
    nif = METHODS["national-issues-forums"]
    plan = staffed(nif)
    plan.included["reflection"] = False
    problems = texts(plan, nif, "problem")
    assert len(problems) == 1
    assert problems[0].startswith("The agenda leaves out “Reflection: common ground")
    assert "nothing to report" in problems[0]


def test_a_required_segment_with_no_time_is_a_problem():
    """Is a required segment left at zero minutes reported like a missing one?"""
    cafe = METHODS["conversation-cafe"]
    plan = staffed(cafe)
    plan.minutes["final-round"] = 0
    assert texts(plan, cafe, "problem")[0].startswith("“Final round: what challenged")


def test_a_cafe_table_of_twelve_is_a_problem_with_advice():
    """Does a World Café table of twelve break the method, and say how many tables to plan?"""
    cafe = METHODS["world-cafe"]
    problems = texts(staffed(cafe, group_size=12, participants=40), cafe, "problem")
    assert len(problems) == 1
    assert problems[0].startswith("A table of 12 is outside the usual 4 to 5.")
    assert problems[0].endswith("For 40 people, plan 8 tables of up to 5.")


def test_a_table_one_over_the_range_is_only_a_caution():
    """Is a table of six a caution rather than a problem?"""
    cafe = METHODS["world-cafe"]
    findings = check_plan(staffed(cafe, group_size=6, participants=40), cafe, today=TODAY)
    sizes = [f for f in findings if f.where == "group_size"]
    assert [f.severity for f in sizes] == ["caution"]


def test_future_search_in_one_afternoon_is_a_problem():
    """Does a one-day Future Search say it needs three days and two nights?"""
    fs = METHODS["future-search"]
    plan = staffed(fs, count=1)
    problems = texts(plan, fs, "problem")
    assert problems[0].startswith("Future Search runs over 3 days; this plan has 1.")
    assert "two nights' sleep" in problems[0]
    assert any("4.5 hours over 1 day." in t for t in texts(plan, fs, "caution"))


def test_a_series_too_short_for_dialogue_to_change_is_a_problem():
    """Does a two-session Dialogue to Change say circles meet over more weeks?"""
    dtc = METHODS["dialogue-to-change"]
    problems = texts(staffed(dtc, count=2), dtc, "problem")
    assert problems == [
        "Dialogue to Change runs over 3 to 6 sessions; this plan has 2. Circles meet over "
        "four to six weeks; older study-circle guides describe three to six sessions."
    ]


def test_forum_options_with_unequal_time_are_a_caution():
    """Is a forum that gives one option twice the time of another cautioned?"""
    nif = METHODS["national-issues-forums"]
    plan = staffed(nif, session_minutes=180)
    plan.minutes["option-one"] = 30
    plan.minutes["option-two"] = 15
    cautions = texts(plan, nif, "caution")
    assert any(t.startswith("The options get unequal time (15 to 30 minutes).") for t in cautions)


def test_a_day_longer_than_a_day_can_hold_is_a_problem():
    """Is a Future Search day of more than eight hours of segments a problem?"""
    fs = METHODS["future-search"]
    plan = staffed(fs)
    plan.minutes["future-scenarios"] = 400
    assert any(t.startswith("Day 2 runs") for t in texts(plan, fs, "problem"))


def test_dates_and_times_are_checked_in_plain_language():
    """Are a malformed date and time problems, and a past date a caution?"""
    cafe = METHODS["conversation-cafe"]
    bad = staffed(cafe)
    bad.start_date, bad.start_time = "14/03/2030", "6.30pm"
    problems = texts(bad, cafe, "problem")
    assert "Write the date as year-month-day, like 2026-03-14 (not “14/03/2030”)." in problems
    assert "Write the time on the 24-hour clock, like 18:30 (not “6.30pm”)." in problems
    past = staffed(cafe)
    past.start_date = "2029-12-01"
    assert texts(past, cafe) == ["The first date, 2029-12-01, has passed."]
    with pytest.raises(PlanError, match="not a date on the calendar"):
        parse_date("2030-02-30")
    assert parse_time(" 7:05 ") is not None and parse_date("") is None


def test_lead_time_shorter_than_the_method_needs_is_a_caution():
    """Is a Future Search a month away cautioned with its three months of planning?"""
    fs = METHODS["future-search"]
    plan = staffed(fs)
    plan.start_date = "2030-02-01"
    cautions = texts(plan, fs, "caution")
    assert cautions == [
        "The first day is 31 days away; Future Search usually needs about 90 days of "
        "preparation. Plan at least three months ahead with a steering committee."
    ]


def test_roles_per_group_count_the_groups():
    """Does a café for 40 at tables of 5 need 8 table hosts, and say so when fewer are named?"""
    cafe = METHODS["world-cafe"]
    plan = staffed(cafe, participants=40, group_size=5)
    assert groups_needed(plan) == 8
    assert role_counts(plan, cafe)["table-host"] == 8
    plan.people["table-host"] = "Ana; Ben\nCleo"
    assert texts(plan, cafe) == ["“Table host” needs 8 people (one per table); you have named 3."]
    assert names_in(" a, ,b;\nc ") == ["a", "b", "c"]


def test_agenda_times_follow_the_segments():
    """Does the agenda place each segment after the last, from the start time?"""
    cafe = METHODS["world-cafe"]
    plan = staffed(cafe)
    plan.start_date, plan.start_time = "2030-03-05", "18:00"
    (meeting,) = build_agenda(plan, cafe)
    starts = [item.start.strftime("%H:%M") for item in meeting.items if item.start]
    assert starts == ["18:00", "18:15", "18:40", "19:05", "19:30", "19:50"]
    assert meeting.end == datetime(2030, 3, 5, 20, 0)


def test_a_left_out_segment_is_not_in_the_agenda():
    """Is an optional segment the learner leaves out dropped from the agenda?"""
    cafe = METHODS["world-cafe"]
    plan = staffed(cafe)
    plan.included["round-three"] = False
    (meeting,) = build_agenda(plan, cafe)
    assert "round-three" not in [i.segment_id for i in meeting.items]
    assert not has_problems(check_plan(plan, cafe, today=TODAY))


def test_a_series_meets_weekly_then_holds_its_finale():
    """Do circles meet a week apart with their themes, and the action forum a week later?"""
    dtc = METHODS["dialogue-to-change"]
    plan = staffed(dtc)
    plan.start_date, plan.start_time = "2030-03-05", "18:30"
    meetings = build_agenda(plan, dtc)
    assert [m.day.isoformat() for m in meetings if m.day] == [
        "2030-03-05",
        "2030-03-12",
        "2030-03-19",
        "2030-03-26",
        "2030-04-02",
        "2030-04-09",
    ]
    assert meetings[0].title == (
        "Dialogue circle 1 of 5: Building trust and agreements on how to talk"
    )
    assert meetings[-1].title == "Action forum"


def test_fewer_sessions_combine_themes():
    """With four circle sessions, are the five themes spread over them, none lost?"""
    dtc = METHODS["dialogue-to-change"]
    titles = [m.title for m in build_agenda(staffed(dtc, count=4), dtc)[:4]]
    joined = " ".join(titles).lower()
    for theme in dtc.template.meetings[0].themes:
        assert theme.lower() in joined


def test_multi_day_plans_start_each_day_at_its_time():
    """Does a Future Search run three consecutive days, day 2 and 3 from 09:00?"""
    fs = METHODS["future-search"]
    plan = staffed(fs)
    plan.start_date, plan.start_time = "2030-06-10", "13:00"
    days = build_agenda(plan, fs)
    assert [(m.start.day, m.start.hour) for m in days if m.start] == [(10, 13), (11, 9), (12, 9)]
    assert sum(m.minutes for m in days) == 17 * 60


def test_plans_survive_a_round_trip_and_tampering():
    """Does a saved plan come back the same, and a tampered one come back usable?"""
    cafe = METHODS["world-cafe"]
    plan = staffed(cafe, title="Café <b>night</b>", notes="x" * 10)
    plan.minutes["round-one"] = 22
    again = Plan.from_dict(plan.to_dict(), CATALOG)
    assert again == plan
    odd = Plan.from_dict(
        {
            "method_id": "no-such-method",
            "title": 7,
            "session_minutes": True,
            "minutes": {"nope": 5, "welcome": "ten"},
            "people": {"ghost": "x"},
            "issue": "a\x00b",
        },
        CATALOG,
    )
    assert odd.method_id == CATALOG.methods[0].id
    assert odd.issue == "ab"
    assert "nope" not in odd.minutes and odd.people == {}
    assert odd.session_minutes == CATALOG.methods[0].template.session.default


def test_new_plan_refuses_unknown_fields():
    """Is a typo in a field name refused rather than ignored?"""
    with pytest.raises(TypeError, match="no field 'titel'"):
        new_plan(METHODS["world-cafe"], titel="x")

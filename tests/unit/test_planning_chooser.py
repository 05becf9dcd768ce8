"""Tests of the model chooser, built from the method data in modules/methods.yml."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest

from engage.planning.chooser import (
    Situation,
    SituationError,
    exclusions,
    rank_methods,
    reasons_for,
)
from engage.planning.methods import CHOICE_FACTORS, Method, MethodCatalog, load_methods

REPO = Path(__file__).resolve().parents[2]
CATALOG: MethodCatalog = load_methods(REPO)
METHODS = {m.id: m for m in CATALOG.methods}
EXAMPLES = [
    pytest.param(m, ex, id=f"{m.id}:{ex.title}") for m in CATALOG.methods for ex in m.examples
]
BASES = [Situation.from_spec(ex.situation) for m in CATALOG.methods for ex in m.examples]


def situation(**values: object) -> Situation:
    """A situation with sensible defaults, overridden by ``values``."""
    base = {
        "purpose": "understand",
        "heat": "warm",
        "decision": "none",
        "decider": "nobody",
        "size": 20,
        "time": "one-session",
        "lead_time": "weeks",
        "capacity": "some",
        "profile": None,
    }
    base.update(values)
    return Situation(**base)  # type: ignore[arg-type]


# ------------------------------------------------------------------ recommended somewhere


@pytest.mark.parametrize(("method", "example"), EXAMPLES)
def test_each_method_ranks_first_for_its_own_example(method: Method, example):
    """Is every method the chooser's strong first choice in the realistic situation it suits?"""
    rec = rank_methods(Situation.from_spec(example.situation), CATALOG)
    assert rec.top is not None
    assert rec.top.method.id == method.id, rec.summary_lines()
    assert rec.top.fit == "strong"
    assert rec.recommended()[0].method.id == method.id


def test_every_method_is_recommended_for_at_least_one_situation():
    """Does each of the seven methods appear first for at least one situation in the data?"""
    firsts = {rank_methods(s, CATALOG).top.method.id for s in BASES}  # type: ignore[union-attr]
    assert firsts == set(METHODS)


# ------------------------------------------------------------------ never where ruled out


def _situations_matching(rule_when, bases: list[Situation]) -> list[Situation]:
    """Turn realistic situations into ones the rule matches, one value of each factor at a time."""
    out = []
    for base in bases:
        for combo in itertools.product(
            *[
                [(factor, v) for v in (getattr(rule_when, factor) or [])]
                for factor in (*CHOICE_FACTORS, "profile")
                if getattr(rule_when, factor) is not None
            ]
        ):
            values = dict(combo)
            if rule_when.size is not None:
                values["size"] = (
                    rule_when.size.max if rule_when.size.max is not None else rule_when.size.min
                )
            out.append(dataclasses.replace(base, **values))
    return out


RULES = [
    pytest.param(m, i, id=f"{m.id}:not_for[{i}]")
    for m in CATALOG.methods
    for i in range(len(m.not_for))
]


@pytest.mark.parametrize(("method", "index"), RULES)
def test_method_is_never_recommended_where_its_data_says_not_to_use_it(method: Method, index: int):
    """Is a method left out of the ranking, with its reason, in every situation it is not for?"""
    rule = method.not_for[index]
    cases = _situations_matching(rule.when, BASES)
    assert cases
    for case in cases:
        assert rule.when.matches(case.as_values())
        rec = rank_methods(case, CATALOG)
        assert method.id not in [r.method.id for r in rec.ranked], case
        assert method.id not in [r.method.id for r in rec.recommended()]
        excluded = {e.method.id: e.reasons for e in rec.excluded}
        assert rule.reason in excluded[method.id]


def test_no_ranked_method_is_ever_one_its_data_rules_out():
    """Across a wide grid of situations, is every ranked method free of matching not_for rules?"""
    q = CATALOG.questions
    checked = 0
    for values in itertools.product(
        q.purpose.ids(),
        q.heat.ids(),
        q.decision.ids(),
        ["nobody", "public-body"],
        [6, 11, 12, 29, 70],
        q.time.ids(),
        q.lead_time.ids(),
        ["minimal", "substantial"],
    ):
        s = Situation(*values, profile="academic")  # type: ignore[arg-type]
        rec = rank_methods(s, CATALOG)
        for ranked in rec.ranked:
            assert not exclusions(ranked.method, s), (ranked.method.id, s)
        assert len(rec.ranked) + len(rec.excluded) == len(CATALOG.methods)
        checked += 1
    assert checked > 10_000


# ------------------------------------------------------------------ reasons come from the data


def _data_texts(method: Method) -> list[str]:
    texts = [p.why for p in method.purposes]
    texts += [method.heat.why, method.heat.beyond, method.decision.why, method.time.why]
    texts += [method.lead_time.why, method.capacity.why, method.profile_why, method.size.why]
    texts += [n.text for n in method.notes]
    return texts


@pytest.mark.parametrize("base", BASES, ids=[str(i) for i in range(len(BASES))])
def test_every_reason_is_drawn_from_the_method_data(base: Situation):
    """Does every reason for or against quote the method's own facts (or its stream)?"""
    rec = rank_methods(base, CATALOG)
    stream_names = [s.name for s in CATALOG.streams]
    for ranked in rec.ranked:
        texts = _data_texts(ranked.method)
        for reason in ranked.reasons:
            from_data = any(t in reason.text for t in texts)
            from_streams = reason.factor == "purpose" and any(
                n in reason.text for n in stream_names
            )
            assert from_data or from_streams, (ranked.method.id, reason)


def test_reasons_for_and_against_have_the_right_sign():
    """Are reasons 'for' positive, 'against' negative and notes zero?"""
    for base in BASES:
        for method in CATALOG.methods:
            for reason in reasons_for(method, base, CATALOG):
                sign = {"for": 1, "against": -1, "note": 0}[reason.kind]
                assert (reason.score > 0) - (reason.score < 0) == sign, reason


def test_purpose_outside_the_method_gives_a_reason_against_naming_both_streams():
    """When a café is weighed for a forum's purpose, does it say which streams differ?"""
    s = situation(purpose="weigh-choices", heat="calm", decision="pending", decider="library")
    cafe = METHODS["conversation-cafe"]
    against = [r for r in reasons_for(cafe, s, CATALOG) if r.factor == "purpose"]
    assert against[0].kind == "against"
    assert "Decision making" in against[0].text and "Exploration" in against[0].text


# ------------------------------------------------------------------ realistic situations


def test_divided_campus_after_an_incident_gets_structured_dialogue():
    """After a campus incident, with people hurting and divided, is RSD first and a café out?"""
    s = situation(
        purpose="bridge", heat="raw", size=12, time="series", capacity="some", profile="academic"
    )
    rec = rank_methods(s, CATALOG)
    assert rec.top and rec.top.method.id == "reflective-structured-dialogue"
    assert "world-cafe" in [e.method.id for e in rec.excluded]
    assert any(c.principle == "Careful planning and preparation" for c in rec.cautions)


def test_rural_library_with_days_and_no_staff_gets_conversation_cafe():
    """A two-person branch, days to prepare, a shared worry: is Conversation Café first?"""
    s = situation(
        purpose="process-event",
        heat="raw",
        size=30,
        lead_time="days",
        capacity="minimal",
        profile="small-mid-rural",
    )
    rec = rank_methods(s, CATALOG)
    assert rec.top and rec.top.method.id == "conversation-cafe"
    excluded = {e.method.id for e in rec.excluded}
    assert {"reflective-structured-dialogue", "future-search", "dialogue-to-change"} <= excluded


def test_pending_council_vote_gets_a_forum():
    """With a council vote pending and people to weigh options, are forums first?"""
    s = situation(
        purpose="weigh-choices",
        heat="polarised",
        decision="pending",
        decider="public-body",
        size=50,
        capacity="minimal",
        profile="small-mid-rural",
    )
    rec = rank_methods(s, CATALOG)
    assert rec.top and rec.top.method.id == "national-issues-forums"
    assert "world-cafe" in [e.method.id for e in rec.excluded]
    assert any(c.principle == "Transparency and trust" for c in rec.cautions)


def test_a_decision_already_made_rules_out_consultation_and_warns():
    """When the decision is made, are consultation methods ruled out and the trap named?"""
    rec = rank_methods(situation(decision="made", size=40), CATALOG)
    excluded = {e.method.id for e in rec.excluded}
    assert {
        "world-cafe",
        "national-issues-forums",
        "turning-outward-conversations",
        "dialogue-to-change",
    } <= excluded
    assert [c.principle for c in rec.cautions] == ["Impact and action"]
    assert rec.top is not None


def test_future_search_in_one_afternoon_is_ruled_out_with_its_reason():
    """Is Future Search excluded for a single session, quoting sleep-twice?"""
    s = situation(purpose="plan-future", size=70, lead_time="months", capacity="substantial")
    rec = rank_methods(s, CATALOG)
    reasons = {e.method.id: e.reasons for e in rec.excluded}["future-search"]
    assert any("sleep twice" in r for r in reasons)


def test_track_profile_counts_in_favour():
    """Does a method ALA featured for the learner's kind of library get a reason for it?"""
    s = situation(purpose="generate-ideas", size=60, profile="large-urban")
    ranked = {r.method.id: r for r in rank_methods(s, CATALOG).ranked}
    cafe = ranked["world-cafe"]
    assert any(r.factor == "profile" for r in cafe.of_kind("for"))
    assert not any(r.factor == "profile" for r in ranked["national-issues-forums"].reasons)


def test_large_groups_are_split_into_the_methods_own_groups():
    """For 150 people, does the World Café reason plan tables of five with table hosts?"""
    s = situation(purpose="generate-ideas", size=150)
    cafe = {r.method.id: r for r in rank_methods(s, CATALOG).ranked}["world-cafe"]
    size = next(r for r in cafe.reasons if r.factor == "size")
    assert "30 tables of up to 5, each with its own table host" in size.text


def test_ranking_is_deterministic_and_sorted():
    """Is the ranking sorted by score, the same every time?"""
    for base in BASES:
        first = [(r.method.id, r.score) for r in rank_methods(base, CATALOG).ranked]
        again = [(r.method.id, r.score) for r in rank_methods(base, CATALOG).ranked]
        assert first == again
        scores = [score for _, score in first]
        assert scores == sorted(scores, reverse=True)


# ------------------------------------------------------------------ situations


def test_unknown_options_are_refused_with_the_choices():
    """Is a situation naming an unknown option refused, listing what is allowed?"""
    with pytest.raises(SituationError, match="'tepid' is not a heat option"):
        rank_methods(situation(heat="tepid"), CATALOG)
    with pytest.raises(SituationError, match="whole number"):
        rank_methods(situation(size=0), CATALOG)
    with pytest.raises(SituationError, match="library profile"):
        rank_methods(situation(profile="museum"), CATALOG)


def test_saved_situations_are_repaired_when_read_back():
    """Does a stale or tampered saved situation come back valid?"""
    s = Situation.from_dict({"heat": "polarised", "size": "many", "profile": "x"}, CATALOG)
    assert s.heat == "polarised"
    assert s.purpose == CATALOG.questions.purpose.ids()[0]
    assert s.size == CATALOG.questions.size.default
    assert s.profile is None
    s.check(CATALOG)
    big = Situation.from_dict({"size": 10**9}, CATALOG)
    assert big.size == CATALOG.questions.size.max

"""Unit and property tests for the cooperation score (pool/domain/cooperation.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from chalicelib.pool.domain.cooperation import (
    HALF_LIFE,
    KINDS,
    PARTS,
    Behaviour,
    behaviour_of_change,
    decayed,
    explain,
    from_totals,
    score,
    sums,
    totals,
)

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)

ages = st.integers(min_value=0, max_value=3 * 365 * 24)
events = st.lists(st.builds(lambda k, h, o: Behaviour(k, NOW - timedelta(hours=h), o),
                            st.sampled_from(KINDS), ages,
                            st.none() | st.floats(min_value=0, max_value=500)), max_size=40)


def test_a_fresh_candidate_scores_the_base_and_components_explain_it() -> None:
    result = score([], NOW)
    assert result.value == 50.0
    assert sum(result.components.values()) == 50.0 and result.components["base"] == 50


def test_completing_on_time_scores_high_and_no_shows_low() -> None:
    good = [Behaviour("opened", NOW, 2.0), Behaviour("started", NOW), Behaviour("completed", NOW)]
    bad = [Behaviour("delivered", NOW), Behaviour("no_show", NOW), Behaviour("no_show", NOW)]
    assert score(good * 3, NOW).value > 85
    assert score(bad, NOW).value < 30
    assert score(bad, NOW).components["no_show"] < 0


def test_half_life_halves_an_events_weight() -> None:
    old = totals([Behaviour("completed", NOW - HALF_LIFE)], NOW)
    assert abs(old["completed"] - 0.5) < 1e-9


def test_stored_scaled_sums_decay_like_the_event_list() -> None:
    history = [Behaviour("completed", NOW - timedelta(days=300)),
               Behaviour("no_show", NOW - timedelta(days=3)),
               Behaviour("opened", NOW - timedelta(days=10), 5.0)]
    direct = totals(history, NOW)
    stored = decayed(sums(history), NOW)
    assert all(abs(direct[k] - stored[k]) < 1e-9 for k in direct)


@settings(max_examples=200, deadline=None)
@given(events, ages)
def test_one_more_completion_never_lowers_the_score(history: list[Behaviour], age: int) -> None:
    extra = Behaviour("completed", NOW - timedelta(hours=age))
    assert score([*history, extra], NOW).value >= score(history, NOW).value


@settings(max_examples=200, deadline=None)
@given(events, ages)
def test_one_more_no_show_never_raises_the_score(history: list[Behaviour], age: int) -> None:
    extra = Behaviour("no_show", NOW - timedelta(hours=age))
    assert score([*history, extra], NOW).value <= score(history, NOW).value


@settings(max_examples=200, deadline=None)
@given(events, st.integers(min_value=1, max_value=1000), st.integers(min_value=1, max_value=1000))
def test_older_events_weigh_less(history: list[Behaviour], young: int, extra: int) -> None:
    recent, older = NOW - timedelta(hours=young), NOW - timedelta(hours=young + extra)
    for kind in ("completed", "started", "reason"):
        assert (score([*history, Behaviour(kind, older)], NOW).value
                <= score([*history, Behaviour(kind, recent)], NOW).value)
    assert (score([*history, Behaviour("no_show", older)], NOW).value
            >= score([*history, Behaviour("no_show", recent)], NOW).value)


@settings(max_examples=300, deadline=None)
@given(events)
def test_always_within_0_and_100(history: list[Behaviour]) -> None:
    result = score(history, NOW)
    assert 0.0 <= result.value <= 100.0


def test_an_invitation_change_shows_the_behaviour_skipped_statuses_included() -> None:
    created = NOW - timedelta(hours=6)
    kinds = [b.kind for b in behaviour_of_change("sent", "completed", None, None, created,
                                                 NOW, NOW)]
    assert kinds == ["opened", "started", "completed"]
    opened = behaviour_of_change("sent", "opened", None, None, created, NOW, NOW)[0]
    assert opened.hours_to_open == 6.0
    assert [b.kind for b in behaviour_of_change("started", "no_show", None, None, created,
                                                NOW, NOW)] == ["no_show"]
    assert [b.kind for b in behaviour_of_change("no_show", "no_show", None, "other", created,
                                                NOW, NOW)] == ["reason"]
    assert behaviour_of_change("no_show", "no_show", "other", "other", created, NOW, NOW) == []


@settings(max_examples=200, deadline=None)
@given(events)
def test_the_parts_explain_the_score_each_within_its_limit(history: list[Behaviour]) -> None:
    weights = totals(history, NOW)
    result = from_totals(weights)
    parts = explain(weights, result)
    assert tuple(p.name for p in parts) == PARTS
    assert {p.name: p.points for p in parts} == result.components
    assert all(abs(p.points) <= abs(p.limit) and p.points * p.limit >= 0 for p in parts)
    assert all(p.events >= 0 for p in parts)
    unclamped = sum(p.points for p in parts)
    assert result.value == round(min(max(unclamped, 0.0), 100.0), 1)

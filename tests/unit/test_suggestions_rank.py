"""Unit tests for ranking pool candidates for a position (pool/domain/suggestions.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.pool.domain.suggestions import keywords, rank

NOW = datetime(2026, 11, 25, tzinfo=UTC)


def test_keywords_of_title_and_department() -> None:
    assert keywords("Senior Backend Engineer", "Platform & Data") == {
        "backend", "engineer", "platform", "data"}
    assert "后端" in keywords("后端 工程师")


def test_fit_recency_and_score_all_count() -> None:
    wanted = keywords("Backend Engineer")
    fit = rank(60, NOW, NOW, ["backend_python"], wanted)
    unfit = rank(60, NOW, NOW, ["designer"], wanted)
    assert fit.value > unfit.value and fit.matched == ("backend",) and fit.fit == 0.5
    assert rank(60, NOW - timedelta(days=300), NOW, [], wanted).value < unfit.value
    assert rank(90, NOW, NOW, [], wanted).value > unfit.value
    assert rank(90, None, NOW, [], wanted).recency == 0.0


@given(st.floats(0, 100), st.floats(0, 100), st.integers(0, 1000))
def test_a_better_score_never_ranks_lower(low: float, high: float, days: int) -> None:
    low, high = min(low, high), max(low, high)
    at = NOW - timedelta(days=days)
    wanted = keywords("Backend")
    assert rank(low, at, NOW, [], wanted).value <= rank(high, at, NOW, [], wanted).value

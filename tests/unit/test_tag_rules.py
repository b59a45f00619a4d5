"""Unit tests for the talent-pool tag rules (pool/domain/tag_rules.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.pool.domain.tag_rules import (
    InvitationChange,
    TagRules,
    active,
    check_tag_name,
    evaluate,
    opted_out,
)
from chalicelib.shared.domain.errors import ValidationFailed

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
RULES = TagRules()


def change(old: str | None, new: str, *, old_reason: str | None = None,
           reason: str | None = None) -> InvitationChange:
    return InvitationChange("c1", "i1", old, new, old_reason, reason, NOW, NOW)


def tags(decisions: list) -> list[str]:  # type: ignore[type-arg]
    return sorted(d.tag for d in decisions)


def test_a_no_show_is_tagged_and_joins_the_exception_pool() -> None:
    out = evaluate(change("sent", "no_show"), [], None, RULES)
    assert tags(out) == ["exception_pool", "no_show"]
    no_show = next(d for d in out if d.tag == "no_show")
    assert no_show.source == "rule:no_show" and no_show.expires_at is None
    pool = next(d for d in out if d.tag == "exception_pool")
    assert pool.expires_at == NOW + timedelta(days=30) and pool.scope == "c1"


@pytest.mark.parametrize("engaged", ["opened", "started"])
def test_opening_or_starting_then_missing_is_a_breach(engaged: str) -> None:
    out = evaluate(change(engaged, "no_show"), [], None, RULES)
    assert "breach" in tags(out)


def test_two_missed_deadlines_within_180_days_is_a_breach() -> None:
    assert "breach" in tags(evaluate(change("sent", "no_show"), [NOW - timedelta(days=179)],
                                     None, RULES))
    assert "breach" not in tags(evaluate(change("sent", "no_show"),
                                         [NOW - timedelta(days=181)], None, RULES))


def test_later_misses_do_not_count_so_a_replay_sees_the_same_history() -> None:
    assert "breach" not in tags(evaluate(change("sent", "no_show"), [NOW + timedelta(days=1)],
                                         None, RULES))


@pytest.mark.parametrize("reason", ["not_interested", "accepted_other_offer"])
def test_not_interested_holds_contact_for_90_days(reason: str) -> None:
    out = evaluate(change("sent", "sent", reason=reason), [], None, RULES)
    assert tags(out) == ["hold_contact"]
    assert out[0].expires_at == NOW + timedelta(days=90)


def test_opting_out_holds_contact_without_expiry() -> None:
    (hold,) = opted_out(NOW, RULES)
    assert hold.tag == "hold_contact" and hold.expires_at is None and hold.scope == "opt_out"


def test_re_invite_for_a_first_miss_with_a_good_reason_or_a_high_score() -> None:
    by_reason = evaluate(change("no_show", "no_show", reason="schedule_conflict"), [], None,
                         RULES)
    assert tags(by_reason) == ["re_invite"]
    by_score = evaluate(change("sent", "no_show"), [], 80.0, RULES)
    assert "re_invite" in tags(by_score)
    low = evaluate(change("sent", "no_show"), [], 40.0, RULES)
    assert "re_invite" not in tags(low)
    second = evaluate(change("no_show", "no_show", reason="technical_problem"),
                      [NOW - timedelta(days=20)], None, RULES)
    assert "re_invite" not in tags(second)


def test_replaying_the_same_change_gives_the_same_decisions() -> None:
    c = change("opened", "no_show", reason="technical_problem")
    assert evaluate(c, [], 90.0, RULES) == evaluate(c, [], 90.0, RULES)


def test_tenant_rules_can_disable_tags_and_change_expiry() -> None:
    rules = TagRules.from_json({"enabled": ["no_show"], "expires_days": {"no_show": 10}})
    out = evaluate(change("opened", "no_show"), [], None, rules)
    assert tags(out) == ["no_show"] and out[0].expires_at == NOW + timedelta(days=10)
    assert TagRules.from_json(rules.to_json()) == rules


@pytest.mark.parametrize("raw", [{"enabled": ["nope"]}, {"expires_days": {"no_show": 0}},
                                 {"breach_window_days": "x"}, {"re_invite_min_score": 101},
                                 {"surprise": 1}, {"re_invite_reasons": ["bored"]},
                                 {"expires_days": []}])
def test_invalid_rules_are_refused(raw: dict) -> None:  # type: ignore[type-arg]
    with pytest.raises(ValidationFailed) as err:
        TagRules.from_json(raw)
    assert err.value.code == "invalid_tag_rules"


def test_expired_and_removed_tags_are_not_active() -> None:
    assert active(None, None, NOW)
    assert not active(NOW, None, NOW)
    assert not active(None, NOW, NOW)
    assert check_tag_name("vip_2026") == "vip_2026"
    with pytest.raises(ValidationFailed):
        check_tag_name("Bad Tag")

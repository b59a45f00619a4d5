"""Outbound webhooks' pure rules: the retry schedule and its jitter, Retry-After, what a
status means, when an endpoint is disabled, the SSRF guard's address classes, the
signature (Standard Webhooks' own test vector), and which stream records are events."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest

from chalicelib.hooks.domain import events, retries, signing
from chalicelib.shared.domain import targets

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


# -- the schedule ----------------------------------------------------------------------------
def test_the_schedule_is_standard_webhooks_own() -> None:
    # GIVEN the spec: immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h
    expected = [0, 5, 300, 1800, 7200, 18000, 36000, 36000]
    # THEN
    assert [int(w.total_seconds()) for w in retries.SCHEDULE] == expected
    assert retries.ATTEMPTS == 8


@pytest.mark.parametrize("made", range(1, 8))
def test_each_wait_stays_inside_the_jitter_bounds(made: int) -> None:
    rng = random.Random(made)
    base = retries.SCHEDULE[made]
    waits = [retries.next_wait(made, rng) for _ in range(500)]
    assert all(w is not None and base * 0.9 <= w <= base * 1.1 for w in waits)
    assert len(set(waits)) > 100  # it really is jittered


def test_the_schedule_ends_after_the_eighth_attempt() -> None:
    assert retries.next_wait(8, random.Random(1)) is None
    assert retries.next_wait(7, random.Random(1)) is not None


def test_retry_after_lengthens_a_wait_but_never_shortens_it() -> None:
    rng = random.Random(3)
    assert retries.next_wait(1, rng, timedelta(seconds=120)) == timedelta(seconds=120)
    wait = retries.next_wait(3, rng, timedelta(seconds=1))  # 30 min +- 10 %
    assert wait is not None and wait > timedelta(minutes=25)


# -- Retry-After -----------------------------------------------------------------------------
@pytest.mark.parametrize(("header", "expected"), [
    ("120", timedelta(seconds=120)),
    ("  7 ", timedelta(seconds=7)),
    ("Wed, 25 Nov 2026 09:10:00 GMT", timedelta(minutes=10)),
    ("Wed, 25 Nov 2026 08:00:00 GMT", timedelta(0)),  # in the past: no wait
    ("999999999", retries.RETRY_AFTER_CAP),  # capped
    ("Fri, 01 Jan 2100 00:00:00 GMT", retries.RETRY_AFTER_CAP),
    ("soon", None), ("", None), (None, None), ("-5", None), ("1.5", None),
])
def test_retry_after_reads_seconds_and_http_dates(header: str | None,
                                                  expected: timedelta | None) -> None:
    assert retries.retry_after(header, NOW) == expected


# -- what an answer means --------------------------------------------------------------------
@pytest.mark.parametrize(("status", "verdict"), [
    (200, "delivered"), (204, "delivered"), (299, "delivered"),
    (301, "retry"), (302, "retry"), (307, "retry"),  # redirects are not followed
    (400, "retry"), (429, "retry"), (500, "retry"), (None, "retry"),
    (410, "gone"),
])
def test_only_2xx_delivers_and_410_means_gone(status: int | None, verdict: str) -> None:
    assert retries.verdict(status).value == verdict


def test_an_endpoint_is_disabled_after_n_exhausted_messages_or_days_of_failure() -> None:
    rule = retries.DisableRule(messages=3, failing_for=timedelta(days=5))
    assert not rule.should_disable(2, NOW - timedelta(days=4), NOW)
    assert rule.should_disable(3, NOW, NOW)
    assert rule.should_disable(1, NOW - timedelta(days=5), NOW)
    assert not rule.should_disable(0, None, NOW)


# -- the SSRF guard --------------------------------------------------------------------------
@pytest.mark.parametrize(("address", "why"), [
    ("10.1.2.3", "private"), ("172.16.0.1", "private"), ("192.168.1.1", "private"),
    ("127.0.0.1", "loopback"), ("::1", "loopback"), ("169.254.169.254", "link-local"),
    ("fe80::1", "link-local"), ("224.0.0.1", "multicast"), ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"), ("240.0.0.1", "reserved"), ("100.64.1.1", "shared"),
    ("fd00::1", "private"), ("::ffff:10.0.0.1", "private"), ("::ffff:127.0.0.1", "loopback"),
    ("192.0.2.10", "private"),  # documentation range: not global
    ("not-an-ip", "unreadable"),
    ("93.184.216.34", None), ("2606:2800:220:1:248:1893:25c8:1946", None),
])
def test_every_non_public_address_class_is_refused(address: str, why: str | None) -> None:
    assert targets.refused_address(address) == why


def test_loopback_is_allowed_only_when_the_stage_allows_it() -> None:
    assert targets.refused_address("127.0.0.1", allow_loopback=True) is None
    assert targets.refused_address("10.0.0.1", allow_loopback=True) == "private"


@pytest.mark.parametrize(("url", "code"), [
    ("http://example.com/hook", "insecure_url"),
    ("ftp://example.com/", "insecure_url"),
    ("https://10.0.0.5/hook", "forbidden_target"),
    ("https://[::1]/hook", "forbidden_target"),
    ("https://169.254.169.254/latest/meta-data", "forbidden_target"),
    ("https://user:pw@example.com/", "invalid_url"),
    ("https://example.com/#frag", "invalid_url"),
    ("https:///nohost", "invalid_url"),
    ("http://127.0.0.1:9000/hook", "insecure_url"),  # production: no plain http at all
])
def test_production_urls_must_be_https_to_public_hosts(url: str, code: str) -> None:
    with pytest.raises(targets.TargetRefused) as refused:
        targets.parse_url(url, allow_loopback=False)
    assert refused.value.code == code


def test_a_local_stage_may_post_plain_http_to_loopback_only() -> None:
    target = targets.parse_url("http://127.0.0.1:9000/hook?x=1", allow_loopback=True)
    assert (target.scheme, target.host, target.port, target.path) == \
        ("http", "127.0.0.1", 9000, "/hook?x=1")
    with pytest.raises(targets.TargetRefused):
        targets.parse_url("http://example.com/hook", allow_loopback=True)


# -- the signature ---------------------------------------------------------------------------
def test_the_signature_matches_the_standard_webhooks_test_vector() -> None:
    # GIVEN the spec's test vector (standard-webhooks/standard-webhooks, libraries' tests)
    at = datetime.fromtimestamp(1614265330, UTC)
    # WHEN
    signed = signing.signature("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                               "msg_p5jXN8AQM9LWM0D4loKWxJek", at, '{"test": 2432232314}')
    # THEN
    assert signed == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_headers_carry_one_signature_per_live_secret() -> None:
    h = signing.headers(["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                         "whsec_" + "A" * 43 + "="], "msg_1", NOW, "{}")
    assert h["webhook-id"] == "msg_1"
    assert h["webhook-timestamp"] == str(int(NOW.timestamp()))
    assert [s[:3] for s in h["webhook-signature"].split(" ")] == ["v1,", "v1,"]


# -- events from the stream ------------------------------------------------------------------
def _inv(status: str, version: int, **extra: str) -> dict[str, dict[str, str]]:
    image = {"entity": {"S": "invitation"}, "tenant_id": {"S": "tn1"},
             "invitation_id": {"S": "inv-tn1-x"}, "campaign_id": {"S": "cmp1"},
             "candidate_id": {"S": "cand1"}, "status": {"S": status},
             "version": {"N": str(version)}}
    return {**image, **{k: {"S": v} for k, v in extra.items()}}


@pytest.mark.parametrize(("status", "kind"), [("no_show", "invitation.no_show"),
                                              ("completed", "invitation.completed"),
                                              ("completed_late", "invitation.completed_late")])
def test_a_status_move_is_its_event(status: str, kind: str) -> None:
    found = events.events_of("MODIFY", _inv(status, 3), _inv("sent", 2), NOW)
    assert [e.type for e in found] == [kind]
    assert found[0].tenant_id == "tn1" and found[0].data["invitation_id"] == "inv-tn1-x"


def test_the_same_record_gives_the_same_event_id_and_other_moves_none() -> None:
    first = events.events_of("MODIFY", _inv("no_show", 3), _inv("sent", 2), NOW)
    again = events.events_of("MODIFY", _inv("no_show", 3), _inv("sent", 2), NOW)
    assert first[0].event_id == again[0].event_id
    assert events.events_of("MODIFY", _inv("opened", 3), _inv("sent", 2), NOW) == []
    assert events.events_of("MODIFY", _inv("no_show", 4, reason="x"),
                            _inv("no_show", 3, reason="x"), NOW) == []


def test_a_reason_and_an_extension_request_are_events() -> None:
    found = events.events_of(
        "MODIFY", _inv("no_show", 5, reason="schedule_conflict",
                       extension_requested_at="2026-11-25T09:00:00+00:00"),
        _inv("no_show", 4), NOW)
    assert sorted(e.type for e in found) == ["invitation.extension_requested",
                                             "invitation.reason_given"]


def test_tag_changes_and_budget_markers_are_events() -> None:
    tag = {"entity": {"S": "tag"}, "tenant_id": {"S": "tn1"}, "candidate_id": {"S": "c"},
           "tag": {"S": "reliable"}, "pk": {"S": "T#tn1#CAND#c"}, "sk": {"S": "TAG#r#x"},
           "created_at": {"S": "2026-11-25T09:00:00+00:00"}}
    added = events.events_of("INSERT", tag, None, NOW)
    removed = events.events_of("REMOVE", None, tag, NOW)
    assert [e.data["added"] for e in added] == [["reliable"]]
    assert [e.data["removed"] for e in removed] == [["reliable"]]
    marker = {"entity": {"S": "marker"}, "pk": {"S": "T#tn1#BUDGET#MARK"},
              "sk": {"S": "ALERT#2026-11#80"}}
    budget = events.events_of("INSERT", marker, None, NOW)
    assert [(e.type, e.tenant_id, e.data["threshold_percent"]) for e in budget] == \
        [("budget.threshold", "tn1", 80)]
    cap = {**marker, "sk": {"S": "CAP#2026-11"}}
    assert events.events_of("INSERT", cap, None, NOW) == []

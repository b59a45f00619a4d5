"""Unit tests for the candidate page's pure rules (delivery/domain/candidate_page.py,
page_text.py), its negotiation (api/pages.py), its form parsing (api/http.py) and the short
code (shared/domain/tokens.py)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from chalicelib.api.http import parse_form
from chalicelib.api.pages import prefers_html
from chalicelib.delivery.domain.candidate_page import (
    accept_language,
    actions,
    local_time,
    page_locale,
)
from chalicelib.delivery.domain.page_text import REASONS, STATUSES, TEXT
from chalicelib.delivery.services.self_service import REASONS as REASON_CODES
from chalicelib.invitations.domain.invitation import Status
from chalicelib.shared.domain.errors import ValidationFailed
from chalicelib.shared.domain.tokens import BASE62, is_short_code, short_code

AT = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)


def test_every_locale_has_every_sentence_reason_and_status() -> None:
    assert set(TEXT["zh-CN"]) == set(TEXT["en"])
    for locale in TEXT:
        assert set(REASONS[locale]) == set(REASON_CODES)
        assert set(STATUSES[locale]) == {s.value for s in Status}


@pytest.mark.parametrize(("accept", "html"), [
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", True),  # Chromium
    ("text/html", True),
    ("application/xhtml+xml", True),
    ("application/json", False),
    ("*/*", False),
    ("", False),
    ("application/json, text/html", False),  # a tie keeps JSON
    ("text/html;q=0.5, application/json", False),
    ("text/html, application/json;q=0.5", True),
    ("text/html;q=0", False),
    ("text/html;q=abc", False),
])
def test_html_only_when_the_client_prefers_it(accept: str, html: bool) -> None:
    assert prefers_html(accept) is html


@pytest.mark.parametrize(("requested", "invitation", "expected"), [
    (None, "zh-CN", "zh-CN"), ("en", "zh-CN", "en"), ("zh", "en", "zh-CN"),
    ("zh-Hans-CN", None, "zh-CN"), ("fr", "zh-CN", "zh-CN"), (None, "de", "en"),
    (None, None, "en"),
])
def test_page_locale(requested: str | None, invitation: str | None, expected: str) -> None:
    assert page_locale(requested, invitation) == expected


def test_accept_language_picks_the_first_language_with_a_page() -> None:
    assert accept_language("fr-FR,zh-CN;q=0.8,en;q=0.5") == "zh-CN"
    assert accept_language("de") is None and accept_language(None) is None


def test_the_deadline_is_written_in_the_candidates_zone_and_locale() -> None:
    assert local_time(AT, "Asia/Shanghai", "en") == \
        "Sat 28 Nov 2026, 17:00 (UTC+08:00, Asia/Shanghai)"
    assert local_time(AT, "Asia/Shanghai", "zh-CN") == \
        "2026年11月28日（周六）17:00（UTC+08:00，Asia/Shanghai）"  # noqa: RUF001
    assert local_time(AT, "America/New_York", "en") == \
        "Sat 28 Nov 2026, 04:00 (UTC-05:00, America/New_York)"
    assert local_time(AT, None, "en") == "Sat 28 Nov 2026, 09:00 (UTC+00:00, UTC)"
    assert local_time(AT, "Not/AZone", "en").endswith("(UTC+00:00, UTC)")


@pytest.mark.parametrize(("status", "interview", "reason", "extension"), [
    ("sent", True, True, True), ("started", True, True, True),
    ("no_show", True, True, True), ("completed", False, False, False),
    ("completed_late", False, False, False), ("closed", True, True, False),
    ("cancelled", True, False, False),
])
def test_only_the_actions_that_apply_to_the_status(status: str, interview: bool, reason: bool,
                                                   extension: bool) -> None:
    can_extend = status in {"sent", "started", "no_show"}
    got = actions(status, can_extend, False, has_interview_url=True)
    assert (got.interview, got.reason, got.extension) == (interview, reason, extension)
    assert got.opt_out
    pending = actions(status, can_extend, True, has_interview_url=True)
    assert not pending.extension and pending.extension_pending is can_extend
    assert not actions(status, can_extend, False, has_interview_url=False).interview
    assert not actions(status, can_extend, False, True, opted_out=True).opt_out


def test_form_bodies_parse_strictly() -> None:
    assert parse_form(b"reason=other&text=") == {"reason": "other"}  # blank: left out
    assert parse_form(b"text=%E8%80%83%E8%AF%95+week") == {"text": "考试 week"}
    assert parse_form(b"") == {} and parse_form(None) == {}
    for bad in (b"reason=a&reason=b", b"text=&text=x", b"reason=%ff", b"noequals"):
        with pytest.raises(ValidationFailed):
            parse_form(bad)


def test_short_codes_are_12_base62_characters_per_invitation_and_key() -> None:
    one = short_code("tn1", "inv-1", b"k1")
    assert len(one) == 12 and set(one) <= set(BASE62) and is_short_code(one)
    assert short_code("tn1", "inv-1", b"k1") == one  # a redelivered SMS: the same code
    assert len({one, short_code("tn1", "inv-2", b"k1"), short_code("tn2", "inv-1", b"k1"),
                short_code("tn1", "inv-1", b"k2")}) == 4
    assert not is_short_code(one[:-1]) and not is_short_code(one[:-1] + "-")

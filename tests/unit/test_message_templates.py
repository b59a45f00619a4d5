"""Unit tests for rendering messages from template files
(delivery/adapters/message_templates.py)."""

from __future__ import annotations

import html
from itertools import product
from typing import Any

import pytest
from jinja2 import UndefinedError

from chalicelib.delivery.adapters.message_templates import MessageRenderer, Rendered

KINDS = ["invite", "due_tomorrow", "no_show", "final_call"]
LOCALES = ["en", "zh-CN"]
URL = "https://interview.example.com/i/inv-tn1-abc?t=xyz&lang=en"


def context(**overrides: str) -> dict[str, Any]:
    base = {
        "name": "Li Wei",
        "company": "Acme",
        "position_title": "Backend Engineer",
        "interview_url": URL,
        "self_service_url": "https://api.example.com/self-service/v1.token.sig",
        "short_url": "https://api.example.com/s/Ab3dE6gH9jK2",
        "deadline": "2025-03-10 20:00 (Asia/Shanghai)",
        "grace_end": "2025-03-12 20:00 (Asia/Shanghai)",
    }
    base.update(overrides)
    return base


def render(kind: str, channel: str, locale: str, ctx: dict[str, Any] | None = None) -> Rendered:
    return MessageRenderer().render(kind, channel, locale, context() if ctx is None else ctx)


@pytest.mark.parametrize(("kind", "locale"), list(product(KINDS, LOCALES)))
def test_email_has_subject_text_and_html_with_the_url(kind: str, locale: str) -> None:
    out = render(kind, "email", locale)
    assert out.subject
    assert "\n" not in out.subject
    assert "Backend Engineer" in out.subject
    assert out.html is not None
    assert URL in out.text
    assert html.escape(URL) in out.html  # `&` is `&amp;` inside the HTML attribute
    assert "Acme" in out.text
    assert out.text == out.text.strip()


@pytest.mark.parametrize(("kind", "locale"), list(product(KINDS, LOCALES)))
def test_sms_is_text_only_with_the_url(kind: str, locale: str) -> None:
    out = render(kind, "sms", locale)
    assert out.subject is None
    assert out.html is None
    assert URL in out.text
    assert "Acme" in out.text
    # the short link to the candidate's page (reason, more time, opt out), never the long one
    assert out.text.endswith("https://api.example.com/s/Ab3dE6gH9jK2")
    assert "/self-service/" not in out.text


@pytest.mark.parametrize("channel", ["email", "sms"])
def test_deadline_and_grace_end_are_shown(channel: str) -> None:
    assert "2025-03-10 20:00" in render("invite", channel, "en").text
    assert "2025-03-12 20:00" in render("no_show", channel, "en").text


def test_locales_differ() -> None:
    en = render("invite", "email", "en")
    zh = render("invite", "email", "zh-CN")
    assert en.subject != zh.subject
    assert "面试" in (zh.subject or "")
    assert "interview" in (en.subject or "")


@pytest.mark.parametrize("locale", ["fr", "de-DE", "zh-TW", "xx"])
@pytest.mark.parametrize("channel", ["email", "sms"])
def test_unknown_locale_falls_back_to_english(locale: str, channel: str) -> None:
    assert render("invite", channel, locale) == render("invite", channel, "en")


@pytest.mark.parametrize("locale", LOCALES)
def test_html_is_autoescaped_but_text_is_not(locale: str) -> None:
    # GIVEN a candidate whose name looks like markup
    ctx = context(name="<b>x</b>", company="Tom & Jerry")
    # WHEN the invite email is rendered
    out = render("invite", "email", locale, ctx)
    # THEN the HTML escapes it and the plain text keeps it as typed
    assert out.html is not None
    assert "&lt;b&gt;x&lt;/b&gt;" in out.html
    assert "<b>x</b>" not in out.html
    assert "Tom &amp; Jerry" in out.html
    assert "<b>x</b>" in out.text
    assert "Tom & Jerry" in out.text


def test_sms_and_subject_are_not_escaped() -> None:
    ctx = context(company="Tom & Jerry", position_title="R&D <Lead>")
    assert "Tom & Jerry" in render("invite", "sms", "en", ctx).text
    assert render("invite", "email", "en", ctx).subject == \
        "Your AI interview for R&D <Lead> is ready"


def test_a_missing_variable_fails_loudly() -> None:
    ctx = context()
    del ctx["grace_end"]
    with pytest.raises(UndefinedError):
        render("no_show", "email", "en", ctx)


DIGEST = {"company": "Acme", "campaign": "Campus", "day": "2026-11-28", "invited": 3,
          "campaign_id": "cmp1", "no_show_total": 2,
          "counts": {"completed": 1, "completed_late": 0, "invited": 0, "sent": 0,
                     "opened": 0, "started": 0, "no_show": 2, "closed": 0},
          "no_shows": [{"name": "Li Wei", "contact": "li@example.com", "reason": ""},
                       {"name": "Ana", "contact": "+8613800000000",
                        "reason": "schedule_conflict"}]}


@pytest.mark.parametrize("locale", LOCALES)
def test_the_digest_for_a_chat_bot_names_no_shows_without_their_contacts(locale: str) -> None:
    rendered = render("digest", "chat", locale, DIGEST)
    assert rendered.subject and "Campus" in rendered.subject
    assert rendered.html is None
    assert "Li Wei" in rendered.text and "schedule_conflict" in rendered.text
    assert "li@example.com" not in rendered.text and "+8613800000000" not in rendered.text
    assert "**" in rendered.text  # markdown

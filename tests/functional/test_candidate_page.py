"""The candidate's page (api/self_service.py, delivery/services/candidate_page.py): the same
self-service routes answer HTML to a browser and JSON to everyone else, forms post without
JavaScript, bad input and dead links get a friendly page, and SMS carries a short link."""

from __future__ import annotations

import base64
import hashlib
import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

from chalicelib.delivery.models import ShortLinkItem
from chalicelib.invitations.models import OutboxItem
from chalicelib.shared.domain.sms import sms_length
from tests.functional.conftest import T0, Glue, TenantApi

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
FORM = "application/x-www-form-urlencoded"


def invited(api: TenantApi, glue: Glue, local_cloud: Any, name: str,
            locale: str = "en", channels: tuple[str, ...] = ("email",)) -> dict[str, Any]:
    """One candidate in Asia/Shanghai, invited and messaged: ids, token, sent messages."""
    tid = api.tenant["tenant_id"]
    address = f"{name}.{tid}@example.com"
    phone = "1380013" + str(abs(hash(name + tid)) % 10_000).zfill(4)
    campaign = api.campaign(channels=list(channels))
    body = api.invite(campaign["id"], [{"name": name, "email": address, "phone": phone,
                                        "locale": locale, "timezone": "Asia/Shanghai"}])
    assert body.status_code == 201, body.json_body
    glue.drain()
    mine = [m for m in local_cloud.cloud.sent_messages()
            if address in str(m["to"]) or m["to"] == f"+86{phone}"]
    email = next((m for m in mine if m["channel"] == "email"), None)
    found = re.search(r"/self-service/(\S+)", email["text"]) if email else None
    token = found[1] if found else None
    return {"campaign": campaign, "invitation_id": body.json_body["items"][0]["invitation_id"],
            "token": token, "messages": mine, "phone": f"+86{phone}"}


def browse(api: TenantApi, path: str, **headers: str) -> Any:
    return api.client.http.get(path, headers={"Accept": BROWSER, **headers})


def submit(api: TenantApi, path: str, fields: dict[str, str] | bytes,
           accept: str = BROWSER) -> Any:
    raw = fields if isinstance(fields, bytes) else urlencode(fields).encode()
    return api.client.http.post(path, headers={"Content-Type": FORM, "Accept": accept},
                                body=raw)


def text_of(response: Any) -> str:
    return response.body.decode("utf-8")


def test_a_browser_gets_the_page_and_json_clients_keep_the_json(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    # GIVEN an invited candidate's link
    c = invited(api, glue, local_cloud, "nego")
    path = f"/self-service/{c['token']}"
    # WHEN a browser opens it THEN an HTML page with the invitation's facts
    page = browse(api, path)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    html = text_of(page)
    assert '<html lang="en">' in html
    assert api.tenant["name"] in html and "Backend Engineer" in html
    # the deadline 2026-11-28 09:00 UTC in the candidate's zone, written the English way
    assert "Sat 28 Nov 2026, 17:00 (UTC+08:00, Asia/Shanghai)" in html
    assert 'datetime="2026-11-28T09:00:00Z"' in html
    interview = api.client.http.get(path).json_body["interview_url"]
    assert f'id="interview" href="{interview.replace("&", "&amp;")}"' in html
    for form in ("reason-form", "extension-form", "opt-out-form"):
        assert f'id="{form}"' in html
    # AND every JSON client (explicit, wildcard, none, JSON preferred) gets today's JSON
    json_view = api.client.http.get(path).json_body
    for accept in ("application/json", "*/*", "application/json, text/html;q=0.5",
                   "text/html;q=0.4, application/json"):
        answer = api.client.http.get(path, headers={"Accept": accept})
        assert answer.headers["Content-Type"] == "application/json", accept
        assert answer.json_body == json_view
    assert set(json_view) == {"invitation_id", "status", "company", "position", "deadline_at",
                              "interview_url", "reason", "reasons", "can_extend",
                              "extension_requested"}


def test_the_page_has_strict_headers_and_no_third_party_assets(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    c = invited(api, glue, local_cloud, "csp")
    page = browse(api, f"/self-service/{c['token']}")
    headers, html = page.headers, text_of(page)
    csp = headers["Content-Security-Policy"]
    for directive in ("default-src 'none'", "form-action 'self'", "frame-ancestors 'none'",
                      "base-uri 'none'", "img-src 'none'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "script-src" not in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Cache-Control"] == "no-store"
    # the one inline style is the one the policy allows, by its hash
    (style,) = re.findall(r"<style>(.*?)</style>", html, flags=re.S)
    digest = base64.b64encode(hashlib.sha256(style.encode()).digest()).decode()
    assert f"style-src 'sha256-{digest}'" in csp
    # no script, no external stylesheet, font or image; the only other host: the interview
    assert "<script" not in html and "<link" not in html and "<img" not in html
    assert "@import" not in style and "url(" not in style
    hosts = set(re.findall(r'(?:href|src|action)="(https?://[^/"]+)', html))
    interview = api.client.http.get(f"/self-service/{c['token']}").json_body["interview_url"]
    vendor = re.match(r"https?://[^/]+", interview)
    assert vendor and hosts <= {vendor[0]}
    assert 'name="viewport"' in html


def test_the_page_speaks_the_candidates_language_with_a_lang_override(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    c = invited(api, glue, local_cloud, "zh", locale="zh-CN")
    path = f"/self-service/{c['token']}"
    zh = text_of(browse(api, path))
    assert '<html lang="zh-CN">' in zh
    assert "您的 AI 面试" in zh and "2026年11月28日（周六）17:00" in zh  # noqa: RUF001
    assert "时间冲突" in zh and "Your AI interview" not in zh
    en = text_of(browse(api, f"{path}?lang=en"))
    assert '<html lang="en">' in en and "The time does not suit me" in en
    assert "您的 AI 面试" not in en


def test_each_form_posts_without_javascript_and_confirms_what_happened(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    # GIVEN a no-show three hours after the deadline
    c = invited(api, glue, local_cloud, "forms")
    token = c["token"]
    glue.tick(T0 + timedelta(hours=72, minutes=1))
    api.clock.set(T0 + timedelta(hours=75))
    # WHEN a reason is posted as a plain form THEN a confirmation page, and it is recorded
    done = submit(api, f"/self-service/{token}/reason",
                  {"reason": "technical_problem", "text": "camera broke"})
    assert done.status_code == 200 and done.headers["Content-Type"].startswith("text/html")
    assert 'data-result="reason"' in text_of(done) and "A technical problem" in text_of(done)
    assert f'href="../{token}?lang=en"' in text_of(done)
    assert api.client.http.get(f"/self-service/{token}").json_body["reason"] == \
        "technical_problem"
    # WHEN more time is asked for THEN granted until now + 48 h, in the candidate's zone
    first = text_of(submit(api, f"/self-service/{token}/extension", {}))
    assert 'data-result="approved"' in first
    assert "Mon 30 Nov 2026, 20:00 (UTC+08:00, Asia/Shanghai)" in first
    # AND the second time it is queued for HR, and the page then offers no second request
    second = text_of(submit(api, f"/self-service/{token}/extension", {}))
    assert 'data-result="queued_for_hr"' in second and "recruiter" in second
    page = text_of(browse(api, f"/self-service/{token}"))
    assert 'id="extension-form"' not in page and 'id="extension-pending"' in page
    assert 'id="reason-given"' in page
    # WHEN the opt-out form is posted with its box ticked THEN opted out
    out = submit(api, f"/self-service/{token}/opt-out", {"confirm": "yes"})
    assert out.status_code == 200 and 'data-result="opted_out"' in text_of(out)
    tid = api.tenant["tenant_id"]
    from chalicelib.bootstrap import container

    assert container().suppression_store.is_suppressed(tid, "email", f"forms.{tid}@example.com")
    # AND the page then says so instead of offering the form again
    page = text_of(browse(api, f"/self-service/{token}"))
    assert 'id="opted-out"' in page and 'id="opt-out-form"' not in page


def test_a_form_post_asking_for_json_gets_json(api: TenantApi, glue: Glue,
                                               local_cloud: Any) -> None:
    c = invited(api, glue, local_cloud, "formjson")
    answer = submit(api, f"/self-service/{c['token']}/reason", {"reason": "other"},
                    accept="application/json")
    assert answer.json_body == {"invitation_id": c["invitation_id"], "reason": "other"}


def test_bad_form_input_gets_a_friendly_4xx_page_never_a_500(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    c = invited(api, glue, local_cloud, "bad")
    token = c["token"]
    cases: list[tuple[str, dict[str, str] | bytes, str]] = [
             ("reason", {"reason": "aliens"}, "Please choose one of the reasons."),
             ("reason", {}, "Please choose one of the reasons."),
             ("reason", {"reason": "other", "text": "x" * 1001}, "at most 1000 characters"),
             ("reason", {"reason": "other", "colour": "red"}, "go back and try again"),
             ("reason", b"reason=other&reason=not_interested", "go back and try again"),
             ("reason", b"reason=%ff%fe", "go back and try again"),
             ("opt-out", {}, "tick the box"),
             ("opt-out", {"confirm": "no"}, "tick the box"),
             ("extension", {"days": "30"}, "go back and try again")]
    for action, fields, sentence in cases:
        answer = submit(api, f"/self-service/{token}/{action}", fields)
        assert answer.status_code == 400, (action, fields, answer.body)
        assert answer.headers["Content-Type"].startswith("text/html"), (action, fields)
        assert "Content-Security-Policy" in answer.headers
        html = text_of(answer)
        assert sentence in html, (action, fields, html)
        assert f'href="../{token}"' in html  # back to the page
    # AND nothing was done: no reason, not opted out, no extension
    view = api.client.http.get(f"/self-service/{token}").json_body
    assert view["reason"] is None and view["extension_requested"] is False
    tid = api.tenant["tenant_id"]
    from chalicelib.bootstrap import container

    assert not container().suppression_store.is_suppressed(tid, "email",
                                                            f"bad.{tid}@example.com")
    # AND JSON clients keep the uniform error body
    bad = api.client.http.post(f"/self-service/{token}/reason", body=b'{"reason": "aliens"}',
                               headers={"Content-Type": "application/json"})
    assert bad.status_code == 400 and bad.json_body["error"]["code"] == "validation_failed"


def test_expired_and_tampered_links_get_a_friendly_page_in_the_readers_language(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    c = invited(api, glue, local_cloud, "dead")
    token = c["token"]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    for bad in (tampered, "nonsense"):
        page = browse(api, f"/self-service/{bad}")
        assert page.status_code == 401 and page.headers["Content-Type"].startswith("text/html")
        assert "This link is not valid" in text_of(page) and 'id="back"' not in text_of(page)
        zh = browse(api, f"/self-service/{bad}", **{"Accept-Language": "zh-CN,zh;q=0.9"})
        assert zh.status_code == 401 and "链接无效" in text_of(zh)
        # a form post with a bad token: the same page, nothing done
        post = submit(api, f"/self-service/{bad}/opt-out", {"confirm": "yes"})
        assert post.status_code == 401 and "This link is not valid" in text_of(post)
        assert api.client.http.get(f"/self-service/{bad}").json_body["error"]["code"] == \
            "invalid_token"
    # WHEN the link has expired (a week after the grace window) THEN it says so
    api.clock.set(T0 + timedelta(days=30))
    expired = browse(api, f"/self-service/{token}")
    assert expired.status_code == 401 and "This link has expired" in text_of(expired)
    assert api.client.http.get(f"/self-service/{token}").json_body["error"]["code"] == \
        "expired_token"


def test_a_completed_interview_offers_no_extension_no_reason_no_button(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    c = invited(api, glue, local_cloud, "done")
    assert api.webhook("interview.completed", c["invitation_id"]).status_code < 300
    glue.drain()
    html = text_of(browse(api, f"/self-service/{c['token']}"))
    assert 'data-status="completed"' in html and "Completed" in html
    for hidden in ('id="interview"', 'id="extension-form"', 'id="reason-form"'):
        assert hidden not in html
    assert 'id="opt-out-form"' in html


def test_sms_carries_a_short_link_that_opens_the_page_and_parts_count_it(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    # GIVEN a candidate invited by SMS (in Chinese: UCS-2, 70 characters a part)
    c = invited(api, glue, local_cloud, "sms", locale="zh-CN", channels=("sms",))
    (sms,) = [m for m in c["messages"] if m["channel"] == "sms"]
    # THEN it ends with the short link, not the long signed one
    match = re.search(r"无法参加或退订：(\S+/s/([0-9A-Za-z]{12}))$", sms["text"])  # noqa: RUF001
    assert match, sms["text"]
    assert "/self-service/" not in sms["text"]
    # AND the parts recorded for billing are the parts of the text with the link in it
    tid = api.tenant["tenant_id"]
    item = OutboxItem.get(*OutboxItem.key(tid, c["invitation_id"], "invite", "sms"))
    assert int(item.sms_parts) == sms_length(sms["text"]).parts >= 2
    # WHEN the short link is opened THEN it redirects to the candidate's page
    code = match[2]
    hop = browse(api, f"/s/{code}")
    assert hop.status_code == 302 and hop.headers["Cache-Control"] == "no-store"
    location = hop.headers["Location"]
    assert location.startswith("../self-service/v1.")
    page = browse(api, location.removeprefix(".."))
    assert page.status_code == 200 and "您的 AI 面试" in text_of(page)
    assert api.client.http.get(location.removeprefix("..")).json_body["invitation_id"] == \
        c["invitation_id"]
    # AND the stored link names this tenant and invitation only, and expires with the link
    link = ShortLinkItem.get(*ShortLinkItem.key(code))
    assert (link.tenant_id, link.invitation_id) == (tid, c["invitation_id"])
    # AND a guessed, malformed or expired code is a friendly 404 (JSON: uniform error)
    for bad in (code[:-1] + ("A" if code[-1] != "A" else "B"), "short", "x" * 200):
        missing = browse(api, f"/s/{bad}")
        assert missing.status_code == 404 and "This link is not valid" in text_of(missing)
        assert api.client.http.get(f"/s/{bad}").json_body["error"]["code"] == \
            "short_link_not_found"
    # AND the reminder SMS at the deadline carries the same short link (one stored code)
    glue.tick(T0 + timedelta(hours=72, minutes=1))
    texts = [m["text"] for m in local_cloud.cloud.sent_messages()
             if m["channel"] == "sms" and m["to"] == c["phone"]]
    assert len(texts) >= 2 and all(t.endswith(f"/s/{code}") for t in texts), texts
    api.clock.set(link.expires_at)
    assert browse(api, f"/s/{code}").status_code == 404


def test_the_openapi_document_names_the_page_and_the_form_bodies(client: Any) -> None:
    doc = client.http.get("/openapi.json").json_body
    view = doc["paths"]["/self-service/{token}"]["get"]
    assert set(view["responses"]["200"]["content"]) == {"application/json", "text/html"}
    assert "text/html" in view["responses"]["401"]["content"]
    reason = doc["paths"]["/self-service/{token}/reason"]["post"]["requestBody"]["content"]
    assert set(reason) == {"application/json", "application/x-www-form-urlencoded"}
    opt_out = doc["paths"]["/self-service/{token}/opt-out"]["post"]["requestBody"]
    assert opt_out["required"] is False
    assert opt_out["content"]["application/x-www-form-urlencoded"]["schema"]["$ref"].endswith(
        "/OptOutForm")
    short = doc["paths"]["/s/{code}"]["get"]["responses"]
    assert "Location" in short["302"]["headers"]

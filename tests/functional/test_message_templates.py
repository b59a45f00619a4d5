"""HR's message templates through the API, and the sender rendering them (docs/architecture.md:
a campaign pins the tenant's template versions when it is created)."""

from __future__ import annotations

import json
import uuid
from typing import Any

from tests.functional.conftest import Glue, TenantApi

INVITE = "/tenant/templates/invite/en"
TXT = ("Hi {{ name }}, {{ company }} would like to meet you.\n"
       "Interview: {{ interview_url }}\nAnswer or stop: {{ self_service_url }}")
HTML = ("<p>Hi {{ name }}</p><p><a href=\"{{ interview_url }}\">Go</a> "
        "<a href=\"{{ self_service_url }}\">Answer</a></p>")


def put(api: TenantApi, path: str, body: Any, key: str | None = None) -> Any:
    headers = api.headers()
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return api.client.http.put(path, headers=headers, body=json.dumps(body).encode())


def candidate(tag: str, tenant_id: str) -> dict[str, str]:
    digits = str(abs(hash(tag + tenant_id)) % 10_000).zfill(4)
    return {"name": f"Ann {tag}", "email": f"{tag}.{tenant_id}@example.com",
            "phone": f"1380013{digits}"}


def sent_to(local_cloud: Any, person: dict[str, str]) -> list[dict[str, Any]]:
    return [m for m in local_cloud.cloud.sent_messages()
            if person["email"] in str(m["to"]) or m["to"] == f"+86{person['phone']}"]


def test_every_template_starts_as_the_shipped_one(api: TenantApi) -> None:
    # WHEN HR lists its templates before editing any
    items = api.get("/tenant/templates").json_body["items"]
    # THEN each kind x locale is there at version 0, not custom
    assert len(items) == 8
    assert {(i["kind"], i["locale"]) for i in items} >= {("invite", "en"), ("no_show", "zh-CN")}
    assert all(i["version"] == 0 and not i["custom"] for i in items)
    one = api.get(INVITE).json_body
    assert one["parts"]["subject"] == "Your AI interview for {{ position_title }} is ready"
    assert "interview_url" in one["required"]["sms"]


def test_save_checks_the_template_and_names_each_problem(api: TenantApi) -> None:
    # WHEN the subject names an unknown variable
    bad = put(api, INVITE, {"parts": {"subject": "Hi {{ nmae }}"}})
    # THEN 422 with a machine-readable code and the line
    assert bad.status_code == 422, bad.body
    error = bad.json_body["error"]
    assert error["code"] == "invalid_template"
    assert error["details"][0] == {"field": "parts.subject", "code": "unknown_variable",
                                   "line": 1, "message": error["details"][0]["message"]}
    # AND a syntax error names its line, a body without the links is refused,
    # loops and attribute access are not part of the language
    syntax = put(api, INVITE, {"parts": {"txt": TXT + "\n{{ name"}}).json_body["error"]
    assert syntax["details"][0]["code"] == "template_syntax"
    assert syntax["details"][0]["line"] == 4
    links = put(api, INVITE, {"parts": {"txt": "Hello {{ name }}"}}).json_body["error"]
    assert {d["code"] for d in links["details"]} == {"missing_link"}
    unsafe = put(api, INVITE, {"parts": {"txt": TXT + "{{ name.__class__ }}"
                                                "{% for x in name %}{% endfor %}"}})
    assert {d["code"] for d in unsafe.json_body["error"]["details"]} >= {
        "template_unsupported"}
    # AND what only fails when rendered, or nests deeper than the parser's stack, is a 422
    # (both were 500s before)
    for subject, code in (("{{ name|truncate(1) }}", "template_render"),
                          ("{{ " + "(" * 140 + "name" + ")" * 140 + " }}",
                           "template_too_complex"),
                          ("{% if 0 %}x{% endif %}", "template_empty")):
        refused = put(api, INVITE, {"parts": {"subject": subject}})
        assert refused.status_code == 422, refused.body
        assert refused.json_body["error"]["details"][0]["code"] == code
    # AND an empty change or an unknown part are refused without a new version
    assert put(api, INVITE, {"parts": {}}).json_body["error"]["code"] == "empty_update"
    assert put(api, INVITE, {"parts": {"body": "x"}}).status_code == 400
    assert api.get(INVITE).json_body["version"] == 0


def test_preview_renders_escaped_html_and_counts_sms_parts(api: TenantApi) -> None:
    # WHEN HR previews a subject with a value of its own, HTML in the name
    preview = api.post(INVITE + "/preview", {
        "parts": {"subject": "Welcome {{ name }}", "html": HTML,
                  "sms": "{{ company }} {{ name }} " * 20 + "{{ interview_url }} "
                         "{{ short_url }}"},
        "variables": {"name": "<b>Li</b>"}})
    assert preview.status_code == 200, preview.body
    body = preview.json_body
    # THEN the preview is rendered, the HTML part autoescaped, the SMS's cost warned about
    assert body["subject"] == "Welcome <b>Li</b>"
    assert "&lt;b&gt;Li&lt;/b&gt;" in body["html"] and "<b>" not in body["html"]
    assert body["sms_parts"] > 2 and body["warnings"][0]["code"] == "sms_parts"
    # AND a preview without a body renders the current template with samples
    plain = api.post(INVITE + "/preview", b"").json_body
    assert plain["subject"] == "Your AI interview for Backend Engineer is ready"
    # AND a preview is checked like a save
    assert api.post(INVITE + "/preview", {"parts": {"sms": "{{ oops }}"}}).status_code == 422


def test_a_campaign_sends_the_versions_pinned_when_it_was_created(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    tid = api.tenant["tenant_id"]
    # GIVEN HR's own invitation (subject, text, SMS), version 1
    v1 = put(api, INVITE, {"parts": {"subject": "Acme wants you, {{ name }}!", "txt": TXT,
                                     "sms": "ACME v1 {{ interview_url }} {{ short_url }}"},
                           "expected_version": 0})
    assert v1.status_code == 200, v1.body
    assert (v1.json_body["version"], v1.json_body["custom"]) == (1, True)
    # AND a campaign created with it
    first = api.campaign(channels=["email", "sms"], locale="en")
    # WHEN HR edits the subject again (version 2) and creates a second campaign
    v2 = put(api, INVITE, {"parts": {"subject": "Version two for {{ name }}"},
                           "expected_version": 1})
    assert v2.json_body["version"] == 2 and v2.json_body["parts"]["txt"] == TXT
    stale = put(api, INVITE, {"parts": {"subject": "late"}, "expected_version": 1})
    assert stale.status_code == 409 and stale.json_body["error"]["code"] == "template_conflict"
    second = api.campaign(channels=["email"], locale="en")
    # (each campaign shows what it pinned)
    assert first["template_versions"] == {"invite/en": 1}
    assert api.get(f"/campaigns/{second['id']}").json_body["template_versions"] == \
        {"invite/en": 2}
    a, b = candidate(f"a{uuid.uuid4().hex[:6]}", tid), candidate(f"b{uuid.uuid4().hex[:6]}", tid)
    assert api.invite(first["id"], [a]).status_code == 201
    assert api.invite(second["id"], [b]).status_code == 201
    glue.drain()
    # THEN the first campaign's candidate got version 1 by SES and SNS
    mine = sent_to(local_cloud, a)
    email = next(m for m in mine if m["channel"] == "email")
    assert email["subject"] == f"Acme wants you, {a['name']}!"
    assert f"Hi {a['name']}, {api.tenant['name']} would like to meet you." in email["text"]
    sms = next(m for m in mine if m["channel"] == "sms")
    assert sms["text"].startswith("ACME v1 http") and "/s/" in sms["text"]
    # AND the second campaign's candidate version 2
    assert [m["subject"] for m in sent_to(local_cloud, b)] == [f"Version two for {b['name']}"]
    # AND an older version stays readable
    assert api.get(INVITE + "?version=1").json_body["parts"]["subject"] == \
        "Acme wants you, {{ name }}!"
    assert api.get(INVITE + "?version=9").json_body["error"]["code"] == \
        "template_version_not_found"
    # WHEN HR resets to the shipped template (version 3), a new campaign sends the default
    reset = api.post(INVITE + "/reset", {})
    assert (reset.json_body["version"], reset.json_body["custom"]) == (3, False)
    third = api.campaign(channels=["email"], locale="en")
    c = candidate(f"c{uuid.uuid4().hex[:6]}", tid)
    assert api.invite(third["id"], [c]).status_code == 201
    glue.drain()
    assert [m["subject"] for m in sent_to(local_cloud, c)] == \
        ["Your AI interview for Backend Engineer is ready"]
    # AND the list shows the current versions
    items = {(i["kind"], i["locale"]): i for i in api.get("/tenant/templates").json_body["items"]}
    assert items[("invite", "en")]["version"] == 3 and not items[("invite", "en")]["custom"]
    assert items[("invite", "zh-CN")]["version"] == 0


def test_templates_are_per_tenant_and_role_checked(api: TenantApi, container: Any) -> None:
    # GIVEN one tenant's custom subject
    assert put(api, INVITE, {"parts": {"subject": "Only ours"}}).status_code == 200
    # THEN another tenant still has the shipped one
    other = container.tenants.create_tenant(f"Other {uuid.uuid4().hex[:6]}")
    theirs = api.client.http.get(INVITE, headers={"Authorization": f"Bearer {other['api_key']}"})
    assert theirs.json_body["version"] == 0
    # AND interviewer and finance keys may not read or write templates
    campaign = api.campaign()
    for role, extra in (("interviewer", {"campaign_ids": [campaign["id"]]}), ("finance", {})):
        key = api.post("/tenant/keys", {"role": role, **extra}).json_body["api_key"]
        assert put(api, INVITE, {"parts": {"subject": "x"}}, key=key).status_code == 403
        assert api.client.http.get(INVITE, headers={"Authorization": f"Bearer {key}"}
                                   ).status_code == 403
    # AND an unknown template or locale is 404
    assert api.get("/tenant/templates/digest/en").json_body["error"]["code"] == \
        "template_not_found"
    assert api.get("/tenant/templates/invite/fr").status_code == 404


def test_a_reminder_round_days_later_still_sends_the_pinned_version(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    from datetime import timedelta

    from tests.functional.conftest import T0

    no_show = "/tenant/templates/no_show/en"
    # GIVEN HR's own no-show reminder, and a campaign created with it
    assert put(api, no_show, {"parts": {"subject": "Pinned: {{ name }}, we missed you"}}
               ).status_code == 200
    campaign = api.campaign(channels=["email"], locale="en")
    person = candidate(f"r{uuid.uuid4().hex[:6]}", api.tenant["tenant_id"])
    assert api.invite(campaign["id"], [person]).status_code == 201
    glue.drain()
    # WHEN HR edits the reminder again before the deadline, and the deadline passes
    assert put(api, no_show, {"parts": {"subject": "Newer text"}}).json_body["version"] == 2
    glue.tick(T0 + timedelta(hours=72, minutes=1))
    # THEN the campaign's no-show reminder is the version it pinned
    subjects = [m["subject"] for m in sent_to(local_cloud, person)]
    assert f"Pinned: {person['name']}, we missed you" in subjects, subjects
    assert "Newer text" not in subjects

"""Talent-pool segment queries: tags all/any/none, score, position, activity, locale, cursors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib import bootstrap
from tests.functional.conftest import T0, Glue, TenantApi

DEADLINE = T0 + timedelta(hours=72, minutes=1)


def ids_of(response: Any) -> set[str]:
    assert response.status_code == 200, response.body
    return {i["candidate_id"] for i in response.json_body["items"]}


def test_segments_combine_tags_score_position_locale_and_paginate(
        api: TenantApi, glue: Glue, container: bootstrap.Container) -> None:
    # GIVEN four candidates: 0 completes, 1 opens then misses, 2 and 3 miss (3 speaks zh-CN)
    tid = api.tenant["tenant_id"]
    campaign = api.campaign()
    rows = [{"name": f"s{i}", "email": f"s{i}.{tid}@example.com",
             **({"locale": "zh-CN"} if i == 3 else {})} for i in range(4)]
    invs = [i["invitation_id"] for i in api.invite(campaign["id"], rows).json_body["items"]]
    glue.drain()
    api.webhook("interview.completed", invs[0])
    api.webhook("interview.opened", invs[1])
    glue.drain()
    glue.tick(DEADLINE)
    c = [str(container.invitation_store.get(tid, i).candidate_id) for i in invs]  # type: ignore[union-attr]
    for who in (c[0], c[1]):
        assert api.post(f"/talent-pool/candidates/{who}/tags",
                        {"tag": "vip", "reason": "referral"}).status_code == 201
    q = "/talent-pool/candidates?"
    # THEN
    assert ids_of(api.get(f"{q}all=no_show,breach")) == {c[1]}
    assert ids_of(api.get(f"{q}tag=no_show&none=breach")) == {c[2], c[3]}
    both = api.get(f"{q}any=vip,breach").json_body["items"]
    assert sorted(i["candidate_id"] for i in both) == sorted([c[0], c[1]])  # c1 once
    assert ids_of(api.get(f"{q}any=vip&min_score=60")) == {c[0]}
    assert ids_of(api.get(f"{q}tag=no_show&max_score=49")) == {c[1], c[2], c[3]}
    assert ids_of(api.get(f"{q}tag=no_show&locale=zh-CN")) == {c[3]}
    assert ids_of(api.get(f"{q}tag=vip&position_id={campaign['position_id']}")) == {c[0], c[1]}
    assert ids_of(api.get(f"{q}tag=vip&position_id=elsewhere")) == set()
    assert ids_of(api.get(f"{q}tag=no_show&active_since=2026-11-28T09:00:00Z")) == {
        c[1], c[2], c[3]}
    assert ids_of(api.get(f"{q}tag=vip&active_since=2026-11-29T00:00:00Z")) == set()
    rows_ = api.get(f"{q}all=vip,breach").json_body["items"]
    assert rows_[0]["tags"] == ["breach", "exception_pool", "no_show", "vip"]
    assert rows_[0]["score"] < 50
    # pages of one are stable and complete, and the count is the segment's size
    seen: list[str] = []
    cursor = ""
    for _ in range(10):
        page = api.get(f"{q}tag=no_show&limit=1&count=true{cursor}").json_body
        assert page["count"] == 3
        seen += [i["candidate_id"] for i in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert sorted(seen) == sorted([c[1], c[2], c[3]])
    # any= pages too
    seen, cursor = [], ""
    for _ in range(10):
        page = api.get(f"{q}any=breach,vip,no_show&limit=1{cursor}").json_body
        seen += [i["candidate_id"] for i in page["items"]]
        if not page["next_cursor"]:
            break
        cursor = f"&cursor={page['next_cursor']}"
    assert sorted(seen) == sorted(c)


def test_segment_errors_are_client_errors(api: TenantApi) -> None:
    def code(path: str, status: int = 400) -> str:
        response = api.get(path)
        assert response.status_code == status, response.body
        return str(response.json_body["error"]["code"])

    q = "/talent-pool/candidates?"
    assert code(f"{q}none=no_show", 422) == "missing_tag"
    assert code(f"{q}tag=no_show&min_score=abc") == "invalid_score_range"
    assert code(f"{q}tag=no_show&max_score=101") == "invalid_score_range"
    assert code(f"{q}all=Bad Tag") == "invalid_tag"
    assert code(f"{q}tag=no_show&active_since=yesterday") == "invalid_active_since"
    assert code(f"{q}tag=no_show&cursor=%%%", 422) == "invalid_cursor"

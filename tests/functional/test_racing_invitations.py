"""Racing bulk invitations: the same candidates invited by two requests at the same time.
Each invitation is created by exactly one of them (the other reports a duplicate) and
nothing is overwritten; a profile created by one is merged into by the other."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from chalicelib import bootstrap
from chalicelib.invitations.models import CandidateItem
from chalicelib.invitations.stores.invitation_store import InvitationStore
from tests.functional.conftest import T0, Glue, TenantApi


class RacingStore(InvitationStore):
    """The real store, except that each request's existence check (an eventually consistent
    BatchGetItem) waits for the other request's: both find nothing, then both write."""

    def __init__(self, shards: int, barrier: threading.Barrier) -> None:
        super().__init__(shards)
        self.barrier = barrier

    def existing_ids(self, tenant_id: str, invitation_ids: Sequence[str]) -> set[str]:
        found = super().existing_ids(tenant_id, invitation_ids)
        self.barrier.wait(timeout=60)
        return found


def racing(container: bootstrap.Container) -> None:
    container.__dict__["invitation_store"] = RacingStore(container.settings.due_shards,
                                                         threading.Barrier(2))
    container.__dict__.pop("invitations", None)


def test_two_racing_requests_create_each_invitation_once(
        api: TenantApi, glue: Glue, container: bootstrap.Container, local_cloud: Any) -> None:
    # GIVEN 60 new candidates and two requests inviting all of them, differing in locale
    tid = api.tenant["tenant_id"]
    campaign = api.campaign()
    emails = [f"race{i}.{tid}@example.com" for i in range(60)]
    requests = {locale: [{"name": f"R{i}", "email": e, "locale": locale}
                         for i, e in enumerate(emails)] for locale in ("en", "zh-CN")}
    racing(container)

    # WHEN both run at the same time, each past its duplicate check before either writes
    def invite(locale: str) -> dict[str, Any]:
        result: dict[str, Any] = container.invitations.invite(tid, campaign["id"],
                                                              requests[locale], T0)
        return result

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = dict(zip(requests, pool.map(invite, requests), strict=True))

    # THEN every row is created by exactly one request and a duplicate in the other
    assert answers["en"]["created"] + answers["zh-CN"]["created"] == 60, answers
    assert answers["en"]["duplicates"] + answers["zh-CN"]["duplicates"] == 60
    winner: dict[str, str] = {}
    for locale, answer in answers.items():
        assert answer["rejected"] == []
        for item in answer["items"]:
            if item["result"] == "created":
                assert item["invitation_id"] not in winner
                winner[item["invitation_id"]] = locale
    assert len(winner) == 60
    # AND nothing was overwritten: each invitation is the one its creator reported
    for inv, locale in winner.items():
        stored = container.invitation_store.get(tid, inv)
        assert stored is not None and stored.locale == locale and stored.version == 1
    glue.drain()
    # AND each candidate got one invitation message
    counts = api.get(f"/campaigns/{campaign['id']}").json_body["counts"]
    assert counts["sent"] == 60 and counts["invited"] == 0, counts
    sent = [m for m in local_cloud.cloud.sent_messages()
            if m["channel"] == "email" and any(tid in t for t in m["to"])]
    assert len(sent) == 60


def test_racing_requests_into_two_campaigns_share_one_profile(
        api: TenantApi, glue: Glue, container: bootstrap.Container) -> None:
    # GIVEN a new candidate invited to two campaigns at once, with a phone only in one row
    tid = api.tenant["tenant_id"]
    first, second = api.campaign(name="One"), api.campaign(name="Two")
    email = f"shared.{tid}@example.com"
    rows = {first["id"]: [{"name": "Shared", "email": email}],
            second["id"]: [{"name": "Shared", "email": email, "phone": "+8613800138000"}]}
    racing(container)

    # WHEN both requests run at the same time
    def invite(campaign_id: str) -> dict[str, Any]:
        result: dict[str, Any] = container.invitations.invite(tid, campaign_id,
                                                              rows[campaign_id], T0)
        return result

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(invite, rows))
    glue.drain()

    # THEN both invitations exist, and the one profile has what both rows brought
    assert [a["created"] for a in answers] == [1, 1], answers
    cand = str(container.invitation_store.get(  # type: ignore[union-attr]
        tid, answers[0]["items"][0]["invitation_id"]).candidate_id)
    profile = CandidateItem.get(*CandidateItem.key(tid, cand), consistent_read=True)
    assert profile.email == email and profile.phone == "+8613800138000"
    assert profile.due_pk is not None  # the retention clock runs

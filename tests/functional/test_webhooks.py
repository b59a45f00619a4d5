"""Vendor webhooks: signatures, replay, ordering."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.invitations.stores.invitation_store import (
    InvitationStore,
    TransitionWrite,
    TxResult,
)
from chalicelib.shared.domain.ids import tenant_of_invitation
from chalicelib.shared.models import Item, MarkerItem
from tests.functional.conftest import T0, Glue, TenantApi


def invited(api: TenantApi, glue: Glue) -> tuple[dict, str]:  # type: ignore[type-arg]
    campaign = api.campaign()
    body = api.invite(campaign["id"], [{"name": "Ann", "email": "ann@example.com"}]).json_body
    glue.drain()
    return campaign, body["items"][0]["invitation_id"]


def status_of(api: TenantApi, campaign_id: str, status: str) -> int:
    counts: dict[str, int] = api.get(f"/campaigns/{campaign_id}").json_body["counts"]
    return counts[status]


def test_bad_or_stale_signature_is_401_and_changes_nothing(api: TenantApi, glue: Glue) -> None:
    campaign, inv = invited(api, glue)
    wrong = api.webhook("interview.completed", inv,
                        secret="whsec_" + "A" * 43 + "=")
    stale = api.webhook("interview.completed", inv, sent_at=T0 - timedelta(minutes=6))
    future = api.webhook("interview.completed", inv, sent_at=T0 + timedelta(minutes=6))
    assert [r.status_code for r in (wrong, stale, future)] == [401, 401, 401]
    assert wrong.json_body["error"]["code"] == "invalid_signature"
    assert stale.json_body["error"]["code"] == "stale_timestamp"
    unsigned = api.client.http.post("/webhooks/vendor", body=b"{}")
    assert unsigned.status_code == 401
    glue.drain()
    assert status_of(api, campaign["id"], "completed") == 0


def test_repeated_webhook_id_has_one_effect(api: TenantApi, glue: Glue) -> None:
    campaign, inv = invited(api, glue)
    first = api.webhook("interview.completed", inv, msg_id="msg_same", score=88)
    again = api.webhook("interview.completed", inv, msg_id="msg_same", score=88)
    assert first.status_code == again.status_code == 200
    assert first.json_body["result"] == "processed"
    assert again.json_body["result"] == "duplicate"
    glue.drain()
    assert status_of(api, campaign["id"], "completed") == 1
    assert status_of(api, campaign["id"], "sent") == 0


def test_a_retry_is_answered_from_the_invitations_read_without_a_write(
        api: TenantApi, glue: Glue, monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a processed webhook
    _, inv = invited(api, glue)
    assert api.webhook("interview.started", inv, msg_id="msg_retry").json_body["result"] \
        == "processed"
    # ... whose dedupe marker sits in the invitation's partition (not one per tenant)
    items = list(Item.query(f"T#{tenant_of_invitation(inv)}#INV#{inv}", consistent_read=True))
    assert [i.sk for i in items if isinstance(i, MarkerItem)] == ["HOOK#msg_retry"]
    writes: list[object] = []
    original = InvitationStore.transition

    def counted(self: InvitationStore, write: TransitionWrite) -> TxResult:
        writes.append(write)
        return original(self, write)

    monkeypatch.setattr(InvitationStore, "transition", counted)
    # WHEN the vendor retries it
    again = api.webhook("interview.started", inv, msg_id="msg_retry")
    # THEN it is a duplicate found by the read: no transaction is tried
    assert again.status_code == 200 and again.json_body["result"] == "duplicate"
    assert writes == []
    # and a new id for the same invitation is still applied
    assert api.webhook("interview.completed", inv, msg_id="msg_next").json_body["result"] \
        == "processed"
    assert len(writes) == 1


def test_out_of_order_events_never_move_backwards(api: TenantApi, glue: Glue) -> None:
    campaign, inv = invited(api, glue)
    assert api.webhook("interview.completed", inv).json_body["status"] == "completed"
    late_open = api.webhook("interview.opened", inv, at=T0 - timedelta(minutes=5))
    assert late_open.status_code == 200
    assert late_open.json_body["changed"] is False
    assert late_open.json_body["status"] == "completed"
    glue.drain()
    assert status_of(api, campaign["id"], "completed") == 1


def test_unknown_event_type_and_unknown_invitation(api: TenantApi, glue: Glue) -> None:
    _, inv = invited(api, glue)
    assert api.webhook("interview.exploded", inv).status_code == 400
    missing = inv[:-4] + "zzzz"
    response = api.webhook("interview.opened", missing)
    assert response.status_code == 404
    assert response.json_body["error"]["code"] == "invitation_not_found"


def test_completion_in_grace_is_late_and_after_close_is_refused(api: TenantApi,
                                                                glue: Glue) -> None:
    campaign, inv = invited(api, glue)
    glue.tick(T0 + timedelta(hours=72, minutes=1))
    assert status_of(api, campaign["id"], "no_show") == 1
    api.clock.set(T0 + timedelta(hours=80))
    late = api.webhook("interview.completed", inv)
    assert late.json_body["status"] == "completed_late"
    glue.drain()
    pool = api.get(f"/talent-pool/candidates?tag=no_show&campaign_id={campaign['id']}")
    assert len(pool.json_body["items"]) == 1  # the no-show history stays in the pool

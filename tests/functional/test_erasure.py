"""Erasure (PIPL / GDPR): a candidate's personal data goes everywhere, counts stay right."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from chalicelib.bootstrap import Container
from chalicelib.invitations.models import CandidateItem, InvitationItem, OutboxItem, SuppressionItem
from chalicelib.pool.models import ErasureAuditItem, TagItem
from chalicelib.shared.domain import ids
from chalicelib.shared.models import Item
from tests.functional.conftest import T0, Glue, TenantApi


def erase(api: TenantApi, cand: str, key: str | None = None) -> Any:
    headers = api.headers()
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return api.client.http.post(f"/talent-pool/candidates/{cand}/erasure", headers=headers,
                                body=b"")


def test_erasure_removes_pii_everywhere_and_keeps_counts(api: TenantApi, glue: Glue,
                                                         container: Container) -> None:
    tid = api.tenant["tenant_id"]
    address = f"erase.me.{tid}@example.com"
    campaign = api.campaign(channels=["email", "sms"])
    invited = api.invite(campaign["id"], [{"name": "Erin Erase", "email": address,
                                           "phone": "13800138000",
                                           "timezone": "Asia/Shanghai"}]).json_body
    inv_id = invited["items"][0]["invitation_id"]
    cand = ids.candidate_id(tid, f"email:{address}")
    glue.drain()  # invitation email + SMS sent: outbox items carry recipient and subject
    api.client.http.post("/talent-pool/imports", body=f"name,email,tags\nE,{address},vip\n"
                         .encode(), headers=api.headers({"Content-Type": "text/csv"}))
    InvitationItem.get(*InvitationItem.key(tid, inv_id)).update(
        actions=[InvitationItem.reason_text.set("my exam week at Tsinghua, call 13800138000")])
    container.suppression_store.suppress(SuppressionItem(
        *SuppressionItem.key(tid, "email", address), tenant_id=tid, channel="email",
        address=address, reason="complaint", created_at=T0))
    glue.tick(T0 + timedelta(hours=72, minutes=1))  # a no_show: tag, timeline, reminders
    before = api.get(f"/campaigns/{campaign['id']}").json_body["counts"]
    assert before["no_show"] == 1

    admin = erase(api, cand)
    assert admin.status_code == 200, admin.body
    body = admin.json_body
    assert body["result"] == "erased" and body["counts"]["profile"] == 1
    assert body["counts"]["invitations"] == 1 and body["counts"]["outbox"] >= 2
    assert body["counts"]["suppressions"] == 1 and body["counts"]["items_deleted"] >= 2
    glue.drain()  # the stream takes the stripped items without error or a count move

    # nothing of the person is left in any item of the tenant
    pk, _ = CandidateItem.key(tid, cand)
    partition = list(Item.query(pk))
    assert [type(i).__name__ for i in partition] == ["CandidateItem"]
    profile = partition[0]
    assert isinstance(profile, CandidateItem)
    assert (profile.name, profile.email, profile.phone, profile.due_pk) == (
        "[erased]", None, None, None)
    assert profile.erased_at == T0 and profile.erased_by.startswith("user:")
    leftovers = list(Item.scan(Item.pk.startswith(f"T#{tid}")))  # every tenant-owned item
    assert len(leftovers) > 5
    for item in leftovers:
        raw = str(item.serialize())
        for pii in (address, "13800138000", "Erin", "Tsinghua"):
            assert pii not in raw, (type(item).__name__, raw)
    inv = InvitationItem.get(*InvitationItem.key(tid, inv_id))
    assert inv.status == "no_show" and inv.reason_text is None
    outbox = list(OutboxItem.query(inv.pk, OutboxItem.sk.startswith("OUTBOX#")))
    assert outbox and all(o.recipient is None and o.subject is None for o in outbox)
    assert not list(TagItem.gsi1.query(f"T#{tid}#TAG#no_show"))
    assert api.get(f"/campaigns/{campaign['id']}").json_body["counts"] == before
    audits = list(ErasureAuditItem.query(f"T#{tid}#AUDIT"))
    assert len(audits) == 1 and cand not in str(audits[0].serialize())
    assert audits[0].candidate_hash == ids.pseudonym(f"{tid}/{cand}")

    # idempotent: again finds nothing, no second audit record
    again = erase(api, cand).json_body
    assert again["result"] == "already_erased"
    assert again["counts"] == {"profile": 0, "items_deleted": 0, "invitations": 0,
                               "outbox": 0, "suppressions": 0}
    assert len(list(ErasureAuditItem.query(f"T#{tid}#AUDIT"))) == 1

    # an import of the old file does not bring the person back
    reimport = api.client.http.post(
        "/talent-pool/imports", body=f"name,email\nErin Erase,{address}\n".encode(),
        headers=api.headers({"Content-Type": "text/csv"})).json_body
    assert reimport["items"][0]["code"] == "erased"
    # and the address stays suppressed, through its hash
    assert container.suppression_store.is_suppressed(tid, "email", address)


def test_erasure_needs_an_admin_key_and_a_known_candidate(api: TenantApi,
                                                         container: Container) -> None:
    recruiter = container.tenants.create_key(api.tenant["tenant_id"], "recruiter")["api_key"]
    assert erase(api, "candnope", recruiter).status_code == 403
    missing = erase(api, "candnope")
    assert missing.status_code == 404
    assert missing.json_body["error"]["code"] == "candidate_not_found"

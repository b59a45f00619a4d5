"""Suggestions of pool candidates for a new position."""

from __future__ import annotations

from datetime import timedelta

from chalicelib import bootstrap
from chalicelib.invitations.models import CandidateItem, InvitationItem, SuppressionItem
from tests.functional.conftest import T0, Glue, TenantApi

DEADLINE = T0 + timedelta(hours=72, minutes=1)


def test_suggestions_rank_by_score_recency_and_fit_and_skip_who_must_not_be_contacted(
        api: TenantApi, glue: Glue, container: bootstrap.Container) -> None:
    # GIVEN five pool candidates from an earlier campaign
    tid = api.tenant["tenant_id"]
    old = api.campaign()
    rows = [{"name": n, "email": f"{n}.{tid}@example.com"} for n in "abcde"]
    invs = [i["invitation_id"] for i in api.invite(old["id"], rows).json_body["items"]]
    glue.drain()
    for done in (invs[0], invs[3]):
        api.webhook("interview.completed", done)
    glue.drain()
    glue.tick(DEADLINE)
    items = [container.invitation_store.get(tid, i) for i in invs]
    a, b, c, _d, e = (str(i.candidate_id) for i in items)  # type: ignore[union-attr]
    # b said it accepted another offer, c opted out, d's address bounced, e is a backend dev
    items[1].update(actions=[InvitationItem.reason.set("accepted_other_offer")],  # type: ignore[union-attr]
                    add_version_condition=False)
    profile = container.pool_store.profile(tid, c)
    profile.update(actions=[CandidateItem.opted_out_at.set(DEADLINE)])
    address = f"d.{tid}@example.com"
    pk, sk = SuppressionItem.key(tid, "email", address)
    container.suppression_store.suppress(SuppressionItem(
        pk, sk, tenant_id=tid, channel="email", address=address, reason="bounce",
        created_at=DEADLINE))
    assert api.post(f"/talent-pool/candidates/{e}/tags",
                    {"tag": "backend_python", "reason": "cv"}).status_code == 201
    glue.drain()
    # WHEN HR asks for suggestions for a new backend position
    position = api.post("/positions", {"title": "Backend Engineer"}).json_body
    response = api.get(f"/talent-pool/suggestions?position_id={position['id']}")
    # THEN a (completed, high score) comes first, e (fits, low score) next; b, c, d skipped
    assert response.status_code == 200, response.body
    body = response.json_body
    assert [s["candidate_id"] for s in body["items"]] == [a, e]
    assert body["items"][1]["matched_keywords"] == ["backend"]
    assert body["items"][0]["score"] > body["items"][1]["score"]
    assert body["skipped"] == {"hold_contact": 1, "opted_out": 1, "suppressed": 1}
    assert b not in {s["candidate_id"] for s in body["items"]}
    # and for the position they were all invited for, nobody is suggested again
    again = api.get(f"/talent-pool/suggestions?position_id={old['position_id']}").json_body
    assert again["items"] == [] and again["skipped"]["already_invited_for_position"] == 2
    assert api.get("/talent-pool/suggestions?position_id=nope").status_code == 404

"""Retention: candidates without activity or consent are anonymised by the daily job,
which reads only the profiles that fell due."""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.invitations.domain.retention import day_of
from chalicelib.invitations.models import CandidateItem, TenantItem
from chalicelib.pool.models import RetentionStateItem
from chalicelib.shared.domain import ids
from chalicelib.triggers.retention import retention
from infra.local.glue import LambdaContext
from infra.local.runner import scheduled_event
from tests.functional.conftest import T0, Glue, TenantApi


def run_job(at: datetime) -> dict[str, int]:
    report: dict[str, int] = retention(scheduled_event("retention", at, "test"),
                                       LambdaContext("retention"))
    return report


def profile(tid: str, email: str) -> CandidateItem:
    return CandidateItem.get(*CandidateItem.key(tid, ids.candidate_id(tid, f"email:{email}")),
                             consistent_read=True)


def test_inactive_candidates_without_consent_are_anonymised(api: TenantApi,
                                                            glue: Glue) -> None:
    tid = api.tenant["tenant_id"]
    TenantItem(*TenantItem.key(tid)).update(actions=[TenantItem.retention_days.set(30)])
    a, b, c = (f"{n}.{tid}@example.com" for n in ("idle", "consented", "active"))
    api.client.http.post("/talent-pool/imports",
                         body=f"name,email,consent\nIdle,{a},\nKept,{b},yes\n".encode(),
                         headers=api.headers({"Content-Type": "text/csv"}))
    campaign = api.campaign()
    inv = api.invite(campaign["id"], [{"name": "Active", "email": c}]).json_body
    glue.drain()
    api.clock.set(T0 + timedelta(days=2))
    api.webhook("interview.completed", inv["items"][0]["invitation_id"])
    glue.drain()  # the stream restarts the active candidate's clock
    assert profile(tid, c).last_activity_at == T0 + timedelta(days=2)
    assert profile(tid, b).due_pk is None  # consent: no clock at all

    RetentionStateItem(*RetentionStateItem.key(),
                       watermark=day_of(T0 + timedelta(days=29))).save()
    first = run_job(T0 + timedelta(days=31))
    assert first["anonymised"] == 1 and first["days"] == 3
    assert profile(tid, a).erased_at is not None and profile(tid, a).email is None
    assert profile(tid, c).email == c and profile(tid, b).email == b
    second = run_job(T0 + timedelta(days=33))
    assert second["anonymised"] == 1
    assert profile(tid, c).erased_by == "retention" and profile(tid, c).name == "[erased]"
    assert profile(tid, b).email == b
    assert run_job(T0 + timedelta(days=33))["anonymised"] == 0  # idempotent


def test_a_new_invitation_keeps_the_profiles_consent_and_history(api: TenantApi,
                                                                 glue: Glue) -> None:
    # GIVEN a pool candidate imported with consent last month
    tid = api.tenant["tenant_id"]
    email = f"pooled.{tid}@example.com"
    api.clock.set(T0 - timedelta(days=30))
    api.client.http.post("/talent-pool/imports",
                         body=f"name,email,consent,external_id\nPooled,{email},yes,ATS-7\n"
                         .encode(), headers=api.headers({"Content-Type": "text/csv"}))
    before = profile(tid, email)
    assert before.consent_at is not None and before.due_pk is None
    # WHEN HR invites them to a campaign with a phone number the profile lacked
    api.clock.set(T0)
    campaign = api.campaign(channels=["email", "sms"])
    body = api.invite(campaign["id"], [{"name": "Renamed", "email": email,
                                        "phone": "13800138000"}]).json_body
    assert body["created"] == 1
    # THEN the profile is merged into, not replaced: consent, creation time and external id
    # stay, the phone is added, and the retention clock is not started (consent)
    after = profile(tid, email)
    assert after.consent_at == before.consent_at
    assert after.created_at == before.created_at
    assert (after.name, after.external_id) == ("Pooled", "ATS-7")
    assert after.phone == "+8613800138000"
    assert after.last_activity_at == T0
    assert after.due_pk is None


def test_the_clock_moves_once_a_day_not_on_every_action(api: TenantApi, glue: Glue) -> None:
    # GIVEN an invitation created at T0: the profile's clock runs from T0
    tid = api.tenant["tenant_id"]
    email = f"busy.{tid}@example.com"
    campaign = api.campaign()
    inv = api.invite(campaign["id"], [{"name": "Busy", "email": email}]).json_body
    invitation_id = inv["items"][0]["invitation_id"]
    glue.drain()
    due_before = profile(tid, email).due_sk
    # WHEN the candidate opens and starts the interview within the same day
    api.clock.set(T0 + timedelta(hours=3))
    api.webhook("interview.opened", invitation_id)
    api.clock.set(T0 + timedelta(hours=20))
    api.webhook("interview.started", invitation_id)
    glue.drain()
    # THEN the clock was not rewritten (one write per candidate and day, not per action)
    assert profile(tid, email).last_activity_at == T0
    assert profile(tid, email).due_sk == due_before
    # WHEN they complete it more than a day after the recorded action
    api.clock.set(T0 + timedelta(days=1, hours=1))
    api.webhook("interview.completed", invitation_id)
    glue.drain()
    # THEN the clock runs from the completion
    assert profile(tid, email).last_activity_at == T0 + timedelta(days=1, hours=1)
    assert profile(tid, email).due_sk != due_before

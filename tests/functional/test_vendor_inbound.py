"""Vendor events in, per vendor, through the API and the vendor simulator: the candidate's
page, signed webhooks with retries, duplicates and reordering, late completions surfaced,
the vendor's word in the no-show reasons, the poller idempotent with the webhooks."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import pytest

from chalicelib import bootstrap
from chalicelib.invitations.adapters.vendors import ADAPTERS
from chalicelib.invitations.adapters.vendors import hireflix as hf
from chalicelib.invitations.adapters.vendors.standard import StandardWebhooks
from chalicelib.invitations.services.vendor_events import VendorDirectory
from infra.local.vendor_sim import RETRY_SCHEDULE, SimConfig, VendorSimulator
from tests.functional.conftest import T0, Glue, TenantApi
from tests.vendor_fixtures import body as fixture


def invited(api: TenantApi, glue: Glue, n: int = 1) -> tuple[dict[str, Any], list[str]]:
    campaign = api.campaign()
    people = [{"name": f"P{i}", "email": f"p{i}.{api.tenant['tenant_id']}@example.com"}
              for i in range(n)]
    created = api.invite(campaign["id"], people).json_body
    glue.drain()
    return campaign, [i["invitation_id"] for i in created["items"]]


def simulator(api: TenantApi, config: SimConfig | None = None,
              waits: list[float] | None = None) -> VendorSimulator:
    def post(path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        response = api.client.http.post(path, headers=headers, body=body)
        return response.status_code, response.json_body

    sleep = waits.append if waits is not None else (lambda _s: None)
    return VendorSimulator(post, lambda _t: api.tenant["webhook_secret"], config, sleep=sleep,
                           clock=api.clock.now)


def detail(api: TenantApi, inv: str) -> dict[str, Any]:
    found: dict[str, Any] = api.get(f"/invitations/{inv}").json_body
    return found


def counts(api: TenantApi, campaign_id: str) -> dict[str, int]:
    found: dict[str, int] = api.get(f"/campaigns/{campaign_id}").json_body["counts"]
    return found


def set_vendor(api: TenantApi, **config: Any) -> None:
    response = api.client.http.put("/tenant/vendor", headers=api.headers(),
                                   body=__import__("json").dumps(config).encode())
    assert response.status_code == 200, response.body


# --- the simulator: the candidate's page, Standard Webhooks ----------------------------


def test_the_candidate_page_starts_and_completes_the_interview(api: TenantApi,
                                                               glue: Glue) -> None:
    # GIVEN an invitation whose link points at the vendor simulator
    campaign, [inv] = invited(api, glue)
    sim = simulator(api)
    # WHEN the candidate opens the page (zh-CN), starts and completes the interview
    page = sim.handle("GET", f"/vendor/i/{inv}?lang=zh-CN", b"").__getitem__(2).decode()
    assert "开始面试" in page
    sim.handle("POST", f"/vendor/i/{inv}/start", b"lang=en")
    done = sim.handle("POST", f"/vendor/i/{inv}/complete?score=91&json=1", b"")
    assert b"completed" in done[2]
    # THEN the signed webhooks moved the invitation, each one in its timeline
    glue.drain()
    view = detail(api, inv)
    assert (view["status"], view["score"]) == ("completed", 91.0)
    vendor_entries = [e for e in view["timeline"] if e["source"] == "vendor"]
    assert sorted(e["type"] for e in vendor_entries) == [
        "interview.completed", "interview.opened", "interview.started"]  # all at one instant
    assert all(e["detail"]["verified"] for e in vendor_entries)
    assert counts(api, campaign["id"])["completed"] == 1
    assert "Finish the interview" not in sim.page(inv, "en").decode()


def test_failed_deliveries_are_retried_on_the_standard_webhooks_schedule(
        api: TenantApi, glue: Glue) -> None:
    # GIVEN our endpoint is unreachable for the first two attempts
    _, [inv] = invited(api, glue)
    waits: list[float] = []
    sim = simulator(api, SimConfig(fail_first=2, time_scale=1.0), waits)
    # WHEN the candidate completes
    [delivery] = sim.act(inv, "complete", 70)
    # THEN the same message went out three times, on the schedule, and was applied once
    assert delivery.attempts == [503, 503, 200]
    assert waits == list(RETRY_SCHEDULE[:3])
    assert detail(api, inv)["status"] == "completed"


def test_duplicates_and_reordering_have_one_effect_and_never_move_backwards(
        api: TenantApi, glue: Glue) -> None:
    # GIVEN a vendor that sends everything twice and out of order
    campaign, invs = invited(api, glue, 3)
    sim = simulator(api, SimConfig(duplicates=1.0, reorder=True, seed=3))
    # WHEN three candidates open, start and complete
    answers = []
    for inv in invs:
        for step in ("open", "start"):
            assert sim.act(inv, step) == []  # held back
        answers += sim.act(inv, "complete", 80)
    glue.drain()
    # THEN every message was delivered twice, each applied once; all are completed
    assert len(answers) == 18 and all(d.delivered for d in answers)
    assert counts(api, campaign["id"])["completed"] == 3
    for inv in invs:
        view = detail(api, inv)
        assert view["status"] == "completed"
        vendor_entries = [e for e in view["timeline"] if e["source"] == "vendor"]
        assert len(vendor_entries) == 3  # one per message, not per delivery


def test_completed_then_started_stays_completed(api: TenantApi, glue: Glue) -> None:
    campaign, [inv] = invited(api, glue)
    assert api.webhook("interview.completed", inv).json_body["status"] == "completed"
    late = api.webhook("interview.started", inv, at=T0 - timedelta(minutes=1)).json_body
    assert (late["status"], late["changed"]) == ("completed", False)
    glue.drain()
    assert counts(api, campaign["id"])["completed"] == 1
    # the timeline is in the order things happened: the start came first, applied nothing
    assert [(e["type"], e["applied"]) for e in detail(api, inv)["timeline"]
            if e["source"] == "vendor"] == [("interview.started", None),
                                            ("interview.completed", "completed")]


# --- nothing is dropped ------------------------------------------------------------------


def test_a_completion_after_close_is_completed_late_and_surfaced(api: TenantApi,
                                                                 glue: Glue) -> None:
    # GIVEN a no-show whose grace window has ended (closed)
    campaign, [inv] = invited(api, glue)
    glue.tick(T0 + timedelta(hours=72, minutes=1))
    glue.tick(T0 + timedelta(hours=72 + 48, minutes=2))
    assert counts(api, campaign["id"])["closed"] == 1
    # WHEN the vendor reports a completion
    api.clock.set(T0 + timedelta(hours=130))
    answer = api.webhook("interview.completed", inv, score=66).json_body
    glue.drain()
    # THEN it is recorded as completed_late, flagged, counted and listed
    assert answer["status"] == "completed_late"
    view = detail(api, inv)
    assert (view["late_result"], view["score"]) == ("after_close", 66.0)
    assert counts(api, campaign["id"])["closed"] == 0
    assert counts(api, campaign["id"])["completed_late"] == 1
    listed = api.get(f"/campaigns/{campaign['id']}/invitations?status=completed_late")
    assert [i["id"] for i in listed.json_body["items"]] == [inv]
    assert listed.json_body["items"][0]["late_result"] == "after_close"


def test_a_completion_after_a_cancel_is_kept_as_a_late_result(api: TenantApi,
                                                              glue: Glue) -> None:
    campaign, [inv, other] = invited(api, glue, 2)
    cancel = api.post("/invitations/actions", {"action": "cancel",
                                               "invitation_ids": [inv, other]})
    assert cancel.status_code == 200, cancel.body
    api.webhook("interview.completed", inv, score=50)
    view = detail(api, inv)
    assert (view["status"], view["late_result"], view["score"]) == ("cancelled",
                                                                    "after_cancel", 50.0)
    # HR finds the late results with one filter
    late = api.get(f"/campaigns/{campaign['id']}/invitations?late=true").json_body
    assert [i["id"] for i in late["items"]] == [inv]


def test_the_vendors_expired_feeds_the_inferred_no_show_reason(api: TenantApi,
                                                               glue: Glue) -> None:
    # GIVEN the vendor says one link expired unused and one interview was abandoned
    campaign, invs = invited(api, glue, 4)
    api.webhook("interview.expired", invs[0])
    api.webhook("interview.started", invs[1])
    api.webhook("interview.abandoned", invs[1])
    api.webhook("interview.opened", invs[3])
    assert detail(api, invs[0])["vendor_signal"] == "expired"
    # WHEN the deadline passes
    glue.tick(T0 + timedelta(hours=72, minutes=1))

    def inferred() -> dict[str, int]:
        reasons = api.get(f"/reports/no-show-reasons?campaign_id={campaign['id']}"
                          "&from=2026-11-01&to=2026-11-30").json_body
        assert reasons["no_show"] == 4
        return {k: v for k, v in reasons["inferred"].items() if v}

    # THEN the reasons say so (the third one never opened, the fourth opened only)
    assert inferred() == {"link_expired": 1, "abandoned": 1, "never_opened": 1,
                          "opened_not_started": 1}
    # AND the vendor's word after the no-show moves that one's reason, once
    api.clock.set(T0 + timedelta(hours=73))
    for _ in range(2):
        api.webhook("interview.expired", invs[3], msg_id="msg_late_expiry")
    glue.drain()
    assert inferred() == {"link_expired": 2, "abandoned": 1, "never_opened": 1}


# --- Hireflix -----------------------------------------------------------------------------


def test_hireflix_events_through_the_api(api: TenantApi, glue: Glue) -> None:
    # GIVEN a tenant on Hireflix (signatures required)
    set_vendor(api, vendor="hireflix", require_signature=True)
    campaign, [inv] = invited(api, glue)
    secret = api.tenant["webhook_secret"]

    def send(name: str, signed: bool = True) -> Any:
        raw = fixture("hireflix", name, inv)
        headers = hf.sign(secret, raw) if signed else {"Content-Type": "application/json"}
        return api.client.http.post("/webhooks/vendors/hireflix", headers=headers, body=raw)

    # WHEN its events arrive (an unsigned one is refused, a repeat is a duplicate)
    assert send("interview.finish", signed=False).status_code == 401
    assert send("interview.create").json_body["changed"] is False
    assert send("interview.status-change").json_body["status"] == "started"
    assert send("interview.finish").json_body["status"] == "completed"
    assert send("interview.finish").json_body["result"] == "duplicate"
    assert send("interview.score-updated").json_body["changed"] is False
    glue.drain()
    # THEN the invitation is completed with the rescaled score, all four in its timeline
    view = detail(api, inv)
    assert (view["status"], view["score"]) == ("completed", 90.0)
    assert [e["type"] for e in view["timeline"] if e["source"] == "vendor"] == [
        "interview.create", "interview.status-change", "interview.finish",
        "interview.score-updated"]
    assert counts(api, campaign["id"])["completed"] == 1
    assert detail(api, inv)["interview_url"].endswith(f"/i/{inv}")


# --- Spark Hire (unsigned) and the reconciliation poller ----------------------------------


class SimulatorHttp:
    """The vendor's API as the poller reaches it: the simulator's HTTP handler."""

    def __init__(self, sim: VendorSimulator) -> None:
        self.sim = sim

    def get(self, url: str, params: Mapping[str, str], headers: Mapping[str, str]) -> Any:
        from urllib.parse import urlencode

        path = url.split("://", 1)[1].split("/", 1)[1]
        _, _, raw = self.sim.handle("GET", f"/{path}?{urlencode(dict(params))}", b"")
        return __import__("json").loads(raw)

    def post(self, url: str, body: Any, headers: Mapping[str, str]) -> Any:
        path = url.split("://", 1)[1].split("/", 1)[1]
        _, _, raw = self.sim.handle("POST", f"/{path}", __import__("json").dumps(body).encode())
        return __import__("json").loads(raw)


def scheduled_poll(at: datetime) -> dict[str, int]:
    from chalicelib.triggers.vendor_poll import vendor_poll
    from infra.local.glue import LambdaContext
    from infra.local.runner import scheduled_event

    report: dict[str, int] = vendor_poll(scheduled_event("vendor_poll", at, "test"),
                                         LambdaContext("vendor_poll"))
    return report


def polling(container: bootstrap.Container, sim: VendorSimulator) -> None:
    """The container's vendor directory reaches the simulator instead of the network."""
    container.__dict__["vendor"] = VendorDirectory(
        container.tenant_store, container.settings.vendor_base_url, SimulatorHttp(sim))


def test_spark_hire_webhooks_are_hints_the_poller_confirms_once(
        api: TenantApi, glue: Glue, container: bootstrap.Container) -> None:
    # GIVEN a tenant on Spark Hire, whose webhooks are unsigned: it is polled
    set_vendor(api, vendor="sparkhire", api_url="http://sim.local/vendor", poll=True)
    campaign, [inv] = invited(api, glue)
    sim = simulator(api, SimConfig(vendor="sparkhire"))
    polling(container, sim)
    # WHEN the candidate completes: the unsigned webhooks are kept, and move nothing
    sim.act(inv, "open")
    [delivery] = sim.act(inv, "complete", 80)
    assert delivery.delivered
    assert detail(api, inv)["status"] == "sent"
    # AND the poller runs, twice (its scheduled function, as EventBridge invokes it)
    first = scheduled_poll(api.clock.now())
    second = scheduled_poll(api.clock.now())
    glue.drain()
    # THEN the vendor's status is applied once
    assert first["applied"] == 1 and second["applied"] == 0
    view = detail(api, inv)
    assert (view["status"], view["score"]) == ("completed", 80.0)
    sources = [(e["source"], e["detail"]["verified"]) for e in view["timeline"]
               if e["source"] in ("vendor", "poller")]
    assert sources == [("vendor", False), ("vendor", False), ("poller", True)]
    assert counts(api, campaign["id"])["completed"] == 1


def test_unsigned_events_are_taken_from_the_tenants_own_vendor_only(api: TenantApi,
                                                                   glue: Glue) -> None:
    # GIVEN a tenant on the (signed) standard vendor
    _, [inv] = invited(api, glue)
    # WHEN someone posts an unsigned Spark Hire-shaped event naming its invitation
    response = api.client.http.post("/webhooks/vendors/sparkhire",
                                    body=fixture("sparkhire", "completed", inv))
    # THEN it is refused and nothing is kept
    assert response.status_code == 401
    assert [e for e in detail(api, inv)["timeline"] if e["source"] == "vendor"] == []
    # AND an unsigned vendor cannot be chosen without the poller that confirms its events
    refused = api.client.http.put("/tenant/vendor", headers=api.headers(),
                                  body=b'{"vendor": "sparkhire"}')
    assert refused.status_code == 422 and refused.json_body["error"]["code"] == "poll_required"


def test_the_poller_is_idempotent_with_the_webhooks(api: TenantApi, glue: Glue,
                                                    container: bootstrap.Container) -> None:
    # GIVEN a signed vendor that is also polled, one webhook lost and one delivered
    set_vendor(api, vendor="standard", api_url="http://sim.local/vendor", poll=True)
    campaign, [lost, delivered] = invited(api, glue, 2)
    sim = simulator(api)
    polling(container, sim)
    sim.act(delivered, "complete", 90)
    sim.interviews.setdefault(lost, type(sim.interviews[delivered])(lost))
    sim.interviews[lost].status, sim.interviews[lost].score = "completed", 75.0  # never sent
    # WHEN the poller runs
    report = container.vendor_poll.run(api.clock.now())
    glue.drain()
    # THEN only the lost one is applied; the delivered one has no second effect
    assert report["applied"] == 1
    assert detail(api, lost)["status"] == "completed"
    assert len([e for e in detail(api, delivered)["timeline"]
                if e["source"] in ("vendor", "poller")]) == 1
    assert counts(api, campaign["id"])["completed"] == 2
    assert container.vendor_poll.run(api.clock.now())["applied"] == 0


def test_the_vendor_hears_of_extensions_cancels_and_closes(
        api: TenantApi, glue: Glue, container: bootstrap.Container) -> None:
    # GIVEN a vendor with an API
    set_vendor(api, vendor="standard", api_url="http://sim.local/vendor")
    _, [extended, cancelled, closed] = invited(api, glue, 3)
    sim = simulator(api)
    polling(container, sim)
    # WHEN HR extends one and cancels one, and the third one's grace window ends
    new_deadline = (T0 + timedelta(days=5)).isoformat()
    assert api.post("/invitations/actions", {"action": "extend", "invitation_ids": [extended],
                                             "deadline_at": new_deadline}).status_code == 200
    assert api.post("/invitations/actions", {"action": "cancel",
                                             "invitation_ids": [cancelled]}).status_code == 200
    glue.drain()
    glue.tick(T0 + timedelta(hours=72 + 48, minutes=2))
    # THEN the vendor was told each, in its terms
    told = {n["path"].split("/")[-2]: n["body"]["kind"] for n in sim.notices}
    assert told == {extended: "extended", cancelled: "cancelled", closed: "closed"}


# --- the registry --------------------------------------------------------------------------


def test_a_new_vendor_is_one_registration_line(api: TenantApi, glue: Glue,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    class Acme(StandardWebhooks):
        name = "acme"

    monkeypatch.setitem(ADAPTERS, "acme", Acme)
    set_vendor(api, vendor="acme")
    _, [inv] = invited(api, glue)
    from chalicelib.invitations.adapters.vendors.standard import sign

    raw = fixture("standard", "opened", inv)
    response = api.client.http.post("/webhooks/vendors/acme", body=raw,
                                    headers=sign(api.tenant["webhook_secret"], "msg_acme",
                                                 api.clock.now(), raw.decode()))
    assert response.json_body["status"] == "opened"
    assert api.client.http.post("/webhooks/vendors/nobody", body=raw).status_code == 404

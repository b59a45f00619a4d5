"""The vendor adapters against their payload fixtures: signatures (valid, invalid, missing
when required or optional) and the mapping onto our lifecycle."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

import pytest

from chalicelib.invitations.adapters.vendors import ADAPTERS, build
from chalicelib.invitations.adapters.vendors import hireflix as hf
from chalicelib.invitations.adapters.vendors import standard as sw
from chalicelib.invitations.adapters.vendors.hireflix import Hireflix
from chalicelib.invitations.adapters.vendors.sparkhire import SparkHire
from chalicelib.invitations.adapters.vendors.standard import StandardWebhooks
from chalicelib.invitations.domain.vendors import (
    InterviewVendor,
    Lifecycle,
    Notice,
    VendorConfig,
    VerificationError,
)
from chalicelib.invitations.services.vendor_settings import VendorSettings
from chalicelib.shared.domain.errors import ValidationFailed
from tests.vendor_fixtures import body, names, payload

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw" + "=="
OLD_SECRET = "whsec_" + "dGhpcyBpcyB0aGUgb2xkIHNlY3JldCEhISE="
INV = "inv01TESTINVITATION"


class FakeHttp:
    def __init__(self, answer: Any = None) -> None:
        self.calls: list[tuple[str, str, Any]] = []
        self.answer = answer

    def get(self, url: str, params: Mapping[str, str], headers: Mapping[str, str]) -> Any:
        self.calls.append(("GET", url, dict(params)))
        return self.answer

    def post(self, url: str, body: Any, headers: Mapping[str, str]) -> Any:
        self.calls.append(("POST", url, body))
        return self.answer


# --- Standard Webhooks -----------------------------------------------------------------


def standard_delivery(name: str, secret: str = SECRET,
                      sent_at: datetime = NOW) -> tuple[dict[str, str], bytes]:
    raw = body("standard", name, INV)
    return sw.sign(secret, f"msg_{name}", sent_at, raw.decode()), raw


@pytest.mark.parametrize(("name", "lifecycle"), [
    ("opened", Lifecycle.OPENED), ("completed", Lifecycle.COMPLETED),
    ("abandoned", Lifecycle.ABANDONED), ("report_available", Lifecycle.REPORT_AVAILABLE)])
def test_standard_maps_each_fixture(name: str, lifecycle: Lifecycle) -> None:
    headers, raw = standard_delivery(name)
    [event] = StandardWebhooks("https://v.example").parse(headers, raw, [SECRET], NOW)
    assert (event.event_id, event.invitation_id, event.lifecycle) == (f"msg_{name}", INV,
                                                                      lifecycle)
    assert event.verified


def test_standard_any_live_secret_verifies_and_a_wrong_one_does_not() -> None:
    headers, raw = standard_delivery("completed", secret=OLD_SECRET)
    [event] = StandardWebhooks("https://v.example").parse(headers, raw, [SECRET, OLD_SECRET],
                                                          NOW)
    assert event.score == 88.0
    with pytest.raises(VerificationError) as err:
        StandardWebhooks("https://v.example").parse(headers, raw, [SECRET], NOW)
    assert err.value.code == "invalid_signature"


@pytest.mark.parametrize(("drop", "code"), [("webhook-signature", "missing_signature_headers"),
                                            ("webhook-id", "missing_signature_headers")])
def test_standard_missing_headers_are_refused(drop: str, code: str) -> None:
    headers, raw = standard_delivery("opened")
    del headers[drop]
    with pytest.raises(VerificationError) as err:
        StandardWebhooks("https://v.example").parse(headers, raw, [SECRET], NOW,
                                                    require_signature=False)
    assert err.value.code == code


def test_standard_stale_timestamp_is_refused() -> None:
    headers, raw = standard_delivery("opened", sent_at=NOW - timedelta(minutes=6))
    with pytest.raises(VerificationError) as err:
        StandardWebhooks("https://v.example").parse(headers, raw, [SECRET], NOW)
    assert err.value.code == "stale_timestamp"


def test_standard_link_notices_and_status() -> None:
    http = FakeHttp({"items": [{"invitation_id": INV, "status": "completed",
                                "updated_at": "2026-11-25T10:00:00Z", "score": 70}]})
    vendor = StandardWebhooks("https://v.example/", "https://api.v.example", http)
    assert vendor.interview_link(INV) == f"https://v.example/i/{INV}"
    vendor.notify(Notice("extended", INV, NOW + timedelta(days=2), NOW))
    [event] = vendor.fetch_status([INV], NOW)
    assert (event.lifecycle, event.score, event.event_id) == (
        Lifecycle.COMPLETED, 70.0, f"poll_standard_completed_{INV}")
    assert [c[0] for c in http.calls] == ["POST", "GET"]
    assert StandardWebhooks("https://v.example").fetch_status([INV], NOW) == []


# --- Hireflix ---------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "lifecycle"), [
    ("interview.create", Lifecycle.INVITED), ("interview.status-change", Lifecycle.STARTED),
    ("interview.finish", Lifecycle.COMPLETED), ("interview.score-updated", Lifecycle.SCORED)])
def test_hireflix_signed_fixtures_map_onto_the_lifecycle(name: str,
                                                         lifecycle: Lifecycle) -> None:
    raw = body("hireflix", name, INV)
    [event] = Hireflix("https://v.example").parse(hf.sign(SECRET, raw), raw, [SECRET], NOW)
    assert (event.invitation_id, event.lifecycle, event.kind, event.verified) == (
        INV, lifecycle, name, True)
    assert event.occurred_at <= NOW


def test_hireflix_score_is_rescaled_and_the_report_kept() -> None:
    raw = body("hireflix", "interview.score-updated", INV)
    [scored] = Hireflix("https://v.example").parse(hf.sign(SECRET, raw), raw, [SECRET], NOW)
    assert scored.score == 90.0  # 4.5 of 5
    raw = body("hireflix", "interview.finish", INV)
    [done] = Hireflix("https://v.example").parse(hf.sign(SECRET, raw), raw, [SECRET], NOW)
    assert done.detail["report_url"].startswith("https://app.hireflix.com/")


def test_hireflix_event_ids_are_stable_so_a_resend_is_a_duplicate() -> None:
    raw = body("hireflix", "interview.finish", INV)
    first = Hireflix("https://v.example").parse(hf.sign(SECRET, raw), raw, [SECRET], NOW)
    again = Hireflix("https://v.example").parse(hf.sign(SECRET, raw), raw, [SECRET],
                                                NOW + timedelta(hours=1))
    assert first[0].event_id == again[0].event_id


def test_hireflix_invalid_signature_is_refused() -> None:
    raw = body("hireflix", "interview.finish", INV)
    headers = hf.sign("whsec_other", raw)
    with pytest.raises(VerificationError) as err:
        Hireflix("https://v.example").parse(headers, raw, [SECRET], NOW,
                                            require_signature=False)
    assert err.value.code == "invalid_signature"
    tampered = raw.replace(b"completed", b"COMPLETED")
    with pytest.raises(VerificationError):
        Hireflix("https://v.example").parse(hf.sign(SECRET, raw), tampered, [SECRET], NOW)


def test_hireflix_missing_signature_required_or_optional() -> None:
    raw = body("hireflix", "interview.finish", INV)
    with pytest.raises(VerificationError) as err:
        Hireflix("https://v.example").parse({}, raw, [SECRET], NOW, require_signature=True)
    assert err.value.code == "missing_signature_headers"
    [event] = Hireflix("https://v.example").parse({}, raw, [SECRET], NOW,
                                                  require_signature=False)
    assert not event.verified  # kept as a hint, moves nothing


def test_hireflix_creates_the_interview_without_emailing_the_candidate() -> None:
    http = FakeHttp({"url": {"public": "https://app.hireflix.com/abc"}})
    vendor = Hireflix("https://v.example", "https://api.hireflix.example", http)
    assert vendor.interview_link(INV) == "https://app.hireflix.com/abc"
    assert http.calls[0][2] == {"externalId": INV, "notifyCandidate": False}
    assert Hireflix("https://v.example").interview_link(INV) == f"https://v.example/i/{INV}"


def test_hireflix_unknown_event_is_a_400() -> None:
    raw = json.dumps({"event": "interview.exploded", "data": {"externalId": INV}}).encode()
    with pytest.raises(VerificationError) as err:
        Hireflix("https://v.example").parse(hf.sign(SECRET, raw), raw, [SECRET], NOW)
    assert (err.value.code, err.value.status) == ("unsupported_event_type", 400)


# --- Spark Hire -------------------------------------------------------------------------

SPARK = {"created": Lifecycle.INVITED, "accepted": Lifecycle.OPENED,
         "completed": Lifecycle.COMPLETED, "expired": Lifecycle.EXPIRED,
         "rescheduled": Lifecycle.NOTED, "reset": Lifecycle.NOTED, "rated": Lifecycle.SCORED}


def test_every_spark_hire_fixture_is_mapped() -> None:
    assert names("sparkhire") == sorted(SPARK)


@pytest.mark.parametrize(("name", "lifecycle"), sorted(SPARK.items()))
def test_spark_hire_events_are_unverified_hints(name: str, lifecycle: Lifecycle) -> None:
    raw = body("sparkhire", name, INV)
    [event] = SparkHire("https://v.example").parse({}, raw, [SECRET], NOW)
    assert (event.invitation_id, event.lifecycle, event.verified) == (INV, lifecycle, False)
    assert event.event_id == payload("sparkhire", name)["id"]
    if name == "rated":
        assert event.score == 80.0  # 4 of 5


def test_spark_hire_status_poll_and_notices() -> None:
    http = FakeHttp({"data": [{"external_reference": INV, "status": "completed",
                               "updated_at": "2026-11-25T10:00:00Z", "rating": 5}]})
    vendor = SparkHire("https://v.example", "https://api.sparkhire.example", http)
    [event] = vendor.fetch_status([INV], NOW)
    assert (event.lifecycle, event.score, event.verified) == (Lifecycle.COMPLETED, 100.0, True)
    vendor.notify(Notice("cancelled", INV, NOW, NOW))
    assert http.calls[-1][1].endswith(f"/v1/interviews/{INV}/reschedule")


# --- the registry -----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(ADAPTERS))
def test_every_registered_adapter_implements_the_port(name: str) -> None:
    vendor: InterviewVendor = build(VendorConfig(name), "https://v.example", None)
    assert vendor.name == name
    for member in ("interview_link", "notify", "claimed_invitations", "parse",
                   "fetch_status", "signs_webhooks"):
        assert hasattr(vendor, member), (name, member)
    assert vendor.interview_link(INV).endswith(INV)


def test_adding_a_vendor_is_a_module_and_one_registration_line(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # GIVEN a new vendor's adapter (here: the Standard one under another name)
    class Acme(StandardWebhooks):
        name = "acme"

    # WHEN it is registered with one line
    monkeypatch.setitem(ADAPTERS, "acme", Acme)
    # THEN a tenant can choose it, and it is built from the tenant's configuration
    settings = VendorSettings(FakeTenants())  # type: ignore[arg-type]
    chosen = settings.set("tn1", {"vendor": "acme", "api_url": "https://api.acme.example"})
    assert chosen["vendor"] == "acme" and "acme" in chosen["vendors"]
    vendor = build(VendorConfig.from_json(chosen), "https://v.example", None)
    assert vendor.name == "acme"
    # (an unregistered one is refused)
    with pytest.raises(ValidationFailed):
        settings.set("tn1", {"vendor": "nobody"})


class FakeTenants:
    def __init__(self) -> None:
        self.vendor: dict[str, Any] | None = None

    def update(self, tenant_id: str, values: dict[str, Any]) -> object:
        self.vendor = values["vendor"]
        return object()

    def get(self, tenant_id: str, consistent: bool = False) -> SimpleNamespace:
        return SimpleNamespace(vendor=self.vendor)

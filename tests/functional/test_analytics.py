"""Analytics from the stream: the funnel of a real lifecycle (invite, engage, remind, no-show,
recover), replays that change nothing, the S3 change feed and the report endpoints."""

from __future__ import annotations

import json
import random
from datetime import timedelta
from typing import Any

import boto3
import pytest

from chalicelib import bootstrap
from chalicelib.clock import FixedClock
from chalicelib.reports.services.analytics import feed_key
from chalicelib.triggers.stream import stream_handler
from infra.local.glue import LambdaContext, StreamPoller, drain
from tests.functional.conftest import T0, Glue, TenantApi

DEADLINE = T0 + timedelta(hours=72)


def funnel(api: TenantApi, campaign_id: str) -> dict[str, Any]:
    response = api.get(f"/reports/campaigns/{campaign_id}/funnel")
    assert response.status_code == 200, response.body
    body: dict[str, Any] = response.json_body
    return body


def lifecycle(api: TenantApi, glue: Glue, clock: FixedClock) -> tuple[dict[str, Any], list[str]]:
    """Four invitations: one completes at once, one opens and completes after the first
    reminder, one starts and never finishes, one never opens but completes in the grace
    window after the no-show reminder."""
    tenant_id = api.tenant["tenant_id"]
    campaign = api.campaign()
    rows = [{"name": f"F{i}", "email": f"f{i}.{tenant_id}@example.com"} for i in range(4)]
    ids = [i["invitation_id"] for i in api.invite(campaign["id"], rows).json_body["items"]]
    glue.drain()

    def at(moment: Any) -> None:
        clock.set(moment)

    at(T0 + timedelta(hours=1))
    api.webhook("interview.completed", ids[0])
    api.webhook("interview.opened", ids[1])
    api.webhook("interview.started", ids[2])
    glue.drain()
    at(DEADLINE - timedelta(hours=24, minutes=-1))
    glue.tick(clock.now())  # round 1 (due tomorrow) to the three still open
    at(DEADLINE - timedelta(hours=12))
    api.webhook("interview.completed", ids[1])
    glue.drain()
    at(DEADLINE + timedelta(minutes=1))
    glue.tick(clock.now())  # two no-shows, round 2 to both
    at(DEADLINE + timedelta(hours=2))
    api.webhook("interview.completed", ids[3])
    glue.drain()
    return campaign, ids


def test_the_funnel_follows_a_real_lifecycle(api: TenantApi, glue: Glue,
                                            clock: FixedClock) -> None:
    # GIVEN the lifecycle above
    campaign, _ = lifecycle(api, glue, clock)
    # WHEN the campaign's funnel is read
    body = funnel(api, campaign["id"])
    # THEN every stage is counted once per invitation that reached it
    counts = body["counts"]
    assert counts == {"invited": 4, "sent": 4, "delivered": 0, "opened": 3, "started": 3,
                      "completed": 2, "completed_late": 1, "no_show": 2, "reminded": 3,
                      "recovered": 2, "closed": 0, "cancelled": 0}
    rates = body["rates"]
    assert rates["completion"] == 0.75 and rates["response"] == 0.75
    assert rates["no_show"] == 0.5 and rates["reminder_recovery"] == round(2 / 3, 4)
    # minutes to complete: 60 (first), 60 h = 3600 (second, 2880-4320 bucket), 74 h (late):
    # the median falls in the middle of the 2880-4320 bucket
    assert sum(body["minutes_to_complete"]["counts"]) == 3
    assert rates["median_minutes_to_complete"] == 3600.0
    assert [g["key"] for g in body["by_channel"]] == ["email"]
    assert {d["day"] for d in body["by_day"]} >= {"2026-11-25", "2026-11-28"}
    # AND the two recoveries by the round they followed: one after round 1, one after 2
    assert body["recovered_by_round"] == [{"round": i, "recovered": int(i <= 2)}
                                          for i in range(1, 7)]

    # AND the no-show reasons inferred from behaviour are per campaign and position
    reasons = api.get(f"/reports/no-show-reasons?campaign_id={campaign['id']}"
                      "&from=2026-11-01&to=2026-11-30").json_body
    assert reasons["no_show"] == 2
    assert reasons["inferred"] == {"not_delivered": 0, "never_opened": 1,
                                   "opened_not_started": 0, "started_not_completed": 1,
                                   "link_expired": 0, "abandoned": 0}
    assert [p["key"] for p in reasons["by_position"]] == [campaign["position_id"]]
    by_position = api.get(f"/reports/no-show-reasons?position_id={campaign['position_id']}"
                          "&from=2026-11-01&to=2026-11-30").json_body
    assert by_position["inferred"] == reasons["inferred"]
    assert [c["key"] for c in by_position["by_campaign"]] == [campaign["id"]]


def records_of(local_cloud: Any, tenant_id: str) -> list[dict[str, Any]]:
    """Every stream record of one tenant, from the start of the stream."""
    seen: list[dict[str, Any]] = []

    def collect(event: dict[str, Any], context: Any) -> Any:
        seen.extend(r for r in event["Records"] if tenant_id in json.dumps(r["dynamodb"]["Keys"]))
        return None

    drain([StreamPoller(boto3.client("dynamodbstreams"), local_cloud.resources.stream_arn,
                        collect, checkpoint_path=None)])
    return seen


def test_replayed_and_shuffled_records_change_no_aggregate(api: TenantApi, glue: Glue,
                                                          clock: FixedClock,
                                                          local_cloud: Any) -> None:
    # GIVEN the lifecycle's aggregates and the campaign's status counts
    campaign, _ = lifecycle(api, glue, clock)
    before = funnel(api, campaign["id"])
    counts = api.client.http.get(f"/campaigns/{campaign['id']}",
                                 headers=api.headers()).json_body["counts"]
    assert sum(counts.values()) > 0
    records = records_of(local_cloud, api.tenant["tenant_id"])
    assert len(records) > 20
    # WHEN every record is delivered again, in the same batches and then shuffled with
    # duplicates inside one batch
    for start in range(0, len(records), 100):
        assert stream_handler({"Records": records[start:start + 100]},
                              LambdaContext("stream"))["batchItemFailures"] == []
    shuffled = records + random.Random(7).sample(records, len(records) // 2)
    random.Random(11).shuffle(shuffled)
    for start in range(0, len(shuffled), 100):
        stream_handler({"Records": shuffled[start:start + 100]}, LambdaContext("stream"))
    glue.drain()
    # THEN the aggregates and the status counts are exactly as before
    assert funnel(api, campaign["id"]) == before
    assert api.client.http.get(f"/campaigns/{campaign['id']}",
                               headers=api.headers()).json_body["counts"] == counts


def test_the_change_feed_is_one_object_per_batch_rewritten_on_replay(
        api: TenantApi, glue: Glue, clock: FixedClock, local_cloud: Any,
        container: bootstrap.Container) -> None:
    # GIVEN the lifecycle's stream records
    tenant_id = api.tenant["tenant_id"]
    _, ids = lifecycle(api, glue, clock)
    records = records_of(local_cloud, tenant_id)
    s3 = boto3.client("s3")
    bucket = container.settings.reports_bucket
    prefix = f"tenant={tenant_id}/feed=invitation-status/"

    def objects() -> dict[str, bytes]:
        listed = s3.list_objects_v2(Bucket=bucket, Prefix=prefix).get("Contents", [])
        return {o["Key"]: s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()
                for o in listed}

    # every status change is in the feed, without PII
    lines = [json.loads(line) for body in objects().values() for line in body.splitlines()]
    moves = {(line["invitation_id"], line["version"]) for line in lines}
    assert len(moves) == len(lines)  # each status change once
    assert {line["invitation_id"] for line in lines} == set(ids)
    assert sum(1 for line in lines if line["to"] == "no_show") == 2
    text = b"".join(objects().values()).decode()
    assert "@example.com" not in text and '"F0"' not in text
    # WHEN one batch is handled twice
    batch = records[:50]
    stream_handler({"Records": batch}, LambdaContext("stream"))
    first = objects()
    stream_handler({"Records": batch}, LambdaContext("stream"))
    # THEN it wrote the same keys with the same bytes (the key is made of sequence numbers)
    assert objects() == first
    # AND records delivered twice inside one batch give one line each
    stream_handler({"Records": batch + batch[:10]}, LambdaContext("stream"))
    assert objects() == first
    inserts = [r for r in batch if r["eventName"] == "INSERT"
               and r["dynamodb"]["NewImage"]["entity"]["S"] == "invitation"]
    seqs = [r["dynamodb"]["SequenceNumber"] for r in inserts]
    assert feed_key(tenant_id, "2026-11-25", seqs[0], seqs[-1]) in first


@pytest.mark.parametrize("query, status, code", [
    ("from=2026-13-01", 400, "invalid_date"), ("from=2026-1-1", 400, "invalid_date"),
    ("from=2026-11-30&to=2026-11-01", 422, "invalid_range"),
    ("from=2025-01-01&to=2026-11-30", 422, "range_too_large"),
    ("group_by=candidate", 400, "invalid_group_by"),
])
def test_report_ranges_are_validated(api: TenantApi, query: str, status: int,
                                     code: str) -> None:
    response = api.get(f"/reports/rates?{query}")
    assert response.status_code == status
    assert response.json_body["error"]["code"] == code


def test_rates_group_by_position_channel_and_campaign(api: TenantApi, glue: Glue,
                                                     clock: FixedClock) -> None:
    campaign, _ = lifecycle(api, glue, clock)
    other = api.campaign(channels=["email", "sms"])
    api.invite(other["id"], [{"name": "G", "email": "g@example.com", "phone": "13800138000"}])
    glue.drain()
    by = {g: api.get(f"/reports/rates?from=2026-11-01&to=2026-11-30&group_by={g}").json_body
          for g in ("position", "channel", "campaign")}
    assert {g["key"] for g in by["campaign"]["groups"]} == {campaign["id"], other["id"]}
    assert {g["key"] for g in by["channel"]["groups"]} == {"email", "email+sms"}
    assert {g["key"] for g in by["position"]["groups"]} == {campaign["position_id"],
                                                            other["position_id"]}
    for report in by.values():
        assert report["overall"]["counts"]["invited"] == 5
    mine = next(g for g in by["campaign"]["groups"] if g["key"] == campaign["id"])
    assert mine["rates"]["reminder_recovery"] == round(2 / 3, 4)
    # a range that ends before anything happened is empty
    empty = api.get("/reports/rates?from=2026-10-01&to=2026-10-31").json_body
    assert empty["groups"] == [] and empty["overall"]["rates"]["completion"] is None


def test_reports_are_scoped_to_the_tenant_and_the_interviewers_campaigns(
        api: TenantApi, glue: Glue, container: bootstrap.Container, client: Any) -> None:
    from tests.functional.conftest import TenantApi as Api

    tenant_id = api.tenant["tenant_id"]
    mine, theirs = api.campaign(), api.campaign()
    for c in (mine, theirs):
        api.invite(c["id"], [{"name": "S", "email": f"s.{c['id']}@example.com"}])
    glue.drain()
    key = container.tenants.create_key(tenant_id, "interviewer", campaign_ids=[mine["id"]])
    interviewer = Api(client, {**api.tenant, "api_key": key["api_key"]}, api.clock)
    assert interviewer.get(f"/reports/campaigns/{mine['id']}/funnel").status_code == 200
    assert interviewer.get(f"/reports/campaigns/{theirs['id']}/funnel").status_code == 404
    groups = interviewer.get("/reports/rates?group_by=campaign&from=2026-11-01"
                             "&to=2026-11-30").json_body["groups"]
    assert [g["key"] for g in groups] == [mine["id"]]
    finance_key = container.tenants.create_key(tenant_id, "finance")
    finance = Api(client, {**api.tenant, "api_key": finance_key["api_key"]}, api.clock)
    assert finance.get(f"/reports/campaigns/{theirs['id']}/funnel").status_code == 200
    stranger = container.tenants.create_tenant("Other")
    other = Api(client, stranger, api.clock)
    assert other.get(f"/reports/campaigns/{mine['id']}/funnel").status_code == 404
    assert other.get("/reports/no-show-reasons").status_code == 422  # neither filter given


def summary_of(container: bootstrap.Container, tenant_id: str,
               campaign_id: str) -> dict[str, Any]:
    from chalicelib.reports.services.analytics import summary_key

    s3 = boto3.client("s3")
    body = s3.get_object(Bucket=container.settings.reports_bucket,
                         Key=summary_key(tenant_id, campaign_id))["Body"].read()
    summary: dict[str, Any] = json.loads(body)
    return summary


def due_sk(tenant_id: str, campaign_id: str) -> str | None:
    from chalicelib.reports.models import SummaryStateItem

    state = SummaryStateItem.get(*SummaryStateItem.key(tenant_id, campaign_id),
                                 consistent_read=True)
    return state.due_sk


def test_summary_is_refreshed_at_most_once_a_minute_and_the_last_change_is_not_lost(
        api: TenantApi, glue: Glue, container: bootstrap.Container) -> None:
    from tests.functional.conftest import reset_watermark

    # GIVEN a campaign whose summary was refreshed at 10:00:05 (a later clock than the
    # stream's records here, so every refresh the stream itself tries now is throttled)
    tenant_id = api.tenant["tenant_id"]
    campaign = api.campaign()
    inv = api.invite(campaign["id"], [{"name": "S", "email": "s@example.com"}]).json_body
    glue.drain()
    m = T0.replace(year=2027, hour=10, minute=0, second=5)
    assert container.analytics.refresh_summary(tenant_id, campaign["id"], m) is True
    assert summary_of(container, tenant_id, campaign["id"])["counts"]["opened"] == 0
    # WHEN the candidate opens the interview and a refresh in the same minute is throttled
    api.webhook("interview.opened", inv["items"][0]["invitation_id"])
    glue.drain()
    assert container.analytics.refresh_summary(tenant_id, campaign["id"],
                                               m + timedelta(seconds=20)) is False
    # THEN the object still shows the old figures, and the campaign waits in the due index
    summary = summary_of(container, tenant_id, campaign["id"])
    assert summary["counts"]["opened"] == 0 and summary["refreshed_at"] == "2027-11-25T10:00:05Z"
    assert (due_sk(tenant_id, campaign["id"]) or "").startswith("2027-11-25T10:01:00Z#")
    # AND the sweep of the next minute writes it, with the change, and clears the entry
    reset_watermark(m)
    glue.tick(m + timedelta(seconds=70))
    summary = summary_of(container, tenant_id, campaign["id"])
    assert summary["counts"]["opened"] == 1 and summary["refreshed_at"] == "2027-11-25T10:01:15Z"
    assert due_sk(tenant_id, campaign["id"]) is None


def test_a_sweep_finding_the_minute_taken_moves_the_refresh_on(
        api: TenantApi, glue: Glue, container: bootstrap.Container) -> None:
    from tests.functional.conftest import reset_watermark

    tenant_id = api.tenant["tenant_id"]
    campaign = api.campaign()
    api.invite(campaign["id"], [{"name": "S", "email": "s@example.com"}])
    glue.drain()
    m = T0.replace(year=2027, hour=11, minute=0, second=0)
    assert container.analytics.refresh_summary(tenant_id, campaign["id"], m) is True
    assert container.analytics.refresh_summary(tenant_id, campaign["id"],
                                               m + timedelta(seconds=1)) is False
    # the stream refreshes again at 11:01:10, before the sweep gets to the entry
    assert container.analytics.refresh_summary(tenant_id, campaign["id"],
                                               m + timedelta(seconds=70)) is True
    reset_watermark(m)
    glue.tick(m + timedelta(seconds=80))  # 11:01 is taken: moved to 11:02, not dropped
    assert (due_sk(tenant_id, campaign["id"]) or "").startswith("2027-11-25T11:02:00Z#")
    glue.tick(m + timedelta(seconds=130))
    assert due_sk(tenant_id, campaign["id"]) is None
    assert summary_of(container, tenant_id, campaign["id"])["refreshed_at"] == \
        "2027-11-25T11:02:10Z"


def test_reasons_candidates_give_are_counted_once_and_moved_when_changed(
        api: TenantApi, glue: Glue, local_cloud: Any) -> None:
    from tests.functional.test_self_service import invited_with_link

    campaign, _inv, token = invited_with_link(api, glue, local_cloud)
    glue.tick(T0 + timedelta(hours=72, minutes=1))
    api.clock.set(T0 + timedelta(hours=75))
    post = api.client.http.post
    assert post(f"/self-service/{token}/reason",
                body=b'{"reason": "schedule_conflict"}').status_code == 200
    glue.drain()
    assert post(f"/self-service/{token}/reason",
                body=b'{"reason": "technical_problem"}').status_code == 200
    glue.drain()
    body = api.get(f"/reports/no-show-reasons?campaign_id={campaign['id']}"
                   "&from=2026-11-01&to=2026-11-30").json_body
    assert body["no_show"] == 1
    assert body["inferred"]["never_opened"] == 1
    given = {k: v for k, v in body["given"].items() if v}
    assert given == {"technical_problem": 1}


class BrokenS3:
    def __init__(self, real: Any) -> None:
        self.real = real
        self.calls = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self.real, name)

    def put_object(self, **kwargs: Any) -> Any:
        self.calls += 1
        raise RuntimeError("S3 is down")


def test_a_feed_that_cannot_be_written_fails_its_records_for_a_retry(
        api: TenantApi, glue: Glue, local_cloud: Any,
        container: bootstrap.Container) -> None:
    # GIVEN the stream records of one new invitation, and S3 refusing every write
    campaign = api.campaign()
    api.invite(campaign["id"], [{"name": "B", "email": "b@example.com"}])
    glue.drain()
    records = [r for r in records_of(local_cloud, api.tenant["tenant_id"])
               if r["dynamodb"]["Keys"]["sk"]["S"] == "INV"]
    broken = BrokenS3(boto3.client("s3"))
    container.overrides["s3"] = broken
    for built in ("analytics", "objects"):
        container.__dict__.pop(built, None)
    # WHEN the batch is handled again
    result = stream_handler({"Records": records}, LambdaContext("stream"))
    # THEN its invitation records are reported failed (Lambda retries them), and the
    # aggregates did not move twice
    assert broken.calls >= 1
    failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
    assert failed == {r["dynamodb"]["SequenceNumber"] for r in records}
    assert funnel(api, campaign["id"])["counts"]["invited"] == 1


def test_a_batch_of_new_and_replayed_deltas_over_many_rows_counts_each_once(
        container: bootstrap.Container) -> None:
    from chalicelib.reports.models import AggregateItem
    from chalicelib.reports.stores.aggregates_store import AggDelta, AggregatesStore, _packed

    # GIVEN 150 deltas over 30 rows (more than one transaction), the first 70 written before
    store = AggregatesStore()
    tenant = f"tn-agg-{random.Random().randrange(10**9)}"
    deltas = [AggDelta(tenant, f"c{i % 3}", "p1", "email", f"2026-11-{10 + i % 10}",
                       f"T#{tenant}#INV#i{i}", "AGG#v1", (("n_invited", 1),))
              for i in range(150)]
    assert all(len(c) + len({deltas[i].row for i in c}) <= 100
               for c in _packed(deltas, range(150)))
    assert store.apply_many(deltas[:70], T0) == []
    # WHEN the whole lot arrives, shuffled, with some twice
    again = deltas + deltas[:20] + deltas[100:110]
    random.Random(3).shuffle(again)
    assert store.apply_many(again, T0) == []
    # THEN every delta counted exactly once
    rows = [r for c in range(3) for r in AggregateItem.query(AggregateItem.key(
        tenant, f"c{c}", "", "", "")[0])]
    assert len(rows) == 30
    assert sum(int(r.n_invited) for r in rows) == 150


def test_days_are_the_tenants_calendar_days(api: TenantApi, glue: Glue,
                                            clock: FixedClock) -> None:
    # GIVEN a tenant in Shanghai; one invitation completes at 17:30 UTC on 2026-11-25,
    # which is 01:30 on 2026-11-26 in Shanghai
    patched = api.client.http.patch("/tenant", headers=api.headers(),
                                    body=b'{"timezone": "Asia/Shanghai"}')
    assert patched.status_code == 200
    campaign = api.campaign()
    tid = api.tenant["tenant_id"]
    (item,) = api.invite(campaign["id"], [{"name": "Z",
                                           "email": f"z.{tid}@example.com"}]).json_body["items"]
    glue.drain()
    clock.set(T0.replace(hour=17, minute=30))
    api.webhook("interview.completed", item["invitation_id"])
    glue.drain()
    # THEN the completion is counted on the Shanghai day, the invitation on the day before
    by_day = {d["day"]: d["counts"] for d in funnel(api, campaign["id"])["by_day"]}
    assert by_day["2026-11-26"]["completed"] == 1
    assert by_day["2026-11-25"]["invited"] == 1 and by_day["2026-11-25"]["completed"] == 0


def test_one_marker_per_status_move_counts_the_campaign_and_the_funnel(
        api: TenantApi, glue: Glue, clock: FixedClock) -> None:
    # GIVEN the lifecycle: four invitations through every status
    campaign, ids = lifecycle(api, glue, clock)
    tenant_id = api.tenant["tenant_id"]
    # THEN the campaign's counts hold each invitation once, in its final status
    counts = api.client.http.get(f"/campaigns/{campaign['id']}",
                                 headers=api.headers()).json_body["counts"]
    assert {k: v for k, v in counts.items() if v} == {"completed": 2, "no_show": 1,
                                                      "completed_late": 1}
    # AND each invitation version that moved has one marker, shared by the funnel and the
    # counts (the counts no longer write a COUNTED# marker of their own)
    from chalicelib.shared.models import MarkerItem

    for invitation_id in ids:
        pk = f"T#{tenant_id}#INV#{invitation_id}#MARK"
        markers = [m.sk for m in MarkerItem.query(pk, consistent_read=True)]
        assert markers and not [m for m in markers if m.startswith("COUNTED#")], markers
        assert [m for m in markers if m.startswith("AGG#v")]

"""Imports of uploaded files in the production stack: the stream queues new jobs, the imports
queue feeds the importer one job at a time, and the importer reads and writes only uploads."""

from __future__ import annotations

import json
from typing import Any

import pytest

from infra.definition import RESOURCES
from tests.infra.conftest import Synth
from tests.infra.queries import as_list, by_property, of_type, props, render, statements

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def raw(prod: Synth) -> dict[str, Any]:
    return prod.template()


def _role(raw: dict[str, Any], function: str) -> str:
    return str(props(raw["Resources"][function])["Role"]["Fn::GetAtt"][0])


def _queue(raw: dict[str, Any]) -> str:
    queue, body = by_property(raw, "AWS::SQS::Queue", "QueueName",
                              RESOURCES.imports_queue.physical_name("prod"))
    assert props(body)["RedrivePolicy"]["maxReceiveCount"] == \
        RESOURCES.imports_queue.max_receive_count
    return queue


def test_the_imports_queue_feeds_the_importer_one_job_at_a_time(raw: dict[str, Any]) -> None:
    queue = _queue(raw)
    mappings = [props(m) for m in of_type(raw, "AWS::Lambda::EventSourceMapping").values()
                if props(m).get("EventSourceArn") == {"Fn::GetAtt": [queue, "Arn"]}]
    assert len(mappings) == 1
    assert mappings[0]["FunctionName"] == {"Ref": "Importer"}
    assert mappings[0]["BatchSize"] == 1
    assert mappings[0]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    timeout = props(raw["Resources"]["Importer"])["Timeout"]
    assert 6 * timeout <= RESOURCES.imports_queue.visibility_timeout_s


def test_only_the_stream_sends_jobs_and_only_the_importer_takes_them(raw: dict[str, Any]) -> None:
    arn = {"Fn::GetAtt": [_queue(raw), "Arn"]}

    def on_queue(function: str) -> set[str]:
        return {a for s in statements(raw, _role(raw, function))
                if arn in as_list(s["Resource"]) for a in as_list(s["Action"])}

    assert "sqs:SendMessage" in on_queue("Stream")
    assert "sqs:ReceiveMessage" in on_queue("Importer")
    for other in ("APIHandler", "Sweep", "Sender", "Exporter"):
        assert not on_queue(other), other


def test_the_importer_touches_uploads_only(raw: dict[str, Any]) -> None:
    s3 = [s for s in statements(raw, _role(raw, "Importer"))
          if any(str(a).startswith("s3:") for a in as_list(s["Action"]))]
    assert len(s3) == 1
    # DeleteObject: a finished job deletes its upload (personal data)
    assert set(as_list(s3[0]["Action"])) == {"s3:GetObject", "s3:PutObject", "s3:DeleteObject"}
    assert json.dumps(render(s3[0]["Resource"])).endswith('/uploads/*"')
    env = props(raw["Resources"]["Importer"])["Environment"]["Variables"]
    assert "TALENTLOOP_IMPORTS_QUEUE" in env


def test_uploads_expire_with_their_old_versions(raw: dict[str, Any]) -> None:
    """Uploads hold full personal data: whatever a job did not delete expires after a week,
    deleted or overwritten versions a day later (the bucket keeps others' for 30 days)."""
    bucket = RESOURCES.reports_bucket
    reports = [props(b) for b in of_type(raw, "AWS::S3::Bucket").values()
               if render(props(b)["BucketName"]).startswith(bucket.physical_name("prod") + "-1")]
    assert len(reports) == 1
    rules = {r["Id"]: r for r in reports[0]["LifecycleConfiguration"]["Rules"]}
    assert rules["expire-uploads"] == {
        "Id": "expire-uploads", "Prefix": "uploads/", "Status": "Enabled",
        "ExpirationInDays": bucket.uploads_expire_days,
        "NoncurrentVersionExpiration": {
            "NoncurrentDays": bucket.uploads_noncurrent_expire_days}}
    assert bucket.uploads_prefix == "uploads/"
    assert bucket.uploads_expire_days <= 7 and bucket.uploads_noncurrent_expire_days <= 1

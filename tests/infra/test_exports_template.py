"""Exports in the production stack: the exports queue feeds the exporter, which may write
export objects (and nothing else in the bucket) and finishes within the queue's timeout."""

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
    role = props(raw["Resources"][function])["Role"]
    return str(role["Fn::GetAtt"][0])


def test_the_exports_queue_feeds_the_exporter_one_export_at_a_time(raw: dict[str, Any]) -> None:
    queue, body = by_property(raw, "AWS::SQS::Queue", "QueueName",
                              RESOURCES.exports_queue.physical_name("prod"))
    assert props(body)["RedrivePolicy"]["maxReceiveCount"] == \
        RESOURCES.exports_queue.max_receive_count
    mappings = [props(m) for m in of_type(raw, "AWS::Lambda::EventSourceMapping").values()
                if props(m).get("EventSourceArn") == {"Fn::GetAtt": [queue, "Arn"]}]
    assert len(mappings) == 1
    assert mappings[0]["FunctionName"] == {"Ref": "Exporter"}
    assert mappings[0]["BatchSize"] == 1
    assert mappings[0]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]


def test_the_exporter_finishes_within_the_visibility_timeout(raw: dict[str, Any]) -> None:
    timeout = props(raw["Resources"]["Exporter"])["Timeout"]
    assert 6 * timeout <= RESOURCES.exports_queue.visibility_timeout_s


def test_only_the_exports_prefix_is_writable_and_signable(raw: dict[str, Any]) -> None:
    def on_exports(function: str) -> list[dict[str, Any]]:
        return [s for s in statements(raw, _role(raw, function))
                if any(str(a).startswith("s3:") for a in as_list(s["Action"]))
                and "/exports/" in json.dumps(render(s["Resource"]))]

    for function, actions in (("Exporter", {"s3:PutObject", "s3:AbortMultipartUpload",
                                            "s3:ListMultipartUploadParts"}),
                              ("APIHandler", {"s3:GetObject"})):
        s3 = on_exports(function)
        assert len(s3) == 1, function
        assert set(as_list(s3[0]["Action"])) == actions
        resources = json.dumps(render(s3[0]["Resource"]))
        assert resources.endswith('/exports/*"'), resources
    # the exporter touches nothing else in S3; nobody else touches export objects
    exporter_s3 = [s for s in statements(raw, _role(raw, "Exporter"))
                   if any(str(a).startswith("s3:") for a in as_list(s["Action"]))]
    assert len(exporter_s3) == 1
    for function in ("Sweep", "Stream", "Sender", "ExportSchedule"):
        assert not on_exports(function), function

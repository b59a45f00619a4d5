"""Outbound webhooks in the production stack: the hooks queue feeds the hook sender with
failures reported; only the stream, the API and the hook sender queue deliveries; the hook
sender alone consumes them, sends email only from our identity, and runs in no VPC (its
egress is the Lambda service's internet access; the SSRF guard is in the code). The chat-bot
posters (sender, API) likewise."""

from __future__ import annotations

from typing import Any

import pytest

from infra.definition import RESOURCES
from tests.infra.conftest import Synth
from tests.infra.queries import as_list, by_property, of_type, props, statements

pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]


@pytest.fixture(scope="module")
def raw(prod: Synth) -> dict[str, Any]:
    return prod.template()


def _role(raw: dict[str, Any], function: str) -> str:
    return str(props(raw["Resources"][function])["Role"]["Fn::GetAtt"][0])


def _queue(raw: dict[str, Any]) -> str:
    queue, body = by_property(raw, "AWS::SQS::Queue", "QueueName",
                              RESOURCES.hooks_queue.physical_name("prod"))
    assert props(body)["RedrivePolicy"]["maxReceiveCount"] == \
        RESOURCES.hooks_queue.max_receive_count
    return queue


def test_the_hooks_queue_feeds_the_hook_sender_and_reports_failures(
        raw: dict[str, Any]) -> None:
    queue = _queue(raw)
    mappings = [props(m) for m in of_type(raw, "AWS::Lambda::EventSourceMapping").values()
                if props(m).get("EventSourceArn") == {"Fn::GetAtt": [queue, "Arn"]}]
    assert len(mappings) == 1
    assert mappings[0]["FunctionName"] == {"Ref": "HookSender"}
    assert mappings[0]["BatchSize"] == RESOURCES.hooks_mapping.batch_size
    assert mappings[0]["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
    function = props(raw["Resources"]["HookSender"])
    assert 6 * function["Timeout"] <= RESOURCES.hooks_queue.visibility_timeout_s
    assert "VpcConfig" not in function
    assert "TALENTLOOP_HOOKS_QUEUE" in function["Environment"]["Variables"]
    assert "TALENTLOOP_HOOKS_ALLOW_LOOPBACK" not in function["Environment"]["Variables"]


def test_who_queues_deliveries_and_who_takes_them(raw: dict[str, Any]) -> None:
    arn = {"Fn::GetAtt": [_queue(raw), "Arn"]}

    def on_queue(function: str) -> set[str]:
        return {a for s in statements(raw, _role(raw, function))
                if arn in as_list(s["Resource"]) for a in as_list(s["Action"])}

    for sender in ("Stream", "APIHandler", "HookSender"):
        assert "sqs:SendMessage" in on_queue(sender), sender
    assert "sqs:ReceiveMessage" in on_queue("HookSender")
    for other in ("Sweep", "Sender", "Exporter", "Importer"):
        assert not on_queue(other), other
    assert "sqs:ReceiveMessage" not in on_queue("Stream") | on_queue("APIHandler")


def test_the_hook_sender_emails_only_from_our_identity(raw: dict[str, Any]) -> None:
    ses = [s for s in statements(raw, _role(raw, "HookSender"))
           if any(str(a).startswith("ses:") for a in as_list(s["Action"]))]
    assert len(ses) == 1 and as_list(ses[0]["Action"]) == ["ses:SendEmail"]
    assert all("identity/*" not in str(r) for r in as_list(ses[0]["Resource"]))
    assert not any(str(a).startswith(("s3:", "sns:")) for s in statements(
        raw, _role(raw, "HookSender")) for a in as_list(s["Action"]))


def test_the_chat_bot_posters_reach_no_loopback_and_run_in_no_vpc(raw: dict[str, Any]) -> None:
    """The sender (digests) and the API (test messages) POST to the tenants' chat bots
    (infra/DEPLOY.md, "Chat bots"): in production they never allow plain-http loopback, and
    they need no statement beyond the table (no new AWS call)."""
    from chalicelib.config import LOOPBACK_STAGES

    for name in ("Sender", "APIHandler"):
        function = props(raw["Resources"][name])
        assert "VpcConfig" not in function
        variables = function["Environment"]["Variables"]
        assert "TALENTLOOP_CHAT_ALLOW_LOOPBACK" not in variables
        assert variables.get("TALENTLOOP_STAGE", "prod") not in LOOPBACK_STAGES

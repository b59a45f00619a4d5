"""AWS's own rule sets on every synthesized template: cfn-lint and cdk-nag (AwsSolutions).

cfn-lint must report nothing at all, errors or warnings, in the regions we would deploy
to. cdk-nag already fails the synth on an unacknowledged finding; here the report is read
back so an acknowledgment cannot appear (or lose its reason) without this file changing.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import cfnlint
import pytest
from cfnlint.api import ManualArgs, lint_file

from tests.infra.conftest import STAGES, Synth

# the first test to ask for a synth pays for both stages (a cold one builds the layer)
pytestmark = [pytest.mark.slow, pytest.mark.timeout(600)]

#: Where TalentLoop may run: US (first customers) and EU (candidates' data stays in the EU).
REGIONS = ["us-east-1", "eu-west-1"]

#: Every acknowledged cdk-nag finding (see infra/stack/nag.py for the reasons).
ACKNOWLEDGED = {
    ("AwsSolutions-IAM5[Resource::*]", "Functions/SenderRole/DefaultPolicy/Resource"),
    ("AwsSolutions-IAM5[Resource::<DataTableFDBAD0F2.Arn>/stream/*]",
     "Functions/StreamRole/DefaultPolicy/Resource"),
    ("AwsSolutions-IAM5[Resource::<StorageReports31B47EB2.Arn>/tenant=*]",
     "Functions/StreamRole/DefaultPolicy/Resource"),
    # the sweep writes campaign summaries whose refresh was throttled (docs/reports.md)
    ("AwsSolutions-IAM5[Resource::<StorageReports31B47EB2.Arn>/tenant=*]",
     "Functions/SweepRole/DefaultPolicy/Resource"),
    ("AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/"
     "AmazonAPIGatewayPushToCloudWatchLogs]", "Api/CloudWatchRole/Resource"),
    ("AwsSolutions-SMG4", "Secrets/TokenSigningKey/Resource"),
    ("AwsSolutions-SQS3", "Messaging/SesEventsFailures/Resource"),
    ("AwsSolutions-IAM5[Resource::<StorageReports31B47EB2.Arn>/tenant=*/report=statement/*]",
     "Functions/APIHandlerRole/DefaultPolicy/Resource"),  # metering: monthly statements
    ("AwsSolutions-IAM5[Resource::<StorageReports31B47EB2.Arn>/uploads/*]",
     "Functions/APIHandlerRole/DefaultPolicy/Resource"),
    # exports (docs/exports.md): object actions on the bucket's exports/ prefix
    ("AwsSolutions-IAM5[Resource::<StorageReports31B47EB2.Arn>/exports/*]",
     "Functions/ExporterRole/DefaultPolicy/Resource"),
    ("AwsSolutions-IAM5[Resource::<StorageReports31B47EB2.Arn>/exports/*]",
     "Functions/APIHandlerRole/DefaultPolicy/Resource"),
    ("AwsSolutions-IAM5[Resource::<StorageReports31B47EB2.Arn>/uploads/*]",
     "Functions/ImporterRole/DefaultPolicy/Resource"),
}


#: cfn-lint's Lambda runtime lifecycle rules compare the runtime's published dates with
#: today's date, so on 2027-08-31 (python3.11's update block) main would turn red without a
#: change. They are left out here and checked against an explicit date below: the suite
#: passes on any calendar date, and the deadline is written down (infra/DEPLOY.md).
RUNTIME_LIFECYCLE_RULES = ["E2531", "E2533", "W2531"]

#: python3.11 on Lambda (AWS's runtime lifecycle, as cfn-lint ships it): deprecated
#: 2027-06-30, no new functions from 2027-07-31, no updates from 2027-08-31.
RUNTIME_SUPPORTED_UNTIL = {"python3.11": date(2027, 6, 30)}


@pytest.mark.parametrize("stage", STAGES)
def test_cfn_lint_reports_nothing(synths: dict[str, Synth], stage: str) -> None:
    template: Path = synths[stage].template_path
    matches = lint_file(template, ManualArgs(regions=REGIONS,
                                             ignore_checks=RUNTIME_LIFECYCLE_RULES))
    assert [str(m) for m in matches] == []


@pytest.mark.parametrize("stage", STAGES)
def test_the_lambda_runtime_and_its_deprecation_date_are_known(
        synths: dict[str, Synth], stage: str) -> None:
    """Every function runs the runtime Chalice packaged for, whose deprecation date is the
    one written down here and in DEPLOY.md (from cfn-lint's lifecycle data, so a newer
    cfn-lint with other dates fails this test instead of the calendar failing the build)."""
    template = json.loads(synths[stage].template_path.read_text())
    runtimes = {r["Properties"]["Runtime"] for r in template["Resources"].values()
                if r["Type"] in ("AWS::Lambda::Function", "AWS::Serverless::Function")
                and "Runtime" in r["Properties"]}  # Chalice's functions are SAM resources
    lifecycle = json.loads(
        (Path(cfnlint.__file__).parent / "data/AdditionalSpecs/LmbdRuntimeLifecycle.json")
        .read_text())
    assert runtimes
    for runtime in runtimes:
        assert runtime in RUNTIME_SUPPORTED_UNTIL, f"{runtime}: write down its deprecation date"
        assert lifecycle[runtime]["deprecated"] == RUNTIME_SUPPORTED_UNTIL[runtime].isoformat()


@pytest.mark.parametrize("stage", STAGES)
def test_cdk_nag_has_no_unacknowledged_finding(synths: dict[str, Synth], stage: str) -> None:
    reports = synths[stage].validation_report()["pluginReports"]
    nag = next(r for r in reports if r["pluginName"] == "AwsSolutions")
    assert nag["conclusion"] == "success"
    assert nag["violations"] == []
    acknowledged = set()
    for finding in nag["suppressedViolations"]:
        assert len(finding["reason"]) >= 40, finding
        for construct in finding["violatingConstructs"]:
            path = construct["constructPath"].removeprefix(f"{stage}/")
            acknowledged.add((finding["ruleName"], path))
    assert acknowledged == ACKNOWLEDGED

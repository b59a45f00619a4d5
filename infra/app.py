"""The CDK app: `cdk synth -c stage=prod`, or offline with `python infra/app.py -c stage=prod`.

Synthesizing needs no AWS account: the stack is environment-agnostic (account and region
are CloudFormation pseudo parameters) and `chalice package` only needs PyPI (its Lambda
wheels are cached in `.chalice/deployments/` after the first run). cdk-nag's AwsSolutions
checks run on every synth; an unacknowledged finding fails it.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
# `python infra/app.py` puts infra/ first on sys.path, where this file would shadow the
# Chalice app's `app.py` that `chalice package` imports; the repo root must come first.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO_ROOT / "infra"]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))
# jsii warns on every run that Node 20 (this machine's) is past end of life; DEPLOY.md says
# which Node to use, so here the banner would only drown the synth's own output.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")
# `chalice package` builds a botocore session, which wants a region. It only picks service
# principal names from it (the same in every commercial region); the template uses
# AWS::Region. Deploying to China or GovCloud needs AWS_DEFAULT_REGION set accordingly.
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")

import aws_cdk as cdk  # noqa: E402
from cdk_nag import AwsSolutionsChecks  # noqa: E402

from infra.stack import STAGES, TalentLoopStack, settings_for  # noqa: E402
from infra.stack.settings import REQUIRED_IN_PROD, MissingContext  # noqa: E402

DEFAULT_STAGE = "dev"
#: CDK feature flags this app relies on; here rather than in cdk.json so that tests and
#: `python infra/app.py` build exactly what `cdk deploy` builds.
FEATURE_FLAGS: dict[str, bool] = {
    # S3 access logging through a bucket policy, not the legacy log-delivery ACL.
    "@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True,
    # Fail the synth if a secret's value would be rendered into the template.
    "@aws-cdk/core:checkSecretUsage": True,
    "@aws-cdk/aws-iam:minimizePolicies": True,
}


def new_app(*, outdir: Path | None = None, context: dict[str, str] | None = None) -> cdk.App:
    """An app with this repo's feature flags and the AwsSolutions checks registered.

    Under the CDK CLI, `CDK_OUTDIR` and the CLI's context reach `App()` by themselves.
    """
    app = cdk.App(outdir=str(outdir) if outdir else None,
                  context={**FEATURE_FLAGS, **(context or {})})
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    return app


def add_stages(app: cdk.App, stages: Sequence[str]) -> list[TalentLoopStack]:
    """One stack per stage. Context keys read: `sender_email`, `public_api_url`,
    `vendor_base_url` (all three required for `prod`), `alarm_email` and
    `keep_retired_indexes` (optional)."""
    context = {key: app.node.try_get_context(key) for key in REQUIRED_IN_PROD}
    alarm_email = app.node.try_get_context("alarm_email")
    keep_retired = str(app.node.try_get_context("keep_retired_indexes") or "").lower() in (
        "1", "true", "yes")
    stacks = []
    for stage in stages:
        try:
            settings = replace(settings_for(
                stage, alarm_email=alarm_email,
                **{k: str(v) if v else None for k, v in context.items()}),
                keep_retired_indexes=keep_retired)
        except MissingContext as missing:
            raise SystemExit(f"cannot synthesize {stage}: {missing}") from None
        stacks.append(TalentLoopStack(app, settings=settings, source_dir=REPO_ROOT,
                                      package_dir=Path(app.outdir) / "chalice" / stage))
    return stacks


def main(argv: Sequence[str] | None = None) -> None:
    """Synth the stage named by the `stage` context (`-c stage=prod`), `dev` by default."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--context", action="append", default=[],
                        help="key=value, as with `cdk synth -c`")
    args = parser.parse_args(argv)
    context = dict(item.split("=", 1) for item in args.context)
    # Run by hand (not by the CDK CLI, which sets CDK_OUTDIR), synthesize into ./cdk.out.
    outdir = None if os.environ.get("CDK_OUTDIR") else REPO_ROOT / "cdk.out"
    app = new_app(outdir=outdir, context=context)
    stage = str(app.node.try_get_context("stage") or DEFAULT_STAGE)
    if stage not in STAGES:
        raise SystemExit(f"unknown stage {stage!r}: use -c stage={'|'.join(STAGES)}")
    add_stages(app, [stage])
    app.synth()


if __name__ == "__main__":
    main()

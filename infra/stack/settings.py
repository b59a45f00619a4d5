"""What differs between the production-like stages, and nothing else.

`infra/definition.py` says *what* exists (shared with the local cloud); this module says how
hard each stage holds on to it and how loudly it complains. `prod` keeps its data when the
stack is deleted; `dev` can be torn down completely.
"""

from __future__ import annotations

from dataclasses import dataclass

from aws_cdk import RemovalPolicy, aws_logs

STAGES = ("dev", "prod")


@dataclass(frozen=True)
class StageSettings:
    stage: str
    #: RETAIN keeps the table, key, buckets and secrets when the stack is deleted.
    retain_data: bool
    log_retention: aws_logs.RetentionDays
    #: API Gateway steady-state requests/s and burst for the whole stage.
    api_rate_limit: float
    api_burst_limit: int
    #: Address that receives alarm notifications (optional: subscribe later by hand).
    alarm_email: str | None
    #: The SNS monthly SMS spend limit (set by hand, see DEPLOY.md); alarms at 80 % of it.
    sms_monthly_spend_limit_usd: int
    sender_email: str
    #: where candidates reach the API: the self-service links in every message (a custom
    #: domain in front of API Gateway; a context value, not the generated URL, which would
    #: make the API's own function depend on the API)
    public_api_url: str = "https://api.talentloop.example.com"

    @property
    def removal_policy(self) -> RemovalPolicy:
        return RemovalPolicy.RETAIN if self.retain_data else RemovalPolicy.DESTROY

    @property
    def sender_domain(self) -> str:
        return self.sender_email.rpartition("@")[2]


def settings_for(stage: str, *, sender_email: str, alarm_email: str | None = None,
                 public_api_url: str | None = None) -> StageSettings:
    """Settings of `stage`; unknown stages are refused rather than guessed."""
    if stage == "prod":
        return StageSettings(stage=stage, retain_data=True,
                             log_retention=aws_logs.RetentionDays.ONE_YEAR,
                             api_rate_limit=100, api_burst_limit=200, alarm_email=alarm_email,
                             sms_monthly_spend_limit_usd=1000, sender_email=sender_email,
                             **_url(public_api_url))
    if stage == "dev":
        return StageSettings(stage=stage, retain_data=False,
                             log_retention=aws_logs.RetentionDays.TWO_WEEKS,
                             api_rate_limit=10, api_burst_limit=20, alarm_email=alarm_email,
                             sms_monthly_spend_limit_usd=10, sender_email=sender_email,
                             **_url(public_api_url))
    raise ValueError(f"unknown stage {stage!r}: use one of {', '.join(STAGES)}")


def _url(public_api_url: str | None) -> dict[str, str]:
    return {"public_api_url": public_api_url} if public_api_url else {}

"""What differs between the production-like stages, and nothing else.

`infra/definition.py` says *what* exists (shared with the local cloud); this module says how
hard each stage holds on to it and how loudly it complains. `prod` keeps its data when the
stack is deleted; `dev` can be torn down completely.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from aws_cdk import RemovalPolicy, aws_logs

STAGES = ("dev", "prod")

#: Context values a `prod` synth refuses to run without (`-c key=value`): each ends up in
#: every message a candidate receives. `dev` falls back to these placeholders.
REQUIRED_IN_PROD = ("sender_email", "public_api_url", "vendor_base_url")
DEV_PLACEHOLDERS = {"sender_email": "no-reply@talentloop.example.com",
                    "public_api_url": "https://api.talentloop.example.com",
                    "vendor_base_url": "https://interview.example.com"}
#: RFC 2606 / 6761 names that can never be a real deployment's
_PLACEHOLDER_DOMAIN = re.compile(
    r"(^|[.@/])(example\.(com|org|net)|[^/@]*\.(example|invalid|localhost))(?=$|[/:?#])",
    re.IGNORECASE)


class MissingContext(ValueError):
    """A deploy parameter the stage needs was not given (or is a placeholder)."""


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
    public_api_url: str = DEV_PLACEHOLDERS["public_api_url"]
    #: the AI-interview vendor's candidate links (`TALENTLOOP_VENDOR_BASE_URL`)
    vendor_base_url: str = DEV_PLACEHOLDERS["vendor_base_url"]
    #: keep the table's retired indexes (infra/definition.py RETIRED_INDEXES) for one more
    #: deploy: `-c keep_retired_indexes=true` while a stage upgrades (infra/DEPLOY.md)
    keep_retired_indexes: bool = False

    @property
    def removal_policy(self) -> RemovalPolicy:
        return RemovalPolicy.RETAIN if self.retain_data else RemovalPolicy.DESTROY

    @property
    def sender_domain(self) -> str:
        return self.sender_email.rpartition("@")[2]


def settings_for(stage: str, *, sender_email: str | None = None,
                 alarm_email: str | None = None, public_api_url: str | None = None,
                 vendor_base_url: str | None = None) -> StageSettings:
    """Settings of `stage`; unknown stages are refused rather than guessed, and `prod`
    refuses to fall back to a placeholder for any of REQUIRED_IN_PROD."""
    given = {"sender_email": sender_email, "public_api_url": public_api_url,
             "vendor_base_url": vendor_base_url}
    if stage == "prod":
        values = _required(given)
        return StageSettings(stage=stage, retain_data=True,
                             log_retention=aws_logs.RetentionDays.ONE_YEAR,
                             api_rate_limit=100, api_burst_limit=200, alarm_email=alarm_email,
                             sms_monthly_spend_limit_usd=1000, **_addresses(values))
    if stage == "dev":
        values = {key: value or DEV_PLACEHOLDERS[key] for key, value in given.items()}
        return StageSettings(stage=stage, retain_data=False,
                             log_retention=aws_logs.RetentionDays.TWO_WEEKS,
                             api_rate_limit=10, api_burst_limit=20, alarm_email=alarm_email,
                             sms_monthly_spend_limit_usd=10, **_addresses(values))
    raise ValueError(f"unknown stage {stage!r}: use one of {', '.join(STAGES)}")


def _addresses(values: dict[str, str]) -> dict[str, Any]:
    return {key: values[key] for key in ("sender_email", "public_api_url", "vendor_base_url")}


def _required(given: dict[str, str | None]) -> dict[str, str]:
    missing = [key for key in REQUIRED_IN_PROD if not given.get(key)]
    if missing:
        raise MissingContext(
            "prod needs " + ", ".join(f"-c {key}=..." for key in missing)
            + f": missing context value{'s' if len(missing) > 1 else ''} "
            + ", ".join(repr(key) for key in missing) + " (see infra/DEPLOY.md, Context)")
    values = {key: str(given[key]) for key in REQUIRED_IN_PROD}
    problems = [f"{key}={value!r} is a placeholder domain" for key, value in values.items()
                if _PLACEHOLDER_DOMAIN.search(value)]
    problems += [f"{key}={values[key]!r} must be an https:// URL"
                 for key in ("public_api_url", "vendor_base_url")
                 if not values[key].startswith("https://")]
    if "@" not in values["sender_email"].strip("@"):
        problems.append(f"sender_email={values['sender_email']!r} is not an email address")
    if problems:
        raise MissingContext("prod context: " + "; ".join(problems)
                             + " (see infra/DEPLOY.md, Context)")
    values["public_api_url"] = values["public_api_url"].rstrip("/")
    values["vendor_base_url"] = values["vendor_base_url"].rstrip("/")
    return values

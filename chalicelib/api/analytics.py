"""Analytics reports for HR dashboards: the funnel of a campaign, rates over a date range,
no-show reasons. Interviewer keys see only their campaigns."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import DAY, ID, READERS, Caller, Query, endpoint
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container
from chalicelib.reports.domain.funnel import (
    GROUP_BY_PATTERN,
    MAX_RANGE_DAYS,
    day_range,
    group_dimensions,
)
from chalicelib.shared.domain.errors import Unprocessable
from chalicelib.shared.domain.secrets import CAMPAIGN_SCOPED

if TYPE_CHECKING:
    from chalicelib.reports import schemas
else:
    schemas = schemas_of("chalicelib.reports.schemas")

bp = Blueprint(__name__)

REPORT_READERS = (*READERS, "finance")
RANGE = (Query("from", "first day, YYYY-MM-DD (UTC); default 30 days before `to`", schema=DAY),
         Query("to", f"last day, YYYY-MM-DD; default today; at most {MAX_RANGE_DAYS} days "
               "after `from` (else 422 range_too_large; `from` after `to`: 422 invalid_range)",
               schema=DAY))


def _range(caller: Caller) -> tuple[str, str]:
    return day_range(caller.param("from"), caller.param("to"), caller.now.date())


def _scope(caller: Caller) -> tuple[str, ...] | None:
    return caller.campaign_ids if caller.role in CAMPAIGN_SCOPED else None


@endpoint(bp, "GET", "/reports/campaigns/{campaign_id}/funnel", roles=REPORT_READERS,
          summary="A campaign's funnel: stage counts, rates, time to complete, by day/channel",
          response=schemas.CampaignFunnel, errors=(404,), authorizer=api_key)
def campaign_funnel(caller: Caller, campaign_id: str) -> dict[str, Any]:
    caller.check_campaign(campaign_id)
    container().catalog.campaign(caller.tenant_id, campaign_id)  # another tenant's: 404
    result: dict[str, Any] = container().analytics.funnel(caller.tenant_id, campaign_id)
    return result


@endpoint(bp, "GET", "/reports/rates", roles=REPORT_READERS,
          summary="Funnel rates over a date range, grouped by one or two of position, channel "
                  "and campaign (position,channel together), with names",
          response=schemas.RatesReport, errors=(400, 422), authorizer=api_key,
          codes=((400, "invalid_group_by"), (422, "duplicate_group_by, redundant_group_by "
                                                  "(campaign with position), invalid_range, "
                                                  "range_too_large")),
          query=(*RANGE, Query("group_by", "position (default), channel or campaign, or two "
                               "of them comma-separated (position,channel); the same one "
                               "twice: 422 duplicate_group_by; campaign with position: 422 "
                               "redundant_group_by (a campaign row carries its position)",
                               schema={"type": "string", "pattern": GROUP_BY_PATTERN})))
def rates(caller: Caller) -> dict[str, Any]:
    dims = group_dimensions(caller.param("group_by"))
    first, last = _range(caller)
    result: dict[str, Any] = container().rates_report.rates(caller.tenant_id, first, last,
                                                            dims, _scope(caller))
    return result


@endpoint(bp, "GET", "/reports/no-show-reasons", roles=REPORT_READERS,
          summary="No-show reasons, given by candidates and inferred, of a campaign or position",
          response=schemas.NoShowReasons, errors=(400, 404, 422), authorizer=api_key,
          query=(Query("campaign_id", "one campaign (or position_id; both or neither: 422 "
                       "invalid_filter)", schema=ID),
                 Query("position_id", "one position, over its campaigns (or campaign_id)",
                       schema=ID),
                 *RANGE))
def no_show_reasons(caller: Caller) -> dict[str, Any]:
    campaign_id, position_id = caller.param("campaign_id"), caller.param("position_id")
    if bool(campaign_id) == bool(position_id):
        raise Unprocessable("give exactly one of campaign_id and position_id",
                            code="invalid_filter")
    first, last = _range(caller)
    if campaign_id:
        caller.check_campaign(campaign_id)
        container().catalog.campaign(caller.tenant_id, campaign_id)
    result: dict[str, Any] = container().analytics.no_show_reasons(
        caller.tenant_id, campaign_id=campaign_id, position_id=position_id, first=first,
        last=last, campaigns=_scope(caller))
    return result

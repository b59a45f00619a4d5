"""Positions and campaigns: create them, read a campaign with its live counts."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from chalicelib.invitations.domain.reminders import PolicyProblem, default_for, parse_policy
from chalicelib.invitations.models import CampaignItem, PositionItem
from chalicelib.invitations.services.views import campaign_view, position_view
from chalicelib.invitations.stores.catalog_store import CatalogStore
from chalicelib.shared.domain.channels import NAMES
from chalicelib.shared.domain.contacts import ContactProblem, check_locale, normalise_email
from chalicelib.shared.domain.errors import (
    CampaignClosed,
    NotFound,
    Unprocessable,
    ValidationFailed,
)
from chalicelib.shared.domain.ids import new_id

CHANNELS = NAMES
AUDIENCE = re.compile(r"[a-z][a-z0-9_]{0,39}")
MAX_AUDIENCES = 10
MAX_WINDOW_HOURS = 24 * 60
MAX_INTERVIEWERS = 20


def check_interviewer_emails(values: list[str] | None) -> list[str] | None:
    """The campaign's interviewers' addresses, normalised (lower case) and each once, or
    ValidationFailed `invalid_interviewer_emails`; None or [] : nobody."""
    if not values:
        return None
    if len(values) > MAX_INTERVIEWERS:
        raise ValidationFailed(f"interviewer_emails: at most {MAX_INTERVIEWERS} addresses",
                               code="invalid_interviewer_emails")
    out: list[str] = []
    for index, value in enumerate(values):
        checked = normalise_email(value) if isinstance(value, str) else None
        if not isinstance(checked, str):
            why = checked.message if isinstance(checked, ContactProblem) else "not a string"
            raise ValidationFailed(f"interviewer_emails[{index}]: {why}",
                                   code="invalid_interviewer_emails")
        if checked not in out:
            out.append(checked)
    return out


class CatalogService:
    def __init__(self, store: CatalogStore, grace_hours: int,
                 tenant_quiet_hours: Callable[[str], dict[str, str] | None] | None = None,
                 template_pins: Callable[[str], dict[str, int]] | None = None) -> None:
        self._store = store
        self._template_pins = template_pins  # the tenant's template versions, kept per campaign
        self._grace_hours = grace_hours
        self._tenant_quiet_hours = tenant_quiet_hours or (lambda _tenant: None)

    def create_position(self, tenant_id: str, title: str, department: str | None,
                        now: datetime) -> dict[str, Any]:
        position_id = new_id("pos")
        pk, sk = PositionItem.key(tenant_id, position_id)
        item = PositionItem(pk, sk, tenant_id=tenant_id, position_id=position_id,
                            title=title, department=department, created_at=now)
        self._store.add_position(item)
        return position_view(item)

    def create_campaign(self, tenant_id: str, *, position_id: str, name: str,
                        channels: list[str], window_hours: int | None,
                        deadline_at: datetime | None, locale: str | None,
                        now: datetime, reminder_policy: dict[str, Any] | None = None,
                        audience_windows: dict[str, Any] | None = None,
                        owner_email: str | None = None,
                        interviewer_emails: list[str] | None = None) -> dict[str, Any]:
        if (window_hours is None) == (deadline_at is None):
            raise Unprocessable("give exactly one of window_hours or deadline_at",
                                code="invalid_deadline")
        if deadline_at is not None and deadline_at <= now:  # 422: the schema cannot say "future"
            raise Unprocessable("deadline_at must be in the future", code="invalid_deadline")
        if window_hours is not None and not 1 <= window_hours <= MAX_WINDOW_HOURS:
            raise ValidationFailed(f"window_hours must be between 1 and {MAX_WINDOW_HOURS}",
                                   code="invalid_window")
        unknown = sorted(set(channels) - set(CHANNELS))
        if not channels or unknown or len(set(channels)) != len(channels):
            raise ValidationFailed("channels must be a non-empty list of distinct values among "
                                   f"{', '.join(CHANNELS)}", code="invalid_channels")
        if locale is not None and check_locale(locale) != locale:
            raise ValidationFailed("locale must be en or zh-CN", code="invalid_locale")
        try:
            policy = (parse_policy(reminder_policy, tuple(channels))
                      if reminder_policy is not None
                      else replace(default_for(tuple(channels)),
                                   grace=timedelta(hours=self._grace_hours)))
            if reminder_policy is None or "quiet_hours" not in reminder_policy:
                tenant_quiet = self._tenant_quiet_hours(tenant_id)  # the tenant's default
                if tenant_quiet is not None:
                    quiet = None if "off" in tenant_quiet else tenant_quiet
                    policy = replace(policy, quiet=parse_policy(
                        {"quiet_hours": quiet}, tuple(channels)).quiet)
        except PolicyProblem as problem:
            raise (Unprocessable if problem.across else ValidationFailed)(
                str(problem), code=problem.code) from problem
        windows = check_audience_windows(audience_windows)
        owner = normalise_email(owner_email) if owner_email else None
        if isinstance(owner, ContactProblem):
            raise ValidationFailed(f"owner_email: {owner.message}", code="invalid_owner_email")
        interviewers = check_interviewer_emails(interviewer_emails)
        if self._store.get_position(tenant_id, position_id) is None:
            raise NotFound(f"position {position_id} not found", code="position_not_found")
        campaign_id = new_id("cmp")
        pk, sk = CampaignItem.key(tenant_id, campaign_id)
        item = CampaignItem(pk, sk, tenant_id=tenant_id, campaign_id=campaign_id,
                            position_id=position_id, name=name, channels=channels,
                            locale=locale, deadline_at=deadline_at, window_hours=window_hours,
                            grace_hours=policy.grace / timedelta(hours=1),
                            reminder_policy=policy.to_json(), audience_windows=windows,
                            owner_email=owner, interviewer_emails=interviewers,
                            template_versions=(self._template_pins(tenant_id)
                                               if self._template_pins else None),
                            created_at=now,
                            gsi1pk=f"T#{tenant_id}#CAMPAIGNS", gsi1sk=campaign_id)
        self._store.add_campaign(item)
        return campaign_view(item)

    def get_campaign(self, tenant_id: str, campaign_id: str) -> dict[str, Any]:
        return campaign_view(self.campaign(tenant_id, campaign_id))

    def campaign(self, tenant_id: str, campaign_id: str) -> CampaignItem:
        item = self._store.get_campaign(tenant_id, campaign_id)
        if item is None:
            raise NotFound(f"campaign {campaign_id} not found", code="campaign_not_found")
        return item


def closed_at(campaign: CampaignItem, now: datetime) -> datetime | None:
    """When the campaign closed, if it has: closed early by HR (`PATCH /campaigns/{id}`), or
    a fixed `deadline_at` that is not in the future (also for audiences with their own
    window: the campaign ends at its deadline)."""
    if campaign.closed_at is not None and campaign.closed_at <= now:
        return campaign.closed_at
    if campaign.deadline_at is not None and campaign.deadline_at <= now:
        return campaign.deadline_at
    return None


def check_open(campaign: CampaignItem, now: datetime) -> None:
    """Raise CampaignClosed (409 `campaign_closed`) for a campaign that takes no
    invitations any more (bulk invitations, re-engagement, its scheduled rules)."""
    closed = closed_at(campaign, now)
    if closed is not None:
        raise CampaignClosed(f"campaign {campaign.campaign_id} closed at "
                             f"{closed.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}; "
                             "it takes no new invitations", code="campaign_closed")


def deadline_for(campaign: CampaignItem, invited_at: datetime,
                 audience: str | None = None) -> datetime:
    """The audience's own window when the campaign has one (the seed: longer for employed
    people than for new graduates), else the campaign's deadline or window."""
    windows = campaign.audience_windows or {}
    if audience is not None and audience in windows:
        return invited_at + timedelta(hours=float(windows[audience]))
    if campaign.deadline_at is not None:
        return campaign.deadline_at
    return invited_at + timedelta(hours=int(campaign.window_hours or 0))


def check_audience_windows(windows: dict[str, Any] | None) -> dict[str, float] | None:
    if windows is None:
        return None
    if not isinstance(windows, dict) or len(windows) > MAX_AUDIENCES:
        raise ValidationFailed(f"audience_windows must map at most {MAX_AUDIENCES} audiences "
                               "to hours", code="invalid_audience_windows")
    for name, hours in windows.items():
        if not AUDIENCE.fullmatch(name):
            raise ValidationFailed(f"audience {name!r} must be lower_snake_case, <= 40 chars",
                                   code="invalid_audience_windows")
        if isinstance(hours, bool) or not isinstance(hours, int | float) \
                or not 1 <= hours <= MAX_WINDOW_HOURS:
            raise ValidationFailed(f"the window of {name!r} must be 1 to {MAX_WINDOW_HOURS} "
                                   "hours", code="invalid_audience_windows")
    return {name: float(hours) for name, hours in windows.items()}

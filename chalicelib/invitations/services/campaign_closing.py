"""A campaign HR closes early ends its open invitations.

`PATCH /campaigns/{id}` with `closed: true` sets `closed_at` and, in the same write, files the
campaign in the due index. The sweep hands it to `CampaignClosing` (registered in
bootstrap.py), which cancels the invitations still open (invited, sent, opened, started) a
page at a time, each with the usual conditional transition. Without this, a candidate of a
closed campaign kept getting reminders and turned no_show (and was tagged in the talent pool)
at a deadline HR had already given up on.

Why `cancelled` and not `closed`: `closed` means a no-show whose grace window ended (it
counts as a final no-show and tags the candidate as having missed); these candidates missed
nothing, HR ended the campaign. The vendor is told (`VendorNotices`), late results are still
kept (flagged `after_cancel`), and invitations already no_show keep their grace window.

A large campaign is ended over several sweeps: at most `per_step` invitations a step, then the
campaign is filed again a minute later, until none is open.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from chalicelib.invitations.domain.invitation import OPEN, Event
from chalicelib.invitations.models import CampaignItem, InvitationItem
from chalicelib.invitations.services.transitions import apply_event
from chalicelib.invitations.stores.catalog_store import CatalogStore
from chalicelib.invitations.stores.invitation_store import InvitationStore, TxResult
from chalicelib.shared.domain.due import due_keys
from chalicelib.shared.fanout import DueOutcome
from chalicelib.shared.models import Item

#: Open statuses, least advanced first (the order the pages are read in).
_OPEN_ORDER = ("invited", "sent", "opened", "started")
assert {s.value for s in OPEN} == set(_OPEN_ORDER)
NEXT_STEP = timedelta(minutes=1)


class ClosedCampaigns:
    """"Did HR close this campaign early?" for the sweep, read once per campaign a minute
    (a closed campaign never reopens, so a yes is kept for good)."""

    def __init__(self, catalog: CatalogStore, ttl: timedelta = timedelta(minutes=1)) -> None:
        self._catalog = catalog
        self._ttl = ttl
        self._closed: set[tuple[str, str]] = set()
        self._open_until: dict[tuple[str, str], datetime] = {}

    def __call__(self, tenant_id: str, campaign_id: str, now: datetime) -> bool:
        key = (tenant_id, campaign_id)
        if key in self._closed:
            return True
        if (until := self._open_until.get(key)) is not None and now < until:
            return False
        campaign = self._catalog.get_campaign(tenant_id, campaign_id)
        if campaign is not None and campaign.closed_at is not None and campaign.closed_at <= now:
            self._closed.add(key)
            return True
        if len(self._open_until) > 10_000:  # a long-lived Lambda: bounded
            self._open_until.clear()
        self._open_until[key] = now + self._ttl
        return False


def closing_item_id(campaign_id: str) -> str:
    """The campaign's id in the due index while its open invitations are being ended."""
    return f"closing/{campaign_id}"


class CampaignClosing:
    """Due: a campaign closed early whose open invitations are still to be ended."""

    entities: tuple[type[Item], ...] = (CampaignItem,)

    def __init__(self, invitations: InvitationStore, catalog: CatalogStore, shards: int,
                 per_step: int = 500) -> None:
        self._invitations = invitations
        self._catalog = catalog
        self._shards = shards
        self._per_step = per_step

    def due(self, campaign: CampaignItem, now: datetime) -> DueOutcome:
        ended = conflicts = seen = 0
        for status in _OPEN_ORDER:
            cursor: str | None = None
            while seen < self._per_step:
                page = self._invitations.list_by_status(
                    campaign.tenant_id, campaign.campaign_id, status,
                    min(100, self._per_step - seen), cursor)
                for inv in page.items:
                    seen += 1
                    result = self._end(inv, now)
                    ended += result is True
                    conflicts += result is None
                cursor = page.next_cursor
                if not cursor:
                    break
        outcome = DueOutcome(counts={"closed_early": ended},
                             statuses={"cancelled": ended} if ended else {})
        if conflicts:  # re-filed with backoff by the sweep; the next step finishes them
            outcome.finished, outcome.reason = False, "conflict"
            outcome.counts["conflicts"] = conflicts
            return outcome
        more = seen >= self._per_step
        next_due = (due_keys(campaign.tenant_id, closing_item_id(campaign.campaign_id),
                             now + NEXT_STEP, self._shards) if more else None)
        self._catalog.settle_closing(campaign, next_due)
        return outcome

    def _end(self, inv: InvitationItem, now: datetime) -> bool | None:
        """True: cancelled now; False: nothing to do (it moved on meanwhile); None: it kept
        conflicting."""
        applied = apply_event(self._invitations, inv, Event.CANCELLED, now,
                              reload=lambda: self._invitations.get(inv.tenant_id,
                                                                   inv.invitation_id))
        if applied.result is TxResult.CONFLICT:
            return None
        return bool(applied.outcome is not None and applied.outcome.changed)

"""Retention: the clock on candidate profiles, and the daily job that anonymises.

Activity restarts the clock: an invitation created
(invitations/services/invitations.py sets it on the profile it writes), an invitation the
candidate acts on (the stream, `on_activities` below; kept to the day),
an import that merges into the profile. A profile with consent has no clock. The daily job
reads only the profiles that fell due (the sparse `RETAIN#<day>#<shard>` partitions of the
due index, see invitations/domain/retention.py),
re-checks each against the tenant's current period and
erases the due ones with the same erasure as the API (actor `retention`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from chalicelib.invitations.domain.invitation import Status
from chalicelib.invitations.domain.retention import (
    RETENTION_SHARDS,
    day_of,
    days_between,
    is_due,
    retention_days,
    retention_keys,
)
from chalicelib.invitations.models import CandidateItem, InvitationItem
from chalicelib.invitations.stores.tenant_store import TenantStore
from chalicelib.pool.stores.retention_store import RetentionStore
from chalicelib.shared.domain.due import instant
from chalicelib.shared.models import Item

#: what the candidate did: these restart the clock (sending them messages does not)
ACTIVE = frozenset({Status.OPENED, Status.STARTED, Status.COMPLETED, Status.COMPLETED_LATE})
FIRST_LOOKBACK = timedelta(days=7)
#: the clock is kept to the day: an action within this long after the recorded one does not
#: move it (one write per candidate and day, not per action). A profile may so be anonymised
#: up to a day before `retention_days` after its very latest action - never later.
TOUCH_GRANULARITY = timedelta(days=1)
MAX_PER_RUN = 2000


@dataclass
class RetentionReport:
    now: str
    days: int = 0
    due: int = 0
    anonymised: int = 0
    refiled: int = 0
    skipped: int = 0
    watermark: str = ""


class RetentionService:
    def __init__(self, store: RetentionStore, tenants: TenantStore,
                 erase: Callable[[str, str, str, datetime], dict[str, Any]]) -> None:
        self._store = store
        self._tenants = tenants
        self._erase = erase
        self._periods: dict[str, int] = {}

    def period(self, tenant_id: str) -> int:
        if tenant_id not in self._periods:
            tenant = self._tenants.get(tenant_id)
            self._periods[tenant_id] = retention_days(tenant.retention_days if tenant else None)
        return self._periods[tenant_id]

    # -- the stream ----------------------------------------------------------------------
    @staticmethod
    def activity(new: Item | None, old: Item | None) -> tuple[str, str, datetime] | None:
        """(tenant, candidate, instant) when this change is a candidate's action, else None."""
        if not isinstance(new, InvitationItem) or Status(new.status) not in ACTIVE:
            return None
        if isinstance(old, InvitationItem) and old.status == new.status:
            return None
        return new.tenant_id, new.candidate_id, new.status_changed_at

    def on_activities(self, activities: Sequence[tuple[str, str, datetime]]) -> list[int]:
        """A stream batch's candidate actions: the latest instant per candidate, the profiles
        in one BatchGetItem per 100, and a write only where the clock moves (a replay, or an
        action within TOUCH_GRANULARITY of the recorded one, costs no write). Returns the
        indexes that failed."""
        latest: dict[tuple[str, str], tuple[datetime, list[int]]] = {}
        for index, (tenant_id, candidate_id, at) in enumerate(activities):
            key = (tenant_id, candidate_id)
            seen, indexes = latest.get(key, (at, []))
            latest[key] = (max(seen, at), [*indexes, index])
        if not latest:
            return []
        profiles = self._store.profiles(list(latest))
        failed: list[int] = []
        for key, (at, indexes) in latest.items():
            profile = profiles.get(key)
            if profile is None or profile.erased_at is not None:
                continue
            if profile.last_activity_at is not None \
                    and at - profile.last_activity_at < TOUCH_GRANULARITY:
                continue
            due = None if profile.consent_at else retention_keys(
                key[0], key[1], at, self.period(key[0]))
            try:
                self._store.touch(profile, at, due)
            except Exception:  # its records are retried (Lambda), the others are kept
                failed += indexes
        return failed

    # -- the daily job -------------------------------------------------------------------
    def run(self, now: datetime) -> RetentionReport:
        self._periods.clear()
        report = RetentionReport(now=instant(now))
        start = self._store.watermark() or day_of(now - FIRST_LOOKBACK)
        until = instant(now)
        unfinished: str | None = None
        for day in days_between(start, now):
            report.days += 1
            for shard in range(RETENTION_SHARDS):
                for profile in self._store.due(day, shard, until):
                    if report.due >= MAX_PER_RUN:
                        unfinished = unfinished or day
                        break
                    report.due += 1
                    self._one(profile, now, report)
        report.watermark = unfinished or day_of(now)
        self._store.set_watermark(report.watermark)
        return report

    def _one(self, profile: CandidateItem, now: datetime, report: RetentionReport) -> None:
        if profile.consent_at is not None or profile.erased_at is not None:
            report.skipped += 1
            return
        days = self.period(profile.tenant_id)
        if not is_due(profile.last_activity_at, profile.created_at, days, now):
            start = profile.last_activity_at or profile.created_at
            self._store.refile(profile, retention_keys(profile.tenant_id, profile.candidate_id,
                                                       start, days))
            report.refiled += 1
            return
        self._erase(profile.tenant_id, profile.candidate_id, "retention", now)
        report.anonymised += 1

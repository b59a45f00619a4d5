"""Analytics from the table's stream: funnel aggregates, the S3 change feed and the campaign
summary objects; and the report reads behind `GET /reports/...`.

The stream function collects one `AnalyticsBatch` per Lambda batch (`add` per record) and
`flush`es it once: the aggregate deltas in a few transactions (markers make a replay change
nothing), one change-feed object per tenant and day (its key is made of the batch's
sequence numbers, so a replay rewrites the same bytes under the same key), then each touched
campaign's summary, at most once a minute (a throttled refresh leaves the campaign in the
due index and the sweep refreshes it the next minute, so the burst's last change is not lost).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any, Protocol

from chalicelib.invitations.models import InvitationItem, OutboxItem
from chalicelib.observability import logger
from chalicelib.reports.domain import funnel
from chalicelib.reports.models import AggregateItem, SummaryStateItem
from chalicelib.reports.stores.aggregates_store import AggDelta, AggregatesStore, totals_of
from chalicelib.shared.domain.due import due_keys, instant
from chalicelib.shared.models import from_image

#: "reminded" counts an invitation once, however many reminders it gets, over its lifetime
REMINDED_TTL = timedelta(days=400)
FEED = "invitation-status"


class Objects(Protocol):
    def put(self, key: str, body: bytes, content_type: str) -> None: ...


def feed_key(tenant_id: str, day: str, first_seq: str, last_seq: str) -> str:
    return f"tenant={tenant_id}/feed={FEED}/date={day}/{first_seq}-{last_seq}.jsonl"


def summary_key(tenant_id: str, campaign_id: str) -> str:
    return f"tenant={tenant_id}/report=campaign-summary/campaign={campaign_id}/summary.json"


def _minute(at: datetime) -> str:
    return instant(at)[:16]


def _channel(channels: Iterable[Any]) -> str:
    """The channel mix an invitation reaches its candidate by: email, sms or email+sms."""
    return "+".join(sorted(set(map(str, channels)))) or "none"


@dataclass(frozen=True)
class _Before:
    """What the old image of an invitation must say: its status and given reason."""

    status: str
    reason: str | None
    signal: str | None = None  # the vendor's word (expired, abandoned)

    @classmethod
    def of(cls, image: dict[str, Any] | None) -> _Before | None:
        if not image or "status" not in image:
            return None
        return cls(image["status"]["S"], image.get("reason", {}).get("S"),
                   image.get("vendor_signal", {}).get("S"))


@dataclass
class AnalyticsBatch:
    """What one stream batch adds up to; written by `flush`."""

    service: AnalyticsService
    deltas: list[tuple[str, AggDelta]] = field(default_factory=list)
    feed: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = field(default_factory=dict)
    campaigns: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def add(self, seq: str, event_name: str, new_image: dict[str, Any] | None,
            old_image: dict[str, Any] | None) -> None:
        self.service.collect(self, seq, event_name, new_image, old_image)

    def flush(self, now: datetime) -> list[str]:
        """Write it all; returns the sequence numbers of the records to retry."""
        return self.service.flush(self, now)


class AnalyticsService:
    def __init__(self, store: AggregatesStore, objects: Objects, due_shards: int,
                 zone_of_tenant: Callable[[str], tzinfo] | None = None) -> None:
        """`zone_of_tenant`: the tenant's time zone, whose calendar days the aggregates are
        kept by (default UTC). The change feed stays partitioned by UTC date."""
        self._zone = zone_of_tenant or (lambda _tenant: UTC)
        self._store = store
        self._objects = objects
        self._shards = due_shards

    def batch(self) -> AnalyticsBatch:
        return AnalyticsBatch(self)

    # -- the stream ---------------------------------------------------------------------
    def collect(self, batch: AnalyticsBatch, seq: str, event_name: str,
                new_image: dict[str, Any] | None, old_image: dict[str, Any] | None) -> None:
        entity = (new_image or {}).get("entity", {}).get("S")
        if entity not in ("invitation", "outbox") or new_image is None:
            return  # parsing images costs ~1 ms each: only the two entities that count
        new = from_image(new_image)
        if isinstance(new, InvitationItem):
            self._invitation(batch, seq, new, _Before.of(old_image))
        elif isinstance(new, OutboxItem) and old_image is not None:
            old = from_image(old_image)
            if isinstance(old, OutboxItem):
                self._outbox(batch, seq, new, old)

    def _invitation(self, batch: AnalyticsBatch, seq: str, new: InvitationItem,
                    old: _Before | None) -> None:
        before = old.status if old else None
        after = new.status
        adds: Counter[str] = Counter()
        counts: tuple[tuple[str, int], ...] = ()
        if before != after:
            counts = ((after, 1),) + (((before, -1),) if before else ())
            adds.update(f"n_{name}" for name in funnel.reached(before, after))
            reason = (funnel.inferred_reason(before, new.delivery_problem, new.vendor_signal)
                      if before else None)
            if after == "no_show" and reason:
                adds[f"ri_{reason}"] += 1
            if after in ("completed", "completed_late"):
                minutes = (new.status_changed_at - new.created_at).total_seconds() / 60
                adds[f"h_{funnel.minute_bucket(minutes)}"] += 1
                if int(new.rounds_done or 0) and self._store.reminder_sent_by(
                        new.pk, new.status_changed_at):
                    adds["n_recovered"] += 1
                    adds[funnel.round_counter(int(new.rounds_done or 0))] += 1
            day = new.status_changed_at.strftime("%Y-%m-%d")
            batch.feed.setdefault((new.tenant_id, day), []).append((seq, {
                "seq": seq, "invitation_id": new.invitation_id, "campaign_id": new.campaign_id,
                "position_id": new.position_id, "channel": _channel(new.channels),
                "version": int(new.version or 0), "from": before, "to": after,
                "at": instant(new.status_changed_at), "rounds_done": int(new.rounds_done or 0),
            }))
        elif old and after == "no_show" and new.no_show_from and old.signal != new.vendor_signal:
            # the vendor's word came after the no-show: the inferred reason moves to it
            was, now = (funnel.inferred_reason(new.no_show_from, new.delivery_problem, signal)
                        for signal in (old.signal, new.vendor_signal))
            if was != now and was and now:
                adds[f"ri_{now}"] += 1
                adds[f"ri_{was}"] -= 1
        given_before = funnel.given_reason(old.reason) if old else None
        given_after = funnel.given_reason(new.reason)
        if given_before != given_after:
            if given_after:
                adds[f"rg_{given_after}"] += 1
            if given_before:
                adds[f"rg_{given_before}"] -= 1
        if not +adds and not -adds and not counts:
            return
        self._add(batch, seq, new, new.status_changed_at, new.pk,
                  f"AGG#v{int(new.version or 0)}", adds, counts=counts)

    def _outbox(self, batch: AnalyticsBatch, seq: str, new: OutboxItem,
                old: OutboxItem) -> None:
        delivered = (new.kind.endswith("invite") and old.delivered_at is None
                     and new.delivered_at is not None)
        reminded = "round" in new.kind and old.status != "sent" and new.status == "sent"
        if not (delivered or reminded):
            return
        inv = self._store.invitation(new.pk)
        if inv is None:
            return
        if delivered and new.delivered_at is not None:
            self._add(batch, seq, inv, new.delivered_at, new.pk, f"AGG#{new.sk}#delivered",
                      Counter(n_delivered=1))
        if reminded and new.sent_at is not None:
            self._add(batch, seq, inv, new.sent_at, new.pk, "AGG#reminded",
                      Counter(n_reminded=1), keep=REMINDED_TTL)

    def _add(self, batch: AnalyticsBatch, seq: str, inv: InvitationItem, at: datetime,
             scope: str, marker: str, adds: Counter[str],
             keep: timedelta | None = None, counts: tuple[tuple[str, int], ...] = ()) -> None:
        delta = AggDelta(inv.tenant_id, inv.campaign_id, inv.position_id,
                         _channel(inv.channels),
                         at.astimezone(self._zone(inv.tenant_id)).strftime("%Y-%m-%d"), scope,
                         marker,
                         tuple(sorted((k, n) for k, n in adds.items() if n)),
                         **({"keep": keep} if keep else {}), counts=counts)
        batch.deltas.append((seq, delta))
        batch.campaigns.setdefault((inv.tenant_id, inv.campaign_id), []).append(seq)

    def flush(self, batch: AnalyticsBatch, now: datetime) -> list[str]:
        failed: set[str] = set()
        if batch.deltas:
            indexes = self._store.apply_many([d for _, d in batch.deltas], now)
            failed.update(batch.deltas[i][0] for i in indexes)
        for (tenant_id, day), all_lines in batch.feed.items():
            unique = {(line["invitation_id"], line["version"]): (seq, line)
                      for seq, line in reversed(all_lines)}  # a record twice: its first
            lines = sorted(unique.values(), key=all_lines.index)
            body = "".join(json.dumps(line, sort_keys=True, separators=(",", ":")) + "\n"
                           for _, line in lines).encode()
            try:
                self._objects.put(feed_key(tenant_id, day, lines[0][0], lines[-1][0]), body,
                                  "application/x-ndjson")
            except Exception:  # the records are retried; the object is rewritten whole
                logger.exception("change feed write failed", extra={"tenant_id": tenant_id})
                failed.update(seq for seq, _ in lines)
        for (tenant_id, campaign_id), seqs in batch.campaigns.items():
            if any(seq in failed for seq in seqs):
                continue  # its records come again; the summary is refreshed then
            try:
                self.refresh_summary(tenant_id, campaign_id, now)
            except Exception:  # neither written nor left due: retry the records
                logger.exception("summary refresh failed", extra={"campaign_id": campaign_id})
                failed.update(seqs)
        return sorted(failed)

    # -- the campaign summary object ----------------------------------------------------
    def refresh_summary(self, tenant_id: str, campaign_id: str, now: datetime) -> bool:
        """Write the campaign's summary object unless it was written this minute; then leave
        the campaign due at the next minute (the sweep writes it). True if written now."""
        if self._store.claim_minute(tenant_id, campaign_id, _minute(now)):
            try:
                self._write_summary(tenant_id, campaign_id, now)
                return True
            except Exception:  # not lost: the sweep writes it the next minute
                logger.exception("summary write failed", extra={"campaign_id": campaign_id})
        self._store.defer(tenant_id, campaign_id, self._next_minute(campaign_id, tenant_id,
                                                                    now))
        return False

    def sweep_summary(self, item: SummaryStateItem, now: datetime) -> bool:
        """The sweep found a campaign whose refresh was throttled: write it now, or - if this
        minute's refresh is taken - move it to the next minute. False: try again later."""
        try:
            if self._store.claim_minute(item.tenant_id, item.campaign_id, _minute(now)):
                self._write_summary(item.tenant_id, item.campaign_id, now)
                self._store.settle(item, None)
            else:
                self._store.settle(item, self._next_minute(item.campaign_id, item.tenant_id,
                                                           now))
        except Exception:
            logger.exception("summary sweep failed", extra={"campaign_id": item.campaign_id})
            return False
        return True

    def _next_minute(self, campaign_id: str, tenant_id: str, now: datetime) -> tuple[str, str]:
        at = now.replace(second=0, microsecond=0) + timedelta(minutes=1)
        return due_keys(tenant_id, f"summary/{campaign_id}", at, self._shards)

    def _write_summary(self, tenant_id: str, campaign_id: str, now: datetime) -> None:
        summary = {"tenant_id": tenant_id, "refreshed_at": instant(now),
                   **self.funnel(tenant_id, campaign_id)}
        self._objects.put(summary_key(tenant_id, campaign_id),
                          json.dumps(summary, sort_keys=True).encode(), "application/json")

    # -- reports ------------------------------------------------------------------------
    def funnel(self, tenant_id: str, campaign_id: str) -> dict[str, Any]:
        rows = list(self._store.campaign_rows(tenant_id, campaign_id))
        totals = funnel.total(map(totals_of, rows))
        days: dict[str, funnel.Totals] = {}
        channels: dict[str, funnel.Totals] = {}
        for row in rows:
            days[row.day] = funnel.add(days.get(row.day, funnel.empty()), totals_of(row))
            channels[row.channel] = funnel.add(channels.get(row.channel, funnel.empty()),
                                               totals_of(row))
        return {"campaign_id": campaign_id, "counts": totals.counts,
                "rates": funnel.rates(totals),
                "minutes_to_complete": {"bucket_upper_bounds": list(funnel.MINUTE_BUCKETS),
                                        "counts": totals.histogram},
                "by_day": [{"day": d, "counts": t.counts} for d, t in sorted(days.items())],
                "by_channel": [{"key": c, "counts": t.counts, "rates": funnel.rates(t)}
                               for c, t in sorted(channels.items())],
                "recovered_by_round": [{"round": i + 1, "recovered": n}
                                       for i, n in enumerate(totals.by_round)]}

    def no_show_reasons(self, tenant_id: str, *, campaign_id: str | None,
                        position_id: str | None, first: str, last: str,
                        campaigns: tuple[str, ...] | None) -> dict[str, Any]:
        if campaign_id:
            rows: Iterable[AggregateItem] = self._store.campaign_rows(tenant_id, campaign_id,
                                                                       first, last)
            by = "position_id"
        else:
            rows = (r for r in self._rows(tenant_id, first, last, campaigns)
                    if r.position_id == position_id)
            by = "campaign_id"
        parts: dict[str, funnel.Totals] = {}
        for row in rows:
            key = str(getattr(row, by))
            parts[key] = funnel.add(parts.get(key, funnel.empty()), totals_of(row))
        whole = funnel.total(parts.values())

        def view(t: funnel.Totals) -> dict[str, Any]:
            return {"no_show": t.counts["no_show"], "given": t.given, "inferred": t.inferred}

        return {"from": first, "to": last, "campaign_id": campaign_id,
                "position_id": position_id, **view(whole),
                "by_" + by.removesuffix("_id"): [{"key": k, **view(t)}
                                                 for k, t in sorted(parts.items())]}

    def _rows(self, tenant_id: str, first: str, last: str,
              campaigns: tuple[str, ...] | None) -> Iterable[AggregateItem]:
        for row in self._store.tenant_rows(tenant_id, first, last):
            if campaigns is None or row.campaign_id in campaigns:
                yield row


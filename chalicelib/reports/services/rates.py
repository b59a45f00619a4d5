"""Rates over a date range by one dimension or two together (position x channel), with the
positions' and campaigns' names next to their ids (`GET /reports/rates`), and the rows of the
periodic completion-rate report (`Report.COMPLETION_RATES`, a scheduled export).

The aggregate rows (tenant x campaign x position x channel mix x day) already hold every
dimension, so a pair is one pass over the tenant's rows in the range; the names are one
BatchGetItem per 100 positions or campaigns that occur.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from chalicelib.reports.domain import funnel
from chalicelib.reports.models import AggregateItem
from chalicelib.reports.stores.aggregates_store import AggregatesStore, totals_of
from chalicelib.reports.stores.catalog_names import CatalogNames

ATTRIBUTE = {"position": "position_id", "channel": "channel", "campaign": "campaign_id"}


@dataclass(frozen=True)
class Group:
    """One group of rows: its dimensions' values (None where not grouped by) and totals."""

    key: str  # the grouped values in the order asked, joined by |
    position_id: str | None
    campaign_id: str | None
    channel: str | None
    totals: funnel.Totals


class RatesService:
    def __init__(self, store: AggregatesStore, names: CatalogNames) -> None:
        self._store = store
        self._names = names

    def rates(self, tenant_id: str, first: str, last: str, dims: tuple[str, ...],
              campaigns: tuple[str, ...] | None) -> dict[str, Any]:
        groups, overall = self.groups(tenant_id, first, last, dims, campaigns)
        views = self.named(tenant_id, groups)
        return {"from": first, "to": last, "group_by": ",".join(dims),
                "dimensions": list(dims),
                "overall": {"counts": overall.counts, "rates": funnel.rates(overall)},
                "groups": [{**view, "counts": g.totals.counts, "rates": funnel.rates(g.totals)}
                           for view, g in zip(views, groups, strict=True)]}

    def groups(self, tenant_id: str, first: str, last: str, dims: tuple[str, ...],
               campaigns: tuple[str, ...] | None) -> tuple[list[Group], funnel.Totals]:
        """The groups in key order, and the whole range's totals."""
        sums: dict[tuple[str, ...], funnel.Totals] = {}
        positions: dict[str, str] = {}  # campaign -> its position (grouped by campaign)
        overall = funnel.empty()
        for row in self._rows(tenant_id, first, last, campaigns):
            key = tuple(str(getattr(row, ATTRIBUTE[d])) for d in dims)
            sums[key] = funnel.add(sums.get(key, funnel.empty()), totals_of(row))
            overall = funnel.add(overall, totals_of(row))
            positions[row.campaign_id] = row.position_id
        groups = []
        for key, totals in sorted(sums.items()):
            value = dict(zip(dims, key, strict=True))
            campaign = value.get("campaign")
            position = value.get("position") or (positions.get(campaign) if campaign else None)
            groups.append(Group("|".join(key), position, campaign, value.get("channel"),
                                totals))
        return groups, overall

    def named(self, tenant_id: str, groups: list[Group]) -> list[dict[str, Any]]:
        """Each group's ids with the names of its position and campaign (null when the
        position or campaign no longer exists or is not grouped by)."""
        titles = self._names.positions(tenant_id, {g.position_id for g in groups
                                                   if g.position_id})
        campaigns = self._names.campaigns(tenant_id, {g.campaign_id for g in groups
                                                      if g.campaign_id})
        return [{"key": g.key,
                 "position_id": g.position_id,
                 "position_name": titles.get(g.position_id) if g.position_id else None,
                 "campaign_id": g.campaign_id,
                 "campaign_name": (campaigns[g.campaign_id][0]
                                   if g.campaign_id in campaigns else None),
                 "channel": g.channel} for g in groups]

    def owners(self, tenant_id: str, first: str, last: str) -> list[str]:
        """The owner emails of the campaigns with rows in the range (the periodic report's
        recipients), each once, sorted."""
        ids = {row.campaign_id for row in self._rows(tenant_id, first, last, None)}
        found = self._names.campaigns(tenant_id, ids)
        return sorted({owner for _, owner, _ in found.values() if owner})

    def report_rows(self, tenant_id: str, first: str, last: str) -> Iterator[dict[str, Any]]:
        """The periodic report: one row per position x channel (domain/exports.COLUMNS)."""
        groups, _ = self.groups(tenant_id, first, last, ("position", "channel"), None)
        for view, group in zip(self.named(tenant_id, groups), groups, strict=True):
            t = group.totals
            rates = funnel.rates(t)
            yield {"from": first, "to": last, "position_id": view["position_id"],
                   "position_name": view["position_name"], "channel": view["channel"],
                   **{name: t.counts[name] for name in funnel.COUNTERS},
                   **{f"{name}_rate": rates[name] for name in
                      ("completion", "response", "no_show", "final_no_show",
                       "reminder_recovery")},
                   **{f"given_{r}": t.given[r] for r in funnel.GIVEN_REASONS},
                   **{f"inferred_{r}": t.inferred[r] for r in funnel.INFERRED_REASONS},
                   **{f"recovered_round_{i + 1}": n for i, n in enumerate(t.by_round)}}

    def _rows(self, tenant_id: str, first: str, last: str,
              campaigns: tuple[str, ...] | None) -> Iterable[AggregateItem]:
        for row in self._store.tenant_rows(tenant_id, first, last):
            if campaigns is None or row.campaign_id in campaigns:
                yield row

"""Read-only access patterns of the HR console, each one Query or GetItem (never a Scan).

    positions of a tenant, newest first   Query pk = T#<t>, sk begins_with POSITION#, reversed
    campaigns of a tenant, newest first   Query gsi1 T#<t>#CAMPAIGNS (sk = ULID id), reversed
    invitations of a campaign, any status one Query per status on gsi1 T#<t>#C#<c>#S#<status>
    an invitation's timeline              Query T#<t>#CAND#<k> begins_with EVT# (its events)
                                          + Query T#<t>#INV#<i> begins_with OUTBOX# (messages)
    a candidate's events, newest first    Query T#<t>#CAND#<k> sk between EVT# and EVT#<before>,
                                          reversed (the timeline across campaigns)

Ids are ULIDs (sortable by time), so "newest first" is the reversed key order. A filter that
a key cannot express (a campaign's position or status) is a filter expression on the Query;
the page walks on until it has `limit` items or has read `budget` items, and its cursor is the
key of the last item it looked at, so the next page carries on from there.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pynamodb.expressions.condition import Condition

from chalicelib.invitations.models import (
    CampaignItem,
    InvitationItem,
    OutboxItem,
    PositionItem,
    TimelineItem,
)
from chalicelib.shared.domain.errors import Unprocessable
from chalicelib.shared.models import Item, tenant_pk
from chalicelib.shared.stores.dynamo import decode_cursor, encode_cursor

BUDGET = 1000  # items one page may read before it answers with what it has


@dataclass(frozen=True)
class Found:
    items: list[Any]
    next_cursor: str | None


def _page(run: Callable[[dict[str, Any] | None], Any], limit: int, cursor: str | None,
          keep: Callable[[Any], bool] = lambda _item: True,
          key_of: Callable[[Any], dict[str, Any]] | None = None) -> Found:
    """Pages of a Query; with `keep`, items are tested here and the cursor is rebuilt from
    the last item looked at (DynamoDB's own would skip what the page did not return)."""
    start = decode_cursor(cursor)
    items: list[Any] = []
    looked = 0
    while True:
        result = run(start)
        for item in result:
            looked += 1
            if keep(item):
                items.append(item)
            if len(items) == limit or looked >= BUDGET:
                more = key_of(item) if key_of else result.last_evaluated_key
                if result.last_evaluated_key is None and key_of is None:
                    more = None
                return Found(items, encode_cursor(more))
        start = result.last_evaluated_key
        if start is None:
            return Found(items, None)


def _table_key(item: Item) -> dict[str, Any]:
    return {"pk": {"S": item.pk}, "sk": {"S": item.sk}}


def _gsi1_key(item: Item) -> dict[str, Any]:
    return {**_table_key(item), "gsi1pk": {"S": item.gsi1pk}, "gsi1sk": {"S": item.gsi1sk}}


def positions(tenant_id: str, limit: int, cursor: str | None) -> Found:
    def run(start: dict[str, Any] | None) -> Any:
        return PositionItem.query(tenant_pk(tenant_id), PositionItem.sk.startswith("POSITION#"),
                                  scan_index_forward=False, limit=limit,
                                  last_evaluated_key=start)

    return _page(run, limit, cursor, key_of=_table_key)


def campaigns(tenant_id: str, limit: int, cursor: str | None,
              keep: Callable[[CampaignItem], bool]) -> Found:
    def run(start: dict[str, Any] | None) -> Any:
        return CampaignItem.gsi1.query(f"{tenant_pk(tenant_id)}#CAMPAIGNS",
                                       scan_index_forward=False, limit=max(limit, 25),
                                       last_evaluated_key=start)

    return _page(run, limit, cursor, keep, key_of=_gsi1_key)


def invitations_with_status(tenant_id: str, campaign_id: str, status: str, limit: int,
                            start: dict[str, Any] | None) -> Any:
    hash_key, _ = InvitationItem.status_index_keys(tenant_id, campaign_id, status, "")
    return InvitationItem.gsi1.query(hash_key, limit=limit, last_evaluated_key=start)


def gsi1_key(item: Item) -> dict[str, Any]:
    return _gsi1_key(item)


def timeline(tenant_id: str, candidate_id: str, invitation_id: str) -> list[TimelineItem]:
    """The candidate's events about this invitation (a candidate's partition holds few)."""
    pk = f"{tenant_pk(tenant_id)}#CAND#{candidate_id}"
    only: Condition = TimelineItem.invitation_id == invitation_id
    return list(TimelineItem.query(pk, TimelineItem.sk.startswith("EVT#"), filter_condition=only))


def messages(tenant_id: str, invitation_id: str) -> list[OutboxItem]:
    pk, _ = InvitationItem.key(tenant_id, invitation_id)
    return list(OutboxItem.query(pk, OutboxItem.sk.startswith("OUTBOX#")))



def candidate_events(tenant_id: str, candidate_id: str, before: str | None) -> Any:
    """The candidate's timeline events across campaigns, newest first, strictly before the
    order key `before` (`<instant>#<source id>`, the sort key without `EVT#`)."""
    pk = f"{tenant_pk(tenant_id)}#CAND#{candidate_id}"
    condition = (TimelineItem.sk.between("EVT#", f"EVT#{before}") if before
                 else TimelineItem.sk.startswith("EVT#"))
    return TimelineItem.query(pk, condition, scan_index_forward=False, page_size=100)


def gsi1_start(cursor: str | None, hash_key: str) -> dict[str, Any] | None:
    """A cursor that is the gsi1 key of an item in the partition `hash_key`, checked before
    DynamoDB sees it (a forged cursor is a 422 `invalid_cursor`, never a 500)."""
    start = decode_cursor(cursor)
    if start is None:
        return None
    names = {"pk", "sk", "gsi1pk", "gsi1sk"}
    valid = set(start) == names and all(
        isinstance(v, dict) and set(v) == {"S"} and isinstance(v["S"], str)
        and 0 < len(v["S"]) <= 1024 for v in start.values())
    if not valid or start["gsi1pk"]["S"] != hash_key:
        raise Unprocessable("cursor is not valid", code="invalid_cursor")
    return start

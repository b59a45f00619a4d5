"""HR's queue of extension requests (entity `extension_request`, invitations/models.py).

    one request                      GetItem T#<t>#EXTREQ#<r> / EXTREQ
    the queue of a status, newest    Query gsi1 T#<t>#EXTREQS#<status>, reversed (sk starts
    first (optionally one campaign)  with the requested instant); a campaign is a filter
                                     expression, the page walks on (at most BUDGET items)

A decision moves the request to its status partition, clears the invitation's
`extension_requested_at` (so the candidate may ask again) and records the HR action in the
candidate's timeline, in one transaction conditional on the request still being pending:
two HR users deciding at once cannot both win.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.update import Action
from pynamodb.transactions import TransactWrite

from chalicelib.invitations.models import ExtensionRequestItem, InvitationItem, TimelineItem
from chalicelib.invitations.stores.console_queries import gsi1_start
from chalicelib.shared.domain.due import instant
from chalicelib.shared.stores.dynamo import (
    cancellation_codes,
    connection,
    encode_cursor,
    get_or_none,
)

BUDGET = 1000  # requests one page may look at before it answers with what it has
MAX_ID = 100


class ExtensionStore:
    def get(self, tenant_id: str, request_id: str) -> ExtensionRequestItem | None:
        if not 0 < len(request_id) <= MAX_ID:
            return None  # no such id (and no key DynamoDB would refuse)
        return get_or_none(ExtensionRequestItem, ExtensionRequestItem.key(tenant_id, request_id),
                           consistent=True)

    def queue(self, tenant_id: str, status: str, keep: Callable[[ExtensionRequestItem], bool],
              limit: int, cursor: str | None) -> tuple[list[ExtensionRequestItem], str | None]:
        """One page of a status's requests, newest first, those `keep` accepts."""
        hash_key, _ = ExtensionRequestItem.queue_keys(tenant_id, status, "", "")
        start = gsi1_start(cursor, hash_key)
        found: list[ExtensionRequestItem] = []
        looked = 0
        while True:
            result = ExtensionRequestItem.gsi1.query(hash_key, scan_index_forward=False,
                                                     limit=max(limit, 25),
                                                     last_evaluated_key=start)
            for item in result:
                looked += 1
                if isinstance(item, ExtensionRequestItem) and keep(item):
                    found.append(item)
                if len(found) == limit or looked >= BUDGET:
                    return found, encode_cursor(_gsi1_key(item))
            start = result.last_evaluated_key
            if start is None:
                return found, None

    def decide(self, request: ExtensionRequestItem, status: str, at: datetime, by: str,
               new_deadline: datetime | None, note: str | None,
               event: TimelineItem) -> bool:
        """pending -> `status`, with the invitation's flag cleared and the timeline event;
        False when the request was no longer pending (someone decided first)."""
        gpk, gsk = ExtensionRequestItem.queue_keys(request.tenant_id, status,
                                                   request.gsi1sk.split("#", 1)[0]
                                                   if request.gsi1sk else instant(at),
                                                   request.request_id)
        actions: list[Action] = [ExtensionRequestItem.status.set(status),
                                 ExtensionRequestItem.decided_at.set(at),
                                 ExtensionRequestItem.decided_by.set(by),
                                 ExtensionRequestItem.gsi1pk.set(gpk),
                                 ExtensionRequestItem.gsi1sk.set(gsk)]
        if new_deadline is not None:
            actions.append(ExtensionRequestItem.new_deadline_at.set(new_deadline))
        if note:
            actions.append(ExtensionRequestItem.note.set(note))
        ipk, isk = InvitationItem.key(request.tenant_id, request.invitation_id)
        invitation = InvitationItem(ipk, isk)
        try:
            with TransactWrite(connection=connection()) as tx:
                tx.update(request, actions=actions,
                          condition=ExtensionRequestItem.status == "pending")
                tx.update(invitation, actions=[InvitationItem.extension_requested_at.remove()],
                          condition=InvitationItem.pk.exists(), add_version_condition=False)
                tx.save(event)
        except TransactWriteError as err:
            if cancellation_codes(err)[:1] == ["ConditionalCheckFailed"]:
                return False
            raise
        request.status, request.decided_at, request.decided_by = status, at, by
        request.new_deadline_at, request.note = new_deadline, note or request.note
        request.gsi1pk, request.gsi1sk = gpk, gsk
        return True


def _gsi1_key(item: Any) -> dict[str, Any]:
    return {"pk": {"S": item.pk}, "sk": {"S": item.sk}, "gsi1pk": {"S": item.gsi1pk},
            "gsi1sk": {"S": item.gsi1sk}}

"""Everything stored about one candidate, found by key (no scan): their partition, their
invitations (ids derive from (campaign, candidate): one BatchGetItem over the tenant's
campaigns), the invitations' outbox items, and the suppression entries of their addresses."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import datetime

from pynamodb.exceptions import PutError, UpdateError
from pynamodb.expressions.update import Action

from chalicelib.invitations.models import (
    CampaignItem,
    CandidateItem,
    InvitationItem,
    OutboxItem,
    SuppressionItem,
)
from chalicelib.pool.models import ErasureAuditItem
from chalicelib.shared.models import Item
from chalicelib.shared.stores.dynamo import get_or_none


class ErasureStore:
    def profile(self, tenant_id: str, candidate_id: str) -> CandidateItem | None:
        return get_or_none(CandidateItem, CandidateItem.key(tenant_id, candidate_id), True)

    def partition(self, tenant_id: str, candidate_id: str) -> Iterator[Item]:
        """Every item under T#<tenant>#CAND#<candidate> (profile, tags, timeline, and
        whatever per-candidate items later features add)."""
        pk, _ = CandidateItem.key(tenant_id, candidate_id)
        yield from Item.query(pk, consistent_read=True)

    def campaign_ids(self, tenant_id: str) -> list[str]:
        hash_key = f"T#{tenant_id}#CAMPAIGNS"
        return [c.campaign_id for c in CampaignItem.gsi1.query(
            hash_key, attributes_to_get=["pk", "sk", "campaign_id", "entity"])
            if isinstance(c, CampaignItem)]

    def invitations(self, tenant_id: str, invitation_ids: Sequence[str]) -> list[InvitationItem]:
        keys = [InvitationItem.key(tenant_id, i) for i in invitation_ids]
        return list(InvitationItem.batch_get(keys, consistent_read=True)) if keys else []

    def outbox(self, invitation: InvitationItem) -> list[OutboxItem]:
        return [o for o in OutboxItem.query(invitation.pk, OutboxItem.sk.startswith("OUTBOX#"),
                                            consistent_read=True)
                if isinstance(o, OutboxItem)]

    def mark_profile(self, profile: CandidateItem, actor: str, now: datetime) -> datetime:
        """The profile's erasure starts (once): later merges and imports see `erased_at`."""
        if profile.erased_at is not None:
            return profile.erased_at
        profile.update(actions=[CandidateItem.erased_at.set(now),
                                CandidateItem.erased_by.set(actor)])
        return now

    def anonymise_profile(self, profile: CandidateItem) -> None:
        profile.update(actions=[
            CandidateItem.name.set("[erased]"), CandidateItem.email.remove(),
            CandidateItem.phone.remove(), CandidateItem.external_id.remove(),
            CandidateItem.timezone.remove(), CandidateItem.due_pk.remove(),
            CandidateItem.due_sk.remove(), CandidateItem.gsi1pk.remove(),
            CandidateItem.gsi1sk.remove()])

    def delete(self, items: Sequence[Item]) -> None:
        with Item.batch_write() as batch:
            for item in items:
                batch.delete(item)

    def strip_invitation(self, invitation: InvitationItem) -> None:
        """Keep status and times (counts and reports stay right); drop what the candidate
        wrote and where they live. Conditional on the version like every invitation write:
        the stream then sees a MODIFY without a status change (nothing to count)."""
        actions: list[Action] = [InvitationItem.reason_text.remove(),
                                 InvitationItem.timezone.remove()]
        invitation.update(actions=actions)

    def strip_invitation_if_unchanged(self, invitation: InvitationItem) -> bool:
        """`strip_invitation`; False when the invitation changed since it was read."""
        try:
            self.strip_invitation(invitation)
        except UpdateError as err:
            if err.cause_response_code != "ConditionalCheckFailedException":
                raise
            return False
        return True

    def strip_outbox(self, item: OutboxItem) -> None:
        item.update(actions=[OutboxItem.recipient.remove(), OutboxItem.subject.remove(),
                             OutboxItem.last_error.remove()])

    def suppressions(self, tenant_id: str,
                     addresses: Sequence[tuple[str, str]]) -> list[SuppressionItem]:
        keys = [SuppressionItem.key(tenant_id, c, a.lower()) for c, a in addresses]
        return list(SuppressionItem.batch_get(keys, consistent_read=True)) if keys else []

    def replace_suppression(self, old: SuppressionItem, hashed: SuppressionItem) -> None:
        hashed.save()
        old.delete()

    def audit(self, item: ErasureAuditItem) -> bool:
        try:
            item.save(condition=ErasureAuditItem.pk.does_not_exist())
        except PutError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                return False
            raise
        return True

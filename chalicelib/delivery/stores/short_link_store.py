"""Short links of the candidate's page: written idempotently, read by code."""

from __future__ import annotations

from pynamodb.exceptions import PutError

from chalicelib.delivery.models import ShortLinkItem
from chalicelib.shared.domain.errors import Conflict
from chalicelib.shared.stores.dynamo import get_or_none


class ShortLinkStore:
    def save(self, link: ShortLinkItem) -> None:
        """Write the link; the same code for another invitation (a collision) is refused."""
        try:
            link.save(condition=ShortLinkItem.pk.does_not_exist()
                      | ((ShortLinkItem.tenant_id == link.tenant_id)
                         & (ShortLinkItem.invitation_id == link.invitation_id)))
        except PutError as err:
            if err.cause_response_code == "ConditionalCheckFailedException":
                raise Conflict("short code taken by another invitation",
                               code="short_code_collision") from err
            raise

    def get(self, code: str) -> ShortLinkItem | None:
        return get_or_none(ShortLinkItem, ShortLinkItem.key(code))

"""One invitation with its candidate, messages and timeline."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalice import Blueprint

from chalicelib.api.auth import api_key
from chalicelib.api.http import READERS, Caller, endpoint
from chalicelib.api.lazy import schemas_of
from chalicelib.bootstrap import container
from chalicelib.shared.domain.errors import NotFound

if TYPE_CHECKING:
    from chalicelib.invitations import read_schemas
else:
    read_schemas = schemas_of("chalicelib.invitations.read_schemas")

bp = Blueprint(__name__)


@endpoint(bp, "GET", "/invitations/{invitation_id}", roles=READERS,
          summary="An invitation with its candidate, messages and timeline",
          response=read_schemas.InvitationDetail, errors=(404,), authorizer=api_key)
def get_invitation(caller: Caller, invitation_id: str) -> dict[str, Any]:
    result: dict[str, Any] = container().invitation_reads.detail(caller.tenant_id,
                                                                 invitation_id)
    try:
        caller.check_campaign(result["campaign_id"])
    except NotFound as err:  # another campaign's invitation: as if it did not exist
        raise NotFound(f"invitation {invitation_id} not found",
                       code="invitation_not_found") from err
    return result

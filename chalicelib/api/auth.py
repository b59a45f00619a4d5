"""The custom authorizer: `Authorization: Bearer <API key>` -> tenant and role.

It works on API Gateway (a TOKEN authorizer Lambda) and under `chalice local` / the test
client. An unknown or missing key is let through *without* a tenant, and the route layer
answers 401 with the uniform error body; so the error shape is the same everywhere and no
route can run without a tenant (api/http.py refuses it).
"""

from __future__ import annotations

from chalice import AuthResponse, Blueprint

from chalicelib.bootstrap import container

auth = Blueprint(__name__)


@auth.authorizer(ttl_seconds=60)
def api_key(auth_request):  # type: ignore[no-untyped-def]
    principal = container().tenants.authenticate(auth_request.token)
    if principal is None:
        return AuthResponse(routes=["*"], principal_id="anonymous", context={})
    return AuthResponse(routes=["*"], principal_id=principal.key_id,
                        context={"tenant_id": principal.tenant_id, "role": principal.role,
                                 "key_id": principal.key_id,
                                 # API Gateway context values are strings: comma-joined
                                 "campaign_ids": ",".join(principal.campaign_ids)})

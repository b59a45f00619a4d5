"""The answers API Gateway gives without calling the app (no `Authorization` header, a
refused key, throttling, an unknown resource), in the app's uniform error shape.

One table for both clouds: the CDK stack turns it into `GatewayResponses`
(infra/stack/api.py), and the local cloud's HTTP server rewrites Chalice's own gateway
errors with it (infra/local/runner.py), so a client sees the same body on either.
"""

from __future__ import annotations

import json

#: The app's message for a missing or unknown key (chalicelib/api/http.py), verbatim.
UNAUTHENTICATED_MESSAGE = "send a valid API key: Authorization: Bearer <key>"

#: API Gateway response type -> (status, code, message); `None` message = API Gateway's own.
GATEWAY_RESPONSES: dict[str, tuple[int, str, str | None]] = {
    "UNAUTHORIZED": (401, "unauthenticated", UNAUTHENTICATED_MESSAGE),
    "ACCESS_DENIED": (403, "unauthenticated", "the API key was refused"),
    "THROTTLED": (429, "throttled", "too many requests: retry later"),
    "DEFAULT_4XX": (400, "bad_request", None),
    "DEFAULT_5XX": (500, "internal_error", None),
}


def local_error_body(status: int, error_type: str) -> tuple[int, bytes]:
    """Chalice's local gateway error (status, `x-amzn-ErrorType`) -> what API Gateway with
    these gateway responses answers: 401/403 for the authorizer, DEFAULT_4XX otherwise."""
    if status == 401 or error_type == "UnauthorizedException":
        status_, code, message = GATEWAY_RESPONSES["UNAUTHORIZED"]
    elif status == 403 and error_type == "AccessDeniedException":
        status_, code, message = GATEWAY_RESPONSES["ACCESS_DENIED"]
    elif 400 <= status < 500:
        status_, code, _ = GATEWAY_RESPONSES["DEFAULT_4XX"]
        message = "this request was refused by the gateway"
    else:
        status_, code, _ = GATEWAY_RESPONSES["DEFAULT_5XX"]
        message = "the gateway could not reach the app"
    body = {"error": {"code": code, "message": message or "refused"}}
    return status_, json.dumps(body).encode()

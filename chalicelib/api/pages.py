"""HTML for browsers on the candidate's routes: content negotiation, the page's security
headers, and the friendly error page (`endpoint(pages=problem_page)`).

A request gets HTML when its Accept header prefers text/html to application/json (a browser
asks `text/html,...,*/*;q=0.8`), or when it posted a form without asking for JSON. Anything
else - `Accept: application/json`, `*/*`, no Accept at all - gets today's JSON.
"""

from __future__ import annotations

from typing import Any

from chalice import Response

from chalicelib.api.http import is_form
from chalicelib.bootstrap import container
from chalicelib.delivery.domain.candidate_page import accept_language

HTML_TYPES = ("text/html", "application/xhtml+xml")


def _quality(accept: str, types: tuple[str, ...]) -> float:
    """The q of the first media range in `accept` that names one of `types` exactly (0: none;
    wildcards count for neither side, so `*/*` keeps JSON)."""
    for part in accept.split(","):
        media, *params = (p.strip() for p in part.split(";"))
        if media.lower() in types:
            for param in params:
                name, _, value = param.partition("=")
                if name.strip().lower() == "q":
                    try:
                        return max(0.0, min(1.0, float(value)))
                    except ValueError:
                        return 0.0
            return 1.0
    return 0.0


def prefers_html(accept: str | None) -> bool:
    html = _quality(accept or "", HTML_TYPES)
    return html > 0 and html > _quality(accept or "", ("application/json",))


def wants_html(request: Any) -> bool:
    accept = str((request.headers or {}).get("accept") or "")
    if prefers_html(accept):
        return True
    return is_form(request) and _quality(accept, ("application/json",)) == 0


def lang_of(request: Any) -> str | None:
    """`?lang=` wins; a page without an invitation behind it uses Accept-Language."""
    params = request.query_params or {}
    return params.get("lang") or accept_language((request.headers or {}).get("accept-language"))


def html(body: str, status: int = 200) -> Response:
    return Response(body, status_code=status, headers={
        "Content-Type": "text/html; charset=utf-8",
        "Content-Security-Policy": container().candidate_page.csp,
        "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer",
        "X-Frame-Options": "DENY", "Cache-Control": "no-store", "Vary": "Accept"})


def problem_page(request: Any, status: int, code: str, message: str,
                 details: list[dict[str, Any]] | None) -> Response | None:
    """The friendly page for a browser (None: the uniform JSON body). A form that was not
    filled in right links back to the page; a link that does not work has nowhere to go."""
    if not wants_html(request):
        return None
    token = (request.uri_params or {}).get("token")
    back = f"../{token}" if status == 400 and token and request.method == "POST" else None
    page = container().candidate_page.problem(code, details, lang_of(request), back)
    return html(page, status)

"""The HR console: the single-page app built from `console/` (Vite) into
`chalicelib/console_dist/` by `make console`, served by the API itself at `/console`, so it
shares the API's origin (no CORS, the API key never leaves it) and ships with the Chalice
app that the CDK stack deploys. Hashed assets are cached for a year; the page never is."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from chalice import Blueprint, Response

from chalicelib.api.errors import error_response
from chalicelib.api.http import endpoint

bp = Blueprint(__name__)

DIST = Path(__file__).resolve().parents[1] / "console_dist"
ASSET = re.compile(r"[A-Za-z0-9_.-]{1,120}\.(js|css)")
TYPES = {"js": "text/javascript; charset=utf-8", "css": "text/css; charset=utf-8"}
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; "
       "form-action 'none'; frame-ancestors 'none'")
SECURITY = {"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


@lru_cache(maxsize=1)
def _index() -> str | None:
    page = DIST / "index.html"
    if not page.is_file():
        return None
    # Vite writes ./assets/...; the page is /console (or /<stage>/console): relative to it
    return page.read_text(encoding="utf-8").replace('"./assets/', '"console/assets/')


@endpoint(bp, "GET", "/console", summary="The HR console (a single-page app; public page, "
          "it asks for an API key)", roles=None, errors=(404,))
def console_page(caller: object) -> Response:
    page = _index()
    if page is None:
        return error_response(404, "console_not_built", "the console is not built: make console")
    return Response(page, status_code=200, headers={
        "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", **SECURITY})


@endpoint(bp, "GET", "/console/assets/{name}", summary="The console's hashed script and "
          "style files", roles=None, errors=(404,))
def console_asset(caller: object, name: str) -> Response:
    match = ASSET.fullmatch(name)
    path = DIST / "assets" / name
    if match is None or not path.is_file():
        return error_response(404, "not_found", f"no console asset {name}")
    return Response(path.read_text(encoding="utf-8"), status_code=200, headers={
        "Content-Type": TYPES[match.group(1)],
        "Cache-Control": "public, max-age=31536000, immutable", **SECURITY})
